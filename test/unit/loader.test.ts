import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { GazecastError } from '../../src/core/errors';
import type { LoadProgress } from '../../src/core/runtime-types';
import { loadFiles, ProgressTracker } from '../../src/worker/loader';

const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 251);
const sha = createHash('sha256').update(bytes).digest('hex');

/** fetch that streams `body` in chunks of 1 KiB */
function serve(body: Uint8Array, status = 200): void {
  vi.stubGlobal('fetch', async () => {
    if (status !== 200) return new Response('nope', { status, statusText: 'Not Found' });
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= body.length) return c.close();
        c.enqueue(body.slice(at, at + 1024));
        at += 1024;
      },
    });
    return new Response(stream);
  });
}

async function failure(p: Promise<unknown>): Promise<GazecastError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(GazecastError);
  return e as GazecastError;
}

afterEach(() => vi.unstubAllGlobals());

describe('model file loading (no Cache Storage in Node)', () => {
  const file = { path: 'model.onnx', url: 'http://models.test/m/model.onnx', bytes: bytes.length, sha256: sha };

  it('downloads with progress that never goes backwards and checks the file', async () => {
    serve(bytes);
    const events: LoadProgress[] = [];
    const tracker = new ProgressTracker((p) => events.push(p));
    tracker.emit({ status: 'manifest', url: 'x', progress: 0 });
    const [data] = await loadFiles([file], true, tracker, 90);
    expect(Array.from(data!)).toEqual(Array.from(bytes));
    const downloads = events.filter((e) => e.status === 'download');
    expect(downloads.length).toBe(10);
    expect(downloads.at(-1)).toMatchObject({ loaded: 10_000, total: 10_000, progress: 90 });
    for (let i = 1; i < events.length; i++) expect(events[i]!.progress).toBeGreaterThanOrEqual(events[i - 1]!.progress);
    expect(events.at(-1)).toMatchObject({ status: 'done', fromCache: false });
  });

  it('never reports progress lower than before', () => {
    const seen: number[] = [];
    const t = new ProgressTracker((p) => seen.push(p.progress));
    t.emit({ status: 'session', backend: 'wasm', progress: 50 });
    t.emit({ status: 'initiate', file: 'x', total: 1, progress: 10 });
    t.emit({ status: 'ready', backend: 'wasm', progress: 100 });
    expect(seen).toEqual([50, 50, 100]);
  });

  it('names the file when the sha256 differs', async () => {
    serve(bytes);
    const e = await failure(loadFiles([{ ...file, sha256: '0'.repeat(64) }], false, new ProgressTracker(undefined), 90));
    expect(e.code).toBe('model-integrity');
    expect(e.message).toContain('model.onnx');
    expect(e.message).toContain(sha);
  });

  it('names the file when it is shorter or longer than the manifest says', async () => {
    serve(bytes.slice(0, 9000));
    expect((await failure(loadFiles([file], false, new ProgressTracker(undefined), 90))).message).toMatch(/model\.onnx is 9000 bytes; the manifest says 10000/);
    serve(bytes);
    const e = await failure(loadFiles([{ ...file, bytes: 5000 }], false, new ProgressTracker(undefined), 90));
    expect(e.code).toBe('model-integrity');
    expect(e.message).toMatch(/larger than the 5000 bytes/);
  });

  it('reports HTTP errors as model-fetch-failed', async () => {
    serve(bytes, 404);
    const e = await failure(loadFiles([file], false, new ProgressTracker(undefined), 90));
    expect(e.code).toBe('model-fetch-failed');
    expect(e.message).toContain('404');
  });
});
