/**
 * The printable report: the frame(s) with overlays, the audiences, per-audience AOI tables and
 * attention stories, the difference and the chart, filled into #report and printed by the
 * browser with the print stylesheet (Save as PDF works offline, nothing is uploaded).
 */
import { formatShare, type AnalysisDocument } from '../analysis';
import { printInk } from './chart';

export interface ReportImages {
  readonly frames: readonly { readonly caption: string; readonly dataUrl: string }[];
  readonly chart: string | null;
  readonly chartLegend?: readonly { readonly label: string; readonly color: string; readonly dashed: boolean }[];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderReport(host: HTMLElement, doc: AnalysisDocument, images: ReportImages, differenceText: string | null): void {
  const names = new Map(doc.audiences.map((a) => [a.id, a.name]));
  const media = doc.media;
  const parts: string[] = [];
  parts.push(`<h1>Attention report — ${esc(media.name)}</h1>`);
  parts.push(
    `<p class="meta">${media.kind === 'video' ? `Video, ${(media.durationMs! / 1000).toFixed(1)} s` : 'Image'}, ${media.width} x ${media.height} px · ` +
      `model ${esc(doc.model.id)} ${esc(doc.model.version)}${doc.backend ? ` on ${esc(doc.backend)}` : ''} · ` +
      `${doc.frames.length} frame${doc.frames.length === 1 ? '' : 's'}${doc.samplesPerSecond ? ` at ${doc.samplesPerSecond}/s` : ''} · ${esc(new Date(doc.createdAt).toLocaleString())}</p>`,
  );
  const fig = (f: { caption: string; dataUrl: string }) => `<figure><img src="${f.dataUrl}" alt="${esc(f.caption)}"><figcaption class="meta">${esc(f.caption)}</figcaption></figure>`;
  const [first, ...more] = images.frames;
  if (first) parts.push(fig(first));
  if (more.length) parts.push(`<h2>Across the video</h2><div class="frames">${more.map(fig).join('')}</div>`);
  if (differenceText) parts.push(`<p>${esc(differenceText)}</p>`);
  if (doc.creativeB && doc.creativeComparison) {
    // creative A/B: the same audience on both creatives, areas matched by name
    parts.push(`<h2>Creative A/B</h2><p class="meta">Creative A: ${esc(media.name)} · creative B: ${esc(doc.creativeB.media.name)} (${doc.creativeB.media.width} x ${doc.creativeB.media.height} px) · areas with the same name are compared.</p>`);
    parts.push('<table><thead><tr><th>Area</th><th>Share on A</th><th>First visit on A</th><th>Share on B</th><th>First visit on B</th><th>B − A</th></tr></thead><tbody>');
    for (const r of doc.creativeComparison) {
      const d = r.differencePoints === null ? '' : `${r.differencePoints > 0 ? '+' : r.differencePoints < 0 ? '−' : '±'}${Math.abs(Math.round(r.differencePoints))} points`;
      parts.push(`<tr><td>${esc(r.name)}</td><td>${r.a ? formatShare(r.a.share) : '—'}</td><td>${r.a ? (r.a.firstVisitRank ?? '—') : ''}</td><td>${r.b ? formatShare(r.b.share) : '—'}</td><td>${r.b ? (r.b.firstVisitRank ?? '—') : ''}</td><td>${d}</td></tr>`);
    }
    parts.push('</tbody></table>');
    for (const s of doc.creativeB.summary) parts.push(`<p><strong>Creative B:</strong> ${esc(s.story)}</p>`);
  }
  parts.push('<h2>Audiences</h2><ul>');
  for (const a of doc.audiences) {
    const t = Object.entries(a.tokens).filter(([, v]) => v !== 'unknown').map(([k, v]) => `${k}: ${v}`).join(', ');
    parts.push(`<li><strong>${esc(a.name)}</strong>${t ? ` — ${esc(t)}` : ' — whole population'}${a.embedding ? ' (personal embedding)' : ''}</li>`);
  }
  parts.push('</ul>');
  for (const s of doc.summary) {
    parts.push(`<section class="audience-block"><h2>${esc(names.get(s.audienceId) ?? s.audienceId)}</h2>`);
    parts.push(`<p>${esc(s.story)}</p>`);
    if (s.aoiStats.length > 0) {
      parts.push('<table><thead><tr><th>Area</th><th>Share of attention</th><th>First visit</th></tr></thead><tbody>');
      for (const a of s.aoiStats) parts.push(`<tr><td>${esc(a.name)}</td><td>${formatShare(a.share)}</td><td>${a.firstVisitRank ?? '—'}</td></tr>`);
      parts.push('</tbody></table>');
    }
    parts.push('</section>');
  }
  if (images.chart) {
    parts.push(`<h2>Attention over time</h2><img src="${images.chart}" alt="Share of attention per area over time">`);
    const legend = (images.chartLegend ?? []).map(
      (l) => `<span style="display:inline-block;width:18px;border-top:3px ${l.dashed ? 'dashed' : 'solid'} ${esc(printInk(l.color))};vertical-align:middle;margin:0 4px 0 10px"></span>${esc(l.label)}`,
    );
    if (legend.length) parts.push(`<p class="meta">${legend.join(' ')} — share of attention in each area; A solid, B dashed.</p>`);
  }
  parts.push('<p class="meta">Predicted by gazecast in the browser; no image, video or result left this computer.</p>');
  host.innerHTML = parts.join('\n');
}
