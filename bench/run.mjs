#!/usr/bin/env node
/**
 * `npm run bench`: builds a benchmark page with Vite, serves it cross-origin isolated (so WASM can
 * use threads), and drives Debian's Chromium headless through the public predictor API for each
 * backend and model variant: load time, first inference, median and p95 inference after warm-up,
 * end-to-end frame→points latency, whole-video analysis throughput, live mode during real-time
 * playback (predictions per second, inference time and how far behind the playing video the
 * predictions arrive, with decoding and presenting competing for the cores), and memory after 2,000
 * frames against after 100. Prints a table and JSON (also written to bench/results/latest.json).
 *
 *   npm run bench                       the default set (about 8 minutes on 2 cores)
 *   npm run bench -- --quick            fewer runs, no memory check (about a minute)
 *   npm run bench -- --only=wasm-n      one configuration family (wasm-1, wasm-n, webgpu, simulate, native;
 *                                       native rows, the Node engine on onnxruntime-node, come with any WASM family)
 *   npm run bench -- --only=simulate    virtual studies only: 200 viewers x 3 s on the image, WASM 1 and N
 *                                       threads, beside the static inference median of the same page
 *   npm run bench -- --precisions=int8-weights,fp16-weights   model variants, in this order
 *   npm run bench -- --memory-frames=N  frames for the memory check (default 2000)
 *   npm run bench -- --model-dir=DIR    a model folder anywhere (e.g. your own), instead of public/models/<--model>
 *
 * WebGPU without a GPU is SwiftShader (software Vulkan): its figures are labelled "software"
 * and only show that the path works.
 */
import { build, preview, runnerImport } from 'vite';
import { chromium } from 'playwright-core';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const arg = (name, fallback) => {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return fallback;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : true;
};
const quick = Boolean(arg('quick', false));
const only = arg('only', '');
const memoryFrames = Number(arg('memory-frames', quick ? 0 : 2000));
const modelDir = arg('model-dir', '') ? resolve(String(arg('model-dir', ''))) : '';
const modelId = modelDir ? basename(modelDir) : arg('model', 'gazecast-mnv1-s8');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// the file each backend loads by default comes from the runtime's own choice (src/core/manifest.ts)
const { parseManifest, chooseModelFile } = (await runnerImport(join(root, 'src/core/manifest.ts'), { configFile: false, logLevel: 'error' })).module;
const manifest = parseManifest(JSON.parse(readFileSync(join(modelDir || join(root, 'public/models', modelId), 'manifest.json'), 'utf8')));
const listed = manifest.files.map((f) => f.precision).filter((p) => p !== 'fp32');
// --precisions=a,b picks variants and their order (order matters little now that an untimed run comes first)
const precisions = arg('precisions', '') ? String(arg('precisions', '')).split(',') : listed;
for (const p of precisions) {
  if (!listed.includes(p)) throw new Error(`--precisions: ${modelId} has no "${p}" file (it has ${listed.join(', ')})`);
}
const defaultPrecision = (backend) => chooseModelFile(manifest, backend).precision;

// ---- build and serve the bench page (production bundle, like a deployed app)
const outDir = join(here, '.dist');
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const inline = { configFile: false, root: here, base: './', logLevel: 'warn', publicDir: join(root, 'public'), worker: { format: 'es' } };
process.stderr.write('building the bench page...\n');
await build({ ...inline, build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false } });
// a model folder from elsewhere is served beside the bundled ones (links followed)
if (modelDir) cpSync(modelDir, join(outDir, 'models', modelId), { recursive: true, dereference: true });
const server = await preview({ ...inline, build: { outDir }, preview: { port: 4190, strictPort: false, headers: isolation } });
const url = server.resolvedUrls.local[0];

// ---- memory of the whole browser (all its processes), proportional set size
function descendants(pid) {
  const children = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(p));
    } catch {}
  }
  const out = [];
  const walk = (p) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}
function browserPssBytes() {
  let kb = 0;
  for (const pid of descendants(process.pid)) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (!/chrom/i.test(comm)) continue;
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {}
  }
  return kb * 1024;
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-unsafe-webgpu', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});

async function openPage() {
  const page = await browser.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(url);
  await page.waitForFunction(() => document.title.includes('ready'));
  return page;
}

const infoPage = await openPage();
const info = await infoPage.evaluate(() => window.gazecastBench.info());
await infoPage.close();
const threads = Math.min(4, info.hardwareConcurrency);
const defaultThreads = info.defaultWasmThreads;

const base = {
  modelUrl: `models/${modelId}/`,
  imageUrl: 'samples/ad-juice.jpg',
  videoUrl: 'samples/ad-market.mp4',
};
const configs = [];
for (const precision of precisions) {
  const isDefault = precision === defaultPrecision('wasm');
  for (const [family, n] of [['wasm-1', 1], ['wasm-n', threads]]) {
    if (family === 'wasm-n' && n === 1) continue; // a 1-core machine has no threaded case
    configs.push({
      name: `wasm-${n}t${isDefault && n === defaultThreads ? ' (default)' : ''}`, family, backend: 'wasm', wasmThreads: n, precision,
      warmupMs: quick ? 1500 : 3000, minWarmups: 2, runs: quick ? 20 : 50, e2eRuns: quick ? 10 : 30, samplesPerSecond: 5,
      liveMs: quick ? 5000 : 15000,
      // the memory check runs on the configuration an app gets by default
      memoryFrames: isDefault && n === defaultThreads ? memoryFrames : 0,
    });
  }
}
// virtual eye-tracking studies (predictor.simulate) where the model has a scanpath graph: the static
// inference of the same page is measured too, so their ratio holds on any machine
if (manifest.scanpath) {
  for (const n of [...new Set([1, threads])]) {
    configs.push({
      name: `simulate wasm-${n}t`, family: 'simulate', backend: 'wasm', wasmThreads: n, precision: defaultPrecision('wasm'),
      warmupMs: quick ? 1500 : 3000, minWarmups: 2, runs: quick ? 20 : 50, e2eRuns: 1, samplesPerSecond: 0, liveMs: 0, memoryFrames: 0,
      simulateRuns: quick ? 3 : 7, simulateViewers: 200, simulateDurationMs: 3000,
    });
  }
}
if (info.webgpu) {
  const software = info.webgpu.fallback;
  configs.push({
    name: software ? 'webgpu (software)' : 'webgpu', family: 'webgpu', backend: 'webgpu', precision: defaultPrecision('webgpu'),
    // SwiftShader runs this network in seconds per frame: a couple of runs show it works, no more
    warmupMs: 0, minWarmups: software ? 0 : 2, runs: software ? 2 : 50, e2eRuns: software ? 1 : 30,
    samplesPerSecond: software ? 0 : 5, liveMs: software ? 0 : 15000, memoryFrames: 0,
  });
}

const selected = configs.filter((c) => !only || String(only).split(',').includes(c.family));
// The first configuration measured in a fresh browser can run slow (2 threads, fp16 first: 23.9 ms without this
// run, 20.7 ms with it; the browser settles for longer than one page's warm-up), so an untimed run comes first.
if (selected.length > 0) {
  process.stderr.write('settling the browser (untimed)...\n');
  const page = await openPage();
  await page.evaluate((c) => window.gazecastBench.run(c), {
    ...base, ...selected[0], warmupMs: 8000, runs: 1, e2eRuns: 1, samplesPerSecond: 0, liveMs: 0, memoryFrames: 0,
  });
  await page.close();
}

const loadBefore = loadavg();
const results = [];
for (const cfg of selected) {
  process.stderr.write(`${cfg.name} ${cfg.precision}...\n`);
  const page = await openPage();
  const marks = {};
  await page.exposeFunction('gazecastMemoryMark', (done) => {
    marks[done] = browserPssBytes();
    process.stderr.write(`  memory after ${done} frames: ${(marks[done] / 2 ** 20).toFixed(0)} MiB (browser PSS)\n`);
  });
  const t0 = Date.now();
  const r = await page.evaluate((c) => window.gazecastBench.run(c), { ...base, ...cfg });
  await page.close();
  if (r.memory) {
    r.memory.after100.browserPssBytes = marks[100];
    r.memory.after.browserPssBytes = marks[r.memory.frames] ?? browserPssBytes();
  }
  results.push({ config: cfg.name, ...r, wallS: (Date.now() - t0) / 1000 });
}
await browser.close();
await server.close();

// ---- native rows: the Node engine (onnxruntime-node, the command line's) on the same model file and
// image, with the browser rows' warm-up and run counts, and every WASM figure as a ratio to it
// (measured whenever WASM rows are, after the browser has closed so it does not compete)
const families = String(only).split(',');
if (!only || families.includes('native') || families.includes('wasm-1') || families.includes('wasm-n')) {
  const { measureNative } = await import('./native.mjs');
  for (const precision of precisions) {
    for (const n of [...new Set([1, threads])]) {
      process.stderr.write(`native-${n}t ${precision}...\n`);
      const t0 = Date.now();
      const r = await measureNative(root, {
        modelDir: modelDir || join(root, 'public/models', modelId), precision, intraOpThreads: n, imagePath: join(root, 'public', base.imageUrl),
        warmupMs: quick ? 1500 : 3000, minWarmups: 2, runs: quick ? 20 : 50, e2eRuns: quick ? 10 : 30,
      });
      results.push({ config: `native-${n}t`, ...r, wallS: (Date.now() - t0) / 1000 });
    }
  }
  for (const r of results) {
    if (r.model.backend !== 'wasm') continue;
    const native = results.find((x) => x.model.backend === 'native' && x.model.precision === r.model.precision && x.model.intraOpThreads === r.model.wasmThreads);
    if (!native) continue;
    r.nativeRatio = {
      against: native.config,
      median: r.inference.median / native.inference.median,
      p95: r.inference.p95 / native.inference.p95,
      e2eMedian: r.e2e.median / native.e2e.median,
      e2eP95: r.e2e.p95 / native.e2e.p95,
    };
  }
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
  kernel: release(),
  browser: info.userAgent,
  webgpu: info.webgpu,
  crossOriginIsolated: info.crossOriginIsolated,
  // other work on the machine skews every figure: the 1-minute load average before and after
  loadAverage: { before: +loadBefore[0].toFixed(2), after: +loadavg()[0].toFixed(2) },
};
const report = { date: new Date().toISOString(), machine, model: modelId, results };
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(report, null, 2) + '\n');

// ---- table
const f = (v, d = 1) => (v === undefined || v === null || Number.isNaN(v) ? '-' : v.toFixed(d));
const mib = (b) => (b === undefined ? '-' : (b / 2 ** 20).toFixed(0));
const rows = results.map((r) => [
  r.config, r.model.precision, f(r.loadMs, 0), f(r.firstInferenceMs, 0), f(r.inference.median), f(r.inference.p95), f(r.e2e.median), f(r.e2e.p95),
  r.video ? `${f(r.video.fps)} / ${f(r.video.realtimeRatio, 2)}x` : '-',
  r.live ? `${f(r.live.predictionsPerSecond)} / ${f(r.live.inference.median)} / ${f(r.live.lagMs.median, 0)}` : '-',
  r.memory ? `${mib(r.memory.after100.browserPssBytes)} → ${mib(r.memory.after.browserPssBytes)}` : '-',
  r.memory ? `${mib(r.memory.after100.uaBytes)} → ${mib(r.memory.after.uaBytes)}` : '-',
  r.memory ? `${mib(r.memory.after100.jsHeapBytes)} → ${mib(r.memory.after.jsHeapBytes)}` : '-',
  r.simulateMs ? `${f(r.simulateMs.median, 0)} / ${f(r.simulateMs.median / r.inference.median)}x` : '-',
  r.simulateStepMs?.n ? `${f(r.simulateStepMs.median)} / ${f(r.simulateStepMs.median / r.inference.median, 2)}x` : '-',
  r.nativeRatio ? `${f(r.nativeRatio.median, 2)} / ${f(r.nativeRatio.p95, 2)} / ${f(r.nativeRatio.e2eMedian, 2)} / ${f(r.nativeRatio.e2eP95, 2)} (${r.nativeRatio.against})` : '-',
]);
const head = ['backend', 'variant', 'load ms', 'first ms', 'median ms', 'p95 ms', 'e2e median', 'e2e p95', 'video fps / x real time (5/s)', 'live: predictions/s / median ms / lag ms', `browser PSS MiB 100→${memoryFrames}`, 'UA memory MiB', 'page JS heap MiB',
  'simulate 200x3 s ms / x inference', 'one step of 200 ms / x inference', 'x native: median / p95 / e2e median / e2e p95'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(JSON.stringify(report, null, 2));
console.log();
console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, load average ${machine.loadAverage.before} → ${machine.loadAverage.after}; ${info.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? ''}; WebGPU adapter: ${info.webgpu ? `${info.webgpu.vendor || ''} ${info.webgpu.architecture || ''} ${info.webgpu.fallback ? '(software fallback)' : ''}`.trim() : 'none'}`);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
rows.forEach((r) => console.log(line(r)));
