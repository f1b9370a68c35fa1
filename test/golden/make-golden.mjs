#!/usr/bin/env node
/**
 * Golden outputs of a model for the browser tests: onnxruntime-node (native CPU) runs the model
 * on the fixtures in test/fixtures, and the log_density plus the points decoded from it by
 * src/core are written to test/fixtures/golden-<model id>.json. The browser tests check WASM and
 * WebGPU against these (correlation >= 0.99, points at the same places).
 *
 *   node test/golden/make-golden.mjs [model folder, default public/models/gazecast-mnv1-s8]
 *
 * GOLDEN_OUT=<dir> writes elsewhere (e.g. for a model under development).
 *
 * Pixels come from ffmpeg: the PNG still is lossless (at the model's input size, it needs no
 * resampling at all, in Node or in Chromium); the video frame
 * is decoded at 1.0 s and scaled to the letterbox content with ffmpeg's area filter.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import * as ort from 'onnxruntime-node';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modelDir = resolve(root, process.argv[2] ?? 'public/models/gazecast-mnv1-s8');
const fixtures = join(root, 'test/fixtures');

const load = async (p) => (await runnerImport(join(root, p), { configFile: false, logLevel: 'error' })).module;
const { parseManifest, chooseModelFile } = await load('src/core/manifest.ts');
const { computeLetterbox } = await load('src/core/letterbox.ts');
const { decodeLogDensity } = await load('src/core/decode.ts');
const { encodeProfile } = await load('src/core/profile.ts');
const { fixationDensity } = await load('src/core/personal/fixation-density.ts');

const STILL = 'osie-1020-still.png';
const manifest = parseManifest(JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')));
const { width: W, height: H, mean, std } = manifest.input;

function rgb(args, width, height) {
  const buf = execFileSync('ffmpeg', ['-v', 'error', ...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 26 });
  if (buf.length !== width * height * 3) throw new Error(`ffmpeg gave ${buf.length} bytes, expected ${width}x${height}x3`);
  return buf;
}

/** letterboxed, normalised CHW tensor data, padding 0 (as src/worker/preprocess.ts) */
function tensor(pixels, lb) {
  const out = new Float32Array(3 * W * H);
  for (let y = 0; y < lb.height; y++) {
    for (let x = 0; x < lb.width; x++) {
      const s = (y * lb.width + x) * 3;
      const d = (lb.y + y) * W + lb.x + x;
      for (let c = 0; c < 3; c++) out[c * W * H + d] = (pixels[s + c] / 255 - mean[c]) / std[c];
    }
  }
  return out;
}

const media = {
  still: () => {
    const [sw, sh] = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', join(fixtures, STILL)], { encoding: 'utf8' }).trim().split(',').map(Number);
    const lb = computeLetterbox(sw, sh, W, H);
    return { lb, data: tensor(rgb(['-i', join(fixtures, STILL), '-vf', `scale=${lb.width}:${lb.height}:flags=area`], lb.width, lb.height), lb) };
  },
  video: () => {
    const lb = computeLetterbox(640, 360, W, H);
    const px = rgb(['-ss', '1.0', '-i', join(fixtures, 'osie-1010-pan.mp4'), '-frames:v', '1', '-vf', `scale=${lb.width}:${lb.height}:flags=area:in_color_matrix=bt709`], lb.width, lb.height);
    return { lb, data: tensor(px, lb) };
  },
};

const lastValues = Object.fromEntries(manifest.profile.tokens.slots.filter((s) => s.values.length > 1).map((s) => [s.key, s.values.at(-1)]));
let panelEmbedding;
if (manifest.panel) {
  const panel = JSON.parse(readFileSync(join(modelDir, manifest.panel), 'utf8'));
  const first = Object.entries(panel)[0];
  if (first) panelEmbedding = { observer: first[0], embedding: first[1].embedding };
}

const defaultFile = chooseModelFile(manifest, 'wasm');
const cases = [
  { name: 'still-population', media: 'still', profile: {} },
  { name: 'still-profile', media: 'still', profile: { tokens: lastValues } },
  ...(panelEmbedding ? [{ name: 'still-panel', media: 'still', profile: { embedding: panelEmbedding.embedding }, observer: panelEmbedding.observer }] : []),
  ...manifest.files.filter((f) => f !== defaultFile).map((f) => ({ name: `still-${f.precision}`, media: 'still', profile: {}, precision: f.precision })),
  { name: 'video-1s', media: 'video', profile: {}, timeS: 1.0 },
];

const sessions = new Map();
async function session(file) {
  if (!sessions.has(file.path)) {
    const bytes = readFileSync(join(modelDir, file.path));
    if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) throw new Error(`${file.path}: sha256 does not match the manifest`);
    sessions.set(file.path, await ort.InferenceSession.create(bytes));
  }
  return sessions.get(file.path);
}

const out = [];
for (const c of cases) {
  const file = c.precision ? manifest.files.find((f) => f.precision === c.precision) : defaultFile;
  const { lb, data } = media[c.media]();
  const { tokens, embedding } = encodeProfile(manifest.profile, c.profile);
  const feeds = {
    [manifest.input.name]: new ort.Tensor('float32', data, [1, 3, H, W]),
    [manifest.profile.tokens.name]: new ort.Tensor('int64', tokens, [1, tokens.length]),
  };
  if (manifest.profile.embedding) feeds[manifest.profile.embedding.name] = new ort.Tensor('float32', embedding, [1, embedding.length]);
  const result = await (await session(file)).run(feeds);
  const log = result[manifest.output.name].data;
  const { points } = decodeLogDensity(log, manifest.output.width, manifest.output.height, lb);
  out.push({
    name: c.name,
    media: c.media === 'still' ? STILL : 'osie-1010-pan.mp4',
    ...(c.timeS !== undefined ? { timeS: c.timeS } : {}),
    frameWidth: lb.frameWidth,
    frameHeight: lb.frameHeight,
    profile: c.profile,
    ...(c.observer ? { observer: c.observer } : {}),
    file: file.path,
    precision: file.precision,
    points: points.map((p) => ({ x: +p.x.toFixed(3), y: +p.y.toFixed(3), mass: +p.mass.toFixed(5), order: p.order })),
    logDensity: Array.from(log, (v) => +v.toFixed(5)),
  });
  console.log(c.name, file.precision, points.slice(0, 3).map((p) => `(${p.x.toFixed(1)}, ${p.y.toFixed(1)}) ${p.mass.toFixed(3)}`).join('  '));
}

// The encoder: two real OSIE viewers' fixations on image 1020 (the still), scaled from the
// stimulus' 800x600 to the still's size, first fixation left out (the central fixation cross).
let encoder;
if (manifest.encoder) {
  const rows = readFileSync(join(root, '../shared/data/osie/fixations.csv'), 'utf8').split('\n').map((l) => l.split(','));
  const { lb, data } = media.still();
  const session = await ort.InferenceSession.create(readFileSync(join(modelDir, manifest.encoder.path)));
  encoder = [];
  for (const observer of ['osie-s01', 'osie-s02']) {
    const fixations = rows
      .filter((r) => r[0] === 'osie-1020' && r[1] === observer && r[2] === '0' && r[3] !== '0')
      .map((r) => ({ x: +((Number(r[4]) * lb.frameWidth) / 800).toFixed(2), y: +((Number(r[5]) * lb.frameHeight) / 600).toFixed(2) }));
    const grid = { inputWidth: W, inputHeight: H, outputWidth: manifest.output.width, outputHeight: manifest.output.height };
    const density = fixationDensity(grid, lb.frameWidth, lb.frameHeight, fixations);
    const out = await session.run({
      [manifest.encoder.inputs.image]: new ort.Tensor('float32', data, [1, 3, H, W]),
      [manifest.encoder.inputs.fixations]: new ort.Tensor('float32', density, [1, 1, manifest.output.height, manifest.output.width]),
    });
    encoder.push({ observer, media: STILL, fixations, embedding: Array.from(out[manifest.encoder.output].data, (v) => +v.toFixed(6)) });
    console.log('encoder', observer, fixations.length, 'fixations');
  }
}

const golden = {
  model: { id: manifest.id, version: manifest.version, files: manifest.files.map(({ path, sha256 }) => ({ path, sha256 })) },
  generatedBy: `node test/golden/make-golden.mjs (onnxruntime-node ${ort.env.versions?.node ?? ''})`,
  output: manifest.output,
  cases: out,
  ...(encoder ? { encoder } : {}),
};
const target = join(process.env.GOLDEN_OUT ?? fixtures, `golden-${manifest.id}.json`);
writeFileSync(target, JSON.stringify(golden) + '\n');
console.log(`wrote ${target}`);
