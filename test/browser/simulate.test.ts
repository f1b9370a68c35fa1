/**
 * Virtual eye-tracking studies (predictor.simulate / simulateVideo) with the bundled model's
 * scanpath graph on WASM, in a worker and in-thread. VITE_TEST_SCANPATH_MODEL_URL points them at
 * another model folder with a `scanpath` section.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import type { Predictor } from '../../src/client/predictor-types';
import { densityFromLogDensity } from '../../src/core/decode';
import { isGazecastError } from '../../src/core/errors';
import { computeLetterbox } from '../../src/core/letterbox';
import { scanpathTiming } from '../../src/core/scanpath-io';
import { startFixation, writeHistoryRow } from '../../src/core/scanpath-sampling';
import type { StudyProgress } from '../../src/core/virtual-viewers';
import { PredictorEngine } from '../../src/worker/engine';
import { fixtureVideo, stillBitmap } from './helpers';

const SCANPATH_MODEL_URL: string = import.meta.env.VITE_TEST_SCANPATH_MODEL_URL ?? '/models/gazecast-mnv1-s8/';
/** Whether the model under test has its scanpath graph yet (the bundled one gains it with issue 13). */
const HAS_SCANPATH: boolean = (await (await fetch(new URL('manifest.json', new URL(SCANPATH_MODEL_URL, location.href)))).json()).scanpath !== undefined;
if (!HAS_SCANPATH) console.warn(`${SCANPATH_MODEL_URL} has no scanpath section: only its no-scanpath error is tested`);

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (isGazecastError(e)) return e.code;
    throw e;
  }
  return undefined;
}

/** Upper 0.001 quantile of chi-square with `df` degrees of freedom (Wilson-Hilferty). */
function chiSquareCritical(df: number): number {
  const z = 3.0902; // standard normal 0.999 quantile
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

describe.skipIf(!HAS_SCANPATH)('simulate on the bundled scanpath graph', () => {
  let worker: Predictor;
  let inThread: Predictor;

  beforeAll(async () => {
    worker = await createPredictor({ modelUrl: SCANPATH_MODEL_URL, backend: 'wasm' });
    inThread = await createPredictor({ modelUrl: SCANPATH_MODEL_URL, backend: 'wasm', worker: false });
  });
  afterAll(async () => {
    await worker?.close();
    await inThread?.close();
  });

  it('a seeded study is reproducible across runs and identical in the worker and in-thread', async () => {
    const options = { viewers: 40, durationMs: 3000, seed: 12345, profile: { tokens: { age: '18-24', gender: 'female' } } };
    const progress: StudyProgress[] = [];
    const a = await worker.simulate(await stillBitmap(), { ...options, onProgress: (p) => progress.push(p) });
    const b = await worker.simulate(await stillBitmap(), options);
    const c = await inThread.simulate(await stillBitmap(), options);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.seed).toBe(12345);
    expect(a.modelId).toBe(worker.model.manifest.id);
    expect(a.profile).toEqual({ age: '18-24', gender: 'female' });
    expect(a.viewers).toHaveLength(40);
    // another seed, another panel
    const d = await worker.simulate(await stillBitmap(), { ...options, seed: 54321 });
    expect(d.viewers).not.toEqual(a.viewers);

    const spec = worker.model.manifest.scanpath!;
    const timing = scanpathTiming(spec);
    for (const v of a.viewers) {
      expect(v.fixations.length).toBeGreaterThan(2); // about 3 s / (250 + 40) ms
      let onset = timing.startMs! + timing.saccadeMs!;
      for (const f of v.fixations) {
        expect(f.x).toBeGreaterThanOrEqual(0);
        expect(f.x).toBeLessThan(a.frame.width);
        expect(f.y).toBeGreaterThanOrEqual(0);
        expect(f.y).toBeLessThan(a.frame.height);
        expect(f.durationMs).toBeGreaterThan(0);
        expect(f.onsetMs).toBeCloseTo(onset, 6);
        onset = f.onsetMs + f.durationMs + timing.saccadeMs!;
      }
      expect(v.fixations.at(-1)!.onsetMs).toBeLessThan(3000);
      expect(onset).toBeGreaterThanOrEqual(3000);
    }
    // progress: steps count up to the end, the expected total never below them
    expect(progress.at(-1)).toMatchObject({ activeViewers: 0, viewers: 40 });
    expect(progress.at(-1)!.steps).toBe(progress.at(-1)!.expectedSteps);
    expect(progress.at(-1)!.steps).toBe(Math.max(...a.viewers.map((v) => v.fixations.length)));
    progress.forEach((p) => expect(p.expectedSteps).toBeGreaterThanOrEqual(p.steps));
  });

  it("first fixations follow the scanpath graph's density for the start (chi-square over 3,000 viewers)", async () => {
    const m = worker.model.manifest;
    const spec = m.scanpath!;
    const bitmap = await stillBitmap();
    const lb = computeLetterbox(bitmap.width, bitmap.height, m.input.width, m.input.height);
    // the graph's own density for every viewer's first fixation: history = the start fixation only
    const engine = await PredictorEngine.create({ modelUrl: new URL(SCANPATH_MODEL_URL, location.href).href, backend: 'wasm' });
    let density;
    try {
      await engine.prepareScanpathFrame(await stillBitmap(), { key: 1, frameWidth: bitmap.width, frameHeight: bitmap.height });
      const history = new Float32Array(spec.history * 3);
      writeHistoryRow(history, 0, spec.history, [startFixation(lb)]);
      const out = await engine.scanpathStep({ key: 1, rows: 1, history });
      density = densityFromLogDensity(out.logDensity, m.output.width, m.output.height, lb);
    } finally {
      await engine.close();
    }
    // one fixation per viewer: the viewing ends before anyone's second onset
    const timing = scanpathTiming(spec);
    const n = 3000;
    const study = await worker.simulate(bitmap, { viewers: n, seed: 7, durationMs: timing.startMs! + timing.saccadeMs! + 1 });
    const first = study.viewers.map((v) => v.fixations[0]!);
    expect(study.viewers.every((v) => v.fixations.length === 1)).toBe(true);
    // bins of 3x3 grid cells; bins expecting fewer than 5 fixations are pooled
    const B = 3;
    const bw = Math.ceil(density.width / B), bh = Math.ceil(density.height / B);
    const expected = new Float64Array(bw * bh);
    for (let i = 0; i < density.height; i++) for (let j = 0; j < density.width; j++) expected[Math.floor(i / B) * bw + Math.floor(j / B)]! += density.data[i * density.width + j]! * n;
    const binOf = (x: number, y: number): number => {
      const j = Math.min(density.width - 1, Math.floor((x - density.x0) / density.cellWidth));
      const i = Math.min(density.height - 1, Math.floor((y - density.y0) / density.cellHeight));
      return Math.floor(i / B) * bw + Math.floor(j / B);
    };
    const chiSquare = (counts: Float64Array, expectedCounts: Float64Array): { chi2: number; df: number } => {
      let chi2 = 0, bins = 0, poolE = 0, poolO = 0;
      for (let k = 0; k < expectedCounts.length; k++) {
        if (expectedCounts[k]! < 5) {
          poolE += expectedCounts[k]!;
          poolO += counts[k]!;
          continue;
        }
        chi2 += (counts[k]! - expectedCounts[k]!) ** 2 / expectedCounts[k]!;
        bins++;
      }
      if (poolE > 0) {
        chi2 += (poolO - poolE) ** 2 / Math.max(poolE, 1e-9);
        bins++;
      }
      return { chi2, df: bins - 1 };
    };
    const observed = new Float64Array(bw * bh);
    for (const f of first) observed[binOf(f.x, f.y)]!++;
    const fit = chiSquare(observed, expected);
    expect(fit.df).toBeGreaterThan(10);
    expect(fit.chi2, `chi-square ${fit.chi2.toFixed(1)} on ${fit.df} df`).toBeLessThan(chiSquareCritical(fit.df));
    // the same test rejects first fixations spread uniformly over the frame (it has the power to fail)
    const uniform = new Float64Array(bw * bh);
    for (let k = 0; k < n; k++) uniform[binOf(((k * 0.618034) % 1) * study.frame.width, ((k * 0.41421) % 1) * study.frame.height)]!++;
    expect(chiSquare(uniform, expected).chi2).toBeGreaterThan(chiSquareCritical(fit.df));
  });

  it('aborts between steps with code aborted, and before starting', async () => {
    const ctl = new AbortController();
    const steps: number[] = [];
    const code = await codeOf(
      worker.simulate(await stillBitmap(), {
        viewers: 50,
        seed: 1,
        signal: ctl.signal,
        onProgress: (p) => {
          steps.push(p.steps);
          if (p.steps === 1) ctl.abort();
        },
      }),
    );
    expect(code).toBe('aborted');
    expect(Math.max(...steps)).toBe(1);
    expect(await codeOf(inThread.simulate(await stillBitmap(), { signal: AbortSignal.abort() }))).toBe('aborted');
    // the engine still works afterwards
    expect((await worker.simulate(await stillBitmap(), { viewers: 2, seed: 3, durationMs: 500 })).viewers).toHaveLength(2);
  });

  it('rejects bad arguments with invalid-argument', async () => {
    const img = await stillBitmap();
    for (const viewers of [0, NaN, 1.5, -3, 1e9]) expect(await codeOf(worker.simulate(img, { viewers })), `viewers ${viewers}`).toBe('invalid-argument');
    for (const durationMs of [0, -1, NaN, Infinity]) expect(await codeOf(worker.simulate(img, { durationMs })), `durationMs ${durationMs}`).toBe('invalid-argument');
    expect(await codeOf(worker.simulate(img, { seed: -1 }))).toBe('invalid-argument');
    expect(await codeOf(worker.simulate(img, { profile: { tokens: { shoe: 'size' } } }))).toBe('unsupported-profile');
    img.close();
  });

  it('video: each fixation on the frame at its onset, reproducible, progress, the video left where it was', async () => {
    const video = await fixtureVideo();
    try {
      video.currentTime = 0.5;
      await new Promise((r) => video.addEventListener('seeked', r, { once: true }));
      const progress: StudyProgress[] = [];
      const options = { viewers: 12, seed: 99, range: { startMs: 200, endMs: 1700 } };
      const a = await worker.simulateVideo(video, { ...options, onProgress: (p) => progress.push(p) });
      expect(a.range).toEqual({ startMs: 200, endMs: 1700 });
      expect(a.durationMs).toBe(1500);
      expect(a.frame).toEqual({ width: video.videoWidth, height: video.videoHeight });
      expect(a.viewers.every((v) => v.fixations.length >= 2)).toBe(true);
      expect(a.viewers.every((v) => v.fixations.every((f) => f.onsetMs < 1500))).toBe(true);
      expect(progress.at(-1)).toMatchObject({ activeViewers: 0 });
      expect(video.currentTime).toBeCloseTo(0.5, 2);
      const b = await inThread.simulateVideo(video, options);
      expect(b).toEqual(a);
      const ctl = new AbortController();
      expect(await codeOf(worker.simulateVideo(video, { ...options, signal: ctl.signal, onProgress: () => ctl.abort() }))).toBe('aborted');
      expect(await codeOf(worker.simulateVideo(video, { range: { startMs: 500, endMs: 100 } }))).toBe('invalid-argument');
    } finally {
      video.remove();
    }
  });
});

/**
 * An in-thread predictor of the model under test, whose manifest.json is served edited by `edit`
 * (the model files are the real ones, next to it).
 */
async function withEditedManifest(edit: (m: Record<string, unknown>) => void, body: (p: Predictor) => Promise<void>): Promise<void> {
  const manifestUrl = new URL('manifest.json', new URL(SCANPATH_MODEL_URL, location.href)).href;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === manifestUrl) {
      const m = await (await original(input, init)).json();
      edit(m);
      return new Response(JSON.stringify(m), { headers: { 'content-type': 'application/json' } });
    }
    return original(input, init);
  };
  let p: Predictor | undefined;
  try {
    p = await createPredictor({ modelUrl: SCANPATH_MODEL_URL, backend: 'wasm', worker: false, cache: false, share: false });
    await body(p);
  } finally {
    globalThis.fetch = original;
    await p?.close();
  }
}

describe('scanpath graphs that cannot run', () => {
  it('a model without a scanpath section: code no-scanpath, naming the model', async () => {
    // (the bundled model before it has one is served as it is)
    await withEditedManifest(
      (m) => delete m.scanpath,
      async (p) => {
        expect(p.model.manifest.scanpath).toBeUndefined();
        const err = await p.simulate(await stillBitmap()).catch((e: unknown) => e);
        expect(isGazecastError(err, 'no-scanpath')).toBe(true);
        expect((err as Error).message).toContain(p.model.manifest.id);
      },
    );
  });

  it('a scanpath file that does not match its sha256: code model-integrity, naming the file, before any step', async () => {
    await withEditedManifest(
      (m) => {
        // a real file of the folder under a wrong hash (the bundled model's own scanpath.onnx once it has one)
        const files = m.files as { path: string; bytes: number }[];
        const sp = (m.scanpath as { path: string; bytes: number } | undefined) ?? files[0]!;
        m.scanpath = {
          path: sp.path,
          bytes: sp.bytes,
          sha256: '0'.repeat(64),
          history: 4,
          inputs: { image: 'image', tokens: 'profile_tokens', embedding: 'user_embedding', history: 'history' },
          outputs: { density: 'next_log_density' },
        };
        delete (m.output as { features?: string }).features;
      },
      async (p) => {
        const steps: number[] = [];
        const err = await p.simulate(await stillBitmap(), { onProgress: (s) => steps.push(s.steps) }).catch((e: unknown) => e);
        expect(isGazecastError(err, 'model-integrity'), String(err)).toBe(true);
        expect((err as Error).message).toContain(p.model.manifest.scanpath!.path);
        expect(Math.max(...steps)).toBe(0);
      },
    );
  });
});
