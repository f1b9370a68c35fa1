/**
 * Result types of a prediction (type-only contract shared by core, worker, client and app).
 * Coordinates are in the frame's NATIVE pixels (origin top-left, x right, y down);
 * renderers scale them only when drawing.
 */

/** A viewer profile: tokens by slot key and value as the model manifest lists them. */
export interface Profile {
  /** e.g. { age: '25-34', gender: 'female', vision: 'deutan' }; absent keys mean 'unknown'. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Personal/panel embedding of length manifest.profile.embedding.dim; absent = population. */
  readonly embedding?: ArrayLike<number>;
}

export interface FixationPoint {
  /** native pixels, sub-pixel precision */
  readonly x: number;
  readonly y: number;
  /** probability mass of the density mode this point stands for, in [0, 1]; all points sum to <= 1 */
  readonly mass: number;
  /** predicted visit order, 0 = first */
  readonly order: number;
}

/** The density the points come from, renormalised over the frame (letterbox padding excluded). */
export interface DensityMap {
  /** grid size of `data` (the model's output cells that cover the frame) */
  readonly width: number;
  readonly height: number;
  /** probabilities, row-major, sum to 1 */
  readonly data: Float32Array;
  /** the native-pixel rectangle of the frame each grid spans: cell (i,j) covers
   *  x in [x0 + j*cellWidth, x0 + (j+1)*cellWidth), y likewise */
  readonly x0: number;
  readonly y0: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
}

export interface Prediction {
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** points sorted by `order` */
  readonly points: readonly FixationPoint[];
  readonly density: DensityMap;
  /** media time of the frame (ms), 0 for images */
  readonly timestampMs: number;
  /** where it ran: WebGPU or WASM in the browser, 'native' on onnxruntime-node (the command line) */
  readonly backend: 'webgpu' | 'wasm' | 'native';
  /** time spent in session.run, ms */
  readonly inferenceMs: number;
}
