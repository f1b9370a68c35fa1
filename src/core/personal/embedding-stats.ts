/**
 * Aggregating embeddings (per-viewing → a viewer; viewers → a panel) with numbers that say how
 * much to trust the result: how many embeddings back it and how much they disagree.
 */
import { GazecastError } from '../errors';

export interface EmbeddingSummary {
  /** the mean of the inputs: the audience's embedding */
  readonly embedding: readonly number[];
  /** how many embeddings (viewings, or panel members) it averages */
  readonly count: number;
  /** spread of the inputs around their mean: root mean squared Euclidean distance (0 when count is 1) */
  readonly spread: number;
  /** standard error of the mean's position: spread / sqrt(count) */
  readonly standardError: number;
  /** |mean| / standardError: how far the audience stands from the population (the zero
   *  embedding) compared with its own uncertainty; Infinity when spread is 0 */
  readonly signalToNoise: number;
  /** a reading of the above for people */
  readonly consistency: Consistency;
}

/**
 * 'consistent': the viewings agree, the embedding is well determined (signal-to-noise >= 3);
 * 'mixed': usable but noisy (>= 1); 'inconsistent': indistinguishable from noise, so expect
 * little gain over the population; 'single': one viewing, no spread to judge by.
 */
export type Consistency = 'single' | 'consistent' | 'mixed' | 'inconsistent';

export function summariseEmbeddings(embeddings: readonly ArrayLike<number>[]): EmbeddingSummary {
  const n = embeddings.length;
  if (n === 0) throw new GazecastError('invalid-embedding', 'no embeddings to aggregate: the audience needs at least one viewing');
  const dim = embeddings[0]!.length;
  const mean = new Array<number>(dim).fill(0);
  for (const [k, e] of embeddings.entries()) {
    if (e.length !== dim) {
      throw new GazecastError('invalid-embedding', `embedding ${k} has ${e.length} values, the first has ${dim}: they come from different models`);
    }
    for (let i = 0; i < dim; i++) {
      const v = e[i]!;
      if (!Number.isFinite(v)) throw new GazecastError('invalid-embedding', `embedding ${k} has a non-finite value at ${i}`);
      mean[i]! += v / n;
    }
  }
  let sq = 0;
  for (const e of embeddings) for (let i = 0; i < dim; i++) sq += (e[i]! - mean[i]!) ** 2;
  const spread = Math.sqrt(sq / n);
  const standardError = spread / Math.sqrt(n);
  const norm = Math.hypot(...mean);
  const signalToNoise = standardError === 0 ? (norm === 0 ? 0 : Number.POSITIVE_INFINITY) : norm / standardError;
  const consistency: Consistency = n === 1 ? 'single'
    : signalToNoise >= 3 ? 'consistent' : signalToNoise >= 1 ? 'mixed' : 'inconsistent';
  return { embedding: mean, count: n, spread, standardError, signalToNoise, consistency };
}
