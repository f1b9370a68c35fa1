import { describe, expect, it } from 'vitest';
import { densityFromLogDensity } from '../../src/core/decode';
import { computeLetterbox } from '../../src/core/letterbox';
import { parseProfileString } from '../../src/core/profile';
import {
  DEFAULT_TIMING,
  drawDurationMs,
  drawIndex,
  drawPoint,
  firstOnsetMs,
  nextOnsetMs,
  normalisedOnInput,
  profileSeed,
  FrameSampler,
  splitmix32,
  startFixation,
  viewerStreams,
  writeHistoryRow,
  Xoshiro128,
} from '../../src/core/scanpath-sampling';

/** a generator stand-in that hands out the given uniforms / normals in order */
function fixed(values: number[]): { uniform: () => number; normal: () => number } {
  let k = 0;
  const next = (): number => {
    if (k >= values.length) throw new Error('fixed: out of values');
    return values[k++]!;
  };
  return { uniform: next, normal: next };
}

describe('random numbers', () => {
  // expected values from the C reference code (prng.di.unimi.it/xoshiro128starstar.c, and the
  // 32-bit splitmix with the murmur3 finaliser), compiled with gcc and printed
  it('splitmix32 matches the C reference', () => {
    const a = splitmix32(0);
    expect([a(), a(), a(), a()]).toEqual([2462723854, 1020716019, 454327756, 1275600319]);
    const b = splitmix32(42);
    expect([b(), b(), b(), b()]).toEqual([939911724, 3948730756, 321366731, 3317318717]);
  });
  it('xoshiro128** matches the C reference, jump included', () => {
    const g = new Xoshiro128([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => g.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    const j = new Xoshiro128([1, 2, 3, 4]);
    j.jump();
    expect(j.state).toEqual([2843103750, 2038079848, 1533207345, 44816753]);
    expect([j.nextUint32(), j.nextUint32(), j.nextUint32()]).toEqual([1194304935, 745561276, 25819468]);
  });
  it('seeds through splitmix32 and gives viewer v the stream jumped v times', () => {
    const g = Xoshiro128.fromSeed(42);
    expect([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual([2837322924, 544945897, 479756282, 3500138142]);
    const streams = viewerStreams(42, 3);
    expect(streams[0]!.nextUint32()).toBe(2837322924);
    expect([streams[2]!.nextUint32(), streams[2]!.nextUint32(), streams[2]!.nextUint32()]).toEqual([4191148168, 3949011819, 3805718033]);
  });
  it('rejects an all-zero state', () => {
    expect(() => new Xoshiro128([0, 0, 0, 0])).toThrow(RangeError);
  });
  it('uniform lies in [0, 1) with mean 1/2 and variance 1/12; normal has mean 0 and variance 1', () => {
    const g = Xoshiro128.fromSeed(7);
    const n = 200_000;
    let s = 0, s2 = 0, lo = 1, hi = 0;
    for (let k = 0; k < n; k++) {
      const u = g.uniform();
      s += u;
      s2 += u * u;
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.005); // sd of the mean 0.00065
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    let m = 0, v = 0;
    for (let k = 0; k < n; k++) {
      const z = g.normal();
      m += z;
      v += z * z;
    }
    expect(Math.abs(m / n)).toBeLessThan(0.01); // sd of the mean 0.0022
    expect(Math.abs(v / n - 1)).toBeLessThan(0.02);
  });
});

describe('drawing fixations', () => {
  it('drawIndex inverts the cumulative distribution and skips empty cells', () => {
    const p = [0.1, 0, 0.6, 0.3];
    expect([0, 0.05, 0.1, 0.69, 0.7, 0.9999].map((u) => drawIndex(p, u))).toEqual([0, 0, 2, 2, 3, 3]);
    // unnormalised weights
    expect(drawIndex([1, 3], 0.24)).toBe(0);
    expect(drawIndex([1, 3], 0.25)).toBe(1);
    expect(() => drawIndex([0, 0], 0.5)).toThrow(RangeError);
  });
  it('drawIndex follows the probabilities (chi-square over 40,000 draws)', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const g = Xoshiro128.fromSeed(123);
    const n = 40_000;
    const counts = [0, 0, 0, 0];
    for (let k = 0; k < n; k++) counts[drawIndex(p, g.uniform())]!++;
    const chi2 = counts.reduce((s, c, i) => s + (c - n * p[i]!) ** 2 / (n * p[i]!), 0);
    expect(chi2).toBeLessThan(16.27); // 3 degrees of freedom, p = 0.001
  });
  // input 4x2 px, output grid 2x1 (cells of 2x2 input px); a 1x1 frame is drawn at 2x2 from x = 1:
  // each cell covers half the frame, and native x = (input x - 1) / 2
  const lb = computeLetterbox(1, 1, 4, 2);
  const log = Float32Array.from([Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)]);
  const row0 = (): ReturnType<typeof densityFromLogDensity> => densityFromLogDensity(log.subarray(0, 2), 2, 1, lb);
  it('FrameSampler draws row b of a [B, 1, H, W] batch, renormalised over the frame', () => {
    expect(lb).toMatchObject({ x: 1, y: 0, width: 2, height: 2 });
    const s = new FrameSampler(lb, 2, 1);
    // both cells half over the frame: equal coverage; native cell geometry
    expect(Array.from(s.grid.data)).toEqual([0.5, 0.5]);
    expect(s.grid).toMatchObject({ x0: -0.5, y0: 0, cellWidth: 1, cellHeight: 1, width: 2, height: 1 });
    // row 0 is (0.25, 0.75): u < 0.25 → cell 0, else cell 1; row 1 is (0.5, 0.5)
    expect(s.draw(log, 0, fixed([0.24, 0.5, 0.5]))).toEqual({ x: 0.25, y: 0.5, cell: 0 });
    expect(s.draw(log, 0, fixed([0.26, 0.5, 0.5]))).toEqual({ x: 0.75, y: 0.5, cell: 1 });
    expect(s.draw(log, 1, fixed([0.49, 0, 0]))).toEqual({ x: 0, y: 0, cell: 0 });
    expect(s.draw(log, 1, fixed([0.51, 0, 0]))).toEqual({ x: 0.5, y: 0, cell: 1 });
  });
  it('FrameSampler draws what drawPoint draws from the DensityMap of the row (padding, partial cells, random maps)', () => {
    // a wide frame (padding above and below, partly covered edge rows) and a tall one (padding left and right)
    for (const [fw, fh] of [[1000, 700], [600, 1300], [192, 144]] as const) {
      const l = computeLetterbox(fw, fh, 192, 144);
      const s = new FrameSampler(l, 48, 36);
      const g = Xoshiro128.fromSeed(fw);
      const rows = 20;
      const batch = Float32Array.from({ length: rows * 48 * 36 }, () => -8 * g.uniform() ** 2);
      let same = 0;
      for (let r = 0; r < rows; r++) {
        const d = densityFromLogDensity(batch.subarray(r * 1728, (r + 1) * 1728), 48, 36, l);
        for (let k = 0; k < 50; k++) {
          const a = s.draw(batch, r, Xoshiro128.fromSeed(1000 * r + k));
          const b = drawPoint(d, fw, fh, Xoshiro128.fromSeed(1000 * r + k));
          expect(a.x).toBeGreaterThanOrEqual(0);
          expect(a.x).toBeLessThan(fw);
          expect(a.y).toBeGreaterThanOrEqual(0);
          expect(a.y).toBeLessThan(fh);
          if (a.cell === b.cell) {
            same++;
            expect(a.x).toBeCloseTo(b.x, 6);
            expect(a.y).toBeCloseTo(b.y, 6);
          }
        }
      }
      // only a float rounding at a cumulative boundary (float32 vs float64 sums) may differ
      expect(same).toBeGreaterThanOrEqual(rows * 50 - 2);
    }
  });
  it('drawPoint jitters within the part of the cell that covers the frame, in native pixels', () => {
    const d0 = row0();
    // cell 0 spans native x [-0.5, 0.5), of which [0, 0.5) is on the frame
    expect(drawPoint(d0, 1, 1, fixed([0.1, 0.5, 0.5]))).toEqual({ x: 0.25, y: 0.5, cell: 0 });
    expect(drawPoint(d0, 1, 1, fixed([0.1, 0, 0.99]))).toEqual({ x: 0, y: 0.99, cell: 0 });
    // cell 1 spans [0.5, 1.5): [0.5, 1) on the frame
    expect(drawPoint(d0, 1, 1, fixed([0.3, 0.5, 0]))).toEqual({ x: 0.75, y: 0, cell: 1 });
  });
  it('drawDurationMs is exp(mu + sigma z)', () => {
    expect(drawDurationMs(Math.log(200), 0.5, fixed([0]))).toBeCloseTo(200, 9);
    expect(drawDurationMs(Math.log(200), 0.5, fixed([1]))).toBeCloseTo(200 * Math.exp(0.5), 9);
    expect(() => drawDurationMs(5, 0, fixed([0]))).toThrow(RangeError);
    expect(() => drawDurationMs(NaN, 1, fixed([0]))).toThrow(RangeError);
  });
});

describe('onsets', () => {
  it('first at startMs + saccadeMs, then previous onset + duration + saccadeMs', () => {
    expect(firstOnsetMs(DEFAULT_TIMING)).toBe(340);
    expect(firstOnsetMs({ startMs: 250, saccadeMs: 30 })).toBe(280);
    expect(nextOnsetMs(340, 200, DEFAULT_TIMING)).toBe(580);
    expect(nextOnsetMs(580, 321.5, { startMs: 0, saccadeMs: 10 })).toBe(911.5);
  });
});

describe('history', () => {
  it('normalises native pixels to the letterboxed input (padding included)', () => {
    // 1000x700 into 384x288: drawn 384x269 at y = 10
    const l = computeLetterbox(1000, 700, 384, 288);
    expect(normalisedOnInput(l, 0, 0)).toEqual({ x: 0, y: 10 / 288 });
    expect(normalisedOnInput(l, 1000, 700)).toEqual({ x: 1, y: 279 / 288 });
    expect(startFixation(l)).toEqual({ x: 0.5, y: (10 + 134.5) / 288 });
  });
  it('writes the K most recent fixations, most recent first, zero-padded', () => {
    const a = { x: 0.1, y: 0.2 }, b = { x: 0.3, y: 0.4 }, c = { x: 0.5, y: 0.6 };
    const out = new Float32Array(2 * 3 * 3).fill(9);
    writeHistoryRow(out, 1, 3, [a, b]);
    writeHistoryRow(out, 0, 3, [a, b, c]);
    expect(Array.from(out)).toEqual(
      [0.5, 0.6, 1, 0.3, 0.4, 1, 0.1, 0.2, 1, /* row 1 */ 0.3, 0.4, 1, 0.1, 0.2, 1, 0, 0, 0].map((x) => Math.fround(x)),
    );
    const k2 = new Float32Array(6);
    writeHistoryRow(k2, 0, 2, [a, b, c]);
    expect(Array.from(k2)).toEqual([0.5, 0.6, 1, 0.3, 0.4, 1].map((x) => Math.fround(x)));
  });
});

describe('study seeds from the profile', () => {
  it('the same audience gets one seed however it is named, ordered or stored; audiences that differ get their own', () => {
    // the command line's "age=18-24; gender=female" and the app's preset "Women, aged 18-24" ({ gender, age })
    expect(profileSeed({ tokens: parseProfileString('age=18-24; gender=female') })).toBe(profileSeed({ tokens: { gender: 'female', age: '18-24' } }));
    expect(profileSeed({ tokens: { age: 'unknown' } })).toBe(profileSeed({}));
    expect(profileSeed({ embedding: Float32Array.from([0.1, -2]) })).toBe(profileSeed({ embedding: [0.1, -2] }));
    const seeds = [{}, { tokens: { age: '18-24' } }, { tokens: { age: '55+' } }, { embedding: [0.1, -2] }, { tokens: { age: '18-24' }, embedding: [0.1, -2] }].map(profileSeed);
    expect(new Set(seeds).size).toBe(seeds.length);
    seeds.forEach((s) => expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true));
  });
});
