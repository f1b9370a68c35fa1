/**
 * Nothing leaves the machine: during a whole predictor session (load, image, video analysis,
 * live, embedding, close) every request the browser makes stays on the page's origin.
 */
import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createPredictor } from '../../src/client/predictor';
import type { PredictorOptions } from '../../src/client/predictor-options';
import { MODEL_URL, fixtureVideo, stillBitmap, stillImage } from './helpers';

async function fullSession(options: Partial<PredictorOptions>): Promise<void> {
  const predictor = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', ...options });
  try {
    await predictor.predict(await stillImage());
    await predictor.predict(await stillBitmap(), { profile: { tokens: {} } });
    const video = await fixtureVideo();
    try {
      await predictor.predictVideo(video, { samplesPerSecond: 2 });
    } finally {
      video.remove();
    }
    if (predictor.model.manifest.encoder) await predictor.embed(await stillImage(), [{ x: 100, y: 100 }, { x: 200, y: 150 }]);
  } finally {
    await predictor.close();
  }
}

describe('network', () => {
  for (const worker of [true, false]) {
    it(`makes no request off the page's origin (${worker ? 'worker' : 'in-thread'})`, async () => {
      const seen: string[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) seen.push(e.name);
      });
      observer.observe({ type: 'resource', buffered: false });
      await commands.startRequestLog();
      try {
        await fullSession({ worker });
      } finally {
        observer.disconnect();
      }
      const all = await commands.stopRequestLog();
      seen.push(...performance.getEntriesByType('resource').map((e) => e.name));
      // the browser-level log sees the worker's requests too (the model files are fetched there)
      expect(all.some((u) => u.includes('manifest.json'))).toBe(true);
      expect(all.some((u) => /\.wasm(\?|$)/.test(u))).toBe(true);
      const foreign = [...all, ...seen].filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== location.origin);
      expect(foreign).toEqual([]);
    });
  }
});
