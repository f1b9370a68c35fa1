/**
 * The virtual study in the printable report (issue 14, point 4): per audience, the eye-tracking
 * figures per area (the panel's table, with the Wilson intervals written out), the study's story
 * and a first-fixation figure (the density of first fixations over the frame, drawn by the
 * replay's painter), then A against B and the calibration line. Inserted into the report that
 * report.ts renders, before its closing line.
 */
import type { AnalysisDocument } from '../analysis';
import { compareStudies, describeStudyCalibration, describeStudyComparison, studyCalibrationFromMetrics, studyStory } from '../analysis';
import { reportRows } from './study-panel';

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
