/**
 * Issue 17 defect 9: cells that a spreadsheet would run as a formula once it trims leading
 * whitespace, reads a fullwidth sign, or splits the line at another locale's separator are
 * neutralised (prefixed with ') and kept in one cell.
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { aoiStats, type Aoi } from '../../src/core/aoi';
import { buildAnalysisDocument, type AnalysisInput } from '../../src/core/export-analysis';
import { aoiCsv, safeText } from '../../src/core/export-csv';
import { makeDensity, pt } from './app-fixtures';

describe('CSV cells are neutralised', () => {
  const dangerous = [
    '=1+1',
    '+1+1',
    '-1+1',
    '@SUM(A1)',
    '\t=1+1',
    '\r=1+1',
    ' =1+1', // a leading space
    '   @SUM(A1)',
    '\n=1+1', // a line break
    '\r\n+1',
    '\u00a0=1+1', // no-break space
    '\u3000=1+1', // ideographic space
    '＝1+1', // fullwidth equals
    '＋1',
    '－1',
    '＠SUM(A1)',
    ';=1+1', // read with ';' as separator, "=1+1" is a cell of its own
    'Men;=HYPERLINK("x")',
    'a|=1+1',
    'a\t=1+1',
    'a; +1',
  ];
  /** where a cell begins when the text is read with any of the separators spreadsheets use */
  const cellStarts = (t: string): string[] => t.split(/[;|\t,]/);
  for (const text of dangerous) {
    it(`neutralises ${JSON.stringify(text)}`, () => {
      const safe = safeText(text);
      for (const cell of cellStarts(safe)) expect(cell, safe).not.toMatch(/^\s*[=+\-@＝＋－＠]/u);
      expect(safe.replaceAll("'", '')).toBe(text.replaceAll("'", '')); // only quotes are added
    });
  }
  it('prefixes the start, and each formula after a separator', () => {
    expect(safeText(' =1+1')).toBe("' =1+1");
    expect(safeText('＝1+1')).toBe("'＝1+1");
    expect(safeText(';=1+1')).toBe(";'=1+1");
    expect(safeText('=a;+b')).toBe("'=a;'+b");
  });

  it('leaves ordinary names alone', () => {
    for (const text of ['Women, 25-34', 'Headline', 'Logo (top-left)', 'A-B test', '55+', 'x = y']) expect(safeText(text)).toBe(text);
  });

  it('keeps a neutralised cell with a separator in one field, quoted, in the CSV', () => {
    const aois: Aoi[] = [{ id: 'x', name: ';=1+1', shape: { kind: 'rect', x: 0, y: 0, width: 400, height: 300 } }];
    const d = makeDensity(32, 24, 800, 600, () => 1);
    const points = [pt(100, 100, 0, 0.5)];
    const input: AnalysisInput = {
      media: { name: 'ad.png', kind: 'image', width: 800, height: 600 },
      model: { id: 'gazecast-mnv1-s8', version: '1.0.0' },
      audiences: [{ id: 'a', name: ' =cmd', tokens: {} }],
      aois,
      frames: [{ timestampMs: 0, results: [{ audienceId: 'a', points, aoiStats: aoiStats({ density: d, points }, aois) }] }],
    } as unknown as AnalysisInput;
    const csv = aoiCsv(buildAnalysisDocument(input));
    expect(csv).toContain(`";'=1+1"`);
    // read back with ';' as the separator (a German or French spreadsheet): no cell starts a formula
    const cells = Papa.parse<string[]>(csv.trim(), { delimiter: ';' }).data.flat();
    expect(cells.filter((c) => /^\s*[=+\-@＝＋－＠]/u.test(c))).toEqual([]);
    const rows = Papa.parse<string[]>(csv.trim()).data;
    expect(rows[1]![0]).toBe("' =cmd");
    expect(rows[1]![2]).toBe(";'=1+1");
  });
});
