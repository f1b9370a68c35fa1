import { describe, expect, it } from 'vitest';
import type { AoiStat } from '../../src/core/aoi';
import { compareCreatives, describeCreativeDifference } from '../../src/core/creative-compare';

const stat = (id: string, name: string, share: number, rank: number | null = 1): AoiStat => ({ id, name, share, firstVisitRank: rank, firstPointOrder: rank === null ? null : rank - 1, pointCount: rank === null ? 0 : 1 });

describe('creative A/B: areas matched by name (issue 16)', () => {
  const a = [stat('a1', 'Headline', 0.41, 1), stat('a2', 'Call to action', 0.19, 2), stat('a3', 'Logo', 0.03, null)];
  const b = [stat('b1', 'call to action ', 0.27, 1), stat('b2', 'Headline', 0.36, 2), stat('b3', 'Price', 0.1, 3)];

  it('pairs areas by name (trimmed, any case), A’s order first, then B-only areas', () => {
    const rows = compareCreatives(a, b);
    expect(rows.map((r) => r.name)).toEqual(['Headline', 'Call to action', 'Logo', 'Price']);
    expect(rows[1]!.a!.id).toBe('a2');
    expect(rows[1]!.b!.id).toBe('b1');
    expect(rows[1]!.differencePoints).toBeCloseTo(8, 9);
    expect(rows[0]!.differencePoints).toBeCloseTo(-5, 9);
    expect(rows[2]).toMatchObject({ name: 'Logo', differencePoints: null });
    expect(rows[2]!.b).toBeUndefined();
    expect(rows[3]!.a).toBeUndefined();
  });

  it('matches a name used twice on one creative once', () => {
    const rows = compareCreatives([stat('x', 'Face', 0.2), stat('y', 'Face', 0.1)], [stat('z', 'Face', 0.3)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.a!.id).toBe('x');
  });

  it('states the largest differences in words', () => {
    expect(describeCreativeDifference(compareCreatives(a, b), 'Everyone')).toBe(
      'For Everyone: “Call to action” gets 8 points more attention on creative B (19% → 27%); “Headline” gets 5 points less attention on creative B (41% → 36%).',
    );
    expect(describeCreativeDifference(compareCreatives([stat('a', 'Logo', 0.1)], [stat('b', 'Price', 0.1)]), 'Everyone')).toMatch(/No area has the same name on both creatives/);
    expect(describeCreativeDifference([], 'Everyone')).toMatch(/Draw areas of interest with the same names/);
  });
});
