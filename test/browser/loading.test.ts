/**
 * Model loading: named errors across the worker boundary, integrity before any session, Cache
 * Storage for offline use, explicit backends honoured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import { GazecastError, isGazecastError } from '../../src/core/errors';
import type { LoadProgress } from '../../src/core/runtime-types';
import { CACHE_NAME } from '../../src/worker/loader';
import { MODEL_URL, correlation, stillBitmap } from './helpers';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

async function failure(p: Promise<unknown>): Promise<GazecastError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GazecastError);
  return e as GazecastError;
}

/**
 * The model's manifest with changes, served to the in-thread engine as another manifest file in
 * the real model folder (files may only be named inside the manifest's own folder).
 */
function serveManifest(change: (m: Record<string, any>) => void): string {
  const url = new URL('virtual-manifest.json', new URL(MODEL_URL, location.href)).href;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const u = input instanceof Request ? input.url : String(input);
    if (u.endsWith('/missing.onnx')) return new Response('not found', { status: 404, statusText: 'Not Found' });
    if (u === url) {
      const m = await (await realFetch(new URL('manifest.json', new URL(MODEL_URL, location.href)))).json();
      change(m);
      return new Response(JSON.stringify(m), { headers: { 'content-type': 'application/json' } });
    }
    return realFetch(input, init);
  };
  return url;
}

describe('model loading', () => {
  it('names the invalid manifest field, with the code intact across the worker', async () => {
    const e = await failure(createPredictor({ modelUrl: '/test/fixtures/manifests/invalid/' }));
    expect(e.code).toBe('manifest-invalid');
    expect(e.message).toContain('`input.std[1]`');
  });

  it('checks sha256 before creating a session and names the file', async () => {
    const e = await failure(createPredictor({ modelUrl: '/test/fixtures/manifests/bad-sha/manifest.json', backend: 'wasm' }));
    expect(e.code).toBe('model-integrity');
    expect(e.message).toContain('model.onnx');
    expect(e.message).toContain('sha256');
  });

  it('checks the byte count and names the file', async () => {
    const url = serveManifest((m) => {
      m.files[0].bytes += 1;
      m.files = [m.files[0]];
    });
    const e = await failure(createPredictor({ modelUrl: url, backend: 'wasm', worker: false, cache: false }));
    expect(e.code).toBe('model-integrity');
    expect(e.message).toMatch(/is \d+ bytes; the manifest says \d+/);
  });

  it('reports a missing file as model-fetch-failed', async () => {
    const url = serveManifest((m) => {
      m.files = [{ ...m.files[0], path: 'missing.onnx' }];
    });
    const e = await failure(createPredictor({ modelUrl: url, backend: 'wasm', worker: false, cache: false }));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toContain('missing.onnx');
    expect(e.message).toContain('404');
  });

  it('checks the manifest against the model graph', async () => {
    const url = serveManifest((m) => {
      m.input.name = 'pixels';
    });
    const e = await failure(createPredictor({ modelUrl: url, backend: 'wasm', worker: false }));
    expect(e.code).toBe('manifest-invalid');
    expect(e.message).toContain('`input.name` is "pixels"');
  });

  it('finds a wrong output size when the model loads, not at its first prediction', async () => {
    const url = serveManifest((m) => {
      m.output.width = 24;
      m.output.height = 18;
    });
    const e = await failure(createPredictor({ modelUrl: url, backend: 'wasm', worker: false, share: false }));
    expect(e.code).toBe('manifest-invalid');
    expect(e.message).toMatch(/`output` does not match the model: its output log_density has shape \[.*36, 48\]/);
  });

  it('finds a wrong embedding size when the model loads', async () => {
    const url = serveManifest((m) => {
      m.profile.embedding.dim = 8;
      delete m.encoder;
    });
    const e = await failure(createPredictor({ modelUrl: url, backend: 'wasm', worker: false, share: false }));
    expect(e.code).toBe('manifest-invalid');
    expect(e.message).toContain('`profile.embedding.dim`');
  });

  it('loads a second time from Cache Storage with the network gone', async () => {
    await caches.delete(CACHE_NAME);
    const first = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', worker: false });
    const a = await first.predict(await stillBitmap());
    await first.close();

    const modelFolder = new URL(MODEL_URL, location.href).href;
    const requested: string[] = [];
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const u = input instanceof Request ? input.url : String(input);
      if (u.startsWith(modelFolder)) {
        requested.push(u);
        throw new TypeError('Failed to fetch (offline)');
      }
      return realFetch(input, init);
    };
    const progress: LoadProgress[] = [];
    const second = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', worker: false, onProgress: (p) => progress.push(p) });
    const b = await second.predict(await stillBitmap());
    await second.close();
    expect(requested.length).toBeGreaterThan(0); // it did try the network for the manifest
    expect(progress.some((p) => p.status === 'done' && p.fromCache)).toBe(true);
    expect(progress.some((p) => p.status === 'download')).toBe(false);
    expect(correlation(a.density.data, b.density.data)).toBeCloseTo(1, 6);
  });

  it('replaces a damaged cached file by downloading it again', async () => {
    const manifest = await (await realFetch(new URL('manifest.json', new URL(MODEL_URL, location.href)))).json();
    const fileUrl = new URL(manifest.files[0].path, new URL(MODEL_URL, location.href)).href;
    const cache = await caches.open(CACHE_NAME);
    await cache.put(fileUrl, new Response(new Uint8Array(manifest.files[0].bytes)));
    const progress: LoadProgress[] = [];
    const p = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', worker: false, precision: manifest.files[0].precision, onProgress: (e) => progress.push(e) });
    await p.close();
    expect(progress.some((e) => e.status === 'download')).toBe(true);
  });

  it('honours an explicit WASM choice and refuses WebGPU when there is no adapter', async () => {
    const p = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', wasmThreads: 1 });
    expect(p.backend).toBe('wasm');
    await p.close();
    const gpu = Object.getOwnPropertyDescriptor(Navigator.prototype, 'gpu');
    Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
    try {
      const e = await failure(createPredictor({ modelUrl: MODEL_URL, backend: 'webgpu', worker: false }));
      expect(e.code).toBe('no-webgpu');
      // auto falls back to WASM quietly
      const auto = await createPredictor({ modelUrl: MODEL_URL, worker: false });
      expect(auto.backend).toBe('wasm');
      await auto.close();
    } finally {
      delete (navigator as { gpu?: unknown }).gpu;
      if (gpu) expect(Object.getOwnPropertyDescriptor(Navigator.prototype, 'gpu')).toBeDefined();
    }
  });

  it('passes isGazecastError through', () => {
    expect(isGazecastError(new GazecastError('closed', 'x'), 'closed')).toBe(true);
  });
});
