/**
 * The predictor facade: `createPredictor(options)` loads a model (in a worker by default) and
 * returns a `Predictor` for single frames, whole videos and live playback, and viewer embeddings.
 */
import { pointsFromDensity } from '../core/decode';
import { checkProfileShape } from '../core/arguments';
import { GazecastError, isGazecastError } from '../core/errors';
import { manifestUrlOnOrigin } from '../core/manifest';
import { encodeProfile } from '../core/profile';
import type { Prediction } from '../core/prediction-types';
import type { Backend, BackendChange, EngineLoadOptions, EngineStats, ModelInfo } from '../core/runtime-types';
import { DensitySmoother, type SmoothingOptions } from '../core/smoothing';
import { startInThreadEngine, startWorkerEngine, withLoadBounds, type EngineHandle, type LoadBounds } from './engine-home';
import {
  checkFixations,
  checkLiveOptions,
  checkPredictOptions,
  checkPredictorOptions,
  checkSampleCount,
  checkVideoAnalysisOptions,
  checkVideoElement,
  checkViewings,
} from './predictor-arguments';
import { acquireEngine, sharingKey, type EngineCallbacks, type EngineHome } from './shared-engine';
import { decodedFrames } from './decode-sampler';
import type { SimulateOptions, SimulateVideoOptions, VideoVirtualStudy } from './simulate';
import type { VirtualStudy } from '../core/study';
import {
  boundedWait,
  captureFrame,
  liveFrame,
  METADATA_TIMEOUT_MS,
  processInOrder,
  sampleTimes,
  seekedFrames,
  seekTo,
  whenMetadata,
  type CapturedFrame,
} from './frame-sampler';
import type { LiveOptions, PredictOptions, PredictorOptions, VideoAnalysisOptions } from './predictor-options';
import type { FrameSource, LiveSession, Predictor, VideoAnalysis, Viewing } from './predictor-types';

const DEFAULT_LIVE_SMOOTHING: SmoothingOptions = { timeConstantMs: 250 };

/** Loads the model and returns a ready predictor. Errors are GazecastErrors with a stable `code`. */
export async function createPredictor(options: PredictorOptions): Promise<Predictor> {
  checkPredictorOptions(options);
  const base = typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href;
  let modelUrl: string;
  try {
    modelUrl = new URL(options.modelUrl, base).href;
  } catch (e) {
    throw new GazecastError('invalid-argument', `options.modelUrl ${JSON.stringify(String(options.modelUrl))} is not a URL.`, { cause: e });
  }
  // a model off the page's origin is refused before any worker starts
  const origin = globalThis.location?.origin;
  manifestUrlOnOrigin(modelUrl, base, origin && origin !== 'null' ? origin : undefined);
  const load: EngineLoadOptions = {
    modelUrl,
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.precision ? { precision: options.precision } : {}),
    ...(options.wasmThreads ? { wasmThreads: options.wasmThreads } : {}),
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    ...(options.wasmPaths !== undefined ? { wasmPaths: folderUrl(options.wasmPaths, base) } : {}),
  };
  let predictor: GazePredictor | undefined;
  const callbacks = {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    onBackendChange: (change: BackendChange) => {
      predictor?.noteBackend(change.to);
      options.onBackendChange?.(change);
    },
  };
  const home: EngineHome = options.worker === false ? 'thread' : 'worker';
  const start = (cb: EngineCallbacks, bounds: LoadBounds = {}): Promise<EngineHandle> =>
    home === 'thread' ? startInThreadEngine(load, cb, bounds) : startWorkerEngine(load, cb, bounds);
  const bounds: LoadBounds = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.loadTimeoutMs !== undefined ? { loadTimeoutMs: options.loadTimeoutMs } : {}),
  };
  // one engine per model on the page unless told otherwise (shared-engine.ts); a private engine
  // is stopped by the caller's bounds, a shared one only stops being waited for
  const handle =
    options.share === false
      ? await start(callbacks, bounds)
      : await withLoadBounds(bounds, callbacks, (cb) => acquireEngine(sharingKey(home, load), cb, (fanOut) => start(fanOut)));
  predictor = new GazePredictor(handle);
  return predictor;
}

/** A folder URL, absolute and ending in '/' (onnxruntime appends file names to it). */
function folderUrl(url: string | URL, base: string | undefined): string {
  const u = new URL(url, base);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/** Applies optional temporal smoothing to a stream of predictions of one video. */
function smoothedStream(smoothing: SmoothingOptions | false | undefined, decode: PredictOptions['decode']): (p: Prediction) => Prediction {
  if (!smoothing) return (p) => p;
  const smoother = new DensitySmoother(smoothing);
  return (p) => {
    const density = smoother.push(p.density, p.timestampMs);
    return { ...p, density, points: pointsFromDensity(density, p.frameWidth, p.frameHeight, decode) };
  };
}

class GazePredictor implements Predictor {
  readonly #handle: EngineHandle;
  #model: ModelInfo;
  #closed = false;
  readonly #live = new Set<LiveLoop>();
  /** analyses under way; close() stops them with 'closed' (and they restore their video) */
  readonly #analyses = new Set<AbortController>();

  constructor(handle: EngineHandle) {
    this.#handle = handle;
    this.#model = handle.info;
  }

  noteBackend(backend: Backend): void {
    this.#model = { ...this.#model, backend };
  }

  get model(): ModelInfo {
    return this.#model;
  }

  get backend(): Backend {
    return this.#model.backend;
  }

  #assertOpen(): void {
    if (this.#closed) throw new GazecastError('closed', 'The predictor was closed.');
  }

  get #input(): { width: number; height: number } {
    return this.#model.manifest.input;
  }

  /** the options' profile checked against the model here, before any frame is captured or sent */
  #checkProfile(profile: unknown, name: string): void {
    checkProfileShape(profile, name);
    encodeProfile(this.#model.manifest.profile, profile as PredictOptions['profile']);
  }

  async predict(frame: FrameSource, options: PredictOptions = {}): Promise<Prediction> {
    this.#assertOpen();
    checkPredictOptions(options);
    this.#checkProfile(options.profile, 'options.profile');
    const captured = await captureFrame(frame, this.#input.width, this.#input.height);
    return this.#handle.predict(captured.frame, {
      frameWidth: captured.width,
      frameHeight: captured.height,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.timestampMs !== undefined ? { timestampMs: options.timestampMs } : {}),
      ...(options.decode ? { decode: options.decode } : {}),
    });
  }

  async predictVideo(video: HTMLVideoElement, options: VideoAnalysisOptions = {}): Promise<VideoAnalysis> {
    this.#assertOpen();
    checkVideoElement(video, 'video');
    checkVideoAnalysisOptions(options);
    this.#checkProfile(options.profile, 'options.profile');
    // the caller's signal, and close(), both stop the analysis
    const run = new AbortController();
    const stop = (): void => run.abort(options.signal?.reason);
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    this.#analyses.add(run);
    try {
      return await this.#analyse(video, options, run.signal);
    } finally {
      this.#analyses.delete(run);
      options.signal?.removeEventListener('abort', stop);
    }
  }

  async #analyse(video: HTMLVideoElement, options: VideoAnalysisOptions, signal: AbortSignal): Promise<VideoAnalysis> {
    const t0 = performance.now();
    await whenMetadata(video, signal);
    const duration = video.duration;
    if (!Number.isFinite(duration) || duration <= 0) {
      throw new GazecastError('media-unsupported', `The video has no finite duration (${duration}); live streams cannot be analysed, use startLive.`);
    }
    const rate = options.samplesPerSecond ?? 5;
    checkSampleCount(duration, rate, options.startMs, options.endMs);
    const times = sampleTimes(duration, rate, options.startMs, options.endMs);
    const smooth = smoothedStream(options.smoothing, options.decode);
    let done = 0;
    const process = async (captured: CapturedFrame, seconds: number): Promise<Prediction> => {
      const raw = await this.#handle.predict(captured.frame, {
        frameWidth: captured.width,
        frameHeight: captured.height,
        timestampMs: seconds * 1000,
        ...(options.profile ? { profile: options.profile } : {}),
        ...(options.decode ? { decode: options.decode } : {}),
      });
      const p = smooth(raw);
      done++;
      options.onPrediction?.(p);
      options.onProgress?.({ done, total: times.length, timestampMs: p.timestampMs });
      return p;
    };
    const result = (frames: Prediction[], sampler: VideoAnalysis['sampler']): VideoAnalysis => ({
      frames,
      samplesPerSecond: rate,
      durationMs: duration * 1000,
      elapsedMs: performance.now() - t0,
      sampler,
    });

    const sampler = options.sampler ?? 'auto';
    if (sampler !== 'seek') {
      // reading the file's header may hang on a server that stops answering: bounded, and 'auto'
      // then falls back to seeking (a generator that arrives late is ended, freeing its input)
      const decoding = decodedFrames(video, times);
      let decoded: Awaited<typeof decoding>;
      try {
        decoded = await boundedWait(decoding, signal, METADATA_TIMEOUT_MS, "the video file's header");
      } catch (e) {
        void decoding.then((late) => late?.return(undefined), () => undefined);
        if (!(isGazecastError(e, 'media-timeout') && sampler === 'auto')) throw e;
        decoded = undefined;
      }
      if (decoded) return result(await processInOrder(decoded, process, signal), 'decode');
      if (sampler === 'decode') throw new GazecastError('media-unsupported', 'This video cannot be decoded from its file here (not a readable file or URL, or a codec WebCodecs lacks); use sampler "seek".');
    }
    const wasPaused = video.paused;
    const resumeAt = video.currentTime;
    video.pause();
    try {
      return result(await processInOrder(seekedFrames(video, times, this.#input, signal), process, signal), 'seek');
    } finally {
      // leave the video where the user had it
      if (!signal?.aborted) await seekTo(video, resumeAt).catch(() => undefined);
      else video.currentTime = resumeAt;
      if (!wasPaused) void video.play().catch(() => undefined);
    }
  }

  startLive(video: HTMLVideoElement, options: LiveOptions): LiveSession {
    this.#assertOpen();
    checkVideoElement(video, 'video');
    checkLiveOptions(options);
    this.#checkProfile(options.profile, 'options.profile');
    if (typeof video.requestVideoFrameCallback !== 'function') {
      throw new GazecastError('media-unsupported', 'This browser has no requestVideoFrameCallback, which live mode needs.');
    }
    const loop = new LiveLoop(this.#handle, video, options, () => this.#live.delete(loop));
    this.#live.add(loop);
    return loop;
  }

  async embed(frame: FrameSource, fixations: Viewing['fixations']): Promise<Float32Array> {
    this.#assertOpen();
    checkFixations(fixations, 'fixations');
    const captured = await captureFrame(frame, this.#input.width, this.#input.height);
    return this.#handle.embed(captured.frame, { frameWidth: captured.width, frameHeight: captured.height, fixations });
  }

  async embedViewer(viewings: readonly Viewing[]): Promise<Float32Array> {
    checkViewings(viewings);
    let sum: Float32Array | undefined;
    for (const v of viewings) {
      const e = await this.embed(v.frame, v.fixations);
      sum ??= new Float32Array(e.length);
      for (let k = 0; k < e.length; k++) sum[k] = sum[k]! + e[k]!;
    }
    return sum!.map((x) => x / viewings.length);
  }

  async simulate(frame: FrameSource, options: SimulateOptions = {}): Promise<VirtualStudy> {
    this.#assertOpen();
    // loaded on first use: pages that never simulate (the widget's other modes) do not carry it
    const { simulateFrame } = await import('./simulate');
    return simulateFrame(this.#handle, this.#model, frame, options);
  }

  async simulateVideo(video: HTMLVideoElement, options: SimulateVideoOptions = {}): Promise<VideoVirtualStudy> {
    this.#assertOpen();
    const { simulateVideo } = await import('./simulate');
    return simulateVideo(this.#handle, this.#model, video, options);
  }

  stats(): Promise<EngineStats> {
    this.#assertOpen();
    return this.#handle.stats();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const loop of [...this.#live]) loop.stop();
    const closed = new GazecastError('closed', 'The predictor was closed.');
    for (const run of [...this.#analyses]) run.abort(closed);
    await this.#handle.close();
  }
}

/** Live sessions of this page get distinct engine slots, even across predictors sharing an engine. */
let nextLiveSlot = 1;

/** Live mode: one capture per presented video frame; the engine keeps only the newest waiting one (of this session). */
class LiveLoop implements LiveSession {
  readonly #slot = nextLiveSlot++;
  #running = true;
  #callback: number | undefined;
  #processed = 0;
  #dropped = 0;
  readonly #smooth: (p: Prediction) => Prediction;

  constructor(
    private readonly handle: EngineHandle,
    private readonly video: HTMLVideoElement,
    private readonly options: LiveOptions,
    private readonly onStop: () => void,
  ) {
    this.#smooth = smoothedStream(options.smoothing ?? DEFAULT_LIVE_SMOOTHING, options.decode);
    this.#callback = video.requestVideoFrameCallback(this.#onFrame);
  }

  get running(): boolean {
    return this.#running;
  }
  get processed(): number {
    return this.#processed;
  }
  get dropped(): number {
    return this.#dropped;
  }

  readonly #onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
    if (!this.#running) return;
    this.#callback = this.video.requestVideoFrameCallback(this.#onFrame);
    const report = (e: unknown): void => (this.options.onError ?? console.error)(e);
    let captured;
    try {
      captured = liveFrame(this.video, meta.mediaTime);
    } catch (e) {
      report(e);
      return;
    }
    void Promise.resolve(captured)
      .then((c) =>
        this.handle.predictLatest(c.frame, {
          frameWidth: c.width,
          frameHeight: c.height,
          timestampMs: meta.mediaTime * 1000,
          ...(this.options.profile ? { profile: this.options.profile } : {}),
          ...(this.options.decode ? { decode: this.options.decode } : {}),
        }, this.#slot),
      )
      .then((r) => {
        if (r.status === 'dropped') {
          this.#dropped++;
          return;
        }
        this.#processed++;
        if (this.#running) this.options.onPrediction(this.#smooth(r.prediction));
      })
      .catch((e: unknown) => {
        if (this.#running) report(e);
      });
  };

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#callback !== undefined) this.video.cancelVideoFrameCallback(this.#callback);
    this.onStop();
  }
}
