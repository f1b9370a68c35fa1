/**
 * Where the engine runs: in a Web Worker behind comlink (default) or on this thread. Both give
 * the same `EngineHandle`, so the predictor code has one path ("one interface, two homes").
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { reviveError } from '../core/errors';
import type { BackendChange, EngineApi, EngineLoadOptions, LiveResult, LoadProgress, ModelInfo } from '../core/runtime-types';
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

/** Restores GazecastError (with its code) from what comlink carries across. */
function revived<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    throw reviveError(e);
  });
}

export async function startWorkerEngine(options: EngineLoadOptions, callbacks: Callbacks): Promise<EngineHandle> {
  const worker = new Worker(new URL('../worker/model.worker.ts', import.meta.url), { type: 'module', name: 'gazecast-model' });
  const remote: Remote<WorkerApi> = wrap<WorkerApi>(worker);
  const end = (): void => {
    remote[releaseProxy]();
    worker.terminate();
  };
  let info: ModelInfo;
  try {
    info = await revived(
      remote.load(
        options,
        callbacks.onProgress ? proxy(callbacks.onProgress) : undefined,
        callbacks.onBackendChange ? proxy(callbacks.onBackendChange) : undefined,
      ),
    );
  } catch (e) {
    end();
    throw e;
  }
  return {
    info,
    predict: (frame, request) => revived(remote.predict(transfer(frame, transferablesOf(frame)), request)),
    // comlink's Remote type splits the union into Promise<A> | Promise<B>
    predictLatest: (frame, request) => revived(remote.predictLatest(transfer(frame, transferablesOf(frame)), request) as Promise<LiveResult>),
    embed: (frame, request) => revived(remote.embed(transfer(frame, transferablesOf(frame)), request)),
    prepareScanpathFrame: (frame, request) => revived(remote.prepareScanpathFrame(transfer(frame, transferablesOf(frame)), request)),
    // the history is built for this one call: transferred, not copied
    scanpathStep: (request) => revived(remote.scanpathStep(transfer(request, [request.history.buffer as ArrayBuffer]))),
    releaseScanpathFrames: (keys) => revived(remote.releaseScanpathFrames(keys)),
    stats: () => revived(remote.stats()),
    async close() {
      try {
        await revived(remote.close());
      } finally {
        end(); // terminating the worker frees its WASM memory and GPU device for sure
      }
    },
  };
}

export async function startInThreadEngine(options: EngineLoadOptions, callbacks: Callbacks): Promise<EngineHandle> {
  // loaded on demand, so pages that use the worker do not pull onnxruntime into the main bundle
  const { PredictorEngine } = await import('../worker/engine');
  const engine = await PredictorEngine.create(options, callbacks);
  return {
    get info() {
      return engine.info;
    },
    predict: (frame, request) => engine.predict(frame, request),
    predictLatest: (frame, request) => engine.predictLatest(frame, request),
    embed: (frame, request) => engine.embed(frame, request),
    prepareScanpathFrame: (frame, request) => engine.prepareScanpathFrame(frame, request),
    scanpathStep: (request) => engine.scanpathStep(request),
    releaseScanpathFrames: (keys) => engine.releaseScanpathFrames(keys),
    stats: () => engine.stats(),
    close: () => engine.close(),
  };
}
