/**
 * Binds the app to the predictor engine's public API (createPredictor, issue 3): inference runs
 * in its worker, on WebGPU where a real GPU adapter exists, else on multi-threaded WASM.
 */
import { createPredictor, type LoadProgress, type Predictor } from '../index';
import { resolveModelFile } from '../core/manifest';
import type { AppEngine } from './engine';

function describeProgress(p: LoadProgress): string {
  switch (p.status) {
    case 'manifest': return 'Reading the model manifest…';
    case 'initiate':
    case 'download': return `Loading model… ${Math.round(p.progress)}%`;
    case 'done': return `Checked ${p.file}${p.fromCache ? ' (cached)' : ''} · ${Math.round(p.progress)}%`;
    case 'session': return `Starting ${p.backend.toUpperCase()} session…`;
    case 'ready': return `Model ready on ${p.backend.toUpperCase()}`;
  }
}

export async function loadEngine(
  modelUrl: string,
  backend: string | null,
  status: (text: string) => void,
): Promise<{ engine: AppEngine; panel: unknown; predictor: Predictor }> {
  const predictor = await createPredictor({
    modelUrl,
    backend: backend === 'webgpu' || backend === 'wasm' ? backend : 'auto',
    onProgress: (p) => status(describeProgress(p)),
    onBackendChange: (c) => status(`Moved from ${c.from.toUpperCase()} to ${c.to.toUpperCase()}: ${c.reason}`),
  });
  const manifest = predictor.model.manifest;
  let panel: unknown = null;
  if (manifest.panel) {
    // the panel is optional: a model without one (or an unreadable one) just offers no panel viewers
    // resolved like every model file: inside the model folder, on this page's origin
    panel = await Promise.resolve()
      .then(() => fetch(resolveModelFile(predictor.model.manifestUrl, manifest.panel!, location.origin)))
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
  }
  const engine: AppEngine = {
    manifest,
    get backend() { return predictor.backend; },
    predict: (frame, profile, timestampMs) => predictor.predict(frame, { profile, timestampMs }),
    analyseVideo: async (video, profile, samplesPerSecond, signal, onProgress) =>
      [...(await predictor.predictVideo(video, { profile, samplesPerSecond, signal, onProgress })).frames],
    startLive: (video, profile, onPrediction, onError) => predictor.startLive(video, { profile, onPrediction, onError }),
    close: () => void predictor.close(),
  };
  return { engine, panel, predictor };
}
