/**
 * Where audience A looks more than audience B on the same frame, and how big that difference is.
 *
 * Both density maps are probability distributions over the same grid (same frame, same model),
 * so their difference sums to 0. The size of the difference is stated as the total variation
 * distance: the share of attention that would have to move to turn B's map into A's
 * (0 = identical, 1 = disjoint). It reads directly as "X % of attention is placed differently".
 */
import { GazecastError } from './errors';
import type { DensityMap } from './prediction-types';

/** On the same grid as the two densities (their geometry fields), with a - b in place of probabilities. */
export interface DifferenceMap extends Omit<DensityMap, 'data'> {
  /** a - b per cell, row-major; positive where A looks more */
  readonly data: Float32Array;
  /** total variation distance 0.5 * sum |a - b|, in [0, 1] */
  readonly totalVariation: number;
  /** Pearson correlation of the two maps, in [-1, 1] (1 = same shape); NaN if a map is flat */
  readonly correlation: number;
  /** the largest |a - b| of one cell, to scale a diverging colour map symmetrically */
  readonly maxAbs: number;
  /** centre, in native pixels, of the cell where A exceeds B most, and where B exceeds A most */
  readonly peakA: { x: number; y: number; excess: number };
  readonly peakB: { x: number; y: number; excess: number };
}

export function densityDifference(a: DensityMap, b: DensityMap): DifferenceMap {
  const same =
    a.width === b.width &&
    a.height === b.height &&
    Math.abs(a.x0 - b.x0) < 1e-6 &&
    Math.abs(a.y0 - b.y0) < 1e-6 &&
    Math.abs(a.cellWidth - b.cellWidth) < 1e-6 &&
    Math.abs(a.cellHeight - b.cellHeight) < 1e-6;
  if (!same) {
    throw new GazecastError(
      'density-mismatch',
      `Cannot compare density maps of different grids (${a.width}x${a.height} vs ${b.width}x${b.height}); ` +
        'compare two audiences on the same frame with the same model.',
    );
  }
  const n = a.width * a.height;
  const data = new Float32Array(n);
  let tv = 0, maxAbs = 0, iA = 0, iB = 0;
  let sa = 0, sb = 0;
  for (let k = 0; k < n; k++) {
    const d = a.data[k]! - b.data[k]!;
    data[k] = d;
    tv += Math.abs(d);
    if (Math.abs(d) > maxAbs) maxAbs = Math.abs(d);
    if (d > data[iA]!) iA = k;
    if (d < data[iB]!) iB = k;
    sa += a.data[k]!;
    sb += b.data[k]!;
  }
  const ma = sa / n, mb = sb / n;
  let cov = 0, va = 0, vb = 0;
  for (let k = 0; k < n; k++) {
    const da = a.data[k]! - ma, db = b.data[k]! - mb;
    cov += da * db; va += da * da; vb += db * db;
  }
  const centre = (k: number, excess: number) => ({
    x: a.x0 + ((k % a.width) + 0.5) * a.cellWidth,
    y: a.y0 + (Math.floor(k / a.width) + 0.5) * a.cellHeight,
    excess,
  });
  return {
    width: a.width,
    height: a.height,
    data,
    x0: a.x0,
    y0: a.y0,
    cellWidth: a.cellWidth,
    cellHeight: a.cellHeight,
    totalVariation: Math.min(1, tv / 2),
    correlation: va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN,
    maxAbs,
    peakA: centre(iA, Math.max(0, data[iA]!)),
    peakB: centre(iB, Math.max(0, -data[iB]!)),
  };
}

/**
 * How much two random halves of ONE real audience differ on the same stimulus (validation data,
 * the model's output grid): the noise any A-vs-B difference must rise above before it means
 * something. Shipped by the model in `manifest.metrics.yardstick.overall`
 * (training/gazecast_train/yardstick.py).
 */
export interface Yardstick {
  /** total variation distance between the halves: median and 90th percentile */
  readonly tvdMedian: number;
  readonly tvdP90: number;
  /** correlation of the halves' maps: median and 10th percentile */
  readonly ccMedian: number;
  readonly ccP10: number;
  /** validation frames it was measured on */
  readonly frames: number;
}

/** The yardstick from a manifest's `metrics` (`metrics.yardstick.overall`), or null when the model has none. */
export function yardstickFromMetrics(metrics: unknown): Yardstick | null {
  const o = (metrics as { yardstick?: { overall?: Record<string, unknown> } } | undefined)?.yardstick?.overall;
  if (!o) return null;
  const n = (k: string) => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : NaN);
  const y = { tvdMedian: n('tvd_median'), tvdP90: n('tvd_p90'), ccMedian: n('cc_median'), ccP10: n('cc_p10'), frames: n('frames') };
  return Object.values(y).every(Number.isFinite) && y.tvdP90 > 0 && y.tvdP90 <= 1 ? y : null;
}

/**
 * Plain words for the size of a difference, for the compare panel and the report. "Clearly
 * different" is said only against the model's yardstick: when A and B differ by more than two
 * random halves of one real audience do in 9 of 10 validation images. Without a yardstick the
 * size is stated and not judged.
 */
export function describeDifference(d: Pick<DifferenceMap, 'totalVariation'>, nameA: string, nameB: string, yardstick: Yardstick | null = null): string {
  const pct = Math.round(d.totalVariation * 100);
  const head = `${nameA} and ${nameB}: ${pct}% of attention is placed differently on this frame`;
  if (!yardstick) return `${head} (no yardstick in this model to say whether that is more than chance between groups of viewers).`;
  const noise = `two random halves of one real audience differ by ${Math.round(yardstick.tvdMedian * 100)}% typically and by up to ${Math.round(yardstick.tvdP90 * 100)}% in 9 of 10 test images`;
  return d.totalVariation > yardstick.tvdP90
    ? `${head}: clearly different, more than ${noise}.`
    : `${head}: not clearly different, since ${noise}.`;
}
