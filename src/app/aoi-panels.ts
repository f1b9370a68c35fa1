/**
 * The right-hand panel: the AOI list (names, delete), the AOI table (share and first visit per
 * audience), the attention story, and for an analysed video the timeline strip and the chart.
 * It reads the app's state through `AoiPanelsHost` and changes only the AOIs' names and list,
 * through `aoisChanged`. A new column (e.g. a virtual study's seen-by or time to first
 * fixation) is one more cell per audience in `renderPanels`.
 */
import { aggregateAoiStats, aoiStats, attentionStory, formatShare, type Aoi, type AoiStat, type CreativeAoiRow } from '../analysis';
import type { Prediction } from '../index';
import { aoiColor } from './aoi-layer';
import type { Audience } from './audiences';
import { AttentionChart, type ChartSeries } from './chart';
import { $, areaNameRow, fmtTime } from './dom';
import type { OpenedMedia } from './media';
import { TimelineStrip, type TimelineRow } from './timeline';
import { creativeBAnalysis, type Analysis } from './video-analysis';
import { creativeBSeries } from './creative-over-time';
import { COLOR_A, COLOR_B, type ViewMode } from './colors';

/** What the panel reads from the app, and the one thing it changes (the AOIs). */
export interface AoiPanelsHost {
  aois: Aoi[];
  readonly analysis: Analysis | null;
  readonly current: ReadonlyMap<string, Prediction>;
  readonly media: OpenedMedia | null;
  readonly video: HTMLVideoElement | null;
  readonly aId: string;
  readonly mode: ViewMode;
  neededAudiences(): Audience[];
  aoisChanged(aois: Aoi[]): void;
  /** creatives mode: creative B, its areas, their statistics (frame shown), and the two matched by name */
  readonly creative: { readonly media: OpenedMedia | null; readonly aois: readonly Aoi[]; stats(): AoiStat[] | null };
  creativeRows(): CreativeAoiRow[] | null;
  setCreativeAois(aois: Aoi[]): void;
  /** the attention story of the audience's virtual study (seen first, by how many, what most never reach), when it has one */
  studyStory(a: Audience): string | null;
}

export class AoiPanels {
  readonly chart: AttentionChart;
  readonly timeline: TimelineStrip;

  constructor(private readonly app: AoiPanelsHost, seek: (timeS: number) => void) {
    this.chart = new AttentionChart($('chart'), seek);
    this.timeline = new TimelineStrip($<HTMLCanvasElement>('timeline'), seek);
  }

  /** Stats per audience: over the whole analysis for an analysed video, else for the frame on screen. */
  statsFor(audId: string): { stats: AoiStat[]; scope: string } | null {
    const list = this.app.analysis?.byAudience.get(audId);
    if (list && list.length > 0) {
      return { stats: aggregateAoiStats(list.map((p) => aoiStats(p, this.app.aois)), this.app.aois), scope: `whole video, ${list.length} frames` };
    }
    const p = this.app.current.get(audId);
    if (!p) return null;
    return { stats: aoiStats(p, this.app.aois), scope: this.app.media?.kind === 'video' ? `frame at ${fmtTime(p.timestampMs / 1000)}` : 'this image' };
  }

  /**
   * Creatives mode: audience A's statistics on each creative — over the whole video once creative
   * A and creative B are both analysed (B over its own analysed frames: up to its end, or its one
   * prediction for an image), else for the frame shown.
   */
  creativeStats(): { a: AoiStat[] | null; b: AoiStat[] | null; scope: string } {
    const an = this.app.analysis;
    const listA = an?.byAudience.get(this.app.aId);
    const b = creativeBAnalysis(an, this.app.creative.media, this.app.aId);
    const aoisB = this.app.creative.aois;
    if (listA && listA.length > 0 && b) {
      return {
        a: aggregateAoiStats(listA.map((p) => aoiStats(p, this.app.aois)), this.app.aois),
        b: aggregateAoiStats(b.frames.map((p) => aoiStats(p, aoisB)), aoisB),
        scope: `whole video, ${listA.length} frames${b.media.kind === 'video' ? ` on A, ${b.frames.length} on B` : ''}`,
      };
    }
    const pa = this.app.current.get(this.app.aId);
    return { a: pa ? aoiStats(pa, this.app.aois) : null, b: this.app.creative.stats(), scope: '' };
  }

  render(): void {
    const creatives = this.app.mode === 'creatives';
    this.renderAoiList($('aoi-list'), this.app.aois, (aois) => this.app.aoisChanged(aois), creatives ? 'creative A' : '');
    $('aoi-list-a-heading').hidden = !creatives;
    $('aoi-list-b-section').hidden = !creatives;
    if (creatives) {
      this.renderAoiList($('aoi-list-b'), this.app.creative.aois, (aois) => this.app.setCreativeAois(aois), 'creative B');
      this.renderCreatives();
      this.renderTimeAndChart();
      return;
    }
    const auds = this.app.neededAudiences();
    const table = $<HTMLTableElement>('aoi-table');
    table.classList.remove('creatives');
    const thead = table.tHead!, tbody = table.tBodies[0]!;
    const stats = auds.map((a) => ({ a, s: this.statsFor(a.id) }));
    thead.innerHTML = '';
    tbody.innerHTML = '';
    const hr = thead.insertRow();
    const th = (t: string, title?: string) => { const c = document.createElement('th'); c.scope = 'col'; c.textContent = t; if (title) c.title = title; hr.append(c); };
    th('Area');
    stats.forEach(({ a }, i) => { th(`${i === 0 ? 'A' : 'B'} share`, a.name); th('1st', `Order of first visit for ${a.name}`); });
    this.app.aois.forEach((aoi, k) => {
      const r = tbody.insertRow();
      const name = r.insertCell();
      name.innerHTML = `<span class="aoi-color" style="display:inline-block;width:8px;height:8px;border-radius:2px;margin-right:6px;background:${aoiColor(k)}"></span>`;
      name.append(document.createTextNode(aoi.name));
      stats.forEach(({ s }, i) => {
        const st = s?.stats[k];
        const share = r.insertCell();
        if (st) {
          const bar = document.createElement('span');
          bar.className = `bar${i === 1 ? ' b' : ''}`;
          bar.style.width = `${Math.round(Math.min(1, st.share) * 26)}px`;
          share.append(bar, document.createTextNode(formatShare(st.share)));
        } else share.textContent = '…';
        r.insertCell().textContent = st ? (st.firstVisitRank === null ? '—' : String(st.firstVisitRank)) : '…';
      });
    });
    if (this.app.aois.length === 0) {
      const r = tbody.insertRow();
      const c = r.insertCell();
      c.colSpan = 1 + 2 * stats.length;
      c.textContent = 'No areas yet: draw one on the image.';
    }
    const story = $('story');
    story.replaceChildren();
    for (const { a, s } of stats) {
      const p = document.createElement('p');
      const who = document.createElement('span');
      who.className = 'who';
      who.style.color = a.id === this.app.aId ? COLOR_A : COLOR_B;
      // told from the virtual study once it exists (who sees what, and when), else from the shares
      const fromStudy = this.app.studyStory(a);
      who.textContent = `${a.id === this.app.aId ? 'A' : 'B'} · ${fromStudy ? 'virtual study' : s?.scope ?? 'waiting for the prediction'}: `;
      p.append(who, document.createTextNode(fromStudy ?? (s ? attentionStory(a.name, s.stats).text : '')));
      story.append(p);
    }
    this.renderTimeAndChart();
  }

  /**
   * Creatives mode: one row per area name (creative A's areas, then B's that A lacks), each
   * creative's share and first visit for audience A, and B − A in points; a story per creative.
   */
  private renderCreatives(): void {
    const table = $<HTMLTableElement>('aoi-table');
    table.classList.add('creatives'); // names on rows of their own: every column holds a figure
    const thead = table.tHead!, tbody = table.tBodies[0]!;
    thead.innerHTML = '';
    tbody.innerHTML = '';
    const hr = thead.insertRow();
    const th = (t: string, title: string) => { const c = document.createElement('th'); c.scope = 'col'; c.textContent = t; c.title = title; hr.append(c); };
    // each area's name on a row of its own (as in the study table), so the five figures keep the
    // panel's width and a name wraps between its words, not inside them
    th('A share', 'Share of attention on creative A (areas are matched by name across the two creatives)');
    th('1st', 'Order of first visit on creative A');
    th('B share', 'Share of attention on creative B');
    th('1st', 'Order of first visit on creative B');
    th('B − A', 'Difference in percentage points');
    const rows = this.app.creativeRows();
    const cell = (r: HTMLTableRowElement, st: AoiStat | undefined, b: boolean) => {
      const share = r.insertCell();
      if (st) {
        const bar = document.createElement('span');
        bar.className = `bar${b ? ' b' : ''}`;
        bar.style.width = `${Math.round(Math.min(1, st.share) * 26)}px`;
        share.append(bar, document.createTextNode(formatShare(st.share)));
      } else share.textContent = rows ? '—' : '…';
      r.insertCell().textContent = st ? (st.firstVisitRank === null ? '—' : String(st.firstVisitRank)) : rows ? '' : '…';
    };
    (rows ?? []).forEach((row, k) => {
      areaNameRow(tbody, row.name, aoiColor(k), 5);
      const r = tbody.insertRow();
      r.dataset.area = row.name;
      cell(r, row.a, false);
      cell(r, row.b, true);
      const d = r.insertCell();
      d.textContent = row.differencePoints === null ? '' : `${row.differencePoints > 0 ? '+' : row.differencePoints < 0 ? '−' : '±'}${Math.abs(Math.round(row.differencePoints))}`;
    });
    if (!rows || rows.length === 0) {
      const c = tbody.insertRow().insertCell();
      c.colSpan = 5;
      c.textContent = rows ? 'No areas yet: draw them on either creative (the same name on both is compared).' : 'Waiting for the predictions…';
    }
    const aud = this.app.neededAudiences()[0];
    const story = $('story');
    story.replaceChildren();
    const both = this.creativeStats();
    for (const [label, st] of [['Creative A', both.a], ['Creative B', both.b]] as const) {
      const p = document.createElement('p');
      const who = document.createElement('span');
      who.className = 'who';
      who.style.color = label === 'Creative A' ? COLOR_A : COLOR_B;
      who.textContent = `${label} · ${st ? `${aud?.name ?? ''}${both.scope ? `, ${both.scope}` : ''}` : 'waiting for the prediction'}: `;
      p.append(who, document.createTextNode(st && aud ? attentionStory(aud.name, st).text : ''));
      story.append(p);
    }
  }

  /** An editable list of areas (rename, delete); `onChange` gets the new list. */
  private renderAoiList(ul: HTMLElement, aois: readonly Aoi[], onChange: (aois: Aoi[]) => void, which: string): void {
    if (ul.contains(document.activeElement) && document.activeElement instanceof HTMLInputElement) return; // do not steal typing
    ul.replaceChildren();
    aois.forEach((aoi, k) => {
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.className = 'aoi-color';
      sw.style.background = aoiColor(k);
      const input = document.createElement('input');
      input.type = 'text';
      input.value = aoi.name;
      input.dataset.aoi = aoi.id;
      input.setAttribute('aria-label', `Name of area ${k + 1}${which ? ` on ${which}` : ''} (${aoi.shape.kind === 'rect' ? 'rectangle' : 'polygon'})`);
      input.addEventListener('change', () => {
        const name = input.value.trim() || aoi.name;
        onChange(aois.map((a) => (a.id === aoi.id ? { ...a, name } : a)));
      });
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') input.blur(); });
      const rm = document.createElement('button');
      rm.type = 'button';
      rm.className = 'btn ghost';
      rm.textContent = '✕';
      rm.setAttribute('aria-label', `Delete area “${aoi.name}”${which ? ` on ${which}` : ''}`);
      rm.addEventListener('click', () => onChange(aois.filter((a) => a.id !== aoi.id)));
      li.append(sw, input, rm);
      ul.append(li);
    });
  }

  private renderTimeAndChart(): void {
    const an = this.app.analysis;
    const section = $('chart-section');
    if (!an || !this.app.media || this.app.media.kind !== 'video') {
      section.hidden = true;
      this.chart.update([], []);
      return;
    }
    const auds = this.app.neededAudiences().filter((a) => an.byAudience.has(a.id));
    const rows: TimelineRow[] = [];
    const series: ChartSeries[] = [];
    auds.forEach((aud, ai) => {
      const preds = an.byAudience.get(aud.id)!;
      if (this.app.aois.length === 0) {
        // no AOIs: how concentrated attention is (mass of the strongest point)
        rows.push({ label: aud.name, color: ai === 0 ? COLOR_A : COLOR_B, values: preds.map((p) => Math.max(0, ...p.points.map((q) => q.mass))) });
        return;
      }
      const perFrame = preds.map((p) => aoiStats(p, this.app.aois));
      // in creatives mode the one audience's rows are creative A's
      const tag = this.app.mode === 'creatives' ? 'creative A' : ai === 0 ? 'A' : 'B';
      this.app.aois.forEach((aoi, k) => {
        const values = perFrame.map((s) => s[k]!.share);
        rows.push({ label: `${aoi.name} (${tag})`, color: aoiColor(k), values });
        series.push({ label: `${aoi.name} · ${tag}`, color: aoiColor(k), dashed: ai === 1, values });
      });
    });
    // creatives mode: audience A on creative B at the same times, dashed, each area in the colour
    // of creative A's area of the same name (the areas are matched by name)
    const b = this.app.mode === 'creatives' && auds[0] ? creativeBAnalysis(an, this.app.creative.media, auds[0].id) : null;
    if (b) {
      const preds = creativeBSeries(b, an.timesS.length);
      const aoisB = this.app.creative.aois;
      if (aoisB.length === 0) rows.push({ label: `Creative B · ${auds[0]!.name}`, color: COLOR_B, values: preds.map((p) => Math.max(0, ...p.points.map((q) => q.mass))) });
      const perFrame = preds.map((p) => aoiStats(p, aoisB));
      aoisB.forEach((aoi, k) => {
        const inA = this.app.aois.findIndex((x) => x.name.trim().toLocaleLowerCase() === aoi.name.trim().toLocaleLowerCase());
        const color = aoiColor(inA >= 0 ? inA : k);
        const values = perFrame.map((s) => s[k]!.share);
        rows.push({ label: `${aoi.name} (creative B)`, color, values });
        series.push({ label: `${aoi.name} · creative B`, color, dashed: true, values });
      });
    }
    this.timeline.set(an.timesS, rows, this.app.media.durationS);
    section.hidden = series.length === 0;
    if (series.length) this.chart.update(an.timesS, series, this.app.video?.currentTime);
  }

}
