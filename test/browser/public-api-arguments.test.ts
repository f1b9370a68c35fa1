/**
 * Issue 17, made systematic: every public function of src/index.ts, and every method of a
 * Predictor, is called with a table of bad arguments and must throw (or reject with) a
 * GazecastError of the code the table names: never a TypeError, RangeError or a silent default.
 * A public function or method missing from the tables fails the test, so a new entry point
 * cannot be added without its bad-argument cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index';
import type { GazecastErrorCode } from '../../src/index';
import type { Predictor } from '../../src/client/predictor-types';
import { MODEL_URL, fixtureVideo, stillBitmap } from './helpers';

type Case = readonly [label: string, call: () => unknown, code: GazecastErrorCode];

/** The code a call ends with: thrown synchronously or rejected. */
async function codeOf(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof api.GazecastError)) return `not a GazecastError: ${(e as Error)?.name}: ${(e as Error)?.message}`;
    return e.code;
  }
  return 'no error';
}

const ctx = (): CanvasRenderingContext2D => document.createElement('canvas').getContext('2d')!;
const density = (): api.DensityMap => ({ width: 4, height: 3, data: new Float32Array(12).fill(1 / 12), x0: 0, y0: 0, cellWidth: 10, cellHeight: 10 });
const map = { offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 };
const point = { x: 5, y: 5, mass: 0.5, order: 0 };
const prediction = (): api.Prediction => ({ frameWidth: 40, frameHeight: 30, points: [point], density: density(), timestampMs: 0, backend: 'wasm', inferenceMs: 1 });
const img = (): HTMLImageElement => document.createElement('img');
const study = (): api.VirtualStudy => ({ frame: { width: 40, height: 30 }, durationMs: 1000, viewers: [{ fixations: [{ x: 5, y: 5, onsetMs: 300, durationMs: 200 }] }] });

/** Bad calls of each public function (those that cannot throw say why). */
const FUNCTIONS: Record<string, readonly Case[] | { readonly exempt: string; readonly check: () => void }> = {
  createPredictor: [
    ['no options', () => (api.createPredictor as (o?: unknown) => unknown)(), 'invalid-argument'],
    ['modelUrl a number', () => api.createPredictor({ modelUrl: 5 as never }), 'invalid-argument'],
    ['modelUrl not a URL', () => api.createPredictor({ modelUrl: 'http://[::1' }), 'invalid-argument'],
    ['modelUrl off the origin', () => api.createPredictor({ modelUrl: 'https://evil.example/m/' }), 'model-off-origin'],
    ['backend unknown', () => api.createPredictor({ modelUrl: MODEL_URL, backend: 'cuda' as never }), 'invalid-argument'],
    ['wasmThreads 0', () => api.createPredictor({ modelUrl: MODEL_URL, wasmThreads: 0 }), 'invalid-argument'],
    ['wasmThreads NaN', () => api.createPredictor({ modelUrl: MODEL_URL, wasmThreads: Number.NaN }), 'invalid-argument'],
    ['worker "no"', () => api.createPredictor({ modelUrl: MODEL_URL, worker: 'no' as never }), 'invalid-argument'],
    ['signal not a signal', () => api.createPredictor({ modelUrl: MODEL_URL, signal: {} as never }), 'invalid-argument'],
    ['loadTimeoutMs -1', () => api.createPredictor({ modelUrl: MODEL_URL, loadTimeoutMs: -1 }), 'invalid-argument'],
    ['onProgress a string', () => api.createPredictor({ modelUrl: MODEL_URL, onProgress: 'log' as never }), 'invalid-argument'],
    ['wasmPaths not a URL', () => api.createPredictor({ modelUrl: MODEL_URL, wasmPaths: 'http://[::1' }), 'invalid-argument'],
    ['wasmPaths a number', () => api.createPredictor({ modelUrl: MODEL_URL, wasmPaths: 5 as never }), 'invalid-argument'],
    ['share "no"', () => api.createPredictor({ modelUrl: MODEL_URL, share: 'no' as never }), 'invalid-argument'],
    ['a missing model', () => api.createPredictor({ modelUrl: '/models/none/', share: false }), 'model-fetch-failed'],
  ],
  GazecastError: { exempt: 'the error type itself: it takes any message', check: () => expect(new api.GazecastError('closed', 'x').code).toBe('closed') },
  isGazecastError: {
    exempt: 'a predicate: anything is an argument, the answer is false',
    check: () => {
      for (const v of [null, undefined, 5, {}, new Error('x')]) expect(api.isGazecastError(v)).toBe(false);
    },
  },
  parseManifest: [
    ['null', () => api.parseManifest(null), 'manifest-invalid'],
    ['a string', () => api.parseManifest('{}'), 'manifest-invalid'],
    ['a file outside the folder', () => api.parseManifest({ schema: api.MANIFEST_SCHEMA, files: [{ path: '../x.onnx', precision: 'fp32', bytes: 1, sha256: 'a'.repeat(64) }] }), 'manifest-invalid'],
  ],
  parseProfileString: [
    ['a number', () => api.parseProfileString(5 as never), 'invalid-argument'],
    ['malformed text', () => api.parseProfileString('age'), 'unsupported-profile'],
  ],
  formatProfileString: [
    ['null', () => api.formatProfileString(null as never), 'invalid-argument'],
    ['a number value', () => api.formatProfileString({ age: 5 } as never), 'invalid-argument'],
  ],
  describeSupportedProfile: [['an empty object', () => api.describeSupportedProfile({} as never), 'invalid-argument']],
  pointsFromDensity: [
    ['null density', () => api.pointsFromDensity(null as never, 10, 10), 'invalid-argument'],
    ['frame width NaN', () => api.pointsFromDensity(density(), Number.NaN, 10), 'invalid-argument'],
    ['maxPoints NaN', () => api.pointsFromDensity(density(), 40, 30, { maxPoints: Number.NaN }), 'invalid-argument'],
  ],
  DensitySmoother: [
    ['timeConstantMs NaN', () => new api.DensitySmoother({ timeConstantMs: Number.NaN }), 'invalid-argument'],
    ['options a number', () => new api.DensitySmoother(5 as never), 'invalid-argument'],
    ['push(null)', () => new api.DensitySmoother().push(null as never, 0), 'invalid-argument'],
  ],
  createOverlay: [
    ['null media', () => api.createOverlay(null as never), 'invalid-argument'],
    ['a div', () => api.createOverlay(document.createElement('div') as never), 'invalid-argument'],
    ['options a string', () => api.createOverlay(img(), 'red' as never), 'invalid-argument'],
  ],
  renderOverlay: [
    ['no canvas', () => api.renderOverlay(null as never, img(), null), 'invalid-argument'],
    ['bad media', () => api.renderOverlay(document.createElement('canvas'), {} as never, null), 'invalid-argument'],
    ['prediction a string', () => api.renderOverlay(document.createElement('canvas'), img(), 'p' as never), 'invalid-argument'],
  ],
  drawPrediction: [
    ['no context', () => api.drawPrediction(null as never, prediction(), map), 'invalid-argument'],
    ['no prediction', () => api.drawPrediction(ctx(), null as never, map), 'invalid-argument'],
    ['map scale 0', () => api.drawPrediction(ctx(), prediction(), { ...map, scaleX: 0 }), 'invalid-argument'],
  ],
  drawHeatmap: [
    ['density data too short', () => api.drawHeatmap(ctx(), { ...density(), data: new Float32Array(2) }, map), 'invalid-argument'],
    ['no map', () => api.drawHeatmap(ctx(), density(), null as never), 'invalid-argument'],
  ],
  drawPoints: [
    ['points not an array', () => api.drawPoints(ctx(), 'x' as never, map), 'invalid-argument'],
    ['a point with NaN x', () => api.drawPoints(ctx(), [{ ...point, x: Number.NaN }], map), 'invalid-argument'],
  ],
  drawScanpath: [
    ['points null', () => api.drawScanpath(ctx(), null as never, map), 'invalid-argument'],
    ['mass 2', () => api.drawScanpath(ctx(), [{ ...point, mass: 2 }, point], map), 'invalid-argument'],
  ],
  colormapLut: [
    ['unknown name', () => api.colormapLut('jet' as never), 'invalid-argument'],
  ],
  gazeAt: [
    ['no study', () => api.gazeAt(null as never, 0), 'invalid-argument'],
    ['time NaN', () => api.gazeAt(study(), Number.NaN), 'invalid-argument'],
    ['a fixation with NaN x', () => api.gazeAt({ ...study(), viewers: [{ fixations: [{ x: Number.NaN, y: 1, onsetMs: 0, durationMs: 100 }] }] }, 0), 'invalid-argument'],
    ['start without y', () => api.gazeAt(study(), 0, { x: 1 } as never), 'invalid-argument'],
  ],
  drawBeeSwarm: [
    ['no context', () => api.drawBeeSwarm(null as never, [], map), 'invalid-argument'],
    ['gazes not an array', () => api.drawBeeSwarm(ctx(), 'g' as never, map), 'invalid-argument'],
    ['no map', () => api.drawBeeSwarm(ctx(), [], null as never), 'invalid-argument'],
  ],
  placeOverlayCanvas: [
    ['no canvas', () => api.placeOverlayCanvas(null as never, img()), 'invalid-argument'],
    ['bad media', () => api.placeOverlayCanvas(document.createElement('canvas'), {} as never), 'invalid-argument'],
  ],
  massRadius: [
    ['mass NaN', () => api.massRadius(Number.NaN, { width: 10, height: 10 }), 'invalid-argument'],
    ['no frame', () => api.massRadius(0.5, null as never), 'invalid-argument'],
  ],
  seekVideo: [
    ['not a video', () => api.seekVideo(document.createElement('img') as never, 1), 'invalid-argument'],
    ['seconds NaN', () => api.seekVideo(document.createElement('video'), Number.NaN), 'invalid-argument'],
    ['signal a string', () => api.seekVideo(document.createElement('video'), 1, 'stop' as never), 'invalid-argument'],
    ['an aborted signal', () => api.seekVideo(document.createElement('video'), 1, AbortSignal.abort()), 'aborted'],
  ],
  placeMedia: [
    ['box NaN', () => api.placeMedia(Number.NaN, 10, 10, 10), 'invalid-argument'],
    ['fit unknown', () => api.placeMedia(10, 10, 10, 10, 'stretch'), 'invalid-argument'],
  ],
};

describe('every public function checks its arguments', () => {
  it('the table covers every function src/index.ts exports', () => {
    const functions = Object.entries(api).filter(([, v]) => typeof v === 'function').map(([k]) => k).sort();
    expect(functions).toEqual(Object.keys(FUNCTIONS).sort());
  });

  for (const [name, cases] of Object.entries(FUNCTIONS)) {
    if (!Array.isArray(cases)) {
      it(`${name}: ${(cases as { exempt: string }).exempt}`, () => (cases as { check: () => void }).check());
      continue;
    }
    for (const [label, call, code] of cases) {
      it(`${name}: ${label} → ${code}`, async () => {
        expect(await codeOf(call)).toBe(code);
      });
    }
  }
});

describe('every Predictor method checks its arguments', () => {
  let p: Predictor;
  let video: HTMLVideoElement;
  beforeAll(async () => {
    p = await api.createPredictor({ modelUrl: MODEL_URL, backend: 'wasm' });
    video = await fixtureVideo();
  });
  afterAll(async () => {
    video?.remove();
    await p?.close();
  });

  const embedding1e39 = (): number[] => Object.assign(new Array(16).fill(0), { 3: 1e39 });
  const METHODS: Record<string, readonly (readonly [string, (p: Predictor) => unknown, GazecastErrorCode])[]> = {
    predict: [
      ['null frame (was a TypeError)', (p) => p.predict(null as never), 'frame-invalid'],
      ['a string frame', (p) => p.predict('still.png' as never), 'frame-invalid'],
      ['profile "age=25-34" (was the population)', async (p) => p.predict(await stillBitmap(), { profile: 'age=25-34' as never }), 'invalid-argument'],
      ['profile 5', async (p) => p.predict(await stillBitmap(), { profile: 5 as never }), 'invalid-argument'],
      ['an unknown profile key', async (p) => p.predict(await stillBitmap(), { profile: { tokens: { mood: 'happy' } } }), 'unsupported-profile'],
      ['embedding 1e39 (was backend-failed)', async (p) => p.predict(await stillBitmap(), { profile: { embedding: embedding1e39() } }), 'invalid-embedding'],
      ['decode.maxPoints NaN (was zero points)', async (p) => p.predict(await stillBitmap(), { decode: { maxPoints: Number.NaN } }), 'invalid-argument'],
      ['timestampMs -1', async (p) => p.predict(await stillBitmap(), { timestampMs: -1 }), 'invalid-argument'],
      ['options a string', async (p) => p.predict(await stillBitmap(), 'fast' as never), 'invalid-argument'],
    ],
    predictVideo: [
      ['not a video', (p) => p.predictVideo(document.createElement('img') as never), 'invalid-argument'],
      ['samplesPerSecond 0 (was a RangeError)', (p) => p.predictVideo(video, { samplesPerSecond: 0 }), 'invalid-argument'],
      ['samplesPerSecond NaN', (p) => p.predictVideo(video, { samplesPerSecond: Number.NaN }), 'invalid-argument'],
      ['samplesPerSecond 1e6', (p) => p.predictVideo(video, { samplesPerSecond: 1e6 }), 'invalid-argument'],
      ['endMs before startMs', (p) => p.predictVideo(video, { startMs: 500, endMs: 100 }), 'invalid-argument'],
      ['sampler "fast"', (p) => p.predictVideo(video, { sampler: 'fast' as never }), 'invalid-argument'],
      ['smoothing NaN', (p) => p.predictVideo(video, { smoothing: { timeConstantMs: Number.NaN } }), 'invalid-argument'],
      ['a video without source', (p) => p.predictVideo(document.createElement('video')), 'frame-invalid'],
    ],
    startLive: [
      ['not a video', (p) => p.startLive(null as never, { onPrediction: () => {} }), 'invalid-argument'],
      ['no onPrediction', (p) => p.startLive(video, {} as never), 'invalid-argument'],
      ['no options', (p) => (p.startLive as (v: unknown) => unknown)(video), 'invalid-argument'],
      ['profile text', (p) => p.startLive(video, { onPrediction: () => {}, profile: 'age=18-24' as never }), 'invalid-argument'],
    ],
    embed: [
      ['fixations not an array', async (p) => p.embed(await stillBitmap(), 'x' as never), 'invalid-argument'],
      ['a fixation with NaN', async (p) => p.embed(await stillBitmap(), [{ x: Number.NaN, y: 1 }]), 'invalid-argument'],
      ['null frame', (p) => p.embed(null as never, [{ x: 1, y: 1 }]), 'frame-invalid'],
    ],
    embedViewer: [
      ['no viewings (was a RangeError)', (p) => p.embedViewer([]), 'invalid-argument'],
      ['a viewing without frame', (p) => p.embedViewer([{ fixations: [] } as never]), 'invalid-argument'],
    ],
    simulate: [
      ['viewers 0', async (p) => p.simulate(await stillBitmap(), { viewers: 0 }), 'invalid-argument'],
      ['options a string', async (p) => p.simulate(await stillBitmap(), 'x' as never), 'invalid-argument'],
    ],
    simulateVideo: [['viewers NaN', (p) => p.simulateVideo(video, { viewers: Number.NaN }), 'invalid-argument']],
    stats: [],
    close: [],
  };

  it('the table covers every method of a Predictor', () => {
    const proto = Object.getPrototypeOf(p) as object;
    const methods = Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, k)?.value === 'function');
    const required = ['predict', 'predictVideo', 'startLive', 'embed', 'embedViewer', 'stats', 'close'];
    for (const m of required) expect(methods).toContain(m);
    // every method but the internal noteBackend is in the table (stats and close take no arguments)
    expect(methods.filter((m) => m !== 'noteBackend').sort()).toEqual(Object.keys(METHODS).filter((m) => methods.includes(m)).sort());
  });

  for (const [method, cases] of Object.entries(METHODS)) {
    for (const [label, call, code] of cases) {
      it(`${method}: ${label} → ${code}`, async () => {
        if (typeof (p as unknown as Record<string, unknown>)[method] !== 'function') return; // not on this build
        expect(await codeOf(() => call(p))).toBe(code);
      });
    }
  }

  it('Overlay.draw and setOptions check theirs, and a refused prediction is not kept', async () => {
    const media = document.createElement('canvas');
    document.body.append(media);
    const overlay = api.createOverlay(media);
    try {
      expect(await codeOf(() => overlay.draw('p' as never))).toBe('invalid-argument');
      expect(await codeOf(() => overlay.draw({ ...prediction(), points: [{ ...point, mass: Number.NaN }] }))).toBe('invalid-argument');
      expect(await codeOf(() => overlay.setOptions(5 as never))).toBe('invalid-argument');
      expect(() => overlay.refresh()).not.toThrow();
      overlay.draw(prediction());
    } finally {
      overlay.destroy();
      media.remove();
    }
  });

  it('still predicts after all of that', async () => {
    expect((await p.predict(await stillBitmap())).points.length).toBeGreaterThan(0);
  });
});
