/**
 * Gaze replay of a virtual study: where each simulated viewer's gaze is at a moment of the
 * viewing, as eye-tracking software draws a "bee swarm" (one dot per participant at their current
 * gaze). Pure: the widget and the app animate it by asking for successive times.
 */
import { checkNumber, checkPoint } from './arguments';
import type { StudyViewer, VirtualStudy } from './study';
import { validateStudy } from './study-metrics';

export interface ReplayGaze {
  /** index of the viewer in the study */
  readonly viewer: number;
  /** native pixels */
  readonly x: number;
  readonly y: number;
  /** true during a fixation; false in the saccade after it, before the first fixation (at the start point) or after the last one ends */
  readonly fixating: boolean;
  /** index of the fixation shown, -1 for the start point */
  readonly fixation: number;
}

/** The last fixation of `v` with onset <= t (binary search: onsets never decrease), or -1. */
function lastStarted(v: StudyViewer, tMs: number): number {
  let lo = 0, hi = v.fixations.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (v.fixations[mid]!.onsetMs <= tMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Each viewer's gaze at `tMs` (ms from the start of the viewing): at the fixation in progress;
 * between fixations (a saccade) still at the one just left; before the first fixation at `start`
 * (default the frame centre, where the viewing starts). Viewers whose gaze is not defined (no
 * fixation yet and no start) are left out.
 */
export function gazeAt(study: VirtualStudy, tMs: number, startAt?: { x: number; y: number }): ReplayGaze[] {
  validateStudy(study);
  checkNumber(tMs, 'tMs');
  if (startAt !== undefined) checkPoint(startAt, 'start');
  const start = startAt ?? { x: study.frame.width / 2, y: study.frame.height / 2 };
  const out: ReplayGaze[] = [];
  study.viewers.forEach((v, viewer) => {
    const k = lastStarted(v, tMs);
    if (k < 0) {
      out.push({ viewer, x: start.x, y: start.y, fixating: false, fixation: -1 });
      return;
    }
    const f = v.fixations[k]!;
    out.push({ viewer, x: f.x, y: f.y, fixating: tMs < f.onsetMs + f.durationMs, fixation: k });
  });
  return out;
}
