/**
 * Model files: downloaded with progress, checked (size, then sha256) before anything uses them,
 * and kept in Cache Storage so a second load works offline. The manifest is fetched network-first
 * (a new model version is picked up as soon as it is deployed) and falls back to its cached copy.
 */
import { GazecastError, isGazecastError } from '../core/errors';
import { manifestUrlOnOrigin, parseManifestText, resolveModelFile, type ModelManifest } from '../core/manifest';
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

/** Bounds and cancellation of the loader's network waits. */
export interface FetchBounds {
  readonly signal?: AbortSignal;
  /** a request that gets no answer, or no new bytes, for this long fails (default 30 s) */
  readonly stallMs?: number;
}

/** How long a model request may go without an answer or a new byte before it counts as failed. */
export const DEFAULT_STALL_MS = 30_000;

/** The page's origin (the worker's is the page's), or undefined outside a browser (Node tests). */
export function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: Location }).location?.origin;
  return origin && origin !== 'null' ? origin : undefined;
}

function abortedError(signal: AbortSignal): GazecastError {
  return new GazecastError('aborted', 'Loading the model was aborted.', { cause: signal.reason });
}

/**
 * Runs `step` (which gets a signal) until it settles, the caller aborts, or nothing happens for
 * `stallMs` (`touch()` restarts that clock); the signal it gets is aborted in the last two cases.
 */
async function bounded<T>(
  bounds: FetchBounds,
  onStall: () => GazecastError,
  step: (signal: AbortSignal, touch: () => void) => Promise<T>,
): Promise<T> {
  const { signal } = bounds;
  if (signal?.aborted) throw abortedError(signal);
  const stallMs = bounds.stallMs ?? DEFAULT_STALL_MS;
  const inner = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fail: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const e = onStall();
      inner.abort(e);
      fail(e);
    }, stallMs);
  };
  const onAbort = (): void => {
    const e = abortedError(signal!);
    inner.abort(e);
    fail(e);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  touch();
  try {
    return await Promise.race([step(inner.signal, touch), failed]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    failed.catch(() => undefined);
  }
}

/** What to tell a user whose model URL does not answer with the model. */
function missingModelHint(url: string): string {
  return `Check that the model folder (its manifest.json and the files it lists) is served at ${new URL('./', url).href}, e.g. copied from node_modules/gazecast/models/ or public/models/ into your site.`;
}

/** A response that is an HTML page (many servers answer a missing file with their index page and status 200). */
function isHtml(res: Response, head?: Uint8Array): boolean {
  if (/^text\/html\b/i.test(res.headers.get('content-type') ?? '')) return true;
  if (!head) return false;
  const start = new TextDecoder().decode(head.subarray(0, 64)).trimStart().toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html');
}

async function openCache(enabled: boolean): Promise<Cache | undefined> {
  if (!enabled || typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return undefined; // e.g. an opaque origin: work without a cache
  }
}

/**
 * The manifest URL of a model URL, refused ('model-off-origin') when it is not on the page's
 * origin: models load only from the page's own origin, so nothing about the user leaves it.
 */
export function checkedManifestUrl(modelUrl: string, origin = pageOrigin()): string {
  return manifestUrlOnOrigin(modelUrl, (globalThis as { location?: Location }).location?.href, origin);
}

export async function loadManifest(
  modelUrl: string,
  useCache: boolean,
  progress: ProgressTracker,
  bounds: FetchBounds = {},
): Promise<{ manifest: ModelManifest; manifestUrl: string }> {
  const url = checkedManifestUrl(modelUrl);
  progress.emit({ status: 'manifest', url, progress: 0 });
  const cache = await openCache(useCache);
  let text: string | undefined;
  let networkError: unknown;
  try {
    text = await bounded(
      bounds,
      () => new GazecastError('model-fetch-failed', `The model manifest ${url} did not arrive within ${(bounds.stallMs ?? DEFAULT_STALL_MS) / 1000} s.`),
      async (signal) => {
        const res = await fetch(url, { cache: 'no-cache', signal });
        if (!res.ok) throw new GazecastError('model-fetch-failed', `There is no model manifest at ${url} (HTTP ${res.status} ${res.statusText}). ${missingModelHint(url)}`);
        if (isHtml(res)) throw new GazecastError('model-fetch-failed', `There is no model manifest at ${url}: the server answered with an HTML page. ${missingModelHint(url)}`);
        const body = await res.text();
        if (isHtml(res, new TextEncoder().encode(body.slice(0, 64)))) {
          throw new GazecastError('model-fetch-failed', `There is no model manifest at ${url}: the server answered with an HTML page. ${missingModelHint(url)}`);
        }
        return body;
      },
    );
    await cache?.put(url, new Response(text, { headers: { 'content-type': 'application/json' } }));
  } catch (e) {
    if (isGazecastError(e, 'aborted')) throw e;
    networkError = e;
    const cached = await cache?.match(url);
    if (cached) text = await cached.text();
  }
  if (text === undefined) {
    if (isGazecastError(networkError)) throw networkError;
    throw new GazecastError('model-fetch-failed', `Could not load the model manifest ${url}: ${(networkError as Error)?.message ?? networkError}. ${missingModelHint(url)}`, {
      cause: networkError,
    });
  }
  return { manifest: parseManifestText(text), manifestUrl: url };
}

/** A file of the manifest as the loader reads it, its URL checked to lie inside the model folder on the page's origin. */
export function fileSpec(manifestUrl: string, f: { path: string; bytes: number; sha256: string }): FileSpec {
  return { path: f.path, url: resolveModelFile(manifestUrl, f.path, pageOrigin()).href, bytes: f.bytes, sha256: f.sha256 };
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

function download(file: FileSpec, onBytes: (loaded: number) => void, bounds: FetchBounds): Promise<Uint8Array> {
  const stalled = (): GazecastError =>
    new GazecastError('model-fetch-failed', `Model file ${file.path} (${file.url}) stalled: no data for ${(bounds.stallMs ?? DEFAULT_STALL_MS) / 1000} s. Check the network and the server, then load again.`);
  return bounded(bounds, stalled, async (signal, touch) => {
    let res: Response;
    try {
      res = await fetch(file.url, { signal });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw new GazecastError('model-fetch-failed', `Could not download model file ${file.path} (${file.url}): ${(e as Error).message}`, { cause: e });
    }
    touch();
    if (!res.ok || !res.body) {
      throw new GazecastError('model-fetch-failed', `Model file ${file.path} is missing at ${file.url} (HTTP ${res.status} ${res.statusText}). ${missingModelHint(file.url)}`);
    }
    if (isHtml(res)) {
      throw new GazecastError('model-fetch-failed', `Model file ${file.path} is missing at ${file.url}: the server answered with an HTML page. ${missingModelHint(file.url)}`);
    }
    // Read into a buffer of the announced size; more bytes than announced is an integrity error
    // straight away rather than an unbounded allocation.
    let out: Uint8Array;
    try {
      out = new Uint8Array(file.bytes);
    } catch (e) {
      throw new GazecastError('model-fetch-failed', `Model file ${file.path} needs ${file.bytes} bytes of memory, more than this page can have.`, { cause: e });
    }
    const reader = res.body.getReader();
    let loaded = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        touch();
        if (done) break;
        if (loaded === 0 && isHtml(res, value)) {
          throw new GazecastError('model-fetch-failed', `Model file ${file.path} is missing at ${file.url}: the server answered with an HTML page. ${missingModelHint(file.url)}`);
        }
        if (loaded + value.byteLength > file.bytes) {
          throw new GazecastError('model-integrity', `Model file ${file.path} is larger than the ${file.bytes} bytes the manifest says.`);
        }
        out.set(value, loaded);
        loaded += value.byteLength;
        onBytes(loaded);
      }
    } catch (e) {
      void reader.cancel().catch(() => undefined);
      if (signal.aborted) throw signal.reason;
      throw e;
    }
    return loaded === file.bytes ? out : out.subarray(0, loaded);
  });
}

/**
 * Reads model files (from Cache Storage when there, else the network), verifying each. Progress
 * runs from the tracker's current value up to `upTo` percent, weighted by bytes.
 */
export async function loadFiles(
  files: readonly FileSpec[],
  useCache: boolean,
  progress: ProgressTracker,
  upTo: number,
  bounds: FetchBounds = {},
): Promise<Uint8Array[]> {
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
      data = await download(
        file,
        (loaded) => progress.emit({ status: 'download', file: file.path, loaded, total: file.bytes, progress: at(loaded) }),
        bounds,
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
