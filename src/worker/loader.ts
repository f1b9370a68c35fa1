/**
 * Model files: downloaded with progress, checked (size, then sha256) before anything uses them,
 * and kept in Cache Storage so a second load works offline. The manifest is fetched network-first
 * (a new model version is picked up as soon as it is deployed) and falls back to its cached copy.
 */
import { GazecastError } from '../core/errors';
import { manifestUrlOf, parseManifestText, type ModelManifest } from '../core/manifest';
import { verifyModelBytes } from '../core/model-io';
import type { LoadProgress } from '../core/runtime-types';

export const CACHE_NAME = 'gazecast-models-v1';

/** Emits progress that never goes backwards (a retry or a cache miss must not move the bar back). */
export class ProgressTracker {
  #last = 0;
  constructor(private readonly sink: ((p: LoadProgress) => void) | undefined) {}
  emit(event: LoadProgress): void {
    const progress = Math.max(this.#last, Math.min(100, event.progress));
    this.#last = progress;
    this.sink?.({ ...event, progress } as LoadProgress);
  }
  get progress(): number {
    return this.#last;
  }
}

async function openCache(enabled: boolean): Promise<Cache | undefined> {
  if (!enabled || typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return undefined; // e.g. an opaque origin: work without a cache
  }
}

export async function loadManifest(
  modelUrl: string,
  useCache: boolean,
  progress: ProgressTracker,
): Promise<{ manifest: ModelManifest; manifestUrl: string }> {
  const url = manifestUrlOf(modelUrl, (globalThis as { location?: Location }).location?.href).href;
  progress.emit({ status: 'manifest', url, progress: 0 });
  const cache = await openCache(useCache);
  let text: string | undefined;
  let networkError: unknown;
  try {
    const res = await fetch(url, { cache: 'no-cache' });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    text = await res.text();
    await cache?.put(url, new Response(text, { headers: { 'content-type': 'application/json' } }));
  } catch (e) {
    networkError = e;
    const cached = await cache?.match(url);
    if (cached) text = await cached.text();
  }
  if (text === undefined) {
    throw new GazecastError('model-fetch-failed', `Could not load the model manifest ${url}: ${(networkError as Error)?.message ?? networkError}`, {
      cause: networkError,
    });
  }
  return { manifest: parseManifestText(text), manifestUrl: url };
}

export interface FileSpec {
  /** path as the manifest lists it (used in messages and events) */
  readonly path: string;
  readonly url: string;
  readonly bytes: number;
  readonly sha256: string;
}

// one integrity check for every home of the engine (src/core/model-io.ts)
const verify = verifyModelBytes;

async function download(file: FileSpec, onBytes: (loaded: number) => void): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(file.url);
  } catch (e) {
    throw new GazecastError('model-fetch-failed', `Could not download model file ${file.path} (${file.url}): ${(e as Error).message}`, { cause: e });
  }
  if (!res.ok || !res.body) {
    throw new GazecastError('model-fetch-failed', `Could not download model file ${file.path} (${file.url}): HTTP ${res.status} ${res.statusText}`);
  }
  // Read into a buffer of the announced size; more bytes than announced is an integrity error
  // straight away rather than an unbounded allocation.
  const out = new Uint8Array(file.bytes);
  const reader = res.body.getReader();
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > file.bytes) {
      await reader.cancel();
      throw new GazecastError('model-integrity', `Model file ${file.path} is larger than the ${file.bytes} bytes the manifest says.`);
    }
    out.set(value, loaded);
    loaded += value.byteLength;
    onBytes(loaded);
  }
  return loaded === file.bytes ? out : out.subarray(0, loaded);
}

/**
 * Reads model files (from Cache Storage when there, else the network), verifying each. Progress
 * runs from the tracker's current value up to `upTo` percent, weighted by bytes.
 */
export async function loadFiles(files: readonly FileSpec[], useCache: boolean, progress: ProgressTracker, upTo: number): Promise<Uint8Array[]> {
  const cache = await openCache(useCache);
  const start = progress.progress;
  const totalBytes = files.reduce((s, f) => s + f.bytes, 0);
  let doneBytes = 0;
  const at = (bytes: number): number => start + ((upTo - start) * (doneBytes + bytes)) / totalBytes;
  const out: Uint8Array[] = [];
  for (const file of files) {
    progress.emit({ status: 'initiate', file: file.path, total: file.bytes, progress: at(0) });
    let data: Uint8Array | undefined;
    let fromCache = false;
    const cached = await cache?.match(file.url);
    if (cached) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      try {
        await verify(file, bytes);
        data = bytes;
        fromCache = true;
      } catch {
        await cache?.delete(file.url); // stale (the model was updated) or damaged: fetch again
      }
    }
    if (!data) {
      data = await download(file, (loaded) =>
        progress.emit({ status: 'download', file: file.path, loaded, total: file.bytes, progress: at(loaded) }),
      );
      await verify(file, data);
      try {
        await cache?.put(file.url, new Response(data.slice().buffer, { headers: { 'content-type': 'application/octet-stream' } }));
      } catch {
        // quota exceeded or storage unavailable: the model still runs, it just is not kept
      }
    }
    doneBytes += file.bytes;
    progress.emit({ status: 'done', file: file.path, fromCache, progress: at(0) });
    out.push(data);
  }
  return out;
}
