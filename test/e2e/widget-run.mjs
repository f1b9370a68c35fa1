#!/usr/bin/env node
/**
 * End-to-end proof of the npm package where users put it: `npm pack` (which builds the library),
 * then the tarball installed into
 *   1. a fresh Vite app made in a temporary folder (built with `vite build`), and
 *   2. a plain HTML page with no bundler (the package's standalone files, served as they are),
 * each made from the README's own code blocks (those marked `<!-- consumer:NAME -->`: the Vite
 * config, index.html, main.ts, the model copy command, the plain page), so the docs cannot drift
 * from what works. Each is served with cross-origin isolation, and Debian's Chromium checks that
 * `<gaze-overlay>` fires `ready` and `prediction`, draws the predicted points over the consumer's
 * video, reacts to its attributes (mode, profile, a bad profile → `error` with its code), asks
 * nothing from another origin, shares one model worker between the page's two elements and
 * releases it when they are removed. The README's TypeScript is checked against the package's
 * declarations, and
 *   3. the same Vite app built with Vite's default worker format (the README's config without its
 *      `worker: { format: 'es' }`) must fail with `worker-failed` naming that setting, not hang.
 * Also prints the gzipped size of the widget's own JavaScript (budget 42 kB) measured on the
 * standalone build.
 *
 *   node test/e2e/widget-run.mjs          # exit code 0 when every step passed
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const tmp = mkdtempSync(join(tmpdir(), 'gazecast-widget-'));
// 30 kB until this release; it is 39.7 kB with what the default path gained (measured on the standalone build,
// gzip -9): argument checks on every public entry point, bounded waits and abort paths, one engine shared per
// model, the loader's same-origin path checks and the scanpath session in the worker (simulate and the swarm
// replay load lazily). The budget keeps 2 kB of headroom over that: it guards against growth, it is not a goal.
const BUDGET_GZIP = 42 * 1024;
const results = [];

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`  ✗ ${name}\n${String(e?.stack ?? e).split('\n').slice(0, 10).join('\n')}`);
  }
}

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

// ---------- a static server with cross-origin isolation (what a consumer's host must send) ----------
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json',
  '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.mp4': 'video/mp4', '.map': 'application/json',
  '.md': 'text/markdown', '.css': 'text/css',
};
function serve(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep) && file !== dir) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return res.writeHead(404).end();
    const size = statSync(file).size;
    const headers = {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-store',
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = range[1] ? Number(range[1]) : 0;
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------- the README's code blocks ----------
/** The fenced blocks of README.md marked `<!-- consumer:NAME -->` on the line above, by NAME. */
function readmeBlocks() {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = new Map();
  for (const m of text.matchAll(/^([ \t]*)<!-- consumer:(\S+) -->\n\1```\w*\n([\s\S]*?)\n\1```/gm)) {
    const indent = m[1];
    assert.ok(!blocks.has(m[2]), `README.md marks two blocks consumer:${m[2]}`);
    blocks.set(m[2], m[3].split('\n').map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n') + '\n');
  }
  return blocks;
}
const README = readmeBlocks();
function block(name) {
  const b = README.get(name);
  assert.ok(b, `README.md has no code block marked <!-- consumer:${name} --> (found: ${[...README.keys()].join(', ')})`);
  return b;
}
/** The README's config less its worker format: Vite's default ('iife'), the silent hang of issue 15. */
function withDefaultWorkerFormat(config) {
  const out = config.replace(/^\s*worker: \{ format: 'es' \},\n/m, '');
  assert.notEqual(out, config, "the README's vite.config.ts no longer sets worker: { format: 'es' } on a line of its own");
  return out;
}

// ---------- the consumers ----------
// the test's own observer of the page's events (not part of the README's code)
const PAGE_SCRIPT = `
  window.__events = [];
  const el = document.querySelector('gaze-overlay');
  for (const type of ['ready', 'prediction', 'error']) {
    el.addEventListener(type, (e) => window.__events.push({ type, detail: type === 'prediction'
      ? { points: e.detail.points, frameWidth: e.detail.prediction.frameWidth, frameHeight: e.detail.prediction.frameHeight }
      : type === 'error' ? { code: e.detail.code, message: e.detail.message } : e.detail }));
  }
  document.querySelector('video').play().catch(() => {});
  window.__imgEvents = [];
  const byId = document.getElementById('poster-overlay');
  for (const type of ['ready', 'prediction', 'error']) byId.addEventListener(type, (e) => window.__imgEvents.push(type === 'error' ? e.detail.code : type));
`;
/** Adds the test's observer to a page from the README (after the README's own scripts). */
function observed(html, scriptTag) {
  assert.ok(html.includes('</body>'), 'the README page has no </body>');
  return html.replace('</body>', `${scriptTag}\n  </body>`);
}

const POSTER = join(root, 'test/fixtures/personal/osie-heldout/stimuli/1021.jpg');

function makeVideo(out) {
  // a 4 s H.264 clip of an OSIE image slowly zooming, made here so nothing large is committed
  const img = join(root, 'test/fixtures/personal/osie-heldout/stimuli/1017.jpg');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', img, '-t', '4', '-r', '15',
    '-vf', "scale=640:480,zoompan=z='1+0.002*on':d=1:s=640x480:fps=15,format=yuv420p", '-c:v', 'libx264', '-preset', 'ultrafast', out]);
}

function install(dir, tarball) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${Date.now()}`, private: true, type: 'module' }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], dir);
}

/** The README's Vite app: its index.html, src/main.ts, vite.config.ts and model copy command. */
function makeViteApp(dir, tarball, config = block('vite/vite.config.ts')) {
  install(dir, tarball);
  // the README's reader has Vite from `npm create vite`; here the project's own, linked
  symlinkSync(join(root, 'node_modules/vite'), join(dir, 'node_modules/vite'), 'dir');
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'public'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), observed(block('vite/index.html'), '<script type="module" src="/src/observe.js"></script>'));
  writeFileSync(join(dir, 'src/main.ts'), block('vite/src/main.ts'));
  writeFileSync(join(dir, 'src/observe.js'), PAGE_SCRIPT);
  writeFileSync(join(dir, 'vite.config.ts'), config);
  execFileSync('bash', ['-euo', 'pipefail', '-c', block('vite/copy-model.sh')], { cwd: dir, stdio: 'inherit' });
  // the media the README's markup names
  makeVideo(join(dir, 'public/ad.mp4'));
  copyFileSync(POSTER, join(dir, 'public/poster.jpg'));
  run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], dir);
  return join(dir, 'dist');
}

/** The README's page without a bundler, in the folder that holds node_modules/. */
function makePlainPage(dir, tarball) {
  install(dir, tarball);
  writeFileSync(join(dir, 'index.html'), observed(block('plain/index.html'), `<script type="module">${PAGE_SCRIPT}</script>`));
  makeVideo(join(dir, 'ad.mp4'));
  copyFileSync(POSTER, join(dir, 'poster.jpg'));
  return dir;
}

/** A strict TypeScript consumer of the three entry points, checked against the package's .d.ts. */
const TYPES_CHECK = "import { createPredictor, type GazecastErrorCode, type Prediction, type Predictor } from 'gazecast';\nimport { GazeOverlayElement, type GazePredictionDetail } from 'gazecast/gaze-overlay';\nimport { readStudyFiles, PersonalAudiences, openAudienceStore, type Audience } from 'gazecast/personal';\n\nconst el = document.querySelector('gaze-overlay')!;\nel.mode = 'heatmap';\nel.addEventListener('prediction', (e) => {\n  const d: GazePredictionDetail = e.detail;\n  const p: Prediction = d.prediction;\n  console.log(p.points[0]?.x);\n});\nel.addEventListener('error', (e) => {\n  const code: GazecastErrorCode = e.detail.code; // typed with the union, not string\n  console.log(code);\n});\nconst ok: boolean = el instanceof GazeOverlayElement;\nexport async function f(files: File[]): Promise<Audience[]> {\n  const predictor: Predictor = await createPredictor({ modelUrl: '/models/gazecast-mnv1-s8/' });\n  const r = await readStudyFiles(files);\n  if (!r.ok) return [];\n  const a = await new PersonalAudiences(predictor, r.value.images).personalAudience(r.value.study, r.value.study.observers[0]!.id);\n  const store = await openAudienceStore();\n  await store.save([a]);\n  return [a, ...(ok ? [] : [])];\n}\n";

function checkTypes(dir) {
  writeFileSync(join(dir, 'check.ts'), TYPES_CHECK);
  writeFileSync(join(dir, 'readme-predictor.ts'), block('code/predictor.ts'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'], skipLibCheck: false, types: [] },
    files: ['check.ts', 'readme-predictor.ts'],
  }));
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
}

// ---------- what the browser checks ----------
async function checkPage(browser, url, label) {
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  const origin = new URL(url).origin;
  const offOrigin = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) offOrigin.push(u);
  });
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  const workers = [];
  page.on('worker', (w) => {
    workers.push(w);
    w.on('console', (m) => logs.push(`worker ${m.type()}: ${m.text()}`));
  });
  page.on('requestfailed', (r) => logs.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) logs.push(`HTTP ${r.status()} ${r.url()}`); });
  try {
    await step(`${label}: ready and prediction events fire`, async () => {
      await page.goto(url);
      await page.waitForFunction(() => window.__events?.some((e) => e.type === 'prediction') || window.__events?.some((e) => e.type === 'error'), null, { timeout: 120_000 })
        .catch((e) => { throw new Error(`${e.message}\npage log:\n${logs.join('\n')}`); });
      const events = await page.evaluate(() => window.__events);
      const errors = events.filter((e) => e.type === 'error');
      assert.deepEqual(errors, [], `error events: ${JSON.stringify(errors)}\n${logs.join('\n')}`);
      const ready = events.find((e) => e.type === 'ready');
      assert.ok(ready, 'no ready event');
      assert.equal(ready.detail.modelId, shippedModelId);
      assert.equal(ready.detail.backend, 'wasm');
      assert.ok(events.findIndex((e) => e.type === 'ready') < events.findIndex((e) => e.type === 'prediction'), 'ready comes first');
    });

    await step(`${label}: the overlay draws the predicted points over the video`, async () => {
      const r = await page.evaluate(() => {
        const el = document.querySelector('gaze-overlay');
        const video = document.querySelector('video');
        const canvas = el.shadowRoot.querySelector('canvas[part="canvas"]');
        const p = el.prediction;
        const vr = video.getBoundingClientRect();
        const cr = canvas.getBoundingClientRect();
        const ctx = canvas.getContext('2d');
        const sx = canvas.width / cr.width;
        // each point: its native position → CSS px on the video (fill: 480x360 box) → canvas px
        const hits = p.points.map((pt) => {
          const x = vr.left + (pt.x / p.frameWidth) * vr.width - cr.left;
          const y = vr.top + (pt.y / p.frameHeight) * vr.height - cr.top;
          const d = ctx.getImageData(Math.round(x * sx), Math.round(y * sx), 1, 1).data;
          return [...d];
        });
        return {
          points: p.points, frame: [p.frameWidth, p.frameHeight], hits,
          canvasRect: [cr.left, cr.top, cr.width, cr.height], videoRect: [vr.left, vr.top, vr.width, vr.height],
        };
      });
      assert.deepEqual(r.frame, [640, 480]);
      assert.ok(r.points.length > 0, 'no points');
      for (const pt of r.points) assert.ok(pt.x >= 0 && pt.x < 640 && pt.y >= 0 && pt.y < 480, `point outside the frame ${JSON.stringify(pt)}`);
      assert.deepEqual(r.canvasRect.map(Math.round), r.videoRect.map(Math.round), 'the canvas covers the video exactly');
      // the centre of every point is painted in the colour set by --gaze-point-color (rgb(255,0,170), 85% opaque)
      for (const [i, [R, G, B, A]] of r.hits.entries()) {
        assert.ok(A > 150 && R > 200 && G < 80 && B > 110 && B < 230, `point ${i} not drawn in the custom colour: rgba(${R},${G},${B},${A})`);
      }
      await page.screenshot({ path: join(tmp, `${label}.png`) });
    });

    await step(`${label}: attached with for="<id>" to an <img>, it predicts once and covers the image's pixels`, async () => {
      await page.waitForFunction(() => window.__imgEvents.includes('prediction') || window.__imgEvents.some((e) => e !== 'ready'), null, { timeout: 60_000 });
      const r = await page.evaluate(() => {
        const el = document.getElementById('poster-overlay');
        const img = document.getElementById('poster');
        const c = el.shadowRoot.querySelector('canvas');
        const ir = img.getBoundingClientRect();
        const cr = c.getBoundingClientRect();
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
        return { events: window.__imgEvents, frame: [el.prediction.frameWidth, el.prediction.frameHeight], img: [ir.left, ir.top, ir.width, ir.height], canvas: [cr.left, cr.top, cr.width, cr.height], painted: painted / (c.width * c.height) };
      });
      assert.deepEqual(r.events, ['ready', 'prediction']);
      assert.deepEqual(r.frame, [400, 300]);
      // object-fit: contain of a 4:3 image in a 4:3 box: the canvas covers exactly the image's pixels
      assert.deepEqual(r.canvas.map(Math.round), r.img.map(Math.round));
      assert.ok(r.painted > 0.05, `heatmap covers only ${r.painted}`);
    });

    await step(`${label}: attributes drive it (mode, profile) and a bad profile is an error event with its code`, async () => {
      await page.evaluate(() => { window.__events.length = 0; });
      await page.evaluate(() => { document.querySelector('gaze-overlay').profile = 'age=25-34; gender=female'; });
      await page.waitForFunction(() => window.__events.some((e) => e.type === 'prediction'), null, { timeout: 60_000 });
      const heat = await page.evaluate(async () => {
        const el = document.querySelector('gaze-overlay');
        el.setAttribute('mode', 'heatmap');
        await new Promise((r) => requestAnimationFrame(() => r()));
        const c = el.shadowRoot.querySelector('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
        return { mode: el.mode, painted: painted / (c.width * c.height) };
      });
      assert.equal(heat.mode, 'heatmap');
      assert.ok(heat.painted > 0.05, `heatmap covers only ${heat.painted}`);
      await page.evaluate(() => { window.__events.length = 0; document.querySelector('gaze-overlay').setAttribute('profile', 'age=ancient'); });
      await page.waitForFunction(() => window.__events.some((e) => e.type === 'error'), null, { timeout: 30_000 });
      const err = await page.evaluate(() => window.__events.find((e) => e.type === 'error').detail);
      assert.equal(err.code, 'unsupported-profile');
      assert.match(err.message, /age/);
    });

    await step(`${label}: the two elements share one model worker, released when both are removed`, async () => {
      const models = workers.filter((w) => /model\.worker/.test(w.url()));
      assert.equal(models.length, 1, `expected one model worker for the page's two elements on one model: ${workers.map((w) => w.url()).join(', ')}`);
      const closed = Promise.all(models.map((w) => new Promise((resolve) => w.once('close', resolve))));
      const t0 = Date.now();
      await page.evaluate(() => document.querySelectorAll('gaze-overlay').forEach((el) => el.remove()));
      // close() is answered after the live frames the worker has already queued (an engine backlog
      // under load, about 20 s here): generous, so that this checks release, not speed
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the workers were not terminated within 60 s')), 60_000))]);
      console.log(`    workers terminated ${((Date.now() - t0) / 1000).toFixed(1)} s after the elements were removed`);
    });

    await step(`${label}: nothing is requested from another origin`, async () => {
      assert.deepEqual(offOrigin, []);
    });
  } finally {
    await page.close();
  }
}

/**
 * Vite's default worker format with cross-origin isolation: the load must end in `worker-failed`
 * naming `worker: { format: 'es' }` (before the fix: no event at all, the page waited forever).
 */
async function checkDefaultWorkerFormat(browser, url) {
  const page = await browser.newPage();
  try {
    await step("vite-app with Vite's default worker format: an error event with worker-failed naming format: 'es', not a hang", async () => {
      const t0 = Date.now();
      await page.goto(url);
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is not cross-origin isolated, so the case is not tested');
      await page.waitForFunction(() => window.__events?.some((e) => e.type !== 'ready'), null, { timeout: 90_000 })
        .catch(() => { throw new Error('no error and no prediction within 90 s: the load hangs'); });
      const events = await page.evaluate(() => window.__events);
      const error = events.find((e) => e.type === 'error');
      assert.ok(error, `expected an error event, got ${JSON.stringify(events.map((e) => e.type))}`);
      assert.equal(error.detail.code, 'worker-failed', error.detail.message);
      assert.match(error.detail.message, /worker: \{ format: 'es' \}/);
      console.log(`    worker-failed after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${error.detail.message.slice(0, 120)}…`);
    });
  } finally {
    await page.close();
  }
}

/**
 * Gzipped bytes of the widget's own JS as the page loads it: gaze-overlay.js, the chunks it
 * imports statically, and the model worker. Chunks behind a dynamic import that the widget never
 * triggers (the in-thread engine of `createPredictor({ worker: false })`) are listed apart.
 */
function widgetSize(dir) {
  const loaded = new Map();
  const lazy = new Map();
  const gz = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  const visit = (file, into) => {
    if (loaded.has(file) || lazy.has(file)) return;
    into.set(file, gz(file));
    const code = readFileSync(join(dir, file), 'utf8');
    for (const m of code.matchAll(/(?:from\s*|import\s*)["'`]\.\/([\w.-]+\.js)["'`]|new URL\(\s*["']\.?\/?([\w.-]+\.js)["']/g)) visit(m[1] ?? m[2], into);
    for (const m of code.matchAll(/import\s*\(\s*["'`]\.\/([\w.-]+\.js)["'`]\s*\)/g)) visit(m[1], lazy);
  };
  visit('gaze-overlay.js', loaded);
  // started by URL: new URL(new URL("model.worker.js", import.meta.url).href, …) in the standalone build
  visit('model.worker.js', loaded);
  for (const f of loaded.keys()) lazy.delete(f);
  return { loaded, lazy };
}

// ---------- run ----------
const modelDir = process.env.GAZECAST_MODEL_DIR ?? join(root, 'public/models/gazecast-mnv1-s8');
const shippedModelId = existsSync(join(modelDir, 'manifest.json')) ? JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')).id : undefined;
let browser;
const servers = [];
try {
  let tarball;
  await step('npm pack (builds the library: ESM, standalone, .d.ts)', () => {
    assert.ok(shippedModelId, `the model is missing: ${modelDir}`);
    const out = run('npm', ['pack', '--silent', '--pack-destination', tmp], root).trim().split('\n').at(-1);
    tarball = join(tmp, out);
    assert.ok(existsSync(tarball), `no tarball at ${tarball}`);
    const listing = run('tar', ['-tzf', tarball], tmp);
    for (const f of ['package/dist-lib/index.js', 'package/dist-lib/gaze-overlay.js', 'package/dist-lib/model.worker.js',
      'package/dist-lib/types/index.d.ts', 'package/dist-lib/types/client/gaze-overlay.d.ts', 'package/dist-lib/browser/gaze-overlay.js',
      'package/dist-lib/browser/models/gazecast-mnv1-s8/manifest.json']) {
      assert.ok(listing.includes(f), `${f} is not in the package`);
    }
    assert.ok(!/\.fp32\.onnx|src\/|test\//.test(listing), 'the package holds files it should not');
    console.log(`    ${out}: ${(statSync(tarball).size / 1e6).toFixed(1)} MB`);
  });

  await step('the widget\'s own JavaScript is within its gzip budget', () => {
    const { loaded, lazy } = widgetSize(join(root, 'dist-lib/browser'));
    const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
    const list = (m) => [...m].map(([f, n]) => `${f} ${(n / 1024).toFixed(1)}`).join(' + ');
    console.log(`    widget JS loaded by the page (gzip -9, without onnxruntime-web and the model): ${(sum(loaded) / 1024).toFixed(1)} kB = ${list(loaded)}`);
    console.log(`    lazy chunks the widget never loads (in-thread engine for worker: false, mediabunny for whole-video analysis): ${(sum(lazy) / 1024).toFixed(1)} kB = ${list(lazy)}`);
    assert.ok(sum(loaded) <= BUDGET_GZIP, `${sum(loaded)} B > ${BUDGET_GZIP} B`);
  });

  let viteDist, plainDir, iifeDist;
  await step("a fresh Vite app from the README's code blocks installs the tarball and builds", () => { viteDist = makeViteApp(join(tmp, 'vite-app'), tarball); });
  await step("the same app with Vite's default worker format builds", () => {
    iifeDist = makeViteApp(join(tmp, 'vite-app-iife'), tarball, withDefaultWorkerFormat(block('vite/vite.config.ts')));
  });
  await step('the package\'s type declarations check in a strict TypeScript consumer', () => checkTypes(join(tmp, 'vite-app')));
  await step("the README's plain HTML page installs the tarball (no bundler)", () => { plainDir = makePlainPage(join(tmp, 'plain-page'), tarball); });

  browser = await chromium.launch({
    executablePath: exe,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  for (const [label, dir] of [['vite-app', viteDist], ['plain-page', plainDir]]) {
    if (!dir) continue;
    const server = await serve(dir);
    servers.push(server);
    await checkPage(browser, `http://127.0.0.1:${server.address().port}/`, label);
  }
  if (iifeDist) {
    const server = await serve(iifeDist);
    servers.push(server);
    await checkDefaultWorkerFormat(browser, `http://127.0.0.1:${server.address().port}/`);
  }
} finally {
  await browser?.close();
  for (const s of servers) s.close();
  if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  else console.log(`kept ${tmp}`);
}

const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 && results.length > 0 ? 0 : 1);
