/**
 * One model per page: `<gaze-overlay>` elements and predictors that load the same model share one
 * worker and one download, the engine lives while one of them does, and `share: false` opts out.
 * Workers are counted by wrapping the page's Worker constructor; downloads by the browser-level
 * request log (the worker's fetches included).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/client/gaze-overlay';
import type { GazeOverlayElement } from '../../src/client/gaze-overlay';
import { createPredictor } from '../../src/client/predictor';
import { sharedEngineCount } from '../../src/client/shared-engine';
import { CACHE_NAME } from '../../src/worker/loader';
import { MODEL_URL, fixtureVideo } from './helpers';

const IMAGE = '/test/fixtures/osie-1020-still.png';

/** Counts the model workers the page starts and terminates. */
function countWorkers(): { started: number; terminated: number; restore(): void } {
  const Original = globalThis.Worker;
  const counts = { started: 0, terminated: 0, restore: () => void (globalThis.Worker = Original) };
  globalThis.Worker = class extends Original {
    readonly #model: boolean;
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.#model = options?.name === 'gazecast-model';
      if (this.#model) counts.started++;
    }
    override terminate(): void {
      if (this.#model) counts.terminated++;
      super.terminate();
    }
  };
  return counts;
}

function overlayOnImage(profile = ''): { el: GazeOverlayElement; events: string[] } {
  const el = document.createElement('gaze-overlay');
  el.setAttribute('model', MODEL_URL);
  el.setAttribute('backend', 'wasm');
  if (profile) el.setAttribute('profile', profile);
  const img = document.createElement('img');
  img.src = IMAGE;
  img.width = 320;
  el.append(img);
  const events: string[] = [];
  for (const type of ['ready', 'prediction', 'error'] as const) {
    el.addEventListener(type, (e) => {
      if (type === 'error') {
        const d = (e as CustomEvent<{ code: string; message: string }>).detail;
        events.push(`error:${d.code}: ${d.message}`);
        e.stopPropagation(); // reported here, not as an uncaught page error
      } else events.push(type);
    });
  }
  document.body.append(el);
  return { el, events };
}

function until(check: () => boolean, what: string | (() => string), ms = 60_000): Promise<void> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) resolve();
      else if (performance.now() - t0 > ms) reject(new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

const manifestFetches = (urls: string[]): number => urls.filter((u) => u.includes(MODEL_URL) && u.endsWith('manifest.json')).length;
const modelFetches = (urls: string[]): number => urls.filter((u) => u.includes(MODEL_URL) && u.endsWith('.onnx')).length;

describe('one model per page', () => {
  let workers: ReturnType<typeof countWorkers>;
  beforeEach(async () => {
    await caches.delete(CACHE_NAME); // so that each engine's first load is a real download
    workers = countWorkers();
  });
  afterEach(() => {
    workers.restore();
    document.querySelectorAll('gaze-overlay').forEach((el) => el.remove());
  });

  it('two widgets on one model: one worker, one download; closing one keeps the other; closing both ends the worker', async () => {
    await commands.startRequestLog();
    let urls: string[];
    const a = overlayOnImage();
    const b = overlayOnImage('age=25-34; gender=female');
    try {
      await until(() => a.events.includes('prediction') && b.events.includes('prediction'), () => `both predictions (${a.events.join(', ')} / ${b.events.join(', ')})`);
    } finally {
      urls = await commands.stopRequestLog();
    }
    expect([...a.events, ...b.events].filter((e) => e.startsWith('error'))).toEqual([]);
    expect(workers.started).toBe(1);
    expect(manifestFetches(urls)).toBe(1);
    expect(modelFetches(urls)).toBe(1);
    expect(sharedEngineCount()).toBe(1);
    expect(a.el.predictor!.model.manifestUrl).toBe(b.el.predictor!.model.manifestUrl);

    // the first goes; the second still predicts on the same worker
    a.el.remove();
    await until(() => a.el.predictor === undefined, 'the first element to let go of its predictor');
    await new Promise((r) => setTimeout(r, 100));
    expect(workers.terminated).toBe(0);
    b.events.length = 0;
    b.el.profile = 'age=18-24; gender=male';
    await until(() => b.events.includes('prediction') || b.events.some((e) => e.startsWith('error')), 'a prediction after the first element left');
    expect(b.events).toEqual(['prediction']);
    expect(workers.started).toBe(1);

    // the last one goes: the worker is terminated and nothing is left shared
    b.el.remove();
    await until(() => workers.terminated === 1, 'the shared worker to be terminated');
    expect(sharedEngineCount()).toBe(0);
  });

  it('a predictor shares the engine of a widget on the same model; share: false gets its own', async () => {
    const a = overlayOnImage();
    await until(() => a.events.includes('ready'), 'the widget to be ready');
    const progress: string[] = [];
    const shared = await createPredictor({ modelUrl: new URL('manifest.json', new URL(MODEL_URL, location.href)), backend: 'wasm', onProgress: (p) => progress.push(p.status) });
    expect(workers.started).toBe(1);
    // joining a loaded engine still ends its progress with `ready`
    expect(progress).toEqual(['ready']);
    const own = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', share: false });
    expect(workers.started).toBe(2);
    await own.close();
    expect(workers.terminated).toBe(1);

    const img = a.el.querySelector('img')!;
    const p = await shared.predict(img);
    expect(p.points.length).toBeGreaterThan(0);
    await shared.close();
    await expect(shared.predict(img)).rejects.toMatchObject({ code: 'closed' });
    expect(workers.terminated).toBe(1); // the widget still holds the engine
    a.el.remove();
    await until(() => workers.terminated === 2, 'the widget to release the shared worker');
  });

  it('two predictors sharing an engine each keep their own live slot, so both live videos are served', async () => {
    const [p, q] = [await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm' }), await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm' })];
    const [a, b] = [await fixtureVideo(), await fixtureVideo()];
    try {
      expect(workers.started).toBe(1);
      for (const v of [a, b]) v.loop = true;
      const counts = [0, 0];
      const sessions = [p.startLive(a, { onPrediction: () => counts[0]!++ }), q.startLive(b, { onPrediction: () => counts[1]!++ })];
      await Promise.all([a.play(), b.play()]);
      await new Promise((r) => setTimeout(r, 8000));
      for (const s of sessions) s.stop();
      const [low, high] = [Math.min(...counts), Math.max(...counts)];
      expect(low, `counts ${counts}`).toBeGreaterThanOrEqual(3);
      expect(low / high, `counts ${counts}`).toBeGreaterThan(0.5);
    } finally {
      a.remove();
      b.remove();
      await Promise.all([p.close(), q.close()]);
    }
  });

  it('options that change the engine are not shared (another backend choice, another thread count)', async () => {
    const one = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', wasmThreads: 1 });
    const two = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', wasmThreads: 2 });
    try {
      expect(workers.started).toBe(2);
      expect(one.model.wasmThreads).toBe(1);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
    expect(workers.terminated).toBe(2);
  });
});
