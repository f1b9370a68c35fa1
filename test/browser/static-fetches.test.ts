/**
 * The static prediction asks onnxruntime for the density output only: a main graph with an extra
 * `output.features` (for the scanpath graph) would otherwise have it copied out of WASM on every
 * frame for nothing. Checked on the session the in-thread engine really runs.
 */
import { describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import { MODEL_URL, stillBitmap } from './helpers';

describe('static predict', () => {
  it("requests only the manifest's output.name from session.run", async () => {
    const ort = await import('onnxruntime-web/wasm');
    const proto = (ort.InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } }).prototype;
    const run = proto.run;
    const fetches: unknown[] = [];
    proto.run = function (this: unknown, ...args: unknown[]) {
      fetches.push(args[1]);
      return run.apply(this, args);
    };
    try {
      const p = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm', worker: false, share: false });
      try {
        await p.predict(await stillBitmap());
        await p.predict(await stillBitmap(), { profile: { tokens: { age: '25-34' } } });
        expect(fetches).toEqual([[p.model.manifest.output.name], [p.model.manifest.output.name]]);
      } finally {
        await p.close();
      }
    } finally {
      proto.run = run;
    }
  });
});
