/**
 * The app's virtual eye-tracking studies (issue 14, point 3): every audience shown (A, and B when
 * comparing) gets its study of the open media automatically, one after the other in the
 * background, with progress; a study no longer needed (another file, another audience) is
 * cancelled. The engine gives live frames priority over a study's graph calls
 * (BACKGROUND_MAX_WAIT_MS in src/worker/engine.ts), so the live overlay keeps flowing.
 *
 * In creatives mode audience A is also studied on creative B (issue 16, point 5): the same seed
 * (`profileSeed` of the audience's profile), so both studies reproduce, keyed by creative B's file like creative A's, and
 * cancelled when creative B closes or changes. `studyFor` / `reportFor` are creative A's (the open
 * file), `creativeStudyFor` / `creativeReportFor` creative B's.
 *
 * An image is viewed for 3 s; a video is watched from its start for at most VIDEO_STUDY_MS, on a
 * hidden copy of it, so the one on screen neither moves nor stops. A model without a scanpath
 * graph has no studies: `available` is false and the app hides what needs them.
 */
import type { ModelManifest, VirtualStudy } from '../index';
import { fitAudienceProfile, profileSeed, studyReport, type Aoi, type StudyReport } from '../analysis';
import type { Audience } from './audiences';
import type { ViewMode } from './colors';
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
  readonly mode: ViewMode;
  /** creative B (creatives mode): its media and areas */
  readonly creative: { readonly media: OpenedMedia | null; readonly aois: readonly Aoi[] };
  neededAudiences(): Audience[];
  report(e: unknown): void;
}

/** Which creative a study is of: A, the open file, or B, the second one of creatives mode. */
export type StudyCreative = 'A' | 'B';

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
  /** creative B's file name when the study is of creative B, else null */
  readonly creativeB: string | null;
  /** 0..1 */
  fraction: number;
  readonly startedAt: number;
}

export class VirtualStudies {
  /** finished studies, by creative and audience id (`slot`) */
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

  /** The media of a creative: the open file (A), or creative B while creatives mode shows it. */
  private mediaOf(creative: StudyCreative): OpenedMedia | null {
    if (creative === 'A') return this.app.media;
    return this.app.mode === 'creatives' ? this.app.creative.media : null;
  }

  private keyFor(aud: Audience, creative: StudyCreative): string | null {
    const m = this.mediaOf(creative), manifest = this.app.manifest;
    if (!m || !manifest) return null;
    // the object URL is new for every file opened, so another file (even of the same name) is another study
    return `${m.url}|${aud.id}|${JSON.stringify(fitAudienceProfile(aud, manifest).profile)}`;
  }

  /** The studies the view needs, in the order they run: each audience shown on creative A, then audience A on creative B. */
  private needed(): { aud: Audience; creative: StudyCreative; key: string }[] {
    const auds = this.app.neededAudiences();
    const wanted = [
      ...auds.map((aud) => ({ aud, creative: 'A' as const })),
      ...(this.app.mode === 'creatives' && auds[0] ? [{ aud: auds[0], creative: 'B' as const }] : []),
    ];
    return wanted.flatMap((w) => {
      const key = this.keyFor(w.aud, w.creative);
      return key === null ? [] : [{ ...w, key }];
    });
  }

  private slot(creative: StudyCreative, audienceId: string): string {
    return `${creative}|${audienceId}`;
  }

  private finished(creative: StudyCreative, audienceId: string): AudienceStudy | null {
    const aud = this.app.neededAudiences().find((a) => a.id === audienceId);
    const d = this.done.get(this.slot(creative, audienceId));
    if (!d || !aud || d.key !== this.keyFor(aud, creative)) return null;
    return d;
  }

  /** The finished study of this audience for the open media (creative A), if any. */
  studyFor(audienceId: string): AudienceStudy | null {
    return this.finished('A', audienceId);
  }

  /** The finished study of this audience (A) on creative B, in creatives mode, if any. */
  creativeStudyFor(audienceId: string): AudienceStudy | null {
    return this.finished('B', audienceId);
  }

  /** Its report over creative A's AOIs (cheap: the metrics are linear in the fixations). */
  reportFor(audienceId: string): StudyReport | null {
    return this.reportOf('A', this.studyFor(audienceId), this.app.aois);
  }

  /** The report of its study on creative B, over creative B's AOIs. */
  creativeReportFor(audienceId: string): StudyReport | null {
    return this.reportOf('B', this.creativeStudyFor(audienceId), this.app.creative.aois);
  }

  private reportOf(creative: StudyCreative, s: AudienceStudy | null, areas: readonly Aoi[]): StudyReport | null {
    if (!s) return null;
    // the overlay repaints on every live prediction and reads the comparison: one report per study and set of areas
    const aois = JSON.stringify(areas); // areas are edited in place too (names, shapes): compare by value
    const slot = this.slot(creative, s.audienceId);
    const cached = this.reports.get(slot);
    if (cached && cached.study === s.study && cached.aois === aois) return cached.report;
    const report = studyReport(s.study, areas);
    this.reports.set(slot, { study: s.study, aois, report });
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
    const needed = this.needed();
    if (this.running && !needed.some((n) => n.key === this.running!.key)) this.cancel();
    if (this.running) return;
    const next = needed.find((n) => this.done.get(this.slot(n.creative, n.aud.id))?.key !== n.key && !this.failed.has(n.key));
    if (next) void this.start(next.aud, next.creative, next.key);
  }

  /** Stops the study in progress (a new file, or nothing to study). */
  cancel(): void {
    if (!this.running) return;
    this.running.ctrl.abort();
    this.running = null;
    this.changed(true);
  }

  private async start(aud: Audience, creative: StudyCreative, key: string): Promise<void> {
    const engine = this.app.engine!, manifest = this.app.manifest!, media = this.mediaOf(creative)!;
    const ctrl = new AbortController();
    const run: StudyRun = { audienceId: aud.id, audienceName: aud.name, creativeB: creative === 'B' ? media.name : null, fraction: 0, startedAt: performance.now() };
    this.running = { key, ctrl, run };
    this.changed(true);
    const { profile } = fitAudienceProfile(aud, manifest);
    const options = {
      viewers: STUDY_VIEWERS,
      durationMs: IMAGE_VIEWING_MS,
      // one seed per audience (from its profile, as the command line's), whatever the creative:
      // a study reproduces, on A and on B alike
      seed: profileSeed(profile),
      signal: ctrl.signal,
      onProgress: (p: { steps: number; expectedSteps: number }) => {
        run.fraction = p.expectedSteps > 0 ? p.steps / p.expectedSteps : 0;
        this.changed(false);
      },
    };
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
      this.done.set(this.slot(creative, aud.id), { audienceId: aud.id, study, ms: performance.now() - run.startedAt, key });
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
