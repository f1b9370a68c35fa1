import { describe, expect, it } from 'vitest';
import { computeLetterbox, frameToInput } from '../../src/core/letterbox';
import {
  cellCoverage,
  decodeLogDensity,
  densityFromLogDensity,
  pointsFromDensity,
  visitOrder,
} from '../../src/core/decode';
import { syntheticLogDensity, type Blob } from './synthetic';

const IN_W = 384, IN_H = 288, OUT_W = 48, OUT_H = 36;

/** Blobs given in native frame pixels, converted to input pixels through the letterbox. */
function blobsAt(frameW: number, frameH: number, native: { x: number; y: number; sigma: number; weight: number }[]): Blob[] {
  const lb = computeLetterbox(frameW, frameH, IN_W, IN_H);
  return native.map((b) => ({ ...frameToInput(lb, b.x, b.y), sigma: (b.sigma * lb.width) / frameW, weight: b.weight }));
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]!;
  return s;
}

describe('decode: 4K frame with known peaks', () => {
  const W = 3840, H = 2160;
  const truth = [
    { x: 1000.37, y: 700.81, sigma: 140, weight: 0.5 },
    { x: 2900.5, y: 1500.25, sigma: 160, weight: 0.3 },
    { x: 420.9, y: 1700.6, sigma: 120, weight: 0.2 },
  ];
  const lb = computeLetterbox(W, H, IN_W, IN_H);
  const log = syntheticLogDensity(blobsAt(W, H, truth), OUT_W, OUT_H, IN_W, IN_H);
  const { density, points } = decodeLogDensity(log, OUT_W, OUT_H, lb);

  it('finds every peak to sub-pixel accuracy in native 4K pixels', () => {
    expect(points).toHaveLength(3);
    for (const t of truth) {
      const p = points.find((q) => Math.hypot(q.x - t.x, q.y - t.y) < 50);
      expect(p, `peak at ${t.x},${t.y}`).toBeDefined();
      // one output cell is 80 native px here; the fit recovers the centre to a small fraction of a pixel
      expect(Math.abs(p!.x - t.x)).toBeLessThan(0.05);
      expect(Math.abs(p!.y - t.y)).toBeLessThan(0.05);
    }
  });

  it('gives each point the mass of its mode, summing to at most 1', () => {
    for (const t of truth) {
      const p = points.find((q) => Math.hypot(q.x - t.x, q.y - t.y) < 50)!;
      expect(p.mass).toBeCloseTo(t.weight, 2);
    }
    expect(sum(points.map((p) => p.mass))).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('orders the visit from the centre with inhibition of return', () => {
    expect(points.map((p) => p.order)).toEqual([0, 1, 2]);
    expect(points[0]!.mass).toBeCloseTo(0.5, 2);
    // no point is visited twice
    expect(new Set(points.map((p) => `${p.x},${p.y}`)).size).toBe(3);
  });

  it('renormalises over the frame only: the grid spans the 16:9 content, not the padding', () => {
    expect(density.width).toBe(48);
    expect(density.height).toBe(28); // rows 4..31 of 36 overlap the content rows 4.5..31.5
    expect(density.cellWidth).toBeCloseTo(80, 9);
    expect(density.cellHeight).toBeCloseTo(80, 9);
    expect(density.x0).toBeCloseTo(0, 9);
    expect(density.y0).toBeCloseTo(-40, 9); // the first row is half padding
    expect(sum(density.data)).toBeCloseTo(1, 5);
  });
});

describe('decode: renormalisation', () => {
  it('ignores probability the model puts on the padding', () => {
    const W = 3840, H = 2160; // content rows 4.5..31.5 of 36
    const blobs: Blob[] = [
      { x: 192, y: 144, sigma: 16, weight: 0.4 },
      { x: 100, y: 10, sigma: 8, weight: 0.6 }, // entirely in the top padding
    ];
    const lb = computeLetterbox(W, H, IN_W, IN_H);
    const { density, points } = decodeLogDensity(syntheticLogDensity(blobs, OUT_W, OUT_H, IN_W, IN_H), OUT_W, OUT_H, lb);
    expect(sum(density.data)).toBeCloseTo(1, 5);
    expect(points[0]!.mass).toBeGreaterThan(0.95);
    expect(points[0]!.x).toBeCloseTo(1920, 1);
    expect(points[0]!.y).toBeCloseTo(1080, 1);
    expect(points.every((p) => p.y >= 0 && p.y <= H)).toBe(true);
  });

  it('keeps only the share of a partial edge cell that lies over the frame', () => {
    // 1000x700 → content 384x269 at y=round(9.6)=10: rows 1..34, first covered 6/8, last 7/8
    const lb = computeLetterbox(1000, 700, IN_W, IN_H);
    const flat = new Float32Array(OUT_W * OUT_H).fill(-Math.log(OUT_W * OUT_H));
    const d = densityFromLogDensity(flat, OUT_W, OUT_H, lb);
    expect(d.height).toBe(34);
    const row = (i: number): number => d.data[i * d.width]!;
    expect(row(0) / row(5)).toBeCloseTo(6 / 8, 5);
    expect(row(33) / row(5)).toBeCloseTo(7 / 8, 5);
    const cov = cellCoverage(d, 1000, 700);
    expect(cov[0]).toBeCloseTo(6 / 8, 5);
    expect(cov[33 * d.width]).toBeCloseTo(7 / 8, 5);
  });

  it('rejects a log density of the wrong size or with no mass', () => {
    const lb = computeLetterbox(800, 600, IN_W, IN_H);
    expect(() => densityFromLogDensity(new Float32Array(10), OUT_W, OUT_H, lb)).toThrow(RangeError);
    expect(() => densityFromLogDensity(new Float32Array(OUT_W * OUT_H).fill(NaN), OUT_W, OUT_H, lb)).toThrow(RangeError);
  });
});

describe('decode: peaks', () => {
  const lb = computeLetterbox(800, 600, IN_W, IN_H); // fills the input; 1 cell = 16.67 native px
  const decode = (blobs: Blob[], opts = {}) =>
    decodeLogDensity(syntheticLogDensity(blobs, OUT_W, OUT_H, IN_W, IN_H, 0.01), OUT_W, OUT_H, lb, opts).points;

  it('merges near-duplicate modes into one point holding both masses', () => {
    // two narrow blobs 1.5 cells apart: two local maxima, one region of interest
    const pts = decode([
      { x: 100, y: 100, sigma: 5, weight: 0.5 },
      { x: 112, y: 100, sigma: 5, weight: 0.45 },
    ]);
    expect(pts).toHaveLength(1);
    expect(pts[0]!.mass).toBeGreaterThan(0.9);
    expect(pts[0]!.x / (800 / 384)).toBeCloseTo(100, -1);
  });

  it('keeps well separated modes apart', () => {
    const pts = decode([
      { x: 100, y: 100, sigma: 8, weight: 0.5 },
      { x: 300, y: 200, sigma: 8, weight: 0.45 },
    ]);
    expect(pts).toHaveLength(2);
  });

  it('folds a shallow bump on a slope into the larger mode (persistence)', () => {
    const blobs: Blob[] = [
      { x: 192, y: 144, sigma: 60, weight: 0.998 },
      { x: 252, y: 148, sigma: 6, weight: 0.002 },
    ];
    const log = syntheticLogDensity(blobs, OUT_W, OUT_H, IN_W, IN_H);
    // the bump is a real local maximum of the grid...
    const j = Math.floor(252 / 8), i = Math.floor(148 / 8);
    expect(log[i * OUT_W + j]!).toBeGreaterThan(log[i * OUT_W + j - 1]!);
    // ...but not a separate point at the default persistence
    const pts = pointsFromDensity(densityFromLogDensity(log, OUT_W, OUT_H, lb), 800, 600);
    expect(pts).toHaveLength(1);
    expect(pts[0]!.mass).toBeGreaterThan(0.99);
    // with persistence 0 and no distance merging it is its own (tiny) mode
    const all = pointsFromDensity(densityFromLogDensity(log, OUT_W, OUT_H, lb), 800, 600, { persistence: 0, minMass: 0, minDistance: 0 });
    expect(all.length).toBeGreaterThan(1);
  });

  it('honours maxPoints and minMass', () => {
    const blobs: Blob[] = Array.from({ length: 6 }, (_, k) => ({ x: 40 + k * 60, y: 60 + (k % 2) * 150, sigma: 6, weight: 0.05 + k * 0.03 }));
    expect(decode(blobs, { maxPoints: 3 })).toHaveLength(3);
    const heavy = decode(blobs, { minMass: 0.15 });
    expect(heavy.every((p) => p.mass >= 0.15)).toBe(true);
    expect(heavy.length).toBeLessThan(6);
  });

  it('refines a peak at the frame edge along the free axis only', () => {
    const pts = decode([{ x: 2, y: 150.3, sigma: 10, weight: 1 }]);
    expect(pts).toHaveLength(1);
    expect(pts[0]!.y).toBeCloseTo(150.3 * (600 / 288), 1);
    expect(pts[0]!.x).toBeGreaterThanOrEqual(0);
  });
});

describe('visitOrder', () => {
  const pts = [
    { x: 10, y: 10, mass: 0.3 },
    { x: 90, y: 90, mass: 0.31 },
    { x: 55, y: 50, mass: 0.2 },
  ];
  it('orders by mass alone when proximity is Infinity', () => {
    expect(visitOrder(pts, 100, 100, Infinity).map((p) => p.mass)).toEqual([0.31, 0.3, 0.2]);
  });
  it('prefers nearby points with a finite proximity, never revisiting', () => {
    const o = visitOrder(pts, 100, 100, 0.1);
    expect(o[0]!.mass).toBe(0.2); // next to the centre start
    expect(o.map((p) => p.order)).toEqual([0, 1, 2]);
    expect(new Set(o.map((p) => p.mass)).size).toBe(3);
  });
  it('is deterministic', () => {
    expect(visitOrder(pts, 100, 100)).toEqual(visitOrder(pts, 100, 100));
  });
});
