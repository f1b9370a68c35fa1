/**
 * One shard of a batch, so a job runner (a CI matrix, a Kubernetes job array) can fan a large
 * batch out over machines: shard i of n (1-based, like Playwright's and Vitest's --shard) takes
 * the items at positions i-1, i-1+n, i-1+2n, … of the sorted list. Every item lands in exactly
 * one shard, and shards differ in size by at most one.
 */
import { GazecastError } from './errors';

export interface Shard {
  /** 1-based */
  readonly index: number;
  readonly count: number;
}

/** "2/4" → { index: 2, count: 4 }; anything else is `invalid-argument`. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(count) && count >= 1 && index >= 1 && index <= count)) {
    throw new GazecastError('invalid-argument', `--shard "${text}": write i/n with 1 <= i <= n, e.g. --shard 2/4 for the second of four shards.`);
  }
  return { index, count };
}

/** The items of one shard, in their order. */
export function takeShard<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}
