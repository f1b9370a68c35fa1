/**
 * Prediction painting: what the two stages show over the media and what is written around them.
 * Stage A shows audience A (or, in Difference, A minus B); stage B shows audience B in Compare and
 * creative B (audience A on it) in Creatives; a virtual study's gaze replay takes a stage's place
 * when the replay shows one. Around them: the captions, the legends and the difference summary
 * under the stages. The export menu draws through the same painters (export-actions.ts, via the
 * app), so a PNG, the report and the video show what the stage shows, legend included.
 *
 * Its own state is the layers the designer switched on (heatmap, points, scanpath, AOIs, opacity).
 * Everything else it reads through `StagePaintingHost` and changes nothing there. Which predictions
 * exist is the prediction loop's job (prediction-loop.ts); this module only decides how they look.
 */
import {
  aoiStats, densityDifference, describeCreativeDifference, describeDifference, separateBadges,
  yardstickFromMetrics, type Aoi, type DifferenceMap,
} from '../analysis';
import type { Prediction } from '../index';
import { aoiColor } from './aoi-layer';
import type { Audience } from './audiences';
import { COLOR_A, COLOR_B } from './colors';
import { $ } from './dom';
import type { OverlayPainter } from './exporters';
import { drawLegend, legendEntries, renderLegend, type LegendView } from './legend';
import { drawAois, drawDifference, drawPoints, paintAudience, sortByVisit, type LayerOptions } from './render';
import type { Replay } from './replay';
import type { Stage } from './stage';
import { comparisonText, creativeStudyText, type StudyPanelHost } from './study-panel';

/** The layers the designer switched on (the Layers bar), and the overlay's opacity (0..1). */
export interface Layers {
  heatmap: boolean;
  points: boolean;
  scanpath: boolean;
  aois: boolean;
  opacity: number;
}

/**
 * What painting reads from the app: the view, the media, audiences A and B and their predictions
 * on screen, the AOIs, creative B, the replay; and (as study-panel.ts's host) the virtual studies,
 * whose words join the difference summary.
 */
export interface StagePaintingHost extends StudyPanelHost {
  readonly bId: string | null;
  /** predictions for the frame on screen, by audience id */
  readonly current: ReadonlyMap<string, Prediction>;
  readonly aois: readonly Aoi[];
  /** creative B (creatives mode): its media, areas and audience A's prediction on it */
  readonly creative: StudyPanelHost['creative'] & { readonly aois: readonly Aoi[]; readonly prediction: Prediction | null };
  readonly replay: Pick<Replay, 'painter'>;
  audience(id: string | null): Audience | undefined;
}

export class StagePainting {
  readonly layers: Layers = { heatmap: true, points: true, scanpath: true, aois: true, opacity: 0.75 };

  constructor(private readonly app: StagePaintingHost, private readonly stageA: Stage, private readonly stageB: Stage) {}

  private layerOpts(color: string): LayerOptions {
    return { heatmap: this.layers.heatmap, points: this.layers.points, scanpath: this.layers.scanpath, opacity: this.layers.opacity, color };
  }

  /** Audience A's density minus audience B's, once both are predicted for the frame on screen. */
  difference(): { map: DifferenceMap; a: Audience; b: Audience } | null {
    const app = this.app;
    const a = app.audience(app.aId), b = app.audience(app.bId);
    const pa = a && app.current.get(a.id), pb = b && app.current.get(b.id);
    if (!a || !b || !pa || !pb) return null;
    return { map: densityDifference(pa.density, pb.density), a, b };
  }

  /** The overlay painter for audience A's stage in the current mode (also used by exports). */
  painterA(pa: Prediction | undefined, pb: Prediction | undefined, withAois = false): OverlayPainter | null {
    const app = this.app;
    if (!app.media) return null;
    const replay = this.studyOverlay(app.aId, withAois);
    if (replay) return replay;
    const { width: W, height: H } = app.media;
    const aois = withAois && this.layers.aois ? app.aois : [];
    const legend = withAois ? legendEntries(this.legendView(), 'a') : [];
    if (app.mode === 'difference') {
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
    const app = this.app;
    const a = app.audience(app.aId), b = app.audience(app.bId);
    return {
      mode: app.mode,
      a: { name: a?.name ?? '—', color: COLOR_A },
      ...(b && (app.mode === 'compare' || app.mode === 'difference') ? { b: { name: b.name, color: COLOR_B } } : {}),
      ...(app.mode === 'creatives' && app.media && app.creative.media ? { creatives: { a: app.media.name, b: app.creative.media.name } } : {}),
      heatmap: this.layers.heatmap,
      points: this.layers.points,
    };
  }

  /** Stage B has no SVG layer, so it (and every export) draws the AOIs into the overlay; exports
   *  (`forExport`) also get B's legend. */
  painterB(pb: Prediction | undefined, forExport = false): OverlayPainter | null {
    const app = this.app;
    const replay = app.mode === 'compare' ? this.studyOverlay(app.bId, true) : null;
    if (replay) return replay;
    if (!app.media || !pb) return null;
    const { width: W, height: H } = app.media;
    const aois = this.layers.aois ? app.aois : [];
    const legend = forExport ? legendEntries(this.legendView(), 'b') : [];
    return (ctx, unit) => {
      paintAudience(ctx, pb, W, H, aois, aoiColor, this.layerOpts(COLOR_B), unit);
      drawLegend(ctx, legend, W, H, unit);
    };
  }

  /** Creative B's overlay (audience A on it): AOIs only in exports (on screen its SVG layer draws them). */
  painterCreativeB(forExport = false): OverlayPainter | null {
    const m = this.app.creative.media, p = this.app.creative.prediction;
    if (!m || !p) return null;
    const aois = forExport && this.layers.aois ? this.app.creative.aois : [];
    const legend = forExport ? legendEntries(this.legendView(), 'b') : [];
    return (ctx, unit) => {
      paintAudience(ctx, p, m.width, m.height, aois, aoiColor, this.layerOpts(COLOR_A), unit);
      drawLegend(ctx, legend, m.width, m.height, unit);
    };
  }

  /**
   * The gaze replay (bee swarm) or first fixations of an audience's virtual study, with the AOIs,
   * when the replay shows one (null: the prediction's overlay). `atMs`: the moment of the viewing
   * (default the replay's; the video export passes each frame's).
   */
  studyOverlay(audId: string | null, withAois: boolean, atMs?: number): OverlayPainter | null {
    const app = this.app;
    const s = audId && app.mode !== 'creatives' ? app.studies.studyFor(audId) : null;
    const p = s ? app.replay.painter(s.study, this.layers.opacity, atMs) : null;
    if (!p) return null;
    const aois = withAois && this.layers.aois ? app.aois : [];
    return (ctx, unit) => {
      p(ctx, unit);
      drawAois(ctx, aois, aoiColor, unit);
    };
  }

  /** Repaints both stages, their captions and legends, and the summary of A vs B (or creative A vs B). */
  paint(): void {
    const app = this.app;
    const pa = app.current.get(app.aId);
    const pb = app.bId ? app.current.get(app.bId) : undefined;
    const creatives = app.mode === 'creatives';
    this.stageA.draw(this.painterA(pa, pb));
    this.stageB.draw(app.mode === 'compare' ? this.painterB(pb) : creatives ? this.painterCreativeB() : null);
    const a = app.audience(app.aId), b = app.audience(app.bId);
    const capA = $('stage-a').querySelector('figcaption')!;
    capA.querySelector('.cap-name')!.textContent =
      app.mode === 'difference' ? `${a?.name ?? '—'} − ${b?.name ?? '—'}` : creatives ? `Creative A · ${a?.name ?? '—'}` : (a?.name ?? '—');
    capA.querySelector('.cap-info')!.textContent = pa ? `${pa.points.length} points · ${pa.backend} ${pa.inferenceMs.toFixed(0)} ms` : '';
    const capB = $('stage-b').querySelector('figcaption')!;
    const pcb = creatives ? app.creative.prediction : pb;
    capB.querySelector('.cap-name')!.textContent = creatives ? `Creative B · ${a?.name ?? '—'}` : (b?.name ?? '—');
    capB.querySelector('.cap-info')!.textContent = pcb ? `${pcb.points.length} points · ${pcb.inferenceMs.toFixed(0)} ms` : creatives ? 'predicting…' : '';
    capB.querySelector('.swatch')!.classList.toggle('a', creatives);
    capB.querySelector('.swatch')!.classList.toggle('b', !creatives);
    renderLegend($('legend'), pa ? legendEntries(this.legendView(), 'a') : []);
    renderLegend($('legend-b'), (app.mode === 'compare' && pb) || (creatives && pcb) ? legendEntries(this.legendView(), 'b') : []);
    const diffEl = $('difference-summary');
    if (creatives) {
      const rows = app.creativeRows();
      diffEl.hidden = !rows;
      // and, once audience A's virtual study has run on both creatives, who sees what within 1 s / 3 s on each
      const studyText = creativeStudyText(app);
      if (rows) diffEl.textContent = `${describeCreativeDifference(rows, a?.name ?? 'this audience')}${studyText ? ` ${studyText}` : ''}`;
      return;
    }
    const d = app.mode !== 'single' ? this.difference() : null;
    diffEl.hidden = !d;
    if (d) {
      let aoiText = '';
      if (app.aois.length > 0 && pa && pb) {
        // the area whose share differs most, in percentage points
        const sa = aoiStats(pa, app.aois), sb = aoiStats(pb, app.aois);
        const k = sa.reduce((best, s, i) => (Math.abs(s.share - sb[i]!.share) > Math.abs(sa[best]!.share - sb[best]!.share) ? i : best), 0);
        const pts = Math.round((sa[k]!.share - sb[k]!.share) * 100);
        if (pts !== 0) aoiText = ` Biggest gap: “${sa[k]!.name}”, ${Math.abs(pts)} points more attention from ${pts > 0 ? d.a.name : d.b.name}.`;
      }
      const studyText = comparisonText(app);
      diffEl.textContent = `${describeDifference(d.map, d.a.name, d.b.name, yardstickFromMetrics(app.manifest?.metrics))} Correlation of the two maps: ${d.map.correlation.toFixed(2)}.${aoiText}${studyText ? ` Virtual study: ${studyText}` : ''}`;
    }
  }
}
