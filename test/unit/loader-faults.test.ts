/**
 * The loader's faults: a missing model (404, or an HTML page served with status 200) is
 * model-fetch-failed naming the URL and the fix, never manifest-invalid or model-integrity; a
 * model off the page's origin is refused before any request; a stalled download fails within its
 * bound; an abort ends the load at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { GazecastError } from '../../src/core/errors';
import { checkedManifestUrl, fileSpec, loadFiles, loadManifest, ProgressTracker } from '../../src/worker/loader';
import { contractManifest } from './manifest-fixture';

const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 13) % 251);
const sha = createHash('sha256').update(bytes).digest('hex');
const file = { path: 'model.onnx', url: 'http://app.test/models/m/model.onnx', bytes: bytes.length, sha256: sha };
const INDEX_HTML = '<!doctype html>\n<html><head><title>My app</title></head><body><div id="app"></div></body></html>';

async function failure(p: Promise<unknown>): Promise<GazecastError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(GazecastError);
  return e as GazecastError;
}

function onPage(origin = 'http://app.test'): void {
  vi.stubGlobal('location', { origin, href: `${origin}/app/` });
}

afterEach(() => vi.unstubAllGlobals());

describe('a missing model', () => {
  it('404 manifest: model-fetch-failed with the URL and what to do', async () => {
    vi.stubGlobal('fetch', async () => new Response('Not Found', { status: 404, statusText: 'Not Found' }));
    const e = await failure(loadManifest('http://app.test/models/m/', false, new ProgressTracker(undefined)));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toContain('http://app.test/models/m/manifest.json');
    expect(e.message).toContain('404');
    expect(e.message).toMatch(/model folder .* is served at/);
  });

  it('an HTML page served with 200 instead of the manifest: model-fetch-failed, not manifest-invalid', async () => {
    vi.stubGlobal('fetch', async () => new Response(INDEX_HTML, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const e = await failure(loadManifest('http://app.test/models/m/', false, new ProgressTracker(undefined)));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toContain('HTML page');
    expect(e.message).toContain('http://app.test/models/m/manifest.json');
    // same without a content type
    vi.stubGlobal('fetch', async () => new Response(new TextEncoder().encode(INDEX_HTML)));
    expect((await failure(loadManifest('http://app.test/models/m/', false, new ProgressTracker(undefined)))).code).toBe('model-fetch-failed');
  });

  it('an HTML page served with 200 instead of a model file: model-fetch-failed, not model-integrity', async () => {
    vi.stubGlobal('fetch', async () => new Response(INDEX_HTML, { headers: { 'content-type': 'text/html' } }));
    let e = await failure(loadFiles([file], false, new ProgressTracker(undefined), 90));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toContain(file.url);
    // and when the server sends no content type
    vi.stubGlobal('fetch', async () => new Response(new TextEncoder().encode(INDEX_HTML)));
    e = await failure(loadFiles([file], false, new ProgressTracker(undefined), 90));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toContain('HTML page');
  });

  it('a file that is real bytes of the wrong size is still model-integrity', async () => {
    vi.stubGlobal('fetch', async () => new Response(bytes.slice(0, 1000)));
    expect((await failure(loadFiles([file], false, new ProgressTracker(undefined), 90))).code).toBe('model-integrity');
  });
});

describe('bounded and abortable', () => {
  it('a download that stalls fails within its bound', async () => {
    vi.stubGlobal('fetch', async (_: unknown, init?: RequestInit) => {
      // headers and one chunk, then nothing
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice(0, 100));
        },
      });
      init?.signal?.addEventListener('abort', () => undefined);
      return new Response(stream);
    });
    const t0 = Date.now();
    const e = await failure(loadFiles([file], false, new ProgressTracker(undefined), 90, { stallMs: 200 }));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toMatch(/stalled/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a server that never answers fails within the bound', async () => {
    vi.stubGlobal('fetch', (_: unknown, init?: RequestInit) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))));
    const e = await failure(loadManifest('http://app.test/m/', false, new ProgressTracker(undefined), { stallMs: 200 }));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toContain('did not arrive');
  });

  it('an abort ends the load at once with aborted', async () => {
    vi.stubGlobal('fetch', () => new Promise(() => {}));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const e = await failure(loadFiles([file], false, new ProgressTracker(undefined), 90, { signal: controller.signal }));
    expect(e.code).toBe('aborted');
    const m = await failure(loadManifest('http://app.test/m/', false, new ProgressTracker(undefined), { signal: AbortSignal.abort() }));
    expect(m.code).toBe('aborted');
  });
});

describe('nothing off the page origin or outside the model folder', () => {
  it('refuses a model URL off the page origin before fetching anything', async () => {
    onPage();
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (u: string) => {
      fetched.push(String(u));
      return new Response(JSON.stringify(contractManifest()));
    });
    for (const url of ['http://evil.example/m/', '//evil.example/m/', 'https://app.test/m/']) {
      const e = await failure(loadManifest(url, false, new ProgressTracker(undefined)));
      expect(e.code, url).toBe('model-off-origin');
    }
    expect(fetched).toEqual([]);
    expect(checkedManifestUrl('/models/m/')).toBe('http://app.test/models/m/manifest.json');
  });

  it('resolves each file against the model folder and refuses escapes that reach the loader', () => {
    onPage();
    expect(fileSpec('http://app.test/models/m/manifest.json', { path: 'model.w8.onnx', bytes: 1, sha256: sha }).url).toBe('http://app.test/models/m/model.w8.onnx');
    for (const path of ['\\\\evil.example/x.onnx', '/\\evil.example/x.onnx', '../../x.onnx', '/other/x.onnx', 'http://evil.example/x.onnx']) {
      let code: string | undefined;
      try {
        fileSpec('http://app.test/models/m/manifest.json', { path, bytes: 1, sha256: sha });
      } catch (e) {
        code = (e as GazecastError).code;
      }
      expect(code, path).toBe('model-off-origin');
    }
  });
});
