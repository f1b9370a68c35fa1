/**
 * What a file is, from its first bytes, before the browser is asked to decode it: so that an
 * empty file, a 50-megapixel image or an HEVC video gets a precise message instead of a
 * generic decode failure (and a 50 MP image is refused before 200 MB of pixels are allocated).
 * Pure code: no DOM.
 */
import { GazecastError } from '../index';

export type SniffedKind =
  | { kind: 'image'; format: 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'avif'; width?: number; height?: number }
  | { kind: 'video'; container: 'mp4' | 'webm' | 'ogg'; hevc: boolean }
  | { kind: 'unknown' };

export interface MediaLimits {
  /** largest image the app opens, in megapixels */
  readonly maxImageMegapixels: number;
  /** longest video the app opens, in minutes */
  readonly maxVideoMinutes: number;
}

/** 40 MP keeps a native-resolution PNG export under ~160 MB of pixels; 20 minutes keeps a
 *  whole-video analysis at 5 samples/s to 6,000 frames. Both are documented in the README. */
export const DEFAULT_LIMITS: MediaLimits = { maxImageMegapixels: 40, maxVideoMinutes: 20 };

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && at + i < b.length; i++) s += String.fromCharCode(b[at + i]!);
  return s;
}

function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

function u16be(b: Uint8Array, at: number): number {
  return (b[at]! << 8) + b[at + 1]!;
}

function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) { i++; continue; }
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) carry the frame size
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: u16be(b, i + 5), width: u16be(b, i + 7) };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    i += 2 + u16be(b, i + 2);
  }
  return undefined;
}

function webpSize(b: Uint8Array): { width: number; height: number } | undefined {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X' && b.length >= 30) {
    return { width: 1 + (b[24]! | (b[25]! << 8) | (b[26]! << 16)), height: 1 + (b[27]! | (b[28]! << 8) | (b[29]! << 16)) };
  }
  if (chunk === 'VP8 ' && b.length >= 30) {
    return { width: (b[26]! | (b[27]! << 8)) & 0x3fff, height: (b[28]! | (b[29]! << 8)) & 0x3fff };
  }
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return undefined;
}

/** True if the bytes hold an HEVC sample entry or codec string (hvc1/hev1) anywhere. */
export function containsHevc(b: Uint8Array): boolean {
  for (let i = 0; i + 4 <= b.length; i++) {
    if (b[i] === 0x68 && (b[i + 1] === 0x76 || b[i + 1] === 0x65)) {
      const s = ascii(b, i, 4);
      if (s === 'hvc1' || s === 'hev1') return true;
    }
  }
  return false;
}

/**
 * Identifies the file from its head (the first ~64 KB) and, for MP4, optionally its tail
 * (the `moov` box, which holds the codec, is at the end of files written without faststart).
 */
export function sniff(head: Uint8Array, tail?: Uint8Array): SniffedKind {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return { kind: 'image', format: 'jpeg', ...jpegSize(head) };
  }
  if (head.length >= 24 && ascii(head, 1, 3) === 'PNG' && ascii(head, 12, 4) === 'IHDR') {
    return { kind: 'image', format: 'png', width: u32be(head, 16), height: u32be(head, 20) };
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return { kind: 'image', format: 'webp', ...webpSize(head) };
  if (ascii(head, 0, 4) === 'GIF8') return { kind: 'image', format: 'gif', width: head[6]! | (head[7]! << 8), height: head[8]! | (head[9]! << 8) };
  if (ascii(head, 0, 2) === 'BM' && head.length >= 26) {
    return { kind: 'image', format: 'bmp', width: Math.abs(new DataView(head.buffer, head.byteOffset).getInt32(18, true)), height: Math.abs(new DataView(head.buffer, head.byteOffset).getInt32(22, true)) };
  }
  if (ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand === 'avif' || brand === 'avis') return { kind: 'image', format: 'avif' };
    if (brand === 'heic' || brand === 'heix' || brand === 'mif1') return { kind: 'video', container: 'mp4', hevc: true };
    return { kind: 'video', container: 'mp4', hevc: containsHevc(head) || (tail !== undefined && containsHevc(tail)) };
  }
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return { kind: 'video', container: 'webm', hevc: false };
  if (ascii(head, 0, 4) === 'OggS') return { kind: 'video', container: 'ogg', hevc: false };
  return { kind: 'unknown' };
}

/**
 * Throws a GazecastError with an actionable message if the file cannot or should not be opened,
 * judging from its size and sniffed kind alone.
 */
export function checkBeforeDecode(name: string, bytes: number, s: SniffedKind, limits: MediaLimits = DEFAULT_LIMITS): void {
  if (bytes === 0) throw new GazecastError('media-corrupt', `“${name}” is empty (0 bytes). Choose the image or video file itself.`);
  if (s.kind === 'unknown') {
    throw new GazecastError(
      'media-unsupported',
      `“${name}” is not an image or video this app can read. Open a JPEG, PNG, WebP or AVIF image, or an MP4 or WebM video (H.264, VP8, VP9 or AV1).`,
    );
  }
  if (s.kind === 'video' && s.hevc) {
    throw new GazecastError(
      'media-unsupported',
      `“${name}” is encoded with HEVC (H.265), which this browser cannot decode. Re-encode it as H.264, VP9 or AV1, e.g. \`ffmpeg -i "${name}" -c:v libx264 -crf 20 out.mp4\`.`,
    );
  }
  if (s.kind === 'image' && s.width && s.height) checkImageSize(name, s.width, s.height, limits);
}

export function checkImageSize(name: string, width: number, height: number, limits: MediaLimits = DEFAULT_LIMITS): void {
  const mp = (width * height) / 1e6;
  if (mp > limits.maxImageMegapixels) {
    throw new GazecastError(
      'frame-too-large',
      `“${name}” is ${mp.toFixed(1)} megapixels (${width} x ${height}); this app opens images up to ${limits.maxImageMegapixels} MP. ` +
        'Predictions are made on a small copy anyway: scale it down (e.g. to 4000 px wide) and open it again.',
    );
  }
}

export function checkVideoDuration(name: string, durationS: number, limits: MediaLimits = DEFAULT_LIMITS): void {
  if (!Number.isFinite(durationS) || durationS <= 0) {
    throw new GazecastError('media-corrupt', `“${name}” reports no usable duration; the file may be damaged or still being written.`);
  }
  if (durationS > limits.maxVideoMinutes * 60) {
    const h = Math.floor(durationS / 3600), m = Math.round((durationS % 3600) / 60);
    throw new GazecastError(
      'frame-too-large',
      `“${name}” is ${h > 0 ? `${h} h ${m} min` : `${m} min`} long; this app analyses videos up to ${limits.maxVideoMinutes} minutes. ` +
        'Cut the part you want to test (e.g. `ffmpeg -ss 0 -t 60 -i in.mp4 -c copy clip.mp4`) and open that.',
    );
  }
}

/** Reads `length` bytes at `offset` of the file (fewer at its end). */
export type ByteReader = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Walks the top-level boxes of an ISO-BMFF (MP4/MOV) file and throws `media-corrupt` when one
 * runs past the end of the file, or when there is no `moov` (the index) or no `mdat` (the
 * pictures). A file cut short by an interrupted download or copy keeps a valid header, so
 * Chromium opens it, reports the full duration and then shows wrong or frozen frames past the
 * cut ("frame at 0:10.0" showing 6 s); the box sizes say so before anything is decoded.
 * Reads 16 bytes per top-level box (a handful per file), never the payload.
 */
export async function checkMp4Complete(name: string, size: number, read: ByteReader): Promise<void> {
  let at = 0;
  const seen = new Set<string>();
  for (let n = 0; at < size && n < 10_000; n++) {
    const h = await read(at, 16);
    if (h.length < 8) throw mp4Damaged(name, `${size - at} stray bytes at the end`);
    let boxSize = u32be(h, 0);
    const type = ascii(h, 4, 4);
    if (boxSize === 1) {
      if (h.length < 16) throw mp4Damaged(name, `box “${type}” is cut off`);
      boxSize = u32be(h, 8) * 2 ** 32 + u32be(h, 12);
    } else if (boxSize === 0) {
      boxSize = size - at; // "extends to the end of the file" (allowed for the last box)
    }
    if (boxSize < 8) throw mp4Damaged(name, `box “${type}” at byte ${at} has an impossible size`);
    seen.add(type);
    if (at + boxSize > size) {
      const missing = at + boxSize - size;
      throw mp4Damaged(name, `it ends ${formatBytes(missing)} before the end of its “${type}” box, so ${type === 'mdat' ? 'the later frames are missing' : 'part of it is missing'}`);
    }
    at += boxSize;
  }
  if (!seen.has('moov')) throw mp4Damaged(name, 'it has no index (“moov” box)');
  if (!seen.has('mdat') && !seen.has('moof')) throw mp4Damaged(name, 'it has no pictures (“mdat” box)');
}

function formatBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} KB` : `${n} bytes`;
}

function mp4Damaged(name: string, why: string): GazecastError {
  return new GazecastError(
    'media-corrupt',
    `“${name}” is damaged or incomplete: ${why}. Download or export it again; the work on screen is unchanged.`,
  );
}

/**
 * Turns a `<video>` error into a named error. Chromium reports a file it cannot even parse
 * (`DEMUXER_ERROR_*`, `FFmpegDemuxer: …`) with the same code as an unsupported codec
 * (MEDIA_ERR_SRC_NOT_SUPPORTED), so the code alone would call a damaged file a codec problem;
 * the pipeline status in the message tells the two apart. That status is for developers, so it
 * is kept out of the text the user reads (it stays in `cause`).
 */
export function mediaErrorFor(name: string, code: number | undefined, detail: string | undefined): GazecastError {
  const cause = detail ? new Error(detail) : undefined;
  const srcNotSupported = code === 4; // MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
  const demuxer = /DEMUXER_ERROR|FFmpegDemuxer|could not open|no supported streams/i.test(detail ?? '');
  const codec = /DECODER_ERROR_NOT_SUPPORTED|codec|decoder/i.test(detail ?? '');
  if (srcNotSupported && !(demuxer && !codec)) {
    return new GazecastError(
      'media-unsupported',
      `“${name}” uses a format or codec this browser cannot play. Open MP4 or WebM with H.264, VP8, VP9 or AV1, e.g. \`ffmpeg -i "${name}" -c:v libx264 out.mp4\`.`,
      { cause },
    );
  }
  return new GazecastError('media-corrupt', `“${name}” could not be read: the file is damaged or incomplete. Download or export it again.`, { cause });
}
