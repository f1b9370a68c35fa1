/**
 * Issue 17 defect 5, the pure part: wrong arguments are GazecastErrors with the right code, never
 * a TypeError or RangeError from deep inside, nor a silent default.
 */
import { describe, expect, it } from 'vitest';
import { checkDecodeOptions, checkProfileShape } from '../../src/core/arguments';
import { pointsFromDensity } from '../../src/core/decode';
import { placeMedia } from '../../src/core/content-box';
import { parseManifest } from '../../src/core/manifest';
import { describeSupportedProfile, encodeProfile, formatProfileString, parseProfileString } from '../../src/core/profile';
import { DensitySmoother } from '../../src/core/smoothing';
import { contractManifest } from './manifest-fixture';
import { thrownGazecastError } from './helpers/thrown';
import { makeDensity } from './app-fixtures';

const spec = parseManifest(contractManifest()).profile;

describe('profiles', () => {
  it('an embedding value finite as a double but not as float32 (1e39) is invalid-embedding, not backend-failed', () => {
    const embedding = new Array(16).fill(0);
    embedding[3] = 1e39;
    const e = thrownGazecastError(() => encodeProfile(spec, { embedding }));
    expect(e.code).toBe('invalid-embedding');
    expect(e.message).toMatch(/value 3 is 1e\+39/);
    embedding[3] = 3e38; // still a float32
    expect(encodeProfile(spec, { embedding }).embedding![3]).toBeCloseTo(3e38, -33);
  });

  it('a profile given as text or a number is refused, not taken for the population', () => {
    for (const profile of ['age=25-34', 5, [], true, { age: '25-34' }, { tokens: 'age=25-34' }, { tokens: { age: 25 } }, { embedding: 'x' }]) {
      const e = thrownGazecastError(() => checkProfileShape(profile, 'options.profile'));
      expect(e.code, JSON.stringify(profile)).toBe('invalid-argument');
    }
    expect(thrownGazecastError(() => checkProfileShape('age=25-34', 'options.profile')).message).toContain('parseProfileString');
    expect(() => checkProfileShape({ tokens: { age: '25-34' }, embedding: new Float32Array(16) }, 'p')).not.toThrow();
  });

  it('profile helpers check their arguments', () => {
    expect(thrownGazecastError(() => parseProfileString(5 as never)).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => formatProfileString({ age: 5 } as never)).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => formatProfileString(null as never)).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => describeSupportedProfile({} as never)).code).toBe('invalid-argument');
  });
});

describe('decoding and smoothing', () => {
  const d = makeDensity(8, 6, 800, 600, () => 1);
  it('decode options out of range are invalid-argument (maxPoints NaN used to give zero points)', () => {
    for (const decode of [{ maxPoints: Number.NaN }, { maxPoints: -1 }, { maxPoints: 2.5 }, { minMass: 2 }, { persistence: Number.NaN }, { minDistance: -0.1 }, { proximity: 0 }, { start: { x: 'a', y: 0 } }, 'fast']) {
      expect(thrownGazecastError(() => pointsFromDensity(d, 800, 600, decode as never)).code, JSON.stringify(decode)).toBe('invalid-argument');
      expect(thrownGazecastError(() => checkDecodeOptions(decode, 'decode')).code).toBe('invalid-argument');
    }
    expect(pointsFromDensity(d, 800, 600, { proximity: Infinity, maxPoints: 0 })).toEqual([]);
  });

  it('pointsFromDensity refuses a density or frame size that is not one', () => {
    expect(thrownGazecastError(() => pointsFromDensity(null as never, 800, 600)).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => pointsFromDensity({ ...d, data: new Float32Array(3) }, 800, 600)).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => pointsFromDensity(d, 0, 600)).code).toBe('invalid-argument');
  });

  it('DensitySmoother checks its options and inputs', () => {
    expect(thrownGazecastError(() => new DensitySmoother({ timeConstantMs: Number.NaN })).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => new DensitySmoother({ timeConstantMs: -5 })).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => new DensitySmoother().push(d, Number.NaN)).code).toBe('invalid-argument');
  });

  it('placeMedia checks sizes and fit', () => {
    expect(thrownGazecastError(() => placeMedia(Number.NaN, 10, 10, 10)).code).toBe('invalid-argument');
    expect(thrownGazecastError(() => placeMedia(10, 10, 10, 10, 'stretch')).code).toBe('invalid-argument');
    expect(placeMedia(100, 100, 50, 50, 'contain').media.width).toBe(100);
  });
});
