/**
 * The model's inputs and outputs as every home of the engine checks them (the worker and
 * in-thread engine on onnxruntime-web, the Node engine on onnxruntime-node): one implementation
 * of each check, so a model that one home rejects no other home accepts.
 */
import { GazecastError } from './errors';
import { computeLetterbox, type Letterbox } from './letterbox';
import type { ModelFile, ModelManifest } from './manifest';
import { sha256Hex } from './sha256';

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
