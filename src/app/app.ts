/**
 * The designer app's controller: owns the state (media, audiences A/B, AOIs, predictions, the
 * whole-video analysis) and keeps the panels in step with it. Inference goes through `AppEngine`;
 * statistics, stories, differences and exports come from src/core.
 */
import { aggregateAoiStats, aoiStats, type Aoi, type AoiStat } from '../core/aoi';
import { densityDifference, describeDifference, yardstickFromMetrics, type DifferenceMap } from '../core/difference';
import { GazecastError, isGazecastError } from '../core/errors';
import { analysisToJson, buildAnalysisDocument, type AnalysisDocument, type AnalysisFrame } from '../core/export-analysis';
import { aoiCsv, pointsCsv } from '../core/export-csv';
import type { ModelManifest } from '../core/manifest';
import type { Prediction } from '../core/prediction-types';
import { attentionStory, formatShare } from '../core/story';
import { AoiLayer, aoiColor, type AoiTool } from './aoi-layer';
import type { AudienceStore, LastSession } from './audience-db';
import { removePersonalAudience, renamePersonalAudience } from './personal-bridge';
import { nameFromTokens, newId, panelAudiences, presetAudiences, profileFor, slotLabel, valueLabel, type Audience } from './audiences';
import { AttentionChart, type ChartSeries } from './chart';
import type { AppEngine } from './engine';
import type { LiveSession } from '../index';
import { baseName, canvasToBlob, download, snapshotCanvas, type OverlayPainter } from './exporters';
import { cloneVideo, openMedia, type OpenedMedia } from './media';
import { seekTo } from '../client/frame-sampler';
import { drawAois, drawDifference, drawPoints, paintAudience, sortByVisit, type LayerOptions } from './render';
import { drawLegend, legendEntries, renderLegend, type LegendView } from './legend';
import { separateBadges } from '../core/label-layout';
import { renderReport } from './report';
import { Stage } from './stage';
import { TimelineStrip, type TimelineRow } from './timeline';

export type ViewMode = 'single' | 'compare' | 'difference';
export const COLOR_A = '#ff8a3d';
export const COLOR_B = '#3db8ff';

export const SAMPLES = [
  { file: 'ad-market.mp4', label: 'Video ad: market (9 s)' },
  { file: 'ad-juice.jpg', label: 'Image ad: juice' },
  { file: 'ad-coffee.jpg', label: 'Image ad: coffee' },
  { file: 'ad-tennis.jpg', label: 'Image ad: tennis' },
] as const;

interface Analysis {
  readonly sps: number;
  readonly timesS: number[];
  readonly byAudience: Map<string, Prediction[]>;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing from index.html`);
  return e as T;
};

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '0:00.0';
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

export class App {
  engine: AppEngine | null = null;
  manifest: ModelManifest | null = null;
  private store: AudienceStore | null = null;
  private audiences: Audience[] = [];
  private aId = 'preset-everyone';
  private bId: string | null = null;
  private mode: ViewMode = 'single';
  media: OpenedMedia | null = null;
  private aois: Aoi[] = [];
  /** predictions for the frame on screen, by audience id */
  private current = new Map<string, Prediction>();
  private analysis: Analysis | null = null;
  private analysisAbort: AbortController | null = null;
  private exportAbort: AbortController | null = null;
  private refreshSeq = 0;
  private readonly warnedAudiences = new Set<string>();
  private busy = false;
  private pending = false;
  private layers = { heatmap: true, points: true, scanpath: true, aois: true, opacity: 0.75 };

  private readonly stageA = new Stage($('stage-a').querySelector('.stage-box') as HTMLElement);
  private readonly stageB = new Stage($('stage-b').querySelector('.stage-box') as HTMLElement);
  private readonly frameCopy = document.createElement('canvas');
  private readonly aoiLayer: AoiLayer;
  private readonly chart: AttentionChart;
  private readonly timeline: TimelineStrip;

  constructor() {
    this.frameCopy.className = 'media';
    this.frameCopy.setAttribute('role', 'img');
    this.aoiLayer = new AoiLayer(
      this.stageA.box,
      (aois, created) => this.aoisChanged(aois, created),
      () => this.setTool('none'),
    );
    this.chart = new AttentionChart($('chart'), (t) => this.seek(t));
    this.timeline = new TimelineStrip($<HTMLCanvasElement>('timeline'), (t) => this.seek(t));
    this.bindUi();
  }

  // ---------- setup ----------

  setStore(store: AudienceStore | null): void {
    this.store = store;
  }

  /**
   * Audiences A and B (and the view) saved before a reload, applied once their audiences exist:
   * presets and saved ones in setEngine, imported ones in setExternalAudiences. Until then
   * nothing is saved over them.
   */
  private pendingAb: { aId?: string; bId?: string | null } | null = null;

  restoreSession(s: LastSession): void {
    if (s.aId) this.pendingAb = { aId: s.aId, ...(s.bId !== undefined ? { bId: s.bId } : {}) };
    if (s.mode && s.mode !== this.mode) this.setMode(s.mode);
  }

  /** Applies the saved A/B where those audiences are known now; true when nothing is left pending. */
  private applyPendingAb(): boolean {
    const p = this.pendingAb;
    if (!p) return true;
    for (const id of [p.aId, p.bId]) {
      const viewer = id ? this.panelOnly.find((x) => x.id === id) : undefined;
      if (viewer && !this.audience(viewer.id)) this.audiences.push(viewer);
    }
    const aOk = !p.aId || !!this.audience(p.aId), bOk = !p.bId || !!this.audience(p.bId);
    if (aOk && p.aId) this.aId = p.aId;
    if (bOk && p.bId !== undefined && p.bId !== this.aId) this.bId = p.bId;
    return aOk && bOk;
  }

  async setEngine(engine: AppEngine, panel: unknown): Promise<void> {
    this.engine = engine;
    this.manifest = engine.manifest;
    this.buildSlotFields();
    const saved = this.store ? await this.store.list().catch(() => []) : [];
    this.audiences = [...presetAudiences(engine.manifest), ...saved];
    const panelAuds = panelAudiences(panel, engine.manifest);
    this.fillPanelSelect(panelAuds);
    if (!this.audiences.some((a) => a.id === this.aId)) this.aId = this.audiences[0]!.id;
    this.bId = this.audiences.find((a) => a.id !== this.aId && a.source === 'preset')?.id ?? null;
    // imported audiences arrive later (setExternalAudiences): keep waiting for those
    if (this.applyPendingAb() || !this.pendingAb?.aId?.startsWith('personal-') && !this.pendingAb?.bId?.startsWith('personal-')) this.pendingAb = null;
    this.renderAudiences();
    this.current.clear();
    void this.refresh();
  }

  private panelOnly: Audience[] = [];

  private fillPanelSelect(panel: Audience[]): void {
    this.panelOnly = panel;
    const sel = $<HTMLSelectElement>('panel-select');
    sel.replaceChildren(new Option(panel.length ? 'Choose a viewer…' : 'This model has no panel', ''));
    for (const a of panel) sel.add(new Option(a.name, a.id));
    sel.disabled = panel.length === 0;
    $('panel-hint').textContent = panel.length
      ? `${panel.length} viewers from the model's training panel, each with a personal embedding.`
      : "Viewers from your own eye-tracking studies can be added as personal audiences.";
  }

  /** Replaces the audiences that come from the personal-audience module (imported studies). */
  setExternalAudiences(list: readonly Audience[]): void {
    this.audiences = [...this.audiences.filter((a) => !a.id.startsWith('personal-')), ...list];
    const before = `${this.aId}|${this.bId}`;
    this.applyPendingAb();
    this.pendingAb = null;
    if (!this.audience(this.aId)) this.aId = this.audiences[0]!.id;
    if (this.bId && !this.audience(this.bId)) this.bId = null;
    this.renderAudiences();
    if (`${this.aId}|${this.bId}` !== before) void this.refresh();
  }

  showModelStatus(text: string, error = false): void {
    const el = $('model-status');
    el.textContent = text;
    el.classList.toggle('error', error);
  }

  // ---------- messages ----------

  /** what the message on screen is about: opening a file clears only file messages */
  private messageTopic: 'media' | 'other' = 'other';

  showMessage(text: string, kind: 'error' | 'info' = 'error', topic: 'media' | 'other' = 'other', action?: { label: string; run: () => void }): void {
    this.messageTopic = topic;
    $('message-text').textContent = text;
    const btn = $<HTMLButtonElement>('message-action');
    btn.hidden = !action;
    btn.textContent = action?.label ?? '';
    btn.onclick = action ? () => action.run() : null;
    $('message').classList.toggle('info', kind === 'info');
    $('message').hidden = false;
  }

  clearMessage(): void {
    $('message').hidden = true;
  }

  private report(e: unknown): void {
    if (isGazecastError(e, 'aborted')) return;
    console.warn(e);
    this.showMessage(e instanceof Error ? e.message : String(e));
  }

  // ---------- UI wiring ----------

  private bindUi(): void {
    const fileInput = $<HTMLInputElement>('file-input');
    $('open-btn').addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const f = fileInput.files?.[0];
      if (f) void this.openFile(f, f.name);
      fileInput.value = '';
    });
    const sampleSel = $<HTMLSelectElement>('sample-select');
    sampleSel.add(new Option('Choose a sample…', ''));
    for (const s of SAMPLES) sampleSel.add(new Option(s.label, s.file));
    sampleSel.addEventListener('change', () => { if (sampleSel.value) void this.openSample(sampleSel.value); });
    $('message-close').addEventListener('click', () => this.clearMessage());

    // drag and drop anywhere on the page
    const overlay = $('drop-overlay');
    let depth = 0;
    window.addEventListener('dragenter', (e) => { if (e.dataTransfer?.types.includes('Files')) { depth++; overlay.hidden = false; } });
    window.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (depth === 0) overlay.hidden = true; });
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      depth = 0;
      overlay.hidden = true;
      const f = e.dataTransfer?.files[0];
      if (f) void this.openFile(f, f.name);
    });

    // view mode (radio group with arrow keys)
    const seg = [...$('view-mode').querySelectorAll<HTMLButtonElement>('button[data-mode]')];
    seg.forEach((b, i) => {
      b.tabIndex = b.getAttribute('aria-checked') === 'true' ? 0 : -1;
      b.addEventListener('click', () => this.setMode(b.dataset.mode as ViewMode));
      b.addEventListener('keydown', (e) => {
        const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!d) return;
        const next = seg[(i + d + seg.length) % seg.length]!;
        next.focus();
        this.setMode(next.dataset.mode as ViewMode);
      });
    });

    // layers
    const bindCheck = (id: string, key: 'heatmap' | 'points' | 'scanpath' | 'aois') =>
      $<HTMLInputElement>(id).addEventListener('change', (e) => {
        this.layers[key] = (e.target as HTMLInputElement).checked;
        if (key === 'aois') this.aoiLayer.setVisible(this.layers.aois);
        this.paint();
      });
    bindCheck('layer-heatmap', 'heatmap');
    bindCheck('layer-points', 'points');
    bindCheck('layer-scanpath', 'scanpath');
    bindCheck('layer-aois', 'aois');
    $<HTMLInputElement>('layer-opacity').addEventListener('input', (e) => {
      this.layers.opacity = Number((e.target as HTMLInputElement).value) / 100;
      this.paint();
    });

    // audiences
    $('audience-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.saveAudienceFromForm();
    });
    $<HTMLSelectElement>('panel-select').addEventListener('change', (e) => {
      const id = (e.target as HTMLSelectElement).value;
      const a = this.panelOnly.find((x) => x.id === id);
      if (!a) return;
      if (!this.audiences.some((x) => x.id === a.id)) this.audiences.push(a);
      this.setAudience('a', a.id);
      (e.target as HTMLSelectElement).value = '';
    });

    // AOI tools
    $('tool-rect').addEventListener('click', () => this.setTool(this.tool === 'rect' ? 'none' : 'rect'));
    $('tool-poly').addEventListener('click', () => this.setTool(this.tool === 'poly' ? 'none' : 'poly'));
    $('tool-rect').addEventListener('keydown', (e) => {
      // keyboard route: Enter on the rectangle tool with Shift adds a centred rectangle
      if (e.key === 'Enter' && e.shiftKey) { e.preventDefault(); this.aoiLayer.addCentredRect(); }
    });

    // transport
    $('play-btn').addEventListener('click', () => this.togglePlay());
    const scrub = $<HTMLInputElement>('scrubber');
    scrub.addEventListener('input', () => {
      const v = this.video;
      if (v) this.seek((Number(scrub.value) / 1000) * v.duration);
    });
    $('stage-area').addEventListener('keydown', (e) => {
      if (e.target === $('stage-area') && e.key === ' ' && this.video) { e.preventDefault(); this.togglePlay(); }
    });

    // analysis
    $('analyse-btn').addEventListener('click', () => void this.analyseWholeVideo());
    $('cancel-btn').addEventListener('click', () => { this.analysisAbort?.abort(); this.exportAbort?.abort(); });

    // export menu
    const btn = $('export-btn'), menu = $('export-menu');
    const items = () => [...menu.querySelectorAll<HTMLButtonElement>('button')].filter((b) => !b.hidden);
    const close = (focusButton: boolean) => { menu.hidden = true; btn.setAttribute('aria-expanded', 'false'); if (focusButton) btn.focus(); };
    btn.addEventListener('click', () => {
      const open = menu.hidden;
      menu.hidden = !open;
      btn.setAttribute('aria-expanded', String(open));
      if (open) items()[0]?.focus();
    });
    menu.addEventListener('keydown', (e) => {
      const list = items();
      const i = list.indexOf(document.activeElement as HTMLButtonElement);
      if (e.key === 'Escape') close(true);
      else if (e.key === 'ArrowDown') { e.preventDefault(); list[(i + 1) % list.length]!.focus(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); list[(i - 1 + list.length) % list.length]!.focus(); }
    });
    document.addEventListener('click', (e) => { if (!menu.hidden && !menu.contains(e.target as Node) && e.target !== btn) close(false); });
    menu.addEventListener('click', (e) => {
      const kind = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-export]')?.dataset.export;
      if (!kind) return;
      close(true);
      void this.exportAs(kind).catch((err) => this.report(err));
    });
    window.addEventListener('afterprint', () => { $('report').innerHTML = ''; });
  }

  private tool: AoiTool = 'none';

  private setTool(t: AoiTool): void {
    this.tool = t;
    this.aoiLayer.setTool(t);
    $('tool-rect').setAttribute('aria-pressed', String(t === 'rect'));
    $('tool-poly').setAttribute('aria-pressed', String(t === 'poly'));
  }

  setMode(mode: ViewMode): void {
    this.mode = mode;
    for (const b of $('view-mode').querySelectorAll<HTMLButtonElement>('button[data-mode]')) {
      const on = b.dataset.mode === mode;
      b.setAttribute('aria-checked', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    if (mode !== 'single' && !this.bId) {
      this.bId = this.audiences.find((a) => a.id !== this.aId)?.id ?? null;
      this.renderAudiences();
    }
    $('stages').className = `stages ${mode === 'compare' ? 'compare' : 'single'}`;
    void this.store?.saveSession({ mode }).catch(() => undefined);
    $('stage-b').hidden = mode !== 'compare';
    void this.refresh();
  }

  // ---------- audiences ----------

  private audience(id: string | null): Audience | undefined {
    return id ? this.audiences.find((a) => a.id === id) : undefined;
  }

  private buildSlotFields(): void {
    const host = $('slot-fields');
    host.replaceChildren();
    for (const slot of this.manifest!.profile.tokens.slots) {
      const id = `slot-${slot.key}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = slotLabel(slot);
      const sel = document.createElement('select');
      sel.id = id;
      sel.dataset.slot = slot.key;
      for (const v of slot.values) sel.add(new Option(valueLabel(slot.key, v), v));
      sel.addEventListener('change', () => {
        $<HTMLInputElement>('audience-name').placeholder = nameFromTokens(this.formTokens(), this.manifest!.profile.tokens.slots);
      });
      host.append(label, sel);
    }
  }

  private formTokens(): Record<string, string> {
    const t: Record<string, string> = {};
    for (const sel of $('slot-fields').querySelectorAll<HTMLSelectElement>('select[data-slot]')) {
      if (sel.value !== 'unknown') t[sel.dataset.slot!] = sel.value;
    }
    return t;
  }

  private async saveAudienceFromForm(): Promise<void> {
    if (!this.manifest) return;
    const tokens = this.formTokens();
    const nameInput = $<HTMLInputElement>('audience-name');
    const name = nameInput.value.trim() || nameFromTokens(tokens, this.manifest.profile.tokens.slots);
    const a: Audience = { id: newId('aud'), name, tokens, source: 'attributes', createdAt: Date.now() };
    this.audiences.push(a);
    try {
      await this.store?.put(a);
    } catch (e) {
      this.showMessage(`The audience is in use but could not be saved in this browser (${(e as Error).message}).`);
    }
    nameInput.value = '';
    this.setAudience(this.mode === 'single' ? 'a' : 'b', a.id);
  }

  setAudience(slot: 'a' | 'b', id: string): void {
    if (slot === 'a') {
      if (this.bId === id) this.bId = this.aId;
      this.aId = id;
    } else {
      if (this.aId === id) this.aId = this.bId ?? this.aId;
      this.bId = id;
    }
    this.renderAudiences();
    void this.refresh();
  }

  /** Deletes an audience of any kind but the presets: a saved one from this app's store, an
   *  imported personal or panel one from the personal-audience store, a model panel viewer from
   *  the chips (it stays in the viewer list to add again). */
  private async removeAudience(id: string): Promise<void> {
    const aud = this.audience(id);
    if (!aud || aud.source === 'preset') return;
    this.audiences = this.audiences.filter((a) => a.id !== id);
    if (this.aId === id) this.aId = this.audiences[0]!.id;
    if (this.bId === id) this.bId = this.audiences.find((a) => a.id !== this.aId)?.id ?? null;
    this.renderAudiences();
    void this.refresh();
    try {
      if (id.startsWith('personal-')) await removePersonalAudience(id);
      else await this.store?.remove(id); // saved audiences, and panel viewers saved by a rename
    } catch (e) {
      this.showMessage(`“${aud.name}” is gone from this page but could not be deleted from this browser's storage (${(e as Error).message}); it may come back after a reload.`);
    }
  }

  /** Replaces a chip's name with a text field: Enter or leaving it renames, Escape cancels. */
  private startRename(li: HTMLElement, nameEl: HTMLElement, aud: Audience): void {
    const input = document.createElement('input');
    input.type = 'text';
    input.className = 'chip-rename';
    input.value = aud.name;
    input.maxLength = 60;
    input.setAttribute('aria-label', `New name for “${aud.name}”`);
    let done = false;
    const finish = (commit: boolean) => {
      if (done) return;
      done = true;
      const next = input.value.trim();
      if (commit && next && next !== aud.name) void this.renameAudience(aud.id, next);
      else this.renderAudiences();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
    });
    input.addEventListener('blur', () => finish(true));
    li.replaceChild(input, nameEl);
    input.focus();
    input.select();
  }

  /** Renames an audience of any kind but the presets, where it is kept: this app's store (saved
   *  and model panel viewers, which are saved by a rename), or the personal-audience store. */
  async renameAudience(id: string, name: string): Promise<void> {
    const aud = this.audience(id);
    if (!aud || aud.source === 'preset') return;
    const renamed: Audience = { ...aud, name };
    this.audiences = this.audiences.map((a) => (a.id === id ? renamed : a));
    this.renderAudiences();
    this.paint();
    this.renderPanels();
    try {
      if (id.startsWith('personal-')) await renamePersonalAudience(id, name);
      else await this.store?.put(renamed);
    } catch (e) {
      this.showMessage(`“${name}” is renamed on this page but could not be saved in this browser (${(e as Error).message}).`);
    }
  }

  private renderAudiences(): void {
    const a = this.audience(this.aId), b = this.audience(this.bId);
    $('slot-a-name').textContent = a?.name ?? '—';
    $('slot-b-name').textContent = b?.name ?? '—';
    // remembered for a reload; not while a saved choice still waits for its audiences
    if (!this.pendingAb && this.engine) void this.store?.saveSession({ aId: this.aId, bId: this.bId }).catch(() => undefined);
    const ul = $('audience-chips');
    ul.replaceChildren();
    for (const aud of this.audiences) {
      const li = document.createElement('li');
      li.className = 'chip';
      // the name of every audience but the presets is a button that renames it in place
      const name = document.createElement(aud.source === 'preset' ? 'span' : 'button');
      name.className = 'chip-name';
      name.textContent = aud.name;
      name.title = aud.source === 'preset' ? aud.name : `${aud.name} (click to rename)`;
      if (name instanceof HTMLButtonElement) {
        name.type = 'button';
        name.setAttribute('aria-label', `Rename audience “${aud.name}”`);
        name.addEventListener('click', () => this.startRename(li, name, aud));
      }
      const kind = document.createElement('span');
      kind.className = 'chip-kind';
      kind.textContent = aud.source === 'panel' || aud.source === 'personal' ? aud.source : '';
      const mk = (letter: 'A' | 'B') => {
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.className = `set-${letter.toLowerCase()}`;
        btn.textContent = letter;
        const on = letter === 'A' ? aud.id === this.aId : aud.id === this.bId;
        btn.setAttribute('aria-pressed', String(on));
        btn.setAttribute('aria-label', `Use “${aud.name}” as audience ${letter}`);
        btn.addEventListener('click', () => this.setAudience(letter === 'A' ? 'a' : 'b', aud.id));
        return btn;
      };
      li.append(name, kind, mk('A'), mk('B'));
      if (aud.source !== 'preset') {
        const rm = document.createElement('button');
        rm.type = 'button';
        rm.className = 'remove';
        rm.textContent = '✕';
        rm.setAttribute('aria-label', `Delete audience “${aud.name}”`);
        rm.addEventListener('click', () => void this.removeAudience(aud.id));
        li.append(rm);
      }
      ul.append(li);
    }
  }

  // ---------- media ----------

  get video(): HTMLVideoElement | null {
    return this.media?.kind === 'video' ? (this.media.element as HTMLVideoElement) : null;
  }

  async openSample(file: string): Promise<void> {
    try {
      const res = await fetch(new URL(`samples/${file}`, document.baseURI));
      if (!res.ok) throw new GazecastError('model-fetch-failed', `The sample ${file} could not be loaded (HTTP ${res.status}).`);
      await this.openFile(await res.blob(), file, 'sample');
    } catch (e) {
      this.report(e);
    }
  }

  /** Opens a file; on any failure the message says why and the current work stays on screen. */
  async openFile(file: Blob, name: string, from: 'user' | 'sample' = 'user'): Promise<void> {
    let m: OpenedMedia;
    try {
      m = await openMedia(file, name);
    } catch (e) {
      console.warn(e);
      this.showMessage(e instanceof Error ? e.message : String(e), 'error', 'media');
      return;
    }
    if (this.messageTopic === 'media') this.clearMessage();
    this.analysisAbort?.abort();
    this.stopLive();
    const old = this.media;
    if (old) {
      if (old.kind === 'video') (old.element as HTMLVideoElement).pause();
      URL.revokeObjectURL(old.url);
    }
    this.media = m;
    this.current.clear();
    this.analysis = null;
    $('stages').style.setProperty('--media-aspect', `${m.width} / ${m.height}`);
    this.stageA.setMedia(m.element, m.width, m.height);
    this.frameCopy.width = m.width;
    this.frameCopy.height = m.height;
    this.frameCopy.setAttribute('aria-label', `${m.name}, frame for audience B`);
    this.stageB.setMedia(m.kind === 'image' ? (m.element.cloneNode() as HTMLElement) : this.frameCopy, m.width, m.height);
    this.aoiLayer.setSize(m.width, m.height);
    this.paint(); // clears the previous media's overlay and captions at once
    this.aois = this.store ? await this.store.aoisFor(m.name).catch(() => []) : [];
    this.aoiLayer.setAois(this.aois);
    this.setupTransport();
    $('analysis').hidden = m.kind !== 'video';
    $('analysis-status').textContent = '';
    this.timeline.set([], [], m.durationS);
    const sel = $<HTMLSelectElement>('sample-select');
    sel.value = SAMPLES.some((s) => s.file === name) ? name : '';
    // video export only where there is a video (an image has no frames to burn the overlay into)
    $('export-menu').querySelector<HTMLButtonElement>('button[data-export="video"]')!.hidden = m.kind !== 'video';
    // the work on screen survives a reload and "Update now": a sample by name, the user's file in this browser only
    void this.store?.saveSession({ media: from === 'sample' ? { name, sample: true } : { name, blob: file } }).catch(() => undefined);
    document.title = `${name} — gazecast`;
    this.renderPanels();
    await this.refresh();
  }

  private setupTransport(): void {
    const v = this.video;
    $('transport').hidden = !v;
    if (!v) return;
    const scrub = $<HTMLInputElement>('scrubber');
    const play = $('play-btn');
    const update = () => {
      scrub.value = String(Math.round((v.currentTime / v.duration) * 1000));
      $('time-readout').textContent = `${fmtTime(v.currentTime)} / ${fmtTime(v.duration)}`;
      this.timeline.setCursor(v.currentTime);
    };
    v.addEventListener('timeupdate', update);
    v.addEventListener('seeked', () => { update(); void this.refresh(); });
    v.addEventListener('play', () => { play.textContent = '❚❚'; play.setAttribute('aria-label', 'Pause'); void this.refresh(); });
    v.addEventListener('pause', () => { play.textContent = '▶'; play.setAttribute('aria-label', 'Play'); this.stopLive(); void this.refresh(); });
    v.addEventListener('ended', () => { play.textContent = '▶'; play.setAttribute('aria-label', 'Play'); this.stopLive(); });
    update();
  }

  private togglePlay(): void {
    const v = this.video;
    if (!v) return;
    if (v.paused) void v.play();
    else v.pause();
  }

  seek(timeS: number): void {
    const v = this.video;
    if (!v) return;
    v.currentTime = Math.max(0, Math.min(v.duration, timeS));
  }

  // ---------- live mode (the package's startLive) ----------

  /** The live sessions while the video plays: one per audience shown, keyed by their ids. */
  private live: { readonly video: HTMLVideoElement; readonly key: string; readonly sessions: readonly LiveSession[] } | null = null;
  /** live predictions shown so far (the e2e test counts them) */
  livePredictions = 0;
  private panelsTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * While playing, predictions come from the package's `startLive`: one prediction per displayed
   * frame as fast as the engine allows, the newest frame winning over ones that wait, and the
   * density smoothed over time (so the overlay does not flicker). Restarted when the audiences
   * shown change; stopped on pause, end and a new file.
   */
  private ensureLive(v: HTMLVideoElement): void {
    if (!this.engine || !this.manifest) return;
    const auds = this.neededAudiences();
    const key = auds.map((a) => a.id).join('|');
    if (this.live?.video === v && this.live.key === key) return;
    this.stopLive();
    const manifest = this.manifest;
    const sessions = auds.map((aud) =>
      this.engine!.startLive(v, profileFor(aud, manifest).profile, (p) => this.showLive(v, aud.id, p), (e) => this.report(e)),
    );
    this.live = { video: v, key, sessions };
  }

  private stopLive(): void {
    for (const s of this.live?.sessions ?? []) s.stop();
    this.live = null;
  }

  private showLive(v: HTMLVideoElement, audId: string, p: Prediction): void {
    if (this.live?.video !== v || this.video !== v) return;
    this.livePredictions++;
    this.current.set(audId, p);
    if (this.mode === 'compare') this.copyFrame();
    this.paint();
    // the tables and story follow at a calmer pace than the overlay
    this.panelsTimer ??= setTimeout(() => { this.panelsTimer = null; this.renderPanels(); }, 250);
  }

  // ---------- prediction ----------

  private neededAudiences(): Audience[] {
    const out = [this.audience(this.aId)].filter((a): a is Audience => !!a);
    const b = this.audience(this.bId);
    if (this.mode !== 'single' && b) out.push(b);
    return out;
  }

  private nowMs(): number {
    const v = this.video;
    return v ? v.currentTime * 1000 : 0;
  }

  private fromAnalysis(audId: string, tMs: number): Prediction | undefined {
    const list = this.analysis?.byAudience.get(audId);
    if (!list || list.length === 0) return undefined;
    let best = list[0]!;
    for (const p of list) if (Math.abs(p.timestampMs - tMs) < Math.abs(best.timestampMs - tMs)) best = p;
    return best;
  }

  /** Brings the predictions for the frame on screen up to date, then repaints. */
  async refresh(): Promise<void> {
    if (!this.media) return;
    const playing = this.video && !this.video.paused && !this.video.ended ? this.video : null;
    if (playing) { this.ensureLive(playing); return; } // live mode keeps the overlay current
    if (this.busy) { this.pending = true; return; }
    const seq = ++this.refreshSeq;
    const media = this.media;
    const tMs = this.nowMs();
    this.busy = true;
    try {
      if (media.kind === 'video') this.copyFrame();
      const next = new Map<string, Prediction>();
      for (const aud of this.neededAudiences()) {
        const cached = this.current.get(aud.id);
        const analysed = this.fromAnalysis(aud.id, tMs);
        if (analysed && Math.abs(analysed.timestampMs - tMs) <= 1000 / (2 * this.analysis!.sps) + 1) { next.set(aud.id, analysed); continue; }
        if (cached && Math.abs(cached.timestampMs - tMs) < 1) { next.set(aud.id, cached); continue; }
        if (!this.engine || !this.manifest) continue;
        if (!this.current.has(aud.id)) {
          const stage = aud.id === this.aId ? 'stage-a' : 'stage-b';
          $(stage).querySelector('.cap-info')!.textContent = 'predicting…';
        }
        const { profile, dropped } = profileFor(aud, this.manifest);
        if (dropped.length > 0 && !this.warnedAudiences.has(aud.id)) {
          this.warnedAudiences.add(aud.id);
          this.showMessage(`“${aud.name}” was saved with values this model does not support (${dropped.join(', ')}); they are left out of its predictions.`, 'info');
        }
        const p = await this.engine.predict(media.element, profile, tMs);
        if (this.media !== media) return;
        next.set(aud.id, p);
      }
      if (seq === this.refreshSeq && this.media === media) {
        this.current = next;
        this.paint();
        this.renderPanels();
      }
    } catch (e) {
      this.report(e);
    } finally {
      this.busy = false;
      if (this.pending) { this.pending = false; void this.refresh(); }
    }
  }

  private copyFrame(): void {
    const v = this.video;
    if (!v || this.mode !== 'compare' || v.readyState < 2) return;
    this.frameCopy.getContext('2d')!.drawImage(v, 0, 0, this.frameCopy.width, this.frameCopy.height);
  }

  private layerOpts(color: string): LayerOptions {
    return { heatmap: this.layers.heatmap, points: this.layers.points, scanpath: this.layers.scanpath, opacity: this.layers.opacity, color };
  }

  private difference(): { map: DifferenceMap; a: Audience; b: Audience } | null {
    const a = this.audience(this.aId), b = this.audience(this.bId);
    const pa = a && this.current.get(a.id), pb = b && this.current.get(b.id);
    if (!a || !b || !pa || !pb) return null;
    return { map: densityDifference(pa.density, pb.density), a, b };
  }

  /** The overlay painter for audience A's stage in the current mode (also used by exports). */
  painterA(pa: Prediction | undefined, pb: Prediction | undefined, withAois = false): OverlayPainter | null {
    if (!this.media) return null;
    const { width: W, height: H } = this.media;
    const aois = withAois && this.layers.aois ? this.aois : [];
    const legend = withAois ? legendEntries(this.legendView(), 'a') : [];
    if (this.mode === 'difference') {
      if (!pa || !pb) return null;
      const d = densityDifference(pa.density, pb.density);
      return (ctx, unit) => {
        if (this.layers.heatmap) drawDifference(ctx, d, COLOR_A, COLOR_B, this.layers.opacity);
        drawPoints(ctx, pa.points, W, H, { ...this.layerOpts(COLOR_A), heatmap: false }, unit);
        // B's numbers step aside where they would sit on A's (both are drawn on one picture)
        const badgesB = separateBadges(sortByVisit(pb.points), sortByVisit(pa.points), 22 * unit);
        drawPoints(ctx, pb.points, W, H, { ...this.layerOpts(COLOR_B), heatmap: false }, unit, badgesB);
        drawAois(ctx, aois, aoiColor, unit);
        drawLegend(ctx, legend, W, H, unit);
      };
    }
    if (!pa) return null;
    return (ctx, unit) => {
      paintAudience(ctx, pa, W, H, aois, aoiColor, this.layerOpts(COLOR_A), unit);
      drawLegend(ctx, legend, W, H, unit);
    };
  }

  /** What the legend describes: the mode, the audiences and their colours, the layers shown. */
  private legendView(): LegendView {
    const a = this.audience(this.aId), b = this.audience(this.bId);
    return {
      mode: this.mode,
      a: { name: a?.name ?? '—', color: COLOR_A },
      ...(b && this.mode !== 'single' ? { b: { name: b.name, color: COLOR_B } } : {}),
      heatmap: this.layers.heatmap,
      points: this.layers.points,
    };
  }

  /** Stage B has no SVG layer, so it (and every export) draws the AOIs into the overlay; exports
   *  (`forExport`) also get B's legend. */
  private painterB(pb: Prediction | undefined, forExport = false): OverlayPainter | null {
    if (!this.media || !pb) return null;
    const { width: W, height: H } = this.media;
    const aois = this.layers.aois ? this.aois : [];
    const legend = forExport ? legendEntries(this.legendView(), 'b') : [];
    return (ctx, unit) => {
      paintAudience(ctx, pb, W, H, aois, aoiColor, this.layerOpts(COLOR_B), unit);
      drawLegend(ctx, legend, W, H, unit);
    };
  }

  private paint(): void {
    const pa = this.current.get(this.aId);
    const pb = this.bId ? this.current.get(this.bId) : undefined;
    this.stageA.draw(this.painterA(pa, pb));
    this.stageB.draw(this.mode === 'compare' ? this.painterB(pb) : null);
    const a = this.audience(this.aId), b = this.audience(this.bId);
    const capA = $('stage-a').querySelector('figcaption')!;
    capA.querySelector('.cap-name')!.textContent = this.mode === 'difference' ? `${a?.name ?? '—'} − ${b?.name ?? '—'}` : (a?.name ?? '—');
    capA.querySelector('.cap-info')!.textContent = pa ? `${pa.points.length} points · ${pa.backend} ${pa.inferenceMs.toFixed(0)} ms` : '';
    const capB = $('stage-b').querySelector('figcaption')!;
    capB.querySelector('.cap-name')!.textContent = b?.name ?? '—';
    capB.querySelector('.cap-info')!.textContent = pb ? `${pb.points.length} points · ${pb.inferenceMs.toFixed(0)} ms` : '';
    renderLegend($('legend'), pa ? legendEntries(this.legendView(), 'a') : []);
    renderLegend($('legend-b'), this.mode === 'compare' && pb ? legendEntries(this.legendView(), 'b') : []);
    const diffEl = $('difference-summary');
    const d = this.mode !== 'single' ? this.difference() : null;
    diffEl.hidden = !d;
    if (d) {
      let aoiText = '';
      if (this.aois.length > 0 && pa && pb) {
        // the area whose share differs most, in percentage points
        const sa = aoiStats(pa, this.aois), sb = aoiStats(pb, this.aois);
        const k = sa.reduce((best, s, i) => (Math.abs(s.share - sb[i]!.share) > Math.abs(sa[best]!.share - sb[best]!.share) ? i : best), 0);
        const pts = Math.round((sa[k]!.share - sb[k]!.share) * 100);
        if (pts !== 0) aoiText = ` Biggest gap: “${sa[k]!.name}”, ${Math.abs(pts)} points more attention from ${pts > 0 ? d.a.name : d.b.name}.`;
      }
      diffEl.textContent = `${describeDifference(d.map, d.a.name, d.b.name, yardstickFromMetrics(this.manifest?.metrics))} Correlation of the two maps: ${d.map.correlation.toFixed(2)}.${aoiText}`;
    }
  }

  // ---------- AOIs, table, story, chart ----------

  private aoisChanged(aois: Aoi[], created?: Aoi): void {
    this.aois = aois;
    if (this.media) void this.store?.saveAois(this.media.name, aois).catch(() => undefined);
    this.paint();
    this.renderPanels();
    if (created) {
      const input = document.querySelector<HTMLInputElement>(`#aoi-list input[data-aoi="${created.id}"]`);
      input?.focus();
      input?.select();
    }
  }

  /** Stats per audience: over the whole analysis for an analysed video, else for the frame on screen. */
  private statsFor(audId: string): { stats: AoiStat[]; scope: string } | null {
    const list = this.analysis?.byAudience.get(audId);
    if (list && list.length > 0) {
      return { stats: aggregateAoiStats(list.map((p) => aoiStats(p, this.aois)), this.aois), scope: `whole video, ${list.length} frames` };
    }
    const p = this.current.get(audId);
    if (!p) return null;
    return { stats: aoiStats(p, this.aois), scope: this.media?.kind === 'video' ? `frame at ${fmtTime(p.timestampMs / 1000)}` : 'this image' };
  }

  renderPanels(): void {
    this.renderAoiList();
    const auds = this.neededAudiences();
    const table = $<HTMLTableElement>('aoi-table');
    const thead = table.tHead!, tbody = table.tBodies[0]!;
    const stats = auds.map((a) => ({ a, s: this.statsFor(a.id) }));
    thead.innerHTML = '';
    tbody.innerHTML = '';
    const hr = thead.insertRow();
    const th = (t: string, title?: string) => { const c = document.createElement('th'); c.scope = 'col'; c.textContent = t; if (title) c.title = title; hr.append(c); };
    th('Area');
    stats.forEach(({ a }, i) => { th(`${i === 0 ? 'A' : 'B'} share`, a.name); th('1st', `Order of first visit for ${a.name}`); });
    this.aois.forEach((aoi, k) => {
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
    if (this.aois.length === 0) {
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
      who.style.color = a.id === this.aId ? COLOR_A : COLOR_B;
      who.textContent = `${a.id === this.aId ? 'A' : 'B'} · ${s?.scope ?? 'waiting for the prediction'}: `;
      p.append(who, document.createTextNode(s ? attentionStory(a.name, s.stats).text : ''));
      story.append(p);
    }
    this.renderTimeAndChart();
  }

  private renderAoiList(): void {
    const ul = $('aoi-list');
    if (ul.contains(document.activeElement) && document.activeElement instanceof HTMLInputElement) return; // do not steal typing
    ul.replaceChildren();
    this.aois.forEach((aoi, k) => {
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.className = 'aoi-color';
      sw.style.background = aoiColor(k);
      const input = document.createElement('input');
      input.type = 'text';
      input.value = aoi.name;
      input.dataset.aoi = aoi.id;
      input.setAttribute('aria-label', `Name of area ${k + 1} (${aoi.shape.kind === 'rect' ? 'rectangle' : 'polygon'})`);
      input.addEventListener('change', () => {
        const name = input.value.trim() || aoi.name;
        this.aois = this.aois.map((a) => (a.id === aoi.id ? { ...a, name } : a));
        this.aoiLayer.setAois(this.aois);
        this.aoisChanged(this.aois);
      });
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') input.blur(); });
      const rm = document.createElement('button');
      rm.type = 'button';
      rm.className = 'btn ghost';
      rm.textContent = '✕';
      rm.setAttribute('aria-label', `Delete area “${aoi.name}”`);
      rm.addEventListener('click', () => {
        this.aois = this.aois.filter((a) => a.id !== aoi.id);
        this.aoiLayer.setAois(this.aois);
        this.aoisChanged(this.aois);
      });
      li.append(sw, input, rm);
      ul.append(li);
    });
  }

  private renderTimeAndChart(): void {
    const an = this.analysis;
    const section = $('chart-section');
    if (!an || !this.media || this.media.kind !== 'video') {
      section.hidden = true;
      this.chart.update([], []);
      return;
    }
    const auds = this.neededAudiences().filter((a) => an.byAudience.has(a.id));
    const rows: TimelineRow[] = [];
    const series: ChartSeries[] = [];
    auds.forEach((aud, ai) => {
      const preds = an.byAudience.get(aud.id)!;
      if (this.aois.length === 0) {
        // no AOIs: how concentrated attention is (mass of the strongest point)
        rows.push({ label: aud.name, color: ai === 0 ? COLOR_A : COLOR_B, values: preds.map((p) => Math.max(0, ...p.points.map((q) => q.mass))) });
        return;
      }
      const perFrame = preds.map((p) => aoiStats(p, this.aois));
      this.aois.forEach((aoi, k) => {
        const values = perFrame.map((s) => s[k]!.share);
        rows.push({ label: `${aoi.name} (${ai === 0 ? 'A' : 'B'})`, color: aoiColor(k), values });
        series.push({ label: `${aoi.name} · ${ai === 0 ? 'A' : 'B'}`, color: aoiColor(k), dashed: ai === 1, values });
      });
    });
    this.timeline.set(an.timesS, rows, this.media.durationS);
    section.hidden = series.length === 0;
    if (series.length) this.chart.update(an.timesS, series, this.video?.currentTime);
  }

  // ---------- whole-video analysis ----------

  async analyseWholeVideo(): Promise<void> {
    const media = this.media;
    if (!media || media.kind !== 'video' || !this.engine || !this.manifest) return;
    const sps = Number($<HTMLSelectElement>('sps-select').value);
    const auds = this.neededAudiences();
    const prev = this.analysis && this.analysis.sps === sps ? this.analysis : null;
    const todo = auds.filter((a) => !prev?.byAudience.has(a.id));
    if (todo.length === 0) { $('analysis-status').textContent = 'Already analysed for these audiences.'; return; }
    const ctrl = new AbortController();
    this.analysisAbort = ctrl;
    const progress = $<HTMLProgressElement>('analysis-progress');
    const status = $('analysis-status');
    $('analyse-btn').hidden = true;
    $('cancel-btn').hidden = false;
    progress.hidden = false;
    progress.value = 0;
    const started = performance.now();
    const byAudience = new Map(prev?.byAudience ?? []);
    let timesS = prev?.timesS ?? [];
    let video: HTMLVideoElement | null = null;
    try {
      video = await cloneVideo(media);
      for (let k = 0; k < todo.length; k++) {
        const aud = todo[k]!;
        const { profile } = profileFor(aud, this.manifest);
        const preds = await this.engine.analyseVideo(video, profile, sps, ctrl.signal, ({ done, total }) => {
          const frac = (k + done / Math.max(1, total)) / todo.length;
          progress.value = frac;
          const elapsed = (performance.now() - started) / 1000;
          const left = frac > 0.01 ? (elapsed / frac) * (1 - frac) : NaN;
          status.textContent = `${aud.name}: frame ${done} of ${total} · ${Math.round(frac * 100)}% · ${Number.isFinite(left) ? `about ${Math.ceil(left)} s left` : 'estimating time left…'}`;
        });
        if (this.media !== media) return;
        byAudience.set(aud.id, preds);
        timesS = preds.map((p) => p.timestampMs / 1000);
      }
      this.analysis = { sps, timesS, byAudience };
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      status.textContent = `Analysed ${timesS.length} frames × ${byAudience.size} audience${byAudience.size > 1 ? 's' : ''} in ${secs} s. Click the strip to jump to a frame.`;
      this.current.clear();
      await this.refresh();
      this.renderPanels();
    } catch (e) {
      if (isGazecastError(e, 'aborted') || ctrl.signal.aborted) status.textContent = 'Analysis cancelled; nothing was kept from the unfinished audience.';
      else { status.textContent = ''; this.report(e); }
    } finally {
      video?.removeAttribute('src');
      video?.load();
      this.analysisAbort = null;
      $('analyse-btn').hidden = false;
      $('cancel-btn').hidden = true;
      progress.hidden = true;
    }
  }

  // ---------- exports ----------

  private analysisDocument(): AnalysisDocument {
    const m = this.media!;
    const auds = this.neededAudiences();
    const an = this.analysis;
    let frames: AnalysisFrame[];
    const analysed = an && auds.every((a) => an.byAudience.has(a.id));
    if (m.kind === 'video' && analysed) {
      frames = an.timesS.map((t, i) => ({
        timestampMs: t * 1000,
        results: auds.map((a) => {
          const p = an.byAudience.get(a.id)![i]!;
          return { audienceId: a.id, points: p.points, aoiStats: aoiStats(p, this.aois) };
        }),
      }));
    } else {
      const results = auds.flatMap((a) => {
        const p = this.current.get(a.id);
        return p ? [{ audienceId: a.id, points: p.points, aoiStats: aoiStats(p, this.aois) }] : [];
      });
      if (results.length === 0) throw new GazecastError('frame-invalid', 'There is no prediction to export yet: open an image or video and wait for the overlay.');
      frames = [{ timestampMs: this.nowMs(), results }];
    }
    return buildAnalysisDocument({
      media: { name: m.name, kind: m.kind, width: m.width, height: m.height, ...(m.kind === 'video' ? { durationMs: m.durationS * 1000 } : {}) },
      model: { id: this.manifest?.id ?? 'unknown', version: this.manifest?.version ?? '' },
      audiences: auds.map((a) => ({ id: a.id, name: a.name, tokens: a.tokens, ...(a.embedding ? { embedding: [...a.embedding] } : {}) })),
      aois: this.aois,
      frames,
      ...(this.engine ? { backend: this.engine.backend } : {}),
      ...(analysed && m.kind === 'video' ? { samplesPerSecond: an.sps } : {}),
    });
  }

  /** The frame on screen with the overlay at native resolution; side by side in compare mode. */
  private snapshot(): HTMLCanvasElement {
    const m = this.media;
    if (!m) throw new GazecastError('frame-invalid', 'Open an image or video first.');
    const pa = this.current.get(this.aId);
    const pb = this.bId ? this.current.get(this.bId) : undefined;
    const a = snapshotCanvas(m.element, m.width, m.height, this.painterA(pa, pb, true) ?? (() => undefined));
    if (this.mode !== 'compare') return a;
    const b = snapshotCanvas(m.element, m.width, m.height, this.painterB(pb, true) ?? (() => undefined));
    const both = document.createElement('canvas');
    both.width = m.width * 2;
    both.height = m.height;
    const g = both.getContext('2d')!;
    g.drawImage(a, 0, 0);
    g.drawImage(b, m.width, 0);
    return both;
  }

  async exportAs(kind: string): Promise<void> {
    const m = this.media;
    if (!m) throw new GazecastError('frame-invalid', 'Open an image or video first.');
    const base = baseName(m.name);
    const at = m.kind === 'video' ? `-${Math.round(this.nowMs())}ms` : '';
    if (kind === 'png') {
      download(await canvasToBlob(this.snapshot()), `${base}${at}-${this.mode}.png`);
    } else if (kind === 'csv-points') {
      download(new Blob([pointsCsv(this.analysisDocument())], { type: 'text/csv' }), `${base}-points.csv`);
    } else if (kind === 'csv-aoi') {
      download(new Blob([aoiCsv(this.analysisDocument())], { type: 'text/csv' }), `${base}-aoi.csv`);
    } else if (kind === 'json') {
      download(new Blob([analysisToJson(this.analysisDocument())], { type: 'application/json' }), `${base}-analysis.json`);
    } else if (kind === 'report') {
      await this.fillReport();
      window.print();
    } else if (kind === 'video') {
      await this.exportVideo();
    }
  }

  /** Fills #report (also used by the e2e test to check the print layout): the frame on screen
   *  and, for an analysed video, four frames spread over it, each with its overlay. */
  async fillReport(): Promise<void> {
    const media = this.media!;
    const doc = this.analysisDocument();
    const toDataUrl = (c: HTMLCanvasElement, maxW: number) => {
      const scale = Math.min(1, maxW / c.width);
      const small = document.createElement('canvas');
      small.width = Math.round(c.width * scale);
      small.height = Math.round(c.height * scale);
      small.getContext('2d')!.drawImage(c, 0, 0, small.width, small.height);
      return small.toDataURL('image/jpeg', 0.88);
    };
    const a = this.audience(this.aId), b = this.audience(this.bId);
    const who = this.mode === 'compare' ? `${a?.name} (left) and ${b?.name} (right)` : this.mode === 'difference' ? `Where ${a?.name} looks more (orange) than ${b?.name} (blue)` : `${a?.name}`;
    const at = (tS: number) => (media.kind === 'video' ? ` — frame at ${fmtTime(tS)}` : '');
    const frames = [{ caption: `${who}${at(this.nowMs() / 1000)}`, dataUrl: toDataUrl(this.snapshot(), 1600) }];
    const an = this.analysis;
    if (media.kind === 'video' && an && an.timesS.length >= 4 && this.mode !== 'compare') {
      const clone = await cloneVideo(media);
      try {
        for (let k = 0; k < 4; k++) {
          const t = an.timesS[Math.round(((k + 0.5) / 4) * (an.timesS.length - 1))]!;
          await seekTo(clone, t);
          const pa = this.fromAnalysis(this.aId, t * 1000);
          const pb = this.bId ? this.fromAnalysis(this.bId, t * 1000) : undefined;
          const c = snapshotCanvas(clone, media.width, media.height, this.painterA(pa, pb, true) ?? (() => undefined));
          frames.push({ caption: `${who}${at(t)}`, dataUrl: toDataUrl(c, 900) });
        }
      } finally {
        clone.removeAttribute('src');
        clone.load();
      }
    }
    const d = this.mode !== 'single' ? this.difference() : null;
    renderReport($('report'), doc, { frames, chart: await this.chart.toDataUrl(), chartLegend: this.chart.series }, d ? describeDifference(d.map, d.a.name, d.b.name, yardstickFromMetrics(this.manifest?.metrics)) : null);
  }

  private async exportVideo(): Promise<void> {
    const m = this.media;
    if (!m || m.kind !== 'video') throw new GazecastError('media-unsupported', 'Video export needs a video: open one first.');
    const an = this.analysis;
    const auds = this.neededAudiences();
    if (!an || !auds.every((a) => an.byAudience.has(a.id))) {
      throw new GazecastError('frame-invalid', 'Analyse the whole video first (the burnt-in overlay uses its predictions), then export again.');
    }
    const ctrl = new AbortController();
    this.exportAbort = ctrl;
    const status = $('analysis-status');
    const progress = $<HTMLProgressElement>('analysis-progress');
    $('cancel-btn').hidden = false;
    $('analyse-btn').hidden = true;
    progress.hidden = false;
    const started = performance.now();
    try {
      const panels = this.mode === 'compare' ? 2 : 1;
      const paintFor = (tS: number): (OverlayPainter | null)[] => {
        const pa = this.fromAnalysis(this.aId, tS * 1000);
        const pb = this.bId ? this.fromAnalysis(this.bId, tS * 1000) : undefined;
        const a = this.painterA(pa, this.mode === 'difference' ? pb : undefined, true);
        return panels === 2 ? [a, this.painterB(pb, true)] : [a];
      };
      const { burnOverlayIntoVideo } = await import('./export-video');
      const out = await burnOverlayIntoVideo(m.file, paintFor, panels, ({ doneS, totalS }) => {
        progress.value = Math.min(1, doneS / totalS);
        const el = (performance.now() - started) / 1000;
        const frac = doneS / totalS;
        status.textContent = `Exporting video: ${Math.round(frac * 100)}%${frac > 0.02 ? ` · about ${Math.ceil((el / frac) * (1 - frac))} s left` : ''}`;
      }, ctrl.signal);
      download(out.blob, `${baseName(m.name)}-${this.mode}-overlay.${out.extension}`);
      status.textContent = `Exported ${(out.blob.size / 1e6).toFixed(1)} MB (${out.codec}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
    } catch (e) {
      if (ctrl.signal.aborted) status.textContent = 'Video export cancelled.';
      else throw e;
    } finally {
      this.exportAbort = null;
      $('cancel-btn').hidden = true;
      $('analyse-btn').hidden = false;
      progress.hidden = true;
    }
  }
}
