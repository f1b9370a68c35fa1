/**
 * The pure parts of a virtual eye-tracking study (MODEL_CONTRACT.md, "Scanpath"): a seeded random
 * number generator, drawing a fixation from a scanpath graph's `next_log_density`, drawing its
 * duration from `next_log_duration`, encoding the fixation history the graph reads, and the onset
 * arithmetic of `timing`. No DOM and no onnxruntime: the client drives the graph and calls these.
 */
import { densityFromLogDensity } from './decode';
import { frameToInput, type Letterbox } from './letterbox';
import type { DensityMap, Profile } from './prediction-types';

// ---------------------------------------------------------------------------------------------
// Random numbers
//
// xoshiro128** (Blackman & Vigna, 2018): 32-bit operations only, so it is exact and fast in
// JavaScript (Math.imul, >>>), where 64-bit generators need BigInt; 128 bits of state, period
// 2^128 - 1, passes BigCrush; and it has a `jump` of 2^64 steps, which gives every virtual viewer
// its own non-overlapping stream. Per-viewer streams make a viewer's draws independent of which
// other viewers are still active or how rows are batched, so a seeded study is the same whatever
// order the engine serves rows in (worker or in-thread, one frame group or many). Math.random has
// no seed; a linear congruential generator's low bits are poor and it has no cheap jump.
// The state is seeded from the 32-bit seed with splitmix32 (the golden-ratio increment and the
// murmur3 finaliser), as Vigna recommends, so nearby seeds give unrelated states.
// ---------------------------------------------------------------------------------------------

/** splitmix32: successive outputs from a 32-bit counter (used only to seed xoshiro). */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b] as const;

export class Xoshiro128 {
  readonly #s: Uint32Array;

  /** from an explicit state (not all zero) */
  constructor(state: ArrayLike<number>) {
    if (state.length !== 4) throw new RangeError('xoshiro128** needs 4 state words');
    this.#s = Uint32Array.from(state);
    if (this.#s.every((x) => x === 0)) throw new RangeError('xoshiro128** state must not be all zero');
  }

  /** seeded from a 32-bit integer through splitmix32 */
  static fromSeed(seed: number): Xoshiro128 {
    const sm = splitmix32(seed);
    // four successive splitmix32 outputs are distinct (a bijection of distinct counters), so never all zero
    return new Xoshiro128([sm(), sm(), sm(), sm()]);
  }

  get state(): readonly number[] {
    return [...this.#s];
  }

  clone(): Xoshiro128 {
    return new Xoshiro128(this.#s);
  }

  /** next 32-bit unsigned output */
  nextUint32(): number {
    const s = this.#s;
    const [s0, s1, s2, s3] = [s[0]!, s[1]!, s[2]!, s[3]!];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result;
  }

  /** advances 2^64 steps: streams started from successive jumps never overlap in practice */
  jump(): void {
    const s = this.#s;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          s0 ^= s[0]!;
          s1 ^= s[1]!;
          s2 ^= s[2]!;
          s3 ^= s[3]!;
        }
        this.nextUint32();
      }
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }

  /** uniform in [0, 1) with 53 random bits (two outputs) */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** standard normal by Box-Muller (two uniforms; the second value of the pair is not kept, so
   *  every call consumes the same number of outputs and streams stay aligned) */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** One generator per viewer: the seed's generator, jumped once more for each further viewer. */
export function viewerStreams(seed: number, viewers: number): Xoshiro128[] {
  const g = Xoshiro128.fromSeed(seed);
  const out: Xoshiro128[] = [];
  for (let v = 0; v < viewers; v++) {
    out.push(g.clone());
    g.jump();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Drawing fixations
// ---------------------------------------------------------------------------------------------

/**
 * Index of the cell drawn from probabilities `p` (need not sum exactly to 1) with a uniform `u` in
 * [0, 1): the first cell whose cumulative sum exceeds u x total (inverse CDF). Cells with zero
 * probability are never drawn.
 */
export function drawIndex(p: ArrayLike<number>, u: number): number {
  let total = 0;
  for (let k = 0; k < p.length; k++) total += p[k]!;
  if (!(total > 0) || !Number.isFinite(total)) throw new RangeError('drawIndex: no positive finite mass');
  const target = u * total;
  let acc = 0;
  let last = -1;
  for (let k = 0; k < p.length; k++) {
    const pk = p[k]!;
    if (pk <= 0) continue;
    acc += pk;
    last = k;
    if (acc > target) return k;
  }
  return last; // u x total at the top edge by rounding: the last cell with mass
}

/**
 * A point drawn from a density over the frame (native pixels): a cell by its probability, then
 * uniformly within the part of that cell that covers the frame (the density is uniform within a
 * cell, as the contract's renormalisation assumes). Three uniforms, in this order: cell, x, y.
 */
export function drawPoint(d: DensityMap, frameWidth: number, frameHeight: number, rng: Pick<Xoshiro128, 'uniform'>): { x: number; y: number; cell: number } {
  return pointInCell(d, drawIndex(d.data, rng.uniform()), frameWidth, frameHeight, rng);
}

/** A point uniform within the part of cell `cell` of `d` that covers the frame (two uniforms: x, y). */
function pointInCell(d: DensityMap, cell: number, frameWidth: number, frameHeight: number, rng: Pick<Xoshiro128, 'uniform'>): { x: number; y: number; cell: number } {
  const i = Math.floor(cell / d.width);
  const j = cell - i * d.width;
  const xa = Math.max(0, d.x0 + j * d.cellWidth);
  const xb = Math.min(frameWidth, d.x0 + (j + 1) * d.cellWidth);
  const ya = Math.max(0, d.y0 + i * d.cellHeight);
  const yb = Math.min(frameHeight, d.y0 + (i + 1) * d.cellHeight);
  const ux = rng.uniform();
  const uy = rng.uniform();
  return { x: xa + ux * (xb - xa), y: ya + uy * (yb - ya), cell };
}

/**
 * Draws fixations from the rows of a batched `next_log_density` [B, 1, H, W], renormalised over
 * the cells that cover the frame exactly as a static prediction's density (densityFromLogDensity:
 * the padding is never drawn, a cell half over the frame keeps half its probability). Each cell's
 * share of the frame is taken once per frame geometry, from densityFromLogDensity itself (a flat
 * log density gives the coverage), so a row costs one exp per cell and allocates nothing: 200
 * rows took 14 ms as a DensityMap each, a few ms this way.
 */
export class FrameSampler {
  /** the cells over the frame: geometry in native pixels, and each one's coverage (sums to 1) */
  readonly grid: DensityMap;
  readonly #frameWidth: number;
  readonly #frameHeight: number;
  readonly #cells: number;
  /** output-grid index of each cell of `grid` */
  readonly #index: Int32Array;
  readonly #weights: Float64Array;

  constructor(lb: Letterbox, outWidth: number, outHeight: number) {
    this.grid = densityFromLogDensity(new Float32Array(outWidth * outHeight), outWidth, outHeight, lb);
    this.#frameWidth = lb.frameWidth;
    this.#frameHeight = lb.frameHeight;
    this.#cells = outWidth * outHeight;
    // the grid's first cell on the output grid: its corner (x0, y0) back in input pixels
    const corner = frameToInput(lb, this.grid.x0, this.grid.y0);
    const j0 = Math.round((corner.x * outWidth) / lb.inputWidth);
    const i0 = Math.round((corner.y * outHeight) / lb.inputHeight);
    const { width: w, height: h } = this.grid;
    this.#index = new Int32Array(w * h);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) this.#index[i * w + j] = (i0 + i) * outWidth + (j0 + j);
    this.#weights = new Float64Array(w * h);
  }

  /** Row `row`'s fixation: a cell by its probability, then a point within it (three uniforms: cell, x, y). */
  draw(logDensity: Float32Array, row: number, rng: Pick<Xoshiro128, 'uniform'>): { x: number; y: number; cell: number } {
    const base = row * this.#cells;
    const index = this.#index, weights = this.#weights, cover = this.grid.data;
    let max = -Infinity;
    for (let k = 0; k < index.length; k++) max = Math.max(max, logDensity[base + index[k]!]!);
    for (let k = 0; k < index.length; k++) weights[k] = Math.exp(logDensity[base + index[k]!]! - max) * cover[k]!;
    return pointInCell(this.grid, drawIndex(weights, rng.uniform()), this.#frameWidth, this.#frameHeight, rng);
  }
}

// ---------------------------------------------------------------------------------------------
// Durations and onsets
// ---------------------------------------------------------------------------------------------

/** Log-normal fixation duration in ms: ln(ms) ~ N(mu, sigma); one normal draw. */
export function drawDurationMs(mu: number, sigma: number, rng: Pick<Xoshiro128, 'normal'>): number {
  if (!Number.isFinite(mu) || !(sigma > 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`a duration needs a finite mu and sigma > 0, got (${mu}, ${sigma})`);
  }
  return Math.exp(mu + sigma * rng.normal());
}

export interface ScanpathTiming {
  /** how long after the frame appears the start fixation typically ends, ms */
  readonly startMs: number;
  /** a typical saccade, ms */
  readonly saccadeMs: number;
}

/**
 * Used when the manifest's scanpath has no `timing`: the contract's example values, which are the
 * usual figures of free viewing (the first saccade leaves the fixation cross after about 300 ms; a
 * saccade of a few degrees takes about 40 ms).
 */
export const DEFAULT_TIMING: ScanpathTiming = { startMs: 300, saccadeMs: 40 };

/**
 * Used when the scanpath graph has no `next_log_duration`: one log-normal for every fixation,
 * median 250 ms (ln 250 = 5.52) with sigma 0.45 (about 125-500 ms as the central 87 %), the
 * textbook shape of free-viewing fixation durations.
 */
export const DEFAULT_LOG_DURATION = { mu: Math.log(250), sigma: 0.45 } as const;

/** Onset of a viewer's first predicted fixation: the start fixation ends, then one saccade. */
export function firstOnsetMs(timing: ScanpathTiming): number {
  return timing.startMs + timing.saccadeMs;
}

/** Onset of the fixation after one at `onsetMs` lasting `durationMs`. */
export function nextOnsetMs(onsetMs: number, durationMs: number, timing: ScanpathTiming): number {
  return onsetMs + durationMs + timing.saccadeMs;
}

// ---------------------------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------------------------

/** A fixation in the model input's normalised coordinates (0..1 across the letterboxed input). */
export interface NormalisedFixation {
  readonly x: number;
  readonly y: number;
}

/** A native-pixel point in the model input's normalised coordinates: (x / input.width, y / input.height). */
export function normalisedOnInput(lb: Letterbox, x: number, y: number): NormalisedFixation {
  const p = frameToInput(lb, x, y);
  return { x: p.x / lb.inputWidth, y: p.y / lb.inputHeight };
}

/** Where the gaze rests when the frame appears: the frame's centre (the fixation cross). */
export function startFixation(lb: Letterbox): NormalisedFixation {
  return normalisedOnInput(lb, lb.frameWidth / 2, lb.frameHeight / 2);
}

/**
 * Writes the history row of one viewer into `out` ([B, K, 3] float32) at `row`: the K most recent
 * of `fixations` (oldest first in the array), most recent first, as (x, y, 1); entries beyond the
 * viewer's fixations are (0, 0, 0).
 */
export function writeHistoryRow(out: Float32Array, row: number, k: number, fixations: readonly NormalisedFixation[]): void {
  const base = row * k * 3;
  for (let e = 0; e < k; e++) {
    const f = fixations[fixations.length - 1 - e];
    out[base + e * 3] = f ? f.x : 0;
    out[base + e * 3 + 1] = f ? f.y : 0;
    out[base + e * 3 + 2] = f ? 1 : 0;
  }
}

/** FNV-1a of a text as a 32-bit seed (profileSeed's hash; kept for seeds of one's own naming). */
export function audienceSeed(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The seed of an audience's study, from what the model is given (its profile), not from its name
 * or id: the same audience gives the same study after a reload, in the app and on the command
 * line alike ("age=18-24; gender=female" there is the app's "Women, aged 18-24"), and audiences
 * that differ are drawn independently, as the A/B comparison's interval assumes. The text hashed
 * is the tokens by key (`unknown` left out) and the embedding as float32, so a Float32Array and
 * the stored numbers give one seed.
 */
export function profileSeed(profile: Profile): number {
  const tokens = Object.entries(profile.tokens ?? {})
    .filter(([, v]) => v !== '' && v !== 'unknown')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
  const embedding = profile.embedding ? Array.from(profile.embedding, (x) => String(Math.fround(x))).join(',') : '';
  return audienceSeed(`${tokens}|${embedding}`);
}
