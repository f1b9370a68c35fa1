/**
 * Options of the predictor and its calls (type-only).
 */
import type { DecodeOptions } from '../core/decode';
import type { Prediction, Profile } from '../core/prediction-types';
import type { BackendChange, BackendChoice, LoadProgress } from '../core/runtime-types';
import type { SmoothingOptions } from '../core/smoothing';

export interface PredictorOptions {
  /** URL of the model folder (with its manifest.json) or of the manifest itself; relative URLs
   *  resolve against the document */
  readonly modelUrl: string | URL;
  /** 'auto' (default): WebGPU on a real GPU adapter, else WASM; an explicit choice is honoured */
  readonly backend?: BackendChoice;
  /** model file precision to prefer, e.g. 'fp16-weights'; default int8 weights on WASM, fp16 on WebGPU */
  readonly precision?: string;
  /** run inference in a Web Worker (default true) or on the calling thread (same interface) */
  readonly worker?: boolean;
  /** WASM threads; default when cross-origin isolated: all cores but one (at most 4), both of 2; else 1 */
  readonly wasmThreads?: number;
  /** keep model files in Cache Storage so later loads work offline (default true) */
  readonly cache?: boolean;
  /**
   * Where onnxruntime-web's .wasm files are served from: a folder URL (relative URLs resolve
   * against the document), e.g. '/ort/' holding these files of node_modules/onnxruntime-web/dist/:
   * `ort-wasm-simd-threaded.wasm` and `.mjs`, and for WebGPU `ort-wasm-simd-threaded.asyncify.wasm`
   * and `.mjs` (onnxruntime's bundled builds fetch only the .wasm, its plain ESM builds the .mjs too).
   * Default: next to onnxruntime-web's own JS, where a bundler or the package put it. Files that
   * are not there fail the load with 'wasm-failed'.
   */
  readonly wasmPaths?: string | URL;
  /**
   * Share one engine (worker, download, session) with the other predictors and `<gaze-overlay>`
   * elements of this page that load the same model with the same options (default true). The
   * engine closes when the last of them does.
   */
  readonly share?: boolean;
  /** cancels the load: createPredictor then rejects with code 'aborted' */
  readonly signal?: AbortSignal;
  /**
   * Bound on the whole load in ms; past it createPredictor rejects with 'load-timeout' naming the
   * stage it was in. Without it every stage still has its own bound: the worker must start within
   * 30 s, a download may stall at most 30 s, onnxruntime must open the session within 90 s.
   */
  readonly loadTimeoutMs?: number;
  readonly onProgress?: (progress: LoadProgress) => void;
  /** inference moved to another backend (WebGPU failed or its device was lost) */
  readonly onBackendChange?: (change: BackendChange) => void;
}

export interface PredictOptions {
  readonly profile?: Profile;
  /** media time of the frame in ms (default 0) */
  readonly timestampMs?: number;
  readonly decode?: DecodeOptions;
}

export interface VideoAnalysisProgress {
  readonly done: number;
  readonly total: number;
  readonly timestampMs: number;
}

export interface VideoAnalysisOptions {
  readonly profile?: Profile;
  /** frames analysed per second of video (default 5, at most 120; at most 100,000 samples in all) */
  readonly samplesPerSecond?: number;
  /** analyse only this part of the video, ms (default the whole video) */
  readonly startMs?: number;
  readonly endMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: VideoAnalysisProgress) => void;
  /** called with each frame's prediction as soon as it is ready */
  readonly onPrediction?: (prediction: Prediction) => void;
  /** temporal smoothing of the density (points are decoded from the smoothed density); off by default */
  readonly smoothing?: SmoothingOptions | false;
  readonly decode?: DecodeOptions;
  /**
   * How frames are taken: 'decode' reads the file once with WebCodecs (fast on long GOPs),
   * 'seek' seeks the element to each time; 'auto' (default) decodes where the file can be read
   * and seeks otherwise. Both give the frame the video shows at each time.
   */
  readonly sampler?: 'auto' | 'decode' | 'seek';
}

export interface LiveOptions {
  readonly profile?: Profile;
  readonly onPrediction: (prediction: Prediction) => void;
  /** errors of single frames; the session keeps running (default: console.error) */
  readonly onError?: (error: unknown) => void;
  /** temporal smoothing of the density; default { timeConstantMs: 250 } */
  readonly smoothing?: SmoothingOptions | false;
  readonly decode?: DecodeOptions;
}
