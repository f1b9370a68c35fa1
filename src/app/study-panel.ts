/**
 * The virtual study's panel (issue 14, point 3): the progress of the study running, the table of
 * eye-tracking figures per area for A (and B when comparing) — share of attention beside seen
 * within 1 s and 3 s (with the Wilson 95 % interval), median time to first fixation, dwell and
 * revisits — the model card's calibration of such figures against real viewers, and A against B
 * area by area, judged against the panels' noise. Hidden for a model without a scanpath graph.
 */
import type { AoiStat } from '../analysis';
import type { ModelManifest } from '../index';
import type { AoiStudyMetrics, Proportion, StudyReport } from '../analysis';
import {
  compareStudies, describeStudyCalibration, describeStudyComparison, formatInterval, formatPercent, formatSeconds, seenWithin,
  studyCalibrationFromMetrics, studyStory,
} from '../analysis';
import { formatShare } from '../analysis';
import { aoiColor } from './aoi-layer';
import type { Audience } from './audiences';
import { COLOR_A, COLOR_B, type ViewMode } from './colors';
import { $ } from './dom';
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

export class StudyPanel {
  constructor(private readonly app: StudyPanelHost) {}

  render(): void {
    const section = $('study-section');
    const studies = this.app.studies;
    section.hidden = !studies.available || !this.app.media || this.app.mode === 'creatives';
    // the study's exports only where there can be a study (a model with a scanpath graph)
    for (const b of document.querySelectorAll<HTMLButtonElement>('#export-menu [data-needs-study]')) b.hidden = section.hidden;
    if (section.hidden) return;
    this.renderProgress();
    const auds = studyAudiences(this.app);
    const reports = auds.map((a) => ({ a, r: studies.reportFor(a.id), shares: this.app.shareStats(a.id) }));
    const table = $<HTMLTableElement>('study-table');
    const thead = table.tHead!, tbody = table.tBodies[0]!;
    thead.innerHTML = '';
    tbody.innerHTML = '';
    const hr = thead.insertRow();
    const th = (t: string, title: string) => { const c = document.createElement('th'); c.scope = 'col'; c.textContent = t; c.title = title; hr.append(c); };
    th('', 'Audience');
    th('Share', 'Share of attention (the predicted density inside the area)');
    th('≤1 s', 'Seen within 1 s: share of simulated viewers whose first fixation inside comes within 1 s (95 % Wilson interval below)');
    th('≤3 s', 'Seen within 3 s (95 % Wilson interval below)');
    th('TTFF s', 'Time to first fixation, seconds: median among the viewers who fixated the area');
    th('Dwell s', 'Dwell time, seconds: total fixation duration inside, mean over all viewers');
    th('Rev.', 'Revisits: mean number of returns to the area among the viewers who fixated it');
    const names = (reports.find((x) => x.r)?.r?.aois ?? []).map((m) => m.name);
    names.forEach((name, k) => {
      // the area's name on a row of its own, so the seven figures keep the panel's width for themselves
      const head = tbody.insertRow();
      head.className = 'area-row';
      const nameCell = head.insertCell();
      nameCell.colSpan = 7;
      const sw = document.createElement('span');
      sw.className = 'aoi-color';
      sw.style.background = aoiColor(k);
      nameCell.append(sw, document.createTextNode(name));
      reports.forEach(({ a, r, shares }, i) => {
        const row = tbody.insertRow();
        row.dataset.audience = i === 0 ? 'A' : 'B';
        const who = row.insertCell();
        who.className = 'who-tag';
        who.style.color = a.id === this.app.aId ? COLOR_A : COLOR_B;
        who.textContent = i === 0 ? 'A' : 'B';
        who.title = a.name;
        row.insertCell().textContent = shares?.[k] ? formatShare(shares[k]!.share) : '…';
        const m: AoiStudyMetrics | undefined = r?.aois[k];
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
    $('study-calibration').textContent = describeStudyCalibration(studyCalibrationFromMetrics(this.app.manifest?.metrics));
    const cmp = $('study-compare');
    const text = comparisonText(this.app);
    cmp.hidden = !text;
    cmp.textContent = text;
  }

  /** The progress line: which audience is being simulated and how far, or what is done. */
  renderProgress(): void {
    const run = this.app.studies.progress;
    const bar = $<HTMLProgressElement>('study-progress');
    bar.hidden = !run;
    const status = $('study-status');
    if (run) {
      bar.value = Math.min(1, run.fraction);
      status.textContent = `Simulating ${STUDY_VIEWERS} viewers of “${run.audienceName}”… ${Math.round(Math.min(1, run.fraction) * 100)} %`;
      return;
    }
    const done = studyAudiences(this.app).map((a) => this.app.studies.studyFor(a.id)).filter((s) => s !== null);
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
