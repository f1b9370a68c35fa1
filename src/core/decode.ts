/**
 * From the model's `log_density` to what a designer sees: the density renormalised over the
 * frame (letterbox padding excluded) and fixation points in the frame's native pixels, each with
 * the probability mass of its mode and a predicted visit order.
 *
 * Modes are found by a persistence watershed on the log density (8-connected): cells are visited
 * from the most to the least likely and grow the mode of their highest neighbour; where two modes
 * meet, the lower one survives as its own point only if its peak stands at least `persistence`
 * (natural log units) above the meeting point, otherwise it is a bump on the larger mode and
 * merges into it. Each surviving mode's mass is the probability of all cells it collected. The
 * peak is refined to sub-cell precision by a quadratic fit of the log density on its 3x3
 * neighbourhood (exact for Gaussian-shaped modes).
 */
import type { DensityMap, FixationPoint } from './prediction-types';
import { checkDecodeOptions, checkDensityMap, checkNumber } from './arguments';
import { contentOnGrid, inputToFrame, type Letterbox } from './letterbox';

export interface DecodeOptions {
  /** at most this many points (the most massive), default 8 */
  readonly maxPoints?: number;
  /** points whose mode holds less probability than this are left out, default 0.02 */
  readonly minMass?: number;
  /** minimum ln(peak / saddle) for a bump to count as its own mode, default 0.1 */
  readonly persistence?: number;
  /** points closer than this fraction of the frame's longer side are merged, default 0.05 */
  readonly minDistance?: number;
  /** visit order: how strongly nearby points are preferred (fraction of the frame diagonal at
   *  which the preference falls by e), default 0.35; Infinity orders by mass alone */
  readonly proximity?: number;
  /** where the gaze starts, native px; default the frame centre (the usual fixation cross) */
  readonly start?: { readonly x: number; readonly y: number };
}

export const DEFAULT_DECODE_OPTIONS = {
  maxPoints: 8,
  minMass: 0.02,
  persistence: 0.1,
  minDistance: 0.05,
  proximity: 0.35,
} as const satisfies DecodeOptions;

const EDGE_EPS = 1e-6;

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Renormalises a log density over the cells that cover the frame. A cell only partly over the
 * frame keeps the share of its probability that lies over the frame (the density is taken as
 * uniform within a cell).
 */
export function densityFromLogDensity(logDensity: ArrayLike<number>, outWidth: number, outHeight: number, lb: Letterbox): DensityMap {
  if (logDensity.length !== outWidth * outHeight) {
    throw new RangeError(`log_density has ${logDensity.length} values, expected ${outWidth}x${outHeight}`);
  }
  const c = contentOnGrid(lb, outWidth, outHeight);
  const j0 = Math.max(0, Math.floor(c.x0 + EDGE_EPS));
  const j1 = Math.min(outWidth, Math.ceil(c.x1 - EDGE_EPS));
  const i0 = Math.max(0, Math.floor(c.y0 + EDGE_EPS));
  const i1 = Math.min(outHeight, Math.ceil(c.y1 - EDGE_EPS));
  const w = j1 - j0;
  const h = i1 - i0;
  let max = -Infinity;
  for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) max = Math.max(max, logDensity[i * outWidth + j]!);
  const data = new Float32Array(w * h);
  let sum = 0;
  for (let i = i0; i < i1; i++) {
    const cy = overlap(i, i + 1, c.y0, c.y1);
    for (let j = j0; j < j1; j++) {
      const p = Math.exp(logDensity[i * outWidth + j]! - max) * cy * overlap(j, j + 1, c.x0, c.x1);
      data[(i - i0) * w + (j - j0)] = p;
      sum += p;
    }
  }
  if (!(sum > 0) || !Number.isFinite(sum)) throw new RangeError('log_density has no finite mass over the frame');
  for (let k = 0; k < data.length; k++) data[k] = data[k]! / sum;
  const cellIn = { w: lb.inputWidth / outWidth, h: lb.inputHeight / outHeight };
  const origin = inputToFrame(lb, j0 * cellIn.w, i0 * cellIn.h);
  return {
    width: w,
    height: h,
    data,
    x0: origin.x,
    y0: origin.y,
    cellWidth: (cellIn.w * lb.frameWidth) / lb.width,
    cellHeight: (cellIn.h * lb.frameHeight) / lb.height,
  };
}

/** Fraction of each cell of `d` that lies over the frame [0, frameWidth) x [0, frameHeight). */
export function cellCoverage(d: DensityMap, frameWidth: number, frameHeight: number): Float64Array {
  const cov = new Float64Array(d.width * d.height);
  const cx = new Float64Array(d.width);
  for (let j = 0; j < d.width; j++) {
    const a = d.x0 + j * d.cellWidth;
    cx[j] = overlap(a, a + d.cellWidth, 0, frameWidth) / d.cellWidth;
  }
  for (let i = 0; i < d.height; i++) {
    const a = d.y0 + i * d.cellHeight;
    const cy = overlap(a, a + d.cellHeight, 0, frameHeight) / d.cellHeight;
    for (let j = 0; j < d.width; j++) cov[i * d.width + j] = cy * cx[j]!;
  }
  return cov;
}

/** Sub-cell offset of the maximum of a quadratic through the 3x3 log values around (i, j). */
function refinePeak(L: Float64Array, w: number, h: number, i: number, j: number): { dx: number; dy: number } {
  const at = (y: number, x: number): number => (y < 0 || y >= h || x < 0 || x >= w ? NaN : L[y * w + x]!);
  const c = at(i, j);
  const l = at(i, j - 1), r = at(i, j + 1), u = at(i - 1, j), d = at(i + 1, j);
  const gx = (r - l) / 2, gy = (d - u) / 2;
  const hxx = l - 2 * c + r, hyy = u - 2 * c + d;
  const hxy = (at(i + 1, j + 1) - at(i - 1, j + 1) - at(i + 1, j - 1) + at(i - 1, j - 1)) / 4;
  const det = hxx * hyy - hxy * hxy;
  const clamp = (v: number): number => Math.max(-1, Math.min(1, v));
  if (Number.isFinite(det) && hxx < 0 && det > 0) {
    return { dx: clamp(-(hyy * gx - hxy * gy) / det), dy: clamp(-(hxx * gy - hxy * gx) / det) };
  }
  // No full neighbourhood (frame edge) or not a proper maximum: fit each axis on its own.
  const axis = (a: number, b: number, curv: number): number => (Number.isFinite(curv) && curv < 0 ? clamp((a - b) / (2 * curv)) : 0);
  return { dx: axis(l, r, hxx), dy: axis(u, d, hyy) };
}

interface Mode {
  peak: number; // cell index
  value: number; // log density at the peak
  mass: number;
  x: number;
  y: number;
}

/** Fixation points from a (frame-renormalised) density map, sorted by predicted visit order. */
export function pointsFromDensity(d: DensityMap, frameWidth: number, frameHeight: number, options: DecodeOptions = {}): FixationPoint[] {
  checkDensityMap(d, 'density');
  checkNumber(frameWidth, 'frameWidth', { above: 0 });
  checkNumber(frameHeight, 'frameHeight', { above: 0 });
  checkDecodeOptions(options, 'options');
  const o = { ...DEFAULT_DECODE_OPTIONS, ...options };
  const { width: w, height: h } = d;
  const n = w * h;
  const cov = cellCoverage(d, frameWidth, frameHeight);
  // log of the density per unit area: undo the partial-cell weighting at the frame's edges
  const L = new Float64Array(n);
  for (let k = 0; k < n; k++) L[k] = cov[k]! > 0 && d.data[k]! > 0 ? Math.log(d.data[k]! / cov[k]!) : -Infinity;

  const order = Array.from({ length: n }, (_, k) => k).filter((k) => L[k]! > -Infinity);
  order.sort((a, b) => L[b]! - L[a]! || a - b);

  // union-find over modes; label[k] = root mode id of cell k (-1 = not yet visited)
  const label = new Int32Array(n).fill(-1);
  const parent: number[] = [];
  const peakOf: number[] = [];
  const find = (m: number): number => {
    while (parent[m] !== m) {
      parent[m] = parent[parent[m]!]!;
      m = parent[m]!;
    }
    return m;
  };
  for (const k of order) {
    const i = Math.floor(k / w), j = k % w;
    const roots = new Set<number>();
    for (let di = -1; di <= 1; di++) {
      for (let dj = -1; dj <= 1; dj++) {
        const y = i + di, x = j + dj;
        if ((di === 0 && dj === 0) || y < 0 || y >= h || x < 0 || x >= w) continue;
        const l = label[y * w + x]!;
        if (l >= 0) roots.add(find(l));
      }
    }
    if (roots.size === 0) {
      parent.push(parent.length);
      peakOf.push(k);
      label[k] = parent.length - 1;
      continue;
    }
    const sorted = [...roots].sort((a, b) => L[peakOf[b]!]! - L[peakOf[a]!]!);
    const top = sorted[0]!;
    for (const other of sorted.slice(1)) {
      if (L[peakOf[other]!]! - L[k]! < o.persistence) parent[other] = top;
    }
    label[k] = top;
  }

  const modes = new Map<number, Mode>();
  for (const k of order) {
    const root = find(label[k]!);
    let m = modes.get(root);
    if (!m) {
      const pk = peakOf[root]!;
      const pi = Math.floor(pk / w), pj = pk % w;
      const { dx, dy } = refinePeak(L, w, h, pi, pj);
      m = {
        peak: pk,
        value: L[pk]!,
        mass: 0,
        x: Math.min(frameWidth, Math.max(0, d.x0 + (pj + 0.5 + dx) * d.cellWidth)),
        y: Math.min(frameHeight, Math.max(0, d.y0 + (pi + 0.5 + dy) * d.cellHeight)),
      };
      modes.set(root, m);
    }
    m.mass += d.data[k]!;
  }

  // near-duplicate suppression: a weaker mode close to a stronger one hands over its mass
  const minDist = o.minDistance * Math.max(frameWidth, frameHeight);
  const kept: Mode[] = [];
  for (const m of [...modes.values()].sort((a, b) => b.value - a.value || a.peak - b.peak)) {
    let nearest: Mode | undefined;
    let best = minDist;
    for (const k of kept) {
      const dist = Math.hypot(k.x - m.x, k.y - m.y);
      if (dist < best) {
        best = dist;
        nearest = k;
      }
    }
    if (nearest) nearest.mass += m.mass;
    else kept.push(m);
  }

  const chosen = kept
    .filter((m) => m.mass >= o.minMass)
    .sort((a, b) => b.mass - a.mass || a.peak - b.peak)
    .slice(0, Math.max(0, o.maxPoints));
  return visitOrder(
    chosen.map((m) => ({ x: m.x, y: m.y, mass: m.mass })),
    frameWidth,
    frameHeight,
    o.proximity,
    o.start,
  );
}

/**
 * Deterministic greedy visit order with inhibition of return: from the start (the frame centre
 * unless given), the next point is the unvisited one with the largest mass x exp(-distance /
 * (proximity x diagonal)); a visited point is never chosen again.
 */
export function visitOrder(
  points: readonly { x: number; y: number; mass: number }[],
  frameWidth: number,
  frameHeight: number,
  proximity: number = DEFAULT_DECODE_OPTIONS.proximity,
  start: { readonly x: number; readonly y: number } = { x: frameWidth / 2, y: frameHeight / 2 },
): FixationPoint[] {
  const scale = proximity * Math.hypot(frameWidth, frameHeight);
  const left = points.map((p, index) => ({ ...p, index }));
  const out: FixationPoint[] = [];
  let at = start;
  while (left.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    left.forEach((p, k) => {
      const dist = Math.hypot(p.x - at.x, p.y - at.y);
      const score = Math.log(p.mass) - (Number.isFinite(scale) ? dist / scale : 0);
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    });
    const [p] = left.splice(best, 1);
    out.push({ x: p!.x, y: p!.y, mass: p!.mass, order: out.length });
    at = p!;
  }
  return out;
}

/** The whole decode of one model output. */
export function decodeLogDensity(
  logDensity: ArrayLike<number>,
  outWidth: number,
  outHeight: number,
  lb: Letterbox,
  options?: DecodeOptions,
): { density: DensityMap; points: FixationPoint[] } {
  const density = densityFromLogDensity(logDensity, outWidth, outHeight, lb);
  return { density, points: pointsFromDensity(density, lb.frameWidth, lb.frameHeight, options) };
}
