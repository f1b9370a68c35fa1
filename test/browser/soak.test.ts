/**
 * Opt-in soak (issue 17): 10,000 predictions on one predictor, the whole path (an <img> captured,
 * transferred to the worker, inferred, decoded, answered), with the memory of the page and its
 * worker (performance.measureUserAgentSpecificMemory: JS heaps and onnxruntime's WASM memory)
 * measured along the way. It takes several minutes, so it runs only when asked:
 *
 *   VITE_SOAK=1 nice -n 10 npx vitest run --project browser test/browser/soak.test.ts
 *   (VITE_SOAK_PREDICTIONS=N for another length, VITE_SOAK_THREADS=N for N WASM threads instead
 *   of the default: 1 keeps a busy machine's other work going)
 *
 * Memory must stay flat: after the first 500 predictions (warm-up: onnxruntime's arenas and the
 * JIT settle) it may not grow by more than 8 MiB, and the second half may not grow more than the
 * first (a leak grows with the count, noise does not).
 */
import { describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import { MODEL_URL, stillImage } from './helpers';

const enabled = import.meta.env.VITE_SOAK === '1';
const total = Number(import.meta.env.VITE_SOAK_PREDICTIONS ?? 10_000);
const threads = import.meta.env.VITE_SOAK_THREADS ? Number(import.meta.env.VITE_SOAK_THREADS) : undefined;
const MiB = 2 ** 20;

async function uaMemory(): Promise<number> {
  const perf = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
  if (!crossOriginIsolated || !perf.measureUserAgentSpecificMemory) throw new Error('measureUserAgentSpecificMemory needs a cross-origin isolated page');
  return (await perf.measureUserAgentSpecificMemory()).bytes;
}

describe.runIf(enabled)('soak', () => {
  it(`${total} predictions on one predictor with flat page + worker memory`, { timeout: 3 * 60 * 60 * 1000 }, async () => {
    const predictor = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', share: false, ...(threads ? { wasmThreads: threads } : {}) });
    console.log(`soak: ${predictor.model.file}, ${predictor.model.wasmThreads} WASM threads, ${navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]}`);
    const img = await stillImage();
    const marks: { done: number; bytes: number; ms: number }[] = [];
    const t0 = performance.now();
    const checkpoints = new Set([500, Math.round(total / 4), Math.round(total / 2), Math.round((3 * total) / 4), total]);
    try {
      for (let done = 1; done <= total; done++) {
        const p = await predictor.predict(img);
        if (p.points.length === 0) throw new Error(`prediction ${done} has no points`);
        if (checkpoints.has(done)) {
          marks.push({ done, bytes: await uaMemory(), ms: performance.now() - t0 });
          console.log(`soak: ${done} predictions, page + worker ${(marks.at(-1)!.bytes / MiB).toFixed(1)} MiB, ${((performance.now() - t0) / done).toFixed(1)} ms each`);
        }
      }
      const stats = await predictor.stats();
      console.log(`soak: ${JSON.stringify({ predictions: total, inferences: stats.inferences, lastInferenceMs: stats.lastInferenceMs, marks })}`);
      expect(stats.inferences).toBe(total);
    } finally {
      await predictor.close();
    }
    const first = marks[0]!.bytes;
    const half = marks.find((m) => m.done === Math.round(total / 2))!.bytes;
    const last = marks.at(-1)!.bytes;
    expect((last - first) / MiB, 'growth after warm-up').toBeLessThan(8);
    expect(last - half, 'growth of the second half').toBeLessThanOrEqual(Math.max(half - first, 0) + 2 * MiB);
  });
});

describe.skipIf(enabled)('soak (opt-in)', () => {
  it.skip('runs with VITE_SOAK=1', () => {});
});
