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

/** The optional scanpath graph's input names by role. It reads the letterboxed image itself
 *  (`image`) or the main graph's extra output (`features`, named in `output.features`): exactly one. */
export type ScanpathInputs = {
  /** int64 [B, slots] */
  readonly tokens: string;
  /** float32 [B, dim] */
  readonly embedding: string;
  /** float32 [B, K, 3]: (x, y, valid) of the K previous fixations, most recent first */
  readonly history: string;
} & (
  | { readonly image: string; readonly features?: undefined }
  | { readonly features: string; readonly image?: undefined }
);

export interface ScanpathOutputs {
  /** float32 [B, 1, output.height, output.width]: log density of the next fixation */
  readonly density: string;
  /** float32 [B, 2]: (mu, sigma) of ln(duration in ms) of the next fixation */
  readonly duration?: string;
}

/** Turns durations into onsets: the start fixation ends `startMs` after onset, a saccade takes `saccadeMs`. */
export interface ScanpathTiming {
  readonly startMs?: number;
  readonly saccadeMs?: number;
}

/** The optional `scanpath` section: a graph predicting where the next fixation lands (MODEL_CONTRACT.md). */
export interface ScanpathSpec {
  /** relative to the manifest's URL, inside the model folder */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  /** K: how many previous fixations the graph sees (>= 1) */
  readonly history: number;
  readonly inputs: ScanpathInputs;
  readonly outputs: ScanpathOutputs;
  readonly timing?: ScanpathTiming;
}

export interface ModelOutputSpec {
  readonly name: string;
  readonly height: number;
  readonly width: number;
  /** optional extra output of the main graph that the scanpath graph reads (any shape) */
  readonly features?: string;
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
  readonly output: ModelOutputSpec;
  readonly encoder?: {
    readonly path: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly inputs: { readonly image: string; readonly fixations: string };
    readonly output: string;
  };
  readonly panel?: string;
  readonly scanpath?: ScanpathSpec;
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

function posInt(v: Json, field: string, max = Number.MAX_SAFE_INTEGER, why = ''): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(field, `must be a positive integer, got ${describe(v)}`);
  if (v > max) fail(field, `must be at most ${max}${why}, got ${v}`);
  return v;
}

function nonNegative(v: Json, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(field, `must be a non-negative number, got ${describe(v)}`);
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
/**
 * A path inside the model folder: '/'-separated names of letters, digits, '.', '_', '+' and '-',
 * none of them '.' or '..'. No scheme, no leading '/', no backslash (URL parsing turns `\\host/x`
 * into `//host/x`, another origin), no '%' (`%2e%2e` is '..' to a URL parser), no query. The
 * loader checks the resolved URL again (resolveModelFile).
 */
const FILE_PATH = /^(?!\.{1,2}(?:\/|$))(?!.*\/\.{1,2}(?:\/|$))[A-Za-z0-9._+-]+(?:\/[A-Za-z0-9._+-]+)*$/;
const FILE_PATH_HINT = 'a path inside the model folder, relative to the manifest (letters, digits, . _ + - and /; no "..", no leading "/", no backslash, scheme, query or "%")';
/** onnxruntime-web runs in 32-bit WASM: a larger file could never be loaded */
export const MAX_FILE_BYTES = 2 ** 31 - 1;
/** bounds that keep every buffer the runtime allocates from a manifest's numbers sane */
const MAX_INPUT_SIDE = 4096;
const MAX_EMBEDDING_DIM = 4096;
const MAX_HISTORY = 1024;

function filePath(v: Json, field: string): string {
  return str(v, field, FILE_PATH, FILE_PATH_HINT);
}

function fileBytes(v: Json, field: string): number {
  return posInt(v, field, MAX_FILE_BYTES, ' (onnxruntime-web cannot load a file of 2 GiB or more)');
}

function file(v: Json, field: string): ModelFile {
  const o = obj(v, field);
  return {
    path: filePath(o.path, `${field}.path`),
    precision: str(o.precision, `${field}.precision`),
    bytes: fileBytes(o.bytes, `${field}.bytes`),
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
    embedding = { name: str(e.name, 'profile.embedding.name'), dim: posInt(e.dim, 'profile.embedding.dim', MAX_EMBEDDING_DIM) };
  }
  const output = obj(m.output, 'output');
  const features = output.features !== undefined ? str(output.features, 'output.features') : undefined;
  if (features !== undefined && features === output.name) fail('output.features', `must name another output than \`output.name\` ("${features}")`);

  let encoder: ModelManifest['encoder'];
  if (m.encoder !== undefined) {
    const e = obj(m.encoder, 'encoder');
    const ins = obj(e.inputs, 'encoder.inputs');
    if (!embedding) fail('profile.embedding', 'is required when `encoder` is present (the encoder outputs that embedding)');
    encoder = {
      path: filePath(e.path, 'encoder.path'),
      sha256: str(e.sha256, 'encoder.sha256', SHA256, '64 lowercase hex digits'),
      bytes: fileBytes(e.bytes, 'encoder.bytes'),
      inputs: { image: str(ins.image, 'encoder.inputs.image'), fixations: str(ins.fixations, 'encoder.inputs.fixations') },
      output: str(e.output, 'encoder.output'),
    };
  }
  const scanpath = m.scanpath !== undefined ? parseScanpath(m.scanpath, features, embedding !== undefined) : undefined;
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
      height: posInt(input.height, 'input.height', MAX_INPUT_SIDE),
      width: posInt(input.width, 'input.width', MAX_INPUT_SIDE),
      mean: triple(input.mean, 'input.mean', false),
      std: triple(input.std, 'input.std', true),
    },
    profile: { tokens: { name: str(tokens.name, 'profile.tokens.name'), slots }, ...(embedding ? { embedding } : {}) },
    output: {
      name: str(output.name, 'output.name'),
      height: posInt(output.height, 'output.height'),
      width: posInt(output.width, 'output.width'),
      ...(features !== undefined ? { features } : {}),
    },
    ...(encoder ? { encoder } : {}),
    ...(m.panel !== undefined ? { panel: filePath(m.panel, 'panel') } : {}),
    ...(scanpath ? { scanpath } : {}),
    ...(m.trainedOn !== undefined ? { trainedOn: m.trainedOn as string[] } : {}),
    ...(m.metrics !== undefined ? { metrics: m.metrics as Record<string, unknown> } : {}),
  };
  if (result.output.width > result.input.width || result.output.height > result.input.height) {
    fail('output', `grid ${result.output.width}x${result.output.height} must not be finer than the input ${result.input.width}x${result.input.height}`);
  }
  return result;
}

/** The `scanpath` section; `features` is `output.features` when the main graph has that output. */
function parseScanpath(v: Json, features: string | undefined, hasEmbedding: boolean): ScanpathSpec {
  const s = obj(v, 'scanpath');
  const path = filePath(s.path, 'scanpath.path');
  const sha256 = str(s.sha256, 'scanpath.sha256', SHA256, '64 lowercase hex digits');
  const bytes = fileBytes(s.bytes, 'scanpath.bytes');
  const history = posInt(s.history, 'scanpath.history', MAX_HISTORY);
  const ins = obj(s.inputs, 'scanpath.inputs');
  if ((ins.image === undefined) === (ins.features === undefined)) {
    fail('scanpath.inputs', `must name exactly one of \`image\` and \`features\` (what the graph reads of the frame), got ${ins.image === undefined ? 'neither' : 'both'}`);
  }
  if (ins.features !== undefined && features === undefined) {
    fail('scanpath.inputs.features', 'needs `output.features`: the main graph output that is passed to this input');
  }
  if (!hasEmbedding) fail('profile.embedding', 'is required when `scanpath` is present (its `inputs.embedding` has that size)');
  const names = {
    tokens: str(ins.tokens, 'scanpath.inputs.tokens'),
    embedding: str(ins.embedding, 'scanpath.inputs.embedding'),
    history: str(ins.history, 'scanpath.inputs.history'),
  };
  const inputs: ScanpathInputs =
    ins.image !== undefined ? { ...names, image: str(ins.image, 'scanpath.inputs.image') } : { ...names, features: str(ins.features, 'scanpath.inputs.features') };
  const outs = obj(s.outputs, 'scanpath.outputs');
  const outputs: ScanpathOutputs = {
    density: str(outs.density, 'scanpath.outputs.density'),
    ...(outs.duration !== undefined ? { duration: str(outs.duration, 'scanpath.outputs.duration') } : {}),
  };
  let timing: ScanpathTiming | undefined;
  if (s.timing !== undefined) {
    const t = obj(s.timing, 'scanpath.timing');
    timing = {
      ...(t.startMs !== undefined ? { startMs: nonNegative(t.startMs, 'scanpath.timing.startMs') } : {}),
      ...(t.saccadeMs !== undefined ? { saccadeMs: nonNegative(t.saccadeMs, 'scanpath.timing.saccadeMs') } : {}),
    };
  }
  return { path, sha256, bytes, history, inputs, outputs, ...(timing ? { timing } : {}) };
}

/**
 * The manifest URL of a model URL (resolved against `base`), refused with 'model-off-origin'
 * unless it is on `origin`, the page's: models load only from the page's own origin, so nothing
 * about the user leaves it. Without an origin (Node) any URL is taken.
 */
export function manifestUrlOnOrigin(modelUrl: string | URL, base?: string, origin?: string): string {
  let url: URL;
  try {
    url = manifestUrlOf(modelUrl, base);
  } catch (e) {
    throw new GazecastError('invalid-argument', `modelUrl ${JSON.stringify(String(modelUrl))} is not a URL.`, { cause: e });
  }
  if (origin !== undefined && url.origin !== origin) {
    throw new GazecastError(
      'model-off-origin',
      `The model URL ${url.href} is off this page's origin ${origin}; gazecast loads models only from the page's own origin. Copy the model folder onto this site and give its path.`,
    );
  }
  return url.href;
}

/**
 * The URL of a file the manifest names, refused (code 'model-off-origin') unless it lies inside
 * the manifest's folder and on `origin` (the page's). The manifest's path syntax already excludes
 * escapes; this checks what the URL parser actually made of it.
 */
export function resolveModelFile(manifestUrl: string | URL, path: string, origin?: string): URL {
  const folder = new URL('./', manifestUrl);
  let url: URL;
  try {
    url = new URL(path, folder);
  } catch (e) {
    throw new GazecastError('model-off-origin', `The model file path ${JSON.stringify(path)} is not a URL path.`, { cause: e });
  }
  const pageOrigin = origin ?? folder.origin;
  if (url.origin !== pageOrigin || folder.origin !== pageOrigin) {
    throw new GazecastError('model-off-origin', `The model file ${JSON.stringify(path)} resolves to ${url.href}, off this page's origin ${pageOrigin}; gazecast loads models only from the page's own origin. Copy the model folder onto this site.`);
  }
  if (/[\\]/.test(path) || !url.pathname.startsWith(folder.pathname) || url.search || url.hash || url.username || url.password) {
    throw new GazecastError('model-off-origin', `The model file ${JSON.stringify(path)} resolves to ${url.href}, outside the model folder ${folder.href}; list files by their path inside the folder.`);
  }
  return url;
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
