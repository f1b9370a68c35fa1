import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importCanonical } from '../../src/core/import';
import {
  aggregatePanel, compareHoldOut, matchesFilter, parseAttributeFilter, scoreViewing, splitViewings,
  summariseEmbeddings, viewingsOf, type PanelMember,
} from '../../src/core/personal';
import type { DensityMap } from '../../src/core/prediction-types';
import { readFixture } from './helpers/gaze-exports';

const study = (() => {
  const r = importCanonical({ stimuli: readFixture('stimuli.csv'), observers: readFixture('observers.csv'), fixations: readFixture('fixations.csv') });
  if (!r.ok) throw new Error('fixture');
  return r.value;
})();

describe('viewings', () => {
  it('groups by observer, stimulus and trial, leaving out the fixation-cross fixation', () => {
    const v = viewingsOf(study, { observerId: 'osie-s01' });
    expect(v.map((x) => x.stimulusId)).toEqual(['osie-1001', 'osie-1002', 'osie-1003']);
    expect(v.every((x) => x.fixations.every((f, i) => f.index === i + 1))).toBe(true);
    const withFirst = viewingsOf(study, { observerId: 'osie-s01', keepFirstFixation: true });
    expect(withFirst[0]!.fixations.length).toBe(v[0]!.fixations.length + 1);
  });

  it('splits by stimulus, deterministically, with no image on both sides', () => {
    const all = viewingsOf(study, { observerId: 'osie-s02' });
    const a = splitViewings(all, 2);
    expect(a).toEqual(splitViewings(all, 2));
    expect(a.embed).toHaveLength(2);
    expect(a.heldOut).toHaveLength(1);
    const embedded = new Set(a.embed.map((v) => v.stimulusId));
    expect(a.heldOut.some((v) => embedded.has(v.stimulusId))).toBe(false);
  });
});

describe('embedding statistics', () => {
  it('mean, spread (RMS distance to the mean) and signal-to-noise', () => {
    const s = summariseEmbeddings([[1, 0], [3, 0], [2, 1], [2, -1]]);
    expect(s.embedding).toEqual([2, 0]);
    expect(s.count).toBe(4);
    expect(s.spread).toBeCloseTo(1, 12);
    expect(s.standardError).toBeCloseTo(0.5, 12);
    expect(s.signalToNoise).toBeCloseTo(4, 12);
    expect(s.consistency).toBe('consistent');
    expect(summariseEmbeddings([[1, 2]]).consistency).toBe('single');
    expect(summariseEmbeddings([[1, 0], [-1, 0.2]]).consistency).toBe('inconsistent');
  });

  it('rejects mixed lengths and non-finite values with named errors', () => {
    expect(() => summariseEmbeddings([[1, 2], [1]])).toThrow(/different models/);
    expect(() => summariseEmbeddings([[1, Number.NaN]])).toThrow(/non-finite/);
    expect(() => summariseEmbeddings([])).toThrow(/at least one viewing/);
  });

  it('spread is 0 exactly when all embeddings agree, and never negative (property)', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (es) => {
      const s = summariseEmbeddings(es);
      expect(s.spread).toBeGreaterThanOrEqual(0);
      expect(summariseEmbeddings(es.map(() => es[0]!)).spread).toBeCloseTo(0, 9);
    }), { numRuns: 200 });
  });
});

describe('panels', () => {
  const members: PanelMember[] = [
    { observerId: 'a', embedding: [1, 0], attributes: { age: '27', gender: 'female' }, viewings: 10 },
    { observerId: 'b', embedding: [3, 0], attributes: { age: '31', gender: 'female' }, viewings: 10 },
    { observerId: 'c', embedding: [0, 5], attributes: { age: '58', gender: 'male' }, viewings: 10 },
    { observerId: 'd', embedding: [0, 1], attributes: { gender: 'female' }, viewings: 10 },
  ];

  it('parses "key=value; key=v1,v2" filters and matches ages against bands', () => {
    expect(parseAttributeFilter('gender=female; age=25-34, 55+')).toEqual({ gender: ['female'], age: ['25-34', '55+'] });
    expect(() => parseAttributeFilter('gender female')).toThrow(/key=value/);
    expect(matchesFilter({ age: '34' }, { age: ['25-34'] })).toBe(true);
    expect(matchesFilter({ age: '34.5' }, { age: ['25-34'] })).toBe(true);
    expect(matchesFilter({ age: '35' }, { age: ['25-34'] })).toBe(false);
    expect(matchesFilter({ age: '70' }, { age: ['55+'] })).toBe(true);
    expect(matchesFilter({}, { age: ['55+'] })).toBe(false); // unknown never matches
    expect(matchesFilter({ gender: 'Female' }, { gender: ['female'] })).toBe(true);
  });

  it('aggregates the whole panel or a filtered part', () => {
    expect(aggregatePanel(members).members).toEqual(['a', 'b', 'c', 'd']);
    const women2534 = aggregatePanel(members, parseAttributeFilter('gender=female; age=25-34'));
    expect(women2534.members).toEqual(['a', 'b']);
    expect(women2534.embedding).toEqual([2, 0]);
    expect(women2534.spread).toBeCloseTo(1, 12);
    expect(() => aggregatePanel(members, { gender: ['other'] })).toThrow(/no panel member matches "gender=other".*gender: female, male/);
  });
});

describe('hold-out metrics', () => {
  // a 4x2 map over an 80x40 frame: cells 20x20 px
  const map = (data: number[]): DensityMap => ({ width: 4, height: 2, data: Float32Array.from(data), x0: 0, y0: 0, cellWidth: 20, cellHeight: 20 });
  const uniform = map(new Array(8).fill(1 / 8));
  const peaked = map([0.65, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05]);

  it('log-likelihood is in bits above uniform, NSS is the z-scored map at the fixations', () => {
    expect(scoreViewing(uniform, [{ x: 5, y: 5 }]).logLikelihood).toBeCloseTo(0, 6);
    const s = scoreViewing(peaked, [{ x: 5, y: 5 }, { x: 79.9, y: 39.9 }]);
    expect(s.logLikelihood).toBeCloseTo((Math.log2(0.65 * 8) + Math.log2(0.05 * 8)) / 2, 5);
    const std = Math.sqrt((0.65 - 0.125) ** 2 / 8 + 7 * (0.05 - 0.125) ** 2 / 8);
    expect(s.nss).toBeCloseTo(((0.65 - 0.125) / std + (0.05 - 0.125) / std) / 2, 5);
    expect(scoreViewing(uniform, [{ x: 5, y: 5 }]).nss).toBe(0);
  });

  it('compares personal with population and says when the difference is clear', () => {
    const fix = [{ x: 5, y: 5 }, { x: 12, y: 8 }];
    const helps = compareHoldOut([1, 2, 3].map(() => ({ personal: scoreViewing(peaked, fix), population: scoreViewing(uniform, fix) })));
    expect(helps.verdict).toBe('helps'); // the same positive gain on every viewing
    expect(helps.gainStandardError).toBe(0);
    const varied = compareHoldOut([
      { personal: { logLikelihood: 1.2, nss: 1, fixations: 5 }, population: { logLikelihood: 1.0, nss: 0.9, fixations: 5 } },
      { personal: { logLikelihood: 1.5, nss: 1, fixations: 5 }, population: { logLikelihood: 1.2, nss: 0.8, fixations: 5 } },
      { personal: { logLikelihood: 0.9, nss: 1, fixations: 10 }, population: { logLikelihood: 0.8, nss: 0.9, fixations: 10 } },
    ]);
    expect(varied.verdict).toBe('helps');
    expect(varied.viewingsImproved).toBe(3);
    expect(varied.gain.logLikelihood).toBeCloseTo((0.2 * 5 + 0.3 * 5 + 0.1 * 10) / 20, 9);
    const hurts = compareHoldOut([
      { personal: { logLikelihood: 0.2, nss: 0, fixations: 5 }, population: { logLikelihood: 1.0, nss: 0, fixations: 5 } },
      { personal: { logLikelihood: 0.1, nss: 0, fixations: 5 }, population: { logLikelihood: 1.1, nss: 0, fixations: 5 } },
    ]);
    expect(hurts.verdict).toBe('hurts');
  });
});
