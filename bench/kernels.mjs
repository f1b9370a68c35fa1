#!/usr/bin/env node
/**
 * Why WASM is slower than native on this model: the same graph in onnxruntime-node (native CPU,
 * MLAS kernels with AVX2/AVX-512) and in onnxruntime-web's WASM build (SIMD128, the file the
 * browser runs: ort-wasm-simd-threaded.wasm) under Node, one thread each, with onnxruntime's
 * profiler on; prints the median run and the time per operator type in each, side by side.
 *
 *   node bench/kernels.mjs [--precision=int8-weights] [--runs=50] [--threads=1]
 *
 * One thread on both sides isolates the kernels from threading; --threads=N compares N threads
 * (onnxruntime-web's threads run on worker_threads under Node as on Web Workers in a page).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { runnerImport } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(a.indexOf('=') + 1) : fallback;
};
const runs = Number(arg('runs', 50));
const threads = Number(arg('threads', 1));
const modelDir = join(root, 'public/models/gazecast-mnv1-s8');
const { parseManifest, chooseModelFile } = (await runnerImport(join(root, 'src/core/manifest.ts'), { configFile: false, logLevel: 'error' })).module;
const manifest = parseManifest(JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')));
const file = chooseModelFile(manifest, 'wasm', arg('precision', undefined));
const bytes = readFileSync(join(modelDir, file.path));

function feedsFor(Tensor) {
  const { input, profile } = manifest;
  const feeds = {
    [input.name]: new Tensor('float32', Float32Array.from({ length: 3 * input.width * input.height }, (_, k) => Math.sin(k) * 0.5), [1, 3, input.height, input.width]),
    [profile.tokens.name]: new Tensor('int64', new BigInt64Array(profile.tokens.slots.length), [1, profile.tokens.slots.length]),
  };
  if (profile.embedding) feeds[profile.embedding.name] = new Tensor('float32', new Float32Array(profile.embedding.dim), [1, profile.embedding.dim]);
  return feeds;
}

async function timeRuns(session, feeds) {
  for (let i = 0; i < 10; i++) await session.run(feeds);
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

/** Per operator type: total kernel µs per run, from onnxruntime's Chrome-trace profile events. */
function byOpType(events, profiledRuns) {
  const out = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    out.set(op, (out.get(op) ?? 0) + e.dur / profiledRuns);
  }
  return out;
}

if (process.argv.includes('--wasm-child')) {
  const ortWeb = await import('onnxruntime-web');
  ortWeb.env.wasm.numThreads = threads;
  ortWeb.env.logLevel = 'error';
  const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', enableProfiling: true });
  const ms = await timeRuns(web, feedsFor(ortWeb.Tensor));
  web.endProfiling();
  await web.release();
  console.log(`median ${ms}`);
  process.exit(0);
}

// ---- native
const ortNode = createRequire(import.meta.url)('onnxruntime-node');
const prefix = join(tmpdir(), `gazecast-kernels-${process.pid}`);
const native = await ortNode.InferenceSession.create(bytes, {
  executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, enableProfiling: true, profileFilePrefix: prefix,
});
const nativeMs = await timeRuns(native, feedsFor(ortNode.Tensor));
native.endProfiling();
const profileFile = readdirSync(tmpdir()).map((f) => join(tmpdir(), f)).find((f) => f.startsWith(prefix));
const nativeProfile = readFileSync(profileFile, 'utf8');
const nativeOps = byOpType(JSON.parse(nativeProfile), runs + 10);
rmSync(profileFile);

// ---- WASM (onnxruntime-web under Node: the same .wasm a page loads). Its WASM module prints the
// profiler's events straight to the process's stdout (not through console.log), so it runs in a
// child process (this script with --wasm-child) whose stdout is read here.
const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--wasm-child', `--runs=${runs}`, `--threads=${threads}`, `--precision=${file.precision}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (child.status !== 0) throw new Error(`the WASM run failed: ${child.stderr}`);
const webMs = Number(/^median (\S+)$/m.exec(child.stdout)?.[1]);
const webEvents = child.stdout.split('\n').filter((l) => l.includes('"cat"')).flatMap((l) => {
  try {
    return [JSON.parse(l.replace(/,\s*$/, ''))];
  } catch {
    return [];
  }
});
const webOps = byOpType(webEvents, runs + 10);
await native.release();

const ops = [...new Set([...nativeOps.keys(), ...webOps.keys()])].sort((a, b) => (webOps.get(b) ?? 0) - (webOps.get(a) ?? 0));
console.log(`${cpus()[0]?.model}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}; ${file.path} (${file.precision}); ${threads} thread(s)`);
console.log(`median run: native ${nativeMs.toFixed(2)} ms, WASM ${webMs.toFixed(2)} ms, ratio ${(webMs / nativeMs).toFixed(2)}x`);
console.log('| op type | native µs/run | WASM µs/run | ratio |');
console.log('|---|---|---|---|');
for (const op of ops) {
  const n = nativeOps.get(op) ?? 0, w = webOps.get(op) ?? 0;
  console.log(`| ${op} | ${n.toFixed(0)} | ${webOps.size ? w.toFixed(0) : '?'} | ${n > 0 && w > 0 ? (w / n).toFixed(1) + 'x' : '-'} |`);
}
if (webOps.size === 0) console.log('(onnxruntime-web gave no profile events: per-op WASM times unavailable)');

// the nodes that take longest in WASM, with their input shapes: which convolutions dominate
const perNode = (events) => {
  const m = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time')) continue;
    const k = e.name.replace(/_kernel_time$/, '');
    const prev = m.get(k) ?? { us: 0, op: e.args?.op_name, shapes: JSON.stringify(e.args?.input_type_shape ?? []) };
    prev.us += e.dur / (runs + 10);
    m.set(k, prev);
  }
  return m;
};
const webNodes = perNode(webEvents);
const nativeNodes = perNode(JSON.parse(nativeProfile));
console.log('\n| node (slowest in WASM) | op | inputs | native µs/run | WASM µs/run |');
console.log('|---|---|---|---|---|');
for (const [k, v] of [...webNodes].sort((a, b) => b[1].us - a[1].us).slice(0, 12)) {
  console.log(`| ${k} | ${v.op} | ${v.shapes.replace(/"float":/g, '').replace(/[{}]/g, '')} | ${(nativeNodes.get(k)?.us ?? NaN).toFixed(0)} | ${v.us.toFixed(0)} |`);
}
