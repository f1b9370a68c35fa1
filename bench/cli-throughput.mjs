#!/usr/bin/env node
/**
 * Throughput of the command line: images per second for 800x600 JPEGs with one audience, points
 * and JSON (`--format json`: the analysis JSON holds the points), through the built
 * dist-lib/node/cli.js exactly as a user runs it.
 *
 *   node bench/cli-throughput.mjs [--images=400] [--runs=3] [--layouts=default,2x1,1x2,1x1]
 *
 * The images are made here from public/samples/*.jpg (resized to 800x600, JPEG quality 85), so the
 * benchmark needs nothing outside the repository. Each layout (`<sessions>x<intra-op threads>`,
 * GAZECAST_POOL; `default` is what the command picks) runs `--runs` times; the best run counts
 * (other work on a shared machine only ever slows a run down). Reported: the command's own rate
 * (files/s from its summary, model loading excluded) and the whole process's (wall clock, from
 * start to exit), with the 1-minute load average before and after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(a.indexOf('=') + 1) : fallback;
};
const count = Number(arg('images', 400));
const runs = Number(arg('runs', 3));
const layouts = String(arg('layouts', 'default,2x1,1x2,1x1')).split(',');
const audience = 'age=18-24; gender=female';

process.stderr.write('building dist-lib/node/cli.js...\n');
execFileSync('npx', ['vite', 'build', '-c', 'vite.lib.config.ts', '--mode', 'cli'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const work = join(tmpdir(), `gazecast-cli-bench-${process.pid}`);
const images = join(work, 'images');
mkdirSync(images, { recursive: true });
const samples = readdirSync(join(root, 'public/samples')).filter((f) => f.endsWith('.jpg')).sort();
for (let k = 0; k < count; k++) {
  // a different crop of each sample per image, so no two files are the same bytes
  const src = join(root, 'public/samples', samples[k % samples.length]);
  const meta = await sharp(src).metadata();
  const w = Math.round(meta.width * (0.8 + 0.2 * ((k * 7) % 11) / 10));
  const h = Math.round(meta.height * (0.8 + 0.2 * ((k * 5) % 11) / 10));
  await sharp(src).extract({ left: 0, top: 0, width: Math.min(w, meta.width), height: Math.min(h, meta.height) })
    .resize(800, 600, { fit: 'fill' }).jpeg({ quality: 85 }).toFile(join(images, `img-${String(k).padStart(4, '0')}.jpg`));
}

const cli = join(root, 'dist-lib/node/cli.js');
const results = [];
const loadBefore = loadavg()[0];
for (const layout of layouts) {
  let best;
  for (let r = 0; r < runs; r++) {
    const out = join(work, 'out');
    rmSync(out, { recursive: true, force: true });
    const env = { ...process.env };
    if (layout === 'default') delete env.GAZECAST_POOL;
    else env.GAZECAST_POOL = layout;
    const t0 = performance.now();
    const p = spawnSync('nice', ['-n', '10', process.execPath, cli, 'analyse', images, '--audience', audience, '--format', 'json', '--out', out, '--quiet'], { env, encoding: 'utf8' });
    const wallS = (performance.now() - t0) / 1000;
    if (p.status !== 0) throw new Error(`the command failed (${p.status}): ${p.stderr}`);
    const m = /(\d+) of (\d+) files analysed .* in ([\d.]+) s \(([\d.]+) files\/s, (\d+) sessions? x (\d+) threads?\)/.exec(p.stderr);
    if (!m || Number(m[1]) !== count) throw new Error(`unexpected summary: ${p.stderr}`);
    const run = { layout, sessions: Number(m[5]), intraOpThreads: Number(m[6]), commandS: Number(m[3]), imagesPerSecond: count / Number(m[3]), wallS, wallImagesPerSecond: count / wallS };
    if (!best || run.imagesPerSecond > best.imagesPerSecond) best = run;
  }
  results.push(best);
  process.stderr.write(`${layout}: ${best.imagesPerSecond.toFixed(1)} images/s (${best.wallImagesPerSecond.toFixed(1)} with process start)\n`);
}
rmSync(work, { recursive: true, force: true });

const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage: { before: +loadBefore.toFixed(2), after: +loadavg()[0].toFixed(2) } },
  images: { count, size: '800x600', format: 'JPEG q85' },
  audience,
  command: `gazecast analyse <${count} JPEGs> --audience "${audience}" --format json`,
  results,
};
console.log(JSON.stringify(report, null, 2));
console.log(`\n${report.machine.cpu}, ${report.machine.cores} cores, load average ${report.machine.loadAverage.before} → ${report.machine.loadAverage.after}`);
console.log('| layout | sessions x threads | images/s (command) | images/s (incl. process start) |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| ${r.layout} | ${r.sessions} x ${r.intraOpThreads} | ${r.imagesPerSecond.toFixed(1)} | ${r.wallImagesPerSecond.toFixed(1)} |`);
