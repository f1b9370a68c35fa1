import { describe, expect, it } from 'vitest';
import { colormapLut, densityToRgba } from '../../src/core/heatmap';

describe('colormaps', () => {
  it('match the reference end colours', () => {
    const v = colormapLut('viridis');
    // viridis runs from dark purple (68,1,84) to yellow (253,231,37)
    expect(Math.abs(v[0]! - 68)).toBeLessThan(6);
    expect(Math.abs(v[765]! - 253)).toBeLessThan(6);
    expect(Math.abs(v[766]! - 231)).toBeLessThan(6);
    const inferno = colormapLut('inferno');
    expect(inferno[0]! + inferno[1]! + inferno[2]!).toBeLessThan(15); // black
    expect(inferno[765]!).toBeGreaterThan(240); // pale yellow
    const turbo = colormapLut('turbo');
    expect(turbo[128 * 3 + 1]!).toBeGreaterThan(200); // green-ish middle
    expect(() => colormapLut('jet' as never)).toThrow(RangeError);
  });
});

describe('densityToRgba', () => {
  it('maps the maximum to full opacity and the zero to transparent', () => {
    const d = { width: 3, height: 1, data: Float32Array.from([0, 0.25, 0.75]), x0: 0, y0: 0, cellWidth: 1, cellHeight: 1 };
    const px = densityToRgba(d, { colormap: 'magma', opacity: 0.5, gamma: 1 });
    expect(px[3]).toBe(0);
    expect(px[11]).toBe(Math.round(255 * 0.5));
    expect(px[7]).toBe(Math.round(255 * 0.5 / 3));
  });
});
