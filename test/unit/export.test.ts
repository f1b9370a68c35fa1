import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { aoiStats, type Aoi } from '../../src/core/aoi';
import { analysisToJson, buildAnalysisDocument, parseAnalysisJson, type AnalysisInput } from '../../src/core/export-analysis';
import { aoiCsv, pointsCsv, summaryCsv } from '../../src/core/export-csv';
import { makeDensity, pt } from './app-fixtures';

const aois: Aoi[] = [
  { id: 'h', name: 'Headline, "big"', shape: { kind: 'rect', x: 0, y: 0, width: 800, height: 120 } },
  { id: 'c', name: '=HYPERLINK("x")', shape: { kind: 'polygon', points: [{ x: 500, y: 500 }, { x: 780, y: 500 }, { x: 780, y: 580 }, { x: 500, y: 580 }] } },
];
const d = makeDensity(32, 24, 800, 600, (i) => (i < 5 ? 3 : 1));
function frame(t: number) {
  const pa = [pt(400.123456, 60.5, 0, 0.4), pt(600, 540, 1, 0.2)];
  const pb = [pt(650, 530, 0, 0.5)];
  return {
    timestampMs: t,
    results: [
      { audienceId: 'a', points: pa, aoiStats: aoiStats({ density: d, points: pa }, aois) },
      { audienceId: 'b', points: pb, aoiStats: aoiStats({ density: d, points: pb }, aois) },
    ],
  };
}
const input: AnalysisInput = {
  media: { name: 'ad.mp4', kind: 'video', width: 800, height: 600, durationMs: 1000 },
  model: { id: 'gazecast-mnv1-s8', version: '1.0.0' },
  audiences: [
    { id: 'a', name: 'Women, 25-34', tokens: { gender: 'female', age: '25-34' } },
    { id: 'b', name: 'Deutan', tokens: { vision: 'deutan' } },
  ],
  aois,
  frames: [frame(0), frame(500)],
  samplesPerSecond: 2,
};

describe('analysis exports', () => {
  const doc = buildAnalysisDocument(input, new Date('2026-01-02T03:04:05Z'));

  it('JSON round-trips with the schema, summary and stories, rounded sensibly', () => {
    const json = analysisToJson(doc);
    const back = parseAnalysisJson(json);
    expect(back.schema).toBe('gazecast-analysis/1');
    expect(back.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(back.frames[0]!.results[0]!.points[0]!.x).toBe(400.12);
    expect(back.summary).toHaveLength(2);
    expect(back.summary[0]!.story).toMatch(/^Women, 25-34 will most likely see “Headline, "big"” first/);
    expect(back.summary[1]!.aoiStats.find((s) => s.id === 'h')!.firstVisitRank).toBeNull();
    expect(() => parseAnalysisJson('{"schema":"other"}')).toThrow(/Not a gazecast analysis/);
  });

  it('points CSV has one row per point, quoting names with commas', () => {
    const csv = pointsCsv(doc);
    const rows = Papa.parse<string[]>(csv.trim()).data;
    expect(rows[0]).toEqual(['audience', 'time_ms', 'visit_order', 'x_px', 'y_px', 'mass']);
    expect(rows).toHaveLength(1 + 2 * 3);
    expect(rows[1]).toEqual(['Women, 25-34', '0', '1', '400.12', '60.5', '0.4']);
    expect(rows[4]).toEqual(['Women, 25-34', '500', '1', '400.12', '60.5', '0.4']);
  });

  it('AOI CSV neutralises formula injection and leaves unvisited ranks empty', () => {
    const rows = Papa.parse<string[]>(aoiCsv(doc).trim()).data;
    expect(rows[0]).toEqual(['audience', 'time_ms', 'aoi', 'share', 'first_visit_rank', 'points_inside']);
    expect(rows).toHaveLength(1 + 2 * 2 * 2);
    expect(rows[2]![2]).toBe(`'=HYPERLINK("x")`);
    expect(rows[3]).toEqual(['Deutan', '0', 'Headline, "big"', expect.any(String), '', '0']);
    const sum = Papa.parse<string[]>(summaryCsv(doc).trim()).data;
    expect(sum).toHaveLength(1 + 4);
    expect(Number(sum[1]![2])).toBeCloseTo(doc.summary[0]!.aoiStats[0]!.share, 5);
  });

  it('JSON point order and CSV visit_order count from the same base, 1 (issue 16, item 12)', () => {
    const raw = JSON.parse(analysisToJson(doc));
    const csvRows = Papa.parse<string[]>(pointsCsv(doc).trim()).data.slice(1);
    const jsonOrders = raw.frames.flatMap((f: { results: { points: { order: number }[] }[] }) => f.results.flatMap((r) => r.points.map((p) => p.order)));
    expect(jsonOrders).toEqual(csvRows.map((r) => Number(r[2])));
    expect(Math.min(...jsonOrders)).toBe(1);
    expect(raw.frames[0].results[0].aoiStats[0].firstPointOrder).toBe(1);
    // read back, the in-memory convention (0 = first) is restored
    expect(parseAnalysisJson(analysisToJson(doc)).frames[0]!.results[0]!.points.map((p) => p.order)).toEqual([0, 1]);
  });
});
