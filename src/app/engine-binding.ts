/**
 * Binds the app to the predictor engine's public API (createPredictor, issue 3): inference runs
 * in its worker, on WebGPU where a real GPU adapter exists, else on multi-threaded WASM.
 */
import { createPredictor, type LoadProgress, type Predictor } from '../index';
import type { PanelAudience } from '../client/personal-audiences';
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
): Promise<{ engine: AppEngine; panel: PanelAudience | null; predictor: Predictor }> {
  const predictor = await createPredictor({
    modelUrl,
    backend: backend === 'webgpu' || backend === 'wasm' ? backend : 'auto',
    onProgress: (p) => status(describeProgress(p)),
    onBackendChange: (c) => status(`Moved from ${c.from.toUpperCase()} to ${c.to.toUpperCase()}: ${c.reason}`),
  });
  const manifest = predictor.model.manifest;
  let panel: PanelAudience | null = null;
  if (manifest.panel) {
    // the panel is optional: a model without one (or an unreadable one) just offers no panel viewers.
    // Read by the package's one reader of panel.json (gazecast/personal's modelPanel: inside the
    // model folder, on this page's origin, every embedding checked), loaded only for such a model.
    const { modelPanel } = await import('../client/personal-audiences');
    panel = await modelPanel(manifest, predictor.model.manifestUrl).catch((e: unknown) => {
      console.warn('the model panel is unavailable', e);
      return null;
    });
  }
  const engine: AppEngine = {
    manifest,
    get backend() { return predictor.backend; },
    predict: (frame, profile, timestampMs) => predictor.predict(frame, { profile, timestampMs }),
    analyseVideo: async (video, profile, samplesPerSecond, signal, onProgress, endMs) =>
      [...(await predictor.predictVideo(video, { profile, samplesPerSecond, signal, onProgress, ...(endMs !== undefined ? { endMs } : {}) })).frames],
    startLive: (video, profile, onPrediction, onError) => predictor.startLive(video, { profile, onPrediction, onError }),
    simulate: (frame, profile, o) =>
      predictor.simulate(frame, { profile, viewers: o.viewers, durationMs: o.durationMs, seed: o.seed, signal: o.signal, onProgress: o.onProgress }),
    simulateVideo: (video, profile, o) =>
      predictor.simulateVideo(video, { profile, viewers: o.viewers, seed: o.seed, signal: o.signal, onProgress: o.onProgress, ...(o.range ? { range: o.range } : {}) }),
    close: () => void predictor.close(),
  };
  return { engine, panel, predictor };
}
