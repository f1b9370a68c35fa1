/**
 * One viewing's fixations → the encoder's `fixation_density` input: float32 [1, 1, h, w] on the
 * model's OUTPUT grid, summing to 1 (MODEL_CONTRACT.md "encoder"). Points go through exactly the
 * letterbox the image goes through (src/core/letterbox.ts), so a fixation lands in the cell whose
 * input region shows what the viewer looked at.
 */
import { GazecastError } from '../errors';
import { computeLetterbox, frameToInput } from '../letterbox';

export interface OutputGrid {
  /** model input size (manifest.input) */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** model output size (manifest.output) */
  readonly outputWidth: number;
  readonly outputHeight: number;
}

export interface GazePoint {
  readonly x: number;
  readonly y: number;
}

/** Flat output-grid cell (row * width + col) of a native-pixel point, clamped to the grid. */
export function fixationCell(grid: OutputGrid, frameWidth: number, frameHeight: number, p: GazePoint): number {
  const lb = computeLetterbox(frameWidth, frameHeight, grid.inputWidth, grid.inputHeight);
  return cellOf(grid, frameToInput(lb, p.x, p.y));
}

function cellOf(grid: OutputGrid, q: GazePoint): number {
  const col = Math.min(grid.outputWidth - 1, Math.max(0, Math.floor((q.x * grid.outputWidth) / grid.inputWidth)));
  const row = Math.min(grid.outputHeight - 1, Math.max(0, Math.floor((q.y * grid.outputHeight) / grid.inputHeight)));
  return row * grid.outputWidth + col;
}

/**
 * The normalised histogram of `points` (native pixels of a `frameWidth` x `frameHeight` frame)
 * on the output grid. Points outside the frame are left out; a viewing with none inside has no
 * density and is an error (an embedding from nothing would silently be noise).
 */
export function fixationDensity(
  grid: OutputGrid, frameWidth: number, frameHeight: number, points: readonly GazePoint[],
): Float32Array {
  const lb = computeLetterbox(frameWidth, frameHeight, grid.inputWidth, grid.inputHeight);
  const out = new Float32Array(grid.outputWidth * grid.outputHeight);
  let n = 0;
  for (const p of points) {
    if (!(p.x >= 0 && p.y >= 0 && p.x < frameWidth && p.y < frameHeight)) continue;
    out[cellOf(grid, frameToInput(lb, p.x, p.y))]! += 1;
    n++;
  }
  if (n === 0) {
    throw new GazecastError('import-invalid',
      `none of the ${points.length} fixations lies inside the ${frameWidth}x${frameHeight} frame, so the viewing has no density`);
  }
  for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

/**
 * Rescales fixations recorded on a stimulus of one size to the frame actually decoded (e.g. an
 * export that gives the presented size while the image file is larger).
 */
export function rescalePoints<P extends GazePoint>(
  points: readonly P[], from: { width: number; height: number }, to: { width: number; height: number },
): P[] {
  if (from.width === to.width && from.height === to.height) return [...points];
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return points.map((p) => ({ ...p, x: p.x * sx, y: p.y * sy }));
}
