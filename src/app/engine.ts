/**
 * What the app needs from the predictor (the package's public API, src/index.ts), in one narrow
 * interface with the package's own types, so the UI code does not care how inference is run and
 * the e2e tests drive the real engine through the real UI.
 */
import type { FrameSource, LiveSession, ModelManifest, Prediction, Profile, StudyProgress, VideoAnalysisProgress, VideoVirtualStudy, VirtualStudy } from '../index';

export interface AppEngine {
  readonly manifest: ModelManifest;
  readonly backend: 'webgpu' | 'wasm';
  predict(frame: FrameSource, profile: Profile, timestampMs: number): Promise<Prediction>;
  /** Predictions for the whole video (or up to `endMs`) at `samplesPerSecond`, in time order. */
  analyseVideo(
    video: HTMLVideoElement,
    profile: Profile,
    samplesPerSecond: number,
    signal: AbortSignal,
    onProgress: (p: VideoAnalysisProgress) => void,
    endMs?: number,
  ): Promise<Prediction[]>;
  /** Live predictions while `video` plays (the package's startLive: newest frame wins, smoothed). */
  startLive(video: HTMLVideoElement, profile: Profile, onPrediction: (p: Prediction) => void, onError: (e: unknown) => void): LiveSession;
  /**
   * A virtual eye-tracking study of one frame (the package's simulate); only for a model with a
   * scanpath graph (`manifest.scanpath`), else it fails with 'no-scanpath'.
   */
  simulate(frame: FrameSource, profile: Profile, options: StudyRunOptions): Promise<VirtualStudy>;
  /** The same for viewers watching a video (or `range` of it): the package's simulateVideo. */
  simulateVideo(video: HTMLVideoElement, profile: Profile, options: StudyRunOptions & { range?: { startMs: number; endMs: number } }): Promise<VideoVirtualStudy>;
  close(): void;
}

/** What the app chooses for a virtual study: panel size, viewing length (images), seed, cancel, progress. */
export interface StudyRunOptions {
  readonly viewers: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly onProgress: (p: StudyProgress) => void;
}

/** The bundled model, resolved against the page so the app works from any base path. */
export const DEFAULT_MODEL_URL = new URL('models/gazecast-mnv1-s8/', document.baseURI).href;
