/**
 * The benchmark's page: measures the public predictor API as an app would use it. Driven by
 * bench/run.mjs through Playwright (window.gazecastBench).
 */
import { createPredictor, type BackendChoice, type Predictor } from '../src/index';
import { defaultWasmThreads } from '../src/worker/backend';

export interface BenchConfig {
  readonly modelUrl: string;
  readonly backend: BackendChoice;
  readonly precision: string;
  readonly wasmThreads?: number;
  readonly imageUrl: string;
  readonly videoUrl: string;
  /** untimed runs for at least this long first (V8 and onnxruntime warm up), and at least this many */
  readonly warmupMs: number;
  readonly minWarmups: number;
  readonly runs: number;
  readonly e2eRuns: number;
  /** video analysis at this rate; 0 skips it */
  readonly samplesPerSecond: number;
  /** live mode over this much real-time playback of the video (0 skips it): the app's own load on the cores */
  readonly liveMs: number;
  /** frames for the memory check (0 skips it) */
  readonly memoryFrames: number;
  /** timed virtual studies of `simulateViewers` x `simulateMs` ms on the image (0 skips them; needs a scanpath graph) */
  readonly simulateRuns?: number;
  readonly simulateViewers?: number;
  readonly simulateDurationMs?: number;
}

interface Memory {
  readonly jsHeapBytes?: number;
  readonly uaBytes?: number;
}

function stats(xs: number[]): { median: number; p95: number; mean: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { median: q(0.5), p95: q(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

async function memory(): Promise<Memory> {
  // collectable garbage is not growth: let the collector run where the page can ask for it
  (globalThis as { gc?: () => void }).gc?.();
  const perf = performance as Performance & {
    memory?: { usedJSHeapSize: number };
    measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
  };
  let uaBytes: number | undefined;
  if (crossOriginIsolated && perf.measureUserAgentSpecificMemory) {
    // includes the worker (its JS heap and onnxruntime's WASM memory); may take a few seconds
    uaBytes = (await perf.measureUserAgentSpecificMemory()).bytes;
  }
  return { ...(perf.memory ? { jsHeapBytes: perf.memory.usedJSHeapSize } : {}), ...(uaBytes !== undefined ? { uaBytes } : {}) };
}

async function loadImage(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

async function loadVideo(url: string): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = url;
  document.body.append(video);
  await new Promise<void>((resolve, reject) => {
    video.addEventListener('loadeddata', () => resolve(), { once: true });
    video.addEventListener('error', () => reject(new Error(video.error?.message ?? 'video error')), { once: true });
  });
  return video;
}

async function run(cfg: BenchConfig, onMemoryProgress?: (done: number) => Promise<void>) {
  await caches.delete('gazecast-models-v1'); // a cold load: download, verify, compile
  const img = await loadImage(cfg.imageUrl);
  const t0 = performance.now();
  let predictor: Predictor = await createPredictor({
    modelUrl: cfg.modelUrl,
    backend: cfg.backend,
    precision: cfg.precision,
    ...(cfg.wasmThreads ? { wasmThreads: cfg.wasmThreads } : {}),
  });
  const loadMs = performance.now() - t0;
  const model = predictor.model;
  const t1 = performance.now();
  const first = await predictor.predict(img);
  const firstE2eMs = performance.now() - t1;
  const firstInferenceMs = first.inferenceMs;

  const warmEnd = performance.now() + cfg.warmupMs;
  let warmups = 0;
  while (performance.now() < warmEnd || warmups < cfg.minWarmups) {
    await predictor.predict(img);
    warmups++;
  }
  const inference: number[] = [];
  for (let i = 0; i < cfg.runs; i++) inference.push((await predictor.predict(img)).inferenceMs);
  // end to end: an <img> on the page → points in native pixels back on the main thread
  const e2e: number[] = [];
  for (let i = 0; i < cfg.e2eRuns; i++) {
    const s = performance.now();
    await predictor.predict(img);
    e2e.push(performance.now() - s);
  }

  const simulate = (cfg.simulateRuns ?? 0) > 0 && model.manifest.scanpath ? await measureSimulate(predictor, img, cfg) : undefined;

  let video: { frames: number; durationMs: number; elapsedMs: number; fps: number; realtimeRatio: number } | undefined;
  if (cfg.samplesPerSecond > 0) {
    const v = await loadVideo(cfg.videoUrl);
    const result = await predictor.predictVideo(v, { samplesPerSecond: cfg.samplesPerSecond });
    v.remove();
    video = {
      frames: result.frames.length,
      durationMs: result.durationMs,
      elapsedMs: result.elapsedMs,
      fps: result.frames.length / (result.elapsedMs / 1000),
      realtimeRatio: result.durationMs / result.elapsedMs,
    };
  }

  const live = cfg.liveMs > 0 ? await measureLive(predictor, cfg.videoUrl, cfg.liveMs) : undefined;

  let mem: { after100: Memory; after: Memory; frames: number } | undefined;
  if (cfg.memoryFrames > 0) {
    // a fresh predictor, so the count starts at 0; frames go the whole e2e path
    await predictor.close();
    predictor = await createPredictor({ modelUrl: cfg.modelUrl, backend: cfg.backend, precision: cfg.precision, ...(cfg.wasmThreads ? { wasmThreads: cfg.wasmThreads } : {}) });
    let after100: Memory | undefined;
    for (let i = 1; i <= cfg.memoryFrames; i++) {
      await predictor.predict(img);
      if (i === 100) {
        after100 = await memory();
        await onMemoryProgress?.(i);
      }
      if (i % 500 === 0) await onMemoryProgress?.(i);
    }
    mem = { after100: after100!, after: await memory(), frames: cfg.memoryFrames };
  }
  await predictor.close();
  return {
    model: { id: model.manifest.id, file: model.file, precision: model.precision, backend: model.backend, wasmThreads: model.wasmThreads, adapter: model.adapter ?? null },
    loadMs,
    firstInferenceMs,
    firstE2eMs,
    warmups,
    inference: stats(inference),
    e2e: stats(e2e),
    ...(simulate ?? {}),
    video,
    live,
    memory: mem,
  };
}

/**
 * Virtual studies (predictor.simulate) on the image: the whole study (trunk, every step, the
 * sampling on the page) and one step with every viewer still active, timed from one progress
 * event to the next. The first step also prepares the frame (the trunk), so it is not a step time.
 */
async function measureSimulate(predictor: Predictor, img: HTMLImageElement, cfg: BenchConfig) {
  const viewers = cfg.simulateViewers ?? 200;
  const durationMs = cfg.simulateDurationMs ?? 3000;
  // untimed: creates the scanpath session (download, verify, compile) and warms it
  await predictor.simulate(img, { viewers, durationMs, seed: 0 });
  const total: number[] = [];
  const step: number[] = [];
  let steps = 0;
  for (let run = 1; run <= cfg.simulateRuns!; run++) {
    let last = 0;
    let lastActive = 0;
    const t0 = performance.now();
    await predictor.simulate(img, {
      viewers,
      durationMs,
      seed: run,
      onProgress: (p) => {
        const now = performance.now();
        // the step from the previous event to this one advanced `lastActive` viewers
        if (p.steps >= 2 && lastActive === viewers) step.push(now - last);
        last = now;
        lastActive = p.activeViewers;
        steps = p.steps;
      },
    });
    total.push(performance.now() - t0);
  }
  return { simulateMs: { ...stats(total), viewers, durationMs, steps }, simulateStepMs: { ...stats(step), viewers } };
}

/**
 * Live mode while the video plays in real time, as in the app: decoding, presenting and capturing frames compete
 * with inference for the same cores. Lag is how far the playing video has moved on from the frame a prediction is
 * for, when that prediction arrives.
 */
async function measureLive(predictor: Predictor, videoUrl: string, liveMs: number) {
  const v = await loadVideo(videoUrl);
  v.loop = true;
  const inference: number[] = [];
  const lag: number[] = [];
  const session = predictor.startLive(v, {
    smoothing: false,
    onPrediction: (p) => {
      inference.push(p.inferenceMs);
      // the loop wraps media time: ignore the one prediction that straddles it
      const ahead = v.currentTime * 1000 - p.timestampMs;
      if (ahead >= 0) lag.push(ahead);
    },
  });
  await v.play();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, liveMs));
  const seconds = (performance.now() - t0) / 1000;
  session.stop();
  v.pause();
  const shown = v.getVideoPlaybackQuality();
  v.remove();
  return {
    seconds,
    predictionsPerSecond: session.processed / seconds,
    processed: session.processed,
    dropped: session.dropped,
    inference: stats(inference),
    lagMs: stats(lag),
    videoFramesDropped: shown.droppedVideoFrames,
    videoFramesShown: shown.totalVideoFrames,
  };
}

async function info() {
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  const i = adapter?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated,
    // what createPredictor picks by itself on this page
    defaultWasmThreads: defaultWasmThreads(),
    webgpu: adapter ? { vendor: i?.vendor, architecture: i?.architecture, description: i?.description, fallback: Boolean(i?.isFallbackAdapter) } : null,
  };
}

declare global {
  interface Window {
    gazecastBench: { run: (cfg: BenchConfig) => ReturnType<typeof run>; info: typeof info };
    /** exposed by run.mjs: records the browser's process memory at a frame count */
    gazecastMemoryMark?: (done: number) => Promise<void>;
  }
}
window.gazecastBench = {
  run: (cfg) => run(cfg, async (done) => window.gazecastMemoryMark?.(done)),
  info,
};
document.title = 'gazecast benchmark (ready)';
