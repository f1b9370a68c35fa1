/**
 * The Export menu: PNG of the frame on screen (side by side in compare mode), CSV and JSON of the
 * analysis document (src/core: one document, so the formats cannot disagree), the printable
 * report, and the video with the overlay burnt in. Painters come from the app, so every export
 * shows what the stage shows, legend included.
 */
import {
  analysisToJson, aoiCsv, aoiStats, buildAnalysisDocument, compareCreativeStudies, creativeComparisonCsv,
  describeCreativeDifference, describeDifference, fitAudienceProfile, pointsCsv, scanpathsCsv, studyMetricsCsv,
  yardstickFromMetrics, type AnalysisDocument, type AnalysisFrame, type AnalysisStudy, type Aoi,
  type CreativeAoiRow, type DifferenceMap,
} from '../analysis';
import { GazecastError, seekVideo as seekTo, type ModelManifest, type Prediction } from '../index';
import type { VirtualStudies } from './virtual-studies';
import { studyPainter } from './replay';
import { appendCreativeStudyReport, appendStudyReport } from './study-report';
import type { AoiPanels } from './aoi-panels';
import type { Audience } from './audiences';
import { $, fmtTime } from './dom';
import type { AppEngine } from './engine';
import { baseName, canvasToBlob, download, snapshotCanvas, type OverlayPainter } from './exporters';
import { cloneVideo, type OpenedMedia } from './media';
import { renderReport } from './report';
import { creativeBAnalysis, nearestAnalysed, type Analysis } from './video-analysis';
import type { ViewMode } from './colors';

/** What the exports read from the app: its state, the painters and the panels' chart. */
export interface ExportHost {
  readonly media: OpenedMedia | null;
  readonly manifest: ModelManifest | null;
  readonly engine: AppEngine | null;
  readonly mode: ViewMode;
  readonly aois: readonly Aoi[];
  readonly analysis: Analysis | null;
  readonly current: ReadonlyMap<string, Prediction>;
  readonly aId: string;
  readonly bId: string | null;
  readonly panels: AoiPanels;
  exportAbort: AbortController | null;
  audience(id: string | null): Audience | undefined;
  neededAudiences(): Audience[];
  nowMs(): number;
  difference(): { map: DifferenceMap; a: Audience; b: Audience } | null;
  painterA(pa: Prediction | undefined, pb: Prediction | undefined, forExport?: boolean): OverlayPainter | null;
  painterB(pb: Prediction | undefined, forExport?: boolean): OverlayPainter | null;
  /** creatives mode: creative B, its painter and the areas matched by name */
  readonly creative: { readonly media: OpenedMedia | null; readonly aois: readonly Aoi[]; readonly prediction: Prediction | null };
  painterCreativeB(forExport?: boolean): OverlayPainter | null;
  /** the audiences' virtual studies (issue 14) and the replay's overlay at a moment of the viewing */
  readonly studies: VirtualStudies;
  studyOverlay(audId: string | null, withAois: boolean, atMs?: number): OverlayPainter | null;
  creativeRows(): CreativeAoiRow[] | null;
}

/** Two canvases side by side on one (heights may differ: creatives), top-aligned. */
function sideBySide(a: HTMLCanvasElement, b: HTMLCanvasElement): HTMLCanvasElement {
  const both = document.createElement('canvas');
  both.width = a.width + b.width;
  both.height = Math.max(a.height, b.height);
  const g = both.getContext('2d')!;
  g.drawImage(a, 0, 0);
  g.drawImage(b, a.width, 0);
  return both;
}

export class ExportActions {
  constructor(private readonly app: ExportHost) {}

  analysisDocument(): AnalysisDocument {
    const m = this.app.media!;
    const auds = this.app.neededAudiences();
    const an = this.app.analysis;
    let frames: AnalysisFrame[];
    const analysed = an && auds.every((a) => an.byAudience.has(a.id));
    if (m.kind === 'video' && analysed) {
      frames = an.timesS.map((t, i) => ({
        timestampMs: t * 1000,
        results: auds.map((a) => {
          const p = an.byAudience.get(a.id)![i]!;
          return { audienceId: a.id, points: p.points, aoiStats: aoiStats(p, this.app.aois) };
        }),
      }));
    } else {
      const results = auds.flatMap((a) => {
        const p = this.app.current.get(a.id);
        return p ? [{ audienceId: a.id, points: p.points, aoiStats: aoiStats(p, this.app.aois) }] : [];
      });
      if (results.length === 0) throw new GazecastError('frame-invalid', 'There is no prediction to export yet: open an image or video and wait for the overlay.');
      frames = [{ timestampMs: this.app.nowMs(), results }];
    }
    return buildAnalysisDocument({
      media: { name: m.name, kind: m.kind, width: m.width, height: m.height, ...(m.kind === 'video' ? { durationMs: m.durationS * 1000 } : {}) },
      model: { id: this.app.manifest?.id ?? 'unknown', version: this.app.manifest?.version ?? '' },
      // what the model was given for each audience (its fitted profile), whatever its kind
      audiences: auds.map((a) => {
        const { profile } = fitAudienceProfile(a, this.app.manifest!);
        return { id: a.id, name: a.name, tokens: { ...profile.tokens }, ...(profile.embedding ? { embedding: Array.from(profile.embedding) } : {}) };
      }),
      aois: this.app.aois,
      frames,
      ...(this.app.engine ? { backend: this.app.engine.backend } : {}),
      ...(analysed && m.kind === 'video' ? { samplesPerSecond: an.sps } : {}),
      ...(this.studiesShown().length > 0 ? { studies: this.studiesShown() } : {}),
    });
  }

  /** The finished virtual studies of the audiences shown (creatives mode: audience A's on creative A; B's is in `creativeB`). */
  private studiesShown(): AnalysisStudy[] {
    return this.app.neededAudiences().flatMap((a) => {
      const s = this.app.studies.studyFor(a.id);
      return s ? [{ audienceId: a.id, study: s.study }] : [];
    });
  }

  /** The document for the study CSVs: refused while no study has finished. */
  private studyDocument(): AnalysisDocument {
    if (!this.app.studies.available) throw new GazecastError('no-scanpath', `Model ${this.app.manifest?.id ?? ''} has no scanpath graph, so it cannot simulate viewers: use a model whose manifest has a scanpath section.`);
    const doc = this.analysisDocument();
    if (!doc.studies?.length) throw new GazecastError('frame-invalid', 'The virtual study is still running (see its progress in the Virtual eye-tracking study panel): export again when it has finished.');
    return doc;
  }

  /** The frame on screen with the overlay at native resolution; side by side in compare mode. */
  snapshot(): HTMLCanvasElement {
    const m = this.app.media;
    if (!m) throw new GazecastError('frame-invalid', 'Open an image or video first.');
    const pa = this.app.current.get(this.app.aId);
    const pb = this.app.bId ? this.app.current.get(this.app.bId) : undefined;
    const a = snapshotCanvas(m.element, m.width, m.height, this.app.painterA(pa, this.app.mode === 'difference' ? pb : undefined, true) ?? (() => undefined));
    const cb = this.app.creative.media;
    if (this.app.mode === 'creatives' && cb) {
      return sideBySide(a, snapshotCanvas(cb.element, cb.width, cb.height, this.app.painterCreativeB(true) ?? (() => undefined)));
    }
    if (this.app.mode !== 'compare') return a;
    return sideBySide(a, snapshotCanvas(m.element, m.width, m.height, this.app.painterB(pb, true) ?? (() => undefined)));
  }

  /**
   * Creative A/B in the JSON, the CSVs and the report: creative B's own document (same audience)
   * and the areas matched by name. Once both creatives are analysed over the whole video, B's
   * frames are its analysed frames (each at B's own media time, up to its end; an image B its one
   * prediction), as the table and the chart show them; else the frame shown.
   */
  private withCreative(doc: AnalysisDocument): AnalysisDocument {
    const cb = this.app.creative.media, p = this.app.creative.prediction, rows = this.app.creativeRows();
    const aud = this.app.neededAudiences()[0];
    if (this.app.mode !== 'creatives' || !cb || !p || !rows || !aud) return doc;
    const studyB = this.app.studies.creativeStudyFor(aud.id);
    const analysed = doc.samplesPerSecond !== undefined ? creativeBAnalysis(this.app.analysis, cb, aud.id) : null;
    const creativeB = buildAnalysisDocument({
      media: { name: cb.name, kind: cb.kind, width: cb.width, height: cb.height, ...(cb.kind === 'video' ? { durationMs: cb.durationS * 1000 } : {}) },
      model: doc.model,
      audiences: doc.audiences.filter((x) => x.id === aud.id),
      aois: this.app.creative.aois,
      frames: (analysed ? analysed.frames : [p]).map((q) => ({ timestampMs: q.timestampMs, results: [{ audienceId: aud.id, points: q.points, aoiStats: aoiStats(q, this.app.creative.aois) }] })),
      ...(doc.backend ? { backend: doc.backend } : {}),
      ...(analysed && cb.kind === 'video' ? { samplesPerSecond: doc.samplesPerSecond } : {}),
      ...(studyB ? { studies: [{ audienceId: aud.id, study: studyB.study }] } : {}),
    });
    // audience A's virtual study on both creatives, areas matched by name (each report over its creative's areas)
    const ra = doc.studies?.find((s) => s.audienceId === aud.id)?.report, rb = creativeB.studies?.[0]?.report;
    return { ...doc, creativeB, creativeComparison: rows, ...(ra && rb ? { creativeStudyComparison: compareCreativeStudies(ra, rb) } : {}) };
  }

  async exportAs(kind: string): Promise<void> {
    const m = this.app.media;
    if (!m) throw new GazecastError('frame-invalid', 'Open an image or video first.');
    const base = baseName(m.name);
    const at = m.kind === 'video' ? `-${Math.round(this.app.nowMs())}ms` : '';
    if (kind === 'png') {
      download(await canvasToBlob(this.snapshot()), `${base}${at}-${this.app.mode}.png`);
    } else if (kind === 'csv-points') {
      // in creatives mode creative B's rows follow A's, told apart by the `creative` column
      download(new Blob([pointsCsv(this.withCreative(this.analysisDocument()))], { type: 'text/csv' }), `${base}-points.csv`);
    } else if (kind === 'csv-aoi') {
      download(new Blob([aoiCsv(this.withCreative(this.analysisDocument()))], { type: 'text/csv' }), `${base}-aoi.csv`);
    } else if (kind === 'csv-creatives') {
      const doc = this.withCreative(this.analysisDocument());
      if (!doc.creativeComparison) throw new GazecastError('frame-invalid', 'The creative A/B comparison needs creative B and both predictions: open creative B (view Creatives) and wait for its overlay, then export again.');
      download(new Blob([creativeComparisonCsv(doc)], { type: 'text/csv' }), `${base}-vs-${baseName(doc.creativeB!.media.name)}-creatives.csv`);
    } else if (kind === 'csv-scanpaths') {
      download(new Blob([scanpathsCsv(this.withCreative(this.studyDocument()))], { type: 'text/csv' }), `${base}-study-scanpaths.csv`);
    } else if (kind === 'csv-study') {
      download(new Blob([studyMetricsCsv(this.withCreative(this.studyDocument()))], { type: 'text/csv' }), `${base}-study-metrics.csv`);
    } else if (kind === 'json') {
      download(new Blob([analysisToJson(this.withCreative(this.analysisDocument()))], { type: 'application/json' }), `${base}-analysis.json`);
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
    const media = this.app.media!;
    const doc = this.analysisDocument();
    const toDataUrl = (c: HTMLCanvasElement, maxW: number) => {
      const scale = Math.min(1, maxW / c.width);
      const small = document.createElement('canvas');
      small.width = Math.round(c.width * scale);
      small.height = Math.round(c.height * scale);
      small.getContext('2d')!.drawImage(c, 0, 0, small.width, small.height);
      return small.toDataURL('image/jpeg', 0.88);
    };
    const a = this.app.audience(this.app.aId), b = this.app.audience(this.app.bId);
    const cb = this.app.creative.media;
    const who =
      this.app.mode === 'compare' ? `${a?.name} (left) and ${b?.name} (right)`
      : this.app.mode === 'difference' ? `Where ${a?.name} looks more (orange) than ${b?.name} (blue)`
      : this.app.mode === 'creatives' && cb ? `${a?.name} on creative A, ${media.name} (left), and creative B, ${cb.name} (right)`
      : `${a?.name}`;
    const at = (tS: number) => (media.kind === 'video' ? ` — frame at ${fmtTime(tS)}` : '');
    const frames = [{ caption: `${who}${at(this.app.nowMs() / 1000)}`, dataUrl: toDataUrl(this.snapshot(), 1600) }];
    const an = this.app.analysis;
    if (media.kind === 'video' && an && an.timesS.length >= 4 && this.app.mode !== 'compare' && this.app.mode !== 'creatives') {
      const clone = await cloneVideo(media);
      try {
        for (let k = 0; k < 4; k++) {
          const t = an.timesS[Math.round(((k + 0.5) / 4) * (an.timesS.length - 1))]!;
          await seekTo(clone, t);
          const pa = nearestAnalysed(this.app.analysis, this.app.aId, t * 1000);
          const pb = this.app.bId ? nearestAnalysed(this.app.analysis, this.app.bId, t * 1000) : undefined;
          const c = snapshotCanvas(clone, media.width, media.height, this.app.painterA(pa, pb, true) ?? (() => undefined));
          frames.push({ caption: `${who}${at(t)}`, dataUrl: toDataUrl(c, 900) });
        }
      } finally {
        clone.removeAttribute('src');
        clone.load();
      }
    }
    const images = { frames, chart: await this.app.panels.chart.toDataUrl(), chartLegend: this.app.panels.chart.series };
    if (this.app.mode === 'creatives') {
      const full = this.withCreative(doc);
      // over the whole video: what creative B's figures over time are (same times, shorter, an image)
      const overTime = full.creativeB && full.samplesPerSecond !== undefined ? creativeBAnalysis(an, cb, this.app.aId)?.note : undefined;
      renderReport($('report'), full, images, `${describeCreativeDifference(full.creativeComparison ?? [], a?.name ?? 'this audience')}${overTime ? ` ${overTime}` : ''}`);
      appendCreativeStudyReport($('report'), full, this.app.manifest?.metrics);
      return;
    }
    const d = this.app.mode === 'compare' || this.app.mode === 'difference' ? this.app.difference() : null;
    renderReport($('report'), doc, images, d ? describeDifference(d.map, d.a.name, d.b.name, yardstickFromMetrics(this.app.manifest?.metrics)) : null);
    // the virtual study: its table, story and a first-fixation figure per audience, over the
    // frame the viewers first look at (a video's opening frame: the study watches it from the start)
    let opening: CanvasImageSource = media.element;
    let openingClone: HTMLVideoElement | null = null;
    if (media.kind === 'video' && doc.studies?.length) {
      openingClone = await cloneVideo(media);
      await seekTo(openingClone, 0);
      opening = openingClone;
    }
    const firstFixations = new Map((doc.studies ?? []).map((s) => [
      s.audienceId,
      toDataUrl(snapshotCanvas(opening, media.width, media.height, studyPainter(s.study, 'first', 0)), 900),
    ]));
    if (openingClone) {
      openingClone.removeAttribute('src');
      openingClone.load();
    }
    appendStudyReport($('report'), doc, firstFixations, this.app.manifest?.metrics);
  }

  private async exportVideo(): Promise<void> {
    const m = this.app.media;
    if (!m || m.kind !== 'video') throw new GazecastError('media-unsupported', 'Video export needs a video: open one first.');
    if (this.app.mode === 'creatives') throw new GazecastError('media-unsupported', 'Video export shows one creative: switch to Single, Compare or Difference, then export again.');
    const an = this.app.analysis;
    const auds = this.app.neededAudiences();
    if (!an || !auds.every((a) => an.byAudience.has(a.id))) {
      throw new GazecastError('frame-invalid', 'Analyse the whole video first (the burnt-in overlay uses its predictions), then export again.');
    }
    const ctrl = new AbortController();
    this.app.exportAbort = ctrl;
    const status = $('analysis-status');
    const progress = $<HTMLProgressElement>('analysis-progress');
    $('cancel-btn').hidden = false;
    $('analyse-btn').hidden = true;
    progress.hidden = false;
    const started = performance.now();
    try {
      const panels = this.app.mode === 'compare' ? 2 : 1;
      const paintFor = (tS: number): (OverlayPainter | null)[] => {
        const pa = nearestAnalysed(this.app.analysis, this.app.aId, tS * 1000);
        const pb = this.app.bId ? nearestAnalysed(this.app.analysis, this.app.bId, tS * 1000) : undefined;
        // the gaze replay's bee swarm, when it is shown, at each frame's moment of the viewing
        const a = this.app.studyOverlay(this.app.aId, true, tS * 1000) ?? this.app.painterA(pa, this.app.mode === 'difference' ? pb : undefined, true);
        const b = panels === 2 ? this.app.studyOverlay(this.app.bId, true, tS * 1000) ?? this.app.painterB(pb, true) : null;
        return panels === 2 ? [a, b] : [a];
      };
      const { burnOverlayIntoVideo } = await import('./export-video');
      const out = await burnOverlayIntoVideo(m.file, paintFor, panels, ({ doneS, totalS }) => {
        progress.value = Math.min(1, doneS / totalS);
        const el = (performance.now() - started) / 1000;
        const frac = doneS / totalS;
        status.textContent = `Exporting video: ${Math.round(frac * 100)}%${frac > 0.02 ? ` · about ${Math.ceil((el / frac) * (1 - frac))} s left` : ''}`;
      }, ctrl.signal);
      download(out.blob, `${baseName(m.name)}-${this.app.mode}-overlay.${out.extension}`);
      status.textContent = `Exported ${(out.blob.size / 1e6).toFixed(1)} MB (${out.codec}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
    } catch (e) {
      if (ctrl.signal.aborted) status.textContent = 'Video export cancelled.';
      else throw e;
    } finally {
      this.app.exportAbort = null;
      $('cancel-btn').hidden = true;
      $('analyse-btn').hidden = false;
      progress.hidden = true;
    }
  }
}
