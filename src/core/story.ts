/**
 * The attention story: a short, plain-language account of what an audience will probably see
 * first, second, third (with shares), and which areas it will probably miss. Built only from
 * AOI statistics, so the same text serves the app, the report and the exports.
 */
import type { AoiStat } from './aoi';

export interface StoryOptions {
  /** how many visited AOIs to narrate in order (default 3) */
  readonly maxSteps?: number;
  /** an AOI with a smaller share than this, or never reached by a predicted fixation, is "probably missed" (default 0.05) */
  readonly missShare?: number;
}

export interface AttentionStory {
  readonly audience: string;
  /** AOIs in predicted visit order (visited ones only) */
  readonly sequence: readonly AoiStat[];
  /** AOIs this audience will probably miss */
  readonly missed: readonly AoiStat[];
  /** the story as sentences */
  readonly sentences: readonly string[];
  readonly text: string;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct > 0 && pct < 1) return '<1%';
  return `${Math.round(pct)}%`;
}

function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function attentionStory(audience: string, stats: readonly AoiStat[], options: StoryOptions = {}): AttentionStory {
  const maxSteps = options.maxSteps ?? 3;
  const missShare = options.missShare ?? 0.05;
  if (stats.length === 0) {
    const s = `Draw areas of interest (headline, logo, product, call to action) to get ${audience}'s attention story.`;
    return { audience, sequence: [], missed: [], sentences: [s], text: s };
  }
  const visited = stats
    .filter((s) => s.firstVisitRank !== null && s.share >= missShare)
    .sort((a, b) => a.firstVisitRank! - b.firstVisitRank! || b.share - a.share);
  const missed = stats.filter((s) => !visited.includes(s)).sort((a, b) => a.share - b.share);
  const sentences: string[] = [];
  const steps = visited.slice(0, maxSteps);
  if (steps.length === 0) {
    sentences.push(`${audience} will probably not look at any of the marked areas.`);
  } else {
    const parts = steps.map((s, i) =>
      i === 0
        ? `${audience} will most likely see ${quote(s.name)} first (${formatShare(s.share)} of attention)`
        : `${quote(s.name)} ${ORDINALS[i] ?? `#${i + 1}`} (${formatShare(s.share)})`,
    );
    sentences.push(`${list(parts)}.`);
    const rest = visited.slice(maxSteps);
    if (rest.length > 0) sentences.push(`Later: ${list(rest.map((s) => `${quote(s.name)} (${formatShare(s.share)})`))}.`);
  }
  if (missed.length > 0) {
    sentences.push(
      `They will probably miss ${list(
        missed.map((s) => `${quote(s.name)} (${formatShare(s.share)})`),
      )}.`,
    );
  }
  const top = [...stats].sort((a, b) => b.share - a.share)[0]!;
  if (steps.length > 0 && top.id !== steps[0]!.id && top.share >= missShare) {
    sentences.push(`${quote(top.name)} holds the most attention overall (${formatShare(top.share)}).`);
  }
  return { audience, sequence: visited, missed, sentences, text: sentences.join(' ') };
}

function quote(name: string): string {
  return `“${name}”`;
}
