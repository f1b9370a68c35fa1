/**
 * The designer app's controller: owns the shared state (media, audiences A/B, view mode, AOIs, the
 * predictions on screen, the whole-video analysis, creative B) and the changes that touch all of
 * it: opening a file, switching the view, editing AOIs, opening and closing creative B. Every other
 * job is a module named for it, reading the state through its own small `…Host` interface (App
 * passes itself):
 * - `ui-wiring.ts` the page's fixed controls, `transport.ts` play/pause, scrubber and time readout;
 * - `prediction-loop.ts` the predictions for the frame on screen (stills, and live mode while playing);
 * - `stage-painting.ts` the stages' overlays, captions, legends and difference summary (and the layers);
 * - `audience-panel.ts` the audiences, `aoi-panels.ts` AOI list, table, story, timeline and chart,
 *   `creatives.ts` creative B, `video-analysis.ts` the whole video, `virtual-studies.ts`,
 *   `study-panel.ts` and `replay.ts` the virtual studies, `export-actions.ts` the Export menu,
 *   `messages.ts` the message bar.
 * The one-line methods that hand over to those modules are there for the other modules' hosts
 * (the exports draw with the stage painters; the panels ask for refresh and paint).
 * Inference goes through `AppEngine` (the package's public API).
 */
import { compareCreatives, type Aoi, type AoiStat, type CreativeAoiRow } from '../analysis';
import { GazecastError, type ModelManifest, type Prediction } from '../index';
import { AoiLayer, type AoiTool } from './aoi-layer';
import { AoiPanels } from './aoi-panels';
import { AudiencePanel } from './audience-panel';
import { AudiencesToggle } from './panel-toggle';
import type { WorkStore, LastSession } from './work-store';
import type { Audience } from './audiences';
import type { ViewMode } from './colors';
import { $ } from './dom';
import type { AppEngine } from './engine';
import type { PanelAudience } from '../client/personal-audiences';
import { ExportActions } from './export-actions';
import type { OverlayPainter } from './exporters';
import { openMedia, type OpenedMedia } from './media';
import { Messages } from './messages';
import { Stage } from './stage';
import { CreativeB } from './creatives';
import { forgetCreativeB, type Analysis } from './video-analysis';
import { VirtualStudies } from './virtual-studies';
import { StudyPanel, studyStoryFor } from './study-panel';
import { StagePainting, type Layers } from './stage-painting';
import { PredictionLoop } from './prediction-loop';
import { SAMPLES, bindUi } from './ui-wiring';
import { Transport } from './transport';
import { Replay } from './replay';

export { COLOR_A, COLOR_B, type ViewMode } from './colors';

export class App {
  engine: AppEngine | null = null;
  manifest: ModelManifest | null = null;
  store: WorkStore | null = null;
  mode: ViewMode = 'single';
  media: OpenedMedia | null = null;
  aois: Aoi[] = [];
  /** predictions for the frame on screen, by audience id */
  current = new Map<string, Prediction>();
  analysis: Analysis | null = null;
  analysisAbort: AbortController | null = null;
  exportAbort: AbortController | null = null;

  private readonly stageA = new Stage($('stage-a').querySelector('.stage-box') as HTMLElement);
  private readonly stageB = new Stage($('stage-b').querySelector('.stage-box') as HTMLElement);
  private readonly frameCopy = document.createElement('canvas');
  /** the stages' overlays, captions, legends and difference summary, and the layers switched on */
  private readonly painting = new StagePainting(this, this.stageA, this.stageB);
  /** predictions for the frame on screen kept current: stills and paused frames, and live mode while playing */
  readonly predictions = new PredictionLoop(this);
  readonly aoiLayer: AoiLayer;
  readonly panels: AoiPanels;
  readonly exports: ExportActions;
  /** creative B (creatives mode): a second image or video, the same audience A on both */
  readonly creative: CreativeB;
  /** creative A's image as stage B shows it in compare mode (a video's frame is `frameCopy`) */
  private stageBImage: HTMLElement | null = null;
  private readonly messages = new Messages();
  /** the audiences: chips, A and B, the editor, the panel viewers (audience-panel.ts) */
  readonly audienceChips: AudiencePanel;
  private readonly audiencesToggle = new AudiencesToggle();
  /** the virtual eye-tracking studies of the audiences shown, their panel and the gaze replay (issue 14) */
  readonly studies: VirtualStudies;
  private readonly studyPanel: StudyPanel;
  readonly replay: Replay;
  /** play/pause, the scrubber and the time readout, following the open video (transport.ts) */
  private readonly transport: Transport;

  constructor() {
    this.frameCopy.className = 'media';
    this.frameCopy.setAttribute('role', 'img');
    this.aoiLayer = new AoiLayer(
      this.stageA.box,
      (aois, created) => this.aoisChanged(aois, created),
      () => this.setTool('none'),
    );
    this.creative = new CreativeB(this.stageB, (created) => this.creativeAoisChanged(created), () => this.setTool('none'));
    this.panels = new AoiPanels(this, (t) => this.seek(t));
    this.exports = new ExportActions(this);
    // progress moves the study's bar; a finished (or cancelled) study updates every panel and the stage
    this.studies = new VirtualStudies(this, (settled) => {
      if (!settled) return this.studyPanel.renderProgress();
      const lengths = this.neededAudiences().map((a) => this.studies.studyFor(a.id)?.study.durationMs ?? 0);
      this.replay.setDuration(Math.max(0, ...lengths));
      this.renderPanels();
      this.paint();
    });
    this.studyPanel = new StudyPanel(this);
    this.replay = new Replay(this);
    this.audienceChips = new AudiencePanel(this);
    this.transport = new Transport(this);
    bindUi(this);
  }

  // ---------- setup ----------

  setStore(store: WorkStore | null): void {
    this.store = store;
  }

  restoreSession(s: LastSession): void {
    this.audienceChips.restore(s);
    if (s.mode && s.mode !== this.mode) this.setMode(s.mode);
  }

  async setEngine(engine: AppEngine, panel: PanelAudience | null): Promise<void> {
    this.engine = engine;
    this.manifest = engine.manifest;
    await this.audienceChips.load(engine.manifest, panel);
    this.current.clear();
    void this.refresh();
  }

  showModelStatus(text: string, error = false): void {
    const el = $('model-status');
    el.textContent = text;
    el.classList.toggle('error', error);
  }

  // ---------- messages ----------

  showMessage(text: string, kind: 'error' | 'info' = 'error', topic: 'media' | 'other' = 'other', action?: { label: string; run: () => void }): void {
    this.messages.show(text, kind, topic, action);
  }
  clearMessage(): void { this.messages.clear(); }
  report(e: unknown): void { this.messages.report(e); }

  // ---------- tools, layers and view mode (their controls are wired in ui-wiring.ts) ----------

  /** the AOI tool selected */
  tool: AoiTool = 'none';

  setTool(t: AoiTool): void {
    this.tool = t;
    this.aoiLayer.setTool(t);
    this.creative.setTool(this.mode === 'creatives' ? t : 'none');
    $('tool-rect').setAttribute('aria-pressed', String(t === 'rect'));
    $('tool-poly').setAttribute('aria-pressed', String(t === 'poly'));
  }

  /** A layer switched or the opacity moved (the Layers bar); the SVG AOI layer follows the AOIs' switch. */
  setLayers(change: Partial<Layers>): void {
    Object.assign(this.painting.layers, change);
    if (change.aois !== undefined) this.aoiLayer.setVisible(this.painting.layers.aois);
    this.paint();
  }

  setMode(mode: ViewMode): void {
    if (mode === 'creatives' && !this.creative.media) {
      // nothing to compare with yet: choose creative B first (the mode follows once it opened)
      $<HTMLInputElement>('creative-input').click();
      return;
    }
    this.mode = mode;
    for (const b of $('view-mode').querySelectorAll<HTMLButtonElement>('button[data-mode]')) {
      const on = b.dataset.mode === mode;
      b.setAttribute('aria-checked', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    if (mode === 'compare' || mode === 'difference') this.audienceChips.ensureB();
    const sideBySide = mode === 'compare' || mode === 'creatives';
    $('stages').className = `stages ${sideBySide ? 'compare' : 'single'}`;
    // creatives mode is not restored after a reload (creative B is not kept); the others are
    if (mode !== 'creatives') void this.store?.saveSession({ mode }).catch(() => undefined);
    $('stage-b').hidden = !sideBySide;
    this.audiencesToggle.onView(sideBySide);
    $('creative-bar').hidden = mode !== 'creatives';
    this.updateExportMenu();
    this.syncStageB();
    this.renderPanels();
    void this.refresh();
  }

  /** Video export only where there is one video to burn the overlay into (not an image, not two creatives);
   *  the creative A/B comparison CSV in creatives mode only. */
  private updateExportMenu(): void {
    $('export-menu').querySelector<HTMLButtonElement>('button[data-export="video"]')!.hidden = this.media?.kind !== 'video' || this.mode === 'creatives';
    $('export-menu').querySelector<HTMLButtonElement>('button[data-export="csv-creatives"]')!.hidden = this.mode !== 'creatives';
  }

  /** What stage B shows: creative B in creatives mode, else creative A (for audience B). */
  private syncStageB(): void {
    const m = this.media;
    if (this.mode === 'creatives' && this.creative.media) {
      this.creative.show(true);
      const b = this.creative.media;
      this.stageB.box.parentElement!.style.setProperty('--media-aspect', `${b.width} / ${b.height}`);
      return;
    }
    this.creative.show(false);
    this.stageB.box.parentElement!.style.removeProperty('--media-aspect');
    if (m) this.stageB.setMedia(m.kind === 'image' ? (this.stageBImage ??= m.element.cloneNode() as HTMLElement) : this.frameCopy, m.width, m.height);
  }

  // ---------- creative B (creatives.ts holds it; audience A on both in creatives mode) ----------

  /** Opens creative B beside the open file and switches to creatives mode; on failure nothing changes. */
  async openCreative(file: Blob, name: string): Promise<void> {
    const a = this.media;
    if (!a) return;
    try {
      await this.creative.open(file, name, { media: a, aois: this.aois }, this.store);
    } catch (e) {
      this.showMessage(e instanceof Error ? e.message : String(e), 'error', 'media');
      return;
    }
    if (this.messages.topic === 'media') this.clearMessage();
    forgetCreativeB(this, true);
    this.setMode('creatives');
  }

  closeCreative(): void {
    this.creative.close();
    forgetCreativeB(this, false);
    if (this.mode === 'creatives') this.setMode('single');
  }

  private creativeAoisChanged(created?: Aoi): void {
    const b = this.creative.media;
    if (b) void this.store?.saveAois(b.name, this.creative.aois).catch(() => undefined);
    this.paint();
    this.renderPanels();
    if (created) {
      const input = document.querySelector<HTMLInputElement>(`#aoi-list-b input[data-aoi="${created.id}"]`);
      input?.focus();
      input?.select();
    }
  }

  /** Creative B's areas after an edit in the list (rename, delete). */
  setCreativeAois(aois: Aoi[]): void {
    this.creative.setAois(aois);
    this.creativeAoisChanged();
  }

  /** Creative A's and B's areas matched by name for audience A, once both predictions exist
   *  (over the whole video once both creatives are analysed, else for the frame shown). */
  creativeRows(): CreativeAoiRow[] | null {
    if (this.mode !== 'creatives') return null;
    const { a, b } = this.panels.creativeStats();
    return a && b ? compareCreatives(a, b) : null;
  }

  // ---------- audiences (the chips and the editor are audience-panel.ts) ----------

  get audiences(): readonly Audience[] { return this.audienceChips.audiences; }
  get aId(): string { return this.audienceChips.aId; }
  get bId(): string | null { return this.audienceChips.bId; }
  audience(id: string | null): Audience | undefined { return this.audienceChips.audience(id); }
  setAudience(slot: 'a' | 'b', id: string): void { this.audienceChips.set(slot, id); }
  renameAudience(id: string, name: string): Promise<void> { return this.audienceChips.rename(id, name); }

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
    if (this.messages.topic === 'media') this.clearMessage();
    this.analysisAbort?.abort();
    this.predictions.stopLive();
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
    this.stageBImage = null;
    this.syncStageB();
    this.aoiLayer.setSize(m.width, m.height);
    this.paint(); // clears the previous media's overlay and captions at once
    this.aois = this.store ? await this.store.aoisFor(m.name).catch(() => []) : [];
    this.aoiLayer.setAois(this.aois);
    this.transport.attach();
    this.replay.reset(this.video);
    $('analysis').hidden = m.kind !== 'video';
    $('analysis-status').textContent = '';
    this.panels.timeline.set([], [], m.durationS);
    const sel = $<HTMLSelectElement>('sample-select');
    sel.value = SAMPLES.some((s) => s.file === name) ? name : '';
    this.updateExportMenu();
    // the work on screen survives a reload and "Update now": a sample by name, the user's file in this browser only
    void this.store?.saveSession({ media: from === 'sample' ? { name, sample: true } : { name, blob: file } }).catch(() => undefined);
    document.title = `${name} — gazecast`;
    this.renderPanels();
    await this.refresh();
  }

  /** Moves the open video to a time (the timeline, the chart, the replay, the e2e test). */
  seek(timeS: number): void {
    this.transport.seek(timeS);
  }

  // ---------- prediction (the loop is prediction-loop.ts) ----------

  neededAudiences(): Audience[] {
    const out = [this.audience(this.aId)].filter((a): a is Audience => !!a);
    const b = this.audience(this.bId);
    // creatives mode shows one audience (A) on two creatives
    if ((this.mode === 'compare' || this.mode === 'difference') && b) out.push(b);
    return out;
  }

  nowMs(): number {
    const v = this.video;
    return v ? v.currentTime * 1000 : 0;
  }

  /** Brings the predictions for the frame on screen up to date, then repaints (prediction-loop.ts). */
  refresh(): Promise<void> {
    return this.predictions.refresh();
  }

  /** the live sessions and the live predictions shown so far (the e2e test reads them) */
  get live(): PredictionLoop['live'] { return this.predictions.live; }
  get livePredictions(): number { return this.predictions.livePredictions; }

  /** Copies the video's frame for stage B, which shows it to audience B in compare mode. */
  copyFrame(): void {
    const v = this.video;
    if (!v || this.mode !== 'compare' || v.readyState < 2) return;
    this.frameCopy.getContext('2d')!.drawImage(v, 0, 0, this.frameCopy.width, this.frameCopy.height);
  }

  /** The share of attention per area for an audience (the AOI table's), for the study table. */
  shareStats(audId: string): AoiStat[] | null {
    return this.panels.statsFor(audId)?.stats ?? null;
  }

  /** The attention story of an audience's virtual study, when it has one (the story panel prefers it). */
  studyStory(aud: Audience): string | null {
    return studyStoryFor(this, aud);
  }

  // ---------- prediction painting (stage-painting.ts; the exports draw through the same painters) ----------

  paint(): void { this.painting.paint(); }
  difference(): ReturnType<StagePainting['difference']> { return this.painting.difference(); }
  painterA(pa: Prediction | undefined, pb: Prediction | undefined, withAois = false): OverlayPainter | null { return this.painting.painterA(pa, pb, withAois); }
  painterB(pb: Prediction | undefined, forExport = false): OverlayPainter | null { return this.painting.painterB(pb, forExport); }
  painterCreativeB(forExport = false): OverlayPainter | null { return this.painting.painterCreativeB(forExport); }
  studyOverlay(audId: string | null, withAois: boolean, atMs?: number): OverlayPainter | null { return this.painting.studyOverlay(audId, withAois, atMs); }

  // ---------- AOIs (the panels are aoi-panels.ts) ----------

  aoisChanged(aois: Aoi[], created?: Aoi): void {
    this.aois = aois;
    this.aoiLayer.setAois(aois);
    if (this.media) void this.store?.saveAois(this.media.name, aois).catch(() => undefined);
    this.paint();
    this.renderPanels();
    if (created) {
      const input = document.querySelector<HTMLInputElement>(`#aoi-list input[data-aoi="${created.id}"]`);
      input?.focus();
      input?.select();
    }
  }

  renderPanels(): void {
    this.panels.render();
    this.studies.sync(); // a new file, audience or view: the studies it needs start (or stop) here
    this.studyPanel.render();
  }

  /** The printable report (the e2e test fills it to check the print layout). */
  fillReport(): Promise<void> {
    return this.exports.fillReport();
  }
}
