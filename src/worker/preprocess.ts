/**
 * Frame → model input: the letterbox of MODEL_CONTRACT.md into a float32 [1, 3, H, W] tensor,
 * value = (pixel / 255 - mean) / std, padding exactly 0. Only the model-sized canvas and tensor
 * are allocated, whatever the frame's size (a frame larger than the input is scaled down by the
 * canvas while drawing; the client usually hands over one that is already letterbox-sized).
 */
import { GazecastError } from '../core/errors';
import { channelAffine, pixelsToInputTensor, type ChannelAffine } from '../core/input-tensor';
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
  readonly #affine: ChannelAffine;

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
    this.#affine = channelAffine(mean, std);
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
    // the output is a new zeroed array each time: the tensor keeps it (zero = the normalised padding)
    return pixelsToInputTensor(rgba, 4, lb, this, this.#affine);
  }
}
