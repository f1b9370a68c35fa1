/**
 * The predictor engine: one model, one onnxruntime session, one inference at a time. It runs in
 * the model worker (model.worker.ts) and, unchanged, on the main thread when a worker is not
 * wanted ("one interface, two homes"); the client cannot tell the difference.
 *
 * Backend: WebGPU or WASM as decided in backend.ts. If WebGPU fails (session creation, a run,
 * non-finite output) or its device is lost, the engine moves to WASM, reports the change through
 * `onBackendChange`, and the inference that hit the failure is run again on WASM.
 */
import type * as OrtModule from 'onnxruntime-web/webgpu';
import { GazecastError, isGazecastError } from '../core/errors';
import type { Letterbox } from '../core/letterbox';
import { chooseModelFile, type ModelFile, type ModelManifest } from '../core/manifest';
import { fixationDensity } from '../core/personal/fixation-density';
import { checkLogDensity, checkModelNames, checkModelShapes, letterboxFor, mainGraphFeeds, predictionFrom, type PlainTensor } from '../core/model-io';
import type { Prediction } from '../core/prediction-types';
import { encodeProfile } from '../core/profile';
import { checkScanpathNames, requireScanpath, scanpathStepFeeds, scanpathStepResult } from '../core/scanpath-io';
import type {
  Backend,
  BackendChange,
  EmbedRequest,
  EngineApi,
  EngineFrame,
  EngineLoadOptions,
  EngineStats,
  LiveResult,
  LoadProgress,
  ModelInfo,
  PredictRequest,
  ScanpathEngineApi,
  ScanpathFrameRequest,
  ScanpathStepRequest,
  ScanpathStepResult,
} from '../core/runtime-types';
import { decideBackend, defaultWasmThreads, describeAdapter } from './backend';
import { fileSpec, loadFiles, loadManifest, ProgressTracker, type FileSpec } from './loader';
import { closeFrame, Preprocessor } from './preprocess';

export interface EngineCallbacks {
  readonly onProgress?: (p: LoadProgress) => void;
  readonly onBackendChange?: (change: BackendChange) => void;
  /** cancels the load (in-thread only: a worker is terminated instead) */
  readonly signal?: AbortSignal;
}

interface Waiting {
  frame: EngineFrame;
  request: PredictRequest;
  resolve: (r: LiveResult) => void;
  reject: (e: unknown) => void;
}

/** Share of the progress bar that downloading takes; session creation takes the rest. */
const DOWNLOAD_SHARE = 90;

/** onnxruntime fetches and compiles its WASM, then opens the session: longer than this means it never will. */
export const SESSION_OPEN_MS = 90_000;
/**
 * A virtual study's graph calls are background work: each waits while live mode is busy (a live
 * frame waiting, or a live prediction finished less than LIVE_QUIET_MS ago), so the live overlay
 * keeps its frame rate while a study runs (measured by the app e2e); but never longer than this,
 * so a study still moves on while a video plays on an engine that live mode keeps busy.
 */
export const BACKGROUND_MAX_WAIT_MS = 2000;
/** Live mode counts as idle this long after its last prediction (a 10 fps live loop is busier than that). */
export const LIVE_QUIET_MS = 150;

/** Where onnxruntime's own files come from, for the messages that say what to fix. */
const WASM_HINT =
  "Serve onnxruntime-web's files (node_modules/onnxruntime-web/dist/*.wasm and *.mjs) with the page, the .wasm as application/wasm, and allow 'wasm-unsafe-eval' in script-src of the Content-Security-Policy.";

/** onnxruntime's wording when its WASM backend could not be initialised (fetch or compile failed). */
function isWasmInitFailure(e: unknown): boolean {
  return /no available backend found|both async and sync fetching of the wasm failed|WebAssembly\.(instantiate|compile)|wasm streaming compile failed|previous call to initializeWebAssembly/i.test(message(e));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

type Ort = typeof OrtModule;
type Session = OrtModule.InferenceSession;
type Tensor = OrtModule.Tensor;

/**
 * onnxruntime for a backend. WebGPU runs on the native WebGPU build ('onnxruntime-web/webgpu';
 * the older JSEP build gets int8 QDQ weights and some fp16 graphs wrong). That build is compiled
 * with Asyncify so WebGPU calls can yield, which makes its CPU kernels markedly slower and its
 * .wasm twice the size (27 MB vs 14 MB), so WASM sessions use the plain threaded SIMD build.
 *
 * onnxruntime's settings are per module and read before its first session: a worker has its own
 * modules, the in-thread engine shares the page's.
 */
async function loadOrt(backend: Backend, wasmThreads: number, wasmPaths: string | undefined): Promise<{ ort: Ort; threads: number }> {
  let ort: Ort;
  try {
    ort = backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : ((await import('onnxruntime-web/wasm')) as Ort);
  } catch (e) {
    throw new GazecastError('wasm-failed', `onnxruntime-web could not be loaded: ${message(e)}. ${WASM_HINT}`, { cause: e });
  }
  ort.env.logLevel = 'error';
  if (!ort.env.wasm.numThreads) ort.env.wasm.numThreads = wasmThreads;
  // the user's own copy of the .wasm files (PredictorOptions.wasmPaths); a prefix, read at the first session
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  // we are already off the main thread (or were asked to stay on it): no extra proxy worker
  ort.env.wasm.proxy = false;
  return { ort, threads: ort.env.wasm.numThreads ?? wasmThreads };
}

/** What the scanpath graph reads of a prepared frame: the image or the main graph's features (batch 1). */
interface ScanpathFrame {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export class PredictorEngine implements EngineApi, ScanpathEngineApi {
  readonly #manifest: ModelManifest;
  readonly #manifestUrl: string;
  readonly #options: EngineLoadOptions;
  readonly #callbacks: EngineCallbacks;
  readonly #pre: Preprocessor;
  readonly #requestedThreads: number;
  #wasmThreads: number;
  #ort: Ort;
  #backend: Backend;
  #adapterNote: string | undefined;
  #session: Session | undefined;
  #encoder: Session | undefined;
  /** the scanpath graph's session, created on the first simulation */
  #scanpath: Session | undefined;
  readonly #scanpathFrames = new Map<number, ScanpathFrame>();
  #file: ModelFile;
  /** model bytes kept only while a move to WASM may still need them (on WebGPU) */
  #bytes = new Map<string, Uint8Array>();
  #gpuLost: string | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  /** the frame waiting behind the running inference, one per live session (slot) */
  readonly #waiting = new Map<number, Waiting>();
  /** when the last live prediction finished (performance.now()); background work gives way to live mode */
  #lastLiveAt = -Infinity;
  #closed = false;
  #inferences = 0;
  #dropped = 0;
  #lastMs = 0;
  #loadMs = 0;

  private constructor(
    manifest: ModelManifest,
    manifestUrl: string,
    options: EngineLoadOptions,
    callbacks: EngineCallbacks,
    backend: Backend,
    runtime: { ort: Ort; threads: number },
    requestedThreads: number,
  ) {
    this.#manifest = manifest;
    this.#manifestUrl = manifestUrl;
    this.#options = options;
    this.#callbacks = callbacks;
    this.#backend = backend;
    this.#ort = runtime.ort;
    this.#wasmThreads = runtime.threads;
    this.#requestedThreads = requestedThreads;
    this.#file = chooseModelFile(manifest, backend, options.precision);
    const { width, height, mean, std } = manifest.input;
    this.#pre = new Preprocessor(width, height, mean, std);
  }

  /** Loads the manifest and model, picks the backend, creates the session. */
  static async create(options: EngineLoadOptions, callbacks: EngineCallbacks = {}): Promise<PredictorEngine> {
    const t0 = performance.now();
    const progress = new ProgressTracker(callbacks.onProgress);
    const useCache = options.cache ?? true;
    const bounds = callbacks.signal ? { signal: callbacks.signal } : {};
    const { manifest, manifestUrl } = await loadManifest(options.modelUrl, useCache, progress, bounds);
    const decision = await decideBackend(options.backend ?? 'auto');
    const threads = options.wasmThreads ?? defaultWasmThreads();
    const runtime = await loadOrt(decision.backend, threads, options.wasmPaths);
    const engine = new PredictorEngine(manifest, manifestUrl, options, callbacks, decision.backend, runtime, threads);
    engine.#adapterNote = decision.adapter ? describeAdapter(decision.adapter) : undefined;
    if (decision.adapter) runtime.ort.env.webgpu.adapter = decision.adapter;
    const [bytes] = await loadFiles([engine.#spec(engine.#file)], useCache, progress, DOWNLOAD_SHARE, bounds);
    if (decision.backend === 'webgpu') engine.#bytes.set(engine.#file.path, bytes!);
    progress.emit({ status: 'session', backend: decision.backend, progress: DOWNLOAD_SHARE });
    try {
      engine.#session = await engine.#createSession(bytes!, decision.backend);
    } catch (e) {
      if (decision.backend !== 'webgpu' || isGazecastError(e, 'manifest-invalid')) throw e;
      await engine.#moveToWasm(`WebGPU session could not be created: ${message(e)}`);
    }
    engine.#loadMs = performance.now() - t0;
    progress.emit({ status: 'ready', backend: engine.#backend, progress: 100 });
    return engine;
  }

  get info(): ModelInfo {
    return {
      manifest: this.#manifest,
      manifestUrl: this.#manifestUrl,
      backend: this.#backend,
      file: this.#file.path,
      precision: this.#file.precision,
      wasmThreads: this.#wasmThreads,
      ...(this.#backend === 'webgpu' && this.#adapterNote ? { adapter: this.#adapterNote } : {}),
      loadMs: this.#loadMs,
    };
  }

  /** the file's URL, refused unless inside the model folder on the page's origin */
  #spec(f: { path: string; bytes: number; sha256: string }): FileSpec {
    return fileSpec(this.#manifestUrl, f);
  }

  /**
   * An onnxruntime session for model bytes on the current runtime, within SESSION_OPEN_MS. The
   * first session also fetches and compiles onnxruntime's WASM, so its failures are told apart.
   */
  async #openSession(bytes: Uint8Array, backend: Backend, path: string): Promise<Session> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const creating = this.#ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all' });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GazecastError(
              'load-timeout',
              `onnxruntime did not open a ${backend} session for ${path} within ${SESSION_OPEN_MS / 1000} s (its WASM may not be loading). ${WASM_HINT}`,
            ),
          ),
        SESSION_OPEN_MS,
      );
    });
    try {
      return await Promise.race([creating, timeout]);
    } catch (e) {
      // a session that opens after all is released, not leaked
      if (isGazecastError(e, 'load-timeout')) void creating.then((s) => s.release(), () => undefined);
      if (isGazecastError(e)) throw e;
      if (isWasmInitFailure(e)) {
        throw new GazecastError('wasm-failed', `onnxruntime's WASM could not be fetched or compiled: ${message(e)}. ${WASM_HINT}`, { cause: e });
      }
      throw new GazecastError('backend-failed', `onnxruntime could not create a ${backend} session for ${path}: ${message(e)}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  async #createSession(bytes: Uint8Array, backend: Backend): Promise<Session> {
    const ort = this.#ort;
    const session = await this.#openSession(bytes, backend, this.#file.path);
    this.#checkSessionNames(session);
    if (backend === 'webgpu') {
      // A lost device (driver reset, GPU process crash, the tab backgrounded on some systems)
      // makes every later run fail; note it and move to WASM before the next inference.
      // the native WebGPU build stores the GPUDevice itself here, the JSEP build a Promise of it
      const device = ort.env.webgpu.device as unknown as GPUDevice | Promise<GPUDevice> | undefined;
      void Promise.resolve(device).then((device) => {
        if (!device) return;
        device.lost.then((info) => {
          if (!this.#closed && this.#backend === 'webgpu') this.#gpuLost = `GPU device lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
        }, () => {});
      }, () => {});
    }
    return session;
  }

  #checkSessionNames(session: Session): void {
    try {
      checkModelNames(this.#manifest, session.inputNames, session.outputNames);
      checkModelShapes(this.#manifest, session.inputMetadata, session.outputMetadata);
    } catch (e) {
      void session.release();
      throw e;
    }
  }

  /** Moves inference to WASM (after a WebGPU failure) and reports it. */
  async #moveToWasm(reason: string): Promise<void> {
    const from = this.#backend;
    const old = this.#session;
    this.#session = undefined;
    await Promise.allSettled([old?.release(), this.#encoder?.release(), this.#scanpath?.release()]);
    this.#encoder = undefined;
    this.#scanpath = undefined; // prepared frames are CPU data and stay valid
    this.#backend = 'wasm';
    this.#gpuLost = undefined;
    const runtime = await loadOrt('wasm', this.#requestedThreads, this.#options.wasmPaths);
    this.#ort = runtime.ort;
    this.#wasmThreads = runtime.threads;
    this.#file = chooseModelFile(this.#manifest, 'wasm', this.#options.precision);
    const bytes = this.#bytes.get(this.#file.path) ?? (await loadFiles([this.#spec(this.#file)], this.#options.cache ?? true, new ProgressTracker(undefined), 100))[0]!;
    this.#bytes.clear();
    this.#session = await this.#createSession(bytes, 'wasm');
    this.#callbacks.onBackendChange?.({ from, to: 'wasm', reason });
  }

  /** Serialises work: one inference (or session change) at a time. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  #assertOpen(): void {
    if (this.#closed) throw new GazecastError('closed', 'The predictor was closed.');
  }

  /** Moves to WASM first if the GPU device was lost since the last inference. */
  async #leaveLostGpu(): Promise<void> {
    if (this.#gpuLost && this.#backend === 'webgpu') await this.#moveToWasm(this.#gpuLost);
  }

  /** Runs the main session, falling back to WASM once if WebGPU fails. */
  async #run(feeds: Record<string, Tensor>): Promise<{ log: Float32Array; ms: number }> {
    await this.#leaveLostGpu();
    const { output } = this.#manifest;
    for (;;) {
      const backend = this.#backend;
      try {
        const t0 = performance.now();
        // only the density: a graph with an extra `features` output (for the scanpath graph)
        // would otherwise copy it out on every static prediction
        const results = await this.#session!.run(feeds, [output.name]);
        const ms = performance.now() - t0;
        const out = results[output.name]!;
        const log = out.data as Float32Array;
        for (const t of Object.values(results)) t.dispose();
        checkLogDensity(this.#manifest, out.dims, log, backend);
        return { log, ms };
      } catch (e) {
        if (backend !== 'webgpu' || isGazecastError(e, 'manifest-invalid')) {
          throw isGazecastError(e) ? e : new GazecastError('backend-failed', `Inference failed on ${backend}: ${message(e)}`, { cause: e });
        }
        await this.#moveToWasm(this.#gpuLost ?? `WebGPU inference failed: ${message(e)}`);
      }
    }
  }

  /** Letterboxes the frame into a tensor and always closes it, whatever happens. */
  async #imageTensor(frame: EngineFrame, lb: Letterbox): Promise<Tensor> {
    try {
      const { width, height, mean } = this.#manifest.input;
      const data = await this.#pre.toTensor(frame, lb, mean);
      return new this.#ort.Tensor('float32', data, [1, 3, height, width]);
    } finally {
      closeFrame(frame);
    }
  }

  #letterbox(frameWidth: number, frameHeight: number): Letterbox {
    return letterboxFor(this.#manifest, frameWidth, frameHeight);
  }

  async #predictNow(frame: EngineFrame, request: PredictRequest): Promise<Prediction> {
    let image: Tensor;
    let lb: Letterbox;
    let profile: ReturnType<typeof encodeProfile>;
    try {
      this.#assertOpen();
      lb = this.#letterbox(request.frameWidth, request.frameHeight);
      profile = encodeProfile(this.#manifest.profile, request.profile);
    } catch (e) {
      closeFrame(frame);
      throw e;
    }
    image = await this.#imageTensor(frame, lb);
    const { log, ms } = await this.#run(this.#tensors(mainGraphFeeds(this.#manifest, image.data as Float32Array, profile)));
    this.#inferences++;
    this.#lastMs = ms;
    return predictionFrom(this.#manifest, log, lb, request, this.#backend, ms);
  }

  /** Plain feeds (from core) as this runtime's tensors, over the same data. */
  #tensors(plain: Readonly<Record<string, PlainTensor>>): Record<string, Tensor> {
    const { Tensor } = this.#ort;
    const out: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(plain)) {
      out[name] = t.type === 'int64' ? new Tensor('int64', t.data as BigInt64Array, t.dims) : new Tensor('float32', t.data as Float32Array, t.dims);
    }
    return out;
  }

  predict(frame: EngineFrame, request: PredictRequest): Promise<Prediction> {
    return this.#exclusive(() => this.#predictNow(frame, request));
  }

  /**
   * Live mode: at most one frame per live session (`slot`) waits behind the running inference.
   * A newer frame of that session replaces its waiting one, which is closed and answered
   * `dropped` (and counted), so the overlay always shows the most recent frame the model could
   * keep up with. Each session has its own slot, so two sessions take turns instead of one
   * replacing the other's frames (one got 2 predictions to the other's 29 in 8 s with one slot).
   */
  predictLatest(frame: EngineFrame, request: PredictRequest, slot = 0): Promise<LiveResult> {
    return new Promise<LiveResult>((resolve, reject) => {
      if (this.#closed) {
        closeFrame(frame);
        resolve({ status: 'dropped' });
        return;
      }
      const previous = this.#waiting.get(slot);
      this.#waiting.set(slot, { frame, request, resolve, reject });
      if (previous) {
        closeFrame(previous.frame);
        this.#dropped++;
        previous.resolve({ status: 'dropped' });
        return; // the task already queued for `previous` will take this frame instead
      }
      void this.#exclusive(async () => {
        const w = this.#waiting.get(slot);
        this.#waiting.delete(slot);
        if (!w) return; // closed meanwhile
        try {
          w.resolve({ status: 'done', prediction: await this.#predictNow(w.frame, w.request) });
        } catch (e) {
          w.reject(e);
        }
        this.#lastLiveAt = performance.now();
        // Hold the queue for one macrotask: the frames that arrived while this inference blocked
        // the worker are then delivered (each replacing the waiting one) before the next live task
        // takes a frame. Without it the next task, a microtask, took the oldest of them, every
        // frame was inferred in turn and a backlog built up (21 of 74 answered, close() 8-20 s late).
        await new Promise<void>((r) => setTimeout(r, 0));
      });
    });
  }

  /** The encoder's embedding of one viewer from their fixations on one frame. */
  embed(frame: EngineFrame, request: EmbedRequest): Promise<Float32Array> {
    return this.#exclusive(async () => {
      let lb: Letterbox;
      let fixations: Float32Array;
      const m = this.#manifest;
      try {
        this.#assertOpen();
        if (!m.encoder) throw new GazecastError('manifest-invalid', `manifest.json: \`encoder\` is absent, so model ${m.id} cannot embed a viewer.`);
        lb = this.#letterbox(request.frameWidth, request.frameHeight);
        fixations = fixationDensity(
          { inputWidth: m.input.width, inputHeight: m.input.height, outputWidth: m.output.width, outputHeight: m.output.height },
          request.frameWidth,
          request.frameHeight,
          request.fixations,
        );
      } catch (e) {
        closeFrame(frame);
        throw e;
      }
      const enc = m.encoder;
      const image = await this.#imageTensor(frame, lb);
      await this.#leaveLostGpu();
      if (!this.#encoder) {
        const [bytes] = await loadFiles([this.#spec(enc)], this.#options.cache ?? true, new ProgressTracker(undefined), 100);
        this.#encoder = await this.#openSession(bytes!, this.#backend, enc.path);
      }
      const results = await this.#encoder.run({
        [enc.inputs.image]: image,
        [enc.inputs.fixations]: new this.#ort.Tensor('float32', fixations, [1, 1, m.output.height, m.output.width]),
      });
      const out = results[enc.output];
      if (!out) throw new GazecastError('manifest-invalid', `manifest.json: \`encoder.output\` is "${enc.output}" but the encoder's outputs are ${JSON.stringify(Object.keys(results))}.`);
      const embedding = Float32Array.from(out.data as Float32Array);
      for (const t of Object.values(results)) t.dispose();
      return embedding;
    });
  }

  /** The scanpath session: its file read and checked (bytes, sha256) like the model's, cached, created once. */
  async #scanpathSession(): Promise<Session> {
    if (this.#scanpath) return this.#scanpath;
    const spec = requireScanpath(this.#manifest);
    const [bytes] = await loadFiles([this.#spec(spec)], this.#options.cache ?? true, new ProgressTracker(undefined), 100);
    const session = await this.#openSession(bytes!, this.#backend, spec.path);
    try {
      checkScanpathNames(spec, session.inputNames, session.outputNames);
    } catch (e) {
      void session.release();
      throw e;
    }
    this.#scanpath = session;
    return session;
  }

  /** The main graph's `output.features` for an image, with the population profile (the contract's rule). */
  async #features(image: Tensor, name: string): Promise<ScanpathFrame> {
    const feeds = this.#tensors(mainGraphFeeds(this.#manifest, image.data as Float32Array)); // the population's
    return this.#onAnyBackend(async () => {
      const results = await this.#session!.run(feeds, [name]);
      const out = results[name];
      if (!out) throw new GazecastError('manifest-invalid', `manifest.json: \`output.features\` is "${name}" but the model's outputs are ${JSON.stringify(Object.keys(results))}.`);
      const frame = { data: Float32Array.from(out.data as Float32Array), dims: [...out.dims] };
      for (const t of Object.values(results)) t.dispose();
      return frame;
    });
  }

  /** Runs `fn` on the current backend, moving to WASM and trying again once if WebGPU fails (as predictions do). */
  async #onAnyBackend<T>(fn: () => Promise<T>): Promise<T> {
    await this.#leaveLostGpu();
    for (;;) {
      const backend = this.#backend;
      try {
        return await fn();
      } catch (e) {
        if (backend !== 'webgpu' || isGazecastError(e, 'manifest-invalid') || isGazecastError(e, 'no-scanpath') || isGazecastError(e, 'model-integrity')) {
          throw isGazecastError(e) ? e : new GazecastError('backend-failed', `The scanpath graph failed on ${backend}: ${message(e)}`, { cause: e });
        }
        await this.#moveToWasm(this.#gpuLost ?? `WebGPU inference failed: ${message(e)}`);
      }
    }
  }

  /** Lets waiting live frames go first (see BACKGROUND_MAX_WAIT_MS); the caller then queues its work. */
  async #yieldToLive(): Promise<void> {
    const since = performance.now();
    const liveBusy = () => this.#waiting.size > 0 || performance.now() - this.#lastLiveAt < LIVE_QUIET_MS;
    while (liveBusy() && !this.#closed && performance.now() - since < BACKGROUND_MAX_WAIT_MS) {
      await this.#lock; // the live task queued for a waiting frame
      await new Promise<void>((r) => setTimeout(r, this.#waiting.size > 0 ? 0 : 20)); // and the frames delivered meanwhile
    }
  }

  async prepareScanpathFrame(frame: EngineFrame, request: ScanpathFrameRequest): Promise<void> {
    await this.#yieldToLive();
    return this.#exclusive(async () => {
      let lb: Letterbox;
      let features: string | undefined;
      try {
        this.#assertOpen();
        features = requireScanpath(this.#manifest).inputs.features !== undefined ? this.#manifest.output.features : undefined;
        lb = this.#letterbox(request.frameWidth, request.frameHeight);
      } catch (e) {
        closeFrame(frame);
        throw e;
      }
      const image = await this.#imageTensor(frame, lb);
      await this.#onAnyBackend(() => this.#scanpathSession()); // a missing or damaged file fails here, before any step
      const prepared = features !== undefined ? await this.#features(image, features) : { data: image.data as Float32Array, dims: [...image.dims] };
      this.#scanpathFrames.set(request.key, prepared);
    });
  }

  async scanpathStep(request: ScanpathStepRequest): Promise<ScanpathStepResult> {
    await this.#yieldToLive();
    return this.#exclusive(async () => {
      this.#assertOpen();
      const m = this.#manifest;
      const step = scanpathStepFeeds(m, this.#scanpathFrames.get(request.key), request);
      return this.#onAnyBackend(async () => {
        const session = await this.#scanpathSession();
        const t0 = performance.now();
        const results = await session.run(this.#tensors(step.feeds), step.outputs);
        const ms = performance.now() - t0;
        try {
          return scanpathStepResult(m, results, request.rows, this.#backend, ms);
        } finally {
          for (const t of Object.values(results)) t.dispose();
        }
      });
    });
  }

  async releaseScanpathFrames(keys?: readonly number[]): Promise<void> {
    if (!keys) this.#scanpathFrames.clear();
    else for (const k of keys) this.#scanpathFrames.delete(k);
  }

  async stats(): Promise<EngineStats> {
    return { backend: this.#backend, inferences: this.#inferences, droppedFrames: this.#dropped, lastInferenceMs: this.#lastMs };
  }

  /** Releases the sessions; a waiting live frame is dropped. Later calls fail with code 'closed'. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#waiting.values()) {
      closeFrame(w.frame);
      w.resolve({ status: 'dropped' });
    }
    this.#waiting.clear();
    await this.#exclusive(async () => {
      await Promise.allSettled([this.#session?.release(), this.#encoder?.release(), this.#scanpath?.release()]);
      this.#session = undefined;
      this.#encoder = undefined;
      this.#scanpath = undefined;
      this.#scanpathFrames.clear();
      this.#bytes.clear();
    });
  }
}
