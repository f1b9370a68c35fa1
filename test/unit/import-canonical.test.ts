import { describe, expect, it } from 'vitest';
import {
  formatProblems, importCanonical, importError, parseFixationsCsv, parseObserversCsv, parseStimuliCsv,
} from '../../src/core/import';
import { readFixture } from './helpers/gaze-exports';

const files = () => ({ stimuli: readFixture('stimuli.csv'), observers: readFixture('observers.csv'), fixations: readFixture('fixations.csv') });

describe('canonical import (../shared/data format)', () => {
  it('reads the OSIE slice: every row, ids, sizes and attributes', () => {
    const r = importCanonical(files());
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(r.value.format).toBe('canonical');
    expect(r.value.stimuli.map((s) => s.id)).toEqual(['osie-1001', 'osie-1002', 'osie-1003']);
    expect(r.value.stimuli[0]).toEqual({ id: 'osie-1001', file: 'stimuli/1001.jpg', kind: 'image', width: 800, height: 600 });
    expect(r.value.observers).toHaveLength(15);
    expect(r.value.observers[0]).toEqual({ id: 'osie-s01', attributes: { task: 'free-viewing' } });
    expect(r.value.fixations).toHaveLength(readFixture('fixations.csv').trim().split('\n').length - 1);
    // first data row: osie-1001,osie-s01,0,0,395.5,265.7,,246
    expect(r.value.fixations[0]).toEqual({ stimulusId: 'osie-1001', observerId: 'osie-s01', trial: 0, index: 0, x: 395.5, y: 265.7, durationMs: 246 });
  });

  it('reports line, column and column name of a bad number', () => {
    const text = 'stimulus_id,observer_id,trial,index,x,y,start_ms,duration_ms\nosie-1001,a,0,0,1,2,,3\nosie-1001,a,0,1,abc,2,,3\n';
    const r = parseFixationsCsv(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ file: 'fixations.csv', line: 3, column: 5, columnName: 'x', message: 'x must be a number, found "abc"' }]);
  });

  it('checks fixations against stimuli (ids, bounds) and observers, across files', () => {
    const f = files();
    const lines = f.fixations.split('\n');
    lines[2] = lines[2]!.replace(/^osie-1001,osie-s01,0,1,[^,]+/, 'osie-1001,osie-s01,0,1,800'); // x == width: outside
    lines[5] = lines[5]!.replace(/^osie-1001/, 'osie-9999');
    lines[7] = lines[7]!.replace(/osie-s01/, 'osie-s99');
    const r = importCanonical({ ...f, fixations: lines.join('\n') });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.line, p.column, p.columnName])).toEqual([[3, 5, 'x'], [6, 1, 'stimulus_id'], [8, 2, 'observer_id']]);
    expect(r.problems[0]!.message).toMatch(/must lie in \[0, 800\)/);
    expect(r.problems[1]!.message).toMatch(/"osie-9999" is not in stimuli.csv/);
  });

  it('reports structural problems: missing column, field count, unterminated quote, duplicates, empty file', () => {
    const missing = parseFixationsCsv('stimulus_id,observer_id,trial,index,x\n');
    expect(!missing.ok && missing.problems[0]).toMatchObject({ line: 1, column: 6, message: expect.stringMatching(/missing column "y"/) });

    const count = parseStimuliCsv('stimulus_id,file,kind,width,height\na,a.jpg,image,10\nb,b.jpg,image,10,10\n');
    expect(!count.ok && count.problems).toEqual([{ file: 'stimuli.csv', line: 2, column: 5, columnName: 'height', message: 'expected 5 fields as in the header, found 4' }]);

    const quote = parseStimuliCsv('stimulus_id,file,kind,width,height\na,a.jpg,image,10,10\nb,"b.jpg,image,10,10\n');
    expect(!quote.ok && quote.problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/unterminated/i) });

    const dup = parseObserversCsv('observer_id,age,gender\np1,25,female\n\np1,30,male\n');
    expect(!dup.ok && dup.problems).toEqual([{ file: 'observers.csv', line: 4, column: 1, columnName: 'observer_id', message: 'observer_id "p1" is listed twice (first on line 2)' }]);

    const empty = parseFixationsCsv('');
    expect(!empty.ok && empty.problems[0]).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/empty/) });
  });

  it('validates observer attributes: age as years or band, gender', () => {
    const r = parseObserversCsv('observer_id,age,gender,group,task\np1,27,Female,typical,free-viewing\np2,55+,,,\np3,old,other,,\n');
    expect(!r.ok && r.problems.map((p) => [p.line, p.columnName])).toEqual([[4, 'age'], [4, 'gender']]);
    const ok = parseObserversCsv('observer_id,age,gender,group,task\np1,27,Female,typical,free-viewing\np2,25-34,,,\n');
    expect(ok.ok && ok.value).toEqual([
      { id: 'p1', attributes: { age: '27', gender: 'female', group: 'typical', task: 'free-viewing' } },
      { id: 'p2', attributes: { age: '25-34' } },
    ]);
  });

  it('handles CRLF, a BOM and quoted fields with line numbers intact', () => {
    const text = '\ufeffstimulus_id,file,kind,width,height,fps,duration_ms\r\n"a","a\r\nb.jpg",image,10,10,,\r\nb,b.jpg,imag,10,10,,\r\n';
    const r = parseStimuliCsv(text);
    expect(!r.ok && r.problems).toEqual([{ file: 'stimuli.csv', line: 4, column: 3, columnName: 'kind', message: 'kind must be "image" or "video", found "imag"' }]);
  });

  it('a video needs its fps; rejected imports become a named error listing every location', () => {
    const r = parseStimuliCsv('stimulus_id,file,kind,width,height,fps,duration_ms\nv,v.mp4,video,10,10,,\n');
    expect(!r.ok && r.problems[0]).toMatchObject({ line: 2, column: 6, columnName: 'fps' });
    if (r.ok) return;
    const e = importError(r.problems);
    expect(e.code).toBe('import-invalid');
    expect(e.message).toContain('stimuli.csv line 2, column 6 (fps): a video needs its fps');
  });
});
