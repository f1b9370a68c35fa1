/**
 * The real model through the whole predictor on WASM (in a worker and in-thread), checked against
 * onnxruntime-node's golden outputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import { PredictorEngine } from '../../src/worker/engine';
import { defaultWasmThreads } from '../../src/worker/backend';
import type { Predictor } from '../../src/client/predictor-types';
import { isGazecastError } from '../../src/core/errors';
import type { Prediction } from '../../src/core/prediction-types';
import type { LoadProgress } from '../../src/core/runtime-types';
import {
  MODEL_URL,
  collect,
  correlation,
  expectPointsMatch,
  fixtureVideo,
  golden,
  goldenCase,
  goldenDensity,
  stillBitmap,
  stillImage,
} from './helpers';

describe('predictor on WASM in a worker', () => {
  let predictor: Predictor;
  const progress: LoadProgress[] = [];

  beforeAll(async () => {
    predictor = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', onProgress: (p) => progress.push(p) });
  });
  afterAll(() => predictor?.close());

  it('reports load progress as a tagged union that never goes backwards and ends ready at 100', () => {
    expect(progress.length).toBeGreaterThan(3);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThanOrEqual(progress[i - 1]!.progress);
    expect(progress.at(-1)).toEqual({ status: 'ready', backend: 'wasm', progress: 100 });
    expect(progress.filter((p) => p.status === 'ready')).toHaveLength(1);
    expect(progress.some((p) => p.status === 'done' && p.file === predictor.model.file)).toBe(true);
    expect(predictor.model.precision).toBe('int8-weights');
    // the page is cross-origin isolated (vite.config headers), so WASM runs multi-threaded by
    // default (the counts per core number: test/unit/backend.test.ts)
    expect(crossOriginIsolated).toBe(true);
    expect(predictor.model.wasmThreads).toBe(defaultWasmThreads());
    if (navigator.hardwareConcurrency > 1) expect(predictor.model.wasmThreads).toBeGreaterThan(1);
  });

  it('matches onnxruntime-node on the still, for every golden profile', async () => {
    const g = await golden();
    for (const c of g.cases.filter((x) => x.media.endsWith('.png') && x.precision === predictor.model.precision)) {
      const p = await predictor.predict(await stillBitmap(), { profile: c.profile });
      expect(p.backend).toBe('wasm');
      expect([p.frameWidth, p.frameHeight]).toEqual([c.frameWidth, c.frameHeight]);
      // the still is at the model's input size: the very same pixels as in Node, so only
      // floating-point differences between onnxruntime builds remain
      const { width, height } = predictor.model.manifest.input;
      const exact = c.frameWidth === width && c.frameHeight === height;
      const r = correlation(p.density.data, (await goldenDensity(c)).data);
      expect(r, c.name).toBeGreaterThanOrEqual(exact ? 0.999 : 0.99);
      expectPointsMatch(p, c.points, exact ? 0.01 : 0.02, exact ? 0.01 : 0.03);
    }
  });

  it('gives the same answer for every kind of frame source', async () => {
    const bitmapResult = await predictor.predict(await stillBitmap());
    const img = await stillImage();
    const [w, h] = [img.naturalWidth, img.naturalHeight];
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [w, h];
    canvas.getContext('2d')!.drawImage(img, 0, 0);
    const imageData = canvas.getContext('2d')!.getImageData(0, 0, w, h);
    const frame = new VideoFrame(await stillBitmap(), { timestamp: 0 });
    const offscreen = new OffscreenCanvas(w, h);
    offscreen.getContext('2d')!.drawImage(img, 0, 0);
    for (const source of [img, canvas, imageData, frame, offscreen]) {
      const p = await predictor.predict(source);
      expect(correlation(p.density.data, bitmapResult.density.data)).toBeGreaterThan(0.999);
    }
  });

  it('transfers ImageBitmap and VideoFrame sources (detached) and closes them', async () => {
    const bitmap = await stillBitmap();
    const frame = new VideoFrame(await stillBitmap(), { timestamp: 0 });
    await predictor.predict(bitmap);
    await predictor.predict(frame);
    expect(bitmap.width).toBe(0); // a transferred ImageBitmap is detached
    expect(frame.format).toBeNull(); // a transferred VideoFrame is closed on this side
    const reused = await predictor.predict(bitmap).catch((e: unknown) => e);
    expect(isGazecastError(reused, 'frame-invalid')).toBe(true);
  });

  it('rejects an unknown profile key with the supported keys and values', async () => {
    const e = await predictor.predict(await stillBitmap(), { profile: { tokens: { shoeSize: '44' } } }).catch((x: unknown) => x);
    expect(isGazecastError(e, 'unsupported-profile')).toBe(true);
    const slot = predictor.model.manifest.profile.tokens.slots[0]!;
    expect((e as Error).message).toContain(`${slot.key}: ${slot.values.join(', ')}`);
  });

  it('embeds a viewer from their fixations like onnxruntime-node, and averages several viewings', async () => {
    const g = await golden();
    if (!g.encoder) return; // this model has no encoder
    const [a, b] = g.encoder;
    const ea = await predictor.embed(await stillBitmap(), a!.fixations);
    expect(ea).toHaveLength(a!.embedding.length);
    const scale = Math.max(...a!.embedding.map(Math.abs));
    ea.forEach((v, k) => expect(Math.abs(v - a!.embedding[k]!)).toBeLessThan(1e-3 * scale));
    const mean = await predictor.embedViewer([
      { frame: await stillBitmap(), fixations: a!.fixations },
      { frame: await stillImage(), fixations: b!.fixations },
    ]);
    mean.forEach((v, k) => expect(Math.abs(v - (a!.embedding[k]! + b!.embedding[k]!) / 2)).toBeLessThan(1e-3 * scale));
    const e = await predictor.embed(await stillBitmap(), [{ x: -10, y: 5 }]).catch((x: unknown) => x);
    expect(isGazecastError(e)).toBe(true);
  });

  it('predicts a 12000 x 8000 canvas without full-size buffers, in native pixels', async () => {
    const img = await stillImage();
    const draw = (w: number, h: number): HTMLCanvasElement => {
      const c = document.createElement('canvas');
      [c.width, c.height] = [w, h];
      const g = c.getContext('2d')!;
      g.fillStyle = '#808080';
      g.fillRect(0, 0, w, h);
      g.drawImage(img, 0, 0, w, (w * img.naturalHeight) / img.naturalWidth); // the still across the top, grey below
      return c;
    };
    const small = await predictor.predict(draw(1200, 800));
    const huge = await predictor.predict(draw(12000, 8000));
    expect([huge.frameWidth, huge.frameHeight]).toEqual([12000, 8000]);
    expect(correlation(huge.density.data, small.density.data)).toBeGreaterThan(0.99);
    const a = huge.points[0]!, b = small.points[0]!;
    expect(Math.hypot(a.x - 10 * b.x, a.y - 10 * b.y)).toBeLessThan(0.01 * Math.hypot(12000, 8000));
    expect(huge.density.cellWidth).toBeCloseTo(10 * small.density.cellWidth, 6);
  });

  it('matches onnxruntime-node on a decoded H.264 frame (letterboxed 16:9)', async () => {
    const c = await goldenCase('video-1s');
    const video = await fixtureVideo();
    try {
      video.currentTime = c.timeS!;
      await new Promise((r) => video.addEventListener('seeked', r, { once: true }));
      const p = await predictor.predict(video, { timestampMs: 1000 });
      expect([p.frameWidth, p.frameHeight, p.timestampMs]).toEqual([640, 360, 1000]);
      // Chromium's and ffmpeg's decoders and resamplers differ a little; the prediction must not
      expect(correlation(p.density.data, (await goldenDensity(c)).data)).toBeGreaterThanOrEqual(0.99);
      // the modes are at the same places; where two meet close to the persistence threshold,
      // the slightly different pixels can hand a share of mass from one to the other
      expectPointsMatch(p, c.points, 0.03, 0.15);
    } finally {
      video.remove();
    }
  });

  for (const sampler of ['decode', 'seek'] as const) {
    it(`analyses a whole video (${sampler}), in order, with progress, and can be aborted`, async () => {
      const video = await fixtureVideo();
      try {
        const seen: number[] = [];
        const result = await predictor.predictVideo(video, { samplesPerSecond: 5, sampler, onProgress: (p) => seen.push(p.done) });
        expect(result.sampler).toBe(sampler);
        expect(result.frames.map((f) => f.timestampMs)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
        expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(result.durationMs).toBe(2000);
        // the frame at 1 s is the golden video frame
        const c = await goldenCase('video-1s');
        expect(correlation(result.frames[5]!.density.data, (await goldenDensity(c)).data)).toBeGreaterThanOrEqual(0.99);
        // the pan moves the content: the first and last frames differ
        expect(correlation(result.frames[0]!.density.data, result.frames[9]!.density.data)).toBeLessThan(0.999);
        if (sampler === 'seek') expect(video.currentTime).toBe(0); // put back where it was

        const controller = new AbortController();
        const aborted = predictor.predictVideo(video, {
          samplesPerSecond: 10,
          sampler,
          signal: controller.signal,
          onProgress: (p) => p.done === 2 && controller.abort(),
        });
        const e = await aborted.catch((x: unknown) => x);
        expect(isGazecastError(e, 'aborted')).toBe(true);
      } finally {
        video.remove();
      }
    });
  }

  it('takes the same frames by decoding as by seeking', async () => {
    const video = await fixtureVideo();
    try {
      const a = await predictor.predictVideo(video, { samplesPerSecond: 3, sampler: 'decode' });
      const b = await predictor.predictVideo(video, { samplesPerSecond: 3, sampler: 'seek' });
      a.frames.forEach((f, k) => expect(correlation(f.density.data, b.frames[k]!.density.data)).toBeGreaterThan(0.995));
    } finally {
      video.remove();
    }
  });

  it('predicts live frames during playback and counts dropped ones', async () => {
    const video = await fixtureVideo();
    try {
      video.loop = true;
      let session: ReturnType<Predictor['startLive']> | undefined;
      const got = await collect<Prediction>(4, 30_000, (push) => {
        session = predictor.startLive(video, { onPrediction: push, smoothing: { timeConstantMs: 200 } });
        void video.play();
      });
      session!.stop();
      video.pause();
      expect(session!.running).toBe(false);
      expect(session!.processed).toBeGreaterThanOrEqual(4);
      expect(got.every((p) => p.frameWidth === 640 && p.points.length > 0)).toBe(true);
      for (let i = 1; i < got.length; i++) expect(got[i]!.timestampMs).toBeGreaterThanOrEqual(got[i - 1]!.timestampMs);
      const stats = await predictor.stats();
      expect(stats.droppedFrames).toBe(session!.dropped);
    } finally {
      video.remove();
    }
  });
});

describe('model variants', () => {
  it('loads the variant asked for, and it matches onnxruntime-node on that variant', async () => {
    const g = await golden();
    for (const c of g.cases.filter((x) => x.name === `still-${x.precision}`)) {
      const p = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', precision: c.precision });
      try {
        expect(p.model.precision).toBe(c.precision);
        expect(p.model.file).toBe(c.file);
        const pred = await p.predict(await stillBitmap());
        expect(correlation(pred.density.data, (await goldenDensity(c)).data), c.name).toBeGreaterThanOrEqual(0.999);
        expectPointsMatch(pred, c.points, 0.01, 0.01);
      } finally {
        await p.close();
      }
    }
  });
});

describe('in-thread predictor (same interface, no worker)', () => {
  it('gives exactly the worker’s numbers', async () => {
    const inThread = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', worker: false });
    const inWorker = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm' });
    try {
      const a = await inThread.predict(await stillBitmap());
      const b = await inWorker.predict(await stillBitmap());
      expect(Array.from(a.density.data)).toEqual(Array.from(b.density.data));
      expect(a.points).toEqual(b.points);
    } finally {
      await inThread.close();
      await inWorker.close();
    }
    const e = await inThread.predict(await stillBitmap()).catch((x: unknown) => x);
    expect(isGazecastError(e, 'closed')).toBe(true);
  });
});

describe('engine live queue', () => {
  it('runs one inference at a time and keeps only the newest waiting frame', async () => {
    const engine = await PredictorEngine.create({ modelUrl: new URL(MODEL_URL, location.href).href, backend: 'wasm' });
    try {
      const { width, height } = await stillBitmap();
      const request = (k: number) => ({ frameWidth: width, frameHeight: height, timestampMs: k });
      const frames = async (n: number) => Promise.all(Array.from({ length: n }, async (_, k) => new VideoFrame(await stillBitmap(), { timestamp: k })));
      // frames arriving together: only the newest is run
      const burst = await frames(5);
      const together = await Promise.all(burst.map((f, k) => engine.predictLatest(f, request(k))));
      expect(together.map((r) => r.status)).toEqual(['dropped', 'dropped', 'dropped', 'dropped', 'done']);
      // frame 0 is taken first; 1..4 arrive after it started, each replacing the one waiting
      const [first, ...rest] = await frames(5);
      const running = engine.predictLatest(first!, request(0));
      await new Promise((r) => setTimeout(r, 0));
      const results = await Promise.all([running, ...rest.map((f, k) => engine.predictLatest(f, request(k + 1)))]);
      expect(results.map((r) => r.status)).toEqual(['done', 'dropped', 'dropped', 'dropped', 'done']);
      const last = results[4]!;
      expect(last.status === 'done' && last.prediction.timestampMs).toBe(4);
      expect([...burst, first!, ...rest].every((f) => f.format === null)).toBe(true); // all closed, dropped ones too
      expect(await engine.stats()).toMatchObject({ inferences: 3, droppedFrames: 7, backend: 'wasm' });
    } finally {
      await engine.close();
    }
  });
});
