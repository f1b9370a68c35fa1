/**
 * Issue 15 point 2: a session that never opens (here onnxruntime's WASM request never answers,
 * as behind a stalled proxy) ends with load-timeout naming the stage, within the caller's bound.
 * In-thread, where the page's fetch serves the file (a file of its own: the hung WASM init stays
 * with its module).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import { GazecastError } from '../../src/core/errors';
import { MODEL_URL } from './helpers';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe('a session that never opens', () => {
  it('is load-timeout naming the session stage, within loadTimeoutMs', async () => {
    let asked = false;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const u = input instanceof Request ? input.url : String(input);
      if (/\.wasm(\?|$)/.test(u)) {
        asked = true;
        return new Promise<Response>(() => {}); // never answers
      }
      return realFetch(input, init);
    };
    const t0 = performance.now();
    const e = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', worker: false, share: false, cache: false, loadTimeoutMs: 8000 }).then(
      () => undefined,
      (x: unknown) => x,
    );
    const ms = performance.now() - t0;
    expect(asked).toBe(true);
    expect(e).toBeInstanceOf(GazecastError);
    expect((e as GazecastError).code).toBe('load-timeout');
    expect((e as GazecastError).message).toMatch(/it was opening the onnxruntime session/);
    expect(ms).toBeGreaterThanOrEqual(7900);
    expect(ms).toBeLessThan(12_000);
  });
});
