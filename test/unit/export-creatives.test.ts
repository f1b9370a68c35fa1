/**
 * Creative A/B in the CSV exports (issue 16, point 5): a document with a creative B carries B's
 * rows beside A's, told apart by a `creative` column (A/B) and the creative's file name; the
 * areas matched by name get a CSV of their own. Documents without a creative B keep the
 * columns they always had.
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { aoiStats, type Aoi } from '../../src/core/aoi';
import { compareCreatives } from '../../src/core/creative-compare';
import { buildAnalysisDocument, type AnalysisDocument, type AnalysisInput } from '../../src/core/export-analysis';
import { aoiCsv, creativeComparisonCsv, pointsCsv, summaryCsv } from '../../src/core/export-csv';
import { makeDensity, pt } from './app-fixtures';

const rect = (id: string, name: string, x: number, y: number, width: number, height: number): Aoi => ({ id, name, shape: { kind: 'rect', x, y, width, height } });
const aoisA: Aoi[] = [rect('a1', 'Headline', 0, 0, 800, 120), rect('a2', 'Logo', 600, 500, 200, 100)];
// B: a "call to action" (another case) where A has none, the headline elsewhere, and a formula for a name
const aoisB: Aoi[] = [rect('b1', 'Headline', 0, 480, 800, 120), rect('b2', '=cmd|"/c calc"!A1', 0, 0, 100, 100)];
const dA = makeDensity(32, 24, 800, 600, (i) => (i < 5 ? 3 : 1));
const dB = makeDensity(16, 24, 400, 600, (i) => (i > 18 ? 3 : 1));
const audience = { id: 'a', name: 'Women, 25-34', tokens: { gender: 'female' } };

function docA(frames: number[]): AnalysisInput {
  const points = [pt(400, 60, 0, 0.4), pt(700, 550, 1, 0.2)];
  return {
    media: { name: 'spring.mp4', kind: 'video', width: 800, height: 600, durationMs: 2000 },
    model: { id: 'gazecast-mnv1-s8', version: '1.0.0' },
    audiences: [audience],
    aois: aoisA,
    frames: frames.map((t) => ({ timestampMs: t, results: [{ audienceId: 'a', points, aoiStats: aoiStats({ density: dA, points }, aoisA) }] })),
    samplesPerSecond: 2,
  };
}

function withB(frames: number[]): AnalysisDocument {
  const a = buildAnalysisDocument(docA(frames));
  const points = [pt(200, 540, 0, 0.5)];
  const creativeB = buildAnalysisDocument({
    media: { name: '=summer.jpg', kind: 'image', width: 400, height: 600 },
    model: a.model,
    audiences: [audience],
    aois: aoisB,
    frames: [{ timestampMs: 0, results: [{ audienceId: 'a', points, aoiStats: aoiStats({ density: dB, points }, aoisB) }] }],
  });
  return { ...a, creativeB, creativeComparison: compareCreatives(a.summary[0]!.aoiStats, creativeB.summary[0]!.aoiStats) };
}

const parse = (csv: string) => Papa.parse<string[]>(csv.trim()).data;

describe('CSV exports with creative B', () => {
  it('points CSV: A’s rows, then B’s, with the creative and its file in the first columns', () => {
    const rows = parse(pointsCsv(withB([0, 500])));
    expect(rows[0]).toEqual(['creative', 'media', 'audience', 'time_ms', 'visit_order', 'x_px', 'y_px', 'mass']);
    expect(rows).toHaveLength(1 + 2 * 2 + 1);
    expect(rows[1]).toEqual(['A', 'spring.mp4', 'Women, 25-34', '0', '1', '400', '60', '0.4']);
    expect(rows[4]![0]).toBe('A');
    // creative B's file name would start a formula: neutralised like every other name
    expect(rows[5]).toEqual(['B', "'=summer.jpg", 'Women, 25-34', '0', '1', '200', '540', '0.5']);
  });

  it('AOI CSV: each creative with its own areas, names neutralised', () => {
    const rows = parse(aoiCsv(withB([0, 500])));
    expect(rows[0]).toEqual(['creative', 'media', 'audience', 'time_ms', 'aoi', 'share', 'first_visit_rank', 'points_inside']);
    expect(rows.slice(1).map((r) => [r[0], r[4]])).toEqual([
      ['A', 'Headline'], ['A', 'Logo'], ['A', 'Headline'], ['A', 'Logo'],
      ['B', 'Headline'], ['B', `'=cmd|"/c calc"!A1`],
    ]);
    expect(Number(rows[5]![5])).toBeCloseTo(withB([0]).creativeB!.frames[0]!.results[0]!.aoiStats[0]!.share, 5);
    // read with another locale's separator, no cell starts a formula
    const cells = Papa.parse<string[]>(aoiCsv(withB([0])).trim(), { delimiter: ';' }).data.flat();
    expect(cells.filter((c) => /^\s*[=+\-@]/u.test(c))).toEqual([]);
  });

  it('summary CSV: a row per creative and area', () => {
    const rows = parse(summaryCsv(withB([0, 500])));
    expect(rows[0]).toEqual(['creative', 'media', 'audience', 'aoi', 'mean_share', 'first_visit_rank']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['A', 'A', 'B', 'B']);
  });

  it('comparison CSV: one row per area name, both shares, both first visits and B − A in points', () => {
    const doc = withB([0, 500]);
    const rows = parse(creativeComparisonCsv(doc));
    expect(rows[0]).toEqual(['area', 'share_a', 'first_visit_a', 'share_b', 'first_visit_b', 'b_minus_a_points']);
    expect(rows.map((r) => r[0])).toEqual(['area', 'Headline', 'Logo', `'=cmd|"/c calc"!A1`]);
    const headline = doc.creativeComparison![0]!;
    expect(Number(rows[1]![1])).toBeCloseTo(headline.a!.share, 5);
    expect(Number(rows[1]![3])).toBeCloseTo(headline.b!.share, 5);
    expect(Number(rows[1]![5])).toBeCloseTo((headline.b!.share - headline.a!.share) * 100, 2);
    // an area on one creative only: the other's cells and the difference are empty (not 0)
    expect(rows[2]!.slice(3)).toEqual(['', '', '']);
    expect(rows[3]!.slice(1, 3)).toEqual(['', '']);
  });

  it('a document without creative B keeps its columns; its comparison CSV is the header alone', () => {
    const doc = buildAnalysisDocument(docA([0]));
    expect(parse(pointsCsv(doc))[0]).toEqual(['audience', 'time_ms', 'visit_order', 'x_px', 'y_px', 'mass']);
    expect(parse(aoiCsv(doc))[0]).toEqual(['audience', 'time_ms', 'aoi', 'share', 'first_visit_rank', 'points_inside']);
    expect(parse(summaryCsv(doc))[0]).toEqual(['audience', 'aoi', 'mean_share', 'first_visit_rank']);
    expect(parse(creativeComparisonCsv(doc))).toHaveLength(1);
  });
});
