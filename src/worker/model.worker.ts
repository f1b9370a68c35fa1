/**
 * The model worker. Its API is the engine's, exposed with comlink; the main thread imports only
 * the type (`WorkerApi`), so the two sides cannot drift apart. Frames arrive transferred and are
 * closed by the engine; the density of each prediction is transferred back.
 */
import { expose, transfer } from 'comlink';
import { GazecastError } from '../core/errors';
import type { BackendChange, EmbedRequest, EngineFrame, EngineLoadOptions, LiveResult, LoadProgress, PredictRequest } from '../core/runtime-types';
import { isMisbundledThread, watchForMisbundledThreads } from './bundle-check';
import type { ScanpathFrameRequest, ScanpathStepRequest } from '../core/runtime-types';
import { PredictorEngine } from './engine';

function createWorkerApi() {
  // one engine per worker: the worker is created for one predictor and ends with it
  let engine: PredictorEngine | undefined;
  const loaded = (): PredictorEngine => {
    if (!engine) throw new GazecastError('closed', 'The model is not loaded (call load first) or the predictor was closed.');
    return engine;
  };
  return {
    /** answers as soon as the worker's module has run: the main thread's proof that it started */
    async ping(): Promise<true> {
      return true;
    },
    async load(options: EngineLoadOptions, onProgress?: (p: LoadProgress) => void, onBackendChange?: (c: BackendChange) => void) {
      if (engine) throw new GazecastError('backend-failed', 'This worker already has a model loaded.');
      // a bundling that would leave onnxruntime's threads hanging is reported, not waited on
      const misbundled = watchForMisbundledThreads();
      try {
        engine = await Promise.race([
          PredictorEngine.create(options, {
            ...(onProgress ? { onProgress } : {}),
            ...(onBackendChange ? { onBackendChange } : {}),
          }),
          misbundled.failure,
        ]);
      } finally {
        misbundled.stop();
      }
      return engine.info;
    },
    async info() {
      return loaded().info;
    },
    async predict(frame: EngineFrame, request: PredictRequest) {
      const p = await loaded().predict(frame, request);
      return transfer(p, [p.density.data.buffer]);
    },
    async predictLatest(frame: EngineFrame, request: PredictRequest, slot?: number): Promise<LiveResult> {
      const r = await loaded().predictLatest(frame, request, slot);
      return r.status === 'done' ? transfer(r, [r.prediction.density.data.buffer]) : r;
    },
    async embed(frame: EngineFrame, request: EmbedRequest) {
      const e = await loaded().embed(frame, request);
      return transfer(e, [e.buffer]);
    },
    async prepareScanpathFrame(frame: EngineFrame, request: ScanpathFrameRequest) {
      return loaded().prepareScanpathFrame(frame, request);
    },
    async scanpathStep(request: ScanpathStepRequest) {
      const r = await loaded().scanpathStep(request);
      return transfer(r, r.logDuration ? [r.logDensity.buffer, r.logDuration.buffer] : [r.logDensity.buffer]);
    },
    async releaseScanpathFrames(keys?: readonly number[]) {
      return loaded().releaseScanpathFrames(keys);
    },
    async stats() {
      return loaded().stats();
    },
    async close() {
      await engine?.close();
      engine = undefined;
    },
  };
}

const api = createWorkerApi();
// this file runs as one of onnxruntime's WASM threads only when misbundled (see bundle-check.ts)
if (!isMisbundledThread()) expose(api);
export type WorkerApi = typeof api;
