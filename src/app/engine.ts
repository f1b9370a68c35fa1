/**
 * What the app needs from the predictor engine (src/client, the runtime's public API), in one
 * narrow interface, so the UI code does not care how inference is run and the e2e tests drive
 * the real engine through the real UI.
 */
import type { ModelManifest } from '../core/manifest';
import type { Prediction, Profile } from '../core/prediction-types';

export type FrameSource = HTMLImageElement | HTMLVideoElement | HTMLCanvasElement | ImageBitmap;

export type LoadProgress =
  | { status: 'loading'; loaded: number; total: number }
  | { status: 'ready'; backend: 'webgpu' | 'wasm' };

export interface VideoAnalysisProgress {
  /** frames done / frames planned for this audience */
  readonly done: number;
  readonly total: number;
}

export interface AppEngine {
  readonly manifest: ModelManifest;
  readonly backend: 'webgpu' | 'wasm';
  predict(frame: FrameSource, profile: Profile, timestampMs: number): Promise<Prediction>;
  /** Predictions for the whole video at `samplesPerSecond`, in time order. */
  analyseVideo(
    video: HTMLVideoElement,
    profile: Profile,
    samplesPerSecond: number,
    signal: AbortSignal,
    onProgress: (p: VideoAnalysisProgress) => void,
  ): Promise<Prediction[]>;
  close(): void;
}

/** The bundled model, resolved against the page so the app works from any base path. */
export const DEFAULT_MODEL_URL = new URL('models/gazecast-mnv1-s8/', document.baseURI).href;
