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
import type { PlainTensor } from '../core/model-io';

type Ort = typeof OrtNode;

export interface SessionOptions {
  readonly intraOpThreads: number;
}

/** A tensor as it crosses to a runner. */

export interface RunResult {
  readonly data: Float32Array;
  readonly dims: readonly number[];
  /** time in session.run, ms */
  readonly ms: number;
}

/** Several outputs of one run (the scanpath graph's density and duration). */
export interface RunOutputs {
  readonly outputs: Readonly<Record<string, { readonly data: Float32Array; readonly dims: readonly number[] }>>;
  /** time in session.run, ms */
  readonly ms: number;
}

export interface SessionRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** runs for one output (only it is fetched: a graph's other outputs are not copied out) */
  run(feeds: Readonly<Record<string, PlainTensor>>, output: string): Promise<RunResult>;
  runOutputs(feeds: Readonly<Record<string, PlainTensor>>, outputs: readonly string[]): Promise<RunOutputs>;
  release(): Promise<void>;
}

/** `run` in terms of `runOutputs`: one implementation of a run per runner. */
function runOne(runner: Pick<SessionRunner, 'runOutputs'>, feeds: Readonly<Record<string, PlainTensor>>, output: string): Promise<RunResult> {
  return runner.runOutputs(feeds, [output]).then(({ outputs, ms }) => ({ data: outputs[output]!.data, dims: outputs[output]!.dims, ms }));
}

/** Missing outputs as the model's fault, named. */
function missingOutput(wanted: readonly string[], outputNames: readonly string[]): string | undefined {
  const missing = wanted.find((n) => !outputNames.includes(n));
  return missing === undefined ? undefined : `The model has no output "${missing}" (its outputs are ${JSON.stringify(outputNames)}).`;
}

/**
 * A pool of runners: a free one, or the next one released. The engine keeps one for the main
 * graph and one for the scanpath graph, so several images (or studies) use every core.
 */
export class RunnerPool {
  readonly runners: readonly SessionRunner[];
  readonly #free: SessionRunner[];
  readonly #waiting: ((s: SessionRunner) => void)[] = [];

  constructor(runners: readonly SessionRunner[]) {
    this.runners = runners;
    this.#free = [...runners];
  }

  acquire(): Promise<SessionRunner> {
    const s = this.#free.pop();
    return s ? Promise.resolve(s) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(s: SessionRunner): void {
    const next = this.#waiting.shift();
    if (next) next(s);
    else this.#free.push(s);
  }

  /** Runs `fn` on a free runner. */
  async with<T>(fn: (s: SessionRunner) => Promise<T>): Promise<T> {
    const s = await this.acquire();
    try {
      return await fn(s);
    } finally {
      this.release(s);
    }
  }

  /** Releases every runner once the running calls finish. */
  async close(): Promise<void> {
    const all = await Promise.all(this.runners.map(() => this.acquire()));
    await Promise.allSettled(all.map((s) => s.release()));
  }
}

/** `count` runners of one graph: on the calling thread for one, each on its own worker thread for more. */
export async function openRunners(ort: Ort, bytes: Uint8Array, path: string, count: number, o: SessionOptions): Promise<SessionRunner[]> {
  if (count <= 1) return [await mainThreadRunner(ort, bytes, path, o)];
  const settled = await Promise.allSettled(Array.from({ length: count }, () => workerRunner(bytes, path, o)));
  const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(opened.map((s) => s.release()));
    throw failed.reason;
  }
  return opened;
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
  const runner: SessionRunner = {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run: (feeds, output) => runOne(runner, feeds, output),
    async runOutputs(feeds, wanted) {
      const missing = missingOutput(wanted, session.outputNames);
      if (missing) throw new GazecastError('manifest-invalid', missing);
      const tensors = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
      const t0 = performance.now();
      const results = await session.run(tensors, [...wanted]);
      const ms = performance.now() - t0;
      const outputs = Object.fromEntries(wanted.map((n) => [n, { data: results[n]!.data as Float32Array, dims: results[n]!.dims }]));
      return { outputs, ms };
    },
    release: () => session.release(),
  };
  return runner;
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
        const results = await session.run(feeds, m.outputs);
        const ms = performance.now() - t0;
        const outputs = {};
        for (const name of m.outputs) outputs[name] = { data: results[name].data, dims: results[name].dims };
        parentPort.postMessage({ type: 'result', id: m.id, outputs, ms });
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
  | { type: 'result'; id: number; outputs?: RunOutputs['outputs']; ms?: number; error?: string };

/** A session on its own worker thread. */
export async function workerRunner(bytes: Uint8Array, path: string, o: SessionOptions): Promise<SessionRunner> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ort: ortPath, bytes, options: ortSessionOptions(o) } });
  const pending = new Map<number, { resolve: (r: RunOutputs) => void; reject: (e: unknown) => void }>();
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
        else p.resolve({ outputs: m.outputs!, ms: m.ms! });
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
  const runner: SessionRunner = {
    inputNames: names.inputNames,
    outputNames: names.outputNames,
    run: (feeds, output) => runOne(runner, feeds, output),
    runOutputs(feeds, wanted) {
      if (dead) return Promise.reject(new GazecastError('backend-failed', `The onnxruntime-node worker stopped: ${dead.message}`));
      const missing = missingOutput(wanted, names.outputNames);
      if (missing) return Promise.reject(new GazecastError('manifest-invalid', missing));
      const id = nextId++;
      return new Promise<RunOutputs>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'run', id, feeds, outputs: [...wanted] });
      });
    },
    async release() {
      if (dead) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' });
      await exited;
    },
  };
  return runner;
}
