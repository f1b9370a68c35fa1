/**
 * Letterbox geometry (MODEL_CONTRACT.md "Letterbox"): the frame is scaled by one factor to fit
 * inside the model input, centred, and the padding normalises to 0. The content is drawn at whole
 * pixels: size round(frame x scale), offset round((input - frame x scale) / 2), both rounding half
 * to even exactly like Python's round() in training/ (so the browser sees the pixels the model was
 * trained and evaluated on). The inverse uses the exact per-axis scale of the drawn rectangle:
 * a point at native (x, y) maps forward and back to itself.
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

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function computeLetterbox(frameWidth: number, frameHeight: number, inputWidth: number, inputHeight: number): Letterbox {
  if (!(frameWidth > 0 && frameHeight > 0 && Number.isFinite(frameWidth) && Number.isFinite(frameHeight))) {
    throw new RangeError(`frame size must be positive, got ${frameWidth}x${frameHeight}`);
  }
  const scale = Math.min(inputWidth / frameWidth, inputHeight / frameHeight);
  const width = Math.min(inputWidth, Math.max(1, roundHalfEven(frameWidth * scale)));
  const height = Math.min(inputHeight, Math.max(1, roundHalfEven(frameHeight * scale)));
  return {
    frameWidth,
    frameHeight,
    inputWidth,
    inputHeight,
    x: Math.max(0, Math.min(inputWidth - width, roundHalfEven((inputWidth - frameWidth * scale) / 2))),
    y: Math.max(0, Math.min(inputHeight - height, roundHalfEven((inputHeight - frameHeight * scale) / 2))),
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
