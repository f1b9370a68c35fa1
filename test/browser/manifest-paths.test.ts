/**
 * Issue 17 defect 2: a manifest cannot make the loader fetch from another origin or outside the
 * model folder. Paths with backslashes (a URL parser turns `\\host/x` and `/\host/x` into
 * `//host/x`), `..` escapes and a panel elsewhere are refused as manifest-invalid naming the
 * field, in the worker and in-thread, and no request goes anywhere but the manifest.
 */
import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createPredictor } from '../../src/client/predictor';
import { GazecastError } from '../../src/core/errors';

const CASES: [folder: string, field: RegExp][] = [
  ['escape-backslash', /`files\[0\]\.path`/],
  ['escape-slash-backslash', /`files\[0\]\.path`/],
  ['escape-dotdot', /`files\[0\]\.path`/],
  ['escape-panel', /`panel`/],
];

describe('model paths stay inside the model folder', () => {
  for (const worker of [true, false]) {
    for (const [folder, field] of CASES) {
      it(`${folder}: manifest-invalid, nothing fetched but the manifest (${worker ? 'worker' : 'in-thread'})`, async () => {
        const manifest = new URL(`/test/fixtures/manifests/${folder}/manifest.json`, location.href).href;
        await commands.startRequestLog();
        let e: unknown;
        try {
          e = await createPredictor({ modelUrl: manifest, backend: 'wasm', worker, share: false, cache: false }).then(
            () => undefined,
            (x: unknown) => x,
          );
        } finally {
          const requests = await commands.stopRequestLog();
          // the manifest itself, and the app's own modules and worker: nothing of the model
          const model = requests.filter((u) => !u.includes('/src/') && !u.includes('/node_modules/') && !u.includes('/@') && !u.includes('__vitest'));
          expect(model.filter((u) => u !== manifest)).toEqual([]);
          expect(requests.filter((u) => !u.startsWith(location.origin))).toEqual([]);
        }
        expect(e).toBeInstanceOf(GazecastError);
        expect((e as GazecastError).code).toBe('manifest-invalid');
        expect((e as GazecastError).message).toMatch(field);
        expect((e as GazecastError).message).toContain('inside the model folder');
      });
    }
  }
});
