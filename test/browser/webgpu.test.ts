/**
 * The real model on WebGPU. Without a GPU, Chromium's adapter is SwiftShader (software Vulkan):
 * correct but slow, so this checks one frame against onnxruntime-node, and the move to WASM when
 * the device is lost. Skipped where no adapter exists at all.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web/webgpu';
import { createPredictor } from '../../src/client/predictor';
import type { BackendChange } from '../../src/core/runtime-types';
import { MODEL_URL, correlation, expectPointsMatch, goldenCase, goldenDensity, hasWebGpuAdapter, stillBitmap } from './helpers';

const adapter = await hasWebGpuAdapter();

describe.skipIf(!adapter)('predictor on WebGPU', () => {
  it('auto does not pick a software adapter; explicit webgpu is honoured', async () => {
    const a = await navigator.gpu.requestAdapter();
    const software = Boolean((a!.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter);
    const auto = await createPredictor({ modelUrl: MODEL_URL });
    expect(auto.backend).toBe(software ? 'wasm' : 'webgpu');
    await auto.close();
  });

  it('matches onnxruntime-node on one frame (worker)', async () => {
    const changes: BackendChange[] = [];
    const p = await createPredictor({ modelUrl: MODEL_URL, backend: 'webgpu', onBackendChange: (c) => changes.push(c) });
    try {
      expect(p.backend).toBe('webgpu');
      expect(p.model.adapter).toBeTruthy();
      const c = await goldenCase('still-population');
      const pred = await p.predict(await stillBitmap());
      expect(changes).toEqual([]);
      expect(pred.backend).toBe('webgpu');
      expect(correlation(pred.density.data, (await goldenDensity(c)).data)).toBeGreaterThanOrEqual(0.99);
      expectPointsMatch(pred, c.points, 0.02, 0.03);
    } finally {
      await p.close();
    }
  });

  it('moves to WASM when the GPU device is lost, reports it, and keeps predicting correctly', async () => {
    const changes: BackendChange[] = [];
    // in-thread, so this test can reach onnxruntime's device
    const p = await createPredictor({ modelUrl: MODEL_URL, backend: 'webgpu', worker: false, onBackendChange: (c) => changes.push(c) });
    try {
      expect(p.backend).toBe('webgpu');
      const device = await Promise.resolve(ort.env.webgpu.device as unknown as GPUDevice | Promise<GPUDevice>);
      device.destroy();
      await device.lost;
      const pred = await p.predict(await stillBitmap());
      expect(pred.backend).toBe('wasm');
      expect(p.backend).toBe('wasm');
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ from: 'webgpu', to: 'wasm' });
      expect(changes[0]!.reason).toMatch(/device lost/i);
      const c = await goldenCase('still-population');
      expect(correlation(pred.density.data, (await goldenDensity(c)).data)).toBeGreaterThanOrEqual(0.999);
    } finally {
      await p.close();
    }
  });
});
