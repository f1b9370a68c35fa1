import { describe, expect, it } from 'vitest';
import { ATTENTION_HEATMAP, colormapLut, densityToRgba } from '../../src/core/heatmap';

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
    expect(() => colormapLut('jet' as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
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

describe('the attention heatmap ramp (issue 16: turbo’s green-yellow vanished on green photos)', () => {
  // colours of the ramp at densities from the threshold to the peak, as the app and widget draw them
  const n = 64;
  const ramp = densityToRgba({ width: n, height: 1, data: Float32Array.from({ length: n }, (_, i) => i / (n - 1)), x0: 0, y0: 0, cellWidth: 1, cellHeight: 1 });
  const drawn = Array.from({ length: n }, (_, i) => [ramp[4 * i]!, ramp[4 * i + 1]!, ramp[4 * i + 2]!, ramp[4 * i + 3]!] as const).filter((c) => c[3] > 0);
  const luminance = ([r, g, b]: readonly number[]) => {
    const lin = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
  };
  const hue = ([r, g, b]: readonly number[]) => {
    const mx = Math.max(r!, g!, b!), mn = Math.min(r!, g!, b!), d = mx - mn;
    if (d === 0) return 0;
    const h = mx === r ? ((g! - b!) / d) % 6 : mx === g ? (b! - r!) / d + 2 : (r! - g!) / d + 4;
    return (h * 60 + 360) % 360;
  };

  it('is a perceptual ramp: lightness and alpha rise with density', () => {
    expect(ATTENTION_HEATMAP.colormap).not.toBe('turbo');
    expect(drawn.length).toBeGreaterThan(50);
    for (let i = 1; i < drawn.length; i++) {
      expect(luminance(drawn[i]!)).toBeGreaterThanOrEqual(luminance(drawn[i - 1]!) - 1e-3);
      expect(drawn[i]![3]).toBeGreaterThanOrEqual(drawn[i - 1]![3]);
    }
    expect(drawn[0]![3]).toBeLessThan(60); // weak cells let the picture through
  });

  it('has no green that would vanish on foliage, grass or green packaging', () => {
    const greens = drawn.filter((c) => { const h = hue(c); return h > 70 && h < 170; });
    expect(greens).toEqual([]);
    // and neither end is black or near-white (invisible on dark or light pictures)
    expect(luminance(drawn[0]!)).toBeGreaterThan(0.01);
    expect(luminance(drawn.at(-1)!)).toBeLessThan(0.85);
  });

  it('would have failed with turbo', () => {
    const turbo = densityToRgba({ width: n, height: 1, data: Float32Array.from({ length: n }, (_, i) => i / (n - 1)), x0: 0, y0: 0, cellWidth: 1, cellHeight: 1 }, { colormap: 'turbo', range: [0, 1] });
    const greens = Array.from({ length: n }, (_, i) => [turbo[4 * i]!, turbo[4 * i + 1]!, turbo[4 * i + 2]!]).filter((c) => { const h = hue(c); return h > 70 && h < 170; });
    expect(greens.length).toBeGreaterThan(5);
  });
});
