/**
 * The video with the overlay burnt in. mediabunny (well kept, typed, WebCodecs-based) decodes the
 * source frame by frame (exact timestamps, no seeking), we draw the overlay on each frame, and it
 * encodes and muxes the result: H.264 in MP4 where the browser can encode it, else VP9 or AV1 in
 * MP4, or VP8 in WebM. Loaded with a dynamic import, so the app starts without it.
 */
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  CanvasSource,
  Input,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  VideoSampleSink,
  WebMOutputFormat,
  getFirstEncodableVideoCodec,
} from 'mediabunny';
import { GazecastError } from '../index';
import type { OverlayPainter } from './exporters';

export interface BurnProgress {
  readonly doneS: number;
  readonly totalS: number;
}

/**
 * Re-encodes `file` with the overlay drawn over every frame. `paintFor(timeS)` returns the
 * painters for that media time (from the nearest analysed prediction), one per panel.
 */
export async function burnOverlayIntoVideo(
  file: Blob,
  /** one painter per panel: one panel, or two side by side (compare mode) */
  paintFor: (timeS: number) => readonly (OverlayPainter | null)[],
  panels: 1 | 2,
  onProgress: (p: BurnProgress) => void,
  signal: AbortSignal,
): Promise<{ blob: Blob; extension: string; codec: string }> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new GazecastError('media-unsupported', 'This file has no video track to export.');
    if (!(await track.canDecode())) throw new GazecastError('media-unsupported', `This browser cannot decode the video's codec (${track.codec ?? 'unknown'}) with WebCodecs.`);
    const width = track.displayWidth, height = track.displayHeight;
    const totalS = await input.computeDuration();
    const codec = await getFirstEncodableVideoCodec(['avc', 'vp9', 'av1', 'vp8'], { width: width * panels, height });
    if (!codec) throw new GazecastError('media-unsupported', 'This browser has no video encoder (WebCodecs) for H.264, VP9, AV1 or VP8, so it cannot export video.');
    const webm = codec === 'vp8';
    const canvas = new OffscreenCanvas(width * panels, height);
    const g = canvas.getContext('2d')!;
    const output = new Output({
      format: webm ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' }),
      target: new BufferTarget(),
    });
    const source = new CanvasSource(canvas, { codec, quality: QUALITY_HIGH });
    output.addVideoTrack(source);
    await output.start();
    const sink = new VideoSampleSink(track);
    const unit = Math.max(1, Math.max(width, height) / 1280);
    for await (const sample of sink.samples()) {
      if (signal.aborted) {
        sample.close();
        await output.cancel();
        throw new GazecastError('aborted', 'Video export cancelled.');
      }
      const painters = paintFor(sample.timestamp);
      for (let i = 0; i < panels; i++) {
        sample.draw(g, i * width, 0, width, height);
        const paint = painters[i];
        if (!paint) continue;
        g.save();
        g.beginPath();
        g.rect(i * width, 0, width, height);
        g.clip();
        g.translate(i * width, 0);
        paint(g as unknown as CanvasRenderingContext2D, unit);
        g.restore();
      }
      await source.add(sample.timestamp, sample.duration);
      sample.close();
      onProgress({ doneS: sample.timestamp + sample.duration, totalS });
    }
    source.close();
    await output.finalize();
    const buf = (output.target as BufferTarget).buffer!;
    return { blob: new Blob([buf], { type: webm ? 'video/webm' : 'video/mp4' }), extension: webm ? 'webm' : 'mp4', codec };
  } finally {
    input.dispose();
  }
}
