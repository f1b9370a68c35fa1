/**
 * Viewer profiles → the model's inputs: an int64 token per slot (index into the slot's values,
 * 0 = unknown) and an optional float32 embedding (zeros = population).
 */
import { checkOptions, invalidArgument, isPlainObject } from './arguments';
import { GazecastError } from './errors';
import type { ModelManifest, ProfileSlot } from './manifest';
import type { Profile } from './prediction-types';

/** The `profile` part of a model's manifest: its token slots and optional embedding. */
export type ProfileSpec = ModelManifest['profile'];

/** "age: 18-24, 25-34; gender: female, male" — what a model supports, for error messages. */
export function describeSupportedProfile(spec: ProfileSpec): string {
  checkProfileSpec(spec);
  const slots = spec.tokens.slots.map((s) => `${s.key}: ${s.values.join(', ')}`).join('; ');
  return slots.length > 0 ? slots : '(this model has no profile slots)';
}

/** The `profile` section of a parsed manifest (model.manifest.profile). */
function checkProfileSpec(spec: unknown): void {
  const tokens = isPlainObject(spec) ? spec.tokens : undefined;
  if (!isPlainObject(tokens) || !Array.isArray(tokens.slots)) invalidArgument('spec', spec, "a model's profile spec (predictor.model.manifest.profile)");
}

function unsupported(spec: ProfileSpec, what: string): never {
  throw new GazecastError('unsupported-profile', `${what}. This model supports ${describeSupportedProfile(spec)}.`);
}

/**
 * One int64 per slot, in the manifest's slot order. Keys the model does not list, and values a
 * slot does not list, are rejected (never silently ignored) with the supported keys and values.
 */
export function encodeProfileTokens(spec: ProfileSpec, tokens: Readonly<Record<string, string>> | undefined): BigInt64Array {
  const slots = spec.tokens.slots;
  const out = new BigInt64Array(slots.length);
  if (!tokens) return out;
  const byKey = new Map<string, { slot: ProfileSlot; index: number }>(slots.map((slot, index) => [slot.key, { slot, index }]));
  for (const [key, value] of Object.entries(tokens)) {
    const hit = byKey.get(key);
    if (!hit) unsupported(spec, `Unknown profile key "${key}"`);
    const v = hit.slot.values.indexOf(value);
    if (v < 0) unsupported(spec, `Unknown value "${value}" for profile key "${key}"`);
    out[hit.index] = BigInt(v);
  }
  return out;
}

/**
 * The embedding input: zeros (population) when absent; otherwise exactly `dim` finite numbers.
 * Returns undefined when the model takes no embedding (and rejects an embedding given to it).
 */
export function encodeProfileEmbedding(spec: ProfileSpec, embedding: ArrayLike<number> | undefined): Float32Array | undefined {
  const e = spec.embedding;
  if (!e) {
    if (embedding !== undefined && embedding.length > 0) {
      throw new GazecastError('invalid-embedding', 'This model takes no user embedding (its manifest has no profile.embedding).');
    }
    return undefined;
  }
  const out = new Float32Array(e.dim);
  if (embedding === undefined) return out;
  if (embedding.length !== e.dim) {
    throw new GazecastError('invalid-embedding', `The embedding has ${embedding.length} values; this model expects ${e.dim}.`);
  }
  for (let i = 0; i < e.dim; i++) {
    const v = embedding[i]!;
    out[i] = v;
    // checked after the float32 conversion the model sees: 1e39 is finite as a double, Infinity as a float32
    if (typeof v !== 'number' || !Number.isFinite(out[i]!)) {
      throw new GazecastError('invalid-embedding', `Embedding value ${i} is ${v}; all values must be finite float32 numbers (|x| < 3.4e38).`);
    }
  }
  return out;
}

/** Validates a whole profile against a model and returns its model inputs. */
export function encodeProfile(spec: ProfileSpec, profile: Profile | undefined): { tokens: BigInt64Array; embedding: Float32Array | undefined } {
  return { tokens: encodeProfileTokens(spec, profile?.tokens), embedding: encodeProfileEmbedding(spec, profile?.embedding) };
}

/**
 * Parses the compact text form used by attributes and URLs: `"age=25-34; gender=female"`.
 * Separators `;` or `,` between pairs, `=` or `:` inside a pair; whitespace around parts is
 * ignored; empty text is the population profile. Malformed text and repeated keys are rejected.
 * When `spec` is given, keys and values are also checked against the model.
 */
export function parseProfileString(text: string, spec?: ProfileSpec): Record<string, string> {
  if (typeof text !== 'string') invalidArgument('text', text, 'profile text such as "age=25-34; gender=female"');
  if (spec !== undefined) checkProfileSpec(spec);
  const tokens: Record<string, string> = {};
  for (const raw of text.split(/[;,]/)) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^([^=:]+?)\s*[=:]\s*(.+)$/.exec(part);
    if (!m) {
      throw new GazecastError('unsupported-profile', `Cannot read "${part}" in profile "${text}": write key=value pairs separated by ";", e.g. "age=25-34; gender=female".`);
    }
    const key = m[1]!.trim();
    const value = m[2]!.trim();
    if (Object.hasOwn(tokens, key)) throw new GazecastError('unsupported-profile', `Profile key "${key}" is given twice in "${text}".`);
    tokens[key] = value;
  }
  if (spec) encodeProfileTokens(spec, tokens);
  return tokens;
}

/** The inverse of parseProfileString (keys in the order given, `unknown` values left out). */
export function formatProfileString(tokens: Readonly<Record<string, string>>): string {
  for (const [k, v] of Object.entries(checkOptions(tokens, 'tokens'))) if (typeof v !== 'string') invalidArgument(`tokens.${k}`, v, 'a string');
  return Object.entries(tokens)
    .filter(([, v]) => v !== 'unknown')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}
