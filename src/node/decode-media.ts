/**
 * Media → pixels for the Node engine. Images are decoded with sharp (libvips: prebuilt for each
 * platform and delivered as npm packages, JPEG shrink-on-load makes the letterbox-sized decode of
 * a large photo cheap); videos with the ffmpeg and ffprobe programs (the one decoder that reads
 * every codec and container a creative comes in; there is no well-kept pure-npm equivalent).
 *
 * Pixels come out RGBA at the letterbox content size (what the engine takes) and, for overlays,
 * at the native size. Transparent image pixels are flattened onto the model's mean colour, as the
 * browser's preprocessing does, so they normalise to about 0 like the padding.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Letterbox } from '../core/letterbox';
import { GazecastError } from '../core/errors';

/** RGBA pixels, ImageData's shape (what NativeEngine.predict takes). */
export interface Pixels {
  readonly data: Uint8ClampedArray<ArrayBuffer>;
  readonly width: number;
  readonly height: number;
  readonly colorSpace: 'srgb';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The part of sharp's API used here (sharp 0.35's typings declare no default export to import it by). */
interface SharpPipeline {
  metadata(): Promise<{ width?: number; height?: number; orientation?: number }>;
  autoOrient(): SharpPipeline;
  flatten(o: { background: { r: number; g: number; b: number } }): SharpPipeline;
  resize(width: number, height: number, o: { fit: 'fill' }): SharpPipeline;
  ensureAlpha(): SharpPipeline;
  raw(): SharpPipeline;
  toBuffer(o: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number } }>;
}
type Sharp = (input: string, options?: { failOn?: 'none' | 'truncated' | 'error' | 'warning' }) => SharpPipeline;
let sharpModule: Promise<Sharp> | undefined;

async function loadSharp(): Promise<Sharp> {
  // require, as for onnxruntime-node (native-engine.ts): also works through Vite's module runner
  sharpModule ??= Promise.resolve()
    .then(() => createRequire(import.meta.url)('sharp') as Sharp)
    .catch((e: unknown) => {
      sharpModule = undefined;
      throw new GazecastError('dependency-missing', `sharp could not be loaded (${message(e)}). The command line decodes images with it: npm install sharp (an optional dependency of gazecast).`, { cause: e });
    });
  return sharpModule;
}

function pixels(data: Buffer, width: number, height: number): Pixels {
  // Node's Buffers sit on plain ArrayBuffers (never shared ones)
  return { data: new Uint8ClampedArray(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength), width, height, colorSpace: 'srgb' };
}

function imageError(path: string, e: unknown): GazecastError {
  const text = message(e);
  if (/unsupported image format|bad seek|Input file is missing/i.test(text)) {
    return new GazecastError('media-unsupported', `${path}: sharp cannot read this image (${text}).`, { cause: e });
  }
  return new GazecastError('media-corrupt', `${path}: the image cannot be decoded, it may be damaged or truncated (${text}).`, { cause: e });
}

/** Native size after EXIF orientation (what a browser shows, and what points are given in). */
export async function imageSize(path: string): Promise<{ width: number; height: number }> {
  const sharp = await loadSharp();
  try {
    const meta = await sharp(path).metadata();
    if (!meta.width || !meta.height) throw new Error('no size in the header');
    const swap = (meta.orientation ?? 1) >= 5;
    return swap ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
  } catch (e) {
    throw imageError(path, e);
  }
}

/** The image scaled to `width` x `height` (the letterbox content, or the native size), RGBA. */
export async function decodeImage(path: string, width: number, height: number, background: readonly number[]): Promise<Pixels> {
  const sharp = await loadSharp();
  try {
    const [r, g, b] = background.map((m) => Math.round(m * 255));
    const { data, info } = await sharp(path, { failOn: 'error' })
      .autoOrient()
      .flatten({ background: { r: r!, g: g!, b: b! } })
      .resize(width, height, { fit: 'fill' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return pixels(data, info.width, info.height);
  } catch (e) {
    throw imageError(path, e);
  }
}

// ---- video, through ffmpeg

const FFMPEG_HINT = 'Install ffmpeg (it provides ffprobe too): apt-get install ffmpeg on Debian/Ubuntu, brew install ffmpeg on macOS, or put both on PATH.';

interface Run {
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs ffmpeg or ffprobe; `dependency-missing` when the program is not installed. */
function run(program: 'ffmpeg' | 'ffprobe', args: readonly string[], onData?: (chunk: Buffer) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env[`GAZECAST_${program.toUpperCase()}`] ?? program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => (onData ? onData(c) : out.push(c)));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new GazecastError('dependency-missing', `${program} was not found: gazecast reads videos with ffmpeg. ${FFMPEG_HINT}`, { cause: e }) : e);
    });
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
      else reject(new GazecastError('media-corrupt', `${program} failed (exit code ${code}): ${err.trim().split('\n').slice(-3).join(' ') || 'no message'}`));
    });
  });
}

export interface VideoInfo {
  readonly width: number;
  readonly height: number;
  readonly durationS: number;
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  let r: Run;
  try {
    r = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,duration:stream_side_data=rotation:format=duration', '-of', 'json', path]);
  } catch (e) {
    if (isCoded(e, 'media-corrupt')) throw new GazecastError('media-unsupported', `${path}: ffprobe cannot read this video (${e.message}).`, { cause: e });
    throw e;
  }
  const json = JSON.parse(r.stdout.toString()) as { streams?: { width?: number; height?: number; duration?: string; side_data_list?: { rotation?: number }[] }[]; format?: { duration?: string } };
  const s = json.streams?.[0];
  if (!s?.width || !s.height) throw new GazecastError('media-unsupported', `${path}: no video stream ffmpeg can decode.`);
  const durationS = Number(s.duration ?? json.format?.duration);
  if (!(durationS > 0)) throw new GazecastError('media-corrupt', `${path}: the video has no duration (empty or damaged).`);
  // ffmpeg applies a rotation tag while decoding (autorotate), so report the size it delivers
  const rotation = Math.abs(s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0) % 180;
  return rotation === 90 ? { width: s.height, height: s.width, durationS } : { width: s.width, height: s.height, durationS };
}

function isCoded(e: unknown, code: string): e is GazecastError {
  return e instanceof GazecastError && e.code === code;
}

/** The video filter scaling to the letterbox content like test/golden/make-golden.mjs: area filter, BT.709. */
function scaleFilter(width: number, height: number): string {
  return `scale=${width}:${height}:flags=area:in_color_matrix=bt709`;
}

/**
 * Frames at `timesS` (ascending, as sampleTimes gives them), scaled to the letterbox content,
 * handed to `onFrame` in order while ffmpeg is still decoding (a long video is never held whole).
 * One ffmpeg process; its fps filter with round=up takes the first frame at or after each sample
 * time (for the fixture, the very frame `ffmpeg -ss 1.0` gives the goldens).
 */
export async function decodeVideoFrames(
  path: string,
  lb: Letterbox,
  samplesPerSecond: number,
  count: number,
  onFrame: (frame: Pixels, index: number) => void,
): Promise<number> {
  const size = lb.width * lb.height * 4;
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  const take = (chunk: Buffer): void => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= size && index < count) {
      const frame = Buffer.from(pending.subarray(0, size));
      pending = pending.subarray(size);
      onFrame(pixels(frame, lb.width, lb.height), index++);
    }
  };
  await run(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-an', '-vf', `fps=${samplesPerSecond}:round=up,${scaleFilter(lb.width, lb.height)}`, '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    take,
  );
  return index;
}

/** One frame at native size (for the overlay PNG of a video). */
export async function decodeVideoFrameAt(path: string, timeS: number, width: number, height: number): Promise<Pixels> {
  const r = await run('ffmpeg', ['-v', 'error', '-ss', timeS.toFixed(3), '-i', path, '-an', '-frames:v', '1', '-vf', `scale=${width}:${height}:in_color_matrix=bt709`, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);
  if (r.stdout.length !== width * height * 4) throw new GazecastError('media-corrupt', `${path}: no frame at ${timeS.toFixed(3)} s.`);
  return pixels(r.stdout, width, height);
}
