import { describe, expect, it } from 'vitest';
import { sampleTimes } from '../../src/client/frame-sampler';
import { thrownGazecastError } from './helpers/thrown';

describe('sampleTimes', () => {
  it('samples every 1/rate from the start, strictly before the end', () => {
    expect(sampleTimes(2, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    expect(sampleTimes(9, 5)).toHaveLength(45);
    expect(sampleTimes(1.01, 1)).toEqual([0, 1]);
  });
  it('honours a window', () => {
    expect(sampleTimes(10, 2, 3000, 5000)).toEqual([3, 3.5, 4, 4.5]);
    expect(sampleTimes(10, 2, 9000, 20000)).toEqual([9, 9.5]);
  });
  it('rejects a rate that is not a positive number with invalid-argument (was a RangeError)', () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(thrownGazecastError(() => sampleTimes(10, rate)).code).toBe('invalid-argument');
    }
  });
});
