/**
 * A viewer's fixations on a frame → the encoder's `fixation_density` input: a float32 map on the
 * model's output grid, in letterboxed coordinates (the same cells `log_density` uses), blurred
 * with a Gaussian and summing to 1 (MODEL_CONTRACT.md "encoder").
 */
import { frameToInput, type Letterbox } from './letterbox';

export interface FixationDensityOptions {
  /** Gaussian sigma in output cells (default 1) */
  readonly sigmaCells?: number;
}

export function fixationDensity(
  fixations: readonly { readonly x: number; readonly y: number }[],
  lb: Letterbox,
  outWidth: number,
  outHeight: number,
  options: FixationDensityOptions = {},
): Float32Array {
  const sigma = options.sigmaCells ?? 1;
  const out = new Float32Array(outWidth * outHeight);
  const inside = fixations.filter((f) => f.x >= 0 && f.y >= 0 && f.x < lb.frameWidth && f.y < lb.frameHeight);
  if (inside.length === 0) throw new RangeError('no fixation lies inside the frame');
  const cw = lb.inputWidth / outWidth, ch = lb.inputHeight / outHeight;
  for (const f of inside) {
    const p = frameToInput(lb, f.x, f.y);
    const cx = p.x / cw - 0.5, cy = p.y / ch - 0.5; // in cell-centre units
    for (let i = 0; i < outHeight; i++) {
      const gy = sigma > 0 ? Math.exp(-((i - cy) ** 2) / (2 * sigma * sigma)) : Number(i === Math.round(cy));
      if (gy < 1e-8) continue;
      for (let j = 0; j < outWidth; j++) {
        const gx = sigma > 0 ? Math.exp(-((j - cx) ** 2) / (2 * sigma * sigma)) : Number(j === Math.round(cx));
        out[i * outWidth + j] = out[i * outWidth + j]! + gx * gy;
      }
    }
  }
  let sum = 0;
  for (let k = 0; k < out.length; k++) sum += out[k]!;
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / sum;
  return out;
}
