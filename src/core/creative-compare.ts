/**
 * Creative A/B: the same audience on two versions of an ad. Areas of interest are matched by
 * name (a "Call to action" on each creative is the same area, wherever it sits), and each pair
 * gets both shares and their difference in percentage points; with the audience's virtual study
 * on each creative, also seen within 1 s / 3 s (Wilson intervals), the difference judged against
 * the panels' noise (`shareDifference`, the one A/B comparison of two panels) and the time to
 * first fixation on each. Pure: no DOM.
 */
import type { AoiStat } from './aoi';
import { DEFAULT_SEEN_WITHIN_MS, shareDifference, type AoiStudyMetrics, type Proportion, type StudyReport } from './study-metrics';
import { formatPercent, formatSeconds, seenWithin } from './study-story';

export interface CreativeAoiRow {
  /** the area's name, as on the creatives (matched case-insensitively, trimmed) */
  readonly name: string;
  /** the area on creative A and on creative B; absent where only one creative has it */
  readonly a?: AoiStat;
  readonly b?: AoiStat;
  /** B's share minus A's, in percentage points; null unless both creatives have the area */
  readonly differencePoints: number | null;
}

const key = (name: string): string => name.trim().toLocaleLowerCase();

/** Two creatives' items with the same name (either may be absent). */
export interface NamedPair<T> {
  /** the name as on creative A (else as on B) */
  readonly name: string;
  /** the item on creative A; absent where only B has the name */
  readonly a?: T;
  /** the item on creative B; absent where only A has the name */
  readonly b?: T;
}

/**
 * The matching of creative A/B (the one both the shares and the virtual studies use): one pair per
 * name (trimmed, any case), in creative A's order and then B's names that A lacks. A name used
 * twice on one creative is matched once (its first item), so a pair never mixes two areas.
 */
export function matchByName<T extends { readonly name: string }>(a: readonly T[], b: readonly T[]): NamedPair<T>[] {
  const firstOf = (items: readonly T[]) => {
    const m = new Map<string, T>();
    for (const s of items) if (!m.has(key(s.name))) m.set(key(s.name), s);
    return m;
  };
  const byA = firstOf(a), byB = firstOf(b);
  const names = [...byA.keys(), ...[...byB.keys()].filter((k) => !byA.has(k))];
  return names.map((k) => {
    const sa = byA.get(k), sb = byB.get(k);
    return { name: (sa ?? sb)!.name, ...(sa ? { a: sa } : {}), ...(sb ? { b: sb } : {}) };
  });
}

/**
 * One row per area name, in creative A's order and then B's areas that A lacks. A name used twice
 * on one creative is matched once (its first area), so a row never mixes two areas.
 */
export function compareCreatives(a: readonly AoiStat[], b: readonly AoiStat[]): CreativeAoiRow[] {
  return matchByName(a, b).map((p) => ({ ...p, differencePoints: p.a && p.b ? (p.b.share - p.a.share) * 100 : null }));
}

/** Plain words for the largest differences, e.g. "“Call to action” gets 8 points more attention on B (19% → 27%)". */
export function describeCreativeDifference(rows: readonly CreativeAoiRow[], audience: string, max = 2): string {
  const both = rows.filter((r) => r.differencePoints !== null && Math.round(r.differencePoints) !== 0);
  if (rows.length === 0) return `Draw areas of interest with the same names on both creatives to compare what ${audience} looks at.`;
  if (both.length === 0) {
    const matched = rows.filter((r) => r.differencePoints !== null).length;
    return matched === 0
      ? 'No area has the same name on both creatives: name them alike (e.g. "Call to action") to compare them.'
      : `For ${audience}, the areas get the same share of attention on both creatives (within 1 point).`;
  }
  const top = [...both].sort((x, y) => Math.abs(y.differencePoints!) - Math.abs(x.differencePoints!)).slice(0, max);
  const pct = (s: number) => `${Math.round(s * 100)}%`;
  return `For ${audience}: ${top
    .map((r) => `“${r.name}” gets ${Math.abs(Math.round(r.differencePoints!))} points ${r.differencePoints! > 0 ? 'more' : 'less'} attention on creative B (${pct(r.a!.share)} → ${pct(r.b!.share)})`)
    .join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------
// The virtual study on each creative
// ---------------------------------------------------------------------------------------------

/** B − A of one share, in percentage points, with Newcombe's 95 % interval (study-metrics' `shareDifference`). */
export interface CreativeShareDifference {
  /** B's share minus A's, percentage points */
  readonly points: number;
  /** the 95 % interval of `points` */
  readonly lowPoints: number;
  readonly highPoints: number;
  /** the interval excludes 0: the creatives differ by more than the two panels' sampling noise */
  readonly beyondNoise: boolean;
}

/** "Seen within T" on each creative and B − A. */
export interface CreativeSeenWithin {
  /** the window, ms: seen within 1 s is 1000 */
  readonly withinMs: number;
  /** share of the panel with its Wilson interval; null where the creative lacks the area or the viewing is shorter than the window */
  readonly a: Proportion | null;
  /** the same on creative B */
  readonly b: Proportion | null;
  /** null unless both are defined */
  readonly difference: CreativeShareDifference | null;
}

/** Median time to first fixation on each creative (among the viewers who fixated the area) and B − A, ms. */
export interface CreativeTimeToFirstFixation {
  /** null where the creative lacks the area or nobody fixated it */
  readonly aMs: number | null;
  /** the same on creative B */
  readonly bMs: number | null;
  /** B − A (negative: seen sooner on B); null unless both exist. Its noise is not judged: the
   *  report keeps quartiles, not each viewer's time (the interquartile ranges are in `a` / `b`) */
  readonly differenceMs: number | null;
}

export interface CreativeStudyRow {
  /** the area's name, matched across the creatives as `compareCreatives` matches it */
  readonly name: string;
  /** the area's study metrics on creative A and on creative B; absent where only one creative has it */
  readonly a?: AoiStudyMetrics;
  /** the same on creative B */
  readonly b?: AoiStudyMetrics;
  /** one entry per window asked (default 1 s and 3 s) */
  readonly seenWithin: readonly CreativeSeenWithin[];
  readonly timeToFirstFixation: CreativeTimeToFirstFixation;
}

/**
 * The audience's virtual study on creative A against its study on creative B, area by area
 * (matched by name, `matchByName`): seen within each window on both with B − A in points and
 * whether that is beyond the panels' noise, and the median time to first fixation on both with
 * B − A. The difference is `shareDifference(b, a)`, the comparison the app makes for two
 * audiences, so "beyond the panels' noise" means the same there and here.
 */
export function compareCreativeStudies(a: StudyReport, b: StudyReport, windowsMs: readonly number[] = DEFAULT_SEEN_WITHIN_MS): CreativeStudyRow[] {
  return matchByName(a.aois, b.aois).map((p) => {
    const seen = windowsMs.map((w): CreativeSeenWithin => {
      const pa = p.a ? seenWithin(p.a, w) : null, pb = p.b ? seenWithin(p.b, w) : null;
      const d = pa && pb ? shareDifference(pb, pa) : null;
      return {
        withinMs: w, a: pa, b: pb,
        difference: d && { points: d.difference * 100, lowPoints: d.low * 100, highPoints: d.high * 100, beyondNoise: d.beyondNoise },
      };
    });
    const ta = p.a?.timeToFirstFixation?.median ?? null, tb = p.b?.timeToFirstFixation?.median ?? null;
    return { ...p, seenWithin: seen, timeToFirstFixation: { aMs: ta, bMs: tb, differenceMs: ta !== null && tb !== null ? tb - ta : null } };
  });
}

/** "+22 points", "−5 points", "no gap". */
export function formatPointsDifference(points: number): string {
  const r = Math.round(points);
  return r === 0 ? 'no gap' : `${r > 0 ? '+' : '−'}${Math.abs(r)} points`;
}

/**
 * The study comparison in words: the largest differences in who sees an area within 1 s / 3 s
 * that are beyond the panels' noise (at most `max`, one per area, each with the times to first
 * fixation), or that no area differs beyond the noise. Empty when no area is on both creatives.
 */
export function describeCreativeStudyDifference(rows: readonly CreativeStudyRow[], audience: string, max = 2): string {
  const both = rows.filter((r) => r.a && r.b);
  if (both.length === 0) return '';
  const n = both[0]!.a!.viewers;
  const best = both.flatMap((r) => {
    const real = r.seenWithin.filter((s) => s.difference?.beyondNoise).sort((x, y) => Math.abs(y.difference!.points) - Math.abs(x.difference!.points));
    return real.length ? [{ r, s: real[0]! }] : [];
  }).sort((x, y) => Math.abs(y.s.difference!.points) - Math.abs(x.s.difference!.points)).slice(0, max);
  if (best.length === 0) {
    return `Virtual study (${n} simulated viewers of ${audience} on each creative): no area is seen within 1 s or 3 s by more viewers on one creative than on the other beyond the panels' noise.`;
  }
  const words = best.map(({ r, s }) => {
    const t = r.timeToFirstFixation;
    const ttff = t.aMs !== null && t.bMs !== null ? `; median first look ${formatSeconds(t.aMs)} on A, ${formatSeconds(t.bMs)} on B` : '';
    return `“${r.name}” is seen within ${s.withinMs / 1000} s by ${formatPercent(s.a!.share)} on creative A and ${formatPercent(s.b!.share)} on B (${formatPointsDifference(s.difference!.points)}, beyond the panels' noise${ttff})`;
  });
  return `Virtual study (${n} simulated viewers of ${audience} on each creative): ${words.join('; ')}.`;
}
