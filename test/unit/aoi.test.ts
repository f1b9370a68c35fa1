import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aggregateAoiStats, aoiStats, attentionShare, clampShapeToFrame, firstVisits, pointInShape, polygonArea, validateShape, type Aoi, type AoiShape } from '../../src/core/aoi';
import { isGazecastError } from '../../src/core/errors';
import { makeDensity, pt } from './app-fixtures';
import { attentionStory } from '../../src/core/story';

const uniform = makeDensity(32, 24, 1280, 720, () => 1);

describe('attentionShare', () => {
  it('gives a uniform density its area fraction, for rectangles not aligned to cells', () => {
    const r: AoiShape = { kind: 'rect', x: 100.5, y: 33.3, width: 333.7, height: 201.1 };
    expect(attentionShare(uniform, r)).toBeCloseTo((333.7 * 201.1) / (1280 * 720), 7);
  });

  it('gives the whole frame 1 and clips shapes that stick out of it', () => {
    expect(attentionShare(uniform, { kind: 'rect', x: -50, y: -50, width: 2000, height: 2000 })).toBeCloseTo(1, 6);
    expect(attentionShare(uniform, { kind: 'rect', x: 1180, y: 0, width: 500, height: 720 })).toBeCloseTo(100 / 1280, 6);
  });

  it('measures a concave polygon by its exact area (an L shape)', () => {
    const L: AoiShape = { kind: 'polygon', points: [{ x: 0, y: 0 }, { x: 400, y: 0 }, { x: 400, y: 100 }, { x: 100, y: 100 }, { x: 100, y: 400 }, { x: 0, y: 400 }] };
    const area = 400 * 100 + 100 * 300;
    expect(attentionShare(uniform, L)).toBeCloseTo(area / (1280 * 720), 6);
  });

  it('counts only the mass where it is: a single hot cell', () => {
    const hot = makeDensity(32, 24, 1280, 720, (i, j) => (i === 5 && j === 10 ? 1 : 0));
    // cell (5,10) covers x 400..440, y 150..180
    expect(attentionShare(hot, { kind: 'rect', x: 400, y: 150, width: 40, height: 30 })).toBeCloseTo(1, 6);
    expect(attentionShare(hot, { kind: 'rect', x: 420, y: 150, width: 100, height: 30 })).toBeCloseTo(0.5, 6);
    expect(attentionShare(hot, { kind: 'rect', x: 0, y: 0, width: 399, height: 720 })).toBe(0);
  });

  it('respects the density grid offset (letterbox-free region of a frame)', () => {
    const d = { ...makeDensity(4, 2, 400, 200, (_i, j) => (j === 0 ? 1 : 0)), x0: 50, y0: 10 };
    expect(attentionShare(d, { kind: 'rect', x: 50, y: 10, width: 100, height: 200 })).toBeCloseTo(1, 6);
    expect(attentionShare(d, { kind: 'rect', x: 0, y: 0, width: 50, height: 300 })).toBe(0);
  });

  it('is additive: a rectangle split in two halves sums to the whole (property)', () => {
    const noisy = makeDensity(16, 12, 640, 480, (i, j) => 1 + Math.sin(i * 1.7 + j * 0.3) ** 2 * 5);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 600, noNaN: true }), fc.double({ min: 0, max: 440, noNaN: true }),
        fc.double({ min: 1, max: 300, noNaN: true }), fc.double({ min: 1, max: 300, noNaN: true }), fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (x, y, w, h, f) => {
          const whole = attentionShare(noisy, { kind: 'rect', x, y, width: w, height: h });
          const left = attentionShare(noisy, { kind: 'rect', x, y, width: w * f, height: h });
          const right = attentionShare(noisy, { kind: 'rect', x: x + w * f, y, width: w * (1 - f), height: h });
          const asPoly = attentionShare(noisy, { kind: 'polygon', points: [{ x, y: y + h }, { x: x + w, y: y + h }, { x: x + w, y }, { x, y }] });
          expect(left + right).toBeCloseTo(whole, 6);
          expect(asPoly).toBeCloseTo(whole, 6);
          expect(whole).toBeGreaterThanOrEqual(0);
          expect(whole).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('shapes', () => {
  it('rejects degenerate AOIs with aoi-invalid', () => {
    const bad: AoiShape[] = [
      { kind: 'polygon', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
      { kind: 'polygon', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }] },
      { kind: 'rect', x: 0, y: 0, width: 0, height: 10 },
      { kind: 'rect', x: Number.NaN, y: 0, width: 5, height: 10 },
    ];
    for (const s of bad) {
      try { validateShape(s); expect.unreachable(); } catch (e) { expect(isGazecastError(e, 'aoi-invalid')).toBe(true); }
    }
    expect(() => validateShape({ kind: 'rect', x: 0, y: 0, width: 1, height: 1 })).not.toThrow();
  });

  it('tests points inside concave polygons and rectangles drawn right-to-left', () => {
    const L: AoiShape = { kind: 'polygon', points: [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 1 }, { x: 1, y: 1 }, { x: 1, y: 4 }, { x: 0, y: 4 }] };
    expect(pointInShape({ x: 0.5, y: 3 }, L)).toBe(true);
    expect(pointInShape({ x: 3, y: 3 }, L)).toBe(false);
    expect(pointInShape({ x: 5, y: 5 }, { kind: 'rect', x: 10, y: 10, width: -8, height: -8 })).toBe(true);
    expect(Math.abs(polygonArea([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 3 }]))).toBe(3);
  });
});

describe('first visits and stats', () => {
  const aois: Aoi[] = [
    { id: 'h', name: 'headline', shape: { kind: 'rect', x: 0, y: 0, width: 1280, height: 100 } },
    { id: 'p', name: 'product', shape: { kind: 'rect', x: 400, y: 200, width: 400, height: 300 } },
    { id: 'c', name: 'cta', shape: { kind: 'rect', x: 1000, y: 600, width: 250, height: 100 } },
    { id: 'l', name: 'logo', shape: { kind: 'rect', x: 20, y: 600, width: 100, height: 100 } },
  ];
  const points = [pt(600, 300, 0), pt(640, 50, 1), pt(610, 320, 2), pt(1100, 650, 3)];

  it('ranks AOIs by the order of the first point inside, and leaves unreached ones null', () => {
    const v = firstVisits(points, aois);
    expect(v.get('p')).toEqual({ rank: 1, order: 0, count: 2 });
    expect(v.get('h')).toEqual({ rank: 2, order: 1, count: 1 });
    expect(v.get('c')).toEqual({ rank: 3, order: 3, count: 1 });
    expect(v.get('l')).toEqual({ rank: null, order: null, count: 0 });
  });

  it('does not depend on the order points are listed in', () => {
    const v = firstVisits([...points].reverse(), aois);
    expect(v.get('p')!.rank).toBe(1);
    expect(v.get('c')!.rank).toBe(3);
  });

  it('aggregates frames: mean share and first reach across time', () => {
    const d = makeDensity(32, 24, 1280, 720, () => 1);
    const f1 = aoiStats({ density: d, points: [pt(600, 300, 0)] }, aois);
    const f2 = aoiStats({ density: d, points: [pt(1100, 650, 0), pt(50, 650, 1)] }, aois);
    const agg = aggregateAoiStats([f1, f2], aois);
    const by = Object.fromEntries(agg.map((s) => [s.id, s]));
    expect(by.p!.firstVisitRank).toBe(1);
    expect(by.c!.firstVisitRank).toBe(2);
    expect(by.l!.firstVisitRank).toBe(3);
    expect(by.h!.firstVisitRank).toBeNull();
    expect(by.h!.share).toBeCloseTo(100 / 720, 6);
    expect(aggregateAoiStats([], aois).every((s) => s.share === 0 && s.firstVisitRank === null)).toBe(true);
  });
});

describe('overlapping AOIs (issue 16, item 4: the table tied them while the story ordered them)', () => {
  // a product shot with its price tag inside: both first reached by the same fixation
  const product: Aoi = { id: 'prod', name: 'Product', shape: { kind: 'rect', x: 400, y: 200, width: 400, height: 300 } };
  const price: Aoi = { id: 'price', name: 'Price', shape: { kind: 'rect', x: 560, y: 300, width: 100, height: 80 } };
  const logo: Aoi = { id: 'logo', name: 'Logo', shape: { kind: 'rect', x: 0, y: 0, width: 200, height: 100 } };
  const d = makeDensity(32, 24, 1280, 720, () => 1);
  const points = [pt(600, 340, 0), pt(100, 50, 1)];

  it('gives each AOI its own first-visit rank, larger share first, as the story tells it', () => {
    const stats = aoiStats({ density: d, points }, [price, logo, product]);
    const rank = Object.fromEntries(stats.map((s) => [s.name, s.firstVisitRank]));
    expect(rank).toEqual({ Product: 1, Price: 2, Logo: 3 });
    const story = attentionStory('Everyone', stats, { missShare: 0 });
    expect(story.sequence.map((s) => s.name)).toEqual(['Product', 'Price', 'Logo']);
  });

  it('does the same over the frames of a video', () => {
    const f = aoiStats({ density: d, points }, [price, logo, product]);
    const agg = aggregateAoiStats([f, f], [price, logo, product]);
    expect(agg.map((s) => s.firstVisitRank)).toEqual([2, 3, 1]);
  });
});

describe('clampShapeToFrame (issue 16, item 3: Shift+→ pushed an AOI off the image)', () => {
  it('stops a rectangle at the right edge, keeping its size', () => {
    expect(clampShapeToFrame({ kind: 'rect', x: 2340, y: 100, width: 300, height: 200 }, 1600, 900)).toEqual({ kind: 'rect', x: 1300, y: 100, width: 300, height: 200 });
    expect(clampShapeToFrame({ kind: 'rect', x: -40, y: -5, width: 300, height: 200 }, 1600, 900)).toEqual({ kind: 'rect', x: 0, y: 0, width: 300, height: 200 });
  });

  it('cuts a shape larger than the frame to the frame, and leaves one inside alone', () => {
    expect(clampShapeToFrame({ kind: 'rect', x: 10, y: 10, width: 2000, height: 100 }, 1600, 900)).toEqual({ kind: 'rect', x: 0, y: 10, width: 1600, height: 100 });
    const inside: AoiShape = { kind: 'polygon', points: [{ x: 10, y: 10 }, { x: 50, y: 10 }, { x: 30, y: 40 }] };
    expect(clampShapeToFrame(inside, 1600, 900)).toEqual(inside);
  });

  it('shifts a polygon back as a whole (property: the result lies in the frame)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -3000, max: 3000, noNaN: true }), fc.double({ min: -3000, max: 3000, noNaN: true })), { minLength: 3, maxLength: 8 }), (pts) => {
        const out = clampShapeToFrame({ kind: 'polygon', points: pts.map(([x, y]) => ({ x, y })) }, 1600, 900);
        if (out.kind !== 'polygon') throw new Error('kind changed');
        for (const p of out.points) {
          expect(p.x).toBeGreaterThanOrEqual(0); expect(p.x).toBeLessThanOrEqual(1600);
          expect(p.y).toBeGreaterThanOrEqual(0); expect(p.y).toBeLessThanOrEqual(900);
        }
      }),
    );
  });
});
