/**
 * The model's inputs and outputs as every home of the engine checks them (the worker and
 * in-thread engine on onnxruntime-web, the Node engine on onnxruntime-node): one implementation
 * of each check, so a model that one home rejects no other home accepts.
 */
import { decodeLogDensity } from './decode';
import { GazecastError } from './errors';
import { computeLetterbox, type Letterbox } from './letterbox';
import type { ModelFile, ModelManifest } from './manifest';
import type { Prediction } from './prediction-types';
import type { PredictRequest } from './runtime-types';
import { sha256Hex } from './sha256';

/** A model input or output as plain typed data: each home of the engine wraps it in its own runtime's tensor. */
export interface PlainTensor {
  readonly type: 'float32' | 'int64';
  readonly data: Float32Array | BigInt64Array;
  readonly dims: readonly number[];
}

/**
 * The main graph's feeds for one letterboxed image (`image`, [1, 3, input.height, input.width]): the
 * encoded profile's tokens and embedding, or without `profile` the population's (all-zero tokens and
 * embedding), which is how the contract computes the `features` output for the scanpath graph.
 */
export function mainGraphFeeds(
  manifest: ModelManifest,
  image: Float32Array,
  profile?: { readonly tokens: BigInt64Array; readonly embedding: Float32Array | undefined },
): Record<string, PlainTensor> {
  const { input, profile: spec } = manifest;
  const tokens = profile ? profile.tokens : new BigInt64Array(spec.tokens.slots.length);
  const embedding = profile ? profile.embedding : spec.embedding ? new Float32Array(spec.embedding.dim) : undefined;
  const feeds: Record<string, PlainTensor> = {
    [input.name]: { type: 'float32', data: image, dims: [1, 3, input.height, input.width] },
    [spec.tokens.name]: { type: 'int64', data: tokens, dims: [1, tokens.length] },
  };
  if (spec.embedding && embedding) feeds[spec.embedding.name] = { type: 'float32', data: embedding, dims: [1, embedding.length] };
  return feeds;
}

/** The prediction a home returns for a checked log_density: the density and its points in the frame's native pixels. */
export function predictionFrom(
  manifest: ModelManifest,
  log: Float32Array,
  lb: Letterbox,
  request: PredictRequest,
  backend: Prediction['backend'],
  inferenceMs: number,
): Prediction {
  const { density, points } = decodeLogDensity(log, manifest.output.width, manifest.output.height, lb, request.decode);
  return {
    frameWidth: request.frameWidth,
    frameHeight: request.frameHeight,
    points,
    density,
    timestampMs: request.timestampMs ?? 0,
    backend,
    inferenceMs,
  };
}

/** Throws `model-integrity` unless `data` has the size and sha256 the manifest lists for `file`. */
export async function verifyModelBytes(file: Pick<ModelFile, 'path' | 'bytes' | 'sha256'>, data: Uint8Array): Promise<void> {
  if (data.byteLength !== file.bytes) {
    throw new GazecastError('model-integrity', `Model file ${file.path} is ${data.byteLength} bytes; the manifest says ${file.bytes}.`);
  }
  const sha = await sha256Hex(data);
  if (sha !== file.sha256) {
    throw new GazecastError('model-integrity', `Model file ${file.path} has sha256 ${sha}; the manifest says ${file.sha256}.`);
  }
}

/** Throws `manifest-invalid` naming the field when the session lacks an input or output the manifest names. */
export function checkModelNames(manifest: ModelManifest, inputNames: readonly string[], outputNames: readonly string[]): void {
  const need: [string, string][] = [
    ['input.name', manifest.input.name],
    ['profile.tokens.name', manifest.profile.tokens.name],
    ...(manifest.profile.embedding ? ([['profile.embedding.name', manifest.profile.embedding.name]] as [string, string][]) : []),
  ];
  for (const [field, name] of need) {
    if (!inputNames.includes(name)) {
      throw new GazecastError('manifest-invalid', `manifest.json: \`${field}\` is "${name}" but the model's inputs are ${JSON.stringify(inputNames)}.`);
    }
  }
  if (!outputNames.includes(manifest.output.name)) {
    throw new GazecastError('manifest-invalid', `manifest.json: \`output.name\` is "${manifest.output.name}" but the model's outputs are ${JSON.stringify(outputNames)}.`);
  }
}

/** Throws unless the output has the manifest's grid (`manifest-invalid`) and only finite values (`backend-failed`). */
export function checkLogDensity(manifest: ModelManifest, dims: readonly number[], log: Float32Array, backend: string): void {
  const { output } = manifest;
  if (dims.length !== 4 || dims[2] !== output.height || dims[3] !== output.width) {
    throw new GazecastError('manifest-invalid', `manifest.json: \`output\` says ${output.width}x${output.height} but the model's ${output.name} has shape [${dims.join(', ')}].`);
  }
  for (let k = 0; k < log.length; k++) {
    if (!Number.isFinite(log[k]!)) throw new GazecastError('backend-failed', `${backend} produced a non-finite log_density (value ${log[k]} at ${k}).`);
  }
}

/** The letterbox of a frame in the model's input; `frame-invalid` for an empty frame. */
export function letterboxFor(manifest: ModelManifest, frameWidth: number, frameHeight: number): Letterbox {
  if (!(frameWidth > 0 && frameHeight > 0)) throw new GazecastError('frame-invalid', `The frame size ${frameWidth}x${frameHeight} is empty.`);
  return computeLetterbox(frameWidth, frameHeight, manifest.input.width, manifest.input.height);
}

/** What a session says of one input or output (onnxruntime's ValueMetadata, either runtime). */
export interface ValueShape {
  readonly name: string;
  readonly isTensor: boolean;
  /** numbers are fixed dims, strings symbolic (free) ones */
  readonly shape?: readonly (number | string)[];
}

/**
 * Throws `manifest-invalid` naming the field when a fixed dimension of the graph contradicts the
 * manifest (input size, embedding dim, output grid, `output.features`), so a wrong manifest is
 * found when the model loads, not at its first prediction. Symbolic dimensions are not checked.
 */
export function checkModelShapes(manifest: ModelManifest, inputs: readonly ValueShape[], outputs: readonly ValueShape[]): void {
  const dimsOf = (list: readonly ValueShape[], name: string): readonly (number | string)[] | undefined => list.find((v) => v.name === name && v.isTensor)?.shape;
  const expect = (field: string, what: string, dims: readonly (number | string)[] | undefined, want: readonly (number | undefined)[]): void => {
    if (!dims) return;
    const wrong = dims.length !== want.length || want.some((w, i) => w !== undefined && typeof dims[i] === 'number' && dims[i] !== w);
    if (wrong) {
      throw new GazecastError(
        'manifest-invalid',
        `manifest.json: \`${field}\` does not match the model: its ${what} has shape [${dims.join(', ')}], the manifest implies [${want.map((w) => w ?? '?').join(', ')}].`,
      );
    }
  };
  const { input, output, profile } = manifest;
  expect('input', `input ${input.name}`, dimsOf(inputs, input.name), [undefined, 3, input.height, input.width]);
  expect('profile.tokens.slots', `input ${profile.tokens.name}`, dimsOf(inputs, profile.tokens.name), [undefined, profile.tokens.slots.length]);
  if (profile.embedding) expect('profile.embedding.dim', `input ${profile.embedding.name}`, dimsOf(inputs, profile.embedding.name), [undefined, profile.embedding.dim]);
  expect('output', `output ${output.name}`, dimsOf(outputs, output.name), [undefined, 1, output.height, output.width]);
  if (output.features !== undefined && !outputs.some((o) => o.name === output.features)) {
    throw new GazecastError('manifest-invalid', `manifest.json: \`output.features\` is "${output.features}" but the model's outputs are ${JSON.stringify(outputs.map((o) => o.name))}.`);
  }
}
