/**
 * The app's layers in a frame's NATIVE pixel space on any 2D context: heatmap, points and
 * scanpath through the package's one painter (src/client/drawing.ts, also the widget's), and
 * around it the app's own layers — the difference map, AOI outlines (the legend is legend.ts).
 * The caller sets the context transform (display scale for the stage, identity for
 * native-resolution exports), so the PNG snapshot, the burnt-in video and the report show
 * exactly what the stage shows.
 */
import { ATTENTION_HEATMAP, DEFAULT_DRAW_OPTIONS, drawHeatmap as paintHeatmap, drawPoints as paintPoints, drawScanpath, massRadius, type DensityMap, type DrawOptions, type FixationPoint, type FrameToCanvas } from '../index';
import type { DifferenceMap } from '../analysis';

type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export interface LayerOptions {
  heatmap: boolean;
  points: boolean;
  scanpath: boolean;
  /** overall overlay opacity, 0..1 */
  opacity: number;
  /** colour of points and scanpath (an audience's colour) */
  color: string;
}

export const DEFAULT_LAYERS: LayerOptions = { heatmap: true, points: true, scanpath: true, opacity: 0.75, color: '#ff8a3d' };

function gridCanvas(w: number, h: number): OffscreenCanvas {
  return new OffscreenCanvas(w, h);
}

/** The app draws in a frame's native pixels (the caller's transform scales them), so the
 *  package painter gets the identity mapping and sizes multiplied by `unit`. */
const NATIVE: FrameToCanvas = { offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 };

/**
 * Heatmap through the package's painter (src/client/drawing.ts) with gazecast's one ramp
 * (ATTENTION_HEATMAP: inferno, lightness and alpha rising with density, no green), so the app,
 * its exports and the widget draw a density alike; `opacity` is the app's layer slider.
 */
export function drawHeatmap(ctx: Ctx, d: DensityMap, opacity: number): void {
  paintHeatmap(ctx, d, NATIVE, { colormap: ATTENTION_HEATMAP.colormap, heatmapOpacity: ATTENTION_HEATMAP.opacity * opacity });
}

/** Difference A − B: audience A's colour where A looks more, B's where B does; symmetric scale. */
export function drawDifference(ctx: Ctx, d: DifferenceMap, colorA: string, colorB: string, opacity: number): void {
  if (d.maxAbs <= 0) return;
  const [ra, ga, ba] = hexRgb(colorA);
  const [rb, gb, bb] = hexRgb(colorB);
  const c = gridCanvas(d.width, d.height);
  const g = c.getContext('2d')!;
  const img = g.createImageData(d.width, d.height);
  for (let k = 0; k < d.data.length; k++) {
    const v = d.data[k]! / d.maxAbs;
    // sqrt and a gain: differences concentrate in few cells, the weaker ones must stay visible
    const a = Math.min(1, 1.6 * Math.sqrt(Math.abs(v)));
    const [r, gg, b] = v >= 0 ? [ra, ga, ba] : [rb, gb, bb];
    img.data[4 * k] = r;
    img.data[4 * k + 1] = gg;
    img.data[4 * k + 2] = b;
    img.data[4 * k + 3] = Math.round(235 * a);
  }
  g.putImageData(img, 0, 0);
  ctx.save();
  // a dark veil over the frame so both colours read against bright and dark pictures alike
  ctx.fillStyle = `rgba(0, 0, 0, ${0.45 * opacity})`;
  ctx.fillRect(d.x0, d.y0, d.width * d.cellWidth, d.height * d.cellHeight);
  ctx.globalAlpha = Math.min(1, opacity * 1.25);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(c, d.x0, d.y0, d.width * d.cellWidth, d.height * d.cellHeight);
  ctx.restore();
}

/** The package painter's options for one audience's points and scanpath in the app's look:
 *  discs in the audience's colour, numbered badges, a dashed scanpath; sizes in display px x unit. */
export function audienceDrawOptions(o: LayerOptions, unit: number): DrawOptions {
  return {
    ...DEFAULT_DRAW_OPTIONS,
    pointColor: withAlpha(o.color, 0.28),
    pointOutline: o.color,
    pointRadius: (p, _i, frame) => massRadius(p.mass, frame, 11 * unit),
    labels: true,
    labelColor: '#111',
    labelBackground: o.color,
    labelRadius: 10 * unit,
    font: `600 ${13 * unit}px system-ui, sans-serif`,
    scanpathColor: o.color,
    scanpathDash: [8 * unit, 5 * unit],
    lineWidth: 2.5 * unit,
  };
}

/**
 * Points sized by their mass (area ∝ mass, `massRadius`), numbered by visit order, joined by the
 * scanpath — drawn by the package's painter. `unit` is one display pixel in native pixels, so
 * strokes and labels stay legible at any scale; `badges` moves numbers (see separateBadges).
 */
export function drawPoints(
  ctx: Ctx,
  points: readonly FixationPoint[],
  frameW: number,
  frameH: number,
  o: LayerOptions,
  unit: number,
  /** where each number badge goes, in visit order (default: on its point); see separateBadges */
  badges?: readonly { x: number; y: number }[],
): void {
  if (points.length === 0) return;
  const style = audienceDrawOptions(o, unit);
  ctx.save();
  ctx.globalAlpha = Math.min(1, o.opacity + 0.2);
  if (o.scanpath) drawScanpath(ctx, points, NATIVE, style);
  if (o.points) paintPoints(ctx, points, NATIVE, style, { frameWidth: frameW, frameHeight: frameH, ...(badges ? { labelsAt: badges } : {}) });
  ctx.restore();
}

/** Points in visit order (the order their numbers and the scanpath follow). */
export function sortByVisit<T extends { readonly order: number }>(points: readonly T[]): T[] {
  return [...points].sort((a, b) => a.order - b.order);
}

export function hexRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return [255, 138, 61];
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

function withAlpha(hex: string, a: number): string {
  const [r, g, b] = hexRgb(hex);
  return `rgba(${r}, ${g}, ${b}, ${a})`;
}

/**
 * One audience's overlay as the app paints it on a stage and in its exports (PNG, report, video),
 * and the command line in its PNG overlays: heatmap (if on), scanpath and points, AOI outlines.
 */
export function paintAudience(
  ctx: Ctx,
  p: { readonly density: DensityMap; readonly points: readonly FixationPoint[] },
  frameW: number,
  frameH: number,
  aois: readonly { name: string; shape: import('../analysis').AoiShape }[],
  aoiColors: (i: number) => string,
  o: LayerOptions,
  unit: number,
): void {
  if (o.heatmap) drawHeatmap(ctx, p.density, o.opacity);
  drawPoints(ctx, p.points, frameW, frameH, o, unit);
  drawAois(ctx, aois, aoiColors, unit);
}

/** AOI outlines with their names (stage B, and exports: the SVG layer only exists on stage A). */
export function drawAois(ctx: Ctx, aois: readonly { name: string; shape: import('../analysis').AoiShape }[], colors: (i: number) => string, unit: number): void {
  ctx.save();
  ctx.lineWidth = 2 * unit;
  ctx.font = `600 ${13 * unit}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  aois.forEach((a, i) => {
    const color = colors(i);
    const s = a.shape;
    ctx.beginPath();
    if (s.kind === 'rect') ctx.rect(s.x, s.y, s.width, s.height);
    else s.points.forEach((p, k) => (k === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
    ctx.closePath();
    ctx.strokeStyle = color;
    ctx.stroke();
    const x = s.kind === 'rect' ? Math.min(s.x, s.x + s.width) : Math.min(...s.points.map((p) => p.x));
    const y = s.kind === 'rect' ? Math.min(s.y, s.y + s.height) : Math.min(...s.points.map((p) => p.y));
    ctx.lineWidth = 3 * unit;
    ctx.strokeStyle = 'rgba(0,0,0,0.7)';
    ctx.strokeText(a.name, x + 5 * unit, y + 4 * unit);
    ctx.fillStyle = color;
    ctx.fillText(a.name, x + 5 * unit, y + 4 * unit);
    ctx.lineWidth = 2 * unit;
  });
  ctx.restore();
}
