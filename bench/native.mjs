/**
 * The benchmark's `native` rows: the Node engine (src/node/native-engine.ts, the command line's,
 * onnxruntime-node on the CPU) on the same model file, the same image and the same warm-up and
 * run counts as the browser rows, so every WASM figure can be given as a ratio to it.
 *
 * - inference: time in session.run (Prediction.inferenceMs), as the browser rows report it;
 * - e2e: decoded image → points, as the browser's <img> → points: the decoded 800x600 pixels are
 *   scaled to the letterbox (sharp, where the browser draws on a canvas), predicted and decoded.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { runnerImport } from 'vite';

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { median: q(0.5), p95: q(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

/** One native configuration, measured like a browser row. */
export async function measureNative(root, { modelDir, precision, intraOpThreads, imagePath, warmupMs, minWarmups, runs, e2eRuns }) {
  const load = async (p) => (await runnerImport(join(root, p), { configFile: false, logLevel: 'error' })).module;
  const { NativeEngine } = await load('src/node/native-engine.ts');
  const { letterboxFor } = await load('src/core/model-io.ts');
  const { data: rgba, info } = await sharp(imagePath).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const toLetterbox = async (lb) => {
    const { data, info: o } = await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } })
      .resize(lb.width, lb.height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: o.width, height: o.height, colorSpace: 'srgb' };
  };

  const t0 = performance.now();
  const engine = await NativeEngine.create({ modelDir, precision, sessions: 1, intraOpThreads });
  const loadMs = performance.now() - t0;
  try {
    const { manifest } = engine.info;
    const lb = letterboxFor(manifest, info.width, info.height);
    const request = { frameWidth: info.width, frameHeight: info.height };
    const frame = await toLetterbox(lb);
    const t1 = performance.now();
    const first = await engine.predict(frame, request);
    const firstE2eMs = performance.now() - t1;
    const warmEnd = performance.now() + warmupMs;
    for (let w = 0; performance.now() < warmEnd || w < minWarmups; w++) await engine.predict(frame, request);
    const inference = [];
    for (let i = 0; i < runs; i++) inference.push((await engine.predict(frame, request)).inferenceMs);
    const e2e = [];
    for (let i = 0; i < e2eRuns; i++) {
      const s = performance.now();
      await engine.predict(await toLetterbox(lb), request);
      e2e.push(performance.now() - s);
    }
    return {
      model: { backend: 'native', file: engine.info.file, precision: engine.info.precision, intraOpThreads },
      runtime: `onnxruntime-node ${(await import('onnxruntime-node')).env.versions?.node ?? ''}`.trim(),
      loadMs,
      firstInferenceMs: first.inferenceMs,
      firstE2eMs,
      inference: stats(inference),
      e2e: stats(e2e),
    };
  } finally {
    await engine.close();
  }
}
