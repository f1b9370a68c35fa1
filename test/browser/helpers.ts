/**
 * Shared pieces of the browser tests: the model under test and its golden outputs (from
 * onnxruntime-node, test/golden/make-golden.mjs), fixtures, and comparisons.
 */
import { expect } from 'vitest';
import { densityFromLogDensity } from '../../src/core/decode';
import { computeLetterbox } from '../../src/core/letterbox';
import type { DensityMap, FixationPoint, Prediction, Profile } from '../../src/core/prediction-types';

/** The shipped model; VITE_TEST_MODEL_URL / VITE_TEST_GOLDEN_URL point the tests at another one. */
export const MODEL_URL: string = import.meta.env.VITE_TEST_MODEL_URL ?? '/models/gazecast-mnv1-s8/';

export interface GoldenCase {
  readonly name: string;
  readonly media: string;
  readonly timeS?: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly profile: Profile;
  readonly file: string;
  readonly precision: string;
  readonly points: FixationPoint[];
  readonly logDensity: number[];
}

export interface GoldenEmbedding {
  readonly observer: string;
  readonly fixations: { x: number; y: number }[];
  readonly embedding: number[];
}

export interface Golden {
  readonly model: { id: string; version: string; files: { path: string; sha256: string }[] };
  readonly output: { width: number; height: number };
  readonly cases: readonly GoldenCase[];
  /** the encoder's embedding of real viewers' fixations on the still, when the model has one */
  readonly encoder?: readonly GoldenEmbedding[];
}

let goldenPromise: Promise<Golden> | undefined;
export function golden(): Promise<Golden> {
  goldenPromise ??= (async () => {
    const manifest = await (await fetch(new URL('manifest.json', new URL(MODEL_URL, location.href)))).json();
    const url = import.meta.env.VITE_TEST_GOLDEN_URL ?? `/test/fixtures/golden-${manifest.id}.json`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`no golden outputs at ${url}: run node test/golden/make-golden.mjs`);
    const g = (await res.json()) as Golden;
    // goldens belong to one exact model: a retrained model needs new ones, not looser tests
    const stale = manifest.files.filter((f: { path: string; sha256: string }) => !g.model.files.some((x) => x.path === f.path && x.sha256 === f.sha256));
    if (stale.length > 0) {
      throw new Error(`${url} was made for other model files than ${stale.map((f: { path: string }) => f.path).join(', ')}: the model changed, run node test/golden/make-golden.mjs`);
    }
    return g;
  })();
  return goldenPromise;
}

export async function goldenCase(name: string): Promise<GoldenCase> {
  const g = await golden();
  const c = g.cases.find((x) => x.name === name);
  if (!c) throw new Error(`golden case ${name} missing`);
  return c;
}

/** The golden log_density renormalised over the frame, as the runtime does. */
export async function goldenDensity(c: GoldenCase): Promise<DensityMap> {
  const g = await golden();
  const { width, height } = (await (await fetch(new URL('manifest.json', new URL(MODEL_URL, location.href)))).json()).input;
  return densityFromLogDensity(c.logDensity, g.output.width, g.output.height, computeLetterbox(c.frameWidth, c.frameHeight, width, height));
}

export const STILL_URL = '/test/fixtures/osie-1020-still.png';
export const VIDEO_URL = '/test/fixtures/osie-1010-pan.mp4';

/** The still's exact pixels (lossless PNG, no colour conversion). */
export async function stillBitmap(): Promise<ImageBitmap> {
  const blob = await (await fetch(STILL_URL)).blob();
  return createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
}

export async function stillImage(): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = STILL_URL;
  await img.decode();
  return img;
}

/** A muted video element in the page, with its first frame loaded. */
export async function fixtureVideo(): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  video.src = VIDEO_URL;
  document.body.append(video);
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
    await new Promise<void>((resolve, reject) => {
      video.addEventListener('loadeddata', () => resolve(), { once: true });
      video.addEventListener('error', () => reject(new Error(`video: ${video.error?.message}`)), { once: true });
    });
  }
  return video;
}

export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Every golden point with real mass has a predicted point near it with about the same mass, and
 * the first predicted fixation is the golden first one. `tolerance` is a fraction of the frame diagonal.
 */
export function expectPointsMatch(pred: Prediction, expected: readonly FixationPoint[], tolerance: number, massTolerance: number): void {
  const diag = Math.hypot(pred.frameWidth, pred.frameHeight);
  for (const g of expected.filter((p) => p.mass >= 0.05)) {
    const near = pred.points.find((p) => Math.hypot(p.x - g.x, p.y - g.y) <= tolerance * diag);
    expect(near, `a point near golden (${g.x}, ${g.y}) mass ${g.mass}; got ${JSON.stringify(pred.points)}`).toBeDefined();
    expect(Math.abs(near!.mass - g.mass)).toBeLessThanOrEqual(massTolerance);
  }
  const first = pred.points[0]!;
  expect(Math.hypot(first.x - expected[0]!.x, first.y - expected[0]!.y)).toBeLessThanOrEqual(tolerance * diag);
}

export async function hasWebGpuAdapter(): Promise<boolean> {
  return Boolean(await navigator.gpu?.requestAdapter().catch(() => null));
}

/** Resolves when `n` predictions arrived (or rejects after `ms`). */
export function collect<T>(n: number, ms: number, start: (push: (v: T) => void) => void): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${out.length} of ${n} in ${ms} ms`)), ms);
    start((v) => {
      out.push(v);
      if (out.length === n) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
}
