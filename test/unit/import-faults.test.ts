/**
 * Issue 17 defect 8: EyeLink rows repeated are not counted twice; a file with the wrong
 * separator says so; Pupil rows out of time order never give a negative start_ms; a file whose
 * every fixation is out of range says that, at the coordinate column, instead of blaming another.
 */
import { describe, expect, it } from 'vitest';
import {
  formatProblems, importCanonical, importEyeLinkFixationReport, importPupilLabsSurface, importTobiiProLab, type GazeStudy,
} from '../../src/core/import';
import { readFixture, toEyeLinkReport, toPupilSurface, toTobiiProLab } from './helpers/gaze-exports';

const canonical = (() => {
  const r = importCanonical({ stimuli: readFixture('stimuli.csv'), observers: readFixture('observers.csv'), fixations: readFixture('fixations.csv') });
  if (!r.ok) throw new Error(formatProblems(r.problems));
  return r.value;
})();
const image = { width: 800, height: 600 };
const sizes = new Map([['1001.jpg', image], ['1002.jpg', image], ['1003.jpg', image]]);

function ok(r: ReturnType<typeof importEyeLinkFixationReport>): GazeStudy {
  if (!r.ok) throw new Error(formatProblems(r.problems));
  return r.value;
}

describe('EyeLink repeated rows', () => {
  const txt = toEyeLinkReport(canonical.fixations.slice(0, 20), { x: 0, y: 0 });
  const lines = txt.trimEnd().split('\n');

  it('counts an identical repeated row once, with a warning', () => {
    const once = ok(importEyeLinkFixationReport(txt, { stimulusSizes: sizes }));
    const twice = importEyeLinkFixationReport([...lines, lines[3], lines[5]].join('\n') + '\n', { stimulusSizes: sizes });
    expect(ok(twice).fixations).toEqual(once.fixations);
    expect(twice.ok && twice.warnings.some((w) => /2 repeated rows/.test(w.message))).toBe(true);
    // a whole report appended twice
    expect(ok(importEyeLinkFixationReport([...lines, ...lines.slice(1)].join('\n'), { stimulusSizes: sizes })).fixations).toEqual(once.fixations);
  });

  it('refuses a repeat with other values, naming both lines', () => {
    const cells = lines[3]!.split('\t');
    cells[3] = String(Number(cells[3]) + 50);
    const r = importEyeLinkFixationReport([...lines, cells.join('\t')].join('\n'), { stimulusSizes: sizes });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]!.message).toMatch(/listed twice with different values \(first on line 4\)/);
    expect(!r.ok && r.problems[0]!.columnName).toBe('CURRENT_FIX_INDEX');
  });
});

describe('a file with the wrong separator', () => {
  it('says the separator is the problem (Pupil, comma format, given semicolons)', () => {
    const csv = toPupilSurface(canonical.fixations.slice(0, 5), image).replaceAll(',', ';');
    const r = importPupilLabsSurface(csv, { observerId: 'o', stimulus: '1001.jpg', stimulusSize: image });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]!.message).toMatch(/separated by semicolons, but this format uses commas/);
  });

  it('says so for a tab format given commas (EyeLink) and for the canonical CSV given semicolons', () => {
    const txt = toEyeLinkReport(canonical.fixations.slice(0, 5), { x: 0, y: 0 }).replaceAll('\t', ',');
    const r = importEyeLinkFixationReport(txt);
    expect(!r.ok && r.problems[0]!.message).toMatch(/separated by commas, but this format uses tabs/);
    const c = importCanonical({ stimuli: readFixture('stimuli.csv').replaceAll(',', ';'), observers: readFixture('observers.csv'), fixations: readFixture('fixations.csv') });
    expect(!c.ok && c.problems[0]!.message).toMatch(/separated by semicolons, but this format uses commas/);
  });
});

describe('Pupil rows out of time order', () => {
  it('measures start_ms from the earliest fixation: none is negative', () => {
    const viewing = canonical.fixations.slice(0, 6);
    const [header, ...rows] = toPupilSurface(viewing, image).trimEnd().split('\n');
    const shuffled = [...rows.slice(9), ...rows.slice(0, 9)]; // later fixations first
    const r = importPupilLabsSurface([header, ...shuffled].join('\n'), { observerId: 'o', stimulus: '1001.jpg', stimulusSize: image });
    const study = ok(r);
    const starts = study.fixations.map((f) => f.startMs!);
    expect(Math.min(...starts)).toBe(0);
    expect(starts.every((s) => s >= 0)).toBe(true);
    // the same onsets as the file in order
    const inOrder = ok(importPupilLabsSurface(toPupilSurface(viewing, image), { observerId: 'o', stimulus: '1001.jpg', stimulusSize: image }));
    expect(study.fixations.map((f) => f.startMs)).toEqual(inOrder.fixations.map((f) => f.startMs));
  });
});

describe('every fixation out of range', () => {
  it('EyeLink: says all were outside the image, at the x column', () => {
    const txt = toEyeLinkReport(canonical.fixations.slice(0, 10), { x: 5000, y: 5000 });
    const r = importEyeLinkFixationReport(txt, { stimulusSizes: sizes });
    expect(!r.ok && r.problems[0]!.message).toMatch(/all 10 fixations were outside the image.*display geometry/);
    expect(!r.ok && r.problems[0]!.column).toBe(4); // CURRENT_FIX_X
  });

  it('Pupil: says all were off the surface, at norm_pos_x', () => {
    const viewing = canonical.fixations.slice(0, 4);
    const csv = toPupilSurface(viewing, image, [0, 1, 2, 3]);
    const r = importPupilLabsSurface(csv, { observerId: 'o', stimulus: '1001.jpg', stimulusSize: image });
    expect(!r.ok && r.problems[0]!.message).toMatch(/all 4 fixations were off the surface/);
    expect(!r.ok && r.problems[0]!.column).toBe(7);
  });

  it('Tobii: says all were outside the media, at the fixation point column, not "Eye movement type"', () => {
    const tsv = toTobiiProLab(canonical.fixations.slice(0, 5), image).split('\r\n');
    const header = tsv[0]!.split('\t');
    const colX = header.indexOf('Fixation point X [MCS norm]');
    const moved = tsv.map((l, i) => {
      if (i === 0 || !l.includes('\tFixation\t')) return l;
      const cells = l.split('\t');
      cells[colX] = '1.5';
      return cells.join('\t');
    });
    const r = importTobiiProLab(moved.join('\r\n'), { stimulusSizes: sizes });
    expect(!r.ok && r.problems[0]!.message).toMatch(/all \d+ fixations were outside the media.*fixation point columns/);
    expect(!r.ok && r.problems[0]!.column).toBe(colX + 1);
  });
});
