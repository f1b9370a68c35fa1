/**
 * `wasmPaths`: onnxruntime-web's .wasm comes from the folder the user names (a folder without its
 * trailing slash included), in the worker where the session runs, and a folder without the files
 * is a coded error naming the URL, not a hang. (Before wasmPaths, both loads fetched from
 * node_modules/onnxruntime-web/dist/ and the second one succeeded.)
 */
import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createPredictor } from '../../src/client/predictor';
import { isGazecastError } from '../../src/core/errors';
import { MODEL_URL } from './helpers';

// onnxruntime's WASM build: the .wasm, and (with the non-bundled ESM build the dev server serves) its .mjs glue
const ORT_FILE = /\/ort-wasm-simd-threaded\.(wasm|mjs)$/;

async function wasmRequests(run: () => Promise<unknown>): Promise<{ urls: string[]; result: unknown }> {
  await commands.startRequestLog();
  const result = await run().catch((e: unknown) => e);
  const urls = (await commands.stopRequestLog()).filter((u) => ORT_FILE.test(u));
  return { urls, result };
}

describe('wasmPaths', () => {
  it("loads onnxruntime's WASM from the folder given (relative, without a trailing slash)", async () => {
    const { urls, result } = await wasmRequests(async () => {
      const p = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', share: false, wasmPaths: '/node_modules/onnxruntime-web/dist' });
      await p.close();
      return p;
    });
    expect(isGazecastError(result)).toBe(false);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u.startsWith(new URL('/node_modules/onnxruntime-web/dist/', location.href).href)).toBe(true);
  });

  it('a folder without the files is a coded error naming the fetch, and the request went there', async () => {
    const t0 = performance.now();
    const { urls, result } = await wasmRequests(() =>
      createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', share: false, wasmPaths: '/no-such-folder/' }),
    );
    expect(urls.length, String(result)).toBeGreaterThan(0);
    for (const u of urls) expect(u.startsWith(new URL('/no-such-folder/', location.href).href)).toBe(true);
    expect(isGazecastError(result, 'wasm-failed')).toBe(true);
    expect((result as Error).message).toContain('/no-such-folder/');
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});
