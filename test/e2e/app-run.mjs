#!/usr/bin/env node
/**
 * End-to-end test of the designer app: `vite build`, `vite preview`, and Debian's Chromium driven
 * by playwright-core through the main flows a designer uses — open a sample, choose two
 * audiences, draw AOIs, compare, analyse the whole video, export every format, bad inputs,
 * no off-origin request, reload offline. Screenshots go to test-results/app/ (git-ignored).
 *
 *   node test/e2e/app-run.mjs            # build, then test
 *   node test/e2e/app-run.mjs --no-build # reuse dist/
 *
 * Exit code 0 when every step passed. Each step prints its time.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = join(root, 'test-results/app');
const fixtures = join(root, 'test/e2e/app-fixtures');
const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = 4100 + Math.floor(Math.random() * 800);
const origin = `http://127.0.0.1:${port}`;
// E2E_MODEL=models/<id>/ runs against another model folder served from dist/ (default: the bundled one)
const query = process.env.E2E_MODEL ? `?model=${encodeURIComponent(process.env.E2E_MODEL)}` : '';
mkdirSync(shots, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'gazecast-e2e-'));

const results = [];
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - t0 });
    console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push({ name, ok: false, ms: Date.now() - t0, error: String(e?.stack ?? e) });
    console.log(`  ✗ ${name}\n${String(e?.stack ?? e).split('\n').slice(0, 8).join('\n')}`);
    if (page) await page.screenshot({ path: join(shots, `FAILED-${name.replace(/\W+/g, '_')}.png`) }).catch(() => {});
  }
}

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

if (!process.argv.includes('--no-build')) {
  console.log('== vite build');
  run('npx', ['vite', 'build', '--logLevel', 'warn']);
}
assert.ok(existsSync(join(root, 'dist/index.html')), 'dist/ is missing: run without --no-build');

// media for the bad-input checks that are too big to keep in git, made on the fly with ffmpeg
const ff = (...a) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...a]);
const bigPng = join(tmp, 'poster-50mp.png');
const longMp4 = join(tmp, 'two-hours.mp4');
ff('-f', 'lavfi', '-i', 'color=c=white:s=8660x5774', '-frames:v', '1', bigPng);
ff('-f', 'lavfi', '-i', 'color=c=black:s=64x64:r=1', '-t', '7200', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '3600', longMp4);
// a download cut short: `head -c 300000` of the sample video (its header and index survive)
const cutMp4 = join(tmp, 'cut-short.mp4');
writeFileSync(cutMp4, readFileSync(join(root, 'public/samples/ad-market.mp4')).subarray(0, 300_000));
const emptyFile = join(tmp, 'empty.mp4');
// creative B on video: the sample mirrored, cut to 5 s and at another size (shorter than creative A)
const shortB = join(tmp, 'market-short-b.mp4');
ff('-i', join(root, 'public/samples/ad-market.mp4'), '-t', '5', '-vf', 'hflip,scale=640:360', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', shortB);
writeFileSync(emptyFile, new Uint8Array(0));

console.log(`== vite preview on ${origin}`);
const preview = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('vite preview did not start in 30 s')), 30_000);
  preview.stdout.on('data', (d) => { if (String(d).includes(String(port))) { clearTimeout(t); resolve(); } });
  preview.on('exit', (c) => reject(new Error(`vite preview exited with ${c}`)));
});

const userDataDir = mkdtempSync(join(tmpdir(), 'gazecast-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: exe,
  headless: true,
  viewport: { width: 1280, height: 720 },
  acceptDownloads: true,
  args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'],
});
let page = context.pages()[0] ?? (await context.newPage());
const offOrigin = [];
const consoleErrors = [];
context.on('request', (r) => {
  const u = r.url();
  if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) offOrigin.push(u);
});
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

const $text = (sel) => page.locator(sel).innerText();
const waitModel = () => page.waitForFunction(() => /WASM|WEBGPU/.test(document.getElementById('model-status')?.textContent ?? ''), null, { timeout: 120_000 });
const waitPoints = (stage = 'stage-a') => page.waitForFunction((s) => /\d+ points/.test(document.querySelector(`#${s} .cap-info`)?.textContent ?? ''), stage, { timeout: 60_000 });
async function download(kind) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), (async () => {
    await page.click('#export-btn');
    await page.click(`#export-menu button[data-export="${kind}"]`);
  })()]);
  const path = join(tmp, d.suggestedFilename());
  await d.saveAs(path);
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}
async function stageBox() {
  return page.locator('#stage-a .stage-box').boundingBox();
}
/** native media pixels → page coordinates on stage A (object-fit: contain) */
async function toPage(nx, ny) {
  return page.evaluate(([x, y]) => {
    const box = document.querySelector('#stage-a .stage-box').getBoundingClientRect();
    const m = window.gazecastApp.media;
    const s = Math.min(box.width / m.width, box.height / m.height);
    return { x: box.left + (box.width - m.width * s) / 2 + x * s, y: box.top + (box.height - m.height * s) / 2 + y * s };
  }, [nx, ny]);
}

/** The model has a scanpath graph: the virtual study features are shown (issue 14); without one they are hidden. */
const hasScanpath = () => page.evaluate(() => !!window.gazecastApp.manifest?.scanpath);
/** Waits until the audience's virtual study of the open media has finished. */
const waitStudy = (audId) => page.waitForFunction((id) => !!window.gazecastApp.studies.studyFor(id ?? window.gazecastApp.aId), audId ?? null, { timeout: 300_000 });
/** Live predictions shown per second over `ms` of playback from the frame on screen. */
async function liveRate(ms) {
  const c0 = await page.evaluate(() => window.gazecastApp.livePredictions);
  await page.click('#play-btn');
  await page.waitForTimeout(ms);
  await page.click('#play-btn');
  const c1 = await page.evaluate(() => window.gazecastApp.livePredictions);
  return (c1 - c0) / (ms / 1000);
}

try {
  console.log('== flows');
  await step('opens with the sample video and the model, overlay on the first frame', async () => {
    await page.goto(origin + '/' + query);
    await waitModel();
    await waitPoints();
    console.log(`    model: ${await $text('#model-status')}; first frame: ${await $text('#stage-a .cap-info')}`);
    assert.match(await page.title(), /ad-market\.mp4/);
    const chips = await page.locator('#audience-chips .chip').count();
    assert.ok(chips >= 2, `expected preset audiences, got ${chips}`);
    // at 1280 x 720 the page itself never scrolls, not even with the wheel over the stage (issue 16, item 2)
    const page1 = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth, vh: innerHeight, vw: innerWidth }));
    assert.ok(page1.h <= page1.vh && page1.w <= page1.vw, `the page is ${page1.w} x ${page1.h} in a ${page1.vw} x ${page1.vh} window`);
    const sb = await stageBox();
    await page.mouse.move(sb.x + sb.width / 2, sb.y + sb.height / 2);
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => document.scrollingElement.scrollTop), 0, 'the wheel over the stage scrolled the page');
    assert.equal(await page.$eval('#export-menu button[data-export="video"]', (b) => b.hidden), false, 'video export is offered for a video');
    await page.screenshot({ path: join(shots, '01-open-video.png') });
    // the model's licence where a user meets it (issue 15): the manifest's words, research use of the age/gender part
    await page.click('#about > summary');
    const about = await $text('#about-model');
    assert.match(about, /gazecast-mnv1-s8 .*Licence: .*research use only/s, about);
    assert.equal(await page.$eval('#about-model a', (a) => new URL(a.href).pathname), '/models/gazecast-mnv1-s8/MODEL_CARD.md');
    await page.screenshot({ path: join(shots, '01b-about.png') });
    await page.click('#about > summary');
  });

  await step('live overlay while playing; pause and scrub keep it in sync with the frame shown', async () => {
    const inSync = () => page.waitForFunction(() => {
      const app = window.gazecastApp;
      const p = app.current.get(app.aId);
      return p && Math.abs(p.timestampMs - app.video.currentTime * 1000) < 1;
    }, null, { timeout: 30_000 });
    // live mode is the package's startLive (newest frame wins, smoothed), one session per audience shown
    const count0 = await page.evaluate(() => window.gazecastApp.livePredictions);
    await page.click('#play-btn');
    await page.waitForTimeout(2500);
    const sessions = await page.evaluate(() => window.gazecastApp.live?.sessions.map((s) => ({ running: s.running, processed: s.processed, dropped: s.dropped })));
    await page.click('#play-btn');
    const count1 = await page.evaluate(() => window.gazecastApp.livePredictions);
    console.log(`    live: ${count1 - count0} predictions shown in 2.5 s; sessions ${JSON.stringify(sessions)}`);
    assert.ok(count1 - count0 >= 3, `only ${count1 - count0} live predictions in 2.5 s of playback`);
    assert.ok(sessions?.length === 1 && sessions[0].running, 'one running startLive session while playing');
    // the pause event is a task of its own: with a virtual study running on the page it may come after this check's first look
    await page.waitForFunction(() => window.gazecastApp.live === null, null, { timeout: 5_000 }).catch(() => undefined);
    assert.equal(await page.evaluate(() => window.gazecastApp.live), null, 'pausing stops the live session');
    await inSync();
    await page.evaluate(() => window.gazecastApp.seek(5.2));
    await inSync();
    assert.ok(Math.abs(await page.evaluate(() => window.gazecastApp.video.currentTime) - 5.2) < 0.05);
    await page.evaluate(() => window.gazecastApp.seek(0));
    await inSync();
  });

  await step('audience editor offers exactly the manifest slots; a saved audience becomes a chip', async () => {
    const { slots } = await page.evaluate(() => ({ slots: window.gazecastApp.manifest.profile.tokens.slots }));
    const selects = await page.locator('#slot-fields select').count();
    assert.equal(selects, slots.length);
    for (const s of slots) {
      const opts = await page.locator(`#slot-${s.key} option`).evaluateAll((o) => o.map((x) => x.value));
      assert.deepEqual(opts, s.values);
    }
    const last = (k) => slots.find((s) => s.key === k)?.values.at(-1);
    if (last('gender')) await page.selectOption('#slot-gender', last('gender'));
    if (last('age')) await page.selectOption('#slot-age', last('age'));
    await page.fill('#audience-name', 'Older viewers');
    await page.click('#audience-form button[type=submit]');
    await page.waitForFunction(() => [...document.querySelectorAll('#audience-chips .chip-name')].some((e) => e.textContent === 'Older viewers'));
    // a viewer of the model's panel (personal embedding) as audience A
    const viewers = await page.locator('#panel-select option').count();
    assert.ok(viewers > 1, 'the model panel lists viewers');
    const value = await page.locator('#panel-select option').nth(1).getAttribute('value');
    await page.selectOption('#panel-select', value);
    await page.waitForFunction((id) => window.gazecastApp.current.has(id), value, { timeout: 30_000 });
    assert.match(await $text('#slot-a-name'), /^Viewer /);
    await page.locator('#audience-chips .chip').first().locator('button.set-a').click();
  });

  await step('audiences of every kind can be renamed and deleted: saved, model panel viewer, imported personal (issue 16, item 6)', async () => {
    const chipNames = () => page.locator('#audience-chips .chip-name').allInnerTexts();
    const rename = async (from, to) => {
      await page.locator('#audience-chips .chip-name', { hasText: from }).first().click();
      await page.fill('#audience-chips .chip-rename', to);
      await page.press('#audience-chips .chip-rename', 'Enter');
      await page.waitForFunction((n) => [...document.querySelectorAll('#audience-chips .chip-name')].some((e) => e.textContent === n), to);
    };
    // one store for every kind: the package's (gazecast-audiences), written after the chip changes
    const storedName = (id) => page.evaluate((id) => new Promise((resolve) => {
      const req = indexedDB.open('gazecast-audiences');
      req.onsuccess = () => { const g = req.result.transaction('audiences').objectStore('audiences').get(id); g.onsuccess = () => { req.result.close(); resolve(g.result?.name ?? null); }; };
    }), id);
    const appStoreHas = async (id, expected) => {
      for (let i = 0; i < 30 && (await storedName(id)) !== expected; i++) await page.waitForTimeout(100);
      return storedName(id);
    };
    // a saved attribute audience: renamed in place and in the store, then back
    await rename('Older viewers', 'Seniors');
    const olderId = await page.evaluate(() => window.gazecastApp.audiences.find((a) => a.name === 'Seniors').id);
    assert.equal(await appStoreHas(olderId, 'Seniors'), 'Seniors');
    await rename('Seniors', 'Older viewers');
    // a model panel viewer, added from the list, then deleted from the chips
    const value = await page.locator('#panel-select option').nth(2).getAttribute('value');
    const viewerName = await page.locator('#panel-select option').nth(2).innerText();
    await page.selectOption('#panel-select', value);
    await page.waitForFunction((n) => [...document.querySelectorAll('#audience-chips .chip-name')].some((e) => e.textContent === n), viewerName);
    assert.equal(await appStoreHas(value, viewerName), viewerName, 'a chosen panel viewer is saved');
    await rename(viewerName, 'Panel viewer renamed');
    assert.equal(await appStoreHas(value, 'Panel viewer renamed'), 'Panel viewer renamed', 'a renamed panel viewer is saved');
    await page.locator('#audience-chips .chip', { hasText: 'Panel viewer renamed' }).locator('button.remove').click();
    assert.ok(!(await chipNames()).includes('Panel viewer renamed'), 'the panel viewer is still a chip');
    assert.equal(await appStoreHas(value, null), null, 'the deleted panel viewer is gone from the store');
    // an imported personal audience: written to the personal-audience store as the importer does
    const { modelId, dim } = await page.evaluate(() => ({ modelId: window.gazecastApp.manifest.id, dim: window.gazecastApp.manifest.profile.embedding.dim }));
    await page.evaluate(({ modelId, dim }) => new Promise((resolve, reject) => {
      const req = indexedDB.open('gazecast-audiences', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('audiences', { keyPath: 'id' }).createIndex('modelId', 'modelId');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const tx = req.result.transaction('audiences', 'readwrite');
        tx.objectStore('audiences').put({ id: 'e2e-viewer', name: 'Imported viewer e2e', modelId, createdAt: new Date().toISOString(), kind: 'personal', observerId: 's1', attributes: {}, embedding: Array.from({ length: dim }, (_, i) => (i % 3) * 0.1), viewings: 12, spread: 0.2, signalToNoise: 3, consistency: 'consistent' });
        tx.oncomplete = () => { req.result.close(); window.dispatchEvent(new Event('gazecast-audiences-changed')); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    }), { modelId, dim });
    await page.waitForFunction(() => [...document.querySelectorAll('#audience-chips .chip-name')].some((e) => e.textContent === 'Imported viewer e2e'));
    await rename('Imported viewer e2e', 'Imported, renamed');
    assert.equal(await appStoreHas('e2e-viewer', 'Imported, renamed'), 'Imported, renamed', 'renamed in the audience store');
    await page.locator('#audience-chips .chip', { hasText: 'Imported, renamed' }).locator('button.remove').click();
    await page.waitForFunction(() => ![...document.querySelectorAll('#audience-chips .chip-name')].some((e) => e.textContent === 'Imported, renamed'));
    const left = await page.evaluate(() => new Promise((resolve) => {
      const req = indexedDB.open('gazecast-audiences');
      req.onsuccess = () => { const g = req.result.transaction('audiences').objectStore('audiences').get('e2e-viewer'); g.onsuccess = () => { req.result.close(); resolve(g.result ?? null); }; };
    }));
    assert.equal(left, null, 'the imported audience is deleted from its store too');
  });

  await step('an import with problems shows every problem in full, wrapped in the panel (issue 16, item 5)', async () => {
    const dir = join(tmp, 'bad-study');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stimuli.csv'), 'stimulus_id,kind,file,width,height\nimg1,image,img1.jpg,800,600\n');
    writeFileSync(join(dir, 'fixations.csv'), 'stimulus_id,observer_id,trial,index,x,y,start_ms,duration_ms\nimg1,obs1,0,1,NaN,20,0,200\n');
    await page.setInputFiles('.gazecast-importer-files', [join(dir, 'stimuli.csv'), join(dir, 'fixations.csv')]);
    await page.waitForFunction(() => { const p = document.querySelector('.gazecast-importer-problems'); return p && !p.hidden && p.textContent.length > 0; }, null, { timeout: 20_000 });
    const box = await page.evaluate(() => {
      const p = document.querySelector('.gazecast-importer-problems');
      const panel = document.querySelector('.panel.left');
      const r = p.getBoundingClientRect(), pr = panel.getBoundingClientRect();
      return { text: p.textContent, sw: p.scrollWidth, cw: p.clientWidth, right: r.right, panelRight: pr.right };
    });
    console.log(`    import problems: ${box.text.split('\n')[0]}`);
    assert.match(box.text, /line \d+, column \d+/);
    assert.ok(box.sw <= box.cw + 1 && box.right <= box.panelRight, `problems cut off: scrollWidth ${box.sw} > ${box.cw} or right ${box.right} > panel ${box.panelRight}`);
    await page.locator('.gazecast-importer-problems').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '02b-import-problems.png') });
    await page.evaluate(() => document.querySelector('.panel.left').scrollTo(0, 0));
  });

  await step('draws a rectangle AOI and a polygon AOI, names them, table and story update', async () => {
    await page.evaluate(() => window.gazecastApp.seek(8));
    await page.waitForTimeout(500);
    await waitPoints();
    await page.click('#tool-rect');
    const a = await toPage(880, 590), b = await toPage(1260, 700);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.type('Call to action');
    await page.keyboard.press('Enter');
    await page.click('#tool-poly');
    for (const [x, y] of [[20, 10], [700, 10], [700, 90], [20, 90]]) {
      const p = await toPage(x, y);
      await page.mouse.click(p.x, p.y);
    }
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#aoi-list li').length === 2);
    const names = await page.locator('#aoi-list input').evaluateAll((i) => i.map((x) => x.value));
    assert.deepEqual(names, ['Call to action', 'Headline']);
    const rows = await page.locator('#aoi-table tbody tr').count();
    assert.equal(rows, 2);
    const story = await $text('#story');
    assert.match(story, /“(Call to action|Headline)”/);
    await page.screenshot({ path: join(shots, '02-aois.png') });
  });

  await step('virtual study: seen within 1 s / 3 s with intervals, TTFF, dwell, revisits, calibration line and the story on them (issue 14)', async () => {
    if (!(await hasScanpath())) {
      // a model without a scanpath graph: everything that needs one is hidden
      assert.equal(await page.locator('#study-section').isVisible(), false, 'study panel hidden without a scanpath graph');
      assert.equal(await page.$eval('#export-menu [data-export="csv-scanpaths"]', (b) => b.hidden), true);
      console.log('    this model has no scanpath graph: the study features are hidden (checked); the study steps below only check that');
      return;
    }
    await waitStudy();
    await page.locator('#study-section').scrollIntoViewIfNeeded();
    const head = await page.locator('#study-table thead').innerText();
    assert.match(head, /Share[\s\S]*≤1 s[\s\S]*≤3 s[\s\S]*TTFF[\s\S]*Dwell[\s\S]*Rev/);
    const rows = await page.locator('#study-table tbody tr[data-audience="A"]').evaluateAll((r) => r.map((x) => [...x.cells].map((c) => c.innerText.replace(/\s+/g, ' ').trim())));
    assert.equal(rows.length, 2, 'one row of figures per area for A');
    for (const r of rows) {
      assert.match(r[2], /^\d+% \d+–\d+$/, `seen within 1 s with its Wilson interval: ${r[2]}`);
      assert.match(r[3], /^\d+% \d+–\d+$/, `seen within 3 s: ${r[3]}`);
      assert.match(r[4], /^(\d+\.\d\d|—)$/, `TTFF: ${r[4]}`);
      assert.match(r[5], /^\d+\.\d\d$/, `dwell: ${r[5]}`);
    }
    // the figures are the core metrics of the study shown (not a second computation)
    const check = await page.evaluate(() => {
      const app = window.gazecastApp;
      const r = app.studies.reportFor(app.aId);
      return { viewers: r.viewers, seen1: r.aois.map((m) => Math.round(m.seenWithin[0].seen.share * 100)) };
    });
    assert.equal(check.viewers, 200);
    assert.deepEqual(rows.map((r) => Number(r[2].split('%')[0])), check.seen1);
    const hasCal = await page.evaluate(() => !!window.gazecastApp.manifest.metrics?.scanpath?.calibration);
    assert.match(await $text('#study-calibration'), hasCal ? /matched real viewers on validation[\s\S]*seen within 3 fixations \d+ points/ : /no calibration against real viewers/);
    assert.match(await $text('#story'), /A · virtual study: Of 200 simulated viewers of .*, \d+ % look at “/);
    console.log(`    study A: ${await $text('#study-status')} · ${rows.map((r) => r.join(' | ')).join(' ; ')}`);
    await page.screenshot({ path: join(shots, '02c-study-table.png') });
  });

  await step('the live overlay keeps its frame rate while a study runs in the background (issue 14 target)', async () => {
    if (!(await hasScanpath())) return;
    await page.evaluate(() => window.gazecastApp.seek(0));
    await page.waitForTimeout(500);
    const idle = await liveRate(4000);
    await page.evaluate(() => window.gazecastApp.seek(0));
    // another audience A: its study starts at once (a 9 s video: long enough to measure while it runs)
    const other = await page.evaluate(() => { const app = window.gazecastApp; return app.audiences.find((a) => a.id.startsWith('preset-') && a.id !== app.aId && a.id !== app.bId).id; });
    const before = await page.evaluate(() => window.gazecastApp.aId);
    await page.evaluate((id) => window.gazecastApp.setAudience('a', id), other);
    await page.waitForFunction(() => window.gazecastApp.studies.progress !== null, null, { timeout: 20_000 });
    await page.waitForTimeout(500);
    let running = await liveRate(4000);
    if (running < 0.7 * idle && (await page.evaluate(() => window.gazecastApp.studies.progress !== null))) {
      // this machine is shared: one more look while the study still runs (it barely moves while the video plays)
      console.log(`    first look: ${running.toFixed(1)} /s; measuring again`);
      await page.evaluate(() => window.gazecastApp.seek(0));
      running = Math.max(running, await liveRate(4000));
    }
    const still = await page.evaluate(() => window.gazecastApp.studies.progress);
    console.log(`    live overlay: ${idle.toFixed(1)} predictions/s without a study, ${running.toFixed(1)} /s while one runs (${still ? `study at ${Math.round(still.fraction * 100)} %` : 'the study finished during the measurement'})`);
    assert.ok(idle >= 2, `live overlay too slow to measure: ${idle}/s`);
    assert.ok(running >= 0.7 * idle, `the live overlay slowed from ${idle.toFixed(1)}/s to ${running.toFixed(1)}/s while a study ran`);
    await page.evaluate((id) => window.gazecastApp.setAudience('a', id), before);
    await waitStudy();
    await page.evaluate(() => window.gazecastApp.seek(8));
    await waitPoints();
  });

  await step('compare A | B side by side, then the difference view states its size', async () => {
    await page.locator('#audience-chips .chip', { hasText: 'Older viewers' }).locator('button.set-b').click();
    await page.click('#view-mode button[data-mode=compare]');
    await waitPoints('stage-a');
    await waitPoints('stage-b');
    assert.equal(await page.locator('#stage-b').isVisible(), true);
    const header = await page.locator('#aoi-table thead').innerText();
    assert.match(header, /A share[\s\S]*B share/);
    // each picture as large as the width allows, with no black bands above and below (issue 16):
    // below 1440 px the audiences panel folds to a rail in side-by-side views (~450 px each, was ~360)
    const fit = await page.evaluate(() => {
      const box = document.querySelector('#stage-b .stage-box').getBoundingClientRect();
      const m = window.gazecastApp.media;
      const s = Math.min(box.width / m.width, box.height / m.height);
      return { w: m.width * s, h: m.height * s, boxH: box.height };
    });
    assert.equal(await page.getAttribute('#audiences-toggle', 'aria-expanded'), 'false', 'the audiences panel folds for compare');
    assert.ok(fit.boxH - fit.h < 3 && fit.w >= 440, `compare picture ${fit.w.toFixed(0)} x ${fit.h.toFixed(0)} in a box ${fit.boxH.toFixed(0)} high`);
    // the legend names each side's audience and explains circles and numbers (issue 16, item 8)
    assert.match(await $text('#legend'), /A: Everyone[\s\S]*circle area = share of attention · number = predicted visit order/);
    assert.match(await $text('#legend-b'), /B: Older viewers/);
    // a long AOI name without spaces wraps; B's columns stay in the panel (issue 16, item 11)
    const longName = 'Limited-time-offer-headline-with-a-very-long-name-and-no-spaces-at-all';
    await page.locator('#aoi-list input').nth(1).fill(longName);
    await page.locator('#aoi-list input').nth(1).press('Enter');
    await page.waitForFunction((n) => document.querySelector('#aoi-table tbody').textContent.includes(n), longName);
    const table = await page.evaluate(() => {
      const t = document.getElementById('aoi-table'), panel = document.querySelector('.panel.right');
      return { right: t.getBoundingClientRect().right, panelRight: panel.getBoundingClientRect().right, sw: panel.scrollWidth, cw: panel.clientWidth };
    });
    assert.ok(table.right <= table.panelRight && table.sw <= table.cw, `AOI table overflows the panel: ${JSON.stringify(table)}`);
    await page.screenshot({ path: join(shots, '03-compare.png') });
    await page.locator('#aoi-list input').nth(1).fill('Headline');
    await page.locator('#aoi-list input').nth(1).press('Enter');
    await page.click('#view-mode button[data-mode=difference]');
    await page.waitForFunction(() => /\d+% of attention is placed differently/.test(document.getElementById('difference-summary').textContent));
    // "clearly different" only against the model's yardstick (issue 16)
    const hasYardstick = await page.evaluate(() => !!window.gazecastApp.manifest.metrics?.yardstick);
    assert.match(await $text('#difference-summary'), hasYardstick ? /clearly different, (more than|since) two random halves/ : /no yardstick in this model/);
    assert.match(await $text('#legend'), /A: Everyone[\s\S]*B: Older viewers[\s\S]*where A looks more · where B looks more/);
    assert.equal(await page.getAttribute('#audiences-toggle', 'aria-expanded'), 'true', 'the audiences panel unfolds when the side-by-side view ends');
    await page.click('#audiences-toggle');
    assert.equal(await page.locator('#audience-chips').isVisible(), false, 'the toggle folds the panel');
    await page.click('#audiences-toggle');
    assert.equal(await page.locator('#audience-chips').isVisible(), true, 'and unfolds it');
    await page.screenshot({ path: join(shots, '04-difference.png') });
  });

  await step('virtual study A vs B: both rows, "seen within 1 s: A n %, B m %" judged against the panels\' noise; gaze replay and first fixations (issue 14)', async () => {
    if (!(await hasScanpath())) return;
    await page.click('#view-mode button[data-mode=compare]');
    const bId = await page.evaluate(() => window.gazecastApp.bId);
    await waitStudy(bId);
    await page.waitForFunction(() => document.querySelectorAll('#study-table tbody tr[data-audience="B"]').length === 2);
    const cmp = await $text('#study-compare');
    assert.match(cmp, /(seen within [13] s|looked here first): A \d+ %, B \d+ % \((A|B) \+\d+ points, beyond the panels' noise\)|do not differ beyond the panels' noise on any area/);
    assert.match(await $text('#difference-summary'), /Virtual study: /);
    assert.match(await $text('#story'), /B · virtual study: /);
    console.log(`    ${cmp}`);
    // the gaze replay: the bee swarm over the video, play / pause / scrub
    const overlay = () => page.evaluate(() => {
      const c = document.querySelector('#stage-a canvas.overlay') ?? [...document.querySelectorAll('#stage-a canvas')].at(-1);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 0;
      for (let i = 0; i < d.length; i += 16) h = (h * 31 + d[i] + d[i + 3]) >>> 0;
      return h;
    });
    const predictionOverlay = await overlay();
    await page.selectOption('#replay-view', 'swarm');
    assert.equal(await page.locator('#replay-controls').isVisible(), true);
    await page.evaluate(() => window.gazecastApp.seek(1));
    await page.waitForTimeout(500);
    const swarmAt1 = await overlay();
    assert.notEqual(swarmAt1, predictionOverlay, 'the bee swarm replaces the predicted overlay');
    await page.click('#replay-play');
    await page.waitForTimeout(1200);
    await page.click('#replay-play');
    const t = await page.evaluate(() => window.gazecastApp.video.currentTime);
    assert.ok(t > 1.3, `the replay played the video (at ${t} s)`);
    assert.notEqual(await overlay(), swarmAt1, 'the swarm moved while playing');
    await page.locator('#replay-controls').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '04b-replay.png') });
    // the scrubber seeks the viewing
    await page.$eval('#replay-scrub', (s) => { s.value = '500'; s.dispatchEvent(new Event('input')); });
    await page.waitForFunction(() => { const app = window.gazecastApp; return Math.abs(app.video.currentTime * 1000 - app.replay.durationMs / 2) < 150; });
    await page.selectOption('#replay-view', 'first');
    await page.waitForTimeout(300);
    assert.notEqual(await overlay(), swarmAt1);
    await page.screenshot({ path: join(shots, '04c-first-fixations.png') });
    await page.selectOption('#replay-view', 'prediction');
    // seeking from the replay (scrubber, first fixations at the opening frame) predicts only once a seek has landed
    await page.waitForTimeout(1000);
    assert.equal(await page.locator('#message').isVisible() ? await $text('#message-text') : '', '', 'no error message after the replay');
  });

  await step('analyses the whole video with progress, then the timeline jumps to a frame', async () => {
    await page.selectOption('#sps-select', '2');
    await page.click('#analyse-btn');
    await page.waitForFunction(() => !document.getElementById('analysis-progress').hidden, null, { timeout: 10_000 });
    await page.waitForFunction(() => /\d+%/.test(document.getElementById('analysis-status').textContent), null, { timeout: 60_000 });
    await page.screenshot({ path: join(shots, '05-analysing.png') });
    await page.waitForFunction(() => /^Analysed \d+ frames/.test(document.getElementById('analysis-status').textContent), null, { timeout: 300_000 });
    assert.equal(await page.locator('#chart-section').isVisible(), true);
    console.log(`    ${await $text('#analysis-status')}`);
    const tl = await page.locator('#timeline').boundingBox();
    await page.mouse.click(tl.x + tl.width * 0.3, tl.y + tl.height / 2);
    await page.waitForFunction(() => Math.abs(window.gazecastApp.video.currentTime - 2.5) < 0.6);
    await page.click('#view-mode button[data-mode=compare]');
    await waitPoints('stage-b');
    await page.screenshot({ path: join(shots, '06-analysed.png') });
  });

  await step('cancel stops an analysis', async () => {
    await page.selectOption('#sps-select', '10');
    await page.click('#analyse-btn');
    await page.waitForFunction(() => !document.getElementById('cancel-btn').hidden);
    await page.click('#cancel-btn');
    await page.waitForFunction(() => /cancelled/.test(document.getElementById('analysis-status').textContent), null, { timeout: 30_000 });
    await page.selectOption('#sps-select', '2');
  });

  await step('exports PNG at native resolution, CSV, JSON', async () => {
    await page.click('#view-mode button[data-mode=single]');
    await waitPoints();
    const png = await download('png');
    assert.equal(png.bytes.subarray(1, 4).toString(), 'PNG');
    assert.equal(png.bytes.readUInt32BE(16), 1280);
    assert.equal(png.bytes.readUInt32BE(20), 720);
    writeFileSync(join(shots, '07-export.png'), png.bytes);
    const pts = (await download('csv-points')).bytes.toString();
    assert.match(pts.split('\n')[0], /^audience,time_ms,visit_order,x_px,y_px,mass/);
    assert.ok(pts.trim().split('\n').length > 10, 'points CSV has rows for the analysed frames');
    const aoi = (await download('csv-aoi')).bytes.toString();
    assert.match(aoi, /Call to action/);
    const json = JSON.parse((await download('json')).bytes.toString());
    assert.equal(json.schema, 'gazecast-analysis/1');
    assert.equal(json.media.width, 1280);
    assert.ok(json.frames.length >= 15, `frames ${json.frames.length}`);
    assert.equal(json.aois.length, 2);
    assert.match(json.summary[0].story, /will most likely see|will probably not look/);
    // visit order counts from 1 in both exports (issue 16, item 12)
    const firstCsvOrder = Number(pts.trim().split('\n')[1].split(',')[2]);
    assert.equal(firstCsvOrder, json.frames[0].results[0].points[0].order, 'CSV visit_order and JSON order agree');
    assert.equal(Math.min(...json.frames[0].results[0].points.map((p) => p.order)), 1);
  });

  await step('printable report renders frames, tables and chart for print', async () => {
    await page.evaluate(() => window.gazecastApp.fillReport());
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.locator('#report img').count() >= 6, 'report has the frame, four frames across the video and the chart');
    assert.ok(await page.locator('#report table').count() >= 1);
    await page.screenshot({ path: join(shots, '08-report-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  await step('virtual study exports: scanpaths CSV, per-area metrics CSV, JSON studies, report table and first-fixation figure (issue 14)', async () => {
    if (!(await hasScanpath())) {
      assert.equal(await page.$eval('#export-menu [data-export="csv-study"]', (b) => b.hidden), true, 'study exports hidden without a scanpath graph');
      return;
    }
    await page.click('#view-mode button[data-mode=compare]');
    await waitStudy(await page.evaluate(() => window.gazecastApp.bId));
    const sc = (await download('csv-scanpaths')).bytes.toString().trim().split(/\r?\n/);
    assert.equal(sc[0], 'audience,viewer,fixation,x_px,y_px,onset_ms,duration_ms');
    const audiencesInCsv = new Set(sc.slice(1).map((l) => l.split(',')[0]));
    assert.equal(audiencesInCsv.size, 2, `scanpaths of A and B: ${[...audiencesInCsv]}`);
    const viewers = new Set(sc.slice(1).map((l) => l.split(',').slice(0, 2).join()));
    assert.equal(viewers.size, 400, 'every simulated viewer of both panels');
    const mc = (await download('csv-study')).bytes.toString().trim().split(/\r?\n/);
    assert.match(mc[0], /^audience,aoi,viewers,seen_within_1000ms,seen_within_1000ms_low,seen_within_1000ms_high,seen_within_3000ms/);
    assert.equal(mc.length, 1 + 2 * 2, 'one row per audience and area');
    const json = JSON.parse((await download('json')).bytes.toString());
    assert.equal(json.studies.length, 2);
    assert.equal(json.studies[0].study.viewers.length, 200);
    assert.equal(json.studies[0].report.aois.length, 2);
    await page.evaluate(() => window.gazecastApp.fillReport());
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#report .study-report table').count(), 2, 'a metrics table per audience');
    assert.equal(await page.locator('#report .study-report img').count(), 2, 'a first-fixation figure per audience');
    await page.locator('#report .study-report').screenshot({ path: join(shots, '08b-report-study.png') });
    await page.emulateMedia({ media: 'screen' });
    // the burnt-in video of the next step shows the bee swarm
    await page.selectOption('#replay-view', 'swarm');
    await page.click('#view-mode button[data-mode=single]');
  });

  await step('exports the video with the overlay burnt in (compare mode: A and B side by side)', async () => {
    await page.click('#view-mode button[data-mode=compare]');
    await waitPoints('stage-b');
    const v = await download('video');
    assert.ok(/\.(mp4|webm)$/.test(v.name), v.name);
    assert.ok(v.bytes.length > 50_000, `video export is ${v.bytes.length} bytes`);
    const p = join(tmp, v.name);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-count_frames', '-of', 'json', p]).toString();
    const s = JSON.parse(probe).streams[0];
    assert.equal(s.width, 2 * 1280);
    assert.equal(s.height, 720);
    assert.ok(Number(s.nb_read_frames) >= 200, `frames ${s.nb_read_frames}`);
    ff('-ss', '8.5', '-i', p, '-frames:v', '1', join(shots, '09-burnt-frame.png'));
    console.log(`    video export: ${v.name}, ${s.codec_name}, ${s.width}x${s.height}, ${(v.bytes.length / 1e6).toFixed(2)} MB`);
    if (await hasScanpath()) await page.selectOption('#replay-view', 'prediction');
    await page.click('#view-mode button[data-mode=single]');
  });

  await step('creative A/B on video: a shorter video as creative B, the whole-video analysis covers it, and the CSVs, JSON and report carry it', async () => {
    await page.click('#view-mode button[data-mode=single]');
    await page.setInputFiles('#creative-input', shortB);
    await page.waitForFunction(() => window.gazecastApp.mode === 'creatives');
    await waitPoints('stage-b');
    // creative A was analysed at 2/s for this audience above: only creative B is analysed now
    await page.selectOption('#sps-select', '2');
    await page.click('#analyse-btn');
    await page.waitForFunction(() => /^Analysed \d+ frames/.test(document.getElementById('analysis-status').textContent) || /stopped/.test(document.getElementById('analysis-status').textContent), null, { timeout: 300_000 });
    const status = await $text('#analysis-status');
    console.log(`    ${status}`);
    assert.match(status, /^Analysed \d+ frames .*Creative B \(market-short-b\.mp4, 5\.\d s\) is shorter than creative A \(9\.\d s\): it is analysed at the same times up to its end/);
    const an = await page.evaluate(() => {
      const app = window.gazecastApp, a = app.analysis;
      return { timesA: a.timesS, timesB: a.creativeB?.frames.map((p) => p.timestampMs / 1000), durB: app.creative.media.durationS, aud: a.creativeB?.audienceId, aId: app.aId };
    });
    assert.equal(an.aud, an.aId, 'creative B is analysed for audience A');
    assert.deepEqual(an.timesB, an.timesA.filter((t) => t < an.durB - 1e-9), 'creative B at creative A\'s sample times, up to its end');
    assert.ok(an.timesB.length < an.timesA.length);
    // the chart and the timeline cover creative B; the table and stories are over the whole video
    assert.equal(await page.locator('#chart-section').isVisible(), true);
    const series = await page.evaluate(() => window.gazecastApp.panels.chart.series.map((x) => x.label));
    assert.ok(series.some((l) => / · creative B$/.test(l)) && series.some((l) => / · creative A$/.test(l)), `chart series: ${series}`);
    assert.match(await $text('#story'), new RegExp(`Creative A · .*whole video, ${an.timesA.length} frames on A, ${an.timesB.length} on B[\\s\\S]*Creative B · `));
    // scrubbing to an analysed time shows creative B's analysed prediction of that frame
    await page.evaluate(() => window.gazecastApp.seek(2.5));
    await page.waitForFunction(() => { const app = window.gazecastApp; return app.creative.prediction === app.analysis.creativeB.frames[5]; }, null, { timeout: 30_000 });
    await page.locator('#chart-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '10e-creatives-video-analysed.png') });
    // CSVs: creative B's rows beside A's, by the creative column; the comparison by area
    const rows = (csv) => csv.trim().split(/\r?\n/).map((l) => l.split(','));
    const pts = rows((await download('csv-points')).bytes.toString());
    assert.deepEqual(pts[0], ['creative', 'media', 'audience', 'time_ms', 'visit_order', 'x_px', 'y_px', 'mass']);
    const timesIn = (creative) => [...new Set(pts.slice(1).filter((r) => r[0] === creative).map((r) => Number(r[3])))];
    assert.equal(timesIn('A').length, an.timesA.length);
    assert.deepEqual(timesIn('B'), an.timesB.map((t) => Math.round(t * 1000)));
    assert.ok(pts.slice(1).every((r) => r[1] === (r[0] === 'A' ? 'ad-market.mp4' : 'market-short-b.mp4')));
    const aoi = rows((await download('csv-aoi')).bytes.toString());
    assert.deepEqual(aoi[0].slice(0, 5), ['creative', 'media', 'audience', 'time_ms', 'aoi']);
    assert.equal(aoi.slice(1).filter((r) => r[0] === 'B').length, an.timesB.length * 2, 'creative B: a row per analysed frame and area');
    const cmpFile = await download('csv-creatives');
    assert.equal(cmpFile.name, 'ad-market-vs-market-short-b-creatives.csv');
    const cmp = rows(cmpFile.bytes.toString());
    assert.deepEqual(cmp[0], ['area', 'share_a', 'first_visit_a', 'share_b', 'first_visit_b', 'b_minus_a_points']);
    assert.deepEqual(cmp.slice(1).map((r) => r[0]).sort(), ['Call to action', 'Headline']);
    const json = JSON.parse((await download('json')).bytes.toString());
    assert.equal(json.creativeB.frames.length, an.timesB.length);
    assert.equal(json.creativeB.samplesPerSecond, 2);
    const cta = json.creativeComparison.find((r) => r.name === 'Call to action');
    assert.ok(Math.abs(Number(cmp.find((r) => r[0] === 'Call to action')[1]) - cta.a.share) < 1e-6, 'the comparison CSV and the JSON agree (whole-video mean shares)');
    assert.ok(Math.abs(cta.b.share - json.creativeB.summary[0].aoiStats.find((s) => s.name === 'Call to action').share) < 1e-6);
    await page.evaluate(() => window.gazecastApp.fillReport());
    const report = await page.locator('#report').innerText();
    assert.match(report, /Creative B \(market-short-b\.mp4, 5\.\d s\) is shorter than creative A/, 'the report says what creative B\'s figures over time are');
    assert.match(report, /Creative A\/B[\s\S]*B − A/);
    await page.evaluate(() => { document.getElementById('report').innerHTML = ''; });
    // an image as creative B beside the video: its one prediction stands for every time (flat lines)
    await page.setInputFiles('#creative-input', join(root, 'public/samples/ad-coffee.jpg'));
    await page.waitForFunction(() => window.gazecastApp.creative.media?.name === 'ad-coffee.jpg');
    await waitPoints('stage-b');
    // the analysis of the creative B before is dropped, and the status line no longer describes it
    assert.equal(await page.evaluate(() => window.gazecastApp.analysis.creativeB), undefined);
    assert.match(await $text('#analysis-status'), /^Creative B changed: creative A's analysis is kept/);
    await page.click('#analyse-btn');
    await page.waitForFunction(() => /is an image: its one prediction stands for every time|stopped/.test(document.getElementById('analysis-status').textContent), null, { timeout: 120_000 });
    assert.match(await $text('#analysis-status'), /^Analysed \d+ frames of creative A and creative B \(an image\)/);
    const flat = await page.evaluate(() => window.gazecastApp.panels.chart.series.filter((x) => / · creative B$/.test(x.label)).map((x) => [x.values.length, new Set(x.values).size]));
    assert.ok(flat.length === 2 && flat.every(([n, distinct]) => n === an.timesA.length && distinct === 1), `image B's series: ${JSON.stringify(flat)}`);
    const jsonImage = JSON.parse((await download('json')).bytes.toString());
    assert.equal(jsonImage.creativeB.frames.length, 1, 'an image creative B has one frame in the JSON');
    await page.click('#creative-close');
    await page.waitForFunction(() => window.gazecastApp.mode === 'single' && !window.gazecastApp.creative.media);
    assert.match(await $text('#analysis-status'), /^Creative B closed: creative A's analysis is kept/);
    // a creative B opened after that: the status line does not keep saying it is closed
    await page.setInputFiles('#creative-input', join(root, 'public/samples/ad-coffee.jpg'));
    await page.waitForFunction(() => window.gazecastApp.mode === 'creatives');
    assert.match(await $text('#analysis-status'), /^Creative B changed: creative A's analysis is kept; Analyse whole video again/);
    await page.click('#creative-close');
    await page.waitForFunction(() => window.gazecastApp.mode === 'single' && !window.gazecastApp.creative.media);
  });

  await step('creatives on video: audience A\'s virtual study runs on creative B too, in the background, and the live overlay keeps flowing (issue 16, point 5)', async () => {
    if (!(await hasScanpath())) return;
    await page.setInputFiles('#creative-input', shortB);
    await page.waitForFunction(() => window.gazecastApp.mode === 'creatives');
    await waitPoints('stage-b');
    // creative A's study runs first (if it is not done yet), then creative B's
    await page.waitForFunction(() => window.gazecastApp.studies.progress?.creativeB === 'market-short-b.mp4', null, { timeout: 300_000 });
    assert.match(await $text('#study-status'), /^Simulating 200 viewers of “.+” on creative B \(market-short-b\.mp4\)… \d+ %$/);
    const running = await liveRate(2000);
    const still = await page.evaluate(() => window.gazecastApp.studies.progress);
    // another creative B while its study runs: that study is cancelled (never completed) and the new B's runs
    const before = await page.evaluate(() => ({ completed: window.gazecastApp.studies.completed, runningB: window.gazecastApp.studies.progress?.creativeB ?? null }));
    // (ad-coffee.jpg: the video step above used it as creative B already; ad-tennis.jpg must keep no areas for the image step below)
    await page.setInputFiles('#creative-input', join(root, 'public/samples/ad-coffee.jpg'));
    await page.waitForFunction(() => window.gazecastApp.studies.creativeStudyFor(window.gazecastApp.aId)?.study.durationMs === 3000, null, { timeout: 300_000 });
    const after = await page.evaluate(() => window.gazecastApp.studies.completed);
    if (before.runningB === 'market-short-b.mp4') assert.equal(after, before.completed + 1, 'the study of the creative B left was cancelled, not completed');
    // back to the video creative B: its study runs again and finishes
    await page.setInputFiles('#creative-input', shortB);
    await page.waitForFunction(() => window.gazecastApp.creative.media?.name === 'market-short-b.mp4' && !!window.gazecastApp.studies.creativeStudyFor(window.gazecastApp.aId), null, { timeout: 300_000 });
    const idle = await liveRate(2000);
    console.log(`    live overlay in creatives: ${running.toFixed(1)} predictions/s while creative B's study ran (${still ? `at ${Math.round(still.fraction * 100)} %` : 'it finished during the measurement'}), ${idle.toFixed(1)} /s after`);
    assert.ok(running >= 0.7 * idle, `the live overlay slowed from ${idle.toFixed(1)}/s to ${running.toFixed(1)}/s while creative B's study ran`);
    // a 9 s creative A and a 5 s creative B: each watched from its start, up to its end
    assert.match(await $text('#study-caption'), /^200 simulated viewers of “.+” on each creative, \d\.\d\d s of viewing on A, [45]\.\d\d s on B \(videos from their start\)$/);
    assert.ok(await page.locator('#study-table tbody tr[data-creative="B-A"]').count() >= 1, 'a B − A row per area on both creatives');
    await page.locator('#study-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '10g-creatives-video-study.png') });
    await page.click('#creative-close');
    await page.waitForFunction(() => window.gazecastApp.mode === 'single' && !window.gazecastApp.creative.media && !window.gazecastApp.studies.progress?.creativeB);
  });

  await step('an image sample shows points and keeps AOIs per media', async () => {
    await page.selectOption('#sample-select', 'ad-juice.jpg');
    await page.waitForFunction(() => document.title.startsWith('ad-juice.jpg'));
    await waitPoints();
    assert.equal(await page.locator('#transport').isVisible(), false);
    assert.equal(await page.$eval('#export-menu button[data-export="video"]', (b) => b.hidden), true, 'video export is not offered for an image (issue 16, item 7)');
    // drag and drop: a real DataTransfer with the file, dropped on the page
    const dt = await page.evaluateHandle(async () => {
      const blob = await (await fetch('samples/ad-coffee.jpg')).blob();
      const d = new DataTransfer();
      d.items.add(new File([blob], 'dropped-coffee.jpg', { type: 'image/jpeg' }));
      return d;
    });
    await page.dispatchEvent('#stage-area', 'dragenter', { dataTransfer: dt });
    assert.equal(await page.locator('#drop-overlay').isVisible(), true, 'drop target shown while dragging');
    await page.dispatchEvent('#stage-area', 'drop', { dataTransfer: dt });
    await page.waitForFunction(() => document.title.startsWith('dropped-coffee.jpg'));
    await waitPoints();
    assert.equal(await page.locator('#drop-overlay').isVisible(), false);
    await page.screenshot({ path: join(shots, '10-image.png') });
    await page.selectOption('#sample-select', 'ad-juice.jpg');
    await page.waitForFunction(() => document.title.startsWith('ad-juice.jpg'));
    await waitPoints();
  });

  await step('an image gets its virtual study (3 s of viewing) and a replay with its own clock (issue 14)', async () => {
    if (!(await hasScanpath())) return;
    await waitStudy();
    assert.equal(await page.evaluate(() => window.gazecastApp.studies.studyFor(window.gazecastApp.aId).study.durationMs), 3000);
    assert.match(await $text('#study-caption'), /200 simulated viewers per audience, 3\.00 s of viewing$/);
    await page.selectOption('#replay-view', 'swarm');
    await page.click('#replay-play');
    await page.waitForTimeout(1000);
    const t = await page.evaluate(() => window.gazecastApp.replay.timeMs);
    assert.ok(t > 400 && t <= 3000, `the image replay's clock runs (${t} ms)`);
    await page.screenshot({ path: join(shots, '10d-image-replay.png') });
    await page.waitForFunction(() => window.gazecastApp.replay.timeMs >= 3000, null, { timeout: 10_000 });
    assert.match(await $text('#replay-time'), /0:03\.0 \/ 0:03\.0/, 'it stops at the end of the viewing');
    await page.selectOption('#replay-view', 'prediction');
  });

  await step('creative A/B: a second image as creative B, the same audience on both, areas matched by name, in the exports and the report', async () => {
    // one area on creative A (keyboard route: a centred rectangle, named "Headline")
    await page.focus('#tool-rect');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => window.gazecastApp.aois.length >= 1);
    await page.keyboard.press('Escape');
    const areaName = await page.evaluate(() => window.gazecastApp.aois.at(-1).name);
    await page.setInputFiles('#creative-input', join(root, 'public/samples/ad-tennis.jpg'));
    await page.waitForFunction(() => window.gazecastApp.mode === 'creatives');
    await waitPoints('stage-a');
    await waitPoints('stage-b');
    // creative B starts with creative A's areas (same names), so the table pairs them
    assert.deepEqual(await page.evaluate(() => window.gazecastApp.creative.aois.map((a) => a.name)), await page.evaluate(() => window.gazecastApp.aois.map((a) => a.name)));
    assert.match(await page.locator('#aoi-table thead').innerText(), /A share[\s\S]*B share[\s\S]*B − A/);
    // the area's name on its own row, its figures (both shares, first visits, B − A) on the next
    assert.ok(await page.locator('#aoi-table tbody tr.area-row', { hasText: areaName }).count() > 0, `a name row for ${areaName}`);
    const row = await page.locator(`#aoi-table tbody tr[data-area="${areaName}"]`).first().innerText();
    assert.match(row, /\d+%[\s\S]*\d+%/, `row for ${areaName}: ${row}`);
    assert.match(await $text('#difference-summary'), /For Everyone|the same share/);
    assert.match(await $text('#legend-b'), /Creative B: ad-tennis\.jpg · Everyone/);
    assert.match(await $text('#story'), /Creative A[\s\S]*Creative B/);
    assert.equal(await page.$eval('#export-menu button[data-export="video"]', (b) => b.hidden), true, 'no video export for two creatives');
    // audience A's virtual study runs on creative B as well as on A: per area both creatives and B − A (issue 16, point 5)
    const studies = await hasScanpath();
    if (studies) {
      await page.waitForFunction(() => { const app = window.gazecastApp; return !!app.studies.studyFor(app.aId) && !!app.studies.creativeStudyFor(app.aId); }, null, { timeout: 300_000 });
      await page.waitForFunction(() => document.querySelector('#study-table tbody tr[data-creative="B-A"] td:nth-child(3) small'), null, { timeout: 10_000 });
      assert.match(await $text('#study-status'), /^Simulated in [\d.]+ s and [\d.]+ s\.$/, 'both studies finished');
      assert.match(await $text('#study-caption'), /^200 simulated viewers of “Everyone” on each creative, 3\.00 s of viewing$/);
      const cells = await page.locator('#study-table tbody tr[data-creative]').evaluateAll((rs) => rs.map((r) => [r.dataset.creative, ...[...r.cells].slice(1).map((c) => c.innerText.replace(/\s+/g, ' ').trim())]));
      assert.deepEqual(cells.map((c) => c[0]), ['A', 'B', 'B-A'], 'one area: creative A, creative B, B − A');
      for (const c of cells.slice(0, 2)) assert.match(c.slice(2, 4).join(' | '), /^\d+% \d+–\d+ \| \d+% \d+–\d+$/, `seen within 1 s / 3 s with their intervals: ${c}`);
      assert.match(cells[2].slice(2, 4).join(' | '), /^[+−]?\d+ (beyond noise|noise) \| [+−]?\d+ (beyond noise|noise)$/, `B − A in points with the noise verdict: ${cells[2]}`);
      assert.match(cells[2][4], /^([+−]?\d+\.\d\d|—)$/, `TTFF B − A: ${cells[2]}`);
      assert.match(await $text('#difference-summary'), /Virtual study \(200 simulated viewers of Everyone on each creative\): /);
      assert.equal(await page.locator('#replay-view').isVisible(), false, 'no gaze replay of two creatives');
      // the panel keeps its width at 1280 x 720 (seven columns; the area's name wraps)
      const fit = await page.evaluate(() => { const t = document.getElementById('study-table'); return [t.scrollWidth, t.parentElement.clientWidth]; });
      assert.ok(fit[0] <= fit[1], `the study table is ${fit[0]} px wide in a ${fit[1]} px panel`);
      console.log(`    creatives study: ${await $text('#study-status')} · ${cells.map((c) => c.join(' ')).join(' ; ')}`);
      await page.locator('#study-section').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, '10b2-creatives-study.png') });
    }
    const pageW = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]);
    assert.ok(pageW[0] <= pageW[2] && pageW[1] <= pageW[3], `the page is ${pageW[0]} x ${pageW[1]} px in a ${pageW[2]} x ${pageW[3]} px window`);
    await page.screenshot({ path: join(shots, '10b-creatives.png') });
    const png = await download('png');
    assert.equal(png.bytes.readUInt32BE(16), 800 + 800, 'the PNG has creative A and creative B side by side');
    writeFileSync(join(shots, '10c-creatives-export.png'), png.bytes);
    // the CSVs carry creative B's rows, told apart by the creative column
    const pts = (await download('csv-points')).bytes.toString().trim().split(/\r?\n/).map((l) => l.split(','));
    assert.deepEqual(pts[0].slice(0, 3), ['creative', 'media', 'audience']);
    assert.deepEqual([...new Set(pts.slice(1).map((r) => `${r[0]} ${r[1]}`))], ['A ad-juice.jpg', 'B ad-tennis.jpg']);
    const aoiRows = (await download('csv-aoi')).bytes.toString().trim().split(/\r?\n/).map((l) => l.split(','));
    assert.ok(aoiRows.some((r) => r[0] === 'B' && r[4] === areaName), `creative B's row for ${areaName}`);
    const cmpRows = (await download('csv-creatives')).bytes.toString().trim().split(/\r?\n/).map((l) => l.split(','));
    assert.ok(cmpRows.some((r) => r[0] === areaName && r[1] !== '' && r[3] !== '' && r[5] !== ''), 'the comparison CSV pairs the areas by name');
    const json = JSON.parse((await download('json')).bytes.toString());
    assert.equal(json.creativeB.media.name, 'ad-tennis.jpg');
    assert.ok(json.creativeComparison.some((r) => r.name === areaName && typeof r.differencePoints === 'number'), 'the JSON pairs the areas by name');
    if (studies) {
      // the study on each creative and their comparison: seen within 1 s / 3 s on A and B, B − A with the noise verdict, TTFF
      assert.equal(json.studies[0].study.viewers.length, 200);
      assert.equal(json.creativeB.studies[0].study.viewers.length, 200);
      const sc = json.creativeStudyComparison.find((r) => r.name === areaName);
      assert.ok(sc, `creativeStudyComparison has ${areaName}`);
      assert.deepEqual(sc.seenWithin.map((w) => w.withinMs), [1000, 3000]);
      for (const w of sc.seenWithin) {
        assert.ok(Math.abs(w.difference.points - (w.b.share - w.a.share) * 100) < 1e-3 && typeof w.difference.beyondNoise === 'boolean', JSON.stringify(w));
      }
      const t = sc.timeToFirstFixation;
      assert.ok(t.aMs === null || t.bMs === null ? t.differenceMs === null : Math.abs(t.differenceMs - (t.bMs - t.aMs)) < 1e-6, JSON.stringify(t));
      assert.equal(t.aMs, json.studies[0].report.aois.find((m) => m.name === areaName).timeToFirstFixation?.median ?? null);
      // the study metrics CSV: creative A's row, then B's
      const mc = (await download('csv-study')).bytes.toString().trim().split(/\r?\n/).map((l) => l.split(','));
      assert.deepEqual(mc[0].slice(0, 4), ['creative', 'media', 'audience', 'aoi']);
      assert.deepEqual(mc.slice(1).map((r) => `${r[0]} ${r[1]} ${r[3]}`), [`A ad-juice.jpg ${areaName}`, `B ad-tennis.jpg ${areaName}`]);
    }
    await page.evaluate(() => window.gazecastApp.fillReport());
    assert.match(await page.locator('#report').innerText(), /Creative A\/B[\s\S]*B − A/);
    if (studies) {
      const section = page.locator('#report .creative-study-report');
      assert.match(await section.innerText(), /Creative A\/B — virtual study[\s\S]*Seen within 1 s on A[\s\S]*Time to first fixation \(median\) on A/);
      const cells = await section.locator('tbody tr').first().evaluate((r) => [...r.cells].map((c) => c.innerText.replace(/\s+/g, ' ').trim()));
      assert.equal(cells[0], areaName);
      assert.match(cells.slice(1, 7).join(' | '), /^\d+ % \(\d+–\d+ %\) \| \d+ % \(\d+–\d+ %\) \| (no gap|[+−]\d+ points), (beyond the panels' noise|within the noise) \| /);
      await page.emulateMedia({ media: 'print' });
      await section.screenshot({ path: join(shots, '10f-creatives-study-report.png') });
      await page.emulateMedia({ media: 'screen' });
    }
    await page.evaluate(() => { document.getElementById('report').innerHTML = ''; });
    await page.click('#creative-close');
    await page.waitForFunction(() => window.gazecastApp.mode === 'single' && !window.gazecastApp.creative.media);
    assert.equal(await page.locator('#stage-b').isVisible(), false);
  });

  await step('bad inputs get a clear message and the work on screen stays', async () => {
    const cases = [
      [emptyFile, /empty \(0 bytes\)/],
      [join(fixtures, 'hevc.mp4'), /HEVC \(H\.265\)/],
      [join(fixtures, 'truncated.mp4'), /damaged or incomplete/],
      [cutMp4, /“cut-short\.mp4” is damaged or incomplete: it ends 16\.1 KB before the end of its “mdat” box/],
      [bigPng, /50\.0 megapixels/],
      [longMp4, /2 h 0 min long/],
    ];
    for (const [file, re] of cases) {
      await page.setInputFiles('#file-input', file);
      await page.waitForFunction(() => !document.getElementById('message').hidden, null, { timeout: 30_000 });
      const msg = await $text('#message-text');
      assert.match(msg, re, `${file}: ${msg}`);
      assert.match(await page.title(), /^ad-juice\.jpg/, 'the previous work stays on screen');
      if (file === longMp4) await page.screenshot({ path: join(shots, '11-bad-input.png') });
      await page.click('#message-close');
    }
    await waitPoints();
  });

  await step('keyboard: Tab reaches the main controls, each with a visible focus ring; AOIs by keyboard', async () => {
    await page.evaluate(() => document.querySelector('.skip-link').focus());
    const seen = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => {
        const e = document.activeElement;
        const cs = getComputedStyle(e);
        return { id: e.id || e.dataset?.mode || e.tagName, ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1 };
      }));
    }
    const ids = seen.map((s) => s.id);
    for (const want of ['open-btn', 'sample-select', 'single', 'export-btn']) assert.ok(ids.includes(want), `Tab never reached ${want}: ${ids.join(', ')}`);
    assert.ok(seen.every((s) => s.ring), `focus ring missing on ${seen.filter((s) => !s.ring).map((s) => s.id).join(', ')}`);
    // an AOI added and moved with the keyboard only
    await page.focus('#tool-rect');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => document.querySelectorAll('#aoi-list li').length >= 1);
    await page.keyboard.press('Escape');
    const before = await page.evaluate(() => window.gazecastApp.aois.at(-1).shape.x);
    await page.locator('.aoi-shape').last().focus();
    await page.keyboard.press('Shift+ArrowRight');
    const after = await page.evaluate(() => window.gazecastApp.aois.at(-1).shape.x);
    assert.ok(after > before, `arrow key did not move the AOI (${before} → ${after})`);
    // held down, Shift+→ stops at the picture's right edge (issue 16, item 3)
    for (let i = 0; i < 40; i++) await page.keyboard.press('Shift+ArrowRight');
    const edge = await page.evaluate(() => { const a = window.gazecastApp; const s = a.aois.at(-1).shape; return { right: s.x + s.width, w: a.media.width }; });
    assert.ok(Math.abs(edge.right - edge.w) < 1e-6, `AOI right edge at ${edge.right} on a ${edge.w}-wide image`);
    await page.screenshot({ path: join(shots, '12-keyboard.png') });
  });

  await step('no request left the origin during the whole session', async () => {
    assert.deepEqual(offOrigin, []);
  });

  await step('reloads and works offline after one visit', async () => {
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60_000 }).catch(async () => {
      await page.reload();
      await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60_000 });
    });
    // wait until Workbox finished precaching everything (install done, worker active)
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
    // the work on screen comes back after a reload ("Update now" reloads too): the file, A and B (issue 16, item 9)
    await page.click('#view-mode button[data-mode=compare]');
    await waitPoints('stage-b');
    const before = { title: await page.title(), a: await $text('#slot-a-name'), b: await $text('#slot-b-name') };
    await context.setOffline(true);
    const t0 = Date.now();
    await page.reload();
    await waitPoints();
    const firstMs = Date.now() - t0;
    await waitModel();
    console.log(`    reload (model cached, offline) to first prediction on screen: ${firstMs} ms`);
    assert.equal(await page.title(), before.title, 'the same file is open after the reload');
    assert.equal(await $text('#slot-a-name'), before.a);
    assert.equal(await $text('#slot-b-name'), before.b);
    assert.equal(await page.evaluate(() => window.gazecastApp.mode), 'compare');
    assert.ok(firstMs <= 2000, `first prediction ${firstMs} ms after the reload (target 2 s)`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'still cross-origin isolated when served by the service worker');
    await page.screenshot({ path: join(shots, '13-offline.png') });
    await context.setOffline(false);
  });

  await step('audiences saved by an earlier version in the app\'s own database move into the package\'s store once (issue 16, point 3)', async () => {
    // the old list as the previous version wrote it: an attribute group and a renamed model panel viewer
    const { dim } = await page.evaluate(() => ({ dim: window.gazecastApp.manifest.profile.embedding.dim }));
    await page.evaluate((dim) => new Promise((resolve, reject) => {
      const req = indexedDB.open('gazecast-app');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const tx = req.result.transaction('audiences', 'readwrite');
        tx.objectStore('audiences').put({ id: 'aud-legacy-1', name: 'Legacy group', tokens: { age: '55+' }, source: 'attributes', createdAt: 1 });
        tx.objectStore('audiences').put({ id: 'panel-legacy', name: 'Legacy viewer', tokens: {}, embedding: Array.from({ length: dim }, () => 0.05), source: 'panel', createdAt: 2 });
        tx.oncomplete = () => { req.result.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    }), dim);
    await page.reload();
    await waitModel();
    await page.waitForFunction(() => ['Legacy group', 'Legacy viewer'].every((n) => [...document.querySelectorAll('#audience-chips .chip-name')].some((e) => e.textContent === n)), null, { timeout: 30_000 });
    const kinds = await page.evaluate(() => new Promise((resolve) => {
      const req = indexedDB.open('gazecast-audiences');
      req.onsuccess = () => {
        const g = req.result.transaction('audiences').objectStore('audiences').getAll();
        g.onsuccess = () => { req.result.close(); resolve(Object.fromEntries(g.result.filter((a) => /legacy/.test(a.id)).map((a) => [a.id, a.kind]))); };
      };
    }));
    assert.deepEqual(kinds, { 'aud-legacy-1': 'attributes', 'panel-legacy': 'panel' }, 'moved into the package store with their kinds');
    const left = await page.evaluate(() => new Promise((resolve) => {
      const req = indexedDB.open('gazecast-app');
      req.onsuccess = () => { const g = req.result.transaction('audiences').objectStore('audiences').count(); g.onsuccess = () => { req.result.close(); resolve(g.result); }; };
    }));
    assert.equal(left, 0, 'the old list is emptied once moved');
    // a moved audience predicts like any other (in the single view: compare, restored by the reload, folds the chips)
    await page.click('#view-mode button[data-mode=single]');
    await page.locator('#audience-chips .chip', { hasText: 'Legacy viewer' }).locator('button.set-a').click();
    await page.waitForFunction(() => window.gazecastApp.current.has('panel-legacy'), null, { timeout: 30_000 });
  });

  await step('refuses ?model= on another origin with a coded, visible error, requesting nothing there', async () => {
    // localhost is another origin than 127.0.0.1, though the same server would answer
    const foreign = `http://localhost:${port}/models/gazecast-mnv1-s8/`;
    const other = await context.newPage();
    try {
      await other.goto(`${origin}/?model=${encodeURIComponent(foreign)}`);
      await other.waitForFunction(() => /not loaded/i.test(document.getElementById('model-status')?.textContent ?? ''), null, { timeout: 60_000 });
      const shown = await other.locator('#message-text').innerText();
      assert.match(shown, /model-off-origin/);
      assert.match(shown, /off this page's origin/);
      await other.screenshot({ path: join(shots, '14-model-off-origin.png') });
    } finally {
      await other.close();
    }
    assert.deepEqual(offOrigin.filter((u) => u.startsWith('http://localhost')), []);
  });
} finally {
  await context.close().catch(() => {});
  try { process.kill(-preview.pid, 'SIGTERM'); } catch {}
  rmSync(userDataDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok);
if (consoleErrors.length) console.log(`console errors (${consoleErrors.length}):\n  ${consoleErrors.slice(0, 10).join('\n  ')}`);
writeFileSync(join(shots, 'results.json'), JSON.stringify({ results, offOrigin, consoleErrors }, null, 2));
console.log(`\n${results.length - failed.length}/${results.length} passed; screenshots in test-results/app/`);
process.exit(failed.length ? 1 : 0);
