/**
 * Analysis frames straight from the file: the video is demuxed and decoded with WebCodecs
 * (mediabunny, loaded on demand) and the frame shown at each sample time is taken — the same
 * frame a seek to that time shows. A seek makes the browser decode again from the previous
 * keyframe, so on long GOPs it costs more than the model itself; decoding the file once, in
 * order, does not. Used when the source is a file or URL this page can read; anything else
 * (MediaSource streams, rotated tracks, unreadable URLs) goes the seek path.
 */
import { GazecastError } from '../core/errors';
import type { SampledFrame } from './frame-sampler';

/**
 * The frames shown at each time (seconds, ascending), decoded from the file; undefined, having
 * read nothing but the file's header, when this video cannot be read this way.
 */
export async function decodedFrames(video: HTMLVideoElement, times: readonly number[]): Promise<AsyncGenerator<SampledFrame> | undefined> {
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
  let track;
  try {
    track = await input.getPrimaryVideoTrack();
    if (!track || !(await track.canDecode())) track = undefined;
  } catch {
    track = undefined; // not a container mediabunny reads, or not readable from here
  }
  if (!track || track.rotation !== 0 || track.displayWidth !== video.videoWidth || track.displayHeight !== video.videoHeight) {
    input.dispose();
    return undefined;
  }
  // a sample time before the first frame shows the first frame, as the <video> does
  const first = await track.getFirstTimestamp();
  const samples = new VideoSampleSink(track).samplesAtTimestamps(times.map((t) => Math.max(t, first)));
  return (async function* () {
    try {
      let k = 0;
      for await (const sample of samples) {
        const seconds = times[k++]!;
        if (!sample) throw new GazecastError('media-corrupt', `No video frame at ${seconds} s.`);
        const frame = sample.toVideoFrame();
        sample.close();
        yield { captured: { frame, width: frame.displayWidth, height: frame.displayHeight }, seconds };
      }
    } catch (e) {
      if (e instanceof GazecastError) throw e;
      throw new GazecastError('media-corrupt', `The video could not be decoded: ${(e as Error)?.message ?? e}`, { cause: e });
    } finally {
      input.dispose();
    }
  })();
}
