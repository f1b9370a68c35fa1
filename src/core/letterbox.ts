/**
 * Letterbox geometry (MODEL_CONTRACT.md "Letterbox"): the frame is scaled by one factor to fit
 * inside the model input, centred, and the padding normalises to 0. The content is drawn at whole
 * pixels (size rounded, offset floored), so the inverse uses the exact per-axis scale of the drawn
 * rectangle: a point at native (x, y) maps forward and back to itself.
 */

export interface Letterbox {
  /** native frame size */
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** model input size */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** where the frame is drawn in input pixels: [x, x + width) x [y, y + height) */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function computeLetterbox(frameWidth: number, frameHeight: number, inputWidth: number, inputHeight: number): Letterbox {
  if (!(frameWidth > 0 && frameHeight > 0 && Number.isFinite(frameWidth) && Number.isFinite(frameHeight))) {
    throw new RangeError(`frame size must be positive, got ${frameWidth}x${frameHeight}`);
  }
  const scale = Math.min(inputWidth / frameWidth, inputHeight / frameHeight);
  const width = Math.min(inputWidth, Math.max(1, Math.round(frameWidth * scale)));
  const height = Math.min(inputHeight, Math.max(1, Math.round(frameHeight * scale)));
  return {
    frameWidth,
    frameHeight,
    inputWidth,
    inputHeight,
    x: Math.floor((inputWidth - width) / 2),
    y: Math.floor((inputHeight - height) / 2),
    width,
    height,
  };
}

/** native frame pixels → model input pixels */
export function frameToInput(lb: Letterbox, x: number, y: number): { x: number; y: number } {
  return { x: lb.x + (x * lb.width) / lb.frameWidth, y: lb.y + (y * lb.height) / lb.frameHeight };
}

/** model input pixels → native frame pixels (exact inverse of frameToInput) */
export function inputToFrame(lb: Letterbox, x: number, y: number): { x: number; y: number } {
  return { x: ((x - lb.x) * lb.frameWidth) / lb.width, y: ((y - lb.y) * lb.frameHeight) / lb.height };
}

/** The letterbox's content rectangle on an output grid of `outWidth` x `outHeight` cells
 *  (fractional cell units): which cells cover the frame, and how much. */
export function contentOnGrid(lb: Letterbox, outWidth: number, outHeight: number): { x0: number; y0: number; x1: number; y1: number } {
  const sx = outWidth / lb.inputWidth;
  const sy = outHeight / lb.inputHeight;
  return { x0: lb.x * sx, y0: lb.y * sy, x1: (lb.x + lb.width) * sx, y1: (lb.y + lb.height) * sy };
}
