/**
 * Frame → model input: the letterbox of MODEL_CONTRACT.md into a float32 [1, 3, H, W] tensor,
 * value = (pixel / 255 - mean) / std, padding exactly 0. Only the model-sized canvas and tensor
 * are allocated, whatever the frame's size (a frame larger than the input is scaled down by the
 * canvas while drawing; the client usually hands over one that is already letterbox-sized).
 */
import { GazecastError } from '../core/errors';
import type { Letterbox } from '../core/letterbox';
import type { EngineFrame } from '../core/runtime-types';

type Ctx = OffscreenCanvasRenderingContext2D;

export function frameSize(frame: EngineFrame): { width: number; height: number } {
  if ('displayWidth' in frame) return { width: frame.displayWidth, height: frame.displayHeight }; // VideoFrame
  return { width: frame.width, height: frame.height };
}

/** Releases a frame's pixels (ImageBitmap and VideoFrame hold GPU or decoder memory). */
export function closeFrame(frame: EngineFrame): void {
  if ('close' in frame && typeof frame.close === 'function') frame.close();
}

export class Preprocessor {
  readonly #canvas: OffscreenCanvas;
  readonly #ctx: Ctx;
  readonly #scale: Float32Array;
  readonly #offset: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    mean: readonly number[],
    std: readonly number[],
  ) {
    this.#canvas = new OffscreenCanvas(width, height);
    const ctx = this.#canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    if (!ctx) throw new GazecastError('backend-failed', 'No 2D canvas context for pre-processing.');
    this.#ctx = ctx;
    this.#scale = Float32Array.from(std, (s) => 1 / (255 * s));
    this.#offset = Float32Array.from(mean, (m, c) => -m / std[c]!);
  }

  /** Draws `frame` into the letterbox and returns the normalised CHW tensor data. */
  async toTensor(frame: EngineFrame, lb: Letterbox, mean: readonly number[]): Promise<Float32Array> {
    const { width: fw, height: fh } = frameSize(frame);
    if (!(fw > 0 && fh > 0)) {
      throw new GazecastError('frame-invalid', 'The frame has no pixels (an ImageBitmap or VideoFrame that was already transferred or closed?).');
    }
    const ctx = this.#ctx;
    // Transparent pixels show the mean colour, which normalises to (about) 0 like the padding.
    ctx.fillStyle = `rgb(${mean.map((m) => Math.round(m * 255)).join(',')})`;
    ctx.fillRect(lb.x, lb.y, lb.width, lb.height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    if (frame instanceof ImageData) {
      if (fw === lb.width && fh === lb.height) {
        ctx.putImageData(frame, lb.x, lb.y);
      } else {
        const bitmap = await createImageBitmap(frame);
        try {
          ctx.drawImage(bitmap, lb.x, lb.y, lb.width, lb.height);
        } finally {
          bitmap.close();
        }
      }
    } else {
      ctx.drawImage(frame, lb.x, lb.y, lb.width, lb.height);
    }
    const rgba = ctx.getImageData(lb.x, lb.y, lb.width, lb.height).data;
    const { width: W, height: H } = this;
    const plane = W * H;
    const out = new Float32Array(3 * plane); // zero = the normalised padding
    const s0 = this.#scale[0]!, s1 = this.#scale[1]!, s2 = this.#scale[2]!;
    const o0 = this.#offset[0]!, o1 = this.#offset[1]!, o2 = this.#offset[2]!;
    for (let y = 0; y < lb.height; y++) {
      let src = y * lb.width * 4;
      let dst = (lb.y + y) * W + lb.x;
      for (let x = 0; x < lb.width; x++, src += 4, dst++) {
        out[dst] = rgba[src]! * s0 + o0;
        out[plane + dst] = rgba[src + 1]! * s1 + o1;
        out[2 * plane + dst] = rgba[src + 2]! * s2 + o2;
      }
    }
    return out;
  }
}
