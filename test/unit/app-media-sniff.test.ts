import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBeforeDecode, checkImageSize, checkMp4Complete, checkVideoDuration, mediaErrorFor, sniff } from '../../src/app/media-sniff';
import { isGazecastError, type GazecastErrorCode } from '../../src/core/errors';

const bytes = (p: string) => new Uint8Array(readFileSync(new URL(`../../${p}`, import.meta.url)));

function expectCode(f: () => void, code: GazecastErrorCode, text: RegExp) {
  try { f(); expect.unreachable(); } catch (e) {
    expect(isGazecastError(e, code)).toBe(true);
    expect((e as Error).message).toMatch(text);
  }
}

describe('sniff', () => {
  it('reads JPEG sizes from the SOF marker and recognises H.264 MP4', () => {
    expect(sniff(bytes('public/samples/ad-juice.jpg'))).toEqual({ kind: 'image', format: 'jpeg', width: 800, height: 600 });
    const mp4 = bytes('public/samples/ad-market.mp4');
    expect(sniff(mp4.subarray(0, 65536), mp4.subarray(-65536))).toEqual({ kind: 'video', container: 'mp4', hevc: false });
  });

  it('finds HEVC in the moov at the end of a non-faststart MP4', () => {
    const f = bytes('test/e2e/app-fixtures/hevc.mp4');
    expect(sniff(f.subarray(0, 48), f).kind).toBe('video');
    expect(sniff(f.subarray(0, 48), f)).toMatchObject({ hevc: true });
    expectCode(() => checkBeforeDecode('clip.mp4', f.length, sniff(f.subarray(0, 48), f)), 'media-unsupported', /HEVC \(H\.265\).*libx264/);
  });

  it('reads PNG size from IHDR and refuses 50 MP before decoding', () => {
    const png = new Uint8Array(33);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 8660);
    new DataView(png.buffer).setUint32(20, 5774);
    const s = sniff(png);
    expect(s).toEqual({ kind: 'image', format: 'png', width: 8660, height: 5774 });
    expectCode(() => checkBeforeDecode('poster.png', 1000, s), 'frame-too-large', /50\.0 megapixels \(8660 x 5774\).*up to 40 MP/);
    expect(() => checkImageSize('ok.png', 6000, 4000)).not.toThrow();
  });

  it('gives empty, unknown and over-long files their own messages', () => {
    expectCode(() => checkBeforeDecode('a.mp4', 0, { kind: 'unknown' }), 'media-corrupt', /empty \(0 bytes\)/);
    expectCode(() => checkBeforeDecode('notes.txt', 10, sniff(new TextEncoder().encode('hello world'))), 'media-unsupported', /not an image or video/);
    expectCode(() => checkVideoDuration('film.mp4', 7200), 'frame-too-large', /2 h 0 min long.*up to 20 minutes/);
    expectCode(() => checkVideoDuration('x.mp4', Number.NaN), 'media-corrupt', /no usable duration/);
    expect(() => checkVideoDuration('ok.mp4', 9)).not.toThrow();
  });

  it('recognises WebM, WebP and never throws on random bytes (property)', async () => {
    expect(sniff(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0]))).toEqual({ kind: 'video', container: 'webm', hevc: false });
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => { expect(['image', 'video', 'unknown']).toContain(sniff(b).kind); }), { numRuns: 300 });
  });
});

describe('checkMp4Complete (issue 16, item 1: a truncated MP4 with an intact header)', () => {
  const reader = (f: Uint8Array) => async (at: number, n: number) => f.subarray(at, at + n);
  async function codeOf(p: Promise<void>): Promise<[string, string]> {
    try { await p; return ['none', '']; } catch (e) { return [isGazecastError(e) ? e.code : 'other', (e as Error).message]; }
  }

  it('accepts the complete sample', async () => {
    const f = bytes('public/samples/ad-market.mp4');
    await expect(checkMp4Complete('ad-market.mp4', f.length, reader(f))).resolves.toBeUndefined();
  });

  it('rejects `head -c 300000` of it as damaged, naming the missing part', async () => {
    const f = bytes('public/samples/ad-market.mp4').subarray(0, 300_000);
    const [code, msg] = await codeOf(checkMp4Complete('truncated.mp4', f.length, reader(f)));
    expect(code).toBe('media-corrupt');
    expect(msg).toMatch(/“truncated\.mp4” is damaged or incomplete: it ends 16\.1 KB before the end of its “mdat” box/);
  });

  it('rejects a file without its index (moov written last, then cut)', async () => {
    const full = bytes('public/samples/ad-market.mp4');
    // ftyp + free + a whole mdat, no moov: what a recorder leaves when it crashes
    const ftyp = full.subarray(0, 32), mdat = full.subarray(3323);
    const f = new Uint8Array(ftyp.length + mdat.length);
    f.set(ftyp); f.set(mdat, ftyp.length);
    const [code, msg] = await codeOf(checkMp4Complete('crash.mp4', f.length, reader(f)));
    expect(code).toBe('media-corrupt');
    expect(msg).toMatch(/no index/);
  });
});

describe('mediaErrorFor (issue 16, item 10: a damaged MP4 is not a codec problem)', () => {
  it('calls a demuxer failure damage, without the pipeline status in the text', () => {
    const e = mediaErrorFor('promo.mp4', 4, 'PipelineStatus::DEMUXER_ERROR_COULD_NOT_OPEN: FFmpegDemuxer: open context failed');
    expect(e.code).toBe('media-corrupt');
    expect(e.message).toMatch(/damaged or incomplete/);
    expect(e.message).not.toMatch(/PipelineStatus|DEMUXER|codec/);
  });

  it('still calls a codec failure a codec problem', () => {
    const e = mediaErrorFor('clip.mkv', 4, 'DECODER_ERROR_NOT_SUPPORTED: video decoder initialization failed');
    expect(e.code).toBe('media-unsupported');
    expect(e.message).toMatch(/format or codec.*libx264/);
    expect(mediaErrorFor('clip.mkv', 4, '').code).toBe('media-unsupported');
    expect(mediaErrorFor('clip.mp4', 3, 'PIPELINE_ERROR_DECODE').code).toBe('media-corrupt');
  });
});
