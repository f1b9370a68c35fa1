import { afterEach, describe, expect, it, vi } from 'vitest';
import { GazecastError } from '../../src/core/errors';
import { decideBackend, defaultWasmThreads } from '../../src/worker/backend';

function adapter(fallback: boolean, features: string[] = []): unknown {
  return { info: { vendor: 'test', architecture: 'arch', isFallbackAdapter: fallback }, features: new Set(features) };
}

function gpu(a: unknown): void {
  vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => a }, hardwareConcurrency: 2 });
}

afterEach(() => vi.unstubAllGlobals());

describe('backend choice', () => {
  it('auto takes WebGPU on a real adapter', async () => {
    gpu(adapter(false));
    expect((await decideBackend('auto')).backend).toBe('webgpu');
  });
  it('auto takes WASM on a software (fallback) adapter or none', async () => {
    gpu(adapter(true));
    const d = await decideBackend('auto');
    expect(d.backend).toBe('wasm');
    expect(d.note).toMatch(/software/);
    gpu(null);
    expect((await decideBackend('auto')).backend).toBe('wasm');
    vi.stubGlobal('navigator', {});
    expect((await decideBackend('auto')).backend).toBe('wasm');
  });
  it('honours explicit choices: webgpu even on a fallback adapter, wasm always', async () => {
    gpu(adapter(true));
    expect((await decideBackend('webgpu')).backend).toBe('webgpu');
    expect((await decideBackend('wasm')).backend).toBe('wasm');
  });
  it('refuses explicit WebGPU without an adapter', async () => {
    gpu(null);
    const e = await decideBackend('webgpu').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GazecastError);
    expect((e as GazecastError).code).toBe('no-webgpu');
  });
  it('uses one WASM thread unless cross-origin isolated, then all cores but one (at most 4), both of 2', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    vi.stubGlobal('crossOriginIsolated', false);
    expect(defaultWasmThreads()).toBe(1);
    vi.stubGlobal('crossOriginIsolated', true);
    expect(defaultWasmThreads()).toBe(4);
    vi.stubGlobal('navigator', { hardwareConcurrency: 4 });
    expect(defaultWasmThreads()).toBe(3);
    vi.stubGlobal('navigator', { hardwareConcurrency: 3 });
    expect(defaultWasmThreads()).toBe(2);
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(defaultWasmThreads()).toBe(2);
    vi.stubGlobal('navigator', { hardwareConcurrency: 1 });
    expect(defaultWasmThreads()).toBe(1);
  });
});
