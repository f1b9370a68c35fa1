import { describe, expect, it } from 'vitest';
import { DensitySmoother } from '../../src/core/smoothing';
import type { DensityMap } from '../../src/core/prediction-types';

function map(values: number[], x0 = 0): DensityMap {
  const s = values.reduce((a, b) => a + b, 0);
  return { width: values.length, height: 1, data: Float32Array.from(values, (v) => v / s), x0, y0: 0, cellWidth: 10, cellHeight: 10 };
}

describe('DensitySmoother', () => {
  it('starts from the first frame and moves towards new ones by 1 - exp(-dt/tau)', () => {
    const s = new DensitySmoother({ timeConstantMs: 100 });
    expect(Array.from(s.push(map([1, 0]), 0).data)).toEqual([1, 0]);
    const out = s.push(map([0, 1]), 100);
    const a = 1 - Math.exp(-1);
    expect(out.data[0]).toBeCloseTo(1 - a, 6);
    expect(out.data[1]).toBeCloseTo(a, 6);
  });

  it('does not depend on the sampling rate', () => {
    const coarse = new DensitySmoother({ timeConstantMs: 200 });
    const fine = new DensitySmoother({ timeConstantMs: 200 });
    coarse.push(map([1, 0]), 0);
    fine.push(map([1, 0]), 0);
    const c = coarse.push(map([0, 1]), 200);
    let f = c;
    for (let t = 50; t <= 200; t += 50) f = fine.push(map([0, 1]), t);
    expect(f.data[1]).toBeCloseTo(c.data[1]!, 6);
  });

  it('restarts on a seek backwards, a long gap, or a different grid', () => {
    const s = new DensitySmoother({ timeConstantMs: 100, resetAfterMs: 1000 });
    s.push(map([1, 0]), 5000);
    expect(Array.from(s.push(map([0, 1]), 1000).data)).toEqual([0, 1]);
    expect(Array.from(s.push(map([1, 0]), 3000).data)).toEqual([1, 0]);
    expect(Array.from(s.push(map([0, 1], 5), 3010).data)).toEqual([0, 1]);
  });

  it('keeps the result a distribution and never hands out its own state', () => {
    const s = new DensitySmoother();
    const first = s.push(map([3, 1, 1]), 0);
    first.data.fill(0);
    const out = s.push(map([1, 1, 3]), 40);
    expect(out.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(out.data[0]).toBeGreaterThan(0.3);
  });
});
