import { describe, expect, it } from 'vitest';
import { densityDifference, describeDifference, yardstickFromMetrics } from '../../src/core/difference';
import { attentionStory, formatShare } from '../../src/core/story';
import type { AoiStat } from '../../src/core/aoi';
import { isGazecastError } from '../../src/core/errors';
import { makeDensity } from './app-fixtures';

describe('densityDifference', () => {
  it('is zero for identical maps and one for disjoint ones', () => {
    const a = makeDensity(8, 6, 800, 600, (i, j) => 1 + i + j);
    const same = densityDifference(a, a);
    expect(same.totalVariation).toBe(0);
    expect(same.correlation).toBeCloseTo(1, 9);
    const left = makeDensity(8, 6, 800, 600, (_i, j) => (j < 4 ? 1 : 0));
    const right = makeDensity(8, 6, 800, 600, (_i, j) => (j >= 4 ? 1 : 0));
    const d = densityDifference(left, right);
    expect(d.totalVariation).toBeCloseTo(1, 6);
    expect(d.correlation).toBeCloseTo(-1, 6);
  });

  it('states how much attention moved and where A looks more, in native pixels', () => {
    const b = makeDensity(8, 6, 800, 600, () => 1);
    // A moves 10% of the mass from everywhere into cell (2, 5)
    const a = makeDensity(8, 6, 800, 600, (i, j) => (i === 2 && j === 5 ? 1 + 0.1 * 48 / 0.9 : 1));
    const d = densityDifference(a, b);
    const hot = a.data[2 * 8 + 5]! - b.data[2 * 8 + 5]!;
    expect(d.totalVariation).toBeCloseTo(hot, 6);
    expect(d.peakA.x).toBeCloseTo(550, 6);
    expect(d.peakA.y).toBeCloseTo(250, 6);
    expect(d.maxAbs).toBeCloseTo(hot, 6);
    let sum = 0; for (const v of d.data) sum += v;
    expect(sum).toBeCloseTo(0, 5);
    expect(describeDifference(d, 'Women 18-24', 'Men 55+')).toMatch(/Women 18-24 and Men 55\+: \d+% of attention is placed differently/);
  });

  it('refuses maps of different grids with density-mismatch', () => {
    try {
      densityDifference(makeDensity(8, 6, 800, 600, () => 1), makeDensity(8, 5, 800, 500, () => 1));
      expect.unreachable();
    } catch (e) {
      expect(isGazecastError(e, 'density-mismatch')).toBe(true);
    }
  });
});

function stat(id: string, share: number, rank: number | null): AoiStat {
  return { id, name: id, share, firstVisitRank: rank, firstPointOrder: rank === null ? null : rank - 1, pointCount: rank === null ? 0 : 1 };
}

describe('attentionStory', () => {
  it('tells first, second, third with shares and lists the missed AOIs', () => {
    const s = attentionStory('Women 25-34', [stat('logo', 0.02, null), stat('headline', 0.31, 2), stat('product', 0.4, 1), stat('cta', 0.08, 3), stat('price', 0.06, 4)]);
    expect(s.sequence.map((x) => x.id)).toEqual(['product', 'headline', 'cta', 'price']);
    expect(s.missed.map((x) => x.id)).toEqual(['logo']);
    expect(s.text).toBe(
      'Women 25-34 will most likely see “product” first (40% of attention), “headline” second (31%) and “cta” third (8%). ' +
        'Later: “price” (6%). They will probably miss “logo” (2%).',
    );
  });

  it('treats a visited AOI with a tiny share as missed, and says which AOI holds most attention', () => {
    const s = attentionStory('Everyone', [stat('logo', 0.01, 1), stat('cta', 0.2, 2), stat('product', 0.6, 3)]);
    expect(s.missed.map((x) => x.id)).toEqual(['logo']);
    expect(s.sentences[0]).toMatch(/^Everyone will most likely see “cta” first \(20% of attention\)/);
    expect(s.text).toContain('“product” holds the most attention overall (60%)');
  });

  it('asks for AOIs when there are none, and handles an audience that sees none', () => {
    expect(attentionStory('A', []).text).toMatch(/Draw areas of interest/);
    expect(attentionStory('A', [stat('x', 0.001, null)]).text).toBe('A will probably not look at any of the marked areas. They will probably miss “x” (<1%).');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.004)).toBe('<1%');
  });
});

describe('the yardstick for differences (issue 16: "clearly different" had none)', () => {
  // as training/gazecast_train/yardstick.py writes it into manifest.metrics.yardstick
  const metrics = { yardstick: { split: 'val', overall: { frames: 357, pairs: 7140, tvd_median: 0.29, tvd_p10: 0.21, tvd_p90: 0.5, cc_median: 0.85, cc_p10: 0.54, cc_p90: 0.94 } } };

  it('reads it from the manifest metrics, and null when absent or malformed', () => {
    expect(yardstickFromMetrics(metrics)).toEqual({ tvdMedian: 0.29, tvdP90: 0.5, ccMedian: 0.85, ccP10: 0.54, frames: 357 });
    expect(yardstickFromMetrics({ population: {} })).toBeNull();
    expect(yardstickFromMetrics(undefined)).toBeNull();
    expect(yardstickFromMetrics({ yardstick: { overall: { tvd_p90: 'big' } } })).toBeNull();
  });

  it('never says "clearly different" without a yardstick', () => {
    const text = describeDifference({ totalVariation: 0.21 }, 'A', 'B', null);
    expect(text).toMatch(/21% of attention is placed differently/);
    expect(text).toMatch(/no yardstick in this model/);
    expect(text).not.toMatch(/clearly different/);
  });

  it('says "clearly different" only above the split-half 90th percentile', () => {
    const y = yardstickFromMetrics(metrics);
    expect(describeDifference({ totalVariation: 0.21 }, 'A', 'B', y)).toMatch(/not clearly different, since two random halves of one real audience differ by 29% typically and by up to 50%/);
    expect(describeDifference({ totalVariation: 0.62 }, 'A', 'B', y)).toMatch(/62% .*: clearly different, more than two random halves/);
  });
});
