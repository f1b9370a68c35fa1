import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fixture from '../fixtures/study-metrics.json';
import type { Aoi, AoiShape } from '../../src/core/aoi';
import { isGazecastError } from '../../src/core/errors';
import type { StudyFixation, VirtualStudy } from '../../src/core/study';
import {
  aoiStudyMetrics, attentionOverTime, firstFixationDensity, proportion, quantileSorted, shareDifference, studyReport,
  validateStudy, viewerAoiRecord, wilsonInterval, type AoiStudyMetrics,
} from '../../src/core/study-metrics';

const study = fixture.study as VirtualStudy;
const aois = fixture.aois as Aoi[];

/** Deep equality with numbers to 1e-9 (the hand values are written to ~16 digits). */
function expectClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${actual} vs ${expected}`).toBeLessThan(1e-9);
  } else if (expected === null) {
    expect(actual, path).toBeNull();
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${path}[${i}]`));
  } else if (typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected as object).sort());
    for (const [k, e] of Object.entries(expected as object)) expectClose((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/** The report of one area in the fixture's flat naming (seenWithin<ms> keys). */
function flat(m: AoiStudyMetrics): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of m.seenWithin) out[`seenWithin${s.withinMs}`] = s.seen;
  return {
    ...out, seen: m.seen, timeToFirstFixation: m.timeToFirstFixation, dwell: m.dwell,
    fixationCount: m.fixationCount, visitCount: m.visitCount, revisits: m.revisits, firstFixation: m.firstFixation,
  };
}

const fix = (x: number, y: number, onsetMs: number, durationMs: number): StudyFixation => ({ x, y, onsetMs, durationMs });
const rect = (x: number, y: number, width: number, height: number): AoiShape => ({ kind: 'rect', x, y, width, height });
const aoi = (id: string, shape: AoiShape): Aoi => ({ id, name: id, shape });
const one = (fixations: StudyFixation[][], durationMs = 3000): VirtualStudy => ({
  frame: { width: 100, height: 100 }, durationMs, viewers: fixations.map((f) => ({ fixations: f })),
});

describe('the shared hand-computed study (test/fixtures/study-metrics.json)', () => {
  const report = studyReport(study, aois, fixture.options);

  it('puts each fixation inside the areas the fixture lists (pointInShape of aoi.ts)', () => {
    for (const a of aois) {
      const inside: string[] = [];
      study.viewers.forEach((v, i) => v.fixations.forEach((f, k) => {
        if (f.onsetMs < study.durationMs && viewerAoiRecord([f], a.shape, study.durationMs).fixationCount === 1) inside.push(`${i + 1}.${k + 1}`);
      }));
      expect(inside, a.id).toEqual(fixture.inside.value[a.id as keyof typeof fixture.inside.value]);
    }
  });

  it('matches every per-area value computed by hand', () => {
    expect(report.viewers).toBe(4);
    for (const m of report.aois) {
      const expected = fixture.expected.aois[m.id as keyof typeof fixture.expected.aois];
      const got = flat(m);
      expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
      for (const [key, { value }] of Object.entries(expected)) expectClose(got[key], value, `${m.id}.${key}`);
    }
  });

  it('matches the first-fixation density and attention over time computed by hand', () => {
    expectClose(report.firstFixations, fixture.expected.firstFixations.value, 'firstFixations');
    const t = fixture.expected.attentionOverTime;
    expect(report.attentionOverTime.binMs).toBe(250);
    expectClose(report.attentionOverTime.binStartsMs, t.binStartsMs.value, 'binStartsMs');
    for (const s of report.attentionOverTime.perAoi) expectClose(s.shares, t[s.id as 'headline'].value, `attention.${s.id}`);
  });
});

describe('seen within a window ("percentage fixated")', () => {
  it('counts a viewer when the first fixation inside starts strictly before the window ends', () => {
    const s = one([[fix(50, 50, 999, 100)], [fix(50, 50, 1000, 100)], [fix(5, 5, 100, 100)]]);
    const m = aoiStudyMetrics(s, aoi('a', rect(40, 40, 20, 20)), { seenWithinMs: [1000] });
    expect(m.seenWithin[0]!.seen!.count).toBe(1);
    expect(m.seen!.count).toBe(2);
    expect(m.seen!.n).toBe(3);
  });

  it('reports no share (null) for a window longer than the viewing, rather than the shorter figure', () => {
    const s = one([[fix(50, 50, 100, 100)]], 2000);
    const m = aoiStudyMetrics(s, aoi('a', rect(40, 40, 20, 20)));
    expect(m.seenWithin.map((w) => w.withinMs)).toEqual([1000, 3000]);
    expect(m.seenWithin[0]!.seen!.share).toBe(1);
    expect(m.seenWithin[1]!.seen).toBeNull();
  });
});

describe('Wilson score interval', () => {
  it('matches published values and stays inside [0, 1] at the extremes', () => {
    // Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605; 0/20 -> 0 to 0.1611
    const a = wilsonInterval(81, 263);
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const b = wilsonInterval(15, 148);
    expect(b.low).toBeCloseTo(0.0624, 4);
    expect(b.high).toBeCloseTo(0.1605, 4);
    expect(wilsonInterval(0, 20)).toEqual({ low: 0, high: expect.closeTo(0.1611, 4) });
    expect(wilsonInterval(20, 20).high).toBe(1);
  });

  it('narrows as the panel grows: 50 % of 200 viewers is about ±7 points', () => {
    const w = wilsonInterval(100, 200);
    expect(w.high - w.low).toBeCloseTo(0.1372, 3);
    expect(proportion(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow();
  });
});

describe('difference of two audiences\' shares', () => {
  it('matches Newcombe (1998) method 10 and says whether it exceeds the panels\' noise', () => {
    // Newcombe, Stat Med 17:873-890, Table II, method 10
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339], [9, 10, 3, 10, 0.1705, 0.8090], [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926], [0, 10, 0, 20, -0.1611, 0.2775], [10, 10, 0, 20, 0.6791, 1.0],
    ];
    for (const [ka, na, kb, nb, low, high] of cases) {
      const d = shareDifference(proportion(ka, na)!, proportion(kb, nb)!);
      expect(d.low).toBeCloseTo(low, 4);
      expect(d.high).toBeCloseTo(high, 4);
      expect(d.beyondNoise).toBe(low > 0 || high < 0);
    }
    // 62 % vs 18 % of 200 viewers each is far beyond the noise; 52 % vs 48 % is not
    expect(shareDifference(proportion(124, 200)!, proportion(36, 200)!).beyondNoise).toBe(true);
    expect(shareDifference(proportion(104, 200)!, proportion(96, 200)!).beyondNoise).toBe(false);
  });
});

describe('time to first fixation', () => {
  it('is the onset of the first fixation inside, summarised by median and quartiles (type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([10], 0.75)).toBe(10);
    const s = one([[fix(5, 5, 100, 100), fix(50, 50, 300, 100)], [fix(50, 50, 200, 100)], [fix(50, 50, 600, 100)], [fix(50, 50, 700, 100)]]);
    const t = aoiStudyMetrics(s, aoi('a', rect(40, 40, 20, 20))).timeToFirstFixation!;
    expect(t).toEqual({ median: 450, q1: 275, q3: 625, n: 4 });
  });

  it('is null, not 0, for an area nobody fixated, and ignores fixations that start after the viewing', () => {
    const s = one([[fix(5, 5, 100, 100), fix(50, 50, 3000, 100)]]);
    const m = aoiStudyMetrics(s, aoi('a', rect(40, 40, 20, 20)));
    expect(m.timeToFirstFixation).toBeNull();
    expect(m.visitCount).toBeNull();
    expect(m.revisits).toBeNull();
    expect(m.dwell).toEqual({ meanMs: 0, meanAmongSeersMs: null, shareOfViewing: 0 });
  });
});

describe('dwell (total fixation duration), fixation count, visits', () => {
  it('clips a fixation running past the viewing at its end', () => {
    const r = viewerAoiRecord([fix(50, 50, 2800, 500)], rect(40, 40, 20, 20), 3000);
    expect(r.totalFixationDurationMs).toBe(200);
  });

  it('counts maximal runs of consecutive fixations inside as visits', () => {
    const inA = (t: number) => fix(50, 50, t, 50), out = (t: number) => fix(5, 5, t, 50);
    const r = viewerAoiRecord([inA(0), inA(100), out(200), inA(300), out(400), out(500), inA(600)], rect(40, 40, 20, 20), 3000);
    expect(r.visitCount).toBe(3);
    expect(r.fixationCount).toBe(4);
    expect(r.totalFixationDurationMs).toBe(200);
    expect(r.timeToFirstFixationMs).toBe(0);
    expect(r.firstFixationInside).toBe(true);
  });

  it('averages dwell over all viewers and over those who saw the area, and as a share of viewing time', () => {
    const s = one([[fix(50, 50, 0, 600)], [fix(5, 5, 0, 600)]], 1000);
    expect(aoiStudyMetrics(s, aoi('a', rect(40, 40, 20, 20))).dwell).toEqual({ meanMs: 300, meanAmongSeersMs: 600, shareOfViewing: 0.3 });
  });

  it('measures overlapping areas independently', () => {
    const s = one([[fix(50, 50, 0, 100)]]);
    const r = studyReport(s, [aoi('big', rect(0, 0, 100, 100)), aoi('small', rect(40, 40, 20, 20))]);
    expect(r.aois.map((m) => m.firstFixation!.count)).toEqual([1, 1]);
    expect(r.aois.map((m) => m.dwell!.meanMs)).toEqual([100, 100]);
  });
});

describe('first fixations', () => {
  it('counts on the frame only, and says how many landed off it or had no fixation', () => {
    const s = one([[fix(99.999, 0, 0, 10)], [fix(150, 50, 0, 10)], [], [fix(10, 10, 3000, 10)], [fix(0, 99, 5, 10)]]);
    const d = firstFixationDensity(s, { cols: 2, rows: 2 });
    expect(d.density).toEqual([0, 0.5, 0.5, 0]);
    expect([d.counted, d.offFrame, d.noFixation]).toEqual([2, 1, 2]);
    expect(firstFixationDensity(one([[]]), { cols: 1, rows: 1 }).density).toEqual([0]);
  });
});

describe('attention over time', () => {
  it('averages the share of viewers inside over each bin, the last bin being shorter', () => {
    const s = one([[fix(50, 50, 100, 300)], [fix(5, 5, 0, 600)]], 600);
    const t = attentionOverTime(s, [aoi('a', rect(40, 40, 20, 20))], 250);
    expect(t.binStartsMs).toEqual([0, 250, 500]);
    // viewer 1 inside [100, 400): 150 ms of bin 0, 150 of bin 1; 2 viewers
    expect(t.perAoi[0]!.shares).toEqual([150 / 500, 150 / 500, 0]);
  });
});

describe('edge cases', () => {
  it('zero viewers: every share is null and nothing throws', () => {
    const r = studyReport(one([]), [aoi('a', rect(40, 40, 20, 20))]);
    const m = r.aois[0]!;
    expect(r.viewers).toBe(0);
    expect([m.seen, m.firstFixation, m.timeToFirstFixation, m.dwell, m.fixationCount, m.visitCount, m.seenWithin[0]!.seen]).toEqual([null, null, null, null, null, null, null]);
    expect(r.attentionOverTime.perAoi[0]!.shares).toBeNull();
    expect(r.firstFixations.counted).toBe(0);
  });

  it('an area with no area is refused as aoi-invalid, naming it', () => {
    const bad = { id: 'x', name: 'Logo', shape: rect(10, 10, 0, 20) };
    let err: unknown;
    try { studyReport(one([[fix(5, 5, 0, 10)]]), [bad]); } catch (e) { err = e; }
    expect(isGazecastError(err, 'aoi-invalid')).toBe(true);
    expect((err as Error).message).toMatch(/Logo/);
    expect(() => studyReport(one([]), [{ id: 'p', name: 'p', shape: { kind: 'polygon', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] } }])).toThrow(/3 corners/);
  });

  it('a malformed study or options is refused with a coded error naming the fixation', () => {
    const codeOf = (f: () => unknown) => { try { f(); } catch (e) { return isGazecastError(e) ? e.code : 'other'; } return 'none'; };
    expect(codeOf(() => validateStudy(one([[fix(5, 5, 100, 200), fix(5, 5, 200, 10)]])))).toBe('invalid-argument');
    expect(() => validateStudy(one([[fix(5, 5, 100, 200), fix(5, 5, 200, 10)]]))).toThrow(/viewer 1, fixation 2/);
    expect(codeOf(() => validateStudy(one([[fix(Number.NaN, 5, 0, 10)]])))).toBe('invalid-argument');
    expect(codeOf(() => validateStudy(one([[fix(5, 5, -1, 10)]])))).toBe('invalid-argument');
    expect(codeOf(() => validateStudy(one([], 0)))).toBe('invalid-argument');
    expect(codeOf(() => studyReport(one([]), [], { binMs: 0 }))).toBe('invalid-argument');
    expect(codeOf(() => studyReport(one([]), [], { grid: { cols: 1.5, rows: 2 } }))).toBe('invalid-argument');
    // back-to-back fixations built as onset + duration may round a hair below the previous end
    expect(() => validateStudy(one([[fix(5, 5, 0.1, 0.2), fix(5, 5, 0.30000000000000004 - 1e-9, 10)]]))).not.toThrow();
  });
});

describe('invariants on random studies (property)', () => {
  // integer positions and half-integer AOI edges: no fixation lies on an edge, where a rectangle
  // and the same outline as a polygon may legitimately disagree
  const fixations = fc.array(fc.record({ x: fc.integer({ min: -5, max: 105 }), y: fc.integer({ min: -5, max: 105 }), gap: fc.integer({ min: 0, max: 300 }), d: fc.integer({ min: 0, max: 700 }) }), { maxLength: 9 });
  const studyArb = fc.record({ viewers: fc.array(fixations, { maxLength: 7 }), D: fc.integer({ min: 1, max: 4000 }) });
  const rectArb = fc.record({ x: fc.integer({ min: 0, max: 80 }), y: fc.integer({ min: 0, max: 80 }), w: fc.integer({ min: 1, max: 60 }), h: fc.integer({ min: 1, max: 60 }) });

  it('shares nest, dwell equals the area under attention over time, a rectangle equals its polygon', () => {
    fc.assert(fc.property(studyArb, rectArb, ({ viewers, D }, r) => {
      const s: VirtualStudy = {
        frame: { width: 100, height: 100 }, durationMs: D,
        viewers: viewers.map((fs) => {
          let t = 0;
          return { fixations: fs.map((f) => { const onsetMs = t + f.gap; t = onsetMs + f.d; return { x: f.x, y: f.y, onsetMs, durationMs: f.d }; }) };
        }),
      };
      const x = r.x + 0.5, y = r.y + 0.5;
      const asRect = aoi('r', rect(x, y, r.w, r.h));
      const asPoly = aoi('r', { kind: 'polygon', points: [{ x, y }, { x: x + r.w, y }, { x: x + r.w, y: y + r.h }, { x, y: y + r.h }] });
      const rep = studyReport(s, [asRect], { seenWithinMs: [500, 1000, 2000, 4000], binMs: 250, grid: { cols: 3, rows: 2 } });
      const m = rep.aois[0]!;
      expect(studyReport(s, [asPoly], { seenWithinMs: [500, 1000, 2000, 4000], binMs: 250, grid: { cols: 3, rows: 2 } }).aois[0]).toEqual(m);
      if (s.viewers.length === 0) return;
      const seen = m.seen!.count;
      const counts = m.seenWithin.filter((w) => w.seen !== null).map((w) => w.seen!.count);
      counts.forEach((c, i) => expect(c).toBeLessThanOrEqual(i + 1 < counts.length ? counts[i + 1]! : seen));
      expect(m.firstFixation!.count).toBeLessThanOrEqual(seen);
      for (const p of [m.seen!, m.firstFixation!]) expect(p.low <= p.share && p.share <= p.high).toBe(true);
      const shares = rep.attentionOverTime.perAoi[0]!.shares!;
      const area = shares.reduce((a, v, k) => a + v * (Math.min((k + 1) * 250, D) - k * 250), 0) / D;
      expect(area).toBeCloseTo(m.dwell!.shareOfViewing, 9);
      shares.forEach((v) => expect(v >= 0 && v <= 1 + 1e-12).toBe(true));
      if (m.timeToFirstFixation) {
        const t = m.timeToFirstFixation;
        expect(0 <= t.q1 && t.q1 <= t.median && t.median <= t.q3 && t.q3 < D).toBe(true);
        expect(m.revisits).toBeCloseTo(m.visitCount! - 1, 12);
        expect(m.visitCount!).toBeGreaterThanOrEqual(1);
      } else {
        expect(seen).toBe(0);
      }
      const d = rep.firstFixations;
      expect(d.counted + d.offFrame + d.noFixation).toBe(s.viewers.length);
      if (d.counted > 0) expect(d.density.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }), { numRuns: 300 });
  });
});
