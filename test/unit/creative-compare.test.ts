import { describe, expect, it } from 'vitest';
import type { AoiStat } from '../../src/core/aoi';
import type { Aoi } from '../../src/core/aoi';
import { compareCreatives, compareCreativeStudies, describeCreativeDifference, describeCreativeStudyDifference } from '../../src/core/creative-compare';
import type { VirtualStudy } from '../../src/core/study';
import { studyReport } from '../../src/core/study-metrics';

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

describe('creative A/B: the virtual study on each creative, areas matched by name (issue 16, point 5)', () => {
  // Hand-built panels of 4 viewers on a 100 x 100 frame, 3 s of viewing.
  // Creative A: "Headline" top left, "Logo" bottom right. Creative B: "headline" top right,
  // "logo" bottom left, "Price" bottom right (B only).
  const rect = (id: string, name: string, x: number, y: number): Aoi => ({ id, name, shape: { kind: 'rect', x, y, width: 50, height: 50 } });
  const fix = (x: number, y: number, onsetMs: number, durationMs = 200) => ({ x, y, onsetMs, durationMs });
  const panel = (viewers: ReturnType<typeof fix>[][]): VirtualStudy => ({ frame: { width: 100, height: 100 }, durationMs: 3000, viewers: viewers.map((fixations) => ({ fixations })) });
  // A: Headline first fixated at 200 and 1500 ms (2 of 4 viewers), Logo by nobody
  const studyA = panel([[fix(10, 10, 200, 300)], [fix(90, 10, 100), fix(10, 10, 1500)], [fix(90, 10, 100)], [fix(90, 10, 300)]]);
  // B: headline first fixated at 100, 150, 400 and 2000 ms; logo at 400, 350, 100 and 300 ms; Price by nobody
  const studyB = panel([
    [fix(70, 10, 100), fix(10, 70, 400)],
    [fix(70, 10, 150, 100), fix(10, 70, 350)],
    [fix(10, 70, 100), fix(70, 10, 400)],
    [fix(10, 70, 300), fix(70, 10, 2000)],
  ]);
  const reportA = studyReport(studyA, [rect('a1', 'Headline', 0, 0), rect('a2', 'Logo', 50, 50)]);
  const reportB = studyReport(studyB, [rect('b1', 'headline', 50, 0), rect('b2', 'logo', 0, 50), rect('b3', 'Price', 50, 50)]);
  const rows = compareCreativeStudies(reportA, reportB);

  it('pairs the areas by name as compareCreatives does, A’s order first', () => {
    expect(rows.map((r) => r.name)).toEqual(['Headline', 'Logo', 'Price']);
    expect(rows.map((r) => [r.a?.id, r.b?.id])).toEqual([['a1', 'b1'], ['a2', 'b2'], [undefined, 'b3']]);
  });

  it('gives seen within 1 s / 3 s on each creative and B − A in points, judged against the panels’ noise', () => {
    const [h1, h3] = rows[0]!.seenWithin;
    // Headline within 1 s: 1 of 4 on A (200 ms), 3 of 4 on B (100, 150, 400 ms) → +50 points;
    // Newcombe: 50 − √((75 − 30.06)² + (69.94 − 25)²) = −13.6: within the noise of two panels of 4
    expect([h1!.withinMs, h1!.a!.count, h1!.b!.count]).toEqual([1000, 1, 3]);
    expect(h1!.difference!.points).toBeCloseTo(50, 9);
    expect(h1!.difference!.lowPoints).toBeCloseTo(-13.56, 1);
    expect(h1!.difference!.beyondNoise).toBe(false);
    // within 3 s: 2 of 4 on A, 4 of 4 on B → +50; 50 − √((100 − 51.01)² + (85.00 − 50)²) = −10.2: noise too
    expect([h3!.withinMs, h3!.a!.count, h3!.b!.count]).toEqual([3000, 2, 4]);
    expect(h3!.difference!.points).toBeCloseTo(50, 9);
    expect(h3!.difference!.lowPoints).toBeCloseTo(-10.2, 1);
    expect(h3!.difference!.beyondNoise).toBe(false);
    // Logo: nobody on A, all 4 within 1 s on B → +100; 100 − √((100 − 51.01)² + (48.99 − 0)²) = 30.7 > 0: beyond the noise
    const [l1, l3] = rows[1]!.seenWithin;
    expect([l1!.a!.count, l1!.b!.count, l3!.a!.count, l3!.b!.count]).toEqual([0, 4, 0, 4]);
    expect(l1!.difference!.points).toBeCloseTo(100, 9);
    expect(l1!.difference!.lowPoints).toBeCloseTo(30.72, 1);
    expect(l1!.difference!.beyondNoise).toBe(true);
    // Price is on B only: B's share (0 of 4), no A, no difference
    expect(rows[2]!.seenWithin.map((s) => [s.a, s.b?.count, s.difference])).toEqual([[null, 0, null], [null, 0, null]]);
  });

  it('gives the median time to first fixation on each creative and B − A', () => {
    // Headline: A (200 + 1500) / 2 = 850 ms, B (150 + 400) / 2 = 275 ms → 575 ms sooner on B
    expect(rows[0]!.timeToFirstFixation).toEqual({ aMs: 850, bMs: 275, differenceMs: -575 });
    // Logo: nobody on A (no time), B (300 + 350) / 2 = 325 ms
    expect(rows[1]!.timeToFirstFixation).toEqual({ aMs: null, bMs: 325, differenceMs: null });
    expect(rows[2]!.timeToFirstFixation).toEqual({ aMs: null, bMs: null, differenceMs: null });
  });

  it('states the differences beyond the noise in words, or that there are none', () => {
    expect(describeCreativeStudyDifference(rows, 'Everyone')).toBe(
      'Virtual study (4 simulated viewers of Everyone on each creative): “Logo” is seen within 1 s by 0 % on creative A and 100 % on B (+100 points, beyond the panels\' noise).',
    );
    expect(describeCreativeStudyDifference(rows.slice(0, 1), 'Everyone')).toBe(
      'Virtual study (4 simulated viewers of Everyone on each creative): no area is seen within 1 s or 3 s by more viewers on one creative than on the other beyond the panels\' noise.',
    );
    expect(describeCreativeStudyDifference(rows.slice(2), 'Everyone')).toBe('');
  });
});
