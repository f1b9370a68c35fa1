/**
 * Whole-video analysis: predictions for every audience shown, at 1-10 samples per second, on a
 * second, hidden video element (the one on screen does not move), with progress, time left and
 * cancel. The result (`Analysis`) feeds the timeline, the chart, the statistics and the exports.
 */
import { isGazecastError } from '../index';
import type { ModelManifest } from '../index';
import type { Prediction } from '../index';
import { profileFor, type Audience } from './audiences';
import { $ } from './dom';
import type { AppEngine } from './engine';
import { cloneVideo, type OpenedMedia } from './media';

export interface Analysis {
  readonly sps: number;
  readonly timesS: number[];
  readonly byAudience: Map<string, Prediction[]>;
}

/** The analysed prediction nearest to media time `tMs` for an audience, if any. */
export function nearestAnalysed(analysis: Analysis | null, audId: string, tMs: number): Prediction | undefined {
  const list = analysis?.byAudience.get(audId);
  if (!list || list.length === 0) return undefined;
  let best = list[0]!;
  for (const p of list) if (Math.abs(p.timestampMs - tMs) < Math.abs(best.timestampMs - tMs)) best = p;
  return best;
}

/** What the analysis reads from the app and what it sets (the result, and the abort while it runs). */
export interface VideoAnalysisHost {
  readonly media: OpenedMedia | null;
  readonly engine: AppEngine | null;
  readonly manifest: ModelManifest | null;
  analysis: Analysis | null;
  analysisAbort: AbortController | null;
  readonly current: Map<string, Prediction>;
  neededAudiences(): Audience[];
  refresh(): Promise<void>;
  renderPanels(): void;
  report(e: unknown): void;
}

export async function analyseWholeVideo(app: VideoAnalysisHost): Promise<void> {
  const media = app.media;
  if (!media || media.kind !== 'video' || !app.engine || !app.manifest) return;
  const sps = Number($<HTMLSelectElement>('sps-select').value);
  const auds = app.neededAudiences();
  const prev = app.analysis && app.analysis.sps === sps ? app.analysis : null;
  const todo = auds.filter((a) => !prev?.byAudience.has(a.id));
  if (todo.length === 0) { $('analysis-status').textContent = 'Already analysed for these audiences.'; return; }
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
  try {
    video = await cloneVideo(media);
    for (let k = 0; k < todo.length; k++) {
      const aud = todo[k]!;
      const { profile } = profileFor(aud, app.manifest);
      const preds = await app.engine.analyseVideo(video, profile, sps, ctrl.signal, ({ done, total }) => {
        const frac = (k + done / Math.max(1, total)) / todo.length;
        progress.value = frac;
        const elapsed = (performance.now() - started) / 1000;
        const left = frac > 0.01 ? (elapsed / frac) * (1 - frac) : NaN;
        status.textContent = `${aud.name}: frame ${done} of ${total} · ${Math.round(frac * 100)}% · ${Number.isFinite(left) ? `about ${Math.ceil(left)} s left` : 'estimating time left…'}`;
      });
      if (app.media !== media) return;
      byAudience.set(aud.id, preds);
      timesS = preds.map((p) => p.timestampMs / 1000);
    }
    app.analysis = { sps, timesS, byAudience };
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    status.textContent = `Analysed ${timesS.length} frames × ${byAudience.size} audience${byAudience.size > 1 ? 's' : ''} in ${secs} s. Click the strip to jump to a frame.`;
    app.current.clear();
    await app.refresh();
    app.renderPanels();
  } catch (e) {
    if (isGazecastError(e, 'aborted') || ctrl.signal.aborted) status.textContent = 'Analysis cancelled; nothing was kept from the unfinished audience.';
    else {
      // the status line says it stopped (it kept its last progress text before), the message says why
      status.textContent = `Analysis stopped: ${e instanceof Error ? e.message : String(e)}`;
      app.report(e);
    }
  } finally {
    video?.removeAttribute('src');
    video?.load();
    app.analysisAbort = null;
    $('analyse-btn').hidden = false;
    $('cancel-btn').hidden = true;
    progress.hidden = true;
  }
}
