/**
 * UI wiring: the page's controls (index.html) bound to what they do, once, at start-up. Opening a
 * file (button, sample menu, drag and drop), the view mode's radio group, the Layers bar, the
 * audience editor and the panel's viewer list, creative B's bar, the AOI tools, the whole-video
 * analysis and the Export menu. It owns no state of its own beyond the listeners (the
 * drag depth, the Export menu's open/closed); every control calls into the app through `UiHost`,
 * so what a button does is found by the name of the app's method it calls.
 *
 * The panels built by other modules (AOI lists, the audience chips, the study panel, the replay,
 * the transport bar in transport.ts) wire their own controls; this is the fixed part of the page.
 */
import type { AoiTool } from './aoi-layer';
import type { ViewMode } from './colors';
import { $ } from './dom';
import type { Layers } from './stage-painting';
import { analyseWholeVideo, type VideoAnalysisHost } from './video-analysis';

/** The sample files offered in the sample menu (public/samples). */
export const SAMPLES = [
  { file: 'ad-market.mp4', label: 'Video ad: market (9 s)' },
  { file: 'ad-juice.jpg', label: 'Image ad: juice' },
  { file: 'ad-coffee.jpg', label: 'Image ad: coffee' },
  { file: 'ad-tennis.jpg', label: 'Image ad: tennis' },
] as const;

/** What the controls call. The analyse button runs the whole-video analysis on the app itself,
 *  so the host is also the analysis's (`VideoAnalysisHost`). */
export interface UiHost extends VideoAnalysisHost {
  /** the AOI tool selected (none, rectangle, polygon) */
  readonly tool: AoiTool;
  /** a running export's abort (the analysis's is `analysisAbort`): Cancel stops either */
  readonly exportAbort: AbortController | null;
  readonly aoiLayer: { addCentredRect(): void };
  readonly audienceChips: { saveFromForm(): Promise<void>; addPanelViewer(id: string): Promise<void> };
  readonly exports: { exportAs(kind: string): Promise<void> };
  openFile(file: Blob, name: string): Promise<void>;
  openSample(file: string): Promise<void>;
  openCreative(file: Blob, name: string): Promise<void>;
  closeCreative(): void;
  setMode(mode: ViewMode): void;
  setTool(t: AoiTool): void;
  /** a layer switched or the opacity moved */
  setLayers(change: Partial<Layers>): void;
  clearMessage(): void;
}

export function bindUi(app: UiHost): void {
  const fileInput = $<HTMLInputElement>('file-input');
  $('open-btn').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    if (f) void app.openFile(f, f.name);
    fileInput.value = '';
  });
  const sampleSel = $<HTMLSelectElement>('sample-select');
  sampleSel.add(new Option('Choose a sample…', ''));
  for (const s of SAMPLES) sampleSel.add(new Option(s.label, s.file));
  sampleSel.addEventListener('change', () => { if (sampleSel.value) void app.openSample(sampleSel.value); });
  $('message-close').addEventListener('click', () => app.clearMessage());

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
    if (f) void app.openFile(f, f.name);
  });

  // view mode (radio group with arrow keys)
  const seg = [...$('view-mode').querySelectorAll<HTMLButtonElement>('button[data-mode]')];
  seg.forEach((b, i) => {
    b.tabIndex = b.getAttribute('aria-checked') === 'true' ? 0 : -1;
    b.addEventListener('click', () => app.setMode(b.dataset.mode as ViewMode));
    b.addEventListener('keydown', (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      const next = seg[(i + d + seg.length) % seg.length]!;
      next.focus();
      app.setMode(next.dataset.mode as ViewMode);
    });
  });

  // layers
  const bindCheck = (id: string, key: 'heatmap' | 'points' | 'scanpath' | 'aois') =>
    $<HTMLInputElement>(id).addEventListener('change', (e) => app.setLayers({ [key]: (e.target as HTMLInputElement).checked }));
  bindCheck('layer-heatmap', 'heatmap');
  bindCheck('layer-points', 'points');
  bindCheck('layer-scanpath', 'scanpath');
  bindCheck('layer-aois', 'aois');
  $<HTMLInputElement>('layer-opacity').addEventListener('input', (e) => {
    app.setLayers({ opacity: Number((e.target as HTMLInputElement).value) / 100 });
  });

  // audiences
  $('audience-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void app.audienceChips.saveFromForm();
  });
  $<HTMLSelectElement>('panel-select').addEventListener('change', (e) => {
    void app.audienceChips.addPanelViewer((e.target as HTMLSelectElement).value);
    (e.target as HTMLSelectElement).value = '';
  });

  // creative B (creatives mode)
  const creativeInput = $<HTMLInputElement>('creative-input');
  creativeInput.addEventListener('change', () => {
    const f = creativeInput.files?.[0];
    if (f) void app.openCreative(f, f.name);
    creativeInput.value = '';
  });
  $('creative-change').addEventListener('click', () => creativeInput.click());
  $('creative-close').addEventListener('click', () => app.closeCreative());

  // AOI tools
  $('tool-rect').addEventListener('click', () => app.setTool(app.tool === 'rect' ? 'none' : 'rect'));
  $('tool-poly').addEventListener('click', () => app.setTool(app.tool === 'poly' ? 'none' : 'poly'));
  $('tool-rect').addEventListener('keydown', (e) => {
    // keyboard route: Enter on the rectangle tool with Shift adds a centred rectangle
    if (e.key === 'Enter' && e.shiftKey) { e.preventDefault(); app.aoiLayer.addCentredRect(); }
  });

  // analysis
  $('analyse-btn').addEventListener('click', () => void analyseWholeVideo(app));
  $('cancel-btn').addEventListener('click', () => { app.analysisAbort?.abort(); app.exportAbort?.abort(); });

  bindExportMenu(app);
}

/** The Export menu: a button that opens a list navigable with the arrow keys, closed by Escape or a click elsewhere. */
function bindExportMenu(app: UiHost): void {
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
    void app.exports.exportAs(kind).catch((err) => app.report(err));
  });
  window.addEventListener('afterprint', () => { $('report').innerHTML = ''; });
}
