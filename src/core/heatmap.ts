/**
 * Colormaps and density → RGBA for heatmaps. Pure so it is tested in Node; the overlay draws the
 * small RGBA grid scaled up with smoothing.
 */
import { GazecastError } from './errors';
import type { DensityMap } from './prediction-types';

export type ColormapName = 'turbo' | 'viridis' | 'inferno' | 'magma';

type Poly = readonly (readonly [number, number, number])[];

// Polynomial fits of the matplotlib/Google colormaps (coefficients c0..c6, t in [0, 1]).
const POLY: Record<Exclude<ColormapName, 'turbo'>, Poly> = {
  viridis: [
    [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
    [0.1050930431085774, 1.404613529898575, 1.384590162594685],
    [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
    [-4.634230498983486, -5.799100973351585, -19.33244095627987],
    [6.228269936347081, 14.17993336680509, 56.69055260068105],
    [4.776384997670288, -13.74514537774601, -65.35303263337234],
    [-5.435455855934631, 4.645852612178535, 26.3124352495832],
  ],
  inferno: [
    [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
    [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
    [11.60249308247187, -3.972853965665698, -15.9423941062914],
    [-41.70399613139459, 17.43639888205313, 44.35414519872813],
    [77.162935699427, -33.40235894210092, -81.80730925738993],
    [-71.31942824499214, 32.62606426397723, 73.20951985803202],
    [25.13112622477341, -12.24266895238567, -23.07032500287172],
  ],
  magma: [
    [-0.002136485053939582, -0.000749655052795221, -0.005386127855323933],
    [0.2516605407371642, 0.6775232436837668, 2.494026599312351],
    [8.353717279216625, -3.577719514958484, 0.3144679030132573],
    [-27.66873308576866, 14.26473078096533, -13.64921318813922],
    [52.17613981234068, -27.94360607168351, 12.94416944238394],
    [-50.76852536473588, 29.04658282127291, 4.23415299384598],
    [18.65570506591883, -11.48977351997711, -5.601961508734096],
  ],
};

const TURBO: Poly = [
  [0.13572138, 0.0914026, 0.1066733],
  [4.6153926, 2.19418839, 12.64194608],
  [-42.66032258, 4.84296658, -60.58204836],
  [132.13108234, -14.18503333, 110.36276771],
  [-152.94239396, 4.27729857, -89.90310912],
  [59.28637943, 2.82956604, 27.34824973],
];

function buildLut(poly: Poly): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = poly.length - 1; k >= 0; k--) v = v * t + poly[k]![c]!;
      lut[i * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  return lut;
}

// Built once at load (4 x 768 bytes); read-only afterwards.
const LUTS: Readonly<Record<ColormapName, Uint8ClampedArray>> = {
  turbo: buildLut(TURBO),
  viridis: buildLut(POLY.viridis),
  inferno: buildLut(POLY.inferno),
  magma: buildLut(POLY.magma),
};

/** 256 RGB entries (768 bytes) of a colormap; do not modify. */
export function colormapLut(name: ColormapName): Uint8ClampedArray {
  const lut = LUTS[name];
  if (!lut) throw new GazecastError('invalid-argument', `Unknown colormap "${String(name)}": use turbo, viridis, inferno or magma.`);
  return lut;
}

export interface HeatmapStyle {
  readonly colormap?: ColormapName;
  /** maximum alpha, 0..1 */
  readonly opacity?: number;
  /** values below this fraction of the maximum are transparent */
  readonly threshold?: number;
  /** alpha = opacity * (v / max) ^ gamma; below 1 shows more of the tails */
  readonly gamma?: number;
  /** the part of the colormap used, [from, to] in 0..1: the lowest value drawn gets `from`'s
   *  colour, the maximum `to`'s */
  readonly range?: readonly [number, number];
}

/**
 * The one heatmap look of gazecast (app, exports, widget): inferno from deep purple through red
 * and orange to yellow. It is perceptually ordered (lightness rises with density) and has no
 * green, so it stays legible on foliage, grass and green packaging, where turbo's green-yellow
 * middle vanished; its black bottom and pale top are cut off (invisible on dark and on light
 * pictures) and alpha rises with density, so weak cells let the picture through.
 */
export const ATTENTION_HEATMAP: Required<HeatmapStyle> = {
  colormap: 'inferno',
  opacity: 0.85,
  threshold: 0.05,
  gamma: 0.5, // predicted densities are peaked: a square root keeps the shoulders of a peak visible
  range: [0.3, 0.92],
};

/** RGBA pixels (width x height of the density grid) for a heatmap of `d`, normalised to its
 *  maximum; unset style fields come from ATTENTION_HEATMAP. */
export function densityToRgba(d: DensityMap, style: HeatmapStyle = {}): Uint8ClampedArray {
  const s = { ...ATTENTION_HEATMAP, ...style };
  const lut = colormapLut(s.colormap);
  const [from, to] = s.range;
  let max = 0;
  for (let k = 0; k < d.data.length; k++) max = Math.max(max, d.data[k]!);
  const out = new Uint8ClampedArray(d.width * d.height * 4);
  if (!(max > 0)) return out;
  for (let k = 0; k < d.data.length; k++) {
    const v = d.data[k]! / max;
    const idx = Math.round((from + (to - from) * v) * 255) * 3;
    out[k * 4] = lut[idx]!;
    out[k * 4 + 1] = lut[idx + 1]!;
    out[k * 4 + 2] = lut[idx + 2]!;
    out[k * 4 + 3] = v < s.threshold ? 0 : Math.round(255 * s.opacity * Math.pow(v, s.gamma));
  }
  return out;
}
