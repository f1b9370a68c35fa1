/**
 * Virtual eye-tracking studies on the predictor's engine (issue 14; MODEL_CONTRACT.md, "Scanpath"):
 * a panel of simulated viewers of one audience views an image, or watches a video, and the study
 * lists each viewer's fixations. The stepping itself is core/virtual-viewers.ts; this module gives
 * it the frames (captured here, prepared by the engine, wherever it runs) and the batched graph
 * calls, so the worker and the in-thread engine produce the same study from the same seed.
 */
import { GazecastError } from '../core/errors';
import { computeLetterbox } from '../core/letterbox';
import { encodeProfile } from '../core/profile';
import type { Profile } from '../core/prediction-types';
import type { ModelInfo } from '../core/runtime-types';
import { requireScanpath } from '../core/scanpath-io';
import type { VirtualStudy } from '../core/study';
import { simulateViewers, simulationPlan, throwIfAborted, type StudyGraph, type StudyProgress } from '../core/virtual-viewers';
import type { EngineHandle } from './engine-home';
import { captureFrame, captureSeekedFrame, seekTo, whenMetadata, type CapturedFrame } from './frame-sampler';
import type { FrameSource } from './predictor-types';

export type { StudyProgress } from '../core/virtual-viewers';

export interface SimulateOptions {
  /** the audience (tokens and/or embedding); default the population */
  readonly profile?: Profile;
  /** simulated viewers, 1..MAX_VIEWERS (default 200) */
  readonly viewers?: number;
  /** length of the viewing, ms (default 3000) */
  readonly durationMs?: number;
  /** an integer in [0, 2^32): the same seed, model, frame and profile give the same study; default a random seed (recorded in the study) */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** after every step (all active viewers advanced by one fixation) */
  readonly onProgress?: (progress: StudyProgress) => void;
}

export interface SimulateVideoOptions extends Omit<SimulateOptions, 'durationMs'> {
  /** the part of the video the viewers watch, ms of media time (default the whole video) */
  readonly range?: { readonly startMs?: number; readonly endMs?: number };
}

/** A study of a video: times are ms from `range.startMs` (t = 0 is when the viewers start watching). */
export interface VideoVirtualStudy extends VirtualStudy {
  readonly range: { readonly startMs: number; readonly endMs: number };
  /** fixations are predicted on the frame shown at their onset, taken every `frameStepMs` of media time */
  readonly frameStepMs: number;
}

export const DEFAULT_VIEWERS = 200;
export const DEFAULT_VIEWING_MS = 3000;
/** More viewers than this would hold hundreds of MB of graph outputs per step: split the panel. */
export const MAX_VIEWERS = 10_000;
/** Ten minutes: a still image is not viewed longer, and a video study covers a range of at most this. */
export const MAX_VIEWING_MS = 600_000;
/**
 * A video's frames are taken every 100 ms of media time (the frame shown at the onset, rounded
 * down to this step): a fixation lasts about 250 ms, so this is finer than the viewers' own
 * sampling, and all viewers whose fixations start within one step share one trunk run.
 */
export const VIDEO_FRAME_STEP_MS = 100;

// engine frame keys are unique on the page, so studies on a shared engine never mix frames
let nextFrameKey = 1;

function bad(message: string): never {
  throw new GazecastError('invalid-argument', message);
}

function checkCommon(options: Omit<SimulateOptions, 'durationMs'>): { viewers: number; seed: number } {
  if (typeof options !== 'object' || options === null) bad('The options of simulate must be an object.');
  const viewers = options.viewers ?? DEFAULT_VIEWERS;
  if (typeof viewers !== 'number' || !Number.isInteger(viewers) || viewers < 1 || viewers > MAX_VIEWERS) {
    bad(`options.viewers must be an integer from 1 to ${MAX_VIEWERS}, got ${String(viewers)}.`);
  }
  let seed = options.seed;
  if (seed === undefined) seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
  else if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    bad(`options.seed must be an integer in [0, 2^32), got ${String(seed)}.`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') bad('options.onProgress must be a function.');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) bad('options.signal must be an AbortSignal.');
  return { viewers, seed };
}

function checkDuration(durationMs: unknown, field: string): number {
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs <= 0 || durationMs > MAX_VIEWING_MS) {
    bad(`${field} must be a number of ms in (0, ${MAX_VIEWING_MS}], got ${String(durationMs)}.`);
  }
  return durationMs;
}

function studyFields(model: ModelInfo, profile: Profile | undefined, seed: number) {
  return { seed, modelId: model.manifest.id, ...(profile?.tokens ? { profile: { ...profile.tokens } } : {}) };
}

function closeCaptured(c: CapturedFrame): void {
  if ('close' in c.frame) c.frame.close();
}

/** A panel of simulated viewers viewing one frame (an image, or a video's current frame). */
export async function simulateFrame(handle: EngineHandle, model: ModelInfo, source: FrameSource, options: SimulateOptions = {}): Promise<VirtualStudy> {
  const { viewers, seed } = checkCommon(options);
  const durationMs = checkDuration(options.durationMs ?? DEFAULT_VIEWING_MS, 'options.durationMs');
  const { manifest } = model;
  requireScanpath(manifest); // a model without a scanpath graph fails before any work
  encodeProfile(manifest.profile, options.profile); // an unsupported profile fails before any work
  throwIfAborted(options.signal);
  const captured = await captureFrame(source, manifest.input.width, manifest.input.height);
  const lb = computeLetterbox(captured.width, captured.height, manifest.input.width, manifest.input.height);
  const key = nextFrameKey++;
  let handedOver = false;
  const graph: StudyGraph = {
    frameAt: () => 0,
    prepare: async () => {
      handedOver = true; // the engine closes the frame from here on
      await handle.prepareScanpathFrame(captured.frame, { key, frameWidth: captured.width, frameHeight: captured.height });
    },
    release: () => handle.releaseScanpathFrames([key]),
    step: (_frame, history, rows) => handle.scanpathStep({ key, rows, history, ...(options.profile ? { profile: options.profile } : {}) }),
  };
  try {
    const panel = await simulateViewers(
      simulationPlan(manifest, lb, {
        viewers,
        durationMs,
        seed,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
      graph,
    );
    return { frame: { width: captured.width, height: captured.height }, durationMs, viewers: panel, ...studyFields(model, options.profile, seed) };
  } finally {
    if (!handedOver) closeCaptured(captured); // a viewing too short for any fixation, or aborted first
  }
}

/**
 * Simulated viewers watching a video: each fixation is predicted on the frame shown at its onset
 * (every VIDEO_FRAME_STEP_MS of media time; the trunk runs once per such frame, for all viewers),
 * and the viewing starts with the gaze at the centre of the frame at `range.startMs`. The video
 * is sought as needed and left where it was.
 */
export async function simulateVideo(handle: EngineHandle, model: ModelInfo, video: HTMLVideoElement, options: SimulateVideoOptions = {}): Promise<VideoVirtualStudy> {
  const { viewers, seed } = checkCommon(options);
  if (typeof HTMLVideoElement === 'undefined' || !(video instanceof HTMLVideoElement)) bad('simulateVideo needs an HTMLVideoElement.');
  const { manifest } = model;
  requireScanpath(manifest); // a model without a scanpath graph fails before any work
  encodeProfile(manifest.profile, options.profile);
  const { signal } = options;
  await whenMetadata(video, signal);
  const mediaMs = video.duration * 1000;
  if (!Number.isFinite(mediaMs) || mediaMs <= 0) {
    throw new GazecastError('media-unsupported', `The video has no finite duration (${video.duration}); a live stream cannot be studied.`);
  }
  const startMs = options.range?.startMs ?? 0;
  const endMs = options.range?.endMs ?? mediaMs;
  if (typeof startMs !== 'number' || !Number.isFinite(startMs) || startMs < 0 || typeof endMs !== 'number' || !(endMs > startMs) || endMs > mediaMs + 1e-6) {
    bad(`options.range must satisfy 0 <= startMs < endMs <= the video's ${mediaMs.toFixed(0)} ms, got ${JSON.stringify(options.range)}.`);
  }
  const durationMs = checkDuration(endMs - startMs, 'options.range (endMs - startMs)');
  const lb = computeLetterbox(video.videoWidth, video.videoHeight, manifest.input.width, manifest.input.height);
  const input = { width: manifest.input.width, height: manifest.input.height };
  // the last frame step that starts inside the range
  const lastFrame = Math.floor((endMs - 1e-6) / VIDEO_FRAME_STEP_MS) * VIDEO_FRAME_STEP_MS;
  const keys = new Map<number, number>();
  const graph: StudyGraph = {
    frameAt: (onsetMs) => Math.min(lastFrame, Math.floor((startMs + onsetMs) / VIDEO_FRAME_STEP_MS) * VIDEO_FRAME_STEP_MS),
    prepare: async (frames) => {
      for (const t of frames) {
        throwIfAborted(signal);
        const seconds = Math.max(t, startMs) / 1000;
        await seekTo(video, seconds, signal);
        const captured = await captureSeekedFrame(video, seconds, input);
        const key = nextFrameKey++;
        keys.set(t, key);
        await handle.prepareScanpathFrame(captured.frame, { key, frameWidth: captured.width, frameHeight: captured.height });
      }
    },
    release: async (frames) => {
      const gone = frames.map((t) => keys.get(t)).filter((k): k is number => k !== undefined);
      frames.forEach((t) => keys.delete(t));
      if (gone.length > 0) await handle.releaseScanpathFrames(gone);
    },
    step: (frame, history, rows) => handle.scanpathStep({ key: keys.get(frame)!, rows, history, ...(options.profile ? { profile: options.profile } : {}) }),
  };
  const wasPaused = video.paused;
  const resumeAt = video.currentTime;
  video.pause();
  try {
    const panel = await simulateViewers(
      simulationPlan(manifest, lb, {
        viewers,
        durationMs,
        seed,
        ...(signal ? { signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
      graph,
    );
    return {
      frame: { width: video.videoWidth, height: video.videoHeight },
      durationMs,
      viewers: panel,
      range: { startMs, endMs },
      frameStepMs: VIDEO_FRAME_STEP_MS,
      ...studyFields(model, options.profile, seed),
    };
  } finally {
    // leave the video where the user had it
    if (!signal?.aborted) await seekTo(video, resumeAt).catch(() => undefined);
    else video.currentTime = resumeAt;
    if (!wasPaused) void video.play().catch(() => undefined);
  }
}
