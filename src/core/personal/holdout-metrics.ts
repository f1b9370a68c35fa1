/**
 * Scores held-back viewings under a predicted density (log-likelihood and NSS, the field's usual
 * pair), and compares a personal embedding with the population on the same viewings, so the user
 * sees whether personalisation helps for this person — including when it does not.
 */
import type { DensityMap } from '../prediction-types';
import type { GazePoint } from './fixation-density';

/** Cell of a native-pixel point on a DensityMap, clamped to the grid. */
function mapCell(map: DensityMap, p: GazePoint): number {
  const col = Math.min(map.width - 1, Math.max(0, Math.floor((p.x - map.x0) / map.cellWidth)));
  const row = Math.min(map.height - 1, Math.max(0, Math.floor((p.y - map.y0) / map.cellHeight)));
  return row * map.width + col;
}

/** Smallest probability a cell is scored with: float32 densities can underflow to 0. */
const FLOOR = 1e-12;

export interface ViewingScore {
  /** mean over the fixations of log2(p(cell) · cells): bits per fixation above a uniform map
   *  over the frame (0 = no better than uniform) */
  readonly logLikelihood: number;
  /** normalised scanpath saliency: mean of the z-scored map at the fixations */
  readonly nss: number;
  readonly fixations: number;
}

export function scoreViewing(map: DensityMap, points: readonly GazePoint[]): ViewingScore {
  const n = map.width * map.height;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += map.data[i]! / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (map.data[i]! - mean) ** 2 / n;
  const std = Math.sqrt(variance);
  let ll = 0;
  let nss = 0;
  for (const p of points) {
    const v = map.data[mapCell(map, p)]!;
    ll += Math.log2(Math.max(v, FLOOR) * n);
    nss += std > 0 ? (v - mean) / std : 0;
  }
  const k = points.length;
  return { logLikelihood: k > 0 ? ll / k : 0, nss: k > 0 ? nss / k : 0, fixations: k };
}

export interface MetricPair {
  readonly logLikelihood: number;
  readonly nss: number;
}

export interface HoldOutComparison {
  readonly viewings: number;
  readonly fixations: number;
  /** fixation-weighted means over the held-out viewings */
  readonly personal: MetricPair;
  readonly population: MetricPair;
  /** personal − population */
  readonly gain: MetricPair;
  /** standard error of the log-likelihood gain across viewings (0 with one viewing) */
  readonly gainStandardError: number;
  /** held-out viewings where the personal embedding scored the higher log-likelihood */
  readonly viewingsImproved: number;
  /** 'helps': gain > 2 standard errors; 'hurts': gain < −2 standard errors; else 'no-clear-difference' */
  readonly verdict: 'helps' | 'hurts' | 'no-clear-difference';
}

/** Compares paired scores of the same held-out viewings under the personal and population maps. */
export function compareHoldOut(pairs: readonly { personal: ViewingScore; population: ViewingScore }[]): HoldOutComparison {
  const scored = pairs.filter((p) => p.personal.fixations > 0);
  const fixations = scored.reduce((s, p) => s + p.personal.fixations, 0);
  const weighted = (pick: (p: { personal: ViewingScore; population: ViewingScore }) => number): number =>
    fixations === 0 ? 0 : scored.reduce((s, p) => s + pick(p) * p.personal.fixations, 0) / fixations;
  const personal = { logLikelihood: weighted((p) => p.personal.logLikelihood), nss: weighted((p) => p.personal.nss) };
  const population = { logLikelihood: weighted((p) => p.population.logLikelihood), nss: weighted((p) => p.population.nss) };
  const gain = { logLikelihood: personal.logLikelihood - population.logLikelihood, nss: personal.nss - population.nss };
  const diffs = scored.map((p) => p.personal.logLikelihood - p.population.logLikelihood);
  const m = diffs.reduce((s, d) => s + d, 0) / Math.max(1, diffs.length);
  const sd = diffs.length > 1 ? Math.sqrt(diffs.reduce((s, d) => s + (d - m) ** 2, 0) / (diffs.length - 1)) : 0;
  const gainStandardError = diffs.length > 1 ? sd / Math.sqrt(diffs.length) : 0;
  const verdict = diffs.length < 2 ? 'no-clear-difference'
    : gain.logLikelihood > 2 * gainStandardError ? 'helps'
      : gain.logLikelihood < -2 * gainStandardError ? 'hurts' : 'no-clear-difference';
  return {
    viewings: scored.length, fixations, personal, population, gain, gainStandardError,
    viewingsImproved: diffs.filter((d) => d > 0).length, verdict,
  };
}
