import { describe, expect, it } from 'vitest';
import { separateBadges } from '../../src/core/label-layout';
import { legendEntries } from '../../src/app/legend';

describe('separateBadges (issue 16: A and B point numbers collided in Difference)', () => {
  const r = 22; // two badges of radius 10 plus a gap

  it('keeps badges that do not overlap on their points', () => {
    expect(separateBadges([{ x: 100, y: 100 }], [{ x: 300, y: 300 }], r)).toEqual([{ x: 100, y: 100 }]);
  });

  it('moves a badge off a coincident or nearby one, and off its own neighbours', () => {
    const a = [{ x: 200, y: 80 }, { x: 260, y: 80 }];
    const b = [{ x: 200, y: 80 }, { x: 205, y: 84 }, { x: 262, y: 79 }];
    const out = separateBadges(b, a, r);
    for (const p of out) for (const q of a) expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThanOrEqual(r - 1e-6);
    for (let i = 0; i < out.length; i++) for (let j = 0; j < i; j++) expect(Math.hypot(out[i]!.x - out[j]!.x, out[i]!.y - out[j]!.y)).toBeGreaterThanOrEqual(r - 1e-6);
    // moved no further than needed: still next to their points
    out.forEach((p, i) => expect(Math.hypot(p.x - b[i]!.x, p.y - b[i]!.y)).toBeLessThan(3 * r));
  });
});

describe('legendEntries (issue 16, item 8: exports said nothing about which side or colour is which audience)', () => {
  const a = { name: 'Everyone', color: '#ff8a3d' }, b = { name: 'Older viewers', color: '#3db8ff' };

  it('names each compare panel’s audience and explains circles and numbers', () => {
    const left = legendEntries({ mode: 'compare', a, b, heatmap: true, points: true }, 'a');
    const right = legendEntries({ mode: 'compare', a, b, heatmap: true, points: true }, 'b');
    expect(left[0]).toEqual({ kind: 'audience', color: '#ff8a3d', label: 'A: Everyone' });
    expect(right[0]).toEqual({ kind: 'audience', color: '#3db8ff', label: 'B: Older viewers' });
    expect(left.map((e) => e.kind)).toEqual(['audience', 'ramp', 'points']);
    expect(left.at(-1)!.label).toMatch(/circle area = share of attention · number = predicted visit order/);
  });

  it('gives both audiences and the diverging colours in the difference view', () => {
    const d = legendEntries({ mode: 'difference', a, b, heatmap: true, points: false });
    expect(d).toEqual([
      { kind: 'audience', color: '#ff8a3d', label: 'A: Everyone' },
      { kind: 'audience', color: '#3db8ff', label: 'B: Older viewers' },
      { kind: 'diverging', colorA: '#ff8a3d', colorB: '#3db8ff', label: 'where A looks more · where B looks more' },
    ]);
  });

  it('leaves out the layers that are off', () => {
    expect(legendEntries({ mode: 'single', a, heatmap: false, points: false })).toEqual([{ kind: 'audience', color: '#ff8a3d', label: 'Everyone' }]);
  });
});
