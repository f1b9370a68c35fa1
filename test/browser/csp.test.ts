/**
 * Issue 17 defect 3: the dev server sends the production Content-Security-Policy (vite.config.ts)
 * with every page and worker script, the policy reaches the module worker (it blocks a request to
 * another origin there), and a model off the page's origin is refused before anything is fetched.
 */
import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createPredictor } from '../../src/client/predictor';
import { GazecastError } from '../../src/core/errors';

async function policyOf(url: string): Promise<string | null> {
  const res = await fetch(url);
  return res.headers.get('content-security-policy');
}

describe('Content-Security-Policy', () => {
  it('is sent as a header with the app page and the model worker script, the same as the page <meta> says', async () => {
    const page = await policyOf('/index.html');
    expect(page).toContain("default-src 'self'");
    expect(page).toContain("connect-src 'self' blob: data:");
    expect(page).toContain("frame-ancestors 'self'");
    const worker = await policyOf(new URL('../../src/worker/model.worker.ts?worker_file&type=module', import.meta.url).href);
    expect(worker).toBe(page);
    // the <meta> carries the same policy, less frame-ancestors (which a <meta> cannot carry)
    const html = await (await fetch('/index.html')).text();
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(page!.replace(/; frame-ancestors 'self'/, ''));
  });

  it('reaches a module worker: its request to another origin is blocked by connect-src', async () => {
    const worker = new Worker(new URL('./fixtures/csp-probe.worker.ts', import.meta.url), { type: 'module' });
    try {
      const verdict = await new Promise<{ kind: string; directive?: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the probe worker did not report')), 10_000);
        worker.onmessage = (e) => {
          if (e.data.kind === 'violation') {
            clearTimeout(timer);
            resolve(e.data);
          }
        };
        // without a policy the fetch just fails (nothing listens there); only a violation counts
        worker.onerror = () => reject(new Error('probe worker failed to start'));
      });
      expect(verdict.directive).toBe('connect-src');
    } finally {
      worker.terminate();
    }
  });
});

describe('a model off the page origin', () => {
  for (const worker of [true, false]) {
    it(`is refused with model-off-origin before any request (${worker ? 'worker' : 'in-thread'})`, async () => {
      const otherHost = location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
      const other = `${location.protocol}//${otherHost}:${location.port}/models/gazecast-mnv1-s8/`;
      await commands.startRequestLog();
      let all: string[] = [];
      try {
        for (const modelUrl of [other, '//evil.example/m/', 'https://evil.example/models/m/manifest.json']) {
          const e = await createPredictor({ modelUrl, backend: 'wasm', worker, share: false }).then(
            () => undefined,
            (x: unknown) => x,
          );
          expect(e, modelUrl).toBeInstanceOf(GazecastError);
          expect((e as GazecastError).code, modelUrl).toBe('model-off-origin');
          expect((e as GazecastError).message).toContain(location.origin);
        }
      } finally {
        all = await commands.stopRequestLog();
      }
      expect(all.filter((u) => !u.startsWith(location.origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
    });
  }
});
