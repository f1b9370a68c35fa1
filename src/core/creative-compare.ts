/**
 * Creative A/B: the same audience on two versions of an ad. Areas of interest are matched by
 * name (a "Call to action" on each creative is the same area, wherever it sits), and each pair
 * gets both shares and their difference in percentage points. Pure: no DOM.
 */
import type { AoiStat } from './aoi';

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

/**
 * One row per area name, in creative A's order and then B's areas that A lacks. A name used twice
 * on one creative is matched once (its first area), so a row never mixes two areas.
 */
export function compareCreatives(a: readonly AoiStat[], b: readonly AoiStat[]): CreativeAoiRow[] {
  const firstOf = (stats: readonly AoiStat[]) => {
    const m = new Map<string, AoiStat>();
    for (const s of stats) if (!m.has(key(s.name))) m.set(key(s.name), s);
    return m;
  };
  const byA = firstOf(a), byB = firstOf(b);
  const names = [...byA.keys(), ...[...byB.keys()].filter((k) => !byA.has(k))];
  return names.map((k) => {
    const sa = byA.get(k), sb = byB.get(k);
    return {
      name: (sa ?? sb)!.name,
      ...(sa ? { a: sa } : {}),
      ...(sb ? { b: sb } : {}),
      differencePoints: sa && sb ? (sb.share - sa.share) * 100 : null,
    };
  });
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
