/**
 * Where the Node engine's onnxruntime sessions run. onnxruntime-node's `session.run` is
 * synchronous on the calling thread (its promise only defers the call with setImmediate), so
 * several sessions on the main thread take turns and use one core. To use every core the pool
 * puts each session on its own worker thread; with one session it stays on the main thread
 * (no messaging, and image decoding still overlaps it on libuv's threads).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type * as OrtNode from 'onnxruntime-node';
import { GazecastError } from '../core/errors';

type Ort = typeof OrtNode;

export interface SessionOptions {
  readonly intraOpThreads: number;
}

/** A tensor as it crosses to a runner. */
export interface FeedTensor {
  readonly type: 'float32' | 'int64';
  readonly data: Float32Array | BigInt64Array;
  readonly dims: readonly number[];
}

export interface RunResult {
  readonly data: Float32Array;
  readonly dims: readonly number[];
  /** time in session.run, ms */
  readonly ms: number;
}

export interface SessionRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, FeedTensor>>, output: string): Promise<RunResult>;
  release(): Promise<void>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function ortSessionOptions(o: SessionOptions): OrtNode.InferenceSession.SessionOptions {
  return { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: o.intraOpThreads, interOpNumThreads: 1, executionMode: 'sequential' };
}

function sessionFailed(path: string, e: unknown): GazecastError {
  return new GazecastError('backend-failed', `onnxruntime-node could not create a CPU session for ${path}: ${message(e)}`, { cause: e });
}

/** A session on the calling thread. */
export async function mainThreadRunner(ort: Ort, bytes: Uint8Array, path: string, o: SessionOptions): Promise<SessionRunner> {
  let session: OrtNode.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, ortSessionOptions(o));
  } catch (e) {
    throw sessionFailed(path, e);
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, output) {
      const tensors = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
      const t0 = performance.now();
      const results = await session.run(tensors);
      const ms = performance.now() - t0;
      const out = results[output];
      if (!out) throw new GazecastError('manifest-invalid', `The model has no output "${output}" (its outputs are ${JSON.stringify(Object.keys(results))}).`);
      return { data: out.data as Float32Array, dims: out.dims, ms };
    },
    release: () => session.release(),
  };
}

/**
 * The worker's program, CommonJS evaluated from this string (`eval: true`), so the same code runs
 * from the TypeScript sources (tests) and from the bundle, and needs no file of its own. It loads
 * onnxruntime-node from the path the main thread resolved, opens one session, and answers runs.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
const text = (e) => (e && e.message) || String(e);
ort.InferenceSession.create(workerData.bytes, workerData.options).then(
  (session) => {
    parentPort.postMessage({ type: 'ready', inputNames: session.inputNames, outputNames: session.outputNames });
    parentPort.on('message', async (m) => {
      if (m.type === 'close') {
        await session.release();
        parentPort.close();
        return;
      }
      try {
        const feeds = {};
        for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
        const t0 = performance.now();
        const results = await session.run(feeds);
        const ms = performance.now() - t0;
        const out = results[m.output];
        if (!out) throw new Error('the model has no output "' + m.output + '" (its outputs are ' + JSON.stringify(Object.keys(results)) + ')');
        parentPort.postMessage({ type: 'result', id: m.id, data: out.data, dims: out.dims, ms });
      } catch (e) {
        parentPort.postMessage({ type: 'result', id: m.id, error: text(e) });
      }
    });
  },
  (e) => parentPort.postMessage({ type: 'error', message: text(e) }),
);
`;

type WorkerMessage =
  | { type: 'ready'; inputNames: string[]; outputNames: string[] }
  | { type: 'error'; message: string }
  | { type: 'result'; id: number; data?: Float32Array; dims?: number[]; ms?: number; error?: string };

/** A session on its own worker thread. */
export async function workerRunner(bytes: Uint8Array, path: string, o: SessionOptions): Promise<SessionRunner> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ort: ortPath, bytes, options: ortSessionOptions(o) } });
  const pending = new Map<number, { resolve: (r: RunResult) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let dead: Error | undefined;
  const ready = new Promise<{ inputNames: string[]; outputNames: string[] }>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'error') reject(sessionFailed(path, new Error(m.message)));
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (!p) return;
        if (m.error !== undefined) p.reject(new GazecastError('backend-failed', `Inference failed on onnxruntime-node: ${m.error}`));
        else p.resolve({ data: m.data!, dims: m.dims!, ms: m.ms! });
      }
    });
    const fail = (e: Error): void => {
      dead = e;
      reject(sessionFailed(path, e));
      for (const p of pending.values()) p.reject(new GazecastError('backend-failed', `The onnxruntime-node worker stopped: ${e.message}`, { cause: e }));
      pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the worker exited (code ${code})`)));
  });
  let names;
  try {
    names = await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return {
    inputNames: names.inputNames,
    outputNames: names.outputNames,
    run(feeds, output) {
      if (dead) return Promise.reject(new GazecastError('backend-failed', `The onnxruntime-node worker stopped: ${dead.message}`));
      const id = nextId++;
      return new Promise<RunResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'run', id, feeds, output });
      });
    },
    async release() {
      if (dead) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' });
      await exited;
    },
  };
}
