/**
 * The scanpath graph's inputs and outputs as the engine checks them (MODEL_CONTRACT.md, the
 * `scanpath` section): whether a model has one at all, its names against the session's, the
 * batched feeds (the profile repeated over the B rows), and the shape and values of what it
 * returns. Pure, so every home of the engine checks a scanpath graph the same way.
 */
import { GazecastError } from './errors';
import type { ModelManifest, ScanpathSpec } from './manifest';
import type { PlainTensor } from './model-io';
import { encodeProfile } from './profile';
import type { ScanpathStepRequest, ScanpathStepResult } from './runtime-types';
import { DEFAULT_TIMING, type ScanpathTiming } from './scanpath-sampling';

/** The model's scanpath section, or a `no-scanpath` error that says what to do. */
export function requireScanpath(manifest: ModelManifest): ScanpathSpec {
  if (!manifest.scanpath) {
    throw new GazecastError(
      'no-scanpath',
      `Model ${manifest.id} has no scanpath graph (its manifest.json has no \`scanpath\` section), so it cannot simulate viewers. ` +
        'Use a model that ships one (e.g. gazecast-mnv1-s8 with scanpath.onnx), or use predict() for the static density.',
    );
  }
  return manifest.scanpath;
}

/** The section's timing with the contract's defaults for what it leaves out. */
export function scanpathTiming(spec: ScanpathSpec): ScanpathTiming {
  return { startMs: spec.timing?.startMs ?? DEFAULT_TIMING.startMs, saccadeMs: spec.timing?.saccadeMs ?? DEFAULT_TIMING.saccadeMs };
}

/** `manifest-invalid` naming the field when the scanpath session lacks an input or output the manifest names. */
export function checkScanpathNames(spec: ScanpathSpec, inputNames: readonly string[], outputNames: readonly string[]): void {
  const ins: [string, string | undefined][] = [
    ['scanpath.inputs.image', spec.inputs.image],
    ['scanpath.inputs.features', spec.inputs.features],
    ['scanpath.inputs.tokens', spec.inputs.tokens],
    ['scanpath.inputs.embedding', spec.inputs.embedding],
    ['scanpath.inputs.history', spec.inputs.history],
  ];
  for (const [field, name] of ins) {
    if (name !== undefined && !inputNames.includes(name)) {
      throw new GazecastError('manifest-invalid', `manifest.json: \`${field}\` is "${name}" but ${spec.path}'s inputs are ${JSON.stringify(inputNames)}.`);
    }
  }
  const outs: [string, string | undefined][] = [
    ['scanpath.outputs.density', spec.outputs.density],
    ['scanpath.outputs.duration', spec.outputs.duration],
  ];
  for (const [field, name] of outs) {
    if (name !== undefined && !outputNames.includes(name)) {
      throw new GazecastError('manifest-invalid', `manifest.json: \`${field}\` is "${name}" but ${spec.path}'s outputs are ${JSON.stringify(outputNames)}.`);
    }
  }
}

/** `row` repeated `rows` times: the profile is the same for every viewer of a study. */
export function repeatRows<T extends BigInt64Array | Float32Array>(row: T, rows: number): T {
  const out = new (row.constructor as new (n: number) => T)(row.length * rows);
  for (let b = 0; b < rows; b++) out.set(row as never, b * row.length);
  return out;
}

/** Throws unless `next_log_density` is [rows, 1, output.height, output.width] of finite values. */
export function checkScanpathDensity(manifest: ModelManifest, dims: readonly number[], data: Float32Array, rows: number, backend: string): void {
  const { output } = manifest;
  if (dims.length !== 4 || dims[0] !== rows || dims[1] !== 1 || dims[2] !== output.height || dims[3] !== output.width) {
    throw new GazecastError(
      'manifest-invalid',
      `The scanpath graph's ${manifest.scanpath?.outputs.density ?? 'density'} has shape [${dims.join(', ')}]; the contract wants [${rows}, 1, ${output.height}, ${output.width}] (B rows, the manifest's output grid).`,
    );
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k]!)) throw new GazecastError('backend-failed', `${backend} produced a non-finite next_log_density (value ${data[k]} at ${k}).`);
  }
}

/** Throws unless `next_log_duration` is [rows, 2] of finite mu and sigma > 0. */
export function checkScanpathDuration(dims: readonly number[], data: Float32Array, rows: number, backend: string): void {
  if (dims.length !== 2 || dims[0] !== rows || dims[1] !== 2) {
    throw new GazecastError('manifest-invalid', `The scanpath graph's duration output has shape [${dims.join(', ')}]; the contract wants [${rows}, 2] (mu, sigma of ln ms).`);
  }
  for (let b = 0; b < rows; b++) {
    const mu = data[2 * b]!, sigma = data[2 * b + 1]!;
    if (!Number.isFinite(mu) || !(sigma > 0) || !Number.isFinite(sigma)) {
      throw new GazecastError('backend-failed', `${backend} produced an invalid next_log_duration for row ${b}: mu ${mu}, sigma ${sigma} (sigma must be > 0).`);
    }
  }
}

/**
 * One batched step of the scanpath graph, checked against the model and the frame prepared for it:
 * its feeds (the profile repeated over the rows, the population's zero embedding when there is
 * none) and the outputs to fetch. Every home of the engine runs the step through this, so they
 * cannot disagree on what a step is.
 */
export function scanpathStepFeeds(
  manifest: ModelManifest,
  frame: { readonly data: Float32Array; readonly dims: readonly number[] } | undefined,
  request: ScanpathStepRequest,
): { feeds: Record<string, PlainTensor>; outputs: string[] } {
  const spec = requireScanpath(manifest);
  if (!frame) throw new GazecastError('invalid-argument', `No frame ${request.key} was prepared for the scanpath graph (prepareScanpathFrame first).`);
  const { rows, history } = request;
  if (!Number.isInteger(rows) || rows < 1 || history.length !== rows * spec.history * 3) {
    throw new GazecastError('invalid-argument', `A scanpath step needs rows >= 1 and a history of rows x ${spec.history} x 3 values; got rows ${rows} and ${history.length} values.`);
  }
  const profile = encodeProfile(manifest.profile, request.profile);
  const embedding = profile.embedding ?? new Float32Array(manifest.profile.embedding?.dim ?? 0);
  const feeds: Record<string, PlainTensor> = {
    [spec.inputs.image ?? spec.inputs.features!]: { type: 'float32', data: frame.data, dims: frame.dims },
    [spec.inputs.tokens]: { type: 'int64', data: repeatRows(profile.tokens, rows), dims: [rows, profile.tokens.length] },
    [spec.inputs.embedding]: { type: 'float32', data: repeatRows(embedding, rows), dims: [rows, embedding.length] },
    [spec.inputs.history]: { type: 'float32', data: history, dims: [rows, spec.history, 3] },
  };
  return { feeds, outputs: spec.outputs.duration ? [spec.outputs.density, spec.outputs.duration] : [spec.outputs.density] };
}

/** A step's result from the graph's outputs (copied out of them), checked against the contract. */
export function scanpathStepResult(
  manifest: ModelManifest,
  outputs: Readonly<Record<string, { readonly dims: readonly number[]; readonly data: unknown }>>,
  rows: number,
  backend: string,
  ms: number,
): ScanpathStepResult {
  const spec = requireScanpath(manifest);
  const density = outputs[spec.outputs.density]!;
  const logDensity = Float32Array.from(density.data as Float32Array);
  checkScanpathDensity(manifest, density.dims, logDensity, rows, backend);
  const duration = spec.outputs.duration ? outputs[spec.outputs.duration] : undefined;
  const logDuration = duration ? Float32Array.from(duration.data as Float32Array) : undefined;
  if (duration && logDuration) checkScanpathDuration(duration.dims, logDuration, rows, backend);
  return { logDensity, ...(logDuration ? { logDuration } : {}), ms };
}
