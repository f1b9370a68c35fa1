/**
 * One engine per model on a page. Predictors (and so `<gaze-overlay>` elements) that load the same
 * model with the same backend options share one engine: one worker, one download, one session.
 * Each gets a lease; the engine is closed when the last lease is. `share: false` opts out.
 *
 * Load progress and backend changes are fanned out to every lease holder. One that joins after
 * the load is told `ready` at once, so `onProgress` still ends with `ready` at 100 for everyone.
 * Stats (inference and dropped-frame counts) are the shared engine's. Each live session keeps its
 * own newest-frame slot on the engine (slot numbers are unique on the page), so live videos of
 * several holders take turns.
 */
import { GazecastError } from '../core/errors';
import { manifestUrlOf } from '../core/manifest';
import type { BackendChange, EngineLoadOptions, LoadProgress, ModelInfo } from '../core/runtime-types';
import type { EngineHandle } from './engine-home';

export interface EngineCallbacks {
  readonly onProgress?: (p: LoadProgress) => void;
  readonly onBackendChange?: (c: BackendChange) => void;
}

/** Where the engine runs; engines in different homes are never shared. */
export type EngineHome = 'worker' | 'thread';

interface SharedEngine {
  readonly key: string;
  readonly holders: Set<EngineCallbacks>;
  readonly handle: Promise<EngineHandle>;
  /** the loaded engine's info, with later backend changes applied */
  info: ModelInfo | undefined;
  /** leases taken, including those still waiting for the load */
  leases: number;
}

const engines = new Map<string, SharedEngine>();

/**
 * What makes two loads the same engine: the home, the model (folder and manifest URLs alike) and
 * every option that changes what the engine loads or how it runs. Callbacks, signals and time
 * bounds are per caller and do not count.
 */
export function sharingKey(home: EngineHome, o: EngineLoadOptions): string {
  return JSON.stringify([
    home,
    manifestUrlOf(o.modelUrl).href,
    o.backend ?? 'auto',
    o.precision ?? null,
    o.wasmThreads ?? null,
    o.cache ?? true,
    o.wasmPaths ?? null,
  ]);
}

/** Engines currently shared on this page (for tests and diagnostics). */
export function sharedEngineCount(): number {
  return engines.size;
}

/**
 * A lease on the engine for `key`, starting it with `start` when none is running or loading.
 * A failed load is not kept: every waiting caller gets its error and the next call starts anew.
 */
export async function acquireEngine(
  key: string,
  callbacks: EngineCallbacks,
  start: (fanOut: EngineCallbacks) => Promise<EngineHandle>,
): Promise<EngineHandle> {
  let shared = engines.get(key);
  const joinedLoaded = shared?.info !== undefined;
  if (!shared) shared = startShared(key, start);
  const engine = shared;
  engine.leases++;
  engine.holders.add(callbacks);
  let handle: EngineHandle;
  try {
    handle = await engine.handle;
  } catch (e) {
    engine.leases--;
    engine.holders.delete(callbacks);
    throw e;
  }
  if (joinedLoaded) callbacks.onProgress?.({ status: 'ready', backend: engine.info!.backend, progress: 100 });
  return lease(engine, callbacks, handle);
}

function startShared(key: string, start: (fanOut: EngineCallbacks) => Promise<EngineHandle>): SharedEngine {
  const holders = new Set<EngineCallbacks>();
  const fanOut: EngineCallbacks = {
    onProgress: (p) => {
      for (const h of holders) h.onProgress?.(p);
    },
    onBackendChange: (c) => {
      if (shared.info) shared.info = { ...shared.info, backend: c.to };
      for (const h of holders) h.onBackendChange?.(c);
    },
  };
  const shared: SharedEngine = {
    key,
    holders,
    leases: 0,
    info: undefined,
    handle: start(fanOut).then(
      (h) => {
        shared.info = h.info;
        return h;
      },
      (e: unknown) => {
        if (engines.get(key) === shared) engines.delete(key);
        throw e;
      },
    ),
  };
  engines.set(key, shared);
  return shared;
}

/** The engine as one holder sees it: closing ends this lease, and the engine with the last one. */
function lease(shared: SharedEngine, callbacks: EngineCallbacks, handle: EngineHandle): EngineHandle {
  let open = true;
  const assertOpen = (): void => {
    if (!open) throw new GazecastError('closed', 'The predictor was closed.');
  };
  return {
    get info() {
      return shared.info ?? handle.info;
    },
    predict: async (frame, request) => (assertOpen(), handle.predict(frame, request)),
    // the live session's own slot: two holders' live videos take turns instead of dropping each other's frames
    predictLatest: async (frame, request, slot) => (assertOpen(), handle.predictLatest(frame, request, slot)),
    embed: async (frame, request) => (assertOpen(), handle.embed(frame, request)),
    // frame keys are unique per page (predictor.ts), so two holders' studies never mix frames
    prepareScanpathFrame: async (frame, request) => (assertOpen(), handle.prepareScanpathFrame(frame, request)),
    scanpathStep: async (request) => (assertOpen(), handle.scanpathStep(request)),
    releaseScanpathFrames: async (keys) => (assertOpen(), handle.releaseScanpathFrames(keys)),
    stats: async () => (assertOpen(), handle.stats()),
    async close() {
      if (!open) return;
      open = false;
      shared.holders.delete(callbacks);
      shared.leases--;
      if (shared.leases > 0) return;
      if (engines.get(shared.key) === shared) engines.delete(shared.key);
      await handle.close();
    },
  };
}
