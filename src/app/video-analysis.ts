/**
 * Whole-video analysis: predictions for every audience shown, at 1-10 samples per second, on a
 * second, hidden video element (the one on screen does not move), with progress, time left and
 * cancel. In creatives mode audience A is analysed on creative B too, at the same times
 * (creative-over-time.ts), on a hidden copy of B. The result (`Analysis`) feeds the timeline, the
 * chart, the statistics and the exports.
 */
import { fitAudienceProfile } from '../analysis';
import { isGazecastError, type ModelManifest, type Prediction, type Profile } from '../index';
import { nearestPrediction } from './analysed-frames';
import type { Audience } from './audiences';
import type { ViewMode } from './colors';
import { creativeBFailure, creativeBNote, type CreativeBAnalysis } from './creative-over-time';
import { $ } from './dom';
import type { AppEngine } from './engine';
import { cloneVideo, type OpenedMedia } from './media';

export interface Analysis {
  readonly sps: number;
  readonly timesS: number[];
  readonly byAudience: Map<string, Prediction[]>;
  /** creatives mode: audience A on creative B at the same times (absent until analysed) */
  readonly creativeB?: CreativeBAnalysis<OpenedMedia>;
}

/** The analysis of creative B when it is for this creative B and audience, else null (another file or audience: not shown). */
export function creativeBAnalysis(analysis: Analysis | null, media: OpenedMedia | null, audienceId: string): CreativeBAnalysis<OpenedMedia> | null {
  const b = analysis?.creativeB;
  return b && media && b.media === media && b.audienceId === audienceId ? b : null;
}

/**
 * Creative B was opened, changed or closed: an analysis of the one before no longer applies and is
 * dropped (creative A's stays), and a status line that spoke of creative B says what holds now.
 */
export function forgetCreativeB(app: { analysis: Analysis | null }, stillOpen: boolean): void {
  const an = app.analysis;
  if (!an) return;
  if (an.creativeB) app.analysis = { sps: an.sps, timesS: an.timesS, byAudience: an.byAudience };
  const status = $('analysis-status');
  if (/creative B/i.test(status.textContent ?? '')) {
    status.textContent = stillOpen
      ? 'Creative B changed: creative A\'s analysis is kept; Analyse whole video again to cover the new creative B too.'
      : 'Creative B closed: creative A\'s analysis is kept.';
  }
}

/** The analysed prediction nearest to media time `tMs` for an audience, if any. */
export function nearestAnalysed(analysis: Analysis | null, audId: string, tMs: number): Prediction | undefined {
  return nearestPrediction(analysis?.byAudience.get(audId) ?? [], tMs);
}

/** What the analysis reads from the app and what it sets (the result, and the abort while it runs). */
export interface VideoAnalysisHost {
  readonly media: OpenedMedia | null;
  readonly engine: AppEngine | null;
  readonly manifest: ModelManifest | null;
  analysis: Analysis | null;
  analysisAbort: AbortController | null;
  readonly current: Map<string, Prediction>;
  readonly mode: ViewMode;
  /** creatives mode: creative B, analysed for audience A beside creative A */
  readonly creative: { readonly media: OpenedMedia | null };
  neededAudiences(): Audience[];
  refresh(): Promise<void>;
  renderPanels(): void;
  report(e: unknown): void;
}

/**
 * Audience A on creative B at creative A's sample times: a video B on a hidden copy of it, up to
 * the shorter of the two (the same times as A's, as the sampler lays them out from 0); an image B
 * predicted once. Errors say that creative B failed and what to do; creative A's results are kept
 * by the caller.
 */
async function analyseCreativeB(
  engine: AppEngine, a: OpenedMedia, b: OpenedMedia, audienceId: string, profile: Profile, sps: number, samplesA: number,
  signal: AbortSignal, onProgress: (done: number, total: number) => void,
): Promise<CreativeBAnalysis<OpenedMedia>> {
  let video: HTMLVideoElement | null = null;
  try {
    let frames: Prediction[];
    if (b.kind === 'image') {
      frames = [await engine.predict(b.element, profile, 0)];
    } else {
      video = await cloneVideo(b);
      frames = await engine.analyseVideo(video, profile, sps, signal, ({ done, total }) => onProgress(done, total), a.durationS * 1000);
    }
    return { media: b, audienceId, frames, note: creativeBNote(a, b, frames.length, samplesA) };
  } catch (e) {
    throw signal.aborted ? e : creativeBFailure(e, b.name);
  } finally {
    video?.removeAttribute('src');
    video?.load();
  }
}

export async function analyseWholeVideo(app: VideoAnalysisHost): Promise<void> {
  const media = app.media;
  if (!media || media.kind !== 'video' || !app.engine || !app.manifest) return;
  const sps = Number($<HTMLSelectElement>('sps-select').value);
  const auds = app.neededAudiences();
  const prev = app.analysis && app.analysis.sps === sps ? app.analysis : null;
  const todo = auds.filter((a) => !prev?.byAudience.has(a.id));
  // creatives mode: audience A on creative B too, unless this B was analysed for A at this rate
  const audA = auds[0];
  const creativeB = app.mode === 'creatives' && audA ? app.creative.media : null;
  const keptB = creativeBAnalysis(prev, creativeB, audA?.id ?? '');
  const todoB = creativeB && !keptB ? creativeB : null;
  if (todo.length === 0 && !todoB) { $('analysis-status').textContent = 'Already analysed for these audiences.'; return; }
  const ctrl = new AbortController();
  app.analysisAbort = ctrl;
  const progress = $<HTMLProgressElement>('analysis-progress');
  const status = $('analysis-status');
  $('analyse-btn').hidden = true;
  $('cancel-btn').hidden = false;
  progress.hidden = false;
  progress.value = 0;
  const started = performance.now();
  const byAudience = new Map(prev?.byAudience ?? []);
  let timesS = prev?.timesS ?? [];
  let video: HTMLVideoElement | null = null;
  // one unit of progress per video analysed (an image creative B is one prediction: no unit)
  const units = todo.length + (todoB?.kind === 'video' ? 1 : 0);
  const show = (who: string, k: number, done: number, total: number) => {
    const frac = (k + done / Math.max(1, total)) / units;
    progress.value = frac;
    const elapsed = (performance.now() - started) / 1000;
    const left = frac > 0.01 ? (elapsed / frac) * (1 - frac) : NaN;
    status.textContent = `${who}: frame ${done} of ${total} · ${Math.round(frac * 100)}% · ${Number.isFinite(left) ? `about ${Math.ceil(left)} s left` : 'estimating time left…'}`;
  };
  let keptA = false;
  let inB = false;
  try {
    if (todo.length > 0) video = await cloneVideo(media);
    for (let k = 0; k < todo.length; k++) {
      const aud = todo[k]!;
      const { profile } = fitAudienceProfile(aud, app.manifest);
      const preds = await app.engine.analyseVideo(video!, profile, sps, ctrl.signal, ({ done, total }) => show(`${app.mode === 'creatives' ? 'Creative A · ' : ''}${aud.name}`, k, done, total));
      if (app.media !== media) return;
      byAudience.set(aud.id, preds);
      timesS = preds.map((p) => p.timestampMs / 1000);
    }
    // creative A's results are kept whatever happens to creative B's analysis next
    app.analysis = { sps, timesS, byAudience, ...(keptB ? { creativeB: keptB } : {}) };
    keptA = todo.length > 0;
    let b = keptB;
    if (todoB && audA) {
      inB = true;
      b = await analyseCreativeB(app.engine, media, todoB, audA.id, fitAudienceProfile(audA, app.manifest).profile, sps, timesS.length, ctrl.signal,
        (done, total) => show(`Creative B · ${audA.name}`, todo.length, done, total));
      if (app.media !== media || app.analysis?.byAudience !== byAudience) return;
      app.analysis = { ...app.analysis, creativeB: b };
    }
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const what = b && audA
      ? `${timesS.length} frames of creative A and ${b.media.kind === 'video' ? `${b.frames.length} of creative B` : 'creative B (an image)'} for ${audA.name}`
      : `${timesS.length} frames × ${byAudience.size} audience${byAudience.size > 1 ? 's' : ''}`;
    status.textContent = `Analysed ${what} in ${secs} s.${b ? ` ${b.note}` : ''} Click the strip to jump to a frame.`;
    app.current.clear();
    await app.refresh();
    app.renderPanels();
  } catch (e) {
    const cancelled = isGazecastError(e, 'aborted') || ctrl.signal.aborted;
    if (cancelled) status.textContent = inB ? 'Analysis of creative B cancelled; nothing was kept of it. Creative A\'s analysis is kept.' : 'Analysis cancelled; nothing was kept from the unfinished audience.';
    else {
      // the status line says it stopped (it kept its last progress text before), the message says why
      status.textContent = `Analysis stopped: ${e instanceof Error ? e.message : String(e)}`;
      app.report(e);
    }
    if (keptA && app.media === media) { app.current.clear(); await app.refresh(); app.renderPanels(); }
  } finally {
    video?.removeAttribute('src');
    video?.load();
    app.analysisAbort = null;
    $('analyse-btn').hidden = false;
    $('cancel-btn').hidden = true;
    progress.hidden = true;
  }
}
