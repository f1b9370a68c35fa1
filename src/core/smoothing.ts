/**
 * Temporal smoothing of video predictions: an exponential moving average of the density with a
 * time constant in media time, so the result does not depend on how many frames were sampled.
 * Points are then decoded from the smoothed density, which keeps them stable from frame to frame
 * without lagging behind a cut by more than about one time constant.
 */
import { checkDensityMap, checkNumber, checkOptions, checkOptionalNumber } from './arguments';
import type { DensityMap } from './prediction-types';

export interface SmoothingOptions {
  /** time constant of the moving average, ms of media time (default 250) */
  readonly timeConstantMs?: number;
  /** a jump in media time larger than this (a seek or a gap), or backwards, restarts the average (default 2000) */
  readonly resetAfterMs?: number;
}

export class DensitySmoother {
  readonly timeConstantMs: number;
  readonly resetAfterMs: number;
  #state: DensityMap | undefined;
  #lastMs = 0;

  constructor(options: SmoothingOptions = {}) {
    const o = checkOptions(options, 'options');
    checkOptionalNumber(o.timeConstantMs, 'options.timeConstantMs', { min: 0 });
    checkOptionalNumber(o.resetAfterMs, 'options.resetAfterMs', { min: 0 });
    this.timeConstantMs = options.timeConstantMs ?? 250;
    this.resetAfterMs = options.resetAfterMs ?? 2000;
    if (!(this.timeConstantMs >= 0)) throw new RangeError(`timeConstantMs must be >= 0, got ${this.timeConstantMs}`);
  }

  /** Forgets the history (e.g. after the user seeks). */
  reset(): void {
    this.#state = undefined;
  }

  /** Feeds one density at `timestampMs` and returns the smoothed density (a new object; inputs are not modified). */
  push(d: DensityMap, timestampMs: number): DensityMap {
    checkDensityMap(d, 'density');
    checkNumber(timestampMs, 'timestampMs');
    const prev = this.#state;
    const dt = timestampMs - this.#lastMs;
    this.#lastMs = timestampMs;
    if (!prev || !sameGrid(prev, d) || dt < 0 || dt > this.resetAfterMs || this.timeConstantMs === 0) {
      this.#state = { ...d, data: d.data.slice() };
      return { ...d, data: d.data.slice() };
    }
    // weight of the new frame: 1 - exp(-dt / tau); renormalised against float drift
    const a = 1 - Math.exp(-dt / this.timeConstantMs);
    const data = new Float32Array(d.data.length);
    let sum = 0;
    for (let k = 0; k < data.length; k++) {
      const v = prev.data[k]! + a * (d.data[k]! - prev.data[k]!);
      data[k] = v;
      sum += v;
    }
    for (let k = 0; k < data.length; k++) data[k] = data[k]! / sum;
    this.#state = { ...d, data };
    return { ...d, data: data.slice() };
  }
}

function sameGrid(a: DensityMap, b: DensityMap): boolean {
  const close = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));
  return (
    a.width === b.width &&
    a.height === b.height &&
    close(a.x0, b.x0) &&
    close(a.y0, b.y0) &&
    close(a.cellWidth, b.cellWidth) &&
    close(a.cellHeight, b.cellHeight)
  );
}
