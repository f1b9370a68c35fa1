/**
 * Opening a file as an image or a video element, with every failure turned into a named error
 * with an actionable message. Nothing here touches what is already on screen: the caller swaps
 * the new media in only when it fully loaded.
 */
import { GazecastError } from '../index';
import { checkBeforeDecode, checkImageSize, checkMp4Complete, checkVideoDuration, mediaErrorFor, sniff, type MediaLimits, DEFAULT_LIMITS } from './media-sniff';

export interface OpenedMedia {
  readonly kind: 'image' | 'video';
  readonly name: string;
  readonly file: Blob;
  readonly url: string;
  readonly width: number;
  readonly height: number;
  /** seconds, videos only */
  readonly durationS: number;
  readonly element: HTMLImageElement | HTMLVideoElement;
}

const HEAD = 64 * 1024;
const TAIL = 2 * 1024 * 1024;

async function bytes(b: Blob): Promise<Uint8Array> {
  return new Uint8Array(await b.arrayBuffer());
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

export async function openMedia(file: Blob, name: string, limits: MediaLimits = DEFAULT_LIMITS): Promise<OpenedMedia> {
  const head = await bytes(file.slice(0, HEAD));
  const tail = file.size > HEAD ? await bytes(file.slice(Math.max(HEAD, file.size - TAIL))) : undefined;
  const kind = sniff(head, tail);
  checkBeforeDecode(name, file.size, kind, limits);
  if (kind.kind === 'video' && kind.container === 'mp4') await checkMp4Complete(name, file.size, (at, n) => bytes(file.slice(at, at + n)));
  const url = URL.createObjectURL(file);
  try {
    if (kind.kind === 'image') return await openImage(file, name, url, limits);
    return await openVideo(file, name, url, limits);
  } catch (e) {
    URL.revokeObjectURL(url);
    throw e;
  }
}

async function openImage(file: Blob, name: string, url: string, limits: MediaLimits): Promise<OpenedMedia> {
  const img = new Image();
  img.decoding = 'async';
  img.alt = name;
  img.src = url;
  try {
    await img.decode();
  } catch (e) {
    throw new GazecastError('media-corrupt', `“${name}” could not be decoded as an image: the file is damaged or incomplete.`, { cause: e });
  }
  checkImageSize(name, img.naturalWidth, img.naturalHeight, limits);
  return { kind: 'image', name, file, url, width: img.naturalWidth, height: img.naturalHeight, durationS: 0, element: img };
}

function mediaErrorToGazecast(name: string, err: MediaError | null): GazecastError {
  return mediaErrorFor(name, err?.code, err?.message);
}

async function openVideo(file: Blob, name: string, url: string, limits: MediaLimits): Promise<OpenedMedia> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  video.crossOrigin = 'anonymous';
  video.setAttribute('aria-label', name);
  const loaded = new Promise<void>((resolve, reject) => {
    video.addEventListener('loadeddata', () => resolve(), { once: true });
    video.addEventListener('error', () => reject(mediaErrorToGazecast(name, video.error)), { once: true });
  });
  const meta = new Promise<void>((resolve, reject) => {
    video.addEventListener('loadedmetadata', () => resolve(), { once: true });
    video.addEventListener('error', () => reject(mediaErrorToGazecast(name, video.error)), { once: true });
  });
  video.src = url;
  const timeout = () => new GazecastError('media-corrupt', `“${name}” did not start decoding within 20 s: the file is damaged or not a video.`);
  await withTimeout(meta, 20_000, timeout);
  checkVideoDuration(name, video.duration, limits);
  if (video.videoWidth === 0 || video.videoHeight === 0) {
    throw new GazecastError('media-unsupported', `“${name}” has no video picture this browser can decode (audio only, or an unsupported codec such as HEVC).`);
  }
  await withTimeout(loaded, 20_000, timeout);
  checkImageSize(name, video.videoWidth, video.videoHeight, limits);
  return { kind: 'video', name, file, url, width: video.videoWidth, height: video.videoHeight, durationS: video.duration, element: video };
}

/** A second video element on the same file, for analysis that must not move the visible one. */
export async function cloneVideo(m: OpenedMedia): Promise<HTMLVideoElement> {
  const v = document.createElement('video');
  v.muted = true;
  v.preload = 'auto';
  v.src = m.url;
  await new Promise<void>((resolve, reject) => {
    v.addEventListener('loadeddata', () => resolve(), { once: true });
    v.addEventListener('error', () => reject(mediaErrorToGazecast(m.name, v.error)), { once: true });
  });
  return v;
}
