import { describe, expect, it } from 'vitest';
import {
  detectFormat, formatProblems, importCanonical, importEyeLinkFixationReport, importPupilLabsSurface, importTobiiProLab, type GazeStudy,
} from '../../src/core/import';
import { readFixture, toEyeLinkReport, toPupilSurface, toTobiiProLab } from './helpers/gaze-exports';

const canonical = (() => {
  const r = importCanonical({ stimuli: readFixture('stimuli.csv'), observers: readFixture('observers.csv'), fixations: readFixture('fixations.csv') });
  if (!r.ok) throw new Error(formatProblems(r.problems));
  return r.value;
})();
const image = { width: 800, height: 600 };
const sizes = new Map([['1001.jpg', image], ['1002.jpg', image], ['1003.jpg', image]]);

/** The canonical rows, with stimulus ids as the exports name them (file names), to compare with. */
function expected(opts: { durations?: boolean } = {}) {
  return canonical.fixations.map((f) => ({
    stimulusId: `${f.stimulusId.replace('osie-', '')}.jpg`, observerId: f.observerId, trial: f.trial, index: f.index,
    x: expect.closeTo(f.x, 6), y: expect.closeTo(f.y, 6),
    ...(opts.durations && f.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
  }));
}
const sortKey = (s: GazeStudy) => [...s.fixations].sort((a, b) =>
  a.observerId.localeCompare(b.observerId) || a.stimulusId.localeCompare(b.stimulusId) || a.trial - b.trial || a.index - b.index);
const sortedExpected = (e: ReturnType<typeof expected>) => [...e].sort((a, b) =>
  a.observerId.localeCompare(b.observerId) || a.stimulusId.localeCompare(b.stimulusId) || a.trial - b.trial || a.index - b.index);

describe('Tobii Pro Lab data export', () => {
  it.each([
    ['current headers ([MCS norm], [μs])', {}],
    ['older headers ((MCSnorm), ms) with decimal commas', { oldHeaders: true, decimalComma: true }],
  ])('gives back the canonical fixations: %s', (_name, opts) => {
    const tsv = toTobiiProLab(canonical.fixations, image, opts);
    expect(detectFormat(tsv)).toBe('tobii-pro-lab');
    const r = importTobiiProLab(tsv, { stimulusSizes: sizes });
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(r.value.format).toBe('tobii-pro-lab');
    const got = sortKey(r.value).map(({ startMs: _s, ...f }) => f);
    expect(got).toEqual(sortedExpected(expected({ durations: true })));
    expect(r.value.stimuli.map((s) => [s.id, s.width, s.height])).toEqual([['1001.jpg', 800, 600], ['1002.jpg', 800, 600], ['1003.jpg', 800, 600]]);
    // start_ms is measured from the media's first sample: the first fixation starts at it
    expect(sortKey(r.value)[0]!.startMs).toBe(0);
  });

  it('falls back to display pixels and the media rectangle when MCS columns are absent', () => {
    const tsv = toTobiiProLab(canonical.fixations.slice(0, 30), image);
    const lines = tsv.split('\r\n').map((l) => l.split('\t').slice(0, 13).join('\t')); // drop the MCS norm columns
    const r = importTobiiProLab(lines.join('\r\n'));
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(r.value.fixations.map((f) => [f.x, f.y])).toEqual(
      canonical.fixations.slice(0, 30).map((f) => [expect.closeTo(f.x, 6), expect.closeTo(f.y, 6)]));
  });

  it('drops fixations outside the media with a warning, and reports bad cells by line and column', () => {
    const tsv = toTobiiProLab(canonical.fixations.slice(0, 10), image).split('\r\n');
    const header = tsv[0]!.split('\t');
    const colX = header.indexOf('Fixation point X [MCS norm]');
    const fixRow = tsv.findIndex((l) => l.includes('\tFixation\t'));
    const cells = tsv[fixRow]!.split('\t');
    cells[colX] = '1.5';
    const outside = [...tsv];
    outside[fixRow] = cells.join('\t');
    const r = importTobiiProLab(outside.join('\r\n'), { stimulusSizes: sizes });
    // the fixation's next samples repeat it with the old value, but the first row decides
    expect(r.ok && r.warnings[0]!.message).toMatch(/1 fixations outside the media/);

    cells[colX] = 'n/a';
    const bad = [...tsv];
    bad[fixRow] = cells.join('\t');
    const r2 = importTobiiProLab(bad.join('\r\n'), { stimulusSizes: sizes });
    expect(!r2.ok && r2.problems).toEqual([{
      file: 'tobii-export.tsv', line: fixRow + 1, column: colX + 1, columnName: 'Fixation point X [MCS norm]',
      message: 'Fixation point X (MCSnorm) must be a number, found "n/a"',
    }]);
  });

  it('names what is missing when the export lacks the needed columns', () => {
    const r = importTobiiProLab('Participant name\tEye movement type\nP1\tFixation\n');
    expect(r.ok).toBe(false);
    const text = !r.ok ? formatProblems(r.problems) : '';
    expect(text).toMatch(/missing column "Presented Media name"/);
    expect(text).toMatch(/missing column "Eye movement type index"/);
    expect(text).toMatch(/no fixation coordinates/);
  });
});

describe('EyeLink Data Viewer fixation report', () => {
  it('gives back the canonical fixations from screen coordinates with an explicit offset', () => {
    const txt = toEyeLinkReport(canonical.fixations, { x: 112, y: 84 });
    expect(detectFormat(txt)).toBe('eyelink-fixation-report');
    const r = importEyeLinkFixationReport(txt, { stimulusSizes: sizes, display: { offsetX: 112, offsetY: 84 } });
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(sortKey(r.value)).toEqual(sortedExpected(expected({ durations: true })));
  });

  it('undoes centring on the screen, and reads "." as missing', () => {
    const txt = toEyeLinkReport(canonical.fixations, { x: (1024 - 800) / 2, y: (768 - 600) / 2 });
    const r = importEyeLinkFixationReport(txt, { stimulusSizes: sizes, display: { centredOn: { width: 1024, height: 768 } } });
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(sortKey(r.value)).toEqual(sortedExpected(expected({ durations: true })));
    expect(r.value.fixations.every((f) => f.startMs === undefined)).toBe(true); // OSIE has no onsets: "." in the report
  });

  it('reports a missing image column, bad numbers by line and column, and off-image fixations as warnings', () => {
    const txt = toEyeLinkReport(canonical.fixations.slice(0, 20), { x: 0, y: 0 });
    const noImage = txt.replace('\timage\n', '\tpicture_file\n');
    const r = importEyeLinkFixationReport(noImage);
    expect(!r.ok && r.problems[0]!.message).toMatch(/no column naming the image.*stimulusColumn/);
    expect(importEyeLinkFixationReport(noImage, { stimulusColumn: 'picture_file' }).ok).toBe(true);

    const lines = txt.split('\n');
    const cells = lines[4]!.split('\t');
    cells[3] = '12,5';
    lines[4] = cells.join('\t');
    const bad = importEyeLinkFixationReport(lines.join('\n'));
    expect(!bad.ok && bad.problems).toEqual([{
      file: 'fixation-report.txt', line: 5, column: 4, columnName: 'CURRENT_FIX_X', message: 'CURRENT_FIX_X must be a number, found "12,5"',
    }]);

    const off = importEyeLinkFixationReport(txt, { stimulusSizes: sizes, display: { offsetX: 500, offsetY: 0 } });
    expect(off.ok && off.warnings[0]!.message).toMatch(/fixations outside the image were left out/);
  });
});

describe('Pupil Labs surface fixations', () => {
  const viewing = canonical.fixations.filter((f) => f.observerId === 'osie-s03' && f.stimulusId === 'osie-1002');

  it('gives back one viewing, flipping y from the surface origin at the bottom', () => {
    const csv = toPupilSurface(viewing, image);
    expect(detectFormat(csv)).toBe('pupil-labs-surface');
    const r = importPupilLabsSurface(csv, { observerId: 'osie-s03', stimulus: 'stimuli/1002.jpg', stimulusSize: image });
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(r.value.fixations.map(({ startMs: _s, ...f }) => f)).toEqual(viewing.map((f) => ({
      stimulusId: '1002.jpg', observerId: 'osie-s03', trial: 0, index: f.index,
      x: expect.closeTo(f.x, 6), y: expect.closeTo(f.y, 6), ...(f.durationMs === undefined ? {} : { durationMs: f.durationMs }),
    })));
    expect(r.value.fixations[0]!.startMs).toBe(0);
    expect(r.value.fixations[1]!.startMs).toBeCloseTo((viewing[0]!.durationMs ?? 100) + 30, 3);
  });

  it('leaves out fixations off the surface, renumbering the rest, and locates bad cells', () => {
    const r = importPupilLabsSurface(toPupilSurface(viewing, image, [1]), { observerId: 'o', stimulus: '1002.jpg', stimulusSize: image });
    expect(r.ok && r.value.fixations.length).toBe(viewing.length - 1);
    expect(r.ok && r.warnings[0]!.message).toMatch(/1 fixations off the surface/);
    const lines = toPupilSurface(viewing, image).split('\n');
    lines[4] = lines[4]!.split(',').map((c, i) => (i === 6 ? 'left' : c)).join(',');
    const bad = importPupilLabsSurface(lines.join('\n'), { observerId: 'o', stimulus: '1002.jpg', stimulusSize: image });
    expect(!bad.ok && bad.problems).toEqual([{
      file: 'fixations_on_surface.csv', line: 5, column: 7, columnName: 'norm_pos_x', message: 'norm_pos_x must be a number, found "left"',
    }]);
  });
});
