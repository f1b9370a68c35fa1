/**
 * The prediction loop: keeps the app's predictions for the frame on screen (`current`, by audience
 * id) up to date and asks for a repaint when they change. Two halves of one job, kept together
 * because they hand over to each other on every play and pause:
 * - paused, or an image: `refresh()` predicts the frame for each audience shown (taking the
 *   whole-video analysis's prediction or the one already on screen where they fit the time), and
 *   audience A on creative B in creatives mode; one refresh at a time, a newer request waiting;
 * - playing: the package's `startLive`, one session per audience shown (newest frame wins,
 *   smoothed), restarted when the audiences change and stopped on pause, end and a new file.
 *
 * Its own state is the loop's bookkeeping (the refresh in flight, the live sessions, which
 * audiences were warned about dropped values). `current` stays the app's, because the painters,
 * panels, studies and exports all read it; this module is the only one that writes it.
 */
import { fitAudienceProfile } from '../analysis';
import type { LiveSession, ModelManifest, Prediction } from '../index';
import type { Audience } from './audiences';
import type { ViewMode } from './colors';
import { analysedFrameAt } from './analysed-frames';
import { analysedCreativeB } from './creative-over-time';
import type { CreativeB } from './creatives';
import { $ } from './dom';
import type { AppEngine } from './engine';
import type { OpenedMedia } from './media';
import { creativeBAnalysis, type Analysis } from './video-analysis';

/** What the loop reads from the app, the one thing it writes (`current`) and what it asks of it. */
export interface PredictionLoopHost {
  readonly engine: AppEngine | null;
  readonly manifest: ModelManifest | null;
  readonly mode: ViewMode;
  readonly media: OpenedMedia | null;
  readonly video: HTMLVideoElement | null;
  readonly aId: string;
  /** the whole-video analysis, whose predictions are used where they fit the time */
  readonly analysis: Analysis | null;
  /** creative B (creatives mode): audience A is predicted on it too */
  readonly creative: Pick<CreativeB, 'media' | 'predict'>;
  /** predictions for the frame on screen, by audience id (written here only) */
  current: Map<string, Prediction>;
  audience(id: string | null): Audience | undefined;
  neededAudiences(): Audience[];
  nowMs(): number;
  /** the video's frame copied for stage B (compare mode) */
  copyFrame(): void;
  paint(): void;
  renderPanels(): void;
  showMessage(text: string, kind: 'error' | 'info'): void;
  report(e: unknown): void;
}

export class PredictionLoop {
  /** The live sessions while the video plays: one per audience shown, keyed by their ids. */
  live: { readonly video: HTMLVideoElement; readonly key: string; readonly sessions: readonly LiveSession[] } | null = null;
  /** live predictions shown so far (the e2e test counts them) */
  livePredictions = 0;
  private panelsTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshSeq = 0;
  private readonly warnedAudiences = new Set<string>();
  private busy = false;
  private pending = false;

  constructor(private readonly app: PredictionLoopHost) {}

  /** Brings the predictions for the frame on screen up to date, then repaints. */
  async refresh(): Promise<void> {
    const app = this.app;
    if (!app.media) return;
    const playing = app.video && !app.video.paused && !app.video.ended ? app.video : null;
    if (playing) { this.ensureLive(playing); return; } // live mode keeps the overlay current
    // a seek in progress has no frame to predict yet ('frame-invalid'); its 'seeked' refreshes
    if (app.video?.seeking) return;
    if (this.busy) { this.pending = true; return; }
    const seq = ++this.refreshSeq;
    const media = app.media;
    const tMs = app.nowMs();
    this.busy = true;
    try {
      if (media.kind === 'video') app.copyFrame();
      const next = new Map<string, Prediction>();
      for (const aud of app.neededAudiences()) {
        const cached = app.current.get(aud.id);
        const analysed = app.analysis ? analysedFrameAt(app.analysis.byAudience.get(aud.id) ?? [], tMs, app.analysis.sps) : undefined;
        if (analysed) { next.set(aud.id, analysed); continue; }
        if (cached && Math.abs(cached.timestampMs - tMs) < 1) { next.set(aud.id, cached); continue; }
        if (!app.engine || !app.manifest) continue;
        if (!app.current.has(aud.id)) {
          const stage = aud.id === app.aId ? 'stage-a' : 'stage-b';
          $(stage).querySelector('.cap-info')!.textContent = 'predicting…';
        }
        const { profile, dropped } = fitAudienceProfile(aud, app.manifest);
        if (dropped.length > 0 && !this.warnedAudiences.has(aud.id)) {
          this.warnedAudiences.add(aud.id);
          app.showMessage(`“${aud.name}” was saved with values this model does not support (${dropped.join(', ')}); they are left out of its predictions.`, 'info');
        }
        const p = await app.engine.predict(media.element, profile, tMs);
        if (app.media !== media) return;
        next.set(aud.id, p);
      }
      // creatives mode: audience A on creative B too, at the same media time
      const audA = app.audience(app.aId);
      if (app.mode === 'creatives' && app.creative.media && app.engine && app.manifest && audA) {
        // the whole-video analysis's prediction of B's frame, when it has one (creative-over-time.ts)
        const analysedB = creativeBAnalysis(app.analysis, app.creative.media, audA.id);
        await app.creative.predict(app.engine, audA.id, fitAudienceProfile(audA, app.manifest).profile, tMs / 1000,
          analysedB ? (bMs) => analysedCreativeB(analysedB, bMs, app.analysis!.sps) : undefined);
        if (app.media !== media) return;
      }
      if (seq === this.refreshSeq && app.media === media) {
        app.current = next;
        app.paint();
        app.renderPanels();
      }
    } catch (e) {
      app.report(e);
    } finally {
      this.busy = false;
      if (this.pending) { this.pending = false; void this.refresh(); }
    }
  }

  /**
   * While playing, predictions come from the package's `startLive`: one prediction per displayed
   * frame as fast as the engine allows, the newest frame winning over ones that wait, and the
   * density smoothed over time (so the overlay does not flicker). Restarted when the audiences
   * shown change; stopped on pause, end and a new file.
   */
  private ensureLive(v: HTMLVideoElement): void {
    const app = this.app;
    if (!app.engine || !app.manifest) return;
    const auds = app.neededAudiences();
    const key = auds.map((a) => a.id).join('|');
    if (this.live?.video === v && this.live.key === key) return;
    this.stopLive();
    const manifest = app.manifest;
    const sessions = auds.map((aud) =>
      app.engine!.startLive(v, fitAudienceProfile(aud, manifest).profile, (p) => this.showLive(v, aud.id, p), (e) => app.report(e)),
    );
    this.live = { video: v, key, sessions };
  }

  stopLive(): void {
    for (const s of this.live?.sessions ?? []) s.stop();
    this.live = null;
  }

  private showLive(v: HTMLVideoElement, audId: string, p: Prediction): void {
    const app = this.app;
    if (this.live?.video !== v || app.video !== v) return;
    this.livePredictions++;
    app.current.set(audId, p);
    if (app.mode === 'compare') app.copyFrame();
    app.paint();
    // the tables and story follow at a calmer pace than the overlay
    this.panelsTimer ??= setTimeout(() => { this.panelsTimer = null; app.renderPanels(); }, 250);
  }
}
