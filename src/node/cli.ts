/**
 * The `gazecast` command (package.json `bin`, built to dist-lib/node/cli.js):
 *
 *   gazecast analyse <images, videos or folders…> [options]
 *
 * `main` takes the arguments and the streams and returns the exit code, so the tests run it in
 * the test process. Exit codes: 0 all written; 1 some media failed (the others were written);
 * 2 a usage error (an option, an audience, an AOI file, an input path); 3 the model (missing,
 * corrupt, invalid); 4 a program or package the command needs is missing (ffmpeg, onnxruntime-node,
 * sharp, @napi-rs/canvas).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GazecastError, isGazecastError } from '../core/errors';
import { parseShard, takeShard } from '../core/shard';
import { requireScanpath } from '../core/scanpath-io';
import { DEFAULT_VIEWERS, DEFAULT_VIEWING_MS, MAX_VIEWERS, MAX_VIEWING_MS } from '../client/simulate';
import { analyseFile, describeFailure, OUTPUT_FORMATS, outputNames, parseAudiences, readAoiFile, type OutputFormat, type StudyOptions } from './analyse';
import { expandInputs } from './media-files';
import { NativeEngine, readModelManifest } from './native-engine';
import { ProgressBar } from './progress';
import { poolLayout } from './threads';

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly cwd: string;
}

export const EXIT = { ok: 0, someFailed: 1, usage: 2, model: 3, dependency: 4 } as const;

const USAGE = `Usage: gazecast analyse <images, videos or folders…> [options]

Predicts where viewers look in each image and video (folders are searched recursively) and
writes the app's exports: <name>-analysis.json (gazecast-analysis/1), <name>-points.csv,
<name>-aoi.csv (with --aoi) and <name>-<audience>.png overlays. With --viewers, each image also
gets a virtual eye-tracking study per audience: in the JSON's "studies" (with the report over the
--aoi areas), <name>-study-scanpaths.csv and <name>-study-metrics.csv (with --aoi).

Options:
  --audience "age=18-24; gender=female"   an audience (repeatable; default: everyone)
  --aoi FILE          areas of interest: the app's analysis JSON export, or a JSON array of AOIs
  --out DIR           where to write (default: gazecast-out)
  --format LIST       any of json,csv,png (default: json,csv)
  --model DIR         model folder with manifest.json (default: the model shipped in the package)
  --precision NAME    model file by precision, e.g. fp32 (default: the browser's WASM default)
  --shard i/n         only shard i of n of the sorted file list (1-based), e.g. --shard 2/4
  --threads N         CPU threads for inference (default: all cores, ${availableParallelism()} here)
  --sps N             video samples per second (default 5, as in the app)
  --viewers N         a virtual study of N simulated viewers per image and audience (1-${MAX_VIEWERS};
                      images only; needs a model with a scanpath graph)
  --duration-ms MS    how long the viewers view each image (default ${DEFAULT_VIEWING_MS})
  --seed S            an integer in [0, 2^32) mixed into each audience's own seed (default 0);
                      the same seed, image and audience give the same study
  --quiet             no progress bar
  -h, --help          this text
  -v, --version       the package version

Exit codes: 0 done; 1 some files failed (the rest were written); 2 usage; 3 model; 4 missing dependency.`;

/** The model shipped with the package (dist-lib/browser/models/…), or the source tree's when run from src/. */
export function defaultModelDir(): string {
  const candidates = ['../browser/models/gazecast-mnv1-s8/', '../../public/models/gazecast-mnv1-s8/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((d) => existsSync(resolve(d, 'manifest.json'))) ?? candidates[0]!;
}

function usageError(message: string): GazecastError {
  return new GazecastError('invalid-argument', `${message} (gazecast --help lists the options)`);
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw usageError(`--${name} "${text}": give a whole number of at least 1`);
  return n;
}

/** `--viewers N [--duration-ms MS] [--seed S]`: the virtual study's settings, checked as simulate() checks them. */
function virtualStudy(o: { viewers?: string | undefined; 'duration-ms'?: string | undefined; seed?: string | undefined }): StudyOptions | undefined {
  if (o.viewers === undefined) {
    if (o['duration-ms'] !== undefined || o.seed !== undefined) throw usageError(`--${o.seed !== undefined ? 'seed' : 'duration-ms'} is a setting of the virtual study: give --viewers N too`);
    return undefined;
  }
  const viewers = positiveInt('viewers', o.viewers, DEFAULT_VIEWERS);
  if (viewers > MAX_VIEWERS) throw usageError(`--viewers "${o.viewers}": at most ${MAX_VIEWERS} viewers per study (split a larger panel over runs with other seeds)`);
  const durationMs = o['duration-ms'] === undefined ? DEFAULT_VIEWING_MS : Number(o['duration-ms']);
  if (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > MAX_VIEWING_MS) throw usageError(`--duration-ms "${o['duration-ms']}": give a number of ms in (0, ${MAX_VIEWING_MS}]`);
  let seed: number | undefined;
  if (o.seed !== undefined) {
    seed = Number(o.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32 || o.seed.trim() === '') throw usageError(`--seed "${o.seed}": give an integer in [0, 2^32)`);
  }
  return { viewers, durationMs, ...(seed !== undefined ? { seed } : {}) };
}

function exitCodeFor(e: unknown, phase: 'usage' | 'model'): number {
  if (isGazecastError(e, 'dependency-missing')) return EXIT.dependency;
  return phase === 'model' ? EXIT.model : EXIT.usage;
}

async function version(): Promise<string> {
  for (const p of ['../../package.json', '../package.json']) {
    try {
      const { readFile } = await import('node:fs/promises');
      const json = JSON.parse(await readFile(fileURLToPath(new URL(p, import.meta.url)), 'utf8')) as { name?: string; version?: string };
      if (json.name === 'gazecast') return json.version ?? 'unknown';
    } catch {}
  }
  return 'unknown';
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const fail = (e: unknown, code: number): number => {
    io.stderr.write(`gazecast: error ${describeFailure(e)}\n`);
    return code;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        audience: { type: 'string', multiple: true },
        aoi: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        model: { type: 'string' },
        precision: { type: 'string' },
        shard: { type: 'string' },
        threads: { type: 'string' },
        sps: { type: 'string' },
        viewers: { type: 'string' },
        'duration-ms': { type: 'string' },
        seed: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    return fail(usageError((e as Error).message), EXIT.usage);
  }
  const { values: o, positionals } = parsed;
  if (o.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (o.version) {
    io.stdout.write(`${await version()}\n`);
    return EXIT.ok;
  }
  const [command, ...inputs] = positionals;
  if (command !== 'analyse' && command !== 'analyze') {
    return fail(usageError(command === undefined ? 'no command: write gazecast analyse <files…>' : `unknown command "${command}": the command is analyse`), EXIT.usage);
  }

  // ---- everything that can be wrong with the request is found before any work starts
  let setup;
  try {
    if (inputs.length === 0) throw usageError('analyse needs at least one image, video or folder');
    const study = virtualStudy(o);
    const formats = new Set((o.format ?? 'json,csv').split(',').map((f) => f.trim()).filter(Boolean));
    for (const f of formats) {
      if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw usageError(`--format: "${f}" is not one of ${OUTPUT_FORMATS.join(', ')}`);
    }
    if (formats.size === 0) throw usageError('--format is empty');
    const threads = positiveInt('threads', o.threads, availableParallelism());
    const sps = positiveInt('sps', o.sps, 5);
    const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
    const aois = o.aoi !== undefined ? await readAoiFile(resolve(io.cwd, o.aoi)) : [];
    const all = await expandInputs(inputs, io.cwd);
    const names = outputNames(all);
    const files = shard ? takeShard(all, shard) : all;
    setup = { formats: formats as Set<OutputFormat>, threads, sps, aois, all, names, files, shard, study };
  } catch (e) {
    return fail(e, exitCodeFor(e, 'usage'));
  }

  const modelDir = o.model !== undefined ? resolve(io.cwd, o.model) : defaultModelDir();
  let manifest;
  try {
    manifest = await readModelManifest(modelDir);
    if (setup.study) requireScanpath(manifest); // `no-scanpath` before any work
  } catch (e) {
    return fail(e, exitCodeFor(e, 'model'));
  }
  let audiences;
  try {
    audiences = parseAudiences(o.audience ?? [], manifest);
  } catch (e) {
    return fail(e, EXIT.usage);
  }
  const layout = poolLayout(setup.threads);
  let engine: NativeEngine;
  try {
    engine = await NativeEngine.create({ modelDir, ...(o.precision !== undefined ? { precision: o.precision } : {}), ...layout });
    // the scanpath graph's file checked (bytes, sha256) and its sessions opened before any image
    if (setup.study) await engine.openScanpath().catch(async (e: unknown) => {
      await engine.close();
      throw e;
    });
  } catch (e) {
    return fail(e, exitCodeFor(e, 'model'));
  }

  // ---- the batch
  const outDir = resolve(io.cwd, o.out ?? 'gazecast-out');
  const settings = { engine, manifest, audiences, aois: setup.aois, formats: setup.formats, outDir, samplesPerSecond: setup.sps, ...(setup.study ? { study: setup.study } : {}) };
  const files = setup.files;
  const bar = new ProgressBar(io.stderr, files.length, !o.quiet);
  const failures: string[] = [];
  const t0 = performance.now();
  let next = 0;
  // enough files in flight to keep every session busy while the next one decodes
  const workers = Array.from({ length: Math.min(files.length, layout.sessions + 2) }, async () => {
    while (next < files.length) {
      const file = files[next++]!;
      try {
        const written = await analyseFile(settings, file, setup.names.get(file.path)!);
        for (const w of written) io.stdout.write(`${w}\n`);
      } catch (e) {
        failures.push(`${file.label}: ${describeFailure(e)}`);
        bar.log(`gazecast: error ${file.label}: ${describeFailure(e)}`);
        if (isGazecastError(e, 'dependency-missing')) next = files.length; // every other file would fail alike
      }
      bar.tick(file.label);
    }
  });
  await Promise.all(workers);
  await engine.close();
  bar.done();
  const s = (performance.now() - t0) / 1000;
  const shardText = setup.shard ? ` (shard ${setup.shard.index}/${setup.shard.count} of ${setup.all.length})` : '';
  io.stderr.write(
    `gazecast: ${files.length - failures.length} of ${files.length} files analysed${shardText} for ${audiences.length} audience${audiences.length === 1 ? '' : 's'} in ${s.toFixed(1)} s (${(files.length / Math.max(s, 1e-9)).toFixed(1)} files/s, ${layout.sessions} session${layout.sessions === 1 ? '' : 's'} x ${layout.intraOpThreads} thread${layout.intraOpThreads === 1 ? '' : 's'}) → ${outDir}\n`,
  );
  if (failures.length > 0) {
    io.stderr.write(`gazecast: ${failures.length} failed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    return failures.some((f) => f.includes('[dependency-missing]')) ? EXIT.dependency : EXIT.someFailed;
  }
  return EXIT.ok;
}
