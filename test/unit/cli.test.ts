/**
 * The command line (src/node/cli.ts) and its engine on onnxruntime-node, run in this process on
 * the real model and the fixtures: predictions against the goldens the browser tests use, the
 * exports against the app's serialiser, the PNG overlay, coded errors with exit codes, shards.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { densityFromLogDensity } from '../../src/core/decode';
import { analysisToJson, parseAnalysisJson } from '../../src/core/export-analysis';
import { aoiCsv, pointsCsv } from '../../src/core/export-csv';
import { computeLetterbox } from '../../src/core/letterbox';
import type { Prediction } from '../../src/core/prediction-types';
import { parseShard, takeShard } from '../../src/core/shard';
import { sampleTimes } from '../../src/client/frame-sampler';
import { EXIT, main } from '../../src/node/cli';
import { decodeImage, decodeVideoFrames } from '../../src/node/decode-media';
import { NativeEngine } from '../../src/node/native-engine';
import { thrownGazecastError } from './helpers/thrown';

const root = resolve(__dirname, '../..');
const MODEL = join(root, 'public/models/gazecast-mnv1-s8');
const STILL = join(root, 'test/fixtures/osie-1020-still.png');
const VIDEO = join(root, 'test/fixtures/osie-1010-pan.mp4');

interface GoldenCase {
  name: string;
  frameWidth: number;
  frameHeight: number;
  profile: { tokens?: Record<string, string> };
  precision: string;
  points: { x: number; y: number; mass: number; order: number }[];
  logDensity: number[];
}
const golden = JSON.parse(readFileSync(join(root, 'test/fixtures/golden-gazecast-mnv1-s8.json'), 'utf8')) as {
  output: { width: number; height: number };
  cases: GoldenCase[];
};
const goldenCase = (name: string): GoldenCase => golden.cases.find((c) => c.name === name)!;
const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { input: { width: number; height: number; mean: number[] } };

function goldenDensity(c: GoldenCase): Float32Array {
  const lb = computeLetterbox(c.frameWidth, c.frameHeight, manifest.input.width, manifest.input.height);
  return densityFromLogDensity(c.logDensity, golden.output.width, golden.output.height, lb).data;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Same points in the same order: positions within `tol` of the frame's longer side, masses within `massTol`. */
function expectPointsMatch(points: readonly { x: number; y: number; mass: number }[], c: GoldenCase, tol: number, massTol: number): void {
  const scale = Math.max(c.frameWidth, c.frameHeight);
  expect(points.length, c.name).toBe(c.points.length);
  points.forEach((p, k) => {
    const g = c.points[k]!;
    expect(Math.hypot(p.x - g.x, p.y - g.y) / scale, `${c.name} point ${k}`).toBeLessThan(tol);
    expect(Math.abs(p.mass - g.mass), `${c.name} mass ${k}`).toBeLessThan(massTol);
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: root,
  });
  return { code, stdout, stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gazecast-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the Node engine (onnxruntime-node)', () => {
  it('matches the goldens on the still and the video frame at 1 s', async () => {
    const engine = await NativeEngine.create({ modelDir: MODEL, sessions: 2 });
    try {
      expect(engine.info.precision).toBe('int8-weights');
      for (const name of ['still-population', 'still-profile']) {
        const c = goldenCase(name);
        const lb = computeLetterbox(c.frameWidth, c.frameHeight, manifest.input.width, manifest.input.height);
        const pixels = await decodeImage(STILL, lb.width, lb.height, manifest.input.mean);
        const p = await engine.predict(pixels, { frameWidth: c.frameWidth, frameHeight: c.frameHeight, profile: c.profile });
        expect(p.backend).toBe('native');
        // the same pixels and the same onnxruntime-node build as the goldens: equal up to rounding
        expect(correlation(p.density.data, goldenDensity(c)), name).toBeGreaterThanOrEqual(0.999);
        expectPointsMatch(p.points, c, 0.01, 0.01);
      }
      const c = goldenCase('video-1s');
      const lb = computeLetterbox(640, 360, manifest.input.width, manifest.input.height);
      const predictions: Promise<Prediction>[] = [];
      await decodeVideoFrames(VIDEO, lb, 5, 10, (frame, k) => {
        predictions.push(engine.predict(frame, { frameWidth: 640, frameHeight: 360, timestampMs: k * 200 }));
      });
      expect(predictions).toHaveLength(10);
      const atOne = await predictions[5]!; // 5 samples per second: the sixth is the frame at 1.0 s
      expect(atOne.timestampMs).toBe(1000);
      expect(correlation(atOne.density.data, goldenDensity(c))).toBeGreaterThanOrEqual(0.99);
      expectPointsMatch(atOne.points, c, 0.02, 0.03);
      await Promise.all(predictions);
    } finally {
      await engine.close();
    }
    await expect(engine.predict({ data: new Uint8ClampedArray(4), width: 1, height: 1, colorSpace: 'srgb' } as ImageData, { frameWidth: 1, frameHeight: 1 })).rejects.toMatchObject({ code: 'closed' });
  });

  it('runs one session on the main thread like a pool of worker sessions, and refuses a frame not scaled to the letterbox', async () => {
    const engine = await NativeEngine.create({ modelDir: MODEL });
    const pool = await NativeEngine.create({ modelDir: MODEL, sessions: 3 });
    try {
      const still = await decodeImage(STILL, 192, 144, manifest.input.mean);
      const one = await engine.predict(still, { frameWidth: 192, frameHeight: 144 });
      const many = await Promise.all([0, 1, 2, 3].map(() => pool.predict(still, { frameWidth: 192, frameHeight: 144 })));
      for (const p of many) expect(p.density.data).toEqual(one.density.data);
      expect((await pool.stats()).inferences).toBe(4);
      const pixels = await decodeImage(STILL, 100, 75, manifest.input.mean);
      await expect(engine.predict(pixels, { frameWidth: 192, frameHeight: 144 })).rejects.toMatchObject({ code: 'frame-invalid' });
    } finally {
      await Promise.all([engine.close(), pool.close()]);
    }
  });
});

describe('gazecast analyse', () => {
  it('writes the app\'s JSON, CSV and PNG for an image and a video, points as in the goldens', async () => {
    const out = join(tmp, 'both');
    const audience = 'age=55+; gender=male; vision=deutan'; // the golden's still-profile
    writeFileSync(join(tmp, 'aois.json'), analysisToJson({
      schema: 'gazecast-analysis/1', createdAt: '', media: { name: 'x', kind: 'image', width: 192, height: 144 }, model: { id: 'm', version: '1' },
      audiences: [], frames: [], summary: [],
      aois: [{ id: 'a1', name: 'Book', shape: { kind: 'rect', x: 40, y: 20, width: 80, height: 80 } }],
    }));
    const r = await cli('analyse', 'test/fixtures/osie-1020-still.png', 'test/fixtures/osie-1010-pan.mp4', '--out', out,
      '--format', 'json,csv,png', '--audience', audience, '--audience', '', '--aoi', join(tmp, 'aois.json'), '--quiet');
    expect(r.stderr).toContain('2 of 2 files analysed');
    expect(r.code).toBe(EXIT.ok);
    const written = r.stdout.trim().split('\n').map((p) => p.replace(`${out}/`, '')).sort();
    expect(written).toEqual([
      'test_fixtures_osie-1010-pan-aoi.csv', 'test_fixtures_osie-1010-pan-age_55_gender_male_vision_deutan.png', 'test_fixtures_osie-1010-pan-analysis.json',
      'test_fixtures_osie-1010-pan-everyone.png', 'test_fixtures_osie-1010-pan-points.csv',
      'test_fixtures_osie-1020-still-aoi.csv', 'test_fixtures_osie-1020-still-age_55_gender_male_vision_deutan.png', 'test_fixtures_osie-1020-still-analysis.json',
      'test_fixtures_osie-1020-still-everyone.png', 'test_fixtures_osie-1020-still-points.csv',
    ].sort());

    // JSON: the app's document, read back by the app's own reader
    const still = parseAnalysisJson(readFileSync(join(out, 'test_fixtures_osie-1020-still-analysis.json'), 'utf8'));
    expect(Object.keys(still).sort()).toEqual(['aois', 'audiences', 'backend', 'createdAt', 'frames', 'media', 'model', 'schema', 'summary']);
    expect(still.media).toEqual({ name: 'test/fixtures/osie-1020-still.png', kind: 'image', width: 192, height: 144 });
    expect(still.model).toEqual({ id: 'gazecast-mnv1-s8', version: '1.0.0' });
    expect(still.backend).toBe('native');
    expect(still.audiences.map((a) => [a.id, a.name])).toEqual([[audience, 'Men, aged 55+, deutan (green-weak)'], ['everyone', 'Everyone']]);
    expect(still.aois.map((a) => a.name)).toEqual(['Book']);
    expect(still.frames).toHaveLength(1);
    const [profiled, everyone] = still.frames[0]!.results;
    expectPointsMatch(profiled!.points, goldenCase('still-profile'), 0.01, 0.01);
    expectPointsMatch(everyone!.points, goldenCase('still-population'), 0.01, 0.01);
    expect(profiled!.aoiStats[0]!.share).toBeGreaterThan(0);
    expect(still.summary.map((s) => s.audienceId)).toEqual([audience, 'everyone']);
    // CSV: exactly what the app's serialiser makes of that document (no second serialiser)
    expect(readFileSync(join(out, 'test_fixtures_osie-1020-still-points.csv'), 'utf8')).toBe(pointsCsv(still));
    expect(readFileSync(join(out, 'test_fixtures_osie-1020-still-aoi.csv'), 'utf8')).toBe(aoiCsv(still));
    expect(pointsCsv(still).split(/\r?\n/)[0]).toBe('audience,time_ms,visit_order,x_px,y_px,mass');

    const video = parseAnalysisJson(readFileSync(join(out, 'test_fixtures_osie-1010-pan-analysis.json'), 'utf8'));
    expect(video.media).toMatchObject({ kind: 'video', width: 640, height: 360, durationMs: 2000 });
    expect(video.samplesPerSecond).toBe(5);
    expect(video.frames.map((f) => f.timestampMs)).toEqual(sampleTimes(2, 5).map((t) => t * 1000));
    const atOne = video.frames.find((f) => f.timestampMs === 1000)!.results.find((x) => x.audienceId === 'everyone')!;
    expectPointsMatch(atOne.points, goldenCase('video-1s'), 0.02, 0.03);

    // PNG: the frame at native size with the overlay painted over it
    const png = join(out, 'test_fixtures_osie-1020-still-everyone.png');
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 192, height: 144 });
    const [a, b] = await Promise.all([png, STILL].map((p) => sharp(p).removeAlpha().raw().toBuffer()));
    let changed = 0;
    for (let k = 0; k < a!.length; k++) if (Math.abs(a![k]! - b![k]!) > 8) changed++;
    expect(changed / a!.length).toBeGreaterThan(0.05);
    expect(await sharp(join(out, 'test_fixtures_osie-1010-pan-everyone.png')).metadata()).toMatchObject({ width: 640, height: 360 });
  });

  it('--shard i/n partitions the sorted list exactly', async () => {
    const folder = join(tmp, 'batch');
    const names = ['b.png', 'a.png', 'c/d.png', 'c/a.png', 'e.png', 'f.png', 'g.png'];
    for (const n of names) {
      cpSync(STILL, join(folder, n), { recursive: true });
    }
    const seen: string[][] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const out = join(tmp, `shard-${shard.replace('/', 'of')}`);
      const r = await cli('analyse', folder, '--out', out, '--format', 'json', '--shard', shard, '--quiet');
      expect(r.code, r.stderr).toBe(EXIT.ok);
      seen.push(readdirSync(out).sort());
    }
    const all = seen.flat().sort();
    // each file in exactly one shard; sorted order a, b, c/a, c/d, e, f, g taken every third
    expect(all).toEqual(['a', 'b', 'c_a', 'c_d', 'e', 'f', 'g'].map((n) => `${n}-analysis.json`).sort());
    expect(seen[0]).toEqual(['a-analysis.json', 'c_d-analysis.json', 'g-analysis.json']);
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(takeShard([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { index: 4, count: 4 })).toEqual([3, 7]);
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3']) expect(thrownGazecastError(() => parseShard(bad)).code).toBe('invalid-argument');
    const r = await cli('analyse', folder, '--shard', '4/3');
    expect([r.code, r.stderr]).toEqual([EXIT.usage, expect.stringContaining('[invalid-argument] --shard "4/3"')]);
  });

  it('names each failure with its code and exit code', async () => {
    const missing = await cli('analyse', 'test/fixtures/no-such-creative.jpg');
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/\[file-not-found\] test\/fixtures\/no-such-creative\.jpg: no such file or folder/);

    writeFileSync(join(tmp, 'notes.txt'), 'not media');
    const format = await cli('analyse', join(tmp, 'notes.txt'));
    expect(format.code).toBe(EXIT.usage);
    expect(format.stderr).toMatch(/\[media-unsupported\] .*notes\.txt: not an image or video.*\.jpg/);

    writeFileSync(join(tmp, 'broken.jpg'), 'this is no JPEG');
    const broken = await cli('analyse', join(tmp, 'broken.jpg'), STILL, '--out', join(tmp, 'broken-out'), '--quiet');
    expect(broken.code).toBe(EXIT.someFailed); // the still is still written
    expect(broken.stderr).toMatch(/broken\.jpg: \[media-(unsupported|corrupt)\]/);
    expect(readdirSync(join(tmp, 'broken-out'))).toContain('test_fixtures_osie-1020-still-analysis.json');

    const audience = await cli('analyse', STILL, '--audience', 'age=200');
    expect(audience.code).toBe(EXIT.usage);
    expect(audience.stderr).toMatch(/\[unsupported-profile\] Unknown value "200" for profile key "age".*18-24/);
    const malformed = await cli('analyse', STILL, '--audience', 'women over 50');
    expect(malformed.code).toBe(EXIT.usage);
    expect(malformed.stderr).toContain('[unsupported-profile] Cannot read "women over 50"');

    const model = join(tmp, 'corrupt-model');
    cpSync(MODEL, model, { recursive: true });
    const w8 = readFileSync(join(model, 'model.w8.onnx'));
    w8[w8.length - 100] = w8[w8.length - 100]! ^ 0xff;
    writeFileSync(join(model, 'model.w8.onnx'), w8);
    const corrupt = await cli('analyse', STILL, '--model', model);
    expect(corrupt.code).toBe(EXIT.model);
    const w8Sha = (JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] })
      .files.find((f) => f.path === 'model.w8.onnx')!.sha256;
    expect(corrupt.stderr).toMatch(new RegExp(`\\[model-integrity\\] Model file model\\.w8\\.onnx has sha256 [0-9a-f]{64}; the manifest says ${w8Sha}`));
    const noModel = await cli('analyse', STILL, '--model', join(tmp, 'nowhere'));
    expect(noModel.code).toBe(EXIT.model);
    expect(noModel.stderr).toContain('[file-not-found] No model at');

    const option = await cli('analyse', STILL, '--formats', 'png');
    expect([option.code, option.stderr]).toEqual([EXIT.usage, expect.stringContaining('[invalid-argument]')]);
    const threads = await cli('analyse', STILL, '--threads', '0');
    expect([threads.code, threads.stderr]).toEqual([EXIT.usage, expect.stringContaining('[invalid-argument] --threads "0"')]);
    const empty = join(tmp, 'empty');
    cpSync(join(tmp, 'notes.txt'), join(empty, 'notes.txt'), { recursive: true });
    const none = await cli('analyse', empty);
    expect([none.code, none.stderr]).toEqual([EXIT.usage, expect.stringContaining('[file-not-found] No images or videos in')]);
    const one = await cli('analyse', STILL, '--threads', '1', '--out', join(tmp, 'one-thread'), '--quiet');
    expect([one.code, one.stderr]).toEqual([EXIT.ok, expect.stringContaining('1 session x 1 thread')]);
    const viewers = await cli('analyse', STILL, '--viewers', '0');
    expect([viewers.code, viewers.stderr]).toEqual([EXIT.usage, expect.stringContaining('[invalid-argument] --viewers "0"')]); // studies: cli-study.test.ts
  });

  it('says how to install ffmpeg when it is missing', async () => {
    const before = process.env.GAZECAST_FFPROBE;
    process.env.GAZECAST_FFPROBE = join(tmp, 'no-ffprobe-here');
    try {
      const r = await cli('analyse', VIDEO, '--out', join(tmp, 'no-ffmpeg'), '--quiet');
      expect(r.code).toBe(EXIT.dependency);
      expect(r.stderr).toMatch(/\[dependency-missing\] ffprobe was not found.*apt-get install ffmpeg/);
    } finally {
      if (before === undefined) delete process.env.GAZECAST_FFPROBE;
      else process.env.GAZECAST_FFPROBE = before;
    }
  });
});

