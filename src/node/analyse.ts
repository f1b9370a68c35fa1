/**
 * `gazecast analyse`: predictions for a batch of images and videos, written as the app writes
 * them — the `gazecast-analysis/1` JSON and the CSVs from the one serialiser in src/core, PNG
 * overlays from the app's painter. One media file at a time is decoded ahead while the engine's
 * sessions work, and a file that fails is reported and skipped, not the whole batch.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { validateShape, type Aoi } from '../core/aoi';
import { GazecastError, isGazecastError } from '../core/errors';
import { analysisToJson, ANALYSIS_SCHEMA, buildAnalysisDocument, type AnalysisAudience, type AnalysisDocument, type AnalysisFrame, type AnalysisStudy } from '../core/export-analysis';
import { aoiCsv, pointsCsv, scanpathsCsv, studyMetricsCsv } from '../core/export-csv';
import { aoiStats } from '../core/aoi';
import type { ModelManifest } from '../core/manifest';
import { letterboxFor } from '../core/model-io';
import type { Prediction, Profile } from '../core/prediction-types';
import { formatProfileString, parseProfileString } from '../core/profile';
import { nameFromTokens } from '../app/audiences';
import { profileSeed } from '../core/scanpath-sampling';
import { baseName } from '../app/exporters';
import { sampleTimes } from '../client/frame-sampler';
import { decodeImage, decodeVideoFrameAt, decodeVideoFrames, imageSize, probeVideo, type Pixels } from './decode-media';
import type { MediaFile } from './media-files';
import type { NativeEngine } from './native-engine';
import { studyImage, type StudySettings } from './study';

export type OutputFormat = 'json' | 'csv' | 'png';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'csv', 'png'];

/** The audiences of `--audience` texts (none: the population, "Everyone", as in the app). */
export function parseAudiences(texts: readonly string[], manifest: ModelManifest): AnalysisAudience[] {
  const list = texts.length > 0 ? texts : [''];
  const seen = new Set<string>();
  return list.map((text) => {
    const tokens = parseProfileString(text, manifest.profile);
    const id = formatProfileString(tokens) || 'everyone';
    if (seen.has(id)) throw new GazecastError('invalid-argument', `--audience "${text}" is given twice.`);
    seen.add(id);
    return { id, name: nameFromTokens(tokens, manifest.profile.tokens.slots), tokens };
  });
}

/**
 * AOIs from a file the app wrote: its analysis JSON (`gazecast-analysis/1`, whose `aois` are
 * taken), or a bare array of AOIs / an object with an `aois` array in the same shape.
 */
export async function readAoiFile(path: string): Promise<Aoi[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new GazecastError('file-not-found', `--aoi ${path}: the file cannot be read (${e instanceof Error ? e.message : String(e)}).`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GazecastError('aoi-invalid', `--aoi ${path}: not JSON (${(e as Error).message}). Give the app's analysis export (${ANALYSIS_SCHEMA}) or a JSON array of AOIs.`, { cause: e });
  }
  const list = Array.isArray(json) ? json : (json as { aois?: unknown } | null)?.aois;
  if (!Array.isArray(list)) {
    throw new GazecastError('aoi-invalid', `--aoi ${path}: no AOIs found. Give the app's analysis export (${ANALYSIS_SCHEMA}, its "aois") or a JSON array of { id, name, shape }.`);
  }
  return list.map((raw, k) => {
    const a = raw as Partial<Aoi> | null;
    if (!a || typeof a.name !== 'string' || !a.shape || (a.shape.kind !== 'rect' && a.shape.kind !== 'polygon')) {
      throw new GazecastError('aoi-invalid', `--aoi ${path}: AOI ${k + 1} needs a name and a shape ({ kind: "rect", x, y, width, height } or { kind: "polygon", points }).`);
    }
    try {
      validateShape(a.shape);
    } catch (e) {
      throw new GazecastError('aoi-invalid', `--aoi ${path}: AOI "${a.name}": ${(e as Error).message}`, { cause: e });
    }
    return { id: typeof a.id === 'string' ? a.id : `aoi-${k + 1}`, name: a.name, shape: a.shape };
  });
}

/**
 * Output names from the inputs' paths (relative to the working directory), computed over the
 * whole list before sharding so every shard names a file alike: `shoots/a.jpg` → `shoots_a`;
 * where two inputs would share a name, the extension is kept (`a-jpg`, `a-png`).
 */
export function outputNames(files: readonly MediaFile[]): Map<string, string> {
  const plain = (f: MediaFile): string => baseName(f.label.replace(/[\\/]+/g, '_'));
  const withExtension = (f: MediaFile): string => `${plain(f)}-${extname(f.label).slice(1).toLowerCase()}`;
  const count = new Map<string, number>();
  for (const f of files) count.set(plain(f), (count.get(plain(f)) ?? 0) + 1);
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const f of files) {
    let name = count.get(plain(f))! > 1 ? withExtension(f) : plain(f);
    // still taken (the same name in two folders outside the working directory): number them in list order
    for (let k = 2; used.has(name); k++) name = `${count.get(plain(f))! > 1 ? withExtension(f) : plain(f)}-${k}`;
    used.add(name);
    names.set(f.path, name);
  }
  return names;
}

export interface AnalyseSettings {
  readonly engine: NativeEngine;
  readonly manifest: ModelManifest;
  readonly audiences: readonly AnalysisAudience[];
  readonly aois: readonly Aoi[];
  readonly formats: ReadonlySet<OutputFormat>;
  readonly outDir: string;
  /** videos: samples per second (the app's default is 5) */
  readonly samplesPerSecond: number;
  /** `--viewers N`: a virtual study per image and audience */
  readonly study?: StudyOptions;
}

export interface StudyOptions extends StudySettings {
  /** `--seed S`, mixed into each audience's own seed (profileSeed of its profile, the app's rule); absent, 0 */
  readonly seed?: number;
}

/**
 * The seed of an audience's study: its profile's own seed (profileSeed, the app's rule, so the
 * same audience gives the app's study here and two audiences' panels are independent) mixed with
 * `--seed`; each study records the seed it used.
 */
export function studySeed(profile: Profile, seed: number | undefined): number {
  return (profileSeed(profile) ^ (seed ?? 0)) >>> 0;
}

interface Analysed {
  readonly doc: AnalysisDocument;
  /** per audience, the prediction the PNG shows, and its frame at native size */
  readonly overlay?: { readonly frame: () => Promise<Pixels>; readonly predictions: readonly Prediction[] };
}

async function predictAll(s: AnalyseSettings, frame: Pixels, width: number, height: number, timestampMs: number): Promise<Prediction[]> {
  return Promise.all(s.audiences.map((a) => s.engine.predict(frame, { frameWidth: width, frameHeight: height, profile: { tokens: a.tokens }, timestampMs })));
}

function frameOf(s: AnalyseSettings, predictions: readonly Prediction[], timestampMs: number): AnalysisFrame {
  return {
    timestampMs,
    results: predictions.map((p, k) => ({ audienceId: s.audiences[k]!.id, points: p.points, aoiStats: aoiStats(p, s.aois) })),
  };
}

function documentFor(s: AnalyseSettings, file: MediaFile, media: { width: number; height: number; durationMs?: number }, frames: AnalysisFrame[], studies?: AnalysisStudy[]): AnalysisDocument {
  return buildAnalysisDocument({
    media: { name: file.label, kind: file.kind, width: media.width, height: media.height, ...(media.durationMs !== undefined ? { durationMs: media.durationMs } : {}) },
    model: { id: s.manifest.id, version: s.manifest.version },
    audiences: s.audiences,
    aois: s.aois,
    frames,
    backend: 'native',
    ...(file.kind === 'video' ? { samplesPerSecond: s.samplesPerSecond } : {}),
    ...(studies ? { studies } : {}),
  });
}

async function analyseImage(s: AnalyseSettings, file: MediaFile): Promise<Analysed> {
  const { width, height } = await imageSize(file.path);
  const lb = letterboxFor(s.manifest, width, height);
  const pixels = await decodeImage(file.path, lb.width, lb.height, s.manifest.input.mean);
  const predictions = await predictAll(s, pixels, width, height, 0);
  let studies: AnalysisStudy[] | undefined;
  if (s.study) {
    const requests = s.audiences.map((a) => ({ profile: { tokens: a.tokens }, seed: studySeed({ tokens: a.tokens }, s.study!.seed) }));
    const done = await studyImage(s.engine, s.manifest, pixels, { width, height }, s.study, requests);
    studies = done.map((study, k) => ({ audienceId: s.audiences[k]!.id, study }));
  }
  return {
    doc: documentFor(s, file, { width, height }, [frameOf(s, predictions, 0)], studies),
    overlay: { frame: () => decodeImage(file.path, width, height, s.manifest.input.mean), predictions },
  };
}

async function analyseVideo(s: AnalyseSettings, file: MediaFile): Promise<Analysed> {
  const info = await probeVideo(file.path);
  const lb = letterboxFor(s.manifest, info.width, info.height);
  const times = sampleTimes(info.durationS, s.samplesPerSecond);
  const pending: Promise<Prediction[]>[] = [];
  const decoded = await decodeVideoFrames(file.path, lb, s.samplesPerSecond, times.length, (frame, k) => {
    const p = predictAll(s, frame, info.width, info.height, times[k]! * 1000);
    p.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    pending.push(p);
  });
  if (decoded === 0) throw new GazecastError('media-corrupt', `${file.label}: ffmpeg decoded no frames.`);
  const all = await Promise.all(pending);
  const frames = all.map((p, k) => frameOf(s, p, times[k]! * 1000));
  // the PNG shows the sampled frame nearest the middle of the video
  const mid = Math.floor((all.length - 1) / 2);
  return {
    doc: documentFor(s, file, { width: info.width, height: info.height, durationMs: info.durationS * 1000 }, frames),
    overlay: { frame: () => decodeVideoFrameAt(file.path, times[mid]!, info.width, info.height), predictions: all[mid]! },
  };
}

/** Analyses one file and writes its outputs; returns the paths written. */
export async function analyseFile(s: AnalyseSettings, file: MediaFile, name: string): Promise<string[]> {
  if (s.study && file.kind === 'video') {
    // refused before any work, so nothing half-done is written for it (see README "Command line")
    throw new GazecastError(
      'media-unsupported',
      `${file.label}: --viewers studies still images only in the command line; a video's virtual study (each fixation on the frame shown at its onset) runs in the app or with predictor.simulateVideo. Analyse the video without --viewers.`,
    );
  }
  const result = file.kind === 'image' ? await analyseImage(s, file) : await analyseVideo(s, file);
  await mkdir(s.outDir, { recursive: true });
  const written: string[] = [];
  const write = async (suffix: string, data: string | Buffer): Promise<void> => {
    const path = join(s.outDir, `${name}${suffix}`);
    await writeFile(path, data);
    written.push(path);
  };
  if (s.formats.has('json')) await write('-analysis.json', analysisToJson(result.doc));
  if (s.formats.has('csv')) {
    await write('-points.csv', pointsCsv(result.doc));
    if (s.aois.length > 0) await write('-aoi.csv', aoiCsv(result.doc));
    // the app's study exports, under the app's names
    if (result.doc.studies) {
      await write('-study-scanpaths.csv', scanpathsCsv(result.doc));
      if (s.aois.length > 0) await write('-study-metrics.csv', studyMetricsCsv(result.doc));
    }
  }
  if (s.formats.has('png') && result.overlay) {
    const { overlayPng } = await import('./overlay-png');
    const frame = await result.overlay.frame();
    for (const [k, p] of result.overlay.predictions.entries()) {
      await write(`-${baseName(s.audiences[k]!.id)}.png`, await overlayPng(frame, p, s.aois));
    }
  }
  return written;
}

export function describeFailure(e: unknown): string {
  return isGazecastError(e) ? `[${e.code}] ${e.message}` : e instanceof Error ? e.message : String(e);
}
