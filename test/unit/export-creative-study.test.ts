/**
 * Creative A/B with the virtual study in the exports (issue 16, point 5): the analysis document
 * carries audience A's study on creative A (`studies`) and on creative B (`creativeB.studies`)
 * and their comparison by area name (`creativeStudyComparison`); the JSON keeps it, and the
 * study CSVs put B's rows after A's behind the `creative` / `media` columns the other CSVs use.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Aoi } from '../../src/core/aoi';
import { compareCreatives, compareCreativeStudies } from '../../src/core/creative-compare';
import { analysisToJson, buildAnalysisDocument, parseAnalysisJson, type AnalysisDocument, type AnalysisInput } from '../../src/core/export-analysis';
import { scanpathsCsv, studyMetricsCsv } from '../../src/core/export-csv';
import type { VirtualStudy } from '../../src/core/study';

const rect = (id: string, name: string, x: number, y: number): Aoi => ({ id, name, shape: { kind: 'rect', x, y, width: 50, height: 50 } });
const fix = (x: number, y: number, onsetMs: number) => ({ x, y, onsetMs, durationMs: 200 });
const panel = (viewers: ReturnType<typeof fix>[][]): VirtualStudy => ({ frame: { width: 100, height: 100 }, durationMs: 3000, viewers: viewers.map((fixations) => ({ fixations })) });
const audience = { id: 'everyone', name: 'Everyone', tokens: {} };
const now = new Date('2026-12-01T00:00:00Z');

function input(name: string, aois: Aoi[], study: VirtualStudy): AnalysisInput {
  return {
    media: { name, kind: 'image', width: 100, height: 100 },
    model: { id: 'gazecast-mnv1-s8', version: '1.0.0' },
    audiences: [audience],
    aois,
    frames: [{ timestampMs: 0, results: [{ audienceId: 'everyone', points: [], aoiStats: aois.map((a) => ({ id: a.id, name: a.name, share: 0.5, firstVisitRank: null, firstPointOrder: null, pointCount: 0 })) }] }],
    studies: [{ audienceId: 'everyone', study }],
  };
}

// creative A: "Headline" top left, seen at 200 ms by 1 of 2 viewers; creative B: "headline" top right, seen at 100 and 1500 ms
const a = buildAnalysisDocument(input('juice.jpg', [rect('a1', 'Headline', 0, 0)], panel([[fix(10, 10, 200)], [fix(90, 90, 100)]])), now);
const b = buildAnalysisDocument(input('tennis.jpg', [rect('b1', 'headline', 50, 0)], panel([[fix(70, 10, 100)], [fix(90, 90, 100), fix(70, 10, 1500)]])), now);
const doc: AnalysisDocument = {
  ...a,
  creativeB: b,
  creativeComparison: compareCreatives(a.summary[0]!.aoiStats, b.summary[0]!.aoiStats),
  creativeStudyComparison: compareCreativeStudies(a.studies![0]!.report, b.studies![0]!.report),
};
const rows = (csv: string) => Papa.parse<string[]>(csv.trim()).data;

describe('creative A/B virtual study in the exports', () => {
  it('the JSON keeps the study comparison per area (seen within 1 s / 3 s on each, B − A, TTFF) and reads back', () => {
    const back = parseAnalysisJson(analysisToJson(doc));
    const r = back.creativeStudyComparison![0]!;
    expect(r.name).toBe('Headline');
    // within 1 s: 1 of 2 on A, 1 of 2 on B (0 points); within 3 s: 1 of 2 on A, 2 of 2 on B (+50)
    expect(r.seenWithin.map((w) => [w.withinMs, w.a!.count, w.b!.count, w.difference!.points])).toEqual([[1000, 1, 1, 0], [3000, 1, 2, 50]]);
    expect(r.timeToFirstFixation).toEqual({ aMs: 200, bMs: 800, differenceMs: 600 });
    expect(back.creativeB!.studies![0]!.report.aois[0]!.name).toBe('headline');
  });

  it('the study metrics CSV: creative A’s rows, then B’s, with the creative and its file first', () => {
    const [head, ...body] = rows(studyMetricsCsv(doc));
    expect(head!.slice(0, 5)).toEqual(['creative', 'media', 'audience', 'aoi', 'viewers']);
    expect(body.map((r) => r.slice(0, 5))).toEqual([['A', 'juice.jpg', 'Everyone', 'Headline', '2'], ['B', 'tennis.jpg', 'Everyone', 'headline', '2']]);
    // seen within 3 s: 1 of 2 on A, 2 of 2 on B
    const s3 = head!.indexOf('seen_within_3000ms');
    expect(body.map((r) => r[s3])).toEqual(['0.5', '1']);
    // without creative B the columns stay as they were
    expect(rows(studyMetricsCsv(a))[0]!.slice(0, 2)).toEqual(['audience', 'aoi']);
  });

  it('the scanpaths CSV: both creatives’ simulated viewers, told apart by the creative column', () => {
    const [head, ...body] = rows(scanpathsCsv(doc));
    expect(head).toEqual(['creative', 'media', 'audience', 'viewer', 'fixation', 'x_px', 'y_px', 'onset_ms', 'duration_ms']);
    expect(body.map((r) => [r[0], r[3], r[4]])).toEqual([['A', '1', '1'], ['A', '2', '1'], ['B', '1', '1'], ['B', '2', '1'], ['B', '2', '2']]);
    expect(rows(scanpathsCsv(a))[0]![0]).toBe('audience');
  });
});
