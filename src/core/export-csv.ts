/**
 * CSV serialisations of an analysis document, one row per observation (tidy data), so they open
 * in a spreadsheet or load with one call in pandas / R. Quoting and escaping are done by
 * papaparse's `unparse` (names typed by users may hold commas, quotes or newlines).
 */
import Papa from 'papaparse';
import type { AnalysisDocument } from './export-analysis';
import type { Proportion } from './study-metrics';

/** Characters that make a spreadsheet read a cell as a formula, fullwidth forms included (some locales take those too). */
const FORMULA = '=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20';
/** A formula character after leading whitespace (spaces, tabs, line breaks, NBSP, ideographic space: apps trim them). */
const FORMULA_AT_START = new RegExp(`^\\s*[${FORMULA}]`, 'u');
/** A formula character right after another locale's separator (`;`, `|`, tab), where a cell begins if the file is read that way. */
const FORMULA_AFTER_SEPARATOR = new RegExp(`([;|\\t]\\s*)(?=[${FORMULA}])`, 'gu');

/**
 * Neutralises text for a spreadsheet (CSV injection): text that would start a formula is
 * prefixed with ' so it stays text, and so is every formula character that would start a cell if
 * the file were read with `;`, `|` or tab as the separator (a spreadsheet in a locale whose list
 * separator is `;` splits the line there, quotes or not).
 */
export function safeText(s: string): string {
  const inner = s.replace(FORMULA_AFTER_SEPARATOR, "$1'");
  return FORMULA_AT_START.test(inner) || /^[\t\r\n]/.test(inner) ? `'${inner}` : inner;
}

/** Text holding another locale's separator or a line break is quoted, whatever papaparse would do. */
function quoteText(value: unknown): boolean {
  return typeof value === 'string' && /[;|\t\r\n]/.test(value);
}

function unparse(fields: string[], data: (string | number)[][]): string {
  return Papa.unparse({ fields, data }, { quotes: quoteText });
}

function audienceNames(doc: AnalysisDocument): Map<string, string> {
  return new Map(doc.audiences.map((a) => [a.id, a.name]));
}

/** The columns that say which creative a row is about, first in a creative A/B document (absent otherwise). */
const CREATIVE_FIELDS = ['creative', 'media'];

/**
 * The creatives of a document: the document itself and, in a creative A/B document, creative B
 * (its own media, AOIs and frames). A/B documents lead each row with the creative (A or B) and
 * its file name, so one sheet holds both and sorts or filters by creative; other documents keep
 * the columns they always had.
 */
function creatives(doc: AnalysisDocument): { readonly doc: AnalysisDocument; readonly lead: readonly string[] }[] {
  if (!doc.creativeB) return [{ doc, lead: [] }];
  return [
    { doc, lead: ['A', safeText(doc.media.name)] },
    { doc: doc.creativeB, lead: ['B', safeText(doc.creativeB.media.name)] },
  ];
}

function withCreativeFields(doc: AnalysisDocument, fields: string[]): string[] {
  return doc.creativeB ? [...CREATIVE_FIELDS, ...fields] : fields;
}

/**
 * One row per predicted fixation point: audience, time, visit order, native-pixel position, mass.
 * A creative A/B document (with `creativeB`) leads with `creative` (A/B) and `media` (its file
 * name), creative A's rows first, then B's.
 */
export function pointsCsv(doc: AnalysisDocument): string {
  const rows: (string | number)[][] = [];
  for (const { doc: d, lead } of creatives(doc)) {
    const names = audienceNames(d);
    for (const frame of d.frames) {
      for (const r of frame.results) {
        for (const p of r.points) {
          rows.push([
            ...lead,
            safeText(names.get(r.audienceId) ?? r.audienceId),
            Math.round(frame.timestampMs),
            p.order + 1,
            +p.x.toFixed(2),
            +p.y.toFixed(2),
            +p.mass.toFixed(6),
          ]);
        }
      }
    }
  }
  return unparse(withCreativeFields(doc, ['audience', 'time_ms', 'visit_order', 'x_px', 'y_px', 'mass']), rows);
}

/**
 * One row per frame, audience and AOI: share of attention and first-visit rank (empty = not
 * visited). A creative A/B document leads with `creative` and `media`, each creative with its own areas.
 */
export function aoiCsv(doc: AnalysisDocument): string {
  const rows: (string | number)[][] = [];
  for (const { doc: d, lead } of creatives(doc)) {
    const names = audienceNames(d);
    for (const frame of d.frames) {
      for (const r of frame.results) {
        for (const s of r.aoiStats) {
          rows.push([
            ...lead,
            safeText(names.get(r.audienceId) ?? r.audienceId),
            Math.round(frame.timestampMs),
            safeText(s.name),
            +s.share.toFixed(6),
            s.firstVisitRank ?? '',
            s.pointCount,
          ]);
        }
      }
    }
  }
  return unparse(withCreativeFields(doc, ['audience', 'time_ms', 'aoi', 'share', 'first_visit_rank', 'points_inside']), rows);
}

/** One row per audience and AOI over the whole media: mean share and first-visit rank (per creative in an A/B document). */
export function summaryCsv(doc: AnalysisDocument): string {
  const rows: (string | number)[][] = [];
  for (const { doc: d, lead } of creatives(doc)) {
    const names = audienceNames(d);
    for (const s of d.summary) {
      for (const a of s.aoiStats) {
        rows.push([...lead, safeText(names.get(s.audienceId) ?? s.audienceId), safeText(a.name), +a.share.toFixed(6), a.firstVisitRank ?? '']);
      }
    }
  }
  return unparse(withCreativeFields(doc, ['audience', 'aoi', 'mean_share', 'first_visit_rank']), rows);
}

/**
 * Creative A/B: the areas of both creatives matched by name (`creativeComparison`), one row per
 * name — share on A and on B (fractions), first visit on each (empty = not visited) and B − A in
 * percentage points. An area only one creative has leaves the other's cells and the difference
 * empty, never 0. A document without a comparison gives the header alone.
 */
export function creativeComparisonCsv(doc: AnalysisDocument): string {
  const rows = (doc.creativeComparison ?? []).map((r) => [
    safeText(r.name),
    r.a ? +r.a.share.toFixed(6) : '',
    r.a?.firstVisitRank ?? '',
    r.b ? +r.b.share.toFixed(6) : '',
    r.b?.firstVisitRank ?? '',
    r.differencePoints === null ? '' : +r.differencePoints.toFixed(2),
  ]);
  return unparse(['area', 'share_a', 'first_visit_a', 'share_b', 'first_visit_b', 'b_minus_a_points'], rows);
}

/**
 * The virtual studies' scanpaths: one row per fixation of every simulated viewer, viewer and
 * fixation numbered from 1, in the order simulated (times in ms from the frame appearing). A
 * creative A/B document leads with `creative` and `media`, creative A's study first, then B's.
 */
export function scanpathsCsv(doc: AnalysisDocument): string {
  const rows: (string | number)[][] = [];
  // a creative A/B document: the study on creative B (its `studies`) follows A's, with `creative` and `media` first
  for (const { doc: d, lead } of creatives(doc)) {
    const names = audienceNames(d);
    for (const s of d.studies ?? []) {
      const audience = safeText(names.get(s.audienceId) ?? s.audienceId);
      s.study.viewers.forEach((v, i) => v.fixations.forEach((f, k) => {
        rows.push([...lead, audience, i + 1, k + 1, +f.x.toFixed(2), +f.y.toFixed(2), +f.onsetMs.toFixed(2), +f.durationMs.toFixed(2)]);
      }));
    }
  }
  return unparse(withCreativeFields(doc, ['audience', 'viewer', 'fixation', 'x_px', 'y_px', 'onset_ms', 'duration_ms']), rows);
}

/**
 * The virtual studies' per-area report (docs/virtual-study.md): one row per audience and AOI; a
 * creative A/B document leads with `creative` and `media`, the study on creative A first, then
 * the study on creative B (`creativeB.studies`). Shares are fractions with their Wilson 95 % bounds; an empty cell is "not defined" (nobody saw
 * the area, no viewers, or a seen-within window longer than the viewing), never 0.
 */
export function studyMetricsCsv(doc: AnalysisDocument): string {
  // a creative A/B document: the study on creative B follows A's, with `creative` and `media` first
  const studies = creatives(doc).flatMap(({ doc: d, lead }) => (d.studies ?? []).map((s) => ({ ...s, lead, names: audienceNames(d) })));
  // every window any report has, in order of first appearance (one document uses one set of options)
  const windows = [...new Set(studies.flatMap((s) => s.report.aois.flatMap((m) => m.seenWithin.map((w) => w.withinMs))))];
  const num = (v: number | null | undefined, digits: number): number | '' => (v === null || v === undefined ? '' : +v.toFixed(digits));
  const share = (p: Proportion | null | undefined): (number | '')[] => [num(p?.share, 6), num(p?.low, 6), num(p?.high, 6)];
  const fields = withCreativeFields(doc, ['audience', 'aoi', 'viewers',
    ...windows.flatMap((w) => [`seen_within_${w}ms`, `seen_within_${w}ms_low`, `seen_within_${w}ms_high`]),
    'seen', 'seen_low', 'seen_high', 'ttff_median_ms', 'ttff_q1_ms', 'ttff_q3_ms',
    'dwell_mean_ms', 'dwell_mean_among_seers_ms', 'dwell_share_of_viewing', 'fixation_count', 'visit_count', 'revisits',
    'first_fixation', 'first_fixation_low', 'first_fixation_high']);
  const rows: (string | number)[][] = [];
  for (const s of studies) {
    for (const m of s.report.aois) {
      const t = m.timeToFirstFixation;
      rows.push([
        ...s.lead, safeText(s.names.get(s.audienceId) ?? s.audienceId), safeText(m.name), m.viewers,
        ...windows.flatMap((w) => share(m.seenWithin.find((x) => x.withinMs === w)?.seen)),
        ...share(m.seen), num(t?.median, 1), num(t?.q1, 1), num(t?.q3, 1),
        num(m.dwell?.meanMs, 1), num(m.dwell?.meanAmongSeersMs, 1), num(m.dwell?.shareOfViewing, 6),
        num(m.fixationCount, 4), num(m.visitCount, 4), num(m.revisits, 4), ...share(m.firstFixation),
      ]);
    }
  }
  return unparse(fields, rows);
}
