/**
 * Analysis frames straight from the file: the video is demuxed and decoded with WebCodecs
 * (mediabunny, loaded on demand) and the frame shown at each sample time is taken — the same
 * frame a seek to that time shows. A seek makes the browser decode again from the previous
 * keyframe, so on long GOPs it costs more than the model itself; decoding the file once, in
 * order, does not. Used when the source is a file or URL this page can read; anything else
 * (MediaSource streams, rotated tracks, unreadable URLs) goes the seek path.
 */
import { GazecastError } from '../core/errors';
import type { CapturedFrame } from './frame-sampler';

/**
 * Runs `process` on the frame at each time (seconds, ascending), one at a time, decoding the
 * next frame while the current one is processed. Returns undefined, having done nothing, when
 * this video cannot be read this way.
 */
export async function sampleVideoDecoded<T>(
  video: HTMLVideoElement,
  times: readonly number[],
  process: (frame: CapturedFrame, seconds: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T[] | undefined> {
  const src = video.currentSrc;
  if (!src || typeof VideoDecoder === 'undefined' || times.length === 0) return undefined;
  const { ALL_FORMATS, BlobSource, Input, UrlSource, VideoSampleSink } = await import('mediabunny');
  let input: InstanceType<typeof Input>;
  try {
    // a blob: URL is the user's file, already in memory; http(s) is read with range requests
    const source = src.startsWith('blob:') ? new BlobSource(await (await fetch(src)).blob()) : new UrlSource(src, { getRetryDelay: () => null });
    input = new Input({ source, formats: ALL_FORMATS });
  } catch {
    return undefined; // e.g. a MediaSource blob URL, which cannot be fetched
  }
  try {
    let track;
    try {
      track = await input.getPrimaryVideoTrack();
      if (!track || !(await track.canDecode())) return undefined;
    } catch {
      return undefined; // not a container mediabunny reads, or not readable from here
    }
    if (track.rotation !== 0 || track.displayWidth !== video.videoWidth || track.displayHeight !== video.videoHeight) return undefined;
    // a sample time before the first frame shows the first frame, as the <video> does
    const first = await track.getFirstTimestamp();
    const sink = new VideoSampleSink(track);
    const results: T[] = [];
    let inFlight: Promise<T> | undefined;
    let k = 0;
    try {
      for await (const sample of sink.samplesAtTimestamps(times.map((t) => Math.max(t, first)))) {
        if (!sample) throw new GazecastError('media-corrupt', `No video frame at ${times[k]} s.`);
        const frame = sample.toVideoFrame();
        sample.close();
        try {
          if (inFlight) results.push(await inFlight);
          if (signal?.aborted) throw new GazecastError('aborted', 'The video analysis was aborted.', { cause: signal.reason });
        } catch (e) {
          frame.close(); // never handed to the predictor
          throw e;
        }
        inFlight = process({ frame, width: frame.displayWidth, height: frame.displayHeight }, times[k++]!);
      }
      if (inFlight) results.push(await inFlight);
    } catch (e) {
      if (e instanceof GazecastError) throw e;
      throw new GazecastError('media-corrupt', `The video could not be decoded: ${(e as Error)?.message ?? e}`, { cause: e });
    } finally {
      inFlight?.catch(() => undefined);
    }
    return results;
  } finally {
    input.dispose();
  }
}
