/**
 * The transport bar under the stages: play/pause (the button, and Space on the stage area), the
 * scrubber and the time readout, hidden for an image. It follows whichever video is open: `attach`
 * on every new file. Playing hands the predictions to live mode, pausing stops it, and a pause or
 * a seek asks for the new frame's prediction, all through `TransportHost`; the transport itself
 * keeps no state (the video is the app's, and its position is the video's own).
 */
import { $, fmtTime } from './dom';
import type { PredictionLoop } from './prediction-loop';

/** What the transport reads from the app and what it asks of it. */
export interface TransportHost {
  readonly video: HTMLVideoElement | null;
  /** the timeline's cursor follows the video */
  readonly panels: { readonly timeline: { setCursor(timeS: number): void } };
  /** refresh (the frame after a seek or pause; live mode on play) and stopLive (pause, end) */
  readonly predictions: Pick<PredictionLoop, 'refresh' | 'stopLive'>;
}

export class Transport {
  constructor(private readonly app: TransportHost) {
    $('play-btn').addEventListener('click', () => this.togglePlay());
    const scrub = $<HTMLInputElement>('scrubber');
    scrub.addEventListener('input', () => {
      const v = app.video;
      if (v) this.seek((Number(scrub.value) / 1000) * v.duration);
    });
    $('stage-area').addEventListener('keydown', (e) => {
      if (e.target === $('stage-area') && e.key === ' ' && app.video) { e.preventDefault(); this.togglePlay(); }
    });
  }

  /** Shows the bar for the video just opened (hides it for an image) and follows that video. */
  attach(): void {
    const v = this.app.video;
    const predictions = this.app.predictions;
    $('transport').hidden = !v;
    if (!v) return;
    const scrub = $<HTMLInputElement>('scrubber');
    const play = $('play-btn');
    const update = () => {
      scrub.value = String(Math.round((v.currentTime / v.duration) * 1000));
      $('time-readout').textContent = `${fmtTime(v.currentTime)} / ${fmtTime(v.duration)}`;
      this.app.panels.timeline.setCursor(v.currentTime);
    };
    v.addEventListener('timeupdate', update);
    v.addEventListener('seeked', () => { update(); void predictions.refresh(); });
    v.addEventListener('play', () => { play.textContent = '❚❚'; play.setAttribute('aria-label', 'Pause'); void predictions.refresh(); });
    v.addEventListener('pause', () => { play.textContent = '▶'; play.setAttribute('aria-label', 'Play'); predictions.stopLive(); void predictions.refresh(); });
    v.addEventListener('ended', () => { play.textContent = '▶'; play.setAttribute('aria-label', 'Play'); predictions.stopLive(); });
    update();
  }

  togglePlay(): void {
    const v = this.app.video;
    if (!v) return;
    if (v.paused) void v.play();
    else v.pause();
  }

  seek(timeS: number): void {
    const v = this.app.video;
    if (!v) return;
    v.currentTime = Math.max(0, Math.min(v.duration, timeS));
  }
}
