/**
 * The report of a virtual eye-tracking study (`VirtualStudy`): per area of interest the figures a
 * real eye-tracking study reports, under the names eye-tracking software uses (Tobii Pro Lab /
 * Tobii Studio: time to first fixation, total fixation duration, fixation count, visit count,
 * percentage fixated), and per study where first fixations land and how attention moves over time.
 * docs/virtual-study.md gives every definition with its formula; the Python twin
 * training/gazecast_train/study_metrics.py implements the same definitions for the model card's
 * calibration, and test/fixtures/study-metrics.json (a hand-computed study) holds both to them.
 *
 * Conventions shared by every metric:
 * - The viewing is the window [0, durationMs). A fixation counts if its onset lies in the window;
 *   one that starts at or after `durationMs` is ignored as if it were not there. Durations are
 *   clipped to the window (a fixation running past the end counts only up to the end).
 * - A fixation is inside an area when its position is (`pointInShape` of aoi.ts, the one test the
 *   whole product uses). Areas are measured independently: a fixation inside two overlapping
 *   areas counts for both.
 * - Shares of viewers come with a Wilson score 95 % interval for the panel size: a panel of 200
 *   virtual viewers estimates a share, and the interval says how far panel noise alone moves it.
 */
import { pointInShape, validateShape, type Aoi, type AoiShape } from './aoi';
import { GazecastError } from './errors';
import type { StudyFixation, VirtualStudy } from './study';

/** The seen-within windows of the product's report, ms: "seen within 1 s", "seen within 3 s". */
export const DEFAULT_SEEN_WITHIN_MS: readonly number[] = [1000, 3000];
/** Width of an attention-over-time bin, ms. */
export const DEFAULT_BIN_MS = 250;
/** Grid of the first-fixation density when none is given (columns x rows over the frame). */
export const DEFAULT_FIRST_FIXATION_GRID: FirstFixationGrid = { cols: 16, rows: 12 };
/** z of a two-sided 95 % normal interval (the 0.975 quantile of the standard normal). */
export const Z95 = 1.959963984540054;

export interface FirstFixationGrid {
  readonly cols: number;
  readonly rows: number;
}

export interface StudyReportOptions {
  /** seen-within windows in ms (each > 0), default [1000, 3000] */
  readonly seenWithinMs?: readonly number[];
  /** attention-over-time bin width in ms (> 0), default 250 */
  readonly binMs?: number;
  /** grid of the first-fixation density, default 16 x 12 */
  readonly grid?: FirstFixationGrid;
}

/** A share of the panel's viewers: `count` of `n`, with its Wilson score 95 % interval. */
export interface Proportion {
  readonly count: number;
  readonly n: number;
  /** count / n */
  readonly share: number;
  /** Wilson score 95 % interval, within [0, 1] */
  readonly low: number;
  readonly high: number;
}

export interface SeenWithin {
  readonly withinMs: number;
  /** share of viewers whose time to first fixation is < withinMs; null when there are no viewers
   *  or the viewing is shorter than the window (it cannot say who would have looked later) */
  readonly seen: Proportion | null;
}

/** Median and quartiles (linear interpolation between order statistics) of a set of times, ms. */
export interface Quartiles {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  /** how many values they summarise */
  readonly n: number;
}

/** Total fixation duration ("dwell time") inside an area, clipped to the viewing. */
export interface Dwell {
  /** mean over all viewers (0 for a viewer who never fixated the area), ms */
  readonly meanMs: number;
  /** mean over the viewers who fixated the area, ms; null when nobody did */
  readonly meanAmongSeersMs: number | null;
  /** summed over viewers, as a share of the panel's total viewing time (viewers x durationMs) */
  readonly shareOfViewing: number;
}

export interface AoiStudyMetrics {
  readonly id: string;
  readonly name: string;
  /** panel size */
  readonly viewers: number;
  /** one entry per seen-within window, in the order asked */
  readonly seenWithin: readonly SeenWithin[];
  /** share of viewers who fixated the area at any time in the viewing ("percentage fixated"); null without viewers */
  readonly seen: Proportion | null;
  /** time to first fixation, ms from the start of the viewing, among the viewers who fixated the
   *  area; null when nobody did (never 0: 0 would mean "at once") */
  readonly timeToFirstFixation: Quartiles | null;
  /** total fixation duration (dwell); null without viewers */
  readonly dwell: Dwell | null;
  /** fixation count: mean number of fixations inside per viewer (all viewers); null without viewers */
  readonly fixationCount: number | null;
  /** visit count: mean number of visits among the viewers who fixated the area; null when nobody did */
  readonly visitCount: number | null;
  /** mean revisits (visits - 1) among the viewers who fixated the area; null when nobody did */
  readonly revisits: number | null;
  /** share of viewers whose first fixation lands inside ("looked here first"); null without viewers */
  readonly firstFixation: Proportion | null;
}

/** Where viewers' first fixations land: a density over a grid of cells on the frame. */
export interface FirstFixationDensity {
  readonly cols: number;
  readonly rows: number;
  /** native pixels */
  readonly cellWidth: number;
  readonly cellHeight: number;
  /** row-major (index row * cols + col): share of the counted first fixations in each cell;
   *  sums to 1, or all 0 when none was counted */
  readonly density: readonly number[];
  /** first fixations that landed on the frame (the ones the density is made of) */
  readonly counted: number;
  /** first fixations that landed off the frame */
  readonly offFrame: number;
  /** viewers with no fixation in the viewing */
  readonly noFixation: number;
}

export interface AttentionOverTime {
  readonly binMs: number;
  /** start of each bin, ms; bin k covers [binStartsMs[k], min(binStartsMs[k] + binMs, durationMs)) */
  readonly binStartsMs: readonly number[];
  /** per area, in the order given: for each bin the share of viewers fixating the area, averaged
   *  over the bin; null without viewers */
  readonly perAoi: readonly { readonly id: string; readonly name: string; readonly shares: readonly number[] | null }[];
}

export interface StudyReport {
  readonly viewers: number;
  readonly durationMs: number;
  readonly aois: readonly AoiStudyMetrics[];
  readonly firstFixations: FirstFixationDensity;
  readonly attentionOverTime: AttentionOverTime;
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

/**
 * Wilson score interval of a binomial share (Wilson 1927): unlike the normal "p ± z·√(p(1-p)/n)"
 * it stays inside [0, 1] and does not collapse to a point at 0 % or 100 %, which matter here
 * (an area nobody of 200 viewers saw is not "certainly never seen").
 */
export function wilsonInterval(count: number, n: number, z: number = Z95): { low: number; high: number } {
  if (!(n > 0) || !Number.isInteger(n) || !Number.isInteger(count) || count < 0 || count > n) {
    throw new GazecastError('invalid-argument', `A Wilson interval needs a whole count between 0 and n > 0; got ${count} of ${n}.`);
  }
  const p = count / n, z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The bounds are exactly 0 and 1 at count 0 and n; rounding must not push them past.
  return { low: count === 0 ? 0 : Math.max(0, centre - half), high: count === n ? 1 : Math.min(1, centre + half) };
}

/** The difference of two panels' shares (A − B) with its 95 % interval. */
export interface ShareDifference {
  /** a.share − b.share */
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  /** the interval excludes 0: the panels differ by more than their sampling noise */
  readonly beyondNoise: boolean;
}

/**
 * A − B for two independent panels (audience A's and B's virtual studies), with Newcombe's
 * hybrid score interval (Newcombe 1998, "Interval estimation for the difference between
 * independent proportions", method 10), built from the two Wilson intervals:
 * [d − √((pA − lA)² + (uB − pB)²), d + √((uA − pA)² + (pB − lB)²)]. It is what lets a report say
 * "seen within 1 s: A 62 %, B 18 %" is a real difference, or that two audiences do not differ
 * beyond the panels' noise.
 */
export function shareDifference(a: Proportion, b: Proportion): ShareDifference {
  const d = a.share - b.share;
  const low = d - Math.hypot(a.share - a.low, b.high - b.share);
  const high = d + Math.hypot(a.high - a.share, b.share - b.low);
  return { difference: d, low: Math.max(-1, low), high: Math.min(1, high), beyondNoise: low > 0 || high < 0 };
}

/** `count` of `n` as a Proportion with its Wilson 95 % interval; null when n = 0. */
export function proportion(count: number, n: number): Proportion | null {
  if (n === 0) return null;
  const { low, high } = wilsonInterval(count, n);
  return { count, n, share: count / n, low, high };
}

/**
 * Quantile q in [0, 1] of ascending values by linear interpolation between order statistics
 * (Hyndman & Fan type 7: R's default, numpy's `quantile`, Excel's PERCENTILE.INC).
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new GazecastError('invalid-argument', 'A quantile of no values is undefined.');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function quartiles(values: readonly number[]): Quartiles | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { median: quantileSorted(s, 0.5), q1: quantileSorted(s, 0.25), q3: quantileSorted(s, 0.75), n: s.length };
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function invalid(message: string): never {
  throw new GazecastError('invalid-argument', message);
}

/**
 * Throws `invalid-argument` naming the first problem: a frame or viewing length that is not a
 * positive finite number, or a fixation with a non-finite position, a negative onset or duration,
 * or out of order (starting before the previous one ended). Metrics of such a study would be
 * quietly wrong, so they are refused.
 */
export function validateStudy(study: VirtualStudy): void {
  // the shape first: a study from JSON or from a caller's code may be anything
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(study) || !isObject(study.frame) || !Array.isArray(study.viewers)) {
    invalid('A virtual study must be an object with frame { width, height }, durationMs and a viewers array.');
  }
  study.viewers.forEach((v: unknown, i) => {
    if (!isObject(v) || !Array.isArray(v.fixations) || !v.fixations.every(isObject)) {
      invalid(`Viewer ${i + 1} of the virtual study must have a fixations array of { x, y, onsetMs, durationMs }.`);
    }
  });
  const { frame, durationMs, viewers } = study as VirtualStudy;
  if (!(frame.width > 0) || !(frame.height > 0) || !Number.isFinite(frame.width) || !Number.isFinite(frame.height)) {
    invalid(`A virtual study's frame must have a positive finite size; got ${frame.width} x ${frame.height}.`);
  }
  if (!(durationMs > 0) || !Number.isFinite(durationMs)) invalid(`A virtual study's durationMs must be a positive finite number of ms; got ${durationMs}.`);
  viewers.forEach((v, i) => {
    let prevEnd = -Infinity;
    v.fixations.forEach((f, k) => {
      const where = `viewer ${i + 1}, fixation ${k + 1}`;
      if (!Number.isFinite(f.x) || !Number.isFinite(f.y)) invalid(`Fixation position is not a finite number (${where}).`);
      if (!(f.onsetMs >= 0) || !Number.isFinite(f.onsetMs)) invalid(`Fixation onset must be a finite number of ms >= 0, got ${f.onsetMs} (${where}).`);
      if (!(f.durationMs >= 0) || !Number.isFinite(f.durationMs)) invalid(`Fixation duration must be a finite number of ms >= 0, got ${f.durationMs} (${where}).`);
      // 1e-6 ms of slack: onsets built as previous onset + duration + saccade may round below
      if (f.onsetMs < prevEnd - 1e-6) invalid(`Fixations must be in time order without overlap: this one starts at ${f.onsetMs} ms, before the previous one ends at ${prevEnd} ms (${where}).`);
      prevEnd = f.onsetMs + f.durationMs;
    });
  });
}

function validateOptions(o: StudyReportOptions): Required<StudyReportOptions> {
  const seenWithinMs = o.seenWithinMs ?? DEFAULT_SEEN_WITHIN_MS;
  const binMs = o.binMs ?? DEFAULT_BIN_MS;
  const grid = o.grid ?? DEFAULT_FIRST_FIXATION_GRID;
  for (const w of seenWithinMs) if (!(w > 0) || !Number.isFinite(w)) invalid(`A seen-within window must be a positive number of ms; got ${w}.`);
  if (!(binMs > 0) || !Number.isFinite(binMs)) invalid(`The attention-over-time bin must be a positive number of ms; got ${binMs}.`);
  if (!Number.isInteger(grid.cols) || !Number.isInteger(grid.rows) || grid.cols < 1 || grid.rows < 1) {
    invalid(`The first-fixation grid needs whole numbers of columns and rows >= 1; got ${grid.cols} x ${grid.rows}.`);
  }
  return { seenWithinMs, binMs, grid };
}

// ---------------------------------------------------------------------------------------------
// Per viewer
// ---------------------------------------------------------------------------------------------

/** The fixations that count: those that start within the viewing (they are in time order). */
function inViewing(fixations: readonly StudyFixation[], durationMs: number): readonly StudyFixation[] {
  const end = fixations.findIndex((f) => f.onsetMs >= durationMs);
  return end < 0 ? fixations : fixations.slice(0, end);
}

/** One viewer's record for one area (the per-participant row eye-tracking software exports). */
export interface ViewerAoiRecord {
  /** onset of the first fixation inside, ms; null when none */
  readonly timeToFirstFixationMs: number | null;
  /** sum of the clipped durations of the fixations inside, ms */
  readonly totalFixationDurationMs: number;
  readonly fixationCount: number;
  /** maximal runs of consecutive fixations inside */
  readonly visitCount: number;
  /** the viewer's first fixation in the viewing lands inside */
  readonly firstFixationInside: boolean;
}

/** One viewer's fixations against one area; `fixations` in time order, the viewing [0, durationMs). */
export function viewerAoiRecord(fixations: readonly StudyFixation[], shape: AoiShape, durationMs: number): ViewerAoiRecord {
  let ttff: number | null = null;
  let dwell = 0, count = 0, visits = 0, wasInside = false;
  const counted = inViewing(fixations, durationMs);
  counted.forEach((f) => {
    const inside = pointInShape(f, shape);
    if (inside) {
      if (ttff === null) ttff = f.onsetMs;
      dwell += Math.min(f.onsetMs + f.durationMs, durationMs) - f.onsetMs;
      count++;
      if (!wasInside) visits++;
    }
    wasInside = inside;
  });
  return {
    timeToFirstFixationMs: ttff,
    totalFixationDurationMs: dwell,
    fixationCount: count,
    visitCount: visits,
    firstFixationInside: counted.length > 0 && pointInShape(counted[0]!, shape),
  };
}

// ---------------------------------------------------------------------------------------------
// Per area, per study
// ---------------------------------------------------------------------------------------------

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function checkAois(aois: readonly Aoi[]): void {
  for (const aoi of aois) {
    try {
      validateShape(aoi.shape);
    } catch (e) {
      // name the area, so the user knows which one to redraw
      if (e instanceof GazecastError) throw new GazecastError('aoi-invalid', `Area "${aoi.name}": ${e.message}`, { cause: e });
      throw e;
    }
  }
}

/** The metrics of one area of interest over the panel (see docs/virtual-study.md). */
export function aoiStudyMetrics(study: VirtualStudy, aoi: Aoi, options: StudyReportOptions = {}): AoiStudyMetrics {
  validateStudy(study);
  checkAois([aoi]);
  return metricsOf(study, aoi, validateOptions(options).seenWithinMs);
}

function metricsOf(study: VirtualStudy, aoi: Aoi, seenWithinMs: readonly number[]): AoiStudyMetrics {
  const n = study.viewers.length;
  const records = study.viewers.map((v) => viewerAoiRecord(v.fixations, aoi.shape, study.durationMs));
  const seers = records.filter((r) => r.timeToFirstFixationMs !== null);
  const ttffs = seers.map((r) => r.timeToFirstFixationMs!);
  const dwells = records.map((r) => r.totalFixationDurationMs);
  return {
    id: aoi.id,
    name: aoi.name,
    viewers: n,
    seenWithin: seenWithinMs.map((w) => ({
      withinMs: w,
      seen: w > study.durationMs ? null : proportion(ttffs.filter((t) => t < w).length, n),
    })),
    seen: proportion(seers.length, n),
    timeToFirstFixation: quartiles(ttffs),
    dwell: n === 0 ? null : {
      meanMs: mean(dwells),
      meanAmongSeersMs: seers.length === 0 ? null : mean(seers.map((r) => r.totalFixationDurationMs)),
      shareOfViewing: dwells.reduce((a, b) => a + b, 0) / (n * study.durationMs),
    },
    fixationCount: n === 0 ? null : mean(records.map((r) => r.fixationCount)),
    visitCount: seers.length === 0 ? null : mean(seers.map((r) => r.visitCount)),
    revisits: seers.length === 0 ? null : mean(seers.map((r) => r.visitCount - 1)),
    firstFixation: proportion(records.filter((r) => r.firstFixationInside).length, n),
  };
}

/**
 * Where first fixations land: each viewer's first fixation in the viewing falls in the grid cell
 * (⌊x·cols/width⌋, ⌊y·rows/height⌋) of the frame; counts are divided by the number that landed
 * on the frame, so the density sums to 1 like a model's density map.
 */
export function firstFixationDensity(study: VirtualStudy, grid: FirstFixationGrid = DEFAULT_FIRST_FIXATION_GRID): FirstFixationDensity {
  validateStudy(study);
  return densityOf(study, validateOptions({ grid }).grid);
}

function densityOf(study: VirtualStudy, { cols, rows }: FirstFixationGrid): FirstFixationDensity {
  const { width: W, height: H } = study.frame;
  const counts = new Array<number>(cols * rows).fill(0);
  let counted = 0, offFrame = 0, noFixation = 0;
  for (const v of study.viewers) {
    const f = inViewing(v.fixations, study.durationMs)[0];
    if (!f) { noFixation++; continue; }
    if (!(f.x >= 0 && f.x < W && f.y >= 0 && f.y < H)) { offFrame++; continue; }
    // min(): x·cols/W may round up to cols for x just below W
    const c = Math.min(cols - 1, Math.floor((f.x * cols) / W));
    const r = Math.min(rows - 1, Math.floor((f.y * rows) / H));
    counts[r * cols + c]!++;
    counted++;
  }
  return {
    cols, rows, cellWidth: W / cols, cellHeight: H / rows,
    density: counts.map((k) => (counted === 0 ? 0 : k / counted)),
    counted, offFrame, noFixation,
  };
}

/**
 * Attention over time: for each area and each bin, the share of viewers fixating the area averaged
 * over the bin — the summed time viewers spend fixating inside during the bin, divided by
 * (viewers x bin length). A viewer fixates the area during [onset, onset + duration) of each
 * fixation inside, clipped to the viewing; the last bin may be shorter than binMs.
 */
export function attentionOverTime(study: VirtualStudy, aois: readonly Aoi[], binMs: number = DEFAULT_BIN_MS): AttentionOverTime {
  validateStudy(study);
  checkAois(aois);
  return timelineOf(study, aois, validateOptions({ binMs }).binMs);
}

function timelineOf(study: VirtualStudy, aois: readonly Aoi[], binMs: number): AttentionOverTime {
  const D = study.durationMs, n = study.viewers.length;
  const nBins = Math.ceil(D / binMs);
  const binStartsMs = Array.from({ length: nBins }, (_, k) => k * binMs);
  const binLength = (k: number) => Math.min((k + 1) * binMs, D) - k * binMs;
  const perAoi = aois.map((aoi) => {
    if (n === 0) return { id: aoi.id, name: aoi.name, shares: null };
    const time = new Array<number>(nBins).fill(0);
    for (const v of study.viewers) {
      for (const f of inViewing(v.fixations, D)) {
        if (!pointInShape(f, aoi.shape)) continue;
        const start = f.onsetMs, end = Math.min(f.onsetMs + f.durationMs, D);
        for (let k = Math.floor(start / binMs); k < nBins && k * binMs < end; k++) {
          time[k]! += Math.max(0, Math.min(end, k * binMs + binLength(k)) - Math.max(start, k * binMs));
        }
      }
    }
    return { id: aoi.id, name: aoi.name, shares: time.map((t, k) => t / (n * binLength(k))) };
  });
  return { binMs, binStartsMs, perAoi };
}

/**
 * The whole report of a virtual study: per area the seen-within shares, time to first fixation,
 * dwell, fixation and visit counts and first-fixation share; per study the first-fixation density
 * and attention over time. Throws `aoi-invalid` for an area with no area (naming it) and
 * `invalid-argument` for a malformed study or options.
 */
export function studyReport(study: VirtualStudy, aois: readonly Aoi[], options: StudyReportOptions = {}): StudyReport {
  validateStudy(study);
  checkAois(aois);
  const o = validateOptions(options);
  return {
    viewers: study.viewers.length,
    durationMs: study.durationMs,
    aois: aois.map((aoi) => metricsOf(study, aoi, o.seenWithinMs)),
    firstFixations: densityOf(study, o.grid),
    attentionOverTime: timelineOf(study, aois, o.binMs),
  };
}
