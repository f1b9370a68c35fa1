/**
 * Gaze replay of the virtual studies on the stage (issue 14, point 3): the simulated viewers'
 * fixations animated over the picture as a bee swarm (the package's `drawBeeSwarm` and `gazeAt`,
 * the widget's own painter), with play/pause and a scrubber, or the "first fixations" view: the
 * density of where viewers land first, with each viewer's first fixation as a dot.
 *
 * An image's replay has its own clock over the 3 s viewing. A video's follows the video: the
 * play button plays it, the scrubber seeks it, and the swarm shows the viewers' gaze at the frame
 * on screen (the study watched the video from its start). The painters draw in the frame's
 * native pixels, so the stage, the PNG, the report and the burnt-in video show the same swarm.
 */
import { drawBeeSwarm, gazeAt, type DensityMap, type ReplayGaze, type VirtualStudy } from '../index';
import { firstFixationDensity } from '../analysis';
import { $, fmtTime } from './dom';
import type { OverlayPainter } from './exporters';
import { drawHeatmap } from './render';

export type ReplayView = 'prediction' | 'swarm' | 'first';

/** What the replay reads from the app. */
export interface ReplayHost {
  readonly video: HTMLVideoElement | null;
  /** repaints the stages (the replay's frames) */
  paint(): void;
  seek(timeS: number): void;
}

/** The first-fixation density of a study as a DensityMap (cols x rows over the whole frame), for the package's heatmap painter. */
export function firstFixationMap(study: VirtualStudy): DensityMap {
  const d = firstFixationDensity(study);
  return { width: d.cols, height: d.rows, data: Float32Array.from(d.density), x0: 0, y0: 0, cellWidth: d.cellWidth, cellHeight: d.cellHeight };
}

/** Each viewer's first fixation, as swarm dots. */
export function firstFixationGazes(study: VirtualStudy): ReplayGaze[] {
  const out: ReplayGaze[] = [];
  study.viewers.forEach((v, viewer) => {
    const f = v.fixations[0];
    if (f && f.onsetMs < study.durationMs) out.push({ viewer, x: f.x, y: f.y, fixating: true, fixation: 0 });
  });
  return out;
}

/** The swarm at `tMs` of the viewing (ms from the study's start), or the first fixations, drawn in native pixels. */
export function studyPainter(study: VirtualStudy, view: Exclude<ReplayView, 'prediction'>, tMs: number, opacity = 0.75): OverlayPainter {
  return (ctx, unit) => {
    const map = { offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 };
    if (view === 'first') {
      drawHeatmap(ctx, firstFixationMap(study), opacity);
      drawBeeSwarm(ctx, firstFixationGazes(study), map, { radius: 4 * unit });
    } else {
      drawBeeSwarm(ctx, gazeAt(study, tMs), map, { radius: 6 * unit });
    }
  };
}

export class Replay {
  view: ReplayView = 'prediction';
  /** an image's replay clock, ms into the viewing */
  private imageMs = 0;
  private playing = false;
  private raf = 0;
  private lastTick = 0;
  /** the viewing shown: set by the app to the longest study on screen */
  durationMs = 3000;

  constructor(private readonly app: ReplayHost) {
    const view = $<HTMLSelectElement>('replay-view');
    view.addEventListener('change', () => this.setView(view.value as ReplayView));
    $('replay-play').addEventListener('click', () => this.togglePlay());
    $<HTMLInputElement>('replay-scrub').addEventListener('input', (e) => {
      this.setTime((Number((e.target as HTMLInputElement).value) / 1000) * this.durationMs);
    });
  }

  get active(): boolean {
    return this.view !== 'prediction';
  }

  /** ms into the viewing now shown. */
  get timeMs(): number {
    const v = this.app.video;
    return v ? v.currentTime * 1000 : this.imageMs;
  }

  setView(view: ReplayView): void {
    this.view = view;
    $<HTMLSelectElement>('replay-view').value = view;
    if (view !== 'swarm') this.pause();
    // a video's viewers land first on its opening frame (the study watches it from the start)
    if (view === 'first' && this.app.video) this.app.seek(0);
    this.sync();
    this.app.paint();
  }

  setTime(ms: number): void {
    const t = Math.max(0, Math.min(this.durationMs, ms));
    if (this.app.video) this.app.seek(t / 1000);
    else this.imageMs = t;
    this.sync();
    this.app.paint();
  }

  togglePlay(): void {
    if (this.isPlaying()) this.pause();
    else this.play();
  }

  private isPlaying(): boolean {
    const v = this.app.video;
    return v ? !v.paused && !v.ended : this.playing;
  }

  play(): void {
    if (this.view !== 'swarm') this.setView('swarm');
    const v = this.app.video;
    if (v) {
      void v.play();
    } else {
      if (this.imageMs >= this.durationMs) this.imageMs = 0;
      this.playing = true;
    }
    this.kick();
    this.sync();
  }

  pause(): void {
    const v = this.app.video;
    if (v && !v.paused && this.view === 'swarm') v.pause();
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.sync();
  }

  /** A new file: back to the start, paused; a video's swarm follows its playback however it starts. */
  reset(video: HTMLVideoElement | null): void {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.imageMs = 0;
    video?.addEventListener('play', () => this.kick());
    video?.addEventListener('pause', () => this.sync());
    video?.addEventListener('timeupdate', () => this.sync());
    this.sync();
  }

  private kick(): void {
    if (this.view !== 'swarm') return;
    this.lastTick = performance.now();
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(() => this.tick());
  }

  private tick(): void {
    const now = performance.now();
    if (!this.app.video && this.playing) {
      this.imageMs += now - this.lastTick;
      if (this.imageMs >= this.durationMs) {
        this.imageMs = this.durationMs;
        this.playing = false;
      }
    }
    this.lastTick = now;
    this.sync();
    if (this.view === 'swarm') this.app.paint();
    if (this.isPlaying()) this.raf = requestAnimationFrame(() => this.tick());
  }

  /** The length of the viewing shown (the longest study on screen). */
  setDuration(ms: number): void {
    if (ms > 0 && ms !== this.durationMs) {
      this.durationMs = ms;
      this.imageMs = Math.min(this.imageMs, ms);
      this.sync();
    }
  }

  /** The controls' state: button label, scrubber and time. */
  sync(): void {
    const playing = this.isPlaying();
    const btn = $('replay-play');
    btn.textContent = playing ? '❚❚' : '▶';
    btn.setAttribute('aria-label', playing ? 'Pause the gaze replay' : 'Play the gaze replay');
    const t = Math.min(this.timeMs, this.durationMs);
    $<HTMLInputElement>('replay-scrub').value = String(Math.round((t / this.durationMs) * 1000));
    $('replay-time').textContent = `${fmtTime(t / 1000)} / ${fmtTime(this.durationMs / 1000)}`;
    $('replay-controls').hidden = this.view !== 'swarm';
  }

  /** The overlay for `study` in the current view at the time shown (null: the prediction's own overlay). */
  painter(study: VirtualStudy | null, opacity: number, atMs = this.timeMs): OverlayPainter | null {
    if (!this.active || !study) return null;
    return studyPainter(study, this.view as Exclude<ReplayView, 'prediction'>, atMs, opacity);
  }
}
