/**
 * Detects a model worker bundled in a way onnxruntime-web's threads cannot start from, and says so.
 *
 * A bundler that writes the worker as one classic script (Vite's default `worker.format: 'iife'`)
 * inlines onnxruntime-web into it. With threads (a cross-origin isolated page) onnxruntime starts
 * each WASM thread as a Worker of its own script's URL, named "em-pthread…", and that URL is now
 * this whole worker bundle, in which onnxruntime's module body only runs when the engine imports
 * it. The thread never answers and the session never opens: a silent hang. An ES-module worker
 * keeps onnxruntime in its own file, so no thread ever runs this file.
 *
 * So this file running under an "em-pthread" name is proof of that bundling. The thread tells the
 * model worker over a BroadcastChannel (the only channel it has: onnxruntime owns its messages),
 * and the model worker rejects the load with a coded error naming the setting to change.
 */
import { GazecastError } from '../core/errors';

const CHANNEL = 'gazecast-worker-bundle';

/** True (and the model worker is told) when this worker is one of onnxruntime's WASM threads. */
export function isMisbundledThread(): boolean {
  const name = (globalThis as { name?: string }).name ?? '';
  if (!name.startsWith('em-pthread') || typeof BroadcastChannel === 'undefined') return false;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ kind: 'inlined-onnxruntime' });
  channel.close();
  return true;
}

/**
 * Rejects when one of onnxruntime's threads reports that it started from this worker bundle;
 * `stop()` ends the watch (call it once the load has settled).
 */
export function watchForMisbundledThreads(): { readonly failure: Promise<never>; stop(): void } {
  if (typeof BroadcastChannel === 'undefined') return { failure: new Promise<never>(() => {}), stop: () => {} };
  const channel = new BroadcastChannel(CHANNEL);
  const failure = new Promise<never>((_, reject) => {
    channel.onmessage = () => {
      channel.close();
      reject(
        new GazecastError(
          'worker-failed',
          "onnxruntime-web's WASM threads cannot start: the model worker was bundled as a classic script " +
            "with onnxruntime inlined (Vite's default worker format, 'iife'). Set `worker: { format: 'es' }` " +
            'in vite.config (or bundle the worker as an ES module), or serve the page without cross-origin isolation ' +
            '(single-threaded WASM). See the README, "Cross-origin isolation with Vite".',
        ),
      );
    };
  });
  failure.catch(() => undefined); // observed by whoever races it
  return { failure, stop: () => channel.close() };
}
