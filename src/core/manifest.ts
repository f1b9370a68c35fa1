/**
 * Parsing and validation of a model's manifest.json (gazecast-model/1, see MODEL_CONTRACT.md).
 * Every error names the offending field by its JSON path (e.g. `files[1].sha256`) so a user
 * dropping in their own model learns exactly what to fix.
 */
import { GazecastError } from './errors';

export const MANIFEST_SCHEMA = 'gazecast-model/1';

/** Precisions a model file may declare; the runtime picks one per backend. */
export type ModelPrecision = 'fp32' | 'fp16-weights' | 'int8-weights' | (string & {});

export interface ModelFile {
  /** relative to the manifest's URL */
  readonly path: string;
  readonly precision: ModelPrecision;
  readonly bytes: number;
  /** lowercase hex */
  readonly sha256: string;
}

export interface ProfileSlot {
  readonly key: string;
  /** index 0 is always 'unknown' */
  readonly values: readonly string[];
}

export interface ModelManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly id: string;
  readonly version: string;
  readonly license: string;
  readonly files: readonly ModelFile[];
  readonly input: {
    readonly name: string;
    readonly height: number;
    readonly width: number;
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
  };
  readonly profile: {
    readonly tokens: { readonly name: string; readonly slots: readonly ProfileSlot[] };
    readonly embedding?: { readonly name: string; readonly dim: number };
  };
  readonly output: { readonly name: string; readonly height: number; readonly width: number };
  readonly encoder?: {
    readonly path: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly inputs: { readonly image: string; readonly fixations: string };
    readonly output: string;
  };
  readonly panel?: string;
  readonly trainedOn?: readonly string[];
  readonly metrics?: Readonly<Record<string, unknown>>;
}

type Json = unknown;

function fail(field: string, problem: string): never {
  throw new GazecastError('manifest-invalid', `manifest.json: \`${field}\` ${problem}`);
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: Json, field: string): Record<string, Json> {
  if (!isObject(v)) fail(field, `must be an object, got ${describe(v)}`);
  return v;
}

function str(v: Json, field: string, pattern?: RegExp, hint?: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(field, `must be a non-empty string, got ${describe(v)}`);
  if (pattern && !pattern.test(v)) fail(field, `must be ${hint ?? `a string matching ${pattern}`}, got ${JSON.stringify(v)}`);
  return v;
}

function posInt(v: Json, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(field, `must be a positive integer, got ${describe(v)}`);
  return v;
}

function triple(v: Json, field: string, positive: boolean): [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3) fail(field, `must be an array of 3 numbers, got ${describe(v)}`);
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || (positive && x <= 0)) {
      fail(`${field}[${i}]`, `must be a ${positive ? 'positive' : 'finite'} number, got ${describe(x)}`);
    }
    return x;
  }) as [number, number, number];
}

function describe(v: Json): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

const SHA256 = /^[0-9a-f]{64}$/;
const ID = /^[a-z0-9-]+$/;
/** a relative path inside the model folder, or an absolute path on the same origin */
const FILE_PATH = /^(?![a-z][a-z0-9+.-]*:)(?!\/\/)[^\s?#]+$/i;

function file(v: Json, field: string): ModelFile {
  const o = obj(v, field);
  return {
    path: str(o.path, `${field}.path`, FILE_PATH, 'a path relative to the manifest (no scheme, query or spaces)'),
    precision: str(o.precision, `${field}.precision`),
    bytes: posInt(o.bytes, `${field}.bytes`),
    sha256: str(o.sha256, `${field}.sha256`, SHA256, '64 lowercase hex digits'),
  };
}

/**
 * Validates a parsed manifest.json. Throws GazecastError('manifest-invalid') naming the first
 * offending field. Unknown extra fields are kept out of the result (they are not part of the contract).
 */
export function parseManifest(json: Json): ModelManifest {
  const m = obj(json, '(root)');
  if (m.schema !== MANIFEST_SCHEMA) {
    fail('schema', `must be "${MANIFEST_SCHEMA}" (the only schema this runtime reads), got ${describe(m.schema)}`);
  }
  if (!Array.isArray(m.files) || m.files.length === 0) fail('files', `must be a non-empty array, got ${describe(m.files)}`);
  const files = m.files.map((f, i) => file(f, `files[${i}]`));
  const seen = new Set<string>();
  files.forEach((f, i) => {
    if (seen.has(f.precision)) fail(`files[${i}].precision`, `"${f.precision}" is listed twice`);
    seen.add(f.precision);
  });

  const input = obj(m.input, 'input');
  const profile = obj(m.profile, 'profile');
  const tokens = obj(profile.tokens, 'profile.tokens');
  if (!Array.isArray(tokens.slots)) fail('profile.tokens.slots', `must be an array, got ${describe(tokens.slots)}`);
  const keys = new Set<string>();
  const slots = tokens.slots.map((s, i): ProfileSlot => {
    const f = `profile.tokens.slots[${i}]`;
    const so = obj(s, f);
    const key = str(so.key, `${f}.key`);
    if (keys.has(key)) fail(`${f}.key`, `"${key}" is listed twice`);
    keys.add(key);
    if (!Array.isArray(so.values) || so.values.length === 0) fail(`${f}.values`, `must be a non-empty array, got ${describe(so.values)}`);
    const values = so.values.map((v, j) => str(v, `${f}.values[${j}]`));
    if (values[0] !== 'unknown') fail(`${f}.values[0]`, `must be "unknown" (index 0 is the population token), got ${describe(values[0])}`);
    if (new Set(values).size !== values.length) fail(`${f}.values`, 'must not repeat a value');
    return { key, values };
  });
  let embedding: ModelManifest['profile']['embedding'];
  if (profile.embedding !== undefined) {
    const e = obj(profile.embedding, 'profile.embedding');
    embedding = { name: str(e.name, 'profile.embedding.name'), dim: posInt(e.dim, 'profile.embedding.dim') };
  }
  const output = obj(m.output, 'output');

  let encoder: ModelManifest['encoder'];
  if (m.encoder !== undefined) {
    const e = obj(m.encoder, 'encoder');
    const ins = obj(e.inputs, 'encoder.inputs');
    if (!embedding) fail('profile.embedding', 'is required when `encoder` is present (the encoder outputs that embedding)');
    encoder = {
      path: str(e.path, 'encoder.path', FILE_PATH, 'a path relative to the manifest'),
      sha256: str(e.sha256, 'encoder.sha256', SHA256, '64 lowercase hex digits'),
      bytes: posInt(e.bytes, 'encoder.bytes'),
      inputs: { image: str(ins.image, 'encoder.inputs.image'), fixations: str(ins.fixations, 'encoder.inputs.fixations') },
      output: str(e.output, 'encoder.output'),
    };
  }
  if (m.trainedOn !== undefined && (!Array.isArray(m.trainedOn) || m.trainedOn.some((t) => typeof t !== 'string'))) {
    fail('trainedOn', `must be an array of strings, got ${describe(m.trainedOn)}`);
  }
  if (m.metrics !== undefined && !isObject(m.metrics)) fail('metrics', `must be an object, got ${describe(m.metrics)}`);

  const result: ModelManifest = {
    schema: MANIFEST_SCHEMA,
    id: str(m.id, 'id', ID, 'lowercase letters, digits and dashes'),
    version: str(m.version, 'version'),
    license: str(m.license, 'license'),
    files,
    input: {
      name: str(input.name, 'input.name'),
      height: posInt(input.height, 'input.height'),
      width: posInt(input.width, 'input.width'),
      mean: triple(input.mean, 'input.mean', false),
      std: triple(input.std, 'input.std', true),
    },
    profile: { tokens: { name: str(tokens.name, 'profile.tokens.name'), slots }, ...(embedding ? { embedding } : {}) },
    output: {
      name: str(output.name, 'output.name'),
      height: posInt(output.height, 'output.height'),
      width: posInt(output.width, 'output.width'),
    },
    ...(encoder ? { encoder } : {}),
    ...(m.panel !== undefined ? { panel: str(m.panel, 'panel', FILE_PATH, 'a path relative to the manifest') } : {}),
    ...(m.trainedOn !== undefined ? { trainedOn: m.trainedOn as string[] } : {}),
    ...(m.metrics !== undefined ? { metrics: m.metrics as Record<string, unknown> } : {}),
  };
  if (result.output.width > result.input.width || result.output.height > result.input.height) {
    fail('output', `grid ${result.output.width}x${result.output.height} must not be finer than the input ${result.input.width}x${result.input.height}`);
  }
  return result;
}

/** Parses manifest text (JSON) and validates it. */
export function parseManifestText(text: string): ModelManifest {
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GazecastError('manifest-invalid', `manifest.json is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseManifest(json);
}

/** Default preference of file precisions per backend. fp16 weight storage is half the download and
 *  decodes to fp32 at load (correlation with fp32 0.99998). int8 pointwise weights are a quarter of the
 *  download (correlation 0.9994 with PyTorch) and, on WASM in Chromium with one thread, had the
 *  lower median inference in all five benchmark runs (one with the order reversed; fp16 took 9-29 %
 *  longer; README), so WASM takes them first. WebGPU keeps fp16: no GPU was at hand to show int8 is
 *  no slower there. */
export const PRECISION_PREFERENCE: Readonly<Record<'webgpu' | 'wasm', readonly string[]>> = {
  webgpu: ['fp16-weights', 'fp32', 'int8-weights'],
  wasm: ['int8-weights', 'fp16-weights', 'fp32'],
};

/**
 * The file to load for a backend: the requested precision when the model has it, else the
 * backend's preference order, else the first file listed.
 */
export function chooseModelFile(manifest: ModelManifest, backend: 'webgpu' | 'wasm', precision?: string): ModelFile {
  if (precision !== undefined) {
    const exact = manifest.files.find((f) => f.precision === precision);
    if (exact) return exact;
  }
  for (const p of PRECISION_PREFERENCE[backend]) {
    const f = manifest.files.find((x) => x.precision === p);
    if (f) return f;
  }
  return manifest.files[0]!;
}

/**
 * The manifest URL for a model URL: a URL ending in `.json` is the manifest itself, anything else
 * is taken to be the model folder.
 */
export function manifestUrlOf(modelUrl: string | URL, base?: string | URL): URL {
  const u = new URL(modelUrl, base);
  if (/\.json$/i.test(u.pathname)) return u;
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return new URL('manifest.json', u);
}
