/**
 * Types shared by the model worker and the main thread (type-only: no code, no DOM).
 */
import type { DecodeOptions } from './decode';
import type { ModelManifest } from './manifest';
import type { Prediction, Profile } from './prediction-types';

export type Backend = 'webgpu' | 'wasm';
export type BackendChoice = 'auto' | Backend;

/**
 * Model loading progress, a tagged union on `status`. `progress` is the overall percentage of the
 * whole load; it never goes backwards and the last event is always `ready` at 100.
 */
export type LoadProgress =
  | { readonly status: 'manifest'; readonly url: string; readonly progress: number }
  /** a file is about to be read (from Cache Storage or the network) */
  | { readonly status: 'initiate'; readonly file: string; readonly total: number; readonly progress: number }
  | { readonly status: 'download'; readonly file: string; readonly loaded: number; readonly total: number; readonly progress: number }
  /** size and sha256 checked */
  | { readonly status: 'done'; readonly file: string; readonly fromCache: boolean; readonly progress: number }
  /** creating the onnxruntime session */
  | { readonly status: 'session'; readonly backend: Backend; readonly progress: number }
  | { readonly status: 'ready'; readonly backend: Backend; readonly progress: 100 };

/** Inference moved from one backend to another (WebGPU failed or its device was lost). */
export interface BackendChange {
  readonly from: Backend;
  readonly to: Backend;
  readonly reason: string;
}

export interface EngineLoadOptions {
  /** absolute URL of the model folder or its manifest.json */
  readonly modelUrl: string;
  readonly backend?: BackendChoice;
  /** file precision to prefer, e.g. 'fp16-weights' (default: int8 weights on WASM, fp16 on WebGPU, where the model has them) */
  readonly precision?: string;
  /** WASM threads; default when the page is cross-origin isolated: all cores but one (at most 4), both of 2; else 1 */
  readonly wasmThreads?: number;
  /** store model files in Cache Storage and read them from there (default true) */
  readonly cache?: boolean;
  /** absolute URL of the folder onnxruntime-web's .wasm files are fetched from (default: next to its JS) */
  readonly wasmPaths?: string;
}

/** What was loaded, and how it runs. */
export interface ModelInfo {
  readonly manifest: ModelManifest;
  readonly manifestUrl: string;
  readonly backend: Backend;
  /** the file the session runs, and its precision */
  readonly file: string;
  readonly precision: string;
  /** WASM threads onnxruntime was told to use */
  readonly wasmThreads: number;
  /** adapter description when on WebGPU, e.g. "SwiftShader (fallback adapter)" */
  readonly adapter?: string;
  readonly loadMs: number;
}

/** A frame as it crosses to the engine: transferred, and closed by the engine after use. */
export type EngineFrame = ImageBitmap | VideoFrame | ImageData;

export interface PredictRequest {
  /** native size of the frame (the engine's frame may already be downscaled to the letterbox) */
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly profile?: Profile;
  readonly timestampMs?: number;
  readonly decode?: DecodeOptions;
}

export interface EmbedRequest {
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** the viewer's fixations on this frame, native pixels */
  readonly fixations: readonly { readonly x: number; readonly y: number }[];
}

/** Live mode result: the newest frame wins, older waiting frames are dropped. */
export type LiveResult = { readonly status: 'done'; readonly prediction: Prediction } | { readonly status: 'dropped' };

export interface EngineStats {
  /** 'native': the Node engine on onnxruntime-node */
  readonly backend: Backend | 'native';
  /** inferences run */
  readonly inferences: number;
  /** live frames dropped because a newer one arrived while they waited */
  readonly droppedFrames: number;
  readonly lastInferenceMs: number;
}

/** A frame the scanpath graph will read, kept by the engine under `key` until released. */
export interface ScanpathFrameRequest {
  readonly key: number;
  /** native size of the frame */
  readonly frameWidth: number;
  readonly frameHeight: number;
}

/** One batched call of the scanpath graph for `rows` viewers of one profile on a prepared frame. */
export interface ScanpathStepRequest {
  readonly key: number;
  readonly profile?: Profile;
  readonly rows: number;
  /** [rows, K, 3]: (x, y, valid), most recent first, in normalised input coordinates */
  readonly history: Float32Array;
}

export interface ScanpathStepResult {
  /** [rows, 1, output.height, output.width] */
  readonly logDensity: Float32Array;
  /** [rows, 2] (mu, sigma of ln ms), when the graph has a duration output */
  readonly logDuration?: Float32Array;
  /** time in session.run, ms */
  readonly ms: number;
}

/**
 * The scanpath half of the engine (MODEL_CONTRACT.md, "Scanpath"): frames are prepared once (the
 * letterboxed image, or the main graph's features run with the population profile) and each step
 * is one batched call. The study itself is driven by core/virtual-viewers.ts on the caller's side.
 */
export interface ScanpathEngineApi {
  /** `no-scanpath` when the model has none; the scanpath session is created on first use */
  prepareScanpathFrame(frame: EngineFrame, request: ScanpathFrameRequest): Promise<void>;
  scanpathStep(request: ScanpathStepRequest): Promise<ScanpathStepResult>;
  /** forgets prepared frames (all of them without keys) */
  releaseScanpathFrames(keys?: readonly number[]): Promise<void>;
}

/**
 * The engine's interface. The worker proxy and the in-thread engine both implement it, and in
 * Node the native engine (src/node/native-engine.ts, the command line's), so the client code and
 * the tests do not care where it runs.
 */
export interface EngineApi {
  predict(frame: EngineFrame, request: PredictRequest): Promise<Prediction>;
  /** live mode: the newest frame of each live session (`slot`, default 0) wins, older waiting ones are dropped */
  predictLatest(frame: EngineFrame, request: PredictRequest, slot?: number): Promise<LiveResult>;
  embed(frame: EngineFrame, request: EmbedRequest): Promise<Float32Array>;
  stats(): Promise<EngineStats>;
  close(): Promise<void>;
}
