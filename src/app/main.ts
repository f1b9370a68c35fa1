/**
 * Entry point of the designer app (index.html): registers the service worker (offline after
 * one visit), opens the saved audiences, shows the bundled sample at once, and loads the model
 * in the background; predictions appear as soon as it is ready.
 */
import './styles.css';
import { registerSW } from 'virtual:pwa-register';
import { isGazecastError } from '../index';
import { App } from './app';
import { WorkStore, type LastSession } from './work-store';
import { loadEngine } from './engine-binding';
import { DEFAULT_MODEL_URL } from './engine';

async function main(): Promise<void> {
  const app = new App();
  // exposed for the e2e tests and for debugging in the console; nothing reads it in the app
  (window as unknown as { gazecastApp: App }).gazecastApp = app;

  if ('serviceWorker' in navigator && import.meta.env.PROD) {
    // A new version waits until the user says so: reloading on its own would lose the work on screen.
    const updateSW = registerSW({
      immediate: true,
      onOfflineReady: () => app.showModelStatus(`${document.getElementById('model-status')!.textContent} · offline-ready`),
      onNeedRefresh: () =>
        app.showMessage('A new version of gazecast is ready. Your saved audiences and areas are kept.', 'info', 'other', {
          label: 'Update now',
          run: () => void updateSW(true),
        }),
    });
  }

  let last: LastSession = {};
  try {
    const store = await WorkStore.open();
    app.setStore(store);
    last = await store.lastSession().catch(() => ({}));
  } catch (e) {
    app.showMessage(`Saved audiences are unavailable in this browser session (${(e as Error).message}); new ones last until the tab closes.`, 'info');
  }

  // A reload (or "Update now") comes back to the work on screen: the same file, audiences A and
  // B and view; ?sample= still opens that sample, and a first visit opens the sample video.
  const params = new URLSearchParams(location.search);
  app.restoreSession(last);
  const opening = (async () => {
    const sample = params.get('sample');
    if (sample) return app.openSample(sample);
    if (last.media && 'blob' in last.media) await app.openFile(last.media.blob, last.media.name);
    else if (last.media) await app.openSample(last.media.name);
    if (!app.media) await app.openSample('ad-market.mp4');
  })();

  try {
    // ?model= may name a model folder on this site only: createPredictor refuses any other origin
    // ('model-off-origin', shown below with its code), so nothing about the user's media leaves it
    const modelUrl = params.get('model') ? new URL(params.get('model')!, document.baseURI).href : DEFAULT_MODEL_URL;
    const { engine, panel, predictor } = await loadEngine(modelUrl, params.get('backend'), (text) => app.showModelStatus(text));
    await opening;
    await app.setEngine(engine, panel);
    // Importing a study needs the model's encoder; the importer is loaded only when the model has one.
    const slot = document.getElementById('personal-audience-slot');
    if (slot && engine.manifest.encoder) {
      const { mountAudienceImporter } = await import('../client/personal-audiences');
      mountAudienceImporter(slot, predictor);
    }
    app.showModelStatus(`${engine.manifest.id} ${engine.manifest.version} · ${engine.backend.toUpperCase()}`);
    showModelLicence(engine.manifest, modelUrl);
  } catch (e) {
    app.showModelStatus('Model not loaded', true);
    app.showMessage(isGazecastError(e) ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e));
  }
}

void main();

/** The About box names the model, its licence in the manifest's own words (for the bundled model: the
 *  age/gender conditioning comes from gaze data with no licence, research use only) and links its card. */
function showModelLicence(manifest: { id: string; version: string; license: string }, modelUrl: string): void {
  const el = document.getElementById('about-model');
  if (!el) return;
  const card = document.createElement('a');
  card.href = new URL('MODEL_CARD.md', modelUrl.endsWith('/') ? modelUrl : modelUrl.replace(/[^/]*$/, '')).href;
  card.textContent = 'model card';
  card.target = '_blank';
  el.replaceChildren(`Model ${manifest.id} ${manifest.version}. Licence: ${manifest.license} (`, card, ').');
}
