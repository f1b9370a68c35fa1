/**
 * Drawing a prediction on a 2D canvas (like MediaPipe's DrawingUtils): heatmap, scanpath and
 * points sized by mass with their visit order. This is gazecast's one painter: the overlay, the
 * <gaze-overlay> widget and the designer app (on screen, PNG, report and video, whose own layers
 * — difference, AOIs, legend — are drawn around it in src/app/render.ts) all draw through it. Predictions are in native frame pixels; a
 * `FrameToCanvas` mapping scales them only here, when drawing. Sizes in the options are canvas
 * (CSS) pixels, so marks stay legible at any media resolution.
 */
import { ATTENTION_HEATMAP, densityToRgba, type ColormapName } from '../core/heatmap';
import { checkDensityMap, checkDrawingContext, checkFixationPoints, checkFrameToCanvas, checkNumber, checkOptions, checkPrediction, invalidArgument, isPlainObject } from '../core/arguments';
import type { DensityMap, FixationPoint, Prediction } from '../core/prediction-types';

/** Any 2D context the drawing functions accept. */
export type DrawingContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** canvas x = offsetX + native x * scaleX (likewise y) */
export interface FrameToCanvas {
  readonly offsetX: number;
  readonly offsetY: number;
  readonly scaleX: number;
  readonly scaleY: number;
}

/** The frame as drawn, in canvas px: what a mark's size may depend on. */
export interface DrawnFrame {
  readonly width: number;
  readonly height: number;
}

/** A drawing option given once for every point, or per point by a function of the point. */
export type PerPoint<T> = T | ((point: FixationPoint, index: number, frame: DrawnFrame) => T);

export interface DrawOptions {
  readonly heatmap: boolean;
  readonly colormap: ColormapName;
  /** maximum opacity of the heatmap, 0..1 */
  readonly heatmapOpacity: number;
  readonly points: boolean;
  /** radius in canvas px; default `massRadius`: area ∝ mass, relative to the drawn frame */
  readonly pointRadius: PerPoint<number>;
  readonly pointColor: PerPoint<string>;
  readonly pointOutline: string;
  /** visit order numbers (1 = first) inside the points */
  readonly labels: boolean;
  readonly labelColor: string;
  /** fill of a round badge behind each number (radius `labelRadius`); null: the number alone */
  readonly labelBackground?: string | null;
  readonly labelRadius?: number;
  readonly font: string;
  readonly scanpath: boolean;
  readonly scanpathColor: string;
  /** dash pattern of the scanpath in canvas px; empty: solid */
  readonly scanpathDash?: readonly number[];
  readonly lineWidth: number;
}

/**
 * The one size rule for fixation points (app, exports, widget): the disc's area is proportional
 * to the point's probability mass, scaled to the drawn frame's diagonal (a point holding all the
 * attention spans 9 % of it), never smaller than `min` canvas px so its number stays legible.
 */
export function massRadius(mass: number, frame: DrawnFrame, min = 11): number {
  checkNumber(mass, 'mass', { min: 0 });
  if (!isPlainObject(frame)) invalidArgument('frame', frame, 'an object { width, height }');
  checkNumber(frame.width, 'frame.width', { min: 0 });
  checkNumber(frame.height, 'frame.height', { min: 0 });
  checkNumber(min, 'min', { min: 0 });
  return Math.max(min, 0.09 * Math.hypot(frame.width, frame.height) * Math.sqrt(Math.max(0, mass)));
}

export const DEFAULT_DRAW_OPTIONS: DrawOptions = {
  heatmap: true,
  colormap: ATTENTION_HEATMAP.colormap, // the app's ramp too: one look for the same prediction
  heatmapOpacity: ATTENTION_HEATMAP.opacity * 0.75, // as the app at its default opacity (75 %)
  points: true,
  pointRadius: (p, _i, frame) => massRadius(p.mass, frame),
  pointColor: 'rgba(255, 255, 255, 0.85)',
  pointOutline: 'rgba(0, 0, 0, 0.85)',
  labels: true,
  labelColor: '#000',
  labelBackground: null,
  labelRadius: 10,
  font: '600 13px system-ui, sans-serif',
  scanpath: true,
  scanpathColor: 'rgba(255, 255, 255, 0.9)',
  scanpathDash: [],
  lineWidth: 2,
};

function resolve<T>(v: PerPoint<T>, p: FixationPoint, i: number, frame: DrawnFrame): T {
  return typeof v === 'function' ? (v as (point: FixationPoint, index: number, frame: DrawnFrame) => T)(p, i, frame) : v;
}

/** Heatmap of the density over the frame area it covers, colour per cell, smoothly scaled. */
export function drawHeatmap(ctx: DrawingContext, density: DensityMap, map: FrameToCanvas, options: Pick<DrawOptions, 'colormap' | 'heatmapOpacity'> = DEFAULT_DRAW_OPTIONS): void {
  checkDrawingContext(ctx, 'ctx');
  checkDensityMap(density, 'density');
  checkFrameToCanvas(map, 'map');
  checkOptions(options, 'options');
  const grid = new OffscreenCanvas(density.width, density.height);
  const g = grid.getContext('2d')!;
  const img = g.createImageData(density.width, density.height);
  img.data.set(densityToRgba(density, { colormap: options.colormap, opacity: options.heatmapOpacity }));
  g.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(
    grid,
    map.offsetX + density.x0 * map.scaleX,
    map.offsetY + density.y0 * map.scaleY,
    density.width * density.cellWidth * map.scaleX,
    density.height * density.cellHeight * map.scaleY,
  );
  ctx.restore();
}

/** The predicted scanpath: a line through the points in visit order. */
export function drawScanpath(ctx: DrawingContext, points: readonly FixationPoint[], map: FrameToCanvas, options: Pick<DrawOptions, 'scanpathColor' | 'lineWidth' | 'scanpathDash'> = DEFAULT_DRAW_OPTIONS): void {
  checkDrawingContext(ctx, 'ctx');
  checkFixationPoints(points, 'points');
  checkFrameToCanvas(map, 'map');
  checkOptions(options, 'options');
  const ordered = [...points].sort((a, b) => a.order - b.order);
  if (ordered.length < 2) return;
  ctx.save();
  ctx.strokeStyle = options.scanpathColor;
  ctx.lineWidth = options.lineWidth;
  ctx.setLineDash([...(options.scanpathDash ?? [])]);
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ordered.forEach((p, i) => {
    const x = map.offsetX + p.x * map.scaleX, y = map.offsetY + p.y * map.scaleY;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
  ctx.restore();
}

/** Where the points sit: their frame (for mass-sized radii) and, optionally, where numbers go. */
export interface PointsLayout {
  /** the frame's native size; radii follow it as drawn (without a layout: a 640 x 480 drawn frame) */
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** number positions in native px, one per point in visit order (default: on the point) */
  readonly labelsAt?: readonly { readonly x: number; readonly y: number }[];
}

/**
 * Points as discs sized by mass, numbered by visit order: every disc first, then every number,
 * so no disc covers a number. `layout.labelsAt` moves numbers off their discs, joined by a thin
 * line (the app's difference view, where two audiences' points share one picture).
 */
export function drawPoints(ctx: DrawingContext, points: readonly FixationPoint[], map: FrameToCanvas, options: DrawOptions = DEFAULT_DRAW_OPTIONS, layout?: PointsLayout): void {
  checkDrawingContext(ctx, 'ctx');
  checkFixationPoints(points, 'points');
  checkFrameToCanvas(map, 'map');
  checkOptions(options, 'options');
  const ordered = [...points].sort((a, b) => a.order - b.order);
  const frame: DrawnFrame = layout
    ? { width: layout.frameWidth * Math.abs(map.scaleX), height: layout.frameHeight * Math.abs(map.scaleY) }
    : { width: 640, height: 480 };
  const labelsAt = layout?.labelsAt;
  const at = (p: { x: number; y: number }) => ({ x: map.offsetX + p.x * map.scaleX, y: map.offsetY + p.y * map.scaleY });
  ctx.save();
  ctx.setLineDash([]);
  ordered.forEach((p, i) => {
    const { x, y } = at(p);
    ctx.beginPath();
    ctx.arc(x, y, Math.max(0, resolve(options.pointRadius, p, i, frame)), 0, 2 * Math.PI);
    ctx.fillStyle = resolve(options.pointColor, p, i, frame);
    ctx.fill();
    ctx.lineWidth = options.lineWidth;
    ctx.strokeStyle = options.pointOutline;
    ctx.stroke();
  });
  if (options.labels) {
    ctx.font = options.font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const r = options.labelRadius ?? 10;
    ordered.forEach((p, i) => {
      const c = at(p);
      const l = labelsAt?.[i] ? at(labelsAt[i]!) : c;
      if (l.x !== c.x || l.y !== c.y) {
        ctx.beginPath();
        ctx.moveTo(c.x, c.y);
        ctx.lineTo(l.x, l.y);
        ctx.lineWidth = Math.max(1, options.lineWidth * 0.6);
        ctx.strokeStyle = options.labelBackground ?? options.pointOutline;
        ctx.stroke();
      }
      if (options.labelBackground) {
        ctx.beginPath();
        ctx.arc(l.x, l.y, r, 0, 2 * Math.PI);
        ctx.fillStyle = options.labelBackground;
        ctx.fill();
      }
      ctx.fillStyle = options.labelColor;
      ctx.fillText(String(p.order + 1), l.x, l.y + r * 0.05);
    });
  }
  ctx.restore();
}

/** Everything the options ask for, in order: heatmap, scanpath, points. */
export function drawPrediction(ctx: DrawingContext, prediction: Prediction, map: FrameToCanvas, options: Partial<DrawOptions> = {}): void {
  checkDrawingContext(ctx, 'ctx');
  checkPrediction(prediction, 'prediction');
  checkFrameToCanvas(map, 'map');
  checkOptions(options, 'options');
  const o = { ...DEFAULT_DRAW_OPTIONS, ...options };
  if (o.heatmap) drawHeatmap(ctx, prediction.density, map, o);
  if (o.scanpath) drawScanpath(ctx, prediction.points, map, o);
  if (o.points) drawPoints(ctx, prediction.points, map, o, { frameWidth: prediction.frameWidth, frameHeight: prediction.frameHeight });
}
