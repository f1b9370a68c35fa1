import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/core/manifest';
import { encodeProfile, encodeProfileTokens, formatProfileString, parseProfileString } from '../../src/core/profile';
import { contractManifest } from './manifest-fixture';
import { thrownGazecastError } from './helpers/thrown';

const spec = parseManifest(contractManifest()).profile;

describe('profile tokens', () => {
  it('encodes by slot order; absent keys are unknown (0)', () => {
    expect(Array.from(encodeProfileTokens(spec, { gender: 'female', age: '25-34' }))).toEqual([2n, 1n, 0n]);
    expect(Array.from(encodeProfileTokens(spec, undefined))).toEqual([0n, 0n, 0n]);
    expect(Array.from(encodeProfileTokens(spec, { vision: 'deutan' }))).toEqual([0n, 0n, 3n]);
  });

  it('rejects an unknown key, listing the supported keys and values', () => {
    const e = thrownGazecastError(() => encodeProfileTokens(spec, { handedness: 'left' }));
    expect(e.code).toBe('unsupported-profile');
    expect(e.message).toContain('"handedness"');
    expect(e.message).toContain('age: unknown, 18-24, 25-34, 35-44, 45-54, 55+');
    expect(e.message).toContain('gender: unknown, female, male');
    expect(e.message).toContain('vision: unknown, typical, protan, deutan');
  });

  it('rejects an unknown value', () => {
    const e = thrownGazecastError(() => encodeProfileTokens(spec, { age: '30' }));
    expect(e.code).toBe('unsupported-profile');
    expect(e.message).toMatch(/Unknown value "30" for profile key "age"/);
  });

  it('validates embeddings: zeros by default, exact length, finite', () => {
    expect(Array.from(encodeProfile(spec, {}).embedding!)).toEqual(new Array(16).fill(0));
    expect(encodeProfile(spec, { embedding: new Array(16).fill(0.5) }).embedding![3]).toBe(0.5);
    expect(thrownGazecastError(() => encodeProfile(spec, { embedding: [1, 2] })).code).toBe('invalid-embedding');
    const bad = new Array(16).fill(0);
    bad[4] = NaN;
    expect(thrownGazecastError(() => encodeProfile(spec, { embedding: bad })).code).toBe('invalid-embedding');
    const { embedding: _e, ...noEmbedding } = spec;
    expect(encodeProfile(noEmbedding, {}).embedding).toBeUndefined();
    expect(thrownGazecastError(() => encodeProfile(noEmbedding, { embedding: [1] })).code).toBe('invalid-embedding');
  });
});

describe('parseProfileString', () => {
  it('reads key=value pairs with ; or , and optional spaces', () => {
    expect(parseProfileString('age=25-34; gender=female')).toEqual({ age: '25-34', gender: 'female' });
    expect(parseProfileString(' age : 55+ ,vision=deutan ')).toEqual({ age: '55+', vision: 'deutan' });
    expect(parseProfileString('')).toEqual({});
    expect(parseProfileString(' ; ')).toEqual({});
  });
  it('checks against the model when given one', () => {
    expect(parseProfileString('age=25-34', spec)).toEqual({ age: '25-34' });
    expect(thrownGazecastError(() => parseProfileString('age=25-34; mood=happy', spec)).message).toMatch(/"mood".*supports age:/);
  });
  it('rejects malformed text and repeated keys', () => {
    expect(thrownGazecastError(() => parseProfileString('age')).code).toBe('unsupported-profile');
    expect(thrownGazecastError(() => parseProfileString('age=18-24; age=55+')).message).toMatch(/twice/);
  });
  it('round-trips through formatProfileString', () => {
    const t = { age: '25-34', gender: 'female' };
    expect(parseProfileString(formatProfileString(t))).toEqual(t);
    expect(formatProfileString({ age: 'unknown', vision: 'protan' })).toBe('vision=protan');
  });
});
