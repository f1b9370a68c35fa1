/**
 * The predictor's interface and results (type-only).
 */
import type { Prediction } from '../core/prediction-types';
import type { Backend, EngineStats, ModelInfo } from '../core/runtime-types';
import type { LiveOptions, PredictOptions, VideoAnalysisOptions } from './predictor-options';
import type { VirtualStudy } from '../core/study';
import type { SimulateOptions, SimulateVideoOptions, VideoVirtualStudy } from './simulate';

/**
 * Anything a frame can come from. ImageBitmap and VideoFrame are transferred to the predictor
 * (the caller's object is detached) and closed after use; the others are read and left as they are.
 */
export type FrameSource =
  | ImageBitmap
  | VideoFrame
  | ImageData
  | HTMLImageElement
  | HTMLVideoElement
  | HTMLCanvasElement
  | OffscreenCanvas;

export interface VideoAnalysis {
  /** one prediction per sample, in time order */
  readonly frames: readonly Prediction[];
  readonly samplesPerSecond: number;
  readonly durationMs: number;
  /** wall-clock time the analysis took */
  readonly elapsedMs: number;
  /** how the frames were taken (see VideoAnalysisOptions.sampler) */
  readonly sampler: 'decode' | 'seek';
}

export interface LiveSession {
  stop(): void;
  readonly running: boolean;
  /** frames predicted, and frames skipped because a newer one arrived while they waited */
  readonly processed: number;
  readonly dropped: number;
}

/** One viewing for embedding a viewer: a frame and their fixations on it (native pixels). */
export interface Viewing {
  readonly frame: FrameSource;
  readonly fixations: readonly { readonly x: number; readonly y: number }[];
}

export interface Predictor {
  /** the model and how it runs (the backend changes if WebGPU fails) */
  readonly model: ModelInfo;
  readonly backend: Backend;
  /** fixation points, their mass and order, and the density for one frame */
  predict(frame: FrameSource, options?: PredictOptions): Promise<Prediction>;
  /** seeks through the whole video at `samplesPerSecond`; abortable */
  predictVideo(video: HTMLVideoElement, options?: VideoAnalysisOptions): Promise<VideoAnalysis>;
  /** predicts frames while the video plays (newest frame wins) */
  startLive(video: HTMLVideoElement, options: LiveOptions): LiveSession;
  /** a viewer's embedding from their fixations on one frame (needs the model's `encoder`) */
  embed(frame: FrameSource, fixations: Viewing['fixations']): Promise<Float32Array>;
  /** the mean embedding over several viewings of one viewer */
  embedViewer(viewings: readonly Viewing[]): Promise<Float32Array>;
  /**
   * A virtual eye-tracking study: `viewers` simulated viewers of the profile's audience view the
   * frame for `durationMs`, each fixation drawn from the model's scanpath graph (code
   * `no-scanpath` for a model without one). Seeded runs are reproducible; abortable.
   *
   * @example
   * ```ts
   * const study = await predictor.simulate(img, { profile: { tokens: { age: '18-24' } }, viewers: 200, durationMs: 3000, seed: 42 });
   * const first = study.viewers[0]!.fixations[0]!; // { x, y, onsetMs, durationMs }: native pixels, ms
   * ```
   */
  simulate(frame: FrameSource, options?: SimulateOptions): Promise<VirtualStudy>;
  /** simulated viewers watching the video (or `range` of it), each fixation predicted on the frame shown at its onset */
  simulateVideo(video: HTMLVideoElement, options?: SimulateVideoOptions): Promise<VideoVirtualStudy>;
  stats(): Promise<EngineStats>;
  /** releases the worker, the sessions and the GPU; later calls fail with code 'closed' */
  close(): Promise<void>;
}
