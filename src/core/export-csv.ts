/**
 * CSV serialisations of an analysis document, one row per observation (tidy data), so they open
 * in a spreadsheet or load with one call in pandas / R. Quoting and escaping are done by
 * papaparse's `unparse` (names typed by users may hold commas, quotes or newlines).
 */
import Papa from 'papaparse';
import type { AnalysisDocument } from './export-analysis';
import type { Proportion } from './study-metrics';

/** Spreadsheet apps execute cells that start with = + - @ (CSV injection); prefix them with '. */
function safeText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function audienceNames(doc: AnalysisDocument): Map<string, string> {
  return new Map(doc.audiences.map((a) => [a.id, a.name]));
}

/** One row per predicted fixation point: audience, time, visit order, native-pixel position, mass. */
export function pointsCsv(doc: AnalysisDocument): string {
  const names = audienceNames(doc);
  const rows: (string | number)[][] = [];
  for (const frame of doc.frames) {
    for (const r of frame.results) {
      for (const p of r.points) {
        rows.push([
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
  return Papa.unparse({ fields: ['audience', 'time_ms', 'visit_order', 'x_px', 'y_px', 'mass'], data: rows });
}

/** One row per frame, audience and AOI: share of attention and first-visit rank (empty = not visited). */
export function aoiCsv(doc: AnalysisDocument): string {
  const names = audienceNames(doc);
  const rows: (string | number)[][] = [];
  for (const frame of doc.frames) {
    for (const r of frame.results) {
      for (const s of r.aoiStats) {
        rows.push([
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
  return Papa.unparse({ fields: ['audience', 'time_ms', 'aoi', 'share', 'first_visit_rank', 'points_inside'], data: rows });
}

/** One row per audience and AOI over the whole media: mean share and first-visit rank. */
export function summaryCsv(doc: AnalysisDocument): string {
  const names = audienceNames(doc);
  const rows: (string | number)[][] = [];
  for (const s of doc.summary) {
    for (const a of s.aoiStats) {
      rows.push([safeText(names.get(s.audienceId) ?? s.audienceId), safeText(a.name), +a.share.toFixed(6), a.firstVisitRank ?? '']);
    }
  }
  return Papa.unparse({ fields: ['audience', 'aoi', 'mean_share', 'first_visit_rank'], data: rows });
}

/**
 * The virtual studies' scanpaths: one row per fixation of every simulated viewer, viewer and
 * fixation numbered from 1, in the order simulated (times in ms from the frame appearing).
 */
export function scanpathsCsv(doc: AnalysisDocument): string {
  const names = audienceNames(doc);
  const rows: (string | number)[][] = [];
  for (const s of doc.studies ?? []) {
    const audience = safeText(names.get(s.audienceId) ?? s.audienceId);
    s.study.viewers.forEach((v, i) => v.fixations.forEach((f, k) => {
      rows.push([audience, i + 1, k + 1, +f.x.toFixed(2), +f.y.toFixed(2), +f.onsetMs.toFixed(2), +f.durationMs.toFixed(2)]);
    }));
  }
  return Papa.unparse({ fields: ['audience', 'viewer', 'fixation', 'x_px', 'y_px', 'onset_ms', 'duration_ms'], data: rows });
}

/**
 * The virtual studies' per-area report (docs/virtual-study.md): one row per audience and AOI.
 * Shares are fractions with their Wilson 95 % bounds; an empty cell is "not defined" (nobody saw
 * the area, no viewers, or a seen-within window longer than the viewing), never 0.
 */
export function studyMetricsCsv(doc: AnalysisDocument): string {
  const names = audienceNames(doc);
  const studies = doc.studies ?? [];
  // every window any report has, in order of first appearance (one document uses one set of options)
  const windows = [...new Set(studies.flatMap((s) => s.report.aois.flatMap((m) => m.seenWithin.map((w) => w.withinMs))))];
  const num = (v: number | null | undefined, digits: number): number | '' => (v === null || v === undefined ? '' : +v.toFixed(digits));
  const share = (p: Proportion | null | undefined): (number | '')[] => [num(p?.share, 6), num(p?.low, 6), num(p?.high, 6)];
  const fields = ['audience', 'aoi', 'viewers',
    ...windows.flatMap((w) => [`seen_within_${w}ms`, `seen_within_${w}ms_low`, `seen_within_${w}ms_high`]),
    'seen', 'seen_low', 'seen_high', 'ttff_median_ms', 'ttff_q1_ms', 'ttff_q3_ms',
    'dwell_mean_ms', 'dwell_mean_among_seers_ms', 'dwell_share_of_viewing', 'fixation_count', 'visit_count', 'revisits',
    'first_fixation', 'first_fixation_low', 'first_fixation_high'];
  const rows: (string | number)[][] = [];
  for (const s of studies) {
    for (const m of s.report.aois) {
      const t = m.timeToFirstFixation;
      rows.push([
        safeText(names.get(s.audienceId) ?? s.audienceId), safeText(m.name), m.viewers,
        ...windows.flatMap((w) => share(m.seenWithin.find((x) => x.withinMs === w)?.seen)),
        ...share(m.seen), num(t?.median, 1), num(t?.q1, 1), num(t?.q3, 1),
        num(m.dwell?.meanMs, 1), num(m.dwell?.meanAmongSeersMs, 1), num(m.dwell?.shareOfViewing, 6),
        num(m.fixationCount, 4), num(m.visitCount, 4), num(m.revisits, 4), ...share(m.firstFixation),
      ]);
    }
  }
  return Papa.unparse({ fields, data: rows });
}
