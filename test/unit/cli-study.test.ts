/**
 * `gazecast analyse --viewers N`: virtual studies on onnxruntime-node with the real model and its
 * scanpath graph, stepped by the browser's own core (core/virtual-viewers.ts). A seeded study is
 * reproducible (whatever the session pool), valid (panel size, onsets, inside the frame), and
 * written as the app writes it: the JSON read back by the app's parser, the CSVs from the one
 * serialiser. Models without a scanpath graph or with a damaged one, and videos, fail with codes.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnalysisJson, type AnalysisDocument } from '../../src/core/export-analysis';
import { scanpathsCsv, studyMetricsCsv } from '../../src/core/export-csv';
import { profileSeed } from '../../src/core/scanpath-sampling';
import { EXIT, main } from '../../src/node/cli';

const root = resolve(__dirname, '../..');
const MODEL = join(root, 'public/models/gazecast-mnv1-s8');
const STILL = 'test/fixtures/osie-1020-still.png'; // 192 x 144
const VIDEO = 'test/fixtures/osie-1010-pan.mp4';
const NAME = 'test_fixtures_osie-1020-still';
const AUDIENCES = ['age=18-24; gender=female', 'age=55+; gender=male'];

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: root });
  return { code, stdout, stderr };
}

let tmp: string;
let aoiFile: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gazecast-cli-study-'));
  aoiFile = join(tmp, 'aois.json');
  writeFileSync(aoiFile, JSON.stringify([
    { id: 'left', name: 'Left half', shape: { kind: 'rect', x: 0, y: 0, width: 96, height: 144 } },
    { id: 'centre', name: 'Centre', shape: { kind: 'polygon', points: [{ x: 64, y: 36 }, { x: 128, y: 36 }, { x: 128, y: 108 }, { x: 64, y: 108 }] } },
  ]));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function study(out: string, ...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cli('analyse', STILL, ...AUDIENCES.flatMap((a) => ['--audience', a]), '--aoi', aoiFile, '--out', out, '--format', 'json,csv', '--quiet', ...extra);
}

function readDoc(out: string): { text: string; doc: AnalysisDocument } {
  const text = readFileSync(join(out, `${NAME}-analysis.json`), 'utf8');
  return { text, doc: parseAnalysisJson(text) };
}

/** The document without its time of writing. */
const withoutDate = (text: string): string => text.replace(/"createdAt": "[^"]*"/, '');

describe('gazecast analyse --viewers', () => {
  it('writes a valid, seeded, reproducible study per audience into the JSON and both CSVs', async () => {
    const a = join(tmp, 'a');
    const r = await study(a, '--viewers', '40', '--seed', '7', '--threads', '1');
    expect([r.code, r.stderr]).toEqual([EXIT.ok, expect.stringContaining('1 of 1 files analysed')]);
    expect(readdirSync(a).sort()).toEqual([`${NAME}-analysis.json`, `${NAME}-aoi.csv`, `${NAME}-points.csv`, `${NAME}-study-metrics.csv`, `${NAME}-study-scanpaths.csv`]);

    const { text, doc } = readDoc(a);
    expect(doc.studies).toHaveLength(2);
    doc.studies!.forEach((s, k) => {
      const aud = doc.audiences[k]!;
      expect(s.audienceId).toBe(aud.id);
      expect(s.study.seed).toBe((profileSeed({ tokens: aud.tokens }) ^ 7) >>> 0);
      expect(s.study.profile).toEqual(aud.tokens);
      expect(s.study.modelId).toBe('gazecast-mnv1-s8');
      expect(s.study.frame).toEqual({ width: 192, height: 144 });
      expect(s.study.durationMs).toBe(3000);
      expect(s.study.viewers).toHaveLength(40);
      for (const v of s.study.viewers) {
        expect(v.fixations.length).toBeGreaterThan(1);
        v.fixations.forEach((f, i) => {
          expect(f.x).toBeGreaterThanOrEqual(0);
          expect(f.x).toBeLessThanOrEqual(192);
          expect(f.y).toBeGreaterThanOrEqual(0);
          expect(f.y).toBeLessThanOrEqual(144);
          expect(f.durationMs).toBeGreaterThan(0);
          expect(f.onsetMs).toBeLessThan(3000);
          if (i > 0) expect(f.onsetMs).toBeGreaterThanOrEqual(v.fixations[i - 1]!.onsetMs + v.fixations[i - 1]!.durationMs);
        });
      }
      // the report over the --aoi areas, as the app computes it
      expect(s.report.aois.map((m) => m.name)).toEqual(['Left half', 'Centre']);
      expect(s.report.aois.every((m) => m.viewers === 40)).toBe(true);
      expect(s.report.aois.some((m) => (m.seen?.share ?? 0) > 0)).toBe(true);
    });
    // two audiences, two panels: their own seeds, so their scanpaths differ
    expect(doc.studies![0]!.study.viewers).not.toEqual(doc.studies![1]!.study.viewers);
    // the CSVs are the app's serialiser over the document read back
    expect(readFileSync(join(a, `${NAME}-study-scanpaths.csv`), 'utf8')).toBe(scanpathsCsv(doc));
    expect(readFileSync(join(a, `${NAME}-study-metrics.csv`), 'utf8')).toBe(studyMetricsCsv(doc));
    expect(scanpathsCsv(doc).split(/\r?\n/)[0]).toBe('audience,viewer,fixation,x_px,y_px,onset_ms,duration_ms');

    // the same seed: the same study, also on a pool of two worker sessions
    const b = join(tmp, 'b');
    expect((await study(b, '--viewers', '40', '--seed', '7', '--threads', '2')).code).toBe(EXIT.ok);
    expect(withoutDate(readDoc(b).text)).toBe(withoutDate(text));
    // another seed: another study
    const c = join(tmp, 'c');
    expect((await study(c, '--viewers', '40', '--seed', '8', '--threads', '1')).code).toBe(EXIT.ok);
    expect(readDoc(c).doc.studies![0]!.study.viewers).not.toEqual(doc.studies![0]!.study.viewers);
  });

  it('--duration-ms sets the viewing; without --aoi there is no metrics CSV', async () => {
    const out = join(tmp, 'short');
    const r = await cli('analyse', STILL, '--viewers', '5', '--duration-ms', '1000', '--out', out, '--quiet');
    expect(r.code).toBe(EXIT.ok);
    expect(readdirSync(out).sort()).toEqual([`${NAME}-analysis.json`, `${NAME}-points.csv`, `${NAME}-study-scanpaths.csv`]);
    const s = readDoc(out).doc.studies![0]!;
    expect([s.study.durationMs, s.study.viewers.length, s.study.seed]).toEqual([1000, 5, profileSeed({})]);
    expect(s.study.viewers.flatMap((v) => v.fixations).every((f) => f.onsetMs < 1000)).toBe(true);
  });

  it('refuses a model without a scanpath graph, a damaged scanpath file, a video and bad settings, each with its code', async () => {
    const plain = join(tmp, 'no-scanpath-model');
    cpSync(MODEL, plain, { recursive: true });
    const m = JSON.parse(readFileSync(join(plain, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    delete m.scanpath;
    writeFileSync(join(plain, 'manifest.json'), JSON.stringify(m));
    const none = await cli('analyse', STILL, '--viewers', '10', '--model', plain, '--out', join(tmp, 'x1'), '--quiet');
    expect(none.code).toBe(EXIT.model);
    expect(none.stderr).toMatch(/\[no-scanpath\] Model gazecast-mnv1-s8 has no scanpath graph/);
    // the same model still predicts without --viewers
    expect((await cli('analyse', STILL, '--model', plain, '--out', join(tmp, 'x2'), '--quiet')).code).toBe(EXIT.ok);

    const damaged = join(tmp, 'damaged-scanpath-model');
    cpSync(MODEL, damaged, { recursive: true });
    const bytes = readFileSync(join(damaged, 'scanpath.onnx'));
    bytes[bytes.length - 50] = bytes[bytes.length - 50]! ^ 0xff;
    writeFileSync(join(damaged, 'scanpath.onnx'), bytes);
    const bad = await cli('analyse', STILL, '--viewers', '10', '--model', damaged, '--out', join(tmp, 'x3'), '--quiet');
    expect(bad.code).toBe(EXIT.model);
    expect(bad.stderr).toMatch(/\[model-integrity\] Model file scanpath\.onnx has sha256 [0-9a-f]{64}; the manifest says/);

    const video = await cli('analyse', VIDEO, STILL, '--viewers', '5', '--out', join(tmp, 'x4'), '--quiet');
    expect(video.code).toBe(EXIT.someFailed); // the still and its study are written
    expect(video.stderr).toMatch(/osie-1010-pan\.mp4: \[media-unsupported\] .*--viewers studies still images only/);
    expect(readdirSync(join(tmp, 'x4'))).toContain(`${NAME}-study-scanpaths.csv`);

    for (const [args, message] of [
      [['--viewers', '0'], '--viewers "0"'],
      [['--viewers', '10001'], '--viewers "10001": at most 10000 viewers'],
      [['--viewers', '5', '--duration-ms', '0'], '--duration-ms "0"'],
      [['--viewers', '5', '--seed', '4294967296'], '--seed "4294967296"'],
      [['--seed', '3'], '--seed is a setting of the virtual study'],
    ] as const) {
      const r = await cli('analyse', STILL, ...args);
      expect([r.code, r.stderr]).toEqual([EXIT.usage, expect.stringContaining(`[invalid-argument] ${message}`)]);
    }
  });
});
