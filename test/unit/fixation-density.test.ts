import { describe, expect, it } from 'vitest';
import { fixationDensity } from '../../src/core/fixation-density';
import { computeLetterbox } from '../../src/core/letterbox';

describe('fixationDensity', () => {
  it('is a distribution on the output grid peaked at each fixation, in letterboxed cells', () => {
    const lb = computeLetterbox(3840, 2160, 384, 288); // content rows 4.5..31.5
    const d = fixationDensity([{ x: 1920, y: 1080 }, { x: 40, y: 40 }], lb, 48, 36);
    expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    let best = 0;
    for (let k = 1; k < d.length; k++) if (d[k]! > d[best]!) best = k;
    // native (40, 40) lies in cell (row 5, col 0); (1920, 1080) on the corner of cells 23/24, 17/18
    expect(d[5 * 48 + 0]!).toBeGreaterThan(d[5 * 48 + 2]!);
    expect(d[17 * 48 + 23]!).toBeCloseTo(d[18 * 48 + 24]!, 6);
  });
  it('skips fixations outside the frame and refuses none inside', () => {
    const lb = computeLetterbox(800, 600, 384, 288);
    expect(() => fixationDensity([{ x: -5, y: 10 }], lb, 48, 36)).toThrow(RangeError);
  });
});
