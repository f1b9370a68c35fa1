/**
 * The virtual study's panel (issue 14, point 3): the progress of the study running, the table of
 * eye-tracking figures per area for A (and B when comparing) — share of attention beside seen
 * within 1 s and 3 s (with the Wilson 95 % interval), median time to first fixation, dwell and
 * revisits — the model card's calibration of such figures against real viewers, and A against B
 * area by area, judged against the panels' noise. In creatives mode the table is audience A on
 * creative A and on creative B, areas matched by name, with a B − A row per area (seen within
 * 1 s / 3 s in points, beyond the noise or not, and time to first fixation). Hidden for a model
 * without a scanpath graph.
 */
import {
  compareCreativeStudies, compareStudies, describeCreativeStudyDifference, describeStudyCalibration, describeStudyComparison, formatInterval, formatPercent,
  formatPointsDifference, formatSeconds, formatShare, matchByName, seenWithin, studyCalibrationFromMetrics, studyStory,
  type AoiStat, type AoiStudyMetrics, type CreativeAoiRow, type CreativeShareDifference, type CreativeStudyRow, type Proportion, type StudyReport,
} from '../analysis';
import type { ModelManifest } from '../index';
import { aoiColor } from './aoi-layer';
import type { Audience } from './audiences';
import { COLOR_A, COLOR_B, type ViewMode } from './colors';
import { $, areaNameRow } from './dom';
import type { OpenedMedia } from './media';
import { STUDY_VIEWERS, type VirtualStudies } from './virtual-studies';

/** What the panel reads from the app. */
export interface StudyPanelHost {
  readonly manifest: ModelManifest | null;
  readonly media: OpenedMedia | null;
  readonly aId: string;
  readonly mode: ViewMode;
  readonly studies: VirtualStudies;
  neededAudiences(): Audience[];
  /** the share of attention per area (the AOI table's), or null while predicting */
  shareStats(audienceId: string): AoiStat[] | null;
  /** creatives mode: creative B, and both creatives' shares matched by name */
  readonly creative: { readonly media: OpenedMedia | null };
  creativeRows(): CreativeAoiRow[] | null;
}

/** The audiences whose studies the panel shows: A, and B when comparing (not in creatives mode). */
function studyAudiences(app: StudyPanelHost): Audience[] {
  return app.mode === 'creatives' ? [] : app.neededAudiences();
}

/** A and B's reports with their comparison in words, when both exist. */
export function comparisonText(app: StudyPanelHost): string {
  const auds = studyAudiences(app);
  if (auds.length < 2) return '';
  const [ra, rb] = auds.map((a) => app.studies.reportFor(a.id));
  if (!ra || !rb) return '';
  return describeStudyComparison(compareStudies(ra, rb), auds[0]!.name, auds[1]!.name);
}

/** Creatives mode: audience A's study on creative A against its study on creative B, once both exist. */
export function creativeStudyRows(app: StudyPanelHost): CreativeStudyRow[] | null {
  if (app.mode !== 'creatives') return null;
  const ra = app.studies.reportFor(app.aId), rb = app.studies.creativeReportFor(app.aId);
  return ra && rb ? compareCreativeStudies(ra, rb) : null;
}

/** The creatives' study comparison in words (empty until both studies exist or without a shared area name). */
export function creativeStudyText(app: StudyPanelHost): string {
  const rows = creativeStudyRows(app);
  const aud = app.neededAudiences()[0];
  return rows && aud ? describeCreativeStudyDifference(rows, aud.name) : '';
}

/** The attention story of one audience's study, or null when it has none (yet). */
export function studyStoryFor(app: StudyPanelHost, audience: Audience): string | null {
  if (app.mode === 'creatives') return null;
  const r = app.studies.reportFor(audience.id);
  return r ? studyStory(audience.name, r) : null;
}

function pctCell(cell: HTMLTableCellElement, p: Proportion | null): void {
  if (!p) {
    cell.textContent = '—';
    cell.title = 'Undefined: the viewing is shorter than this window';
    return;
  }
  cell.append(document.createTextNode(`${Math.round(p.share * 100)}%`));
  const ci = document.createElement('small');
  ci.className = 'ci';
  ci.textContent = `${Math.round(p.low * 100)}–${Math.round(p.high * 100)}`;
  cell.append(ci);
  cell.title = `${p.count} of ${p.n} simulated viewers; 95 % Wilson interval ${formatInterval(p)}`;
}

/** Seconds without the unit (the column header has it): "1.12". */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

/** "3.00 s of viewing", or each creative's when they differ (a video creative is watched up to its end, at most VIDEO_STUDY_MS). */
export function viewing(ra: StudyReport | null, rb: StudyReport | null): string {
  if (ra && rb && ra.durationMs !== rb.durationMs) return `${formatSeconds(ra.durationMs)} of viewing on A, ${formatSeconds(rb.durationMs)} on B`;
  return `${formatSeconds((ra ?? rb)!.durationMs)} of viewing`;
}

/** Share, seen within 1 s / 3 s, TTFF, dwell and revisits of one area on one row ('…' while the study runs). */
function metricCells(row: HTMLTableRowElement, share: number | null | undefined, m: AoiStudyMetrics | undefined): void {
  row.insertCell().textContent = share === null || share === undefined ? '…' : formatShare(share);
  if (!m) {
    for (let c = 0; c < 5; c++) row.insertCell().textContent = '…';
    return;
  }
  pctCell(row.insertCell(), seenWithin(m, 1000));
  pctCell(row.insertCell(), seenWithin(m, 3000));
  const ttff = row.insertCell();
  ttff.textContent = m.timeToFirstFixation ? seconds(m.timeToFirstFixation.median) : '—';
  if (m.timeToFirstFixation) ttff.title = `median of ${m.timeToFirstFixation.n} viewers; interquartile range ${formatSeconds(m.timeToFirstFixation.q1)}–${formatSeconds(m.timeToFirstFixation.q3)}`;
  else ttff.title = 'nobody fixated this area';
  const dwell = row.insertCell();
  dwell.textContent = m.dwell ? seconds(m.dwell.meanMs) : '—';
  if (m.dwell) dwell.title = `${formatPercent(m.dwell.shareOfViewing)} of the viewing${m.dwell.meanAmongSeersMs !== null ? `; ${formatSeconds(m.dwell.meanAmongSeersMs)} among those who saw it` : ''}`;
  const rev = row.insertCell();
  rev.textContent = m.revisits === null ? '—' : m.revisits.toFixed(1);
  if (m.visitCount !== null) rev.title = `${m.visitCount.toFixed(2)} visits on average among those who saw it`;
}

/** B − A of a seen-within share: the points, and under them whether that is beyond the panels' noise. */
function differenceCell(cell: HTMLTableCellElement, d: CreativeShareDifference | null, label: string): void {
  if (!d) {
    cell.textContent = '—';
    return;
  }
  cell.append(document.createTextNode(formatPointsDifference(d.points).replace(' points', '').replace('no gap', '0')));
  const v = document.createElement('small');
  v.className = d.beyondNoise ? 'ci beyond' : 'ci';
  v.textContent = d.beyondNoise ? 'beyond noise' : 'noise';
  cell.append(v);
  cell.title = `${label}, B − A: ${formatPointsDifference(d.points)} (95 % interval ${Math.round(d.lowPoints)} to ${Math.round(d.highPoints)}), ${d.beyondNoise ? "beyond the panels' noise" : "within the panels' noise"}`;
}

export class StudyPanel {
  constructor(private readonly app: StudyPanelHost) {}

  render(): void {
    const section = $('study-section');
    const studies = this.app.studies;
    section.hidden = !studies.available || !this.app.media;
    // the study's exports only where there can be a study (a model with a scanpath graph)
    for (const b of document.querySelectorAll<HTMLButtonElement>('#export-menu [data-needs-study]')) b.hidden = section.hidden;
    if (section.hidden) return;
    // the gaze replay shows one audience on one creative: not in creatives mode
    section.querySelector<HTMLElement>('.replay')!.hidden = this.app.mode === 'creatives';
    this.renderProgress();
    const table = $<HTMLTableElement>('study-table');
    const thead = table.tHead!, tbody = table.tBodies[0]!;
    thead.innerHTML = '';
    tbody.innerHTML = '';
    this.header(thead.insertRow());
    $('study-calibration').textContent = describeStudyCalibration(studyCalibrationFromMetrics(this.app.manifest?.metrics));
    if (this.app.mode === 'creatives') {
      this.renderCreatives(tbody);
      return;
    }
    const auds = studyAudiences(this.app);
    const reports = auds.map((a) => ({ a, r: studies.reportFor(a.id), shares: this.app.shareStats(a.id) }));
    const names = (reports.find((x) => x.r)?.r?.aois ?? []).map((m) => m.name);
    names.forEach((name, k) => {
      areaNameRow(tbody, name, aoiColor(k), 7);
      reports.forEach(({ a, r, shares }, i) => {
        const row = tbody.insertRow();
        row.dataset.audience = i === 0 ? 'A' : 'B';
        const who = row.insertCell();
        who.className = 'who-tag';
        who.style.color = a.id === this.app.aId ? COLOR_A : COLOR_B;
        who.textContent = i === 0 ? 'A' : 'B';
        who.title = a.name;
        metricCells(row, shares?.[k]?.share, r?.aois[k]);
      });
    });
    if (names.length === 0) {
      const c = tbody.insertRow().insertCell();
      c.colSpan = 7;
      c.textContent = reports.some((x) => x.r) ? 'Draw areas to see who sees them, and when.' : 'Waiting for the virtual study…';
    }
    const r0 = reports.find((x) => x.r)?.r;
    $('study-caption').textContent = r0
      ? `${r0.viewers} simulated viewers per audience, ${formatSeconds(r0.durationMs)} of viewing${this.app.media?.kind === 'video' ? ' from the start of the video' : ''}`
      : `${STUDY_VIEWERS} simulated viewers per audience`;
    const cmp = $('study-compare');
    const text = comparisonText(this.app);
    cmp.hidden = !text;
    cmp.textContent = text;
  }

  private header(hr: HTMLTableRowElement): void {
    const th = (t: string, title: string) => { const c = document.createElement('th'); c.scope = 'col'; c.textContent = t; c.title = title; hr.append(c); };
    const creatives = this.app.mode === 'creatives';
    th('', creatives ? 'Creative A, creative B, and B − A (in points; "beyond noise" when the 95 % interval of the difference excludes 0)' : 'Audience');
    th('Share', 'Share of attention (the predicted density inside the area)');
    th('≤1 s', 'Seen within 1 s: share of simulated viewers whose first fixation inside comes within 1 s (95 % Wilson interval below)');
    th('≤3 s', 'Seen within 3 s (95 % Wilson interval below)');
    th('TTFF s', 'Time to first fixation, seconds: median among the viewers who fixated the area');
    th('Dwell s', 'Dwell time, seconds: total fixation duration inside, mean over all viewers');
    th('Rev.', 'Revisits: mean number of returns to the area among the viewers who fixated it');
  }

  /**
   * Creatives mode: per area name, audience A on creative A, on creative B, and B − A: shares in
   * points, seen within 1 s / 3 s in points with the noise verdict, TTFF in seconds.
   */
  private renderCreatives(tbody: HTMLTableSectionElement): void {
    const studies = this.app.studies, aId = this.app.aId;
    const aud = this.app.neededAudiences()[0];
    const ra = studies.reportFor(aId), rb = studies.creativeReportFor(aId);
    const cmp = creativeStudyRows(this.app);
    const shares = this.app.creativeRows() ?? [];
    const nameA = this.app.media?.name ?? 'creative A', nameB = this.app.creative.media?.name ?? 'creative B';
    // the areas as the shares table pairs them (one matching), with the study's metrics once they exist
    const pairs = matchByName(ra?.aois ?? [], rb?.aois ?? []);
    const rows = cmp ?? pairs.map((p): CreativeStudyRow => ({ ...p, seenWithin: [], timeToFirstFixation: { aMs: null, bMs: null, differenceMs: null } }));
    const shareOf = (name: string) => shares.find((s) => s.name.trim().toLocaleLowerCase() === name.trim().toLocaleLowerCase());
    rows.forEach((r, k) => {
      areaNameRow(tbody, r.name, aoiColor(k), 7);
      const s = shareOf(r.name);
      for (const [tag, m, share, file] of [['A', r.a, s?.a?.share, nameA], ['B', r.b, s?.b?.share, nameB]] as const) {
        const row = tbody.insertRow();
        row.dataset.creative = tag;
        const who = row.insertCell();
        who.className = 'who-tag';
        who.style.color = COLOR_A;
        who.textContent = tag;
        who.title = `Creative ${tag}: ${file}`;
        if (!m && (tag === 'A' ? ra : rb)) {
          // the study ran, but this creative has no area of that name
          const c = row.insertCell();
          c.colSpan = 6;
          c.className = 'hint';
          c.textContent = `No area named “${r.name}” on creative ${tag}.`;
          continue;
        }
        metricCells(row, share, m);
      }
      if (!r.a || !r.b) return;
      const diff = tbody.insertRow();
      diff.dataset.creative = 'B-A';
      diff.className = 'difference-row';
      const who = diff.insertCell();
      who.className = 'who-tag';
      who.textContent = 'B−A';
      who.title = 'Creative B minus creative A: shares and seen within in percentage points, time to first fixation in seconds';
      const dShare = diff.insertCell();
      dShare.textContent = s?.differencePoints === null || s?.differencePoints === undefined ? '…' : formatPointsDifference(s.differencePoints).replace(' points', '').replace('no gap', '0');
      dShare.title = 'Share of attention, B − A, percentage points';
      if (!cmp) {
        for (let c = 0; c < 5; c++) diff.insertCell().textContent = '…';
        return;
      }
      const within = (ms: number) => r.seenWithin.find((w) => w.withinMs === ms)?.difference ?? null;
      differenceCell(diff.insertCell(), within(1000), 'Seen within 1 s');
      differenceCell(diff.insertCell(), within(3000), 'Seen within 3 s');
      const t = diff.insertCell();
      const dt = r.timeToFirstFixation.differenceMs;
      t.textContent = dt === null ? '—' : `${dt > 0 ? '+' : dt < 0 ? '−' : ''}${seconds(Math.abs(dt))}`;
      t.title = dt === null ? 'Nobody fixated the area on one of the creatives' : `Median time to first fixation, B − A (${dt < 0 ? 'seen sooner on B' : dt > 0 ? 'seen later on B' : 'the same'}); its noise is not judged`;
      diff.insertCell();
      diff.insertCell();
    });
    if (rows.length === 0) {
      const c = tbody.insertRow().insertCell();
      c.colSpan = 7;
      c.textContent = ra || rb ? 'Draw areas with the same name on both creatives to see who sees them, and when, on each.' : 'Waiting for the virtual studies…';
    }
    const r0 = ra ?? rb;
    $('study-caption').textContent = r0
      ? `${r0.viewers} simulated viewers of “${aud?.name ?? ''}” on each creative, ${viewing(ra, rb)}${this.app.media?.kind === 'video' || this.app.creative.media?.kind === 'video' ? ' (videos from their start)' : ''}`
      : `${STUDY_VIEWERS} simulated viewers on each creative`;
    const el = $('study-compare');
    const text = creativeStudyText(this.app);
    el.hidden = !text;
    el.textContent = text;
  }

  /** The progress line: which audience is being simulated and how far, or what is done. */
  renderProgress(): void {
    const run = this.app.studies.progress;
    const bar = $<HTMLProgressElement>('study-progress');
    bar.hidden = !run;
    const status = $('study-status');
    if (run) {
      bar.value = Math.min(1, run.fraction);
      const on = run.creativeB !== null ? ` on creative B (${run.creativeB})` : this.app.mode === 'creatives' ? ' on creative A' : '';
      status.textContent = `Simulating ${STUDY_VIEWERS} viewers of “${run.audienceName}”${on}… ${Math.round(Math.min(1, run.fraction) * 100)} %`;
      return;
    }
    const studies = this.app.studies;
    const done = this.app.mode === 'creatives'
      ? [studies.studyFor(this.app.aId), studies.creativeStudyFor(this.app.aId)].filter((s) => s !== null)
      : studyAudiences(this.app).map((a) => studies.studyFor(a.id)).filter((s) => s !== null);
    status.textContent = done.length ? `Simulated in ${done.map((s) => formatSeconds(s.ms)).join(' and ')}.` : '';
  }
}

/** One audience's report as the printable report's table rows (used by export-actions). */
export function reportRows(r: StudyReport): string[][] {
  return r.aois.map((m) => [
    m.name,
    seenWithin(m, 1000) ? `${formatPercent(seenWithin(m, 1000)!.share)} (${formatInterval(seenWithin(m, 1000)!)})` : '—',
    seenWithin(m, 3000) ? `${formatPercent(seenWithin(m, 3000)!.share)} (${formatInterval(seenWithin(m, 3000)!)})` : '—',
    m.timeToFirstFixation ? formatSeconds(m.timeToFirstFixation.median) : '—',
    m.dwell ? formatSeconds(m.dwell.meanMs) : '—',
    m.revisits === null ? '—' : m.revisits.toFixed(1),
    m.firstFixation ? formatPercent(m.firstFixation.share) : '—',
  ]);
}

