import type { DensityMap, FixationPoint } from '../../src/core/prediction-types';

/** A density on a W x H grid covering a frame of frameW x frameH native pixels, from a cell weight function. */
export function makeDensity(W: number, H: number, frameW: number, frameH: number, weight: (i: number, j: number) => number): DensityMap {
  const data = new Float32Array(W * H);
  let sum = 0;
  for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) { const v = weight(i, j); data[i * W + j] = v; sum += v; }
  for (let k = 0; k < data.length; k++) data[k]! /= sum;
  return { width: W, height: H, data, x0: 0, y0: 0, cellWidth: frameW / W, cellHeight: frameH / H };
}

export function pt(x: number, y: number, order: number, mass = 0.1): FixationPoint {
  return { x, y, order, mass };
}
