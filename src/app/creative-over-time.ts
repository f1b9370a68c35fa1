/**
 * Creative B over time (creatives mode): the whole-video analysis of creative A also analyses
 * audience A on creative B at A's sample times, so the timeline, chart, statistics and exports
 * cover both creatives. A video B is sampled at the same times up to its own end (a shorter B has
 * no values past its end, rather than its last frame repeated); an image B has one prediction,
 * which stands for every time. Pure (no DOM): the alignment and the words that say what B's
 * figures mean; video-analysis.ts runs the predictions.
 */
import { GazecastError, isGazecastError, type Prediction } from '../index';
import { analysedFrameAt } from './analysed-frames';

/** What the analysis needs to know of creative B (an OpenedMedia fits). */
export interface CreativeBMedia {
  readonly name: string;
  readonly kind: 'image' | 'video';
  /** videos; 0 for an image */
  readonly durationS: number;
}

export interface CreativeBAnalysis<M extends CreativeBMedia = CreativeBMedia> {
  /** the creative B and the audience (A) analysed: a result for another creative or audience is not used */
  readonly media: M;
  readonly audienceId: string;
  /**
   * In time order: a video B's frame at each of creative A's sample times up to B's end (the
   * first `frames.length` of A's times); an image B's one prediction (time 0).
   */
  readonly frames: readonly Prediction[];
  /** what B's figures over time mean (shorter, longer, an image), for the status line and the report */
  readonly note: string;
}

/** B's prediction standing for creative A's sample `i`; undefined past the end of a shorter video B. */
export function creativeBAt(b: CreativeBAnalysis, i: number): Prediction | undefined {
  return b.media.kind === 'image' ? b.frames[0] : b.frames[i];
}

/** B's predictions standing for creative A's `samples` sample times (shorter when a video B ends first). */
export function creativeBSeries(b: CreativeBAnalysis, samples: number): Prediction[] {
  const n = b.media.kind === 'image' ? samples : Math.min(samples, b.frames.length);
  return Array.from({ length: n }, (_, i) => creativeBAt(b, i)!);
}

/**
 * The analysed prediction of creative B for B's frame at media time `bTimeMs` (a video B is shown
 * at creative A's time, clamped to its length): the nearest analysed frame when it is within half
 * a sample of that time, else undefined (then the frame shown is predicted on its own).
 */
export function analysedCreativeB(b: CreativeBAnalysis, bTimeMs: number, samplesPerSecond: number): Prediction | undefined {
  return b.media.kind === 'image' ? b.frames[0] : analysedFrameAt(b.frames, bTimeMs, samplesPerSecond);
}

const secs = (s: number): string => `${s.toFixed(1)} s`;

/**
 * What creative B's figures over time are, in words: the same times as creative A; or, for a
 * shorter B, up to its end (and from when it has no values); for a longer B, A's span only; for
 * an image B, its one prediction at every time.
 */
export function creativeBNote(a: { readonly durationS: number }, b: CreativeBMedia, framesB: number, samplesA: number): string {
  if (b.kind === 'image') {
    return `Creative B (${b.name}) is an image: its one prediction stands for every time of creative A, so its lines in the chart are flat.`;
  }
  if (framesB < samplesA) {
    return `Creative B (${b.name}, ${secs(b.durationS)}) is shorter than creative A (${secs(a.durationS)}): it is analysed at the same times up to its end (${framesB} of ${samplesA} frames); past it, creative B has no values.`;
  }
  if (b.durationS > a.durationS + 1e-6) {
    return `Creative B (${b.name}, ${secs(b.durationS)}) is longer than creative A (${secs(a.durationS)}): it is analysed over creative A's ${secs(a.durationS)}, at the same ${samplesA} times.`;
  }
  return `Creative B (${b.name}) is analysed at the same ${samplesA} times as creative A.`;
}

/**
 * Creative B's analysis failed (a damaged file, a frame the browser cannot give): the error with
 * its code kept (else 'media-corrupt'), naming creative B, saying that creative A's analysis is
 * kept and what to do. A cancel (`aborted`) is not a failure and is returned as it is.
 */
export function creativeBFailure(e: unknown, name: string): unknown {
  if (isGazecastError(e, 'aborted')) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new GazecastError(
    isGazecastError(e) ? e.code : 'media-corrupt',
    `Creative B (${name}) could not be analysed: ${why} Creative A's analysis is kept. Re-encode creative B (e.g. ffmpeg -i "${name}" -c:v libx264 -pix_fmt yuv420p fixed.mp4) or open another file as creative B, then analyse again.`,
    { cause: e },
  );
}
