/**
 * Pixels → model input: the normalisation half of MODEL_CONTRACT.md's letterbox, shared by every
 * home of the engine (the worker draws the frame into the letterbox with a canvas, the Node
 * engine gets pixels already scaled by sharp or ffmpeg; both end here, so both feed the model
 * the same numbers). value = (pixel / 255 - mean) / std; the padding stays exactly 0.
 */
import type { Letterbox } from './letterbox';

export interface InputNormalisation {
  /** model input size */
  readonly width: number;
  readonly height: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Per-channel scale and offset: value = pixel * scale + offset (one multiply-add per value). */
export interface ChannelAffine {
  readonly scale: Float32Array;
  readonly offset: Float32Array;
}

export function channelAffine(mean: readonly number[], std: readonly number[]): ChannelAffine {
  return { scale: Float32Array.from(std, (s) => 1 / (255 * s)), offset: Float32Array.from(mean, (m, c) => -m / std[c]!) };
}

/**
 * Writes the letterbox content `pixels` (lb.width x lb.height, `channels` bytes per pixel, RGB
 * first; 4 = RGBA with alpha ignored, 3 = RGB) into a float32 CHW tensor of the model's input
 * size, at the letterbox offset. Returns a new array unless `out` (3 x W x H, zeroed padding) is given.
 */
export function pixelsToInputTensor(
  pixels: ArrayLike<number>,
  channels: 3 | 4,
  lb: Letterbox,
  input: Pick<InputNormalisation, 'width' | 'height'>,
  affine: ChannelAffine,
  out: Float32Array = new Float32Array(3 * input.width * input.height),
): Float32Array {
  const { width: W, height: H } = input;
  if (pixels.length < lb.width * lb.height * channels) {
    throw new RangeError(`${pixels.length} pixel bytes for a ${lb.width}x${lb.height} letterbox of ${channels} channels`);
  }
  const plane = W * H;
  const s0 = affine.scale[0]!, s1 = affine.scale[1]!, s2 = affine.scale[2]!;
  const o0 = affine.offset[0]!, o1 = affine.offset[1]!, o2 = affine.offset[2]!;
  for (let y = 0; y < lb.height; y++) {
    let src = y * lb.width * channels;
    let dst = (lb.y + y) * W + lb.x;
    for (let x = 0; x < lb.width; x++, src += channels, dst++) {
      out[dst] = pixels[src]! * s0 + o0;
      out[plane + dst] = pixels[src + 1]! * s1 + o1;
      out[2 * plane + dst] = pixels[src + 2]! * s2 + o2;
    }
  }
  return out;
}
