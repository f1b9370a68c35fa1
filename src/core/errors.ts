/**
 * Named errors with a stable `code`. Comlink carries only `name`, `message` and `stack`
 * across the worker boundary, so the code is also encoded in `name` (`GazecastError:<code>`)
 * and restored on the main thread by `reviveError`.
 */
export type GazecastErrorCode =
  | 'manifest-invalid' // manifest.json does not honour gazecast-model/1; message names the field
  | 'model-fetch-failed' // a model file could not be downloaded
  | 'model-integrity' // size or sha256 of a model file does not match the manifest
  | 'unsupported-profile' // a profile key or value the model does not list
  | 'invalid-embedding' // embedding of the wrong length or with non-finite values
  | 'no-webgpu' // WebGPU was asked for explicitly but no suitable adapter exists
  | 'gpu-device-lost' // the GPU device was lost; inference moved to WASM
  | 'backend-failed' // onnxruntime could not create a session or run on any backend
  | 'frame-invalid' // a frame source with no pixels, detached, or not decodable
  | 'frame-too-large' // larger than the browser can decode/draw; message says the limit
  | 'media-unsupported' // a codec or container Chromium cannot decode
  | 'media-corrupt' // the file is damaged or empty
  | 'file-not-found' // a file or folder named (on the command line) does not exist or cannot be read
  | 'dependency-missing' // a program or package the Node command line needs is not installed (ffmpeg, onnxruntime-node, sharp)
  | 'aborted' // the caller aborted (AbortSignal)
  | 'no-scanpath' // the model has no `scanpath` graph, so it cannot simulate viewers (simulate, simulateVideo)
  | 'closed' // the predictor was closed
  | 'import-invalid' // an imported gaze file is malformed; message has line and column
  | 'aoi-invalid' // an area of interest with no area or non-finite corners
  | 'density-mismatch' // two density maps that do not cover the same grid cannot be compared
  | 'invalid-argument' // a public function was called with an argument of the wrong type or out of range
  | 'model-off-origin' // a model URL or a file the manifest names lies off the page's origin or outside the model folder
  | 'worker-failed' // the model worker could not start (script blocked or missing) or stopped answering
  | 'wasm-failed' // onnxruntime's WASM could not be fetched or compiled
  | 'load-timeout' // loading the model took longer than its bound (loadTimeoutMs), e.g. a session that never opened
  | 'media-timeout'; // the browser never answered a wait on a video (metadata, a seek) within its bound

export class GazecastError extends Error {
  readonly code: GazecastErrorCode;
  constructor(code: GazecastErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = `GazecastError:${code}`;
  }
}

export function isGazecastError(e: unknown, code?: GazecastErrorCode): e is GazecastError {
  return e instanceof GazecastError && (code === undefined || e.code === code);
}

/** Restores a GazecastError from the plain Error comlink hands back across the worker boundary. */
export function reviveError(e: unknown): unknown {
  if (e instanceof GazecastError || !(e instanceof Error)) return e;
  const m = /^GazecastError:([a-z-]+)$/.exec(e.name);
  if (!m) return e;
  const revived = new GazecastError(m[1] as GazecastErrorCode, e.message);
  if (e.stack) revived.stack = e.stack;
  return revived;
}
