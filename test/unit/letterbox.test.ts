import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeLetterbox, contentOnGrid, frameToInput, inputToFrame, roundHalfEven } from '../../src/core/letterbox';

describe('letterbox', () => {
  it('fills the input exactly when aspect ratios match', () => {
    expect(computeLetterbox(800, 600, 384, 288)).toMatchObject({ x: 0, y: 0, width: 384, height: 288 });
  });
  it('pads top and bottom for a wide frame (4K into 384x288)', () => {
    const lb = computeLetterbox(3840, 2160, 384, 288);
    expect(lb).toMatchObject({ x: 0, y: 36, width: 384, height: 216 });
    expect(frameToInput(lb, 0, 0)).toEqual({ x: 0, y: 36 });
    expect(frameToInput(lb, 3840, 2160)).toEqual({ x: 384, y: 252 });
  });
  it('pads left and right for a tall frame', () => {
    const lb = computeLetterbox(600, 1200, 384, 288);
    expect(lb).toMatchObject({ x: 120, y: 0, width: 144, height: 288 });
  });
  it('handles a 12000x8000 frame and a 1x1 frame', () => {
    expect(computeLetterbox(12000, 8000, 384, 288)).toMatchObject({ x: 0, y: 16, width: 384, height: 256 });
    expect(computeLetterbox(1, 1, 384, 288)).toMatchObject({ x: 48, y: 0, width: 288, height: 288 });
    expect(computeLetterbox(100000, 1, 384, 288)).toMatchObject({ width: 384, height: 1 });
  });
  it('rounds like training/ (Python round: half to even)', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 9.6, 268.8].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 10, 269]);
    // 1000x700: drawn 384x268.8 → 269 rows at y = round(9.6) = 10, as PIL's paste in training/
    expect(computeLetterbox(1000, 700, 384, 288)).toMatchObject({ x: 0, y: 10, width: 384, height: 269 });
    // 384x287: offset round(0.5) = 0, not 1
    expect(computeLetterbox(384, 287, 384, 288)).toMatchObject({ y: 0, height: 287 });
  });
  it('rejects empty frames', () => {
    expect(() => computeLetterbox(0, 10, 384, 288)).toThrow(RangeError);
  });
  it('inverse(forward(p)) == p for any frame and point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (w, h, u, v) => {
          const lb = computeLetterbox(w, h, 384, 288);
          const p = inputToFrame(lb, ...(Object.values(frameToInput(lb, u * w, v * h)) as [number, number]));
          expect(p.x).toBeCloseTo(u * w, 6);
          expect(p.y).toBeCloseTo(v * h, 6);
          // content is centred (to within the half pixel of flooring) and inside the input
          expect(lb.x + lb.width).toBeLessThanOrEqual(384);
          expect(lb.y + lb.height).toBeLessThanOrEqual(288);
          expect(Math.abs(lb.x - (384 - lb.x - lb.width))).toBeLessThanOrEqual(2);
          expect(Math.abs(lb.y - (288 - lb.y - lb.height))).toBeLessThanOrEqual(2);
        },
      ),
    );
  });
  it('maps the content onto the output grid', () => {
    const lb = computeLetterbox(3840, 2160, 384, 288);
    expect(contentOnGrid(lb, 48, 36)).toEqual({ x0: 0, y0: 4.5, x1: 48, y1: 31.5 });
  });
});
