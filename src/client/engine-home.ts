/**
 * Where the engine runs: in a Web Worker behind comlink (default) or on this thread. Both give
 * the same `EngineHandle`, so the predictor code has one path ("one interface, two homes").
 *
 * Nothing here waits without a bound: the worker must answer a ping within `workerStartMs`, the
 * whole load may be bounded by `loadTimeoutMs` and cancelled by a signal, and when the worker is
 * closed or fails every call still waiting on it is rejected (comlink alone would leave them
 * pending forever once its proxy is released).
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { GazecastError, reviveError } from '../core/errors';
import type { BackendChange, EngineApi, EngineFrame, EngineLoadOptions, LiveResult, LoadProgress, ModelInfo } from '../core/runtime-types';
import type { ScanpathEngineApi } from '../core/runtime-types';
import type { WorkerApi } from '../worker/model.worker';
import { transferablesOf } from './frame-sampler';

export interface EngineHandle extends EngineApi, ScanpathEngineApi {
  readonly info: ModelInfo;
}

interface Callbacks {
  readonly onProgress?: (p: LoadProgress) => void;
  readonly onBackendChange?: (c: BackendChange) => void;
}

/** Bounds of a load: every stage has its own (fetch stalls, session opening); these add the caller's. */
export interface LoadBounds {
  readonly signal?: AbortSignal;
  /** the whole load, from starting the worker to a ready session (default: only the stage bounds) */
  readonly loadTimeoutMs?: number;
  /** how long a worker may take to start and answer (default WORKER_START_MS) */
  readonly workerStartMs?: number;
  /** the worker to run the model in (tests: a worker that cannot start) */
  readonly createWorker?: () => Worker;
}

/** A module worker loads its script and imports before it can answer: longer than this, it never will. */
export const WORKER_START_MS = 30_000;
/** How long close() waits for the worker to release its sessions before terminating it anyway. */
const CLOSE_GRACE_MS = 2_000;

/** Restores GazecastError (with its code) from what comlink carries across. */
function revived<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    throw reviveError(e);
  });
}

function closeFrame(frame: EngineFrame): void {
  if ('close' in frame) frame.close();
}

const STAGES: Record<LoadProgress['status'], string> = {
  manifest: 'fetching the manifest',
  initiate: 'reading the model file',
  download: 'downloading the model file',
  done: 'checking the model file',
  session: "opening the onnxruntime session (fetching and compiling onnxruntime's WASM, then the model)",
  ready: 'ready',
};

/**
 * Runs the load bounds around `start`: calls `fail` with a coded error when the caller aborts or
 * `loadTimeoutMs` passes, naming the stage the load had reached. Returns the progress callback
 * that tracks that stage, and a disposer.
 */
function watchLoad(
  bounds: LoadBounds,
  onProgress: ((p: LoadProgress) => void) | undefined,
  fail: (e: GazecastError) => void,
  firstStage: string,
): { onProgress: (p: LoadProgress) => void; dispose(): void; overdue(): GazecastError | undefined } {
  let stage = firstStage;
  const { signal, loadTimeoutMs } = bounds;
  const started = performance.now();
  const aborted = (): GazecastError => new GazecastError('aborted', 'Loading the model was aborted.', { cause: signal?.reason });
  const timedOut = (): GazecastError =>
    new GazecastError(
      'load-timeout',
      `The model did not load within loadTimeoutMs (${loadTimeoutMs} ms); it was ${stage}. Check the network and that the model and onnxruntime's files are served, or allow more time.`,
    );
  const onAbort = (): void => fail(aborted());
  // a signal aborted while this load was being set up counts as well
  if (signal?.aborted) queueMicrotask(onAbort);
  else signal?.addEventListener('abort', onAbort, { once: true });
  const timer = loadTimeoutMs !== undefined ? setTimeout(() => fail(timedOut()), loadTimeoutMs) : undefined;
  return {
    onProgress: (p) => {
      // 'ready' is not a stage the time went to: a load found overdue when it ends names the last one
      if (p.status !== 'ready') stage = STAGES[p.status] ?? stage;
      onProgress?.(p);
    },
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
    /**
     * The bound a load that just finished had already broken. In-thread, onnxruntime's session
     * creation holds the main thread, so the timer or abort event may not have run yet.
     */
    overdue: () => (signal?.aborted ? aborted() : loadTimeoutMs !== undefined && performance.now() - started > loadTimeoutMs ? timedOut() : undefined),
  };
}

function abortedBeforeStart(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new GazecastError('aborted', 'Loading the model was aborted.', { cause: signal.reason });
}

/**
 * Applies a caller's bounds to an engine acquired elsewhere (a shared engine, which other callers
 * may still be waiting for): this caller stops waiting with 'aborted' or 'load-timeout', and the
 * lease that arrives after that is released at once.
 */
export async function withLoadBounds(bounds: LoadBounds, callbacks: Callbacks, acquire: (callbacks: Callbacks) => Promise<EngineHandle>): Promise<EngineHandle> {
  abortedBeforeStart(bounds.signal);
  if (bounds.signal === undefined && bounds.loadTimeoutMs === undefined) return acquire(callbacks);
  let fail: (e: GazecastError) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const watch = watchLoad(bounds, callbacks.onProgress, (e) => fail(e), 'starting the model');
  const acquiring = acquire({ ...callbacks, onProgress: watch.onProgress });
  try {
    const handle = await Promise.race([acquiring, failed]);
    const overdue = watch.overdue();
    if (overdue) throw overdue;
    return handle;
  } catch (e) {
    void acquiring.then((late) => late.close(), () => undefined);
    throw e;
  } finally {
    watch.dispose();
    failed.catch(() => undefined);
  }
}

export async function startWorkerEngine(options: EngineLoadOptions, callbacks: Callbacks, bounds: LoadBounds = {}): Promise<EngineHandle> {
  abortedBeforeStart(bounds.signal);
  const worker = bounds.createWorker?.() ?? new Worker(new URL('../worker/model.worker.ts', import.meta.url), { type: 'module', name: 'gazecast-model' });
  const remote: Remote<WorkerApi> = wrap<WorkerApi>(worker);
  /** rejections of every call still waiting for the worker */
  const pending = new Set<(e: unknown) => void>();
  /** once set, the worker is gone and every call gets this error */
  let ended: unknown;
  const end = (reason: unknown): void => {
    if (ended) return;
    ended = reason;
    for (const reject of pending) reject(reason);
    pending.clear();
    worker.terminate(); // frees its WASM memory and GPU device for sure
    remote[releaseProxy]();
  };
  const call = <T>(send: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (ended) return reject(ended);
      pending.add(reject);
      revived(send())
        .then(resolve, reject)
        .finally(() => pending.delete(reject));
    });
  const withFrame = <T>(frame: EngineFrame, send: (f: EngineFrame) => Promise<T>): Promise<T> => {
    if (ended) {
      closeFrame(frame); // never sent, so never closed over there
      return Promise.reject(ended);
    }
    return call(() => send(transfer(frame, transferablesOf(frame))));
  };

  let loaded = false;
  // A worker whose script cannot be fetched, is blocked by the Content-Security-Policy or fails
  // to evaluate fires 'error' and never answers; after the load, errors are the calls' own.
  worker.addEventListener('error', (event: ErrorEvent) => {
    if (loaded) return;
    event.preventDefault();
    end(
      new GazecastError(
        'worker-failed',
        `The model worker could not start${event.message ? ` (${event.message})` : ''}. Serve its script from this page's origin as an ES module (Vite: worker.format 'es'), allow it in the Content-Security-Policy (worker-src 'self'), or use { worker: false }.`,
      ),
    );
  });
  const startMs = bounds.workerStartMs ?? WORKER_START_MS;
  const startTimer = setTimeout(
    () =>
      end(
        new GazecastError(
          'worker-failed',
          `The model worker did not answer within ${startMs / 1000} s of starting. Check that its script is served from this origin as an ES module (Vite: worker.format 'es'), or use { worker: false }.`,
        ),
      ),
    startMs,
  );
  const watch = watchLoad(bounds, callbacks.onProgress, end, 'starting the model worker');
  let info: ModelInfo;
  try {
    await call(() => remote.ping());
    clearTimeout(startTimer);
    info = await call(() =>
      remote.load(options, proxy(watch.onProgress), callbacks.onBackendChange ? proxy(callbacks.onBackendChange) : undefined),
    );
    loaded = true;
  } catch (e) {
    end(e);
    throw e;
  } finally {
    clearTimeout(startTimer);
    watch.dispose();
  }
  return {
    info,
    predict: (frame, request) => withFrame(frame, (f) => remote.predict(f, request)),
    // comlink's Remote type splits the union into Promise<A> | Promise<B>
    predictLatest: (frame, request, slot) => withFrame(frame, (f) => remote.predictLatest(f, request, slot) as Promise<LiveResult>),
    embed: (frame, request) => withFrame(frame, (f) => remote.embed(f, request)),
    prepareScanpathFrame: (frame, request) => withFrame(frame, (f) => remote.prepareScanpathFrame(f, request)),
    // the history is built for this one call: transferred, not copied
    scanpathStep: (request) => call(() => remote.scanpathStep(transfer(request, [request.history.buffer as ArrayBuffer]))),
    releaseScanpathFrames: (keys) => call(() => remote.releaseScanpathFrames(keys)),
    stats: () => call(() => remote.stats()),
    async close() {
      if (ended) return;
      // every call still waiting is answered now, not when (or if) the worker gets to it
      const closed = new GazecastError('closed', 'The predictor was closed.');
      for (const reject of pending) reject(closed);
      pending.clear();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // let the worker release its sessions (and GPU device) politely, but not for long
        await Promise.race([revived(remote.close()), new Promise<void>((r) => (timer = setTimeout(r, CLOSE_GRACE_MS)))]);
      } catch {
        // it is being terminated anyway
      } finally {
        clearTimeout(timer);
        end(closed);
      }
    },
  };
}

export async function startInThreadEngine(options: EngineLoadOptions, callbacks: Callbacks, bounds: LoadBounds = {}): Promise<EngineHandle> {
  abortedBeforeStart(bounds.signal);
  const cancel = new AbortController();
  let fail: (e: GazecastError) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  // the bounds cover the whole load, importing onnxruntime's module included
  const watch = watchLoad(
    bounds,
    callbacks.onProgress,
    (e) => {
      cancel.abort(e);
      fail(e);
    },
    'starting onnxruntime',
  );
  let creating: ReturnType<(typeof import('../worker/engine'))['PredictorEngine']['create']> | undefined;
  let engine: Awaited<NonNullable<typeof creating>>;
  try {
    // loaded on demand, so pages that use the worker do not pull onnxruntime into the main bundle
    const { PredictorEngine } = await Promise.race([import('../worker/engine'), failed]);
    creating = PredictorEngine.create(options, { ...callbacks, onProgress: watch.onProgress, signal: cancel.signal });
    engine = await Promise.race([creating, failed]);
    const overdue = watch.overdue();
    if (overdue) throw overdue;
  } catch (e) {
    // a session that opens after the caller gave up is closed, not leaked
    void creating?.then((late) => late.close(), () => undefined);
    throw e;
  } finally {
    watch.dispose();
  }
  return {
    get info() {
      return engine.info;
    },
    predict: (frame, request) => engine.predict(frame, request),
    predictLatest: (frame, request, slot) => engine.predictLatest(frame, request, slot),
    embed: (frame, request) => engine.embed(frame, request),
    prepareScanpathFrame: (frame, request) => engine.prepareScanpathFrame(frame, request),
    scanpathStep: (request) => engine.scanpathStep(request),
    releaseScanpathFrames: (keys) => engine.releaseScanpathFrames(keys),
    stats: () => engine.stats(),
    close: () => engine.close(),
  };
}
