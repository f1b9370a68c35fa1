/**
 * Property-based tests on malformed input: whatever the bytes, an importer returns either a
 * complete result or problems that each point at a real line and column — it never throws,
 * never returns a partial study, and a single broken cell is reported exactly where it is.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  importCanonical, importEyeLinkFixationReport, importPupilLabsSurface, importTobiiProLab, parseFixationsCsv, parseObserversCsv,
  parseStimuliCsv, type ImportProblem, type ImportResult,
} from '../../src/core/import';
import { parseAudienceFile } from '../../src/core/personal';
import { readFixture, toEyeLinkReport, toPupilSurface, toTobiiProLab } from './helpers/gaze-exports';

const FIX_HEADER = 'stimulus_id,observer_id,trial,index,x,y,start_ms,duration_ms';

function lineCount(text: string): number {
  return text.split('\n').length;
}

function expectWellFormed(r: ImportResult<unknown>, text: string): void {
  if (r.ok) return;
  expect(r.problems.length).toBeGreaterThan(0);
  for (const p of r.problems as ImportProblem[]) {
    expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount(text) + 1).toBe(true);
    expect(Number.isInteger(p.column) && p.column >= 1).toBe(true);
    expect(p.message.length).toBeGreaterThan(0);
  }
}

/** Text that looks like CSV/TSV: cells of awkward characters, quotes, separators and newlines. */
const cell = fc.oneof(
  fc.constantFrom('', '.', '-', '1e400', 'NaN', '0x10', '"', '""', ' 3 ', '1,5', 'Fixation', 'osie-1001', '-1', '12.5'),
  fc.string({ maxLength: 6 }),
  fc.double({ noNaN: false }).map(String),
);
const delimitedText = (sep: string, header: string) =>
  fc.tuple(fc.array(fc.array(cell, { maxLength: 10 }), { maxLength: 12 }), fc.constantFrom('\n', '\r\n'))
    .map(([rows, eol]) => [header, ...rows.map((r) => r.join(sep))].join(eol));

describe('importers on malformed input (fast-check)', () => {
  it('canonical parsers never throw and locate every problem', () => {
    fc.assert(fc.property(delimitedText(',', FIX_HEADER), fc.string({ maxLength: 200 }), (text, junk) => {
      for (const t of [text, junk, text + junk]) {
        expectWellFormed(parseFixationsCsv(t), t);
        expectWellFormed(parseStimuliCsv(t), t);
        expectWellFormed(parseObserversCsv(t), t);
      }
    }), { numRuns: 300 });
  });

  it('eye-tracker importers never throw and locate every problem', () => {
    const tobiiHeader = toTobiiProLab([], { width: 8, height: 6 }).trim();
    const eyelinkHeader = toEyeLinkReport([], { x: 0, y: 0 }).trim();
    const pupilHeader = toPupilSurface([], { width: 8, height: 6 }).trim();
    fc.assert(fc.property(delimitedText('\t', tobiiHeader), delimitedText('\t', eyelinkHeader), delimitedText(',', pupilHeader), (tobii, eyelink, pupil) => {
      expectWellFormed(importTobiiProLab(tobii), tobii);
      expectWellFormed(importEyeLinkFixationReport(eyelink), eyelink);
      expectWellFormed(importPupilLabsSurface(pupil, { observerId: 'o', stimulus: 's.jpg', stimulusSize: { width: 8, height: 6 } }), pupil);
    }), { numRuns: 300 });
  });

  it('one broken numeric cell in a real file is reported at exactly its line and column, and nothing is returned', () => {
    const fixations = readFixture('fixations.csv');
    const lines = fixations.trimEnd().split('\n');
    const numericColumns = [2, 3, 4, 5]; // trial, index, x, y (0-based)
    fc.assert(fc.property(
      fc.integer({ min: 1, max: lines.length - 1 }),
      fc.constantFrom(...numericColumns),
      fc.constantFrom('abc', '', '1..2', '∞', '0x1F', 'NaN', '--1', '1e999'),
      (row, col, bad) => {
        const cells = lines[row]!.split(',');
        cells[col] = bad;
        const broken = [...lines];
        broken[row] = cells.join(',');
        const text = broken.join('\n');
        const r = importCanonical({ stimuli: readFixture('stimuli.csv'), observers: readFixture('observers.csv'), fixations: text });
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.problems).toHaveLength(1);
        expect(r.problems[0]).toMatchObject({ file: 'fixations.csv', line: row + 1, column: col + 1 });
      },
    ), { numRuns: 200 });
  });

  it('well-formed generated rows are read back exactly', () => {
    const row = fc.record({
      trial: fc.integer({ min: 0, max: 3 }), x: fc.double({ min: 0, max: 799.99, noNaN: true }),
      y: fc.double({ min: 0, max: 599.99, noNaN: true }), dur: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
      const text = [FIX_HEADER, ...rows.map((r, i) => `osie-1001,osie-s01,${r.trial},${i},${r.x},${r.y},,${r.dur ?? ''}`)].join('\n');
      const parsed = parseFixationsCsv(text);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.value.map((f) => [f.trial, f.index, f.x, f.y, f.durationMs])).toEqual(rows.map((r, i) => [r.trial, i, r.x, r.y, r.dur]));
    }), { numRuns: 200 });
  });

  it('the audience JSON reader never throws on mutated files and locates problems', () => {
    const valid = JSON.stringify({
      schema: 'gazecast-audiences/1', exportedAt: '2026-01-01T00:00:00.000Z',
      audiences: [{ kind: 'personal', id: 'p', name: 'P', modelId: 'm', createdAt: 'x', observerId: 'o', attributes: {},
        embedding: [0.1, 0.2], viewings: 3, spread: 0.1, signalToNoise: 2, consistency: 'mixed' }],
    }, null, 2);
    expect(parseAudienceFile(valid).ok).toBe(true);
    fc.assert(fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 5 }), fc.string({ maxLength: 4 }),
      (at, del, ins) => {
        const text = valid.slice(0, at) + ins + valid.slice(at + del);
        expectWellFormed(parseAudienceFile(text), text);
      }), { numRuns: 400 });
  });
});
