/**
 * Frames from media: single images, analysis (seek through a whole video at a chosen rate) and
 * live (requestVideoFrameCallback during playback). A frame is captured already scaled down to
 * the letterbox's content size, so a 12000 x 8000 image never becomes a full-size buffer here or
 * in the worker; ImageBitmap and VideoFrame sources pass through untouched (they are transferred).
 */
import { checkNumber, checkSignal, describeValue, invalidArgument } from '../core/arguments';
import { GazecastError, isGazecastError } from '../core/errors';
import { computeLetterbox } from '../core/letterbox';
import type { EngineFrame } from '../core/runtime-types';
import type { FrameSource } from './predictor-types';

export interface CapturedFrame {
  readonly frame: EngineFrame;
  /** native size of the source */
  readonly width: number;
  readonly height: number;
}

function isVideoFrame(s: unknown): s is VideoFrame {
  return typeof VideoFrame !== 'undefined' && s instanceof VideoFrame;
}

/** One of the FrameSource types (JavaScript callers can pass anything). */
function isFrameSource(s: unknown): s is FrameSource {
  const is = (ctor: string): boolean => {
    const C = (globalThis as Record<string, unknown>)[ctor];
    return typeof C === 'function' && s instanceof (C as new () => object);
  };
  return ['ImageBitmap', 'VideoFrame', 'ImageData', 'HTMLImageElement', 'HTMLVideoElement', 'HTMLCanvasElement', 'OffscreenCanvas'].some(is);
}

/** Native pixel size of a frame source; throws 'frame-invalid' for one with no pixels yet. */
export function nativeSize(source: FrameSource): { width: number; height: number } {
  let width: number, height: number;
  if (!isFrameSource(source)) {
    throw new GazecastError(
      'frame-invalid',
      `A frame must be an ImageBitmap, VideoFrame, ImageData, <img>, <video>, <canvas> or OffscreenCanvas, got ${describeValue(source)}.`,
    );
  }
  if (isVideoFrame(source)) [width, height] = [source.displayWidth, source.displayHeight];
  else if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) {
    if (!source.complete) throw new GazecastError('frame-invalid', 'The image has not finished loading (await img.decode() first).');
    [width, height] = [source.naturalWidth, source.naturalHeight];
  } else if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) {
    if (source.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
      throw new GazecastError('frame-invalid', 'The video has no current frame yet (wait for "loadeddata" or "seeked").');
    }
    [width, height] = [source.videoWidth, source.videoHeight];
  } else [width, height] = [source.width, source.height];
  if (!(width > 0 && height > 0)) {
    throw new GazecastError('frame-invalid', `The frame has no pixels (${width}x${height}): an image without a size, or a frame already transferred or closed.`);
  }
  return { width, height };
}

/** A frame for the engine from any source, scaled to the letterbox content of an input of `inputWidth` x `inputHeight`. */
export async function captureFrame(source: FrameSource, inputWidth: number, inputHeight: number): Promise<CapturedFrame> {
  const { width, height } = nativeSize(source);
  if (isVideoFrame(source) || source instanceof ImageBitmap) return { frame: source, width, height };
  if (source instanceof HTMLVideoElement && typeof VideoFrame !== 'undefined') {
    // the frame at currentTime (a paused video is checked against it, see captureSeekedFrame)
    return captureSeekedFrame(source, source.paused ? source.currentTime : 0, { width: inputWidth, height: inputHeight });
  }
  const lb = computeLetterbox(width, height, inputWidth, inputHeight);
  let frame: ImageBitmap;
  try {
    frame = await createImageBitmap(source, { resizeWidth: lb.width, resizeHeight: lb.height, resizeQuality: 'high' });
  } catch (e) {
    throw new GazecastError('frame-invalid', `Could not read pixels from the ${width}x${height} frame: ${(e as Error).message}`, { cause: e });
  }
  return { frame, width, height };
}

function release(frame: EngineFrame): void {
  if ('close' in frame) frame.close();
}

/** The objects to transfer to the worker for a frame. */
export function transferablesOf(frame: EngineFrame): Transferable[] {
  if (frame instanceof ImageData) return [frame.data.buffer as ArrayBuffer];
  return [frame as ImageBitmap | VideoFrame];
}

/** The error an aborted analysis ends with: the reason when it is coded (close() gives 'closed'), else 'aborted'. */
function abortError(signal: AbortSignal): GazecastError {
  return isGazecastError(signal.reason) ? signal.reason : new GazecastError('aborted', 'The video analysis was aborted.', { cause: signal.reason });
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Bounds of the browser's answers: a video's metadata, one seek, one analysis frame (decoded or sought). */
export const METADATA_TIMEOUT_MS = 20_000;
export const SEEK_TIMEOUT_MS = 10_000;
export const FRAME_TIMEOUT_MS = 30_000;

/**
 * `p`, unless the caller aborts first ('aborted', or the signal's coded reason) or it takes more
 * than `ms` ('media-timeout' naming `what`). `p` itself is not cancelled: the caller cleans up
 * after a late result.
 */
export function boundedWait<T>(p: Promise<T>, signal: AbortSignal | undefined, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      done();
      reject(new GazecastError('media-timeout', `The browser did not deliver ${what} within ${ms / 1000} s. Check that the video's source is reachable and plays in this browser, then try again.`));
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e);
      },
    );
  });
}

function mediaErrorOf(video: HTMLVideoElement): GazecastError {
  const err = video.error;
  const code = err?.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED ? 'media-unsupported' : 'media-corrupt';
  return new GazecastError(code, `The video could not be read: ${err?.message || 'decode error'}`);
}

/**
 * Resolves once the video has metadata (duration and size). A video with no source, or one that
 * already failed, is refused at once; one that never gets there fails after `timeoutMs`.
 */
export async function whenMetadata(video: HTMLVideoElement, signal?: AbortSignal, timeoutMs = METADATA_TIMEOUT_MS): Promise<void> {
  aborted(signal);
  if (video.readyState >= HTMLMediaElement.HAVE_METADATA) return;
  if (video.error) throw mediaErrorOf(video);
  if (!video.currentSrc && !video.getAttribute('src') && !video.srcObject && !video.querySelector('source')) {
    throw new GazecastError('frame-invalid', 'The video has no source: set its src (or srcObject) before analysing it.');
  }
  if (video.preload === 'none' && video.networkState !== HTMLMediaElement.NETWORK_LOADING) video.load();
  await mediaEvent(video, 'loadedmetadata', signal, timeoutMs);
}

function mediaEvent(video: HTMLVideoElement, name: 'seeked' | 'loadedmetadata', signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      const what = name === 'seeked' ? `seek to ${video.currentTime.toFixed(3)} s` : 'metadata (duration and size)';
      reject(
        new GazecastError(
          'media-timeout',
          `The browser did not deliver the video's ${what} within ${timeoutMs / 1000} s. Check that the video's source is reachable and plays in this browser, then try again.`,
        ),
      );
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      video.removeEventListener(name, ok);
      video.removeEventListener('error', fail);
      signal?.removeEventListener('abort', abort);
    };
    const ok = (): void => {
      cleanup();
      resolve();
    };
    const fail = (): void => {
      cleanup();
      reject(mediaErrorOf(video));
    };
    const abort = (): void => {
      cleanup();
      reject(abortError(signal!));
    };
    video.addEventListener(name, ok);
    video.addEventListener('error', fail);
    signal?.addEventListener('abort', abort);
  });
}

/**
 * Seeks and resolves when the frame at `seconds` is ready to be read. Rejects with
 * 'media-timeout' when the browser does not finish the seek within `timeoutMs` (default 10 s),
 * with 'aborted' (or the signal's coded reason) when `signal` aborts, and with a media code when
 * the video fails.
 */
export async function seekTo(video: HTMLVideoElement, seconds: number, signal?: AbortSignal, timeoutMs = SEEK_TIMEOUT_MS): Promise<void> {
  // public as seekVideo: its arguments are checked like every entry point's
  if (typeof HTMLVideoElement === 'undefined' || !(video instanceof HTMLVideoElement)) invalidArgument('video', video, 'an HTMLVideoElement');
  checkNumber(seconds, 'seconds', { min: 0 });
  checkSignal(signal, 'signal');
  checkNumber(timeoutMs, 'timeoutMs', { above: 0 });
  aborted(signal);
  const done = mediaEvent(video, 'seeked', signal, timeoutMs);
  video.currentTime = seconds;
  await done;
  // a 'seeked' left over from an earlier seek can arrive while this one is still under way
  while (video.seeking) await mediaEvent(video, 'seeked', signal, timeoutMs);
}

/** Sample times (seconds) of an analysis: every 1/rate from the start, before the end. */
export function sampleTimes(durationSeconds: number, samplesPerSecond: number, startMs = 0, endMs = durationSeconds * 1000): number[] {
  if (!(samplesPerSecond > 0 && Number.isFinite(samplesPerSecond))) {
    throw new GazecastError('invalid-argument', `samplesPerSecond must be a number above 0, got ${samplesPerSecond}.`);
  }
  const end = Math.min(endMs, durationSeconds * 1000) / 1000;
  const times: number[] = [];
  for (let k = 0; ; k++) {
    const t = startMs / 1000 + k / samplesPerSecond;
    if (t >= end - 1e-9) break;
    times.push(t);
  }
  return times;
}

/** A frame of an analysis and the sample time (seconds) it stands for. */
export interface SampledFrame {
  readonly captured: CapturedFrame;
  readonly seconds: number;
}

/**
 * Runs `process` on each frame in order, one at a time, while the next frame is being taken
 * (frames are snapshots, so the source can move on). A frame that never reaches `process`
 * (abort, an earlier failure) is closed here.
 */
export async function processInOrder<T>(
  frames: AsyncIterable<SampledFrame>,
  process: (frame: CapturedFrame, seconds: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T[]> {
  const results: T[] = [];
  let inFlight: Promise<T> | undefined;
  const source = frames[Symbol.asyncIterator]();
  try {
    for (;;) {
      // each frame (decoded from the file, or sought and captured) arrives within its bound, and
      // an abort does not wait for a decoder or a range request that never answers
      const pending = source.next();
      let next: IteratorResult<SampledFrame>;
      try {
        next = await boundedWait(pending, signal, FRAME_TIMEOUT_MS, 'the next frame of the video');
      } catch (e) {
        void pending.then((late) => void (late.done ? undefined : release(late.value.captured.frame)), () => undefined);
        throw e;
      }
      if (next.done) break;
      const { captured, seconds } = next.value;
      try {
        if (inFlight) results.push(await inFlight);
        aborted(signal);
      } catch (e) {
        release(captured.frame);
        throw e;
      }
      inFlight = process(captured, seconds);
    }
    if (inFlight) results.push(await inFlight);
  } finally {
    // an abort or error leaves at most one inference running; let it finish quietly
    inFlight?.catch(() => undefined);
    // ends the frame source (a decoder's input is disposed), without waiting on it
    void source.return?.(undefined)?.catch(() => undefined);
  }
  return results;
}

/** Analysis by seeking: the element is sought to each time and the frame it then shows is taken. */
export async function* seekedFrames(
  video: HTMLVideoElement,
  times: readonly number[],
  inputSize: { width: number; height: number },
  signal?: AbortSignal,
): AsyncGenerator<SampledFrame> {
  for (const seconds of times) {
    await seekTo(video, seconds, signal);
    yield { captured: await captureSeekedFrame(video, seconds, inputSize), seconds };
  }
}

/** Resolves at the next presented video frame, or after `ms` (a video that is not rendered gets none). */
function nextPresentedFrame(video: HTMLVideoElement, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      video.cancelVideoFrameCallback(handle);
      resolve();
    }, ms);
    const handle = video.requestVideoFrameCallback(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The frame shown after seeking to `seconds`. Chromium sometimes still hands out the previous
 * frame right after 'seeked' (seen with createImageBitmap on a busy machine), which would shift a
 * whole analysis by one sample; a VideoFrame carries its timestamp, so a stale one is noticed and
 * taken again once the decoder has presented the new frame.
 */
export async function captureSeekedFrame(video: HTMLVideoElement, seconds: number, inputSize: { width: number; height: number }): Promise<CapturedFrame> {
  if (typeof VideoFrame === 'undefined') {
    const lb = computeLetterbox(video.videoWidth, video.videoHeight, inputSize.width, inputSize.height);
    const frame = await createImageBitmap(video, { resizeWidth: lb.width, resizeHeight: lb.height, resizeQuality: 'high' });
    return { frame, width: video.videoWidth, height: video.videoHeight };
  }
  nativeSize(video); // throws 'frame-invalid' when there is no current frame
  // On a busy machine the new frame can take a while to be presented: wait up to ~2 s (40 x 50 ms)
  // rather than hand out the previous frame, which would make a seeded analysis or virtual study
  // depend on the machine's load. Past that, the frame shown is taken (an analysis must go on).
  for (let attempt = 0; ; attempt++) {
    let frame: VideoFrame;
    try {
      frame = new VideoFrame(video);
    } catch (e) {
      // 'Invalid source state': right after a seek Chromium may have no presentable frame yet
      if (!(e instanceof DOMException && e.name === 'InvalidStateError') || attempt >= STALE_FRAME_ATTEMPTS) {
        throw new GazecastError('frame-invalid', `The video has no frame to take at ${seconds.toFixed(3)} s after seeking (${(e as Error).message}).`, { cause: e });
      }
      await nextPresentedFrame(video, 50);
      continue;
    }
    // The frame shown at `seconds` covers it: [timestamp, timestamp + duration), with 1 ms for rounding.
    // A frame of an earlier seek is stale whether it lies before or after the target (a study's frames
    // are not always sought in time order); without a duration only an earlier one is noticed, by
    // assuming a 60 fps frame.
    const start = frame.timestamp / 1e6;
    const covers = frame.duration
      ? start <= seconds + 1e-3 && (frame.timestamp + frame.duration) / 1e6 > seconds + 1e-3
      : start + 1 / 60 + 1e-3 >= seconds;
    if (covers || attempt >= STALE_FRAME_ATTEMPTS) return { frame, width: frame.displayWidth, height: frame.displayHeight };
    frame.close();
    await nextPresentedFrame(video, 50);
  }
}

const STALE_FRAME_ATTEMPTS = 40;

/** A snapshot of the frame a video presents now, for live mode (synchronous when VideoFrame exists). */
export function liveFrame(video: HTMLVideoElement, mediaTimeSeconds: number): CapturedFrame | Promise<CapturedFrame> {
  if (typeof VideoFrame !== 'undefined') {
    const frame = new VideoFrame(video, { timestamp: Math.round(mediaTimeSeconds * 1e6) });
    return { frame, width: frame.displayWidth, height: frame.displayHeight };
  }
  return createImageBitmap(video).then((frame) => ({ frame, width: frame.width, height: frame.height }));
}
