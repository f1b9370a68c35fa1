/**
 * Finding the analysed frame for a moment of a video: the whole-video analysis samples at 1-10
 * frames per second, and the frame shown (creative A's, or creative B's at A's time) uses an
 * analysed prediction only when one was sampled within half a sample of it. One rule for both
 * creatives and for the exports. Pure (no DOM).
 */
import type { Prediction } from '../index';

/** The prediction of `list` nearest to media time `tMs`, if any. */
export function nearestPrediction(list: readonly Prediction[], tMs: number): Prediction | undefined {
  let best: Prediction | undefined;
  for (const p of list) if (!best || Math.abs(p.timestampMs - tMs) < Math.abs(best.timestampMs - tMs)) best = p;
  return best;
}

/** The analysed prediction standing for the frame at `tMs`: the nearest one when it lies within
 *  half a sample (at `samplesPerSecond`, 1 ms of rounding allowed), else undefined. */
export function analysedFrameAt(list: readonly Prediction[], tMs: number, samplesPerSecond: number): Prediction | undefined {
  const best = nearestPrediction(list, tMs);
  return best && Math.abs(best.timestampMs - tMs) <= 1000 / (2 * samplesPerSecond) + 1 ? best : undefined;
}
