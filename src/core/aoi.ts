/**
 * Areas of interest (AOIs): named rectangles and polygons drawn on a frame, in the frame's
 * NATIVE pixels, and the attention statistics a prediction gives them.
 *
 * - share: the probability mass of the density map inside the AOI. Each density cell is
 *   treated as uniform, and the exact area of its overlap with the AOI is computed by
 *   clipping the AOI polygon to the cell (Sutherland–Hodgman against a convex window works
 *   for concave subject polygons too: degenerate edges it may leave add no area).
 * - first visit: the predicted visit order of the first fixation point that falls inside.
 *   AOIs no point reaches are "not visited" (rank null): likely missed.
 */
import { GazecastError } from './errors';
import type { DensityMap, FixationPoint, Prediction } from './prediction-types';

export interface Vec2 {
  readonly x: number;
  readonly y: number;
}

export type AoiShape =
  | { readonly kind: 'rect'; readonly x: number; readonly y: number; readonly width: number; readonly height: number }
  | { readonly kind: 'polygon'; readonly points: readonly Vec2[] };

export interface Aoi {
  readonly id: string;
  /** what the designer calls it: "logo", "headline", "call to action" */
  readonly name: string;
  readonly shape: AoiShape;
}

export interface AoiStat {
  readonly id: string;
  readonly name: string;
  /** share of predicted attention inside the AOI, in [0, 1] */
  readonly share: number;
  /** 1 = the first AOI visited, 2 = second, …; null = no predicted fixation lands in it.
   *  Every visited AOI has its own rank: overlapping AOIs first reached by the same fixation
   *  are ranked by share, larger first (the order the attention story tells them in). */
  readonly firstVisitRank: number | null;
  /** visit order (FixationPoint.order) of the first point inside, null if none */
  readonly firstPointOrder: number | null;
  /** number of predicted fixation points inside */
  readonly pointCount: number;
}

/** The outline of a shape as a polygon (rectangles become four corners, clockwise on screen). */
export function shapeToPolygon(shape: AoiShape): Vec2[] {
  if (shape.kind === 'polygon') return shape.points.map((p) => ({ x: p.x, y: p.y }));
  const { x, y, width: w, height: h } = shape;
  return [
    { x, y },
    { x: x + w, y },
    { x: x + w, y: y + h },
    { x, y: y + h },
  ];
}

/** Signed area by the shoelace formula (positive when clockwise in y-down screen space). */
export function polygonArea(poly: readonly Vec2[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    a += p.x * q.y - q.x * p.y;
  }
  return a / 2;
}

export function shapeBounds(shape: AoiShape): { x0: number; y0: number; x1: number; y1: number } {
  const poly = shapeToPolygon(shape);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of poly) {
    x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
  }
  return { x0, y0, x1, y1 };
}

/**
 * The shape moved back inside a frame of `width` x `height` native pixels: shifted as a whole
 * when it sticks out (so moving with the arrow keys stops at the edge instead of pushing the
 * area off the picture, where it could be neither seen nor grabbed again), and cut to the
 * frame where it is larger than the frame.
 */
export function clampShapeToFrame(shape: AoiShape, width: number, height: number): AoiShape {
  const shift = (lo: number, hi: number, max: number) => (lo < 0 ? -lo : hi > max ? Math.max(max - hi, -lo) : 0);
  const b = shapeBounds(shape);
  const dx = shift(b.x0, b.x1, width), dy = shift(b.y0, b.y1, height);
  const cx = (v: number) => Math.min(width, Math.max(0, v));
  const cy = (v: number) => Math.min(height, Math.max(0, v));
  if (shape.kind === 'rect') {
    const x0 = cx(b.x0 + dx), y0 = cy(b.y0 + dy);
    return { kind: 'rect', x: x0, y: y0, width: cx(b.x1 + dx) - x0, height: cy(b.y1 + dy) - y0 };
  }
  return { kind: 'polygon', points: shape.points.map((p) => ({ x: cx(p.x + dx), y: cy(p.y + dy) })) };
}

/**
 * Throws `aoi-invalid` for shapes that cannot carry attention: non-finite coordinates,
 * a polygon of fewer than 3 vertices, or zero area. Called when an AOI is created or imported
 * so that statistics never silently come out as 0 for a typo.
 */
export function validateShape(shape: AoiShape): void {
  const poly = shapeToPolygon(shape);
  if (shape.kind === 'polygon' && poly.length < 3) {
    throw new GazecastError('aoi-invalid', `A polygon area needs at least 3 corners, got ${poly.length}.`);
  }
  if (poly.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y))) {
    throw new GazecastError('aoi-invalid', 'An area of interest has a corner that is not a finite number.');
  }
  if (Math.abs(polygonArea(poly)) < 1e-9) {
    throw new GazecastError('aoi-invalid', 'An area of interest must enclose some area; this one is a line or a point.');
  }
}

/** Even–odd rule point-in-polygon test (edges on the boundary may go either way). */
export function pointInShape(p: Vec2, shape: AoiShape): boolean {
  if (shape.kind === 'rect') {
    const x0 = Math.min(shape.x, shape.x + shape.width), x1 = Math.max(shape.x, shape.x + shape.width);
    const y0 = Math.min(shape.y, shape.y + shape.height), y1 = Math.max(shape.y, shape.y + shape.height);
    return p.x >= x0 && p.x < x1 && p.y >= y0 && p.y < y1;
  }
  const poly = shape.points;
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!, b = poly[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Clips a polygon to an axis-aligned rectangle (Sutherland–Hodgman, one edge at a time). */
function clipToRect(poly: readonly Vec2[], x0: number, y0: number, x1: number, y1: number): Vec2[] {
  type Edge = { inside: (p: Vec2) => boolean; cut: (a: Vec2, b: Vec2) => Vec2 };
  const atX = (a: Vec2, b: Vec2, x: number): Vec2 => ({ x, y: a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x) });
  const atY = (a: Vec2, b: Vec2, y: number): Vec2 => ({ x: a.x + ((b.x - a.x) * (y - a.y)) / (b.y - a.y), y });
  const edges: Edge[] = [
    { inside: (p) => p.x >= x0, cut: (a, b) => atX(a, b, x0) },
    { inside: (p) => p.x <= x1, cut: (a, b) => atX(a, b, x1) },
    { inside: (p) => p.y >= y0, cut: (a, b) => atY(a, b, y0) },
    { inside: (p) => p.y <= y1, cut: (a, b) => atY(a, b, y1) },
  ];
  let out: Vec2[] = poly.slice();
  for (const e of edges) {
    if (out.length === 0) break;
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i]!;
      const prev = input[(i + input.length - 1) % input.length]!;
      const ci = e.inside(cur), pi = e.inside(prev);
      if (ci) {
        if (!pi) out.push(e.cut(prev, cur));
        out.push(cur);
      } else if (pi) {
        out.push(e.cut(prev, cur));
      }
    }
  }
  return out;
}

/** Share of the density's probability mass inside the shape, in [0, 1]. */
export function attentionShare(density: DensityMap, shape: AoiShape): number {
  const poly = shapeToPolygon(shape);
  const b = shapeBounds(shape);
  const { width: W, height: H, cellWidth: cw, cellHeight: ch, x0, y0, data } = density;
  // only the cells under the shape's bounding box can overlap it
  const j0 = Math.max(0, Math.floor((b.x0 - x0) / cw)), j1 = Math.min(W - 1, Math.floor((b.x1 - x0) / cw));
  const i0 = Math.max(0, Math.floor((b.y0 - y0) / ch)), i1 = Math.min(H - 1, Math.floor((b.y1 - y0) / ch));
  const cellArea = cw * ch;
  let share = 0;
  for (let i = i0; i <= i1; i++) {
    for (let j = j0; j <= j1; j++) {
      const p = data[i * W + j]!;
      if (p === 0) continue;
      const cx0 = x0 + j * cw, cy0 = y0 + i * ch;
      const clipped = clipToRect(poly, cx0, cy0, cx0 + cw, cy0 + ch);
      if (clipped.length < 3) continue;
      share += (p * Math.abs(polygonArea(clipped))) / cellArea;
    }
  }
  return Math.min(1, Math.max(0, share));
}

/** First predicted visit of each AOI, from the points' visit order. */
export function firstVisits(
  points: readonly FixationPoint[],
  aois: readonly Aoi[],
): Map<string, { rank: number | null; order: number | null; count: number }> {
  const sorted = [...points].sort((a, b) => a.order - b.order);
  const firstOrder = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const aoi of aois) {
    for (const p of sorted) {
      if (!pointInShape(p, aoi.shape)) continue;
      counts.set(aoi.id, (counts.get(aoi.id) ?? 0) + 1);
      if (!firstOrder.has(aoi.id)) firstOrder.set(aoi.id, p.order);
    }
  }
  // Overlapping AOIs visited by the same point share its rank.
  const distinctOrders = [...new Set(firstOrder.values())].sort((a, b) => a - b);
  const result = new Map<string, { rank: number | null; order: number | null; count: number }>();
  for (const aoi of aois) {
    const order = firstOrder.get(aoi.id);
    result.set(aoi.id, {
      rank: order === undefined ? null : distinctOrders.indexOf(order) + 1,
      order: order ?? null,
      count: counts.get(aoi.id) ?? 0,
    });
  }
  return result;
}

/** Share and first visit of every AOI for one prediction, in the AOIs' order. */
export function aoiStats(prediction: Pick<Prediction, 'density' | 'points'>, aois: readonly Aoi[]): AoiStat[] {
  const visits = firstVisits(prediction.points, aois);
  const stats = aois.map((aoi) => {
    const v = visits.get(aoi.id)!;
    return {
      id: aoi.id,
      name: aoi.name,
      share: attentionShare(prediction.density, aoi.shape),
      firstVisitRank: v.rank,
      firstPointOrder: v.order,
      pointCount: v.count,
    };
  });
  return rankDistinct(stats, (s) => [s.firstPointOrder!, -s.share]);
}

/** Gives every visited AOI its own rank, ordered by `key` (compared element by element). */
function rankDistinct(stats: AoiStat[], key: (s: AoiStat) => number[]): AoiStat[] {
  const visited = stats.filter((s) => s.firstPointOrder !== null);
  const cmp = (a: AoiStat, b: AoiStat) => {
    const ka = key(a), kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  };
  const order = [...visited].sort(cmp);
  return stats.map((s) => (s.firstPointOrder === null ? s : { ...s, firstVisitRank: order.indexOf(s) + 1 }));
}

/**
 * Statistics over many frames of a video: the mean share per AOI, and the first-visit rank
 * taken as the order in which AOIs are first reached across the frames (earlier frame first,
 * then the visit order within that frame). `frames` must be in time order.
 */
export function aggregateAoiStats(perFrame: readonly (readonly AoiStat[])[], aois: readonly Aoi[]): AoiStat[] {
  if (perFrame.length === 0) return aois.map((a) => ({ id: a.id, name: a.name, share: 0, firstVisitRank: null, firstPointOrder: null, pointCount: 0 }));
  const firstSeen = new Map<string, [number, number]>();
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  perFrame.forEach((stats, f) => {
    for (const s of stats) {
      sums.set(s.id, (sums.get(s.id) ?? 0) + s.share);
      counts.set(s.id, (counts.get(s.id) ?? 0) + s.pointCount);
      if (s.firstPointOrder !== null && !firstSeen.has(s.id)) firstSeen.set(s.id, [f, s.firstPointOrder]);
    }
  });
  const stats = aois.map((aoi) => {
    const seen = firstSeen.get(aoi.id);
    return {
      id: aoi.id,
      name: aoi.name,
      share: (sums.get(aoi.id) ?? 0) / perFrame.length,
      firstVisitRank: seen ? 0 : null,
      firstPointOrder: seen ? seen[1] : null,
      pointCount: counts.get(aoi.id) ?? 0,
    };
  });
  // earlier frame first, then the visit order within it, then the larger mean share
  return rankDistinct(stats, (s) => [firstSeen.get(s.id)![0], s.firstPointOrder!, -s.share]);
}
