/**
 * Issue 15 point 2: onnxruntime's WASM served but not compilable (a proxy's error page, a
 * truncated file) ends the load with wasm-failed saying what to serve, within seconds. In-thread,
 * where the page's fetch serves the file (a file of its own: onnxruntime keeps a failed WASM init
 * for the life of its module).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import { GazecastError } from '../../src/core/errors';
import { MODEL_URL } from './helpers';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe("onnxruntime's WASM cannot be compiled", () => {
  it('is wasm-failed naming what to serve, within seconds', async () => {
    let served = 0;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const u = input instanceof Request ? input.url : String(input);
      if (/\.wasm(\?|$)/.test(u)) {
        served++;
        return new Response(new Uint8Array(4096).fill(0x42), { headers: { 'content-type': 'application/wasm' } });
      }
      return realFetch(input, init);
    };
    const t0 = performance.now();
    const e = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', worker: false, share: false, cache: false }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(served).toBeGreaterThan(0);
    expect(e).toBeInstanceOf(GazecastError);
    expect((e as GazecastError).code).toBe('wasm-failed');
    expect((e as GazecastError).message).toMatch(/could not be fetched or compiled/);
    expect((e as GazecastError).message).toMatch(/application\/wasm/);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});
