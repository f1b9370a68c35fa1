import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import fixture from '../fixtures/study-metrics.json';
import type { Aoi } from '../../src/core/aoi';
import { analysisToJson, buildAnalysisDocument, parseAnalysisJson, type AnalysisInput } from '../../src/core/export-analysis';
import { scanpathsCsv, studyMetricsCsv } from '../../src/core/export-csv';
import type { VirtualStudy } from '../../src/core/study';
import { studyReport } from '../../src/core/study-metrics';

const study = fixture.study as VirtualStudy;
const aois = fixture.aois as Aoi[];
const base: AnalysisInput = {
  media: { name: 'ad.png', kind: 'image', width: 800, height: 600 },
  model: { id: 'gazecast-mnv1-s8', version: '1.0.0' },
  audiences: [
    { id: 'a', name: 'Women, 25-34', tokens: { gender: 'female', age: '25-34' } },
    { id: 'b', name: '=cmd', tokens: {} },
  ],
  aois,
  frames: [],
};
const now = new Date('2026-01-02T03:04:05Z');
const rows = (csv: string) => Papa.parse<string[]>(csv.trim()).data;

describe('virtual studies in the analysis document', () => {
  it('leaves a document without studies exactly as before (no studies key, same JSON)', () => {
    const doc = buildAnalysisDocument(base, now);
    expect('studies' in doc).toBe(false);
    expect(Object.keys(JSON.parse(analysisToJson(doc)))).toEqual(['schema', 'createdAt', 'media', 'model', 'audiences', 'aois', 'frames', 'summary']);
    expect(rows(scanpathsCsv(doc))).toEqual([['audience', 'viewer', 'fixation', 'x_px', 'y_px', 'onset_ms', 'duration_ms']]);
    expect(rows(studyMetricsCsv(doc))).toHaveLength(1);
  });

  it('carries each audience study with its report over the document AOIs, and round-trips through JSON', () => {
    const doc = buildAnalysisDocument({ ...base, studies: [{ audienceId: 'a', study }], studyOptions: fixture.options }, now);
    expect(doc.studies).toHaveLength(1);
    expect(doc.studies![0]!.report).toEqual(studyReport(study, aois, fixture.options));
    const back = parseAnalysisJson(analysisToJson(doc));
    expect(back.schema).toBe('gazecast-analysis/1');
    expect(back.studies![0]!.study.viewers[0]!.fixations[5]).toEqual({ x: 600, y: 300, onsetMs: 2900, durationMs: 500 });
    const logo = back.studies![0]!.report.aois.find((m) => m.id === 'logo')!;
    expect(logo.timeToFirstFixation).toBeNull();
    expect(back.studies![0]!.report.aois[0]!.seenWithin[0]!.seen!.share).toBe(0.5);
  });

  it('scanpath CSV: one row per fixation, viewer and fixation numbered from 1', () => {
    const doc = buildAnalysisDocument({ ...base, studies: [{ audienceId: 'a', study }, { audienceId: 'b', study }] }, now);
    const r = rows(scanpathsCsv(doc));
    const perStudy = study.viewers.reduce((k, v) => k + v.fixations.length, 0);
    expect(r).toHaveLength(1 + 2 * perStudy);
    expect(r[1]).toEqual(['Women, 25-34', '1', '1', '350', '50', '200', '300']);
    expect(r[perStudy]).toEqual(['Women, 25-34', '4', '5', '600', '350', '3100', '400']);
    expect(r[perStudy + 1]![0]).toBe("'=cmd");
  });

  it('metrics CSV: one row per audience and area, empty cells where a figure is undefined', () => {
    const doc = buildAnalysisDocument({ ...base, studies: [{ audienceId: 'a', study }] }, now);
    const [head, ...body] = rows(studyMetricsCsv(doc));
    expect(head!.slice(0, 9)).toEqual(['audience', 'aoi', 'viewers', 'seen_within_1000ms', 'seen_within_1000ms_low', 'seen_within_1000ms_high',
      'seen_within_3000ms', 'seen_within_3000ms_low', 'seen_within_3000ms_high']);
    expect(body).toHaveLength(aois.length);
    const get = (aoi: string, col: string) => body.find((r) => r[1] === aoi)![head!.indexOf(col)];
    // hand values of the fixture (test/fixtures/study-metrics.json)
    expect(get('Headline', 'seen_within_1000ms')).toBe('0.5');
    expect(get('Headline', 'seen_within_1000ms_low')).toBe('0.150039');
    expect(get('Product', 'ttff_q3_ms')).toBe('1825');
    expect(get('Banner', 'dwell_share_of_viewing')).toBe('0.222656');
    expect(get('Product', 'revisits')).toBe('0.6667');
    expect(get('Logo', 'ttff_median_ms')).toBe('');
    expect(get('Logo', 'visit_count')).toBe('');
    expect(get('Logo', 'seen')).toBe('0');
  });
});
