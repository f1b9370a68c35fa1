/**
 * The virtual study in the printable report (issue 14, point 4): per audience, the eye-tracking
 * figures per area (the panel's table, with the Wilson intervals written out), the study's story
 * and a first-fixation figure (the density of first fixations over the frame, drawn by the
 * replay's painter), then A against B and the calibration line. Inserted into the report that
 * report.ts renders, before its closing line. In creatives mode: the *Creative A/B — virtual
 * study* section instead (audience A's study on each creative, areas matched by name, B − A).
 */
import {
  compareStudies, describeCreativeStudyDifference, describeStudyCalibration, describeStudyComparison, formatInterval, formatPercent, formatPointsDifference,
  formatSeconds, studyCalibrationFromMetrics, studyStory, type AnalysisDocument, type CreativeSeenWithin, type Proportion,
} from '../analysis';
import { reportRows, viewing } from './study-panel';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * `firstFixationImages`: per audience id, a JPEG data URL of the frame with its first-fixation
 * density. `metrics`: the manifest's metrics (for the calibration line).
 */
export function appendStudyReport(host: HTMLElement, doc: AnalysisDocument, firstFixationImages: ReadonlyMap<string, string>, metrics: unknown): void {
  const studies = doc.studies ?? [];
  if (studies.length === 0) return;
  const names = new Map(doc.audiences.map((a) => [a.id, a.name]));
  const parts: string[] = [];
  const first = studies[0]!.report;
  parts.push(`<h2>Virtual eye-tracking study</h2><p class="meta">${first.viewers} simulated viewers per audience, ${(first.durationMs / 1000).toFixed(1)} s of viewing${doc.media.kind === 'video' ? ' from the start of the video' : ''}; shares of viewers with their 95 % Wilson interval. ${esc(describeStudyCalibration(studyCalibrationFromMetrics(metrics)))}</p>`);
  for (const s of studies) {
    const name = names.get(s.audienceId) ?? s.audienceId;
    parts.push(`<section class="audience-block study-block"><h2>${esc(name)} — virtual study</h2><p>${esc(studyStory(name, s.report))}</p>`);
    if (s.report.aois.length > 0) {
      parts.push('<table><thead><tr><th>Area</th><th>Seen within 1 s</th><th>Seen within 3 s</th><th>Time to first fixation (median)</th><th>Dwell (mean)</th><th>Revisits</th><th>Looked here first</th></tr></thead><tbody>');
      for (const row of reportRows(s.report)) parts.push(`<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
      parts.push('</tbody></table>');
    }
    const img = firstFixationImages.get(s.audienceId);
    if (img) parts.push(`<figure><img src="${img}" alt="Where ${esc(name)} look first"><figcaption class="meta">First fixations of ${esc(name)}: the density of where the ${s.report.viewers} simulated viewers look first, one dot per viewer.</figcaption></figure>`);
    parts.push('</section>');
  }
  if (studies.length === 2) {
    const text = describeStudyComparison(compareStudies(studies[0]!.report, studies[1]!.report), names.get(studies[0]!.audienceId) ?? 'A', names.get(studies[1]!.audienceId) ?? 'B');
    if (text) parts.push(`<p>${esc(text)}</p>`);
  }
  const section = document.createElement('section');
  section.className = 'study-report';
  section.innerHTML = parts.join('\n');
  host.insertBefore(section, host.lastElementChild);
}

/** A number and its unit kept on one line in the report's narrow columns ("0.54 s", "62 %"). */
function glued(s: string): string {
  return s.replace(/ (s|%|points)\b/g, '\u00a0$1').replace(/ %/g, '\u00a0%');
}

/** "62 % (55–69 %)", or "—" where undefined. */
function share(p: Proportion | null): string {
  return p ? glued(`${formatPercent(p.share)} (${formatInterval(p)})`) : '—';
}

/** "+22 points, beyond the panels' noise" / "+3 points, within the noise". */
function difference(w: CreativeSeenWithin | undefined): string {
  const d = w?.difference;
  if (!d) return '—';
  return `${glued(formatPointsDifference(d.points))}, ${d.beyondNoise ? "beyond the panels' noise" : 'within the noise'}`;
}

/**
 * Creative A/B with the virtual study (issue 16, point 5): per area matched by name, seen within
 * 1 s and 3 s on creative A and on creative B with B − A (and whether it is beyond the panels'
 * noise), the median time to first fixation on each with B − A, the comparison in words and each
 * creative's study story. Needs the document's `creativeStudyComparison`; nothing otherwise.
 */
export function appendCreativeStudyReport(host: HTMLElement, doc: AnalysisDocument, metrics: unknown): void {
  const rows = doc.creativeStudyComparison;
  const ra = doc.studies?.[0]?.report, rb = doc.creativeB?.studies?.[0]?.report;
  if (!rows || !ra || !rb || !doc.creativeB) return;
  const audience = doc.audiences.find((a) => a.id === doc.studies![0]!.audienceId)?.name ?? 'this audience';
  const ms = (v: number | null) => (v === null ? '—' : glued(formatSeconds(v)));
  const dms = (v: number | null) => (v === null ? '—' : glued(`${v > 0 ? '+' : v < 0 ? '−' : '±'}${formatSeconds(Math.abs(v))}`));
  const parts: string[] = [];
  parts.push(`<h2>Creative A/B — virtual study</h2><p class="meta">${ra.viewers} simulated viewers of ${esc(audience)} on each creative (creative A: ${esc(doc.media.name)}, creative B: ${esc(doc.creativeB.media.name)}), ${viewing(ra, rb)}; shares of viewers with their 95 % Wilson interval; B − A in percentage points, beyond the panels' noise when the 95 % interval of the difference excludes 0. ${esc(describeStudyCalibration(studyCalibrationFromMetrics(metrics)))}</p>`);
  const text = describeCreativeStudyDifference(rows, audience);
  if (text) parts.push(`<p>${esc(text)}</p>`);
  if (rows.length > 0) {
    parts.push('<table class="creative-study"><thead><tr><th>Area</th><th>Seen within 1 s on A</th><th>on B</th><th>B − A</th><th>Seen within 3 s on A</th><th>on B</th><th>B − A</th><th>Time to first fixation (median) on A</th><th>on B</th><th>B − A</th></tr></thead><tbody>');
    for (const r of rows) {
      const w1 = r.seenWithin.find((w) => w.withinMs === 1000), w3 = r.seenWithin.find((w) => w.withinMs === 3000);
      const t = r.timeToFirstFixation;
      const cells = [
        r.name,
        r.a ? share(w1?.a ?? null) : 'not on A', r.b ? share(w1?.b ?? null) : 'not on B', difference(w1),
        r.a ? share(w3?.a ?? null) : 'not on A', r.b ? share(w3?.b ?? null) : 'not on B', difference(w3),
        ms(t.aMs), ms(t.bMs), dms(t.differenceMs),
      ];
      parts.push(`<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
    }
    parts.push('</tbody></table>');
  }
  parts.push(`<p><strong>Creative A:</strong> ${esc(studyStory(audience, ra))}</p><p><strong>Creative B:</strong> ${esc(studyStory(audience, rb))}</p>`);
  const section = document.createElement('section');
  section.className = 'study-report creative-study-report';
  section.innerHTML = parts.join('\n');
  host.insertBefore(section, host.lastElementChild);
}
