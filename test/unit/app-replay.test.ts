import { describe, expect, it } from 'vitest';
import type { VirtualStudy } from '../../src/core/study';
import { firstFixationDensity } from '../../src/core/study-metrics';
import { firstFixationGazes, firstFixationMap } from '../../src/app/replay';

// 160 x 120 frame; three viewers: two land first in the top-left cell, one in the bottom-right,
// and a fourth starts after the viewing ends (no counted fixation).
const study: VirtualStudy = {
  frame: { width: 160, height: 120 },
  durationMs: 1000,
  viewers: [
    { fixations: [{ x: 1, y: 1, onsetMs: 200, durationMs: 100 }, { x: 150, y: 100, onsetMs: 400, durationMs: 100 }] },
    { fixations: [{ x: 5, y: 8, onsetMs: 250, durationMs: 100 }] },
    { fixations: [{ x: 159, y: 119, onsetMs: 300, durationMs: 100 }] },
    { fixations: [{ x: 80, y: 60, onsetMs: 1000, durationMs: 100 }] },
  ],
};

describe('first fixations view', () => {
  it('is the core first-fixation density, as a DensityMap over the whole frame', () => {
    const map = firstFixationMap(study);
    const d = firstFixationDensity(study);
    expect([map.width, map.height, map.x0, map.y0, map.cellWidth, map.cellHeight]).toEqual([16, 12, 0, 0, 10, 10]);
    expect([...map.data]).toEqual(d.density.map((v) => Math.fround(v)));
    expect(map.data[0]).toBeCloseTo(2 / 3, 6);
    expect(map.data[11 * 16 + 15]).toBeCloseTo(1 / 3, 6);
  });

  it('draws one dot per viewer at their first counted fixation', () => {
    expect(firstFixationGazes(study)).toEqual([
      { viewer: 0, x: 1, y: 1, fixating: true, fixation: 0 },
      { viewer: 1, x: 5, y: 8, fixating: true, fixation: 0 },
      { viewer: 2, x: 159, y: 119, fixating: true, fixation: 0 },
    ]);
  });
});
