/**
 * A virtual eye-tracking study: what a panel of simulated viewers of one audience looked at, and
 * when, while viewing one frame. `predictor.simulate()` returns it; `studyReport` in
 * `study-metrics.ts` turns it into the per-area report a real eye-tracking study gives
 * (docs/virtual-study.md has every metric's definition and formula).
 *
 * Coordinates are in the frame's NATIVE pixels (origin top-left, x right, y down), as everywhere
 * in gazecast; times are in ms from the moment the frame appears (t = 0).
 */

/** One fixation of one viewer. */
export interface StudyFixation {
  /** native pixels */
  readonly x: number;
  readonly y: number;
  /** ms from the start of the viewing (the frame appearing) to the start of this fixation, >= 0 */
  readonly onsetMs: number;
  /** ms, >= 0; the viewer fixates here during [onsetMs, onsetMs + durationMs) */
  readonly durationMs: number;
}

/** One simulated viewer. */
export interface StudyViewer {
  /**
   * The viewer's fixations on the frame in the order they happened: onsets never decrease and a
   * fixation starts no earlier than the previous one ends. The start position (where the gaze
   * rests when the frame appears, e.g. a fixation cross) is NOT a fixation on the frame and is not
   * listed; the first entry is the first fixation the viewer makes on the frame. The last one may
   * run past `durationMs` (metrics clip it), and fixations that start at or after `durationMs`
   * are ignored by the metrics.
   */
  readonly fixations: readonly StudyFixation[];
}

/** A panel of simulated viewers of one audience viewing one frame for `durationMs`. */
export interface VirtualStudy {
  /** the frame's native size in pixels */
  readonly frame: { readonly width: number; readonly height: number };
  /** length of the viewing in ms (> 0): every viewer looks at the frame during [0, durationMs) */
  readonly durationMs: number;
  /** the panel, one entry per simulated viewer (may be empty) */
  readonly viewers: readonly StudyViewer[];
  /** the seed of the sampler, when the run was seeded: the same seed gives the same study */
  readonly seed?: number;
  /** the audience's profile tokens (slot key -> value as the model's manifest lists them) */
  readonly profile?: Readonly<Record<string, string>>;
  /** the id of the model (manifest `id`) that simulated the viewers */
  readonly modelId?: string;
}
