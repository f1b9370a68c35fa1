/**
 * CSV serialisations of an analysis document, one row per observation (tidy data), so they open
 * in a spreadsheet or load with one call in pandas / R. Quoting and escaping are done by
 * papaparse's `unparse` (names typed by users may hold commas, quotes or newlines).
 */
import Papa from 'papaparse';
import type { AnalysisDocument } from './export-analysis';

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
