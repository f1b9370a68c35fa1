/**
 * The engine on onnxruntime-node (native CPU): the third home of `EngineApi`, beside the model
 * worker and the in-thread engine. It shares their pure parts from src/core — the letterbox, the
 * pixel normalisation, the profile encoding, the model checks, the decode into density and
 * points — so a prediction here is the browser's up to the kernels' arithmetic (the tests hold it
 * to the browser goldens).
 *
 * Differences, by design: frames arrive as RGBA pixels already scaled to the letterbox content
 * (the command line's decoders, sharp and ffmpeg, scale while decoding; Node has no canvas to do
 * it here); the model comes from a folder on disk (checked against its manifest like a download);
 * and several sessions may run at once (a pool, each on a worker thread: session-runners.ts).
 *
 * The scanpath half (ScanpathEngineApi) is the worker engine's, on these sessions: a frame is
 * prepared once (the main graph's `output.features` with the population profile, or the image
 * tensor), and each step is one batched call of the scanpath graph, whose file is read and checked
 * (bytes, sha256) like the model's. The stepping itself is core/virtual-viewers.ts (study.ts here).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as OrtNode from 'onnxruntime-node';
import type { Letterbox } from '../core/letterbox';
import { GazecastError, isGazecastError } from '../core/errors';
import { channelAffine, pixelsToInputTensor, type ChannelAffine } from '../core/input-tensor';
import { chooseModelFile, parseManifestText, type ModelFile, type ModelManifest } from '../core/manifest';
import { checkLogDensity, checkModelNames, letterboxFor, mainGraphFeeds, predictionFrom, verifyModelBytes } from '../core/model-io';
import { checkScanpathNames, requireScanpath, scanpathStepFeeds, scanpathStepResult } from '../core/scanpath-io';
import { fixationDensity } from '../core/personal/fixation-density';
import type { Prediction } from '../core/prediction-types';
import { encodeProfile } from '../core/profile';
import type {
  EmbedRequest,
  EngineApi,
  EngineFrame,
  EngineStats,
  LiveResult,
  PredictRequest,
  ScanpathEngineApi,
  ScanpathFrameRequest,
  ScanpathStepRequest,
  ScanpathStepResult,
} from '../core/runtime-types';
import { mainThreadRunner, openRunners, RunnerPool, type SessionRunner } from './session-runners';

type Ort = typeof OrtNode;

export interface NativeEngineOptions {
  /** folder holding manifest.json and the files it lists */
  readonly modelDir: string;
  /** file precision, e.g. 'fp32'; default: the file WASM runs by default (the same graph as the browser) */
  readonly precision?: string;
  /** sessions run in parallel, each on its own worker thread when more than one (default 1) */
  readonly sessions?: number;
  /** onnxruntime intra-op threads per session (default 1) */
  readonly intraOpThreads?: number;
}

export interface NativeModelInfo {
  readonly manifest: ModelManifest;
  readonly modelDir: string;
  readonly backend: 'native';
  readonly file: string;
  readonly precision: string;
  readonly sessions: number;
  readonly intraOpThreads: number;
  readonly loadMs: number;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** onnxruntime-node, an optional dependency of the package: a coded error when it is absent. */
export async function loadOrtNode(): Promise<Ort> {
  try {
    // require, not import(): onnxruntime-node is CommonJS, and a synchronous require also works
    // where a module was loaded through Vite's runner (the benchmark, scripts), which import() does not
    return createRequire(import.meta.url)('onnxruntime-node') as Ort;
  } catch (e) {
    throw new GazecastError(
      'dependency-missing',
      `onnxruntime-node could not be loaded (${message(e)}). The command line needs it: npm install onnxruntime-node (it is an optional dependency of gazecast; ONNXRUNTIME_NODE_INSTALL=skip skips its CUDA download, the CPU build is in the package).`,
      { cause: e },
    );
  }
}

/** Reads and checks a model folder's manifest; `file-not-found` when the folder has none. */
export async function readModelManifest(modelDir: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(join(modelDir, 'manifest.json'), 'utf8');
  } catch (e) {
    throw new GazecastError('file-not-found', `No model at ${modelDir}: ${join(modelDir, 'manifest.json')} cannot be read (${message(e)}). Give --model the folder that holds a gazecast model's manifest.json.`, { cause: e });
  }
  return parseManifestText(text);
}

/** Reads a file the manifest lists and checks its size and sha256 (`model-integrity`). */
async function readModelFile(modelDir: string, file: Pick<ModelFile, 'path' | 'bytes' | 'sha256'>): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(join(modelDir, file.path));
  } catch (e) {
    throw new GazecastError('file-not-found', `Model file ${file.path} listed in ${join(modelDir, 'manifest.json')} cannot be read (${message(e)}).`, { cause: e });
  }
  await verifyModelBytes(file, bytes);
  return bytes;
}

/** Frames the Node engine takes: RGBA pixels of the letterbox content (ImageData's shape). */
function rgbaOf(frame: EngineFrame): { data: ArrayLike<number>; width: number; height: number } {
  if (!('data' in frame)) {
    throw new GazecastError('frame-invalid', 'The Node engine takes RGBA pixels ({ data, width, height }, ImageData\'s shape), not an ImageBitmap or VideoFrame.');
  }
  return frame;
}

/** What the scanpath graph reads of a prepared frame: the main graph's features or the image (batch 1). */
interface ScanpathFrame {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export class NativeEngine implements EngineApi, ScanpathEngineApi {
  readonly #ort: Ort;
  readonly #manifest: ModelManifest;
  readonly #modelDir: string;
  readonly #file: ModelFile;
  readonly #affine: ChannelAffine;
  readonly #pool: RunnerPool;
  readonly #intraOpThreads: number;
  #encoder: Promise<SessionRunner> | undefined;
  /** the scanpath graph's sessions (as many as the main graph's), opened on the first study */
  #scanpath: Promise<RunnerPool> | undefined;
  readonly #scanpathFrames = new Map<number, ScanpathFrame>();
  #closed = false;
  #inferences = 0;
  #lastMs = 0;
  #loadMs = 0;

  private constructor(ort: Ort, manifest: ModelManifest, modelDir: string, file: ModelFile, sessions: SessionRunner[], intraOpThreads: number) {
    this.#ort = ort;
    this.#manifest = manifest;
    this.#modelDir = modelDir;
    this.#file = file;
    this.#affine = channelAffine(manifest.input.mean, manifest.input.std);
    this.#pool = new RunnerPool(sessions);
    this.#intraOpThreads = intraOpThreads;
  }

  static async create(options: NativeEngineOptions): Promise<NativeEngine> {
    const t0 = performance.now();
    const ort = await loadOrtNode();
    const manifest = await readModelManifest(options.modelDir);
    const file = chooseModelFile(manifest, 'wasm', options.precision);
    if (options.precision !== undefined && file.precision !== options.precision) {
      throw new GazecastError('manifest-invalid', `Model ${manifest.id} has no "${options.precision}" file (it has ${manifest.files.map((f) => f.precision).join(', ')}).`);
    }
    const bytes = await readModelFile(options.modelDir, file);
    const count = Math.max(1, Math.floor(options.sessions ?? 1));
    const intraOpThreads = Math.max(1, Math.floor(options.intraOpThreads ?? 1));
    const sessions = await openRunners(ort, bytes, file.path, count, { intraOpThreads });
    try {
      checkModelNames(manifest, sessions[0]!.inputNames, sessions[0]!.outputNames);
    } catch (e) {
      await Promise.allSettled(sessions.map((s) => s.release()));
      throw e;
    }
    const engine = new NativeEngine(ort, manifest, options.modelDir, file, sessions, intraOpThreads);
    engine.#loadMs = performance.now() - t0;
    return engine;
  }

  get info(): NativeModelInfo {
    return {
      manifest: this.#manifest,
      modelDir: this.#modelDir,
      backend: 'native',
      file: this.#file.path,
      precision: this.#file.precision,
      sessions: this.#pool.runners.length,
      intraOpThreads: this.#intraOpThreads,
      loadMs: this.#loadMs,
    };
  }

  #assertOpen(): void {
    if (this.#closed) throw new GazecastError('closed', 'The predictor was closed.');
  }

  /** `frame` holds the letterbox content of a frame of request.frameWidth x request.frameHeight. */
  async predict(frame: EngineFrame, request: PredictRequest): Promise<Prediction> {
    this.#assertOpen();
    const m = this.#manifest;
    const lb = letterboxFor(m, request.frameWidth, request.frameHeight);
    const profile = encodeProfile(m.profile, request.profile);
    const feeds = mainGraphFeeds(m, this.#imageTensor(frame, lb, request.frameWidth, request.frameHeight), profile);
    let out: { data: Float32Array; dims: readonly number[]; ms: number };
    try {
      out = await this.#pool.with((session) => {
        this.#assertOpen();
        return session.run(feeds, m.output.name);
      });
    } catch (e) {
      throw isGazecastError(e) ? e : new GazecastError('backend-failed', `Inference failed on onnxruntime-node: ${message(e)}`, { cause: e });
    }
    const { data: log, ms } = out;
    checkLogDensity(m, out.dims, log, 'onnxruntime-node');
    this.#inferences++;
    this.#lastMs = ms;
    return predictionFrom(m, log, lb, request, 'native', ms);
  }

  /** No live video in Node: every frame is predicted (none is dropped). */
  async predictLatest(frame: EngineFrame, request: PredictRequest): Promise<LiveResult> {
    return { status: 'done', prediction: await this.predict(frame, request) };
  }

  async embed(frame: EngineFrame, request: EmbedRequest): Promise<Float32Array> {
    this.#assertOpen();
    const m = this.#manifest;
    const enc = m.encoder;
    if (!enc) throw new GazecastError('manifest-invalid', `manifest.json: \`encoder\` is absent, so model ${m.id} cannot embed a viewer.`);
    const lb = letterboxFor(m, request.frameWidth, request.frameHeight);
    const grid = { inputWidth: m.input.width, inputHeight: m.input.height, outputWidth: m.output.width, outputHeight: m.output.height };
    const fixations = fixationDensity(grid, request.frameWidth, request.frameHeight, request.fixations);
    const pixels = rgbaOf(frame);
    if (pixels.width !== lb.width || pixels.height !== lb.height) {
      throw new GazecastError('frame-invalid', `The Node engine takes the frame scaled to its letterbox content, ${lb.width}x${lb.height}; it got ${pixels.width}x${pixels.height}.`);
    }
    this.#encoder ??= readModelFile(this.#modelDir, enc).then((bytes) => mainThreadRunner(this.#ort, bytes, enc.path, { intraOpThreads: this.#intraOpThreads }));
    const session = await this.#encoder;
    if (!session.outputNames.includes(enc.output)) {
      throw new GazecastError('manifest-invalid', `manifest.json: \`encoder.output\` is "${enc.output}" but the encoder's outputs are ${JSON.stringify(session.outputNames)}.`);
    }
    const out = await session.run({
      [enc.inputs.image]: { type: 'float32', data: pixelsToInputTensor(pixels.data, 4, lb, m.input, this.#affine), dims: [1, 3, m.input.height, m.input.width] },
      [enc.inputs.fixations]: { type: 'float32', data: fixations, dims: [1, 1, m.output.height, m.output.width] },
    }, enc.output);
    return Float32Array.from(out.data);
  }

  /** `frame` is the letterbox content of the frame (as for predict) */
  #imageTensor(frame: EngineFrame, lb: Letterbox, frameWidth: number, frameHeight: number): Float32Array {
    const m = this.#manifest;
    const pixels = rgbaOf(frame);
    if (pixels.width !== lb.width || pixels.height !== lb.height) {
      throw new GazecastError('frame-invalid', `The Node engine takes the frame scaled to its letterbox content, ${lb.width}x${lb.height} for a ${frameWidth}x${frameHeight} frame; it got ${pixels.width}x${pixels.height}.`);
    }
    return pixelsToInputTensor(pixels.data, 4, lb, m.input, this.#affine);
  }

  /** The scanpath sessions: the file read and checked (bytes, sha256) like the model's, opened once. */
  #scanpathPool(): Promise<RunnerPool> {
    this.#scanpath ??= (async () => {
      const spec = requireScanpath(this.#manifest);
      const bytes = await readModelFile(this.#modelDir, spec);
      const runners = await openRunners(this.#ort, bytes, spec.path, this.#pool.runners.length, { intraOpThreads: this.#intraOpThreads });
      try {
        checkScanpathNames(spec, runners[0]!.inputNames, runners[0]!.outputNames);
      } catch (e) {
        await Promise.allSettled(runners.map((r) => r.release()));
        throw e;
      }
      return new RunnerPool(runners);
    })();
    // a failure is not cached: the next study tries again (and fails with the same coded error)
    this.#scanpath.catch(() => (this.#scanpath = undefined));
    return this.#scanpath;
  }

  /** Opens the scanpath sessions now (the command line checks the model before any image): `no-scanpath`, `model-integrity`, … */
  async openScanpath(): Promise<void> {
    this.#assertOpen();
    await this.#scanpathPool();
  }

  async prepareScanpathFrame(frame: EngineFrame, request: ScanpathFrameRequest): Promise<void> {
    this.#assertOpen();
    const m = this.#manifest;
    const spec = requireScanpath(m);
    const image = this.#imageTensor(frame, letterboxFor(m, request.frameWidth, request.frameHeight), request.frameWidth, request.frameHeight);
    await this.#scanpathPool(); // a missing or damaged file fails here, before any step
    let prepared: ScanpathFrame = { data: image, dims: [1, 3, m.input.height, m.input.width] };
    const features = spec.inputs.features !== undefined ? m.output.features : undefined;
    if (spec.inputs.features !== undefined && features === undefined) {
      throw new GazecastError('manifest-invalid', `manifest.json: \`scanpath.inputs.features\` is set but \`output.features\` is absent, so model ${m.id} cannot feed its scanpath graph.`);
    }
    if (features !== undefined) {
      // the contract's rule (as the worker engine): features with the population profile, all-zero tokens and embedding
      const feeds = mainGraphFeeds(m, image);
      try {
        const out = await this.#pool.with((session) => session.run(feeds, features));
        prepared = { data: Float32Array.from(out.data), dims: [...out.dims] };
      } catch (e) {
        throw isGazecastError(e) ? e : new GazecastError('backend-failed', `The main graph's features failed on onnxruntime-node: ${message(e)}`, { cause: e });
      }
    }
    this.#assertOpen();
    this.#scanpathFrames.set(request.key, prepared);
  }

  async scanpathStep(request: ScanpathStepRequest): Promise<ScanpathStepResult> {
    this.#assertOpen();
    const m = this.#manifest;
    const step = scanpathStepFeeds(m, this.#scanpathFrames.get(request.key), request);
    const pool = await this.#scanpathPool();
    let out;
    try {
      out = await pool.with((session) => {
        this.#assertOpen();
        return session.runOutputs(step.feeds, step.outputs);
      });
    } catch (e) {
      throw isGazecastError(e) ? e : new GazecastError('backend-failed', `The scanpath graph failed on onnxruntime-node: ${message(e)}`, { cause: e });
    }
    return scanpathStepResult(m, out.outputs, request.rows, 'onnxruntime-node', out.ms);
  }

  async releaseScanpathFrames(keys?: readonly number[]): Promise<void> {
    if (!keys) this.#scanpathFrames.clear();
    else for (const k of keys) this.#scanpathFrames.delete(k);
  }

  async stats(): Promise<EngineStats> {
    return { backend: 'native', inferences: this.#inferences, droppedFrames: 0, lastInferenceMs: this.#lastMs };
  }

  /** Releases the sessions once the running inferences finish. Later calls fail with code 'closed'. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const encoder = this.#encoder;
    const scanpath = this.#scanpath;
    this.#encoder = undefined;
    this.#scanpath = undefined;
    this.#scanpathFrames.clear();
    await Promise.allSettled([this.#pool.close(), encoder?.then((s) => s.release()), scanpath?.then((p) => p.close())]);
  }
}
