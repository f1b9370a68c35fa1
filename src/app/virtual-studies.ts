/**
 * The app's virtual eye-tracking studies (issue 14, point 3): every audience shown (A, and B when
 * comparing) gets its study of the open media automatically, one after the other in the
 * background, with progress; a study no longer needed (another file, another audience) is
 * cancelled. The engine gives live frames priority over a study's graph calls
 * (BACKGROUND_MAX_WAIT_MS in src/worker/engine.ts), so the live overlay keeps flowing.
 *
 * An image is viewed for 3 s; a video is watched from its start for at most VIDEO_STUDY_MS, on a
 * hidden copy of it, so the one on screen neither moves nor stops. A model without a scanpath
 * graph has no studies: `available` is false and the app hides what needs them.
 */
import type { ModelManifest } from '../index';
import type { VirtualStudy } from '../index';
import { audienceSeed, studyReport, type StudyReport } from '../analysis';
import type { Aoi } from '../analysis';
import { profileFor, type Audience } from './audiences';
import type { AppEngine } from './engine';
import { cloneVideo, type OpenedMedia } from './media';

/** simulated viewers per audience (the panel; a 50 % share is then about ±7 points) */
export const STUDY_VIEWERS = 200;
/** how long an image is viewed, ms (the windows reported are 1 s and 3 s) */
export const IMAGE_VIEWING_MS = 3000;
/** a video is watched from its start for at most this long (an ad's opening seconds; a 20-minute video would be 12,000 frames) */
export const VIDEO_STUDY_MS = 10_000;

/** What the studies read from the app. */
export interface StudiesHost {
  readonly engine: AppEngine | null;
  readonly manifest: ModelManifest | null;
  readonly media: OpenedMedia | null;
  readonly aois: readonly Aoi[];
  neededAudiences(): Audience[];
  report(e: unknown): void;
}

/** A finished study and what it was made for. */
export interface AudienceStudy {
  readonly audienceId: string;
  readonly study: VirtualStudy;
  /** wall time of the simulation, ms */
  readonly ms: number;
}

/** The study in progress, for the progress indicator. */
export interface StudyRun {
  readonly audienceId: string;
  readonly audienceName: string;
  /** 0..1 */
  fraction: number;
  readonly startedAt: number;
}

export class VirtualStudies {
  /** finished studies of the open media, by audience id */
  private readonly done = new Map<string, AudienceStudy & { key: string }>();
  private running: { key: string; ctrl: AbortController; run: StudyRun } | null = null;
  /** finished and failed runs, so a failing study is not restarted in a loop */
  private readonly failed = new Set<string>();
  /** studies finished in this page (the e2e test reads them) */
  completed = 0;

  /** `changed(settled)`: progress only (false), or a study started, finished, failed or was cancelled (true) */
  constructor(private readonly app: StudiesHost, private readonly changed: (settled: boolean) => void) {}

  /** The model can run studies (it has a scanpath graph). */
  get available(): boolean {
    return !!this.app.manifest?.scanpath && !!this.app.engine;
  }

  get progress(): StudyRun | null {
    return this.running?.run ?? null;
  }

  private keyFor(aud: Audience): string | null {
    const m = this.app.media, manifest = this.app.manifest;
    if (!m || !manifest) return null;
    // the object URL is new for every file opened, so another file (even of the same name) is another study
    return `${m.url}|${aud.id}|${JSON.stringify(profileFor(aud, manifest).profile)}`;
  }

  /** The finished study of this audience for the open media, if any. */
  studyFor(audienceId: string): AudienceStudy | null {
    const aud = this.app.neededAudiences().find((a) => a.id === audienceId);
    const d = this.done.get(audienceId);
    if (!d || !aud || d.key !== this.keyFor(aud)) return null;
    return d;
  }

  /** Its report over the current AOIs (cheap: the metrics are linear in the fixations). */
  reportFor(audienceId: string): StudyReport | null {
    const s = this.studyFor(audienceId);
    if (!s) return null;
    // the overlay repaints on every live prediction and reads the comparison: one report per study and set of areas
    const aois = JSON.stringify(this.app.aois); // areas are edited in place too (names, shapes): compare by value
    const cached = this.reports.get(audienceId);
    if (cached && cached.study === s.study && cached.aois === aois) return cached.report;
    const report = studyReport(s.study, this.app.aois);
    this.reports.set(audienceId, { study: s.study, aois, report });
    return report;
  }

  private readonly reports = new Map<string, { study: VirtualStudy; aois: string; report: StudyReport }>();

  /**
   * Brings the studies in line with what is shown: cancels a run no audience needs any more and
   * starts the next missing one. Called whenever the media, the audiences or the view change.
   */
  sync(): void {
    if (!this.available) {
      this.cancel();
      return;
    }
    const needed = this.app.neededAudiences().map((a) => ({ a, key: this.keyFor(a) })).filter((x): x is { a: Audience; key: string } => x.key !== null);
    if (this.running && !needed.some((n) => n.key === this.running!.key)) this.cancel();
    if (this.running) return;
    const next = needed.find((n) => this.done.get(n.a.id)?.key !== n.key && !this.failed.has(n.key));
    if (next) void this.start(next.a, next.key);
  }

  /** Stops the study in progress (a new file, or nothing to study). */
  cancel(): void {
    if (!this.running) return;
    this.running.ctrl.abort();
    this.running = null;
    this.changed(true);
  }

  private async start(aud: Audience, key: string): Promise<void> {
    const engine = this.app.engine!, manifest = this.app.manifest!, media = this.app.media!;
    const ctrl = new AbortController();
    const run: StudyRun = { audienceId: aud.id, audienceName: aud.name, fraction: 0, startedAt: performance.now() };
    this.running = { key, ctrl, run };
    this.changed(true);
    const options = {
      viewers: STUDY_VIEWERS,
      durationMs: IMAGE_VIEWING_MS,
      seed: audienceSeed(aud.id),
      signal: ctrl.signal,
      onProgress: (p: { steps: number; expectedSteps: number }) => {
        run.fraction = p.expectedSteps > 0 ? p.steps / p.expectedSteps : 0;
        this.changed(false);
      },
    };
    const { profile } = profileFor(aud, manifest);
    let clone: HTMLVideoElement | null = null;
    try {
      let study: VirtualStudy;
      if (media.kind === 'video') {
        clone = await cloneVideo(media);
        const endMs = Math.min(media.durationS * 1000, VIDEO_STUDY_MS);
        study = await engine.simulateVideo(clone, profile, { ...options, range: { startMs: 0, endMs } });
      } else {
        study = await engine.simulate(media.element as HTMLImageElement, profile, options);
      }
      if (this.running?.key !== key) return; // superseded while finishing
      this.done.set(aud.id, { audienceId: aud.id, study, ms: performance.now() - run.startedAt, key });
      this.completed++;
    } catch (e) {
      if (ctrl.signal.aborted) return;
      this.failed.add(key);
      this.app.report(e);
    } finally {
      if (clone) {
        clone.removeAttribute('src');
        clone.load();
      }
      if (this.running?.key === key) this.running = null;
      if (!ctrl.signal.aborted) {
        this.changed(true);
        this.sync(); // the other audience's study, if it is missing
      }
    }
  }
}
