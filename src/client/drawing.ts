/**
 * Drawing a prediction on a 2D canvas (like MediaPipe's DrawingUtils): heatmap, scanpath and
 * points sized by mass with their visit order. Predictions are in native frame pixels; a
 * `FrameToCanvas` mapping scales them only here, when drawing. Sizes in the options are canvas
 * (CSS) pixels, so marks stay legible at any media resolution.
 */
import { ATTENTION_HEATMAP, densityToRgba, type ColormapName } from '../core/heatmap';
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

type PerPoint<T> = T | ((point: FixationPoint, index: number) => T);

export interface DrawOptions {
  readonly heatmap: boolean;
  readonly colormap: ColormapName;
  /** maximum opacity of the heatmap, 0..1 */
  readonly heatmapOpacity: number;
  readonly points: boolean;
  /** radius in canvas px; default grows with the square root of the point's mass (area ∝ mass) */
  readonly pointRadius: PerPoint<number>;
  readonly pointColor: PerPoint<string>;
  readonly pointOutline: string;
  /** visit order numbers (1 = first) inside the points */
  readonly labels: boolean;
  readonly labelColor: string;
  readonly font: string;
  readonly scanpath: boolean;
  readonly scanpathColor: string;
  readonly lineWidth: number;
}

export const DEFAULT_DRAW_OPTIONS: DrawOptions = {
  heatmap: true,
  colormap: ATTENTION_HEATMAP.colormap, // the app's ramp too: one look for the same prediction
  heatmapOpacity: 0.6,
  points: true,
  pointRadius: (p) => 7 + 38 * Math.sqrt(p.mass),
  pointColor: 'rgba(255, 255, 255, 0.85)',
  pointOutline: 'rgba(0, 0, 0, 0.85)',
  labels: true,
  labelColor: '#000',
  font: '600 13px system-ui, sans-serif',
  scanpath: true,
  scanpathColor: 'rgba(255, 255, 255, 0.9)',
  lineWidth: 2,
};

function resolve<T>(v: PerPoint<T>, p: FixationPoint, i: number): T {
  return typeof v === 'function' ? (v as (point: FixationPoint, index: number) => T)(p, i) : v;
}

/** Heatmap of the density over the frame area it covers, colour per cell, smoothly scaled. */
export function drawHeatmap(ctx: DrawingContext, density: DensityMap, map: FrameToCanvas, options: Pick<DrawOptions, 'colormap' | 'heatmapOpacity'> = DEFAULT_DRAW_OPTIONS): void {
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
export function drawScanpath(ctx: DrawingContext, points: readonly FixationPoint[], map: FrameToCanvas, options: Pick<DrawOptions, 'scanpathColor' | 'lineWidth'> = DEFAULT_DRAW_OPTIONS): void {
  const ordered = [...points].sort((a, b) => a.order - b.order);
  if (ordered.length < 2) return;
  ctx.save();
  ctx.strokeStyle = options.scanpathColor;
  ctx.lineWidth = options.lineWidth;
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

/** Points as discs sized by mass, numbered by visit order. */
export function drawPoints(ctx: DrawingContext, points: readonly FixationPoint[], map: FrameToCanvas, options: DrawOptions = DEFAULT_DRAW_OPTIONS): void {
  ctx.save();
  ctx.font = options.font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  points.forEach((p, i) => {
    const x = map.offsetX + p.x * map.scaleX, y = map.offsetY + p.y * map.scaleY;
    ctx.beginPath();
    ctx.arc(x, y, Math.max(0, resolve(options.pointRadius, p, i)), 0, 2 * Math.PI);
    ctx.fillStyle = resolve(options.pointColor, p, i);
    ctx.fill();
    ctx.lineWidth = options.lineWidth;
    ctx.strokeStyle = options.pointOutline;
    ctx.stroke();
    if (options.labels) {
      ctx.fillStyle = options.labelColor;
      ctx.fillText(String(p.order + 1), x, y);
    }
  });
  ctx.restore();
}

/** Everything the options ask for, in order: heatmap, scanpath, points. */
export function drawPrediction(ctx: DrawingContext, prediction: Prediction, map: FrameToCanvas, options: Partial<DrawOptions> = {}): void {
  const o = { ...DEFAULT_DRAW_OPTIONS, ...options };
  if (o.heatmap) drawHeatmap(ctx, prediction.density, map, o);
  if (o.scanpath) drawScanpath(ctx, prediction.points, map, o);
  if (o.points) drawPoints(ctx, prediction.points, map, o);
}
