/**
 * Which backend runs the model. `auto` takes WebGPU only on a real GPU adapter: a fallback
 * adapter (SwiftShader, software Vulkan) is correct but about 150x slower than WASM for this kind
 * of network, so it counts as "no GPU". An explicit choice is honoured (a fallback adapter is
 * still used when WebGPU is asked for by name, which is how tests check WebGPU without a GPU).
 */
import { GazecastError } from '../core/errors';
import type { Backend, BackendChoice } from '../core/runtime-types';

/** GPU features the shipped model variants need. fp16 weight storage is cast to fp32 in the
 *  graph, so none are required; a whole-fp16 model would need 'shader-f16' here. */
export const REQUIRED_FEATURES: readonly GPUFeatureName[] = [];

export interface BackendDecision {
  readonly backend: Backend;
  readonly adapter?: GPUAdapter;
  /** human-readable adapter description, or why WebGPU was not taken */
  readonly note: string;
}

function isFallback(adapter: GPUAdapter): boolean {
  // `info.isFallbackAdapter` is the current spec; older Chromium had it on the adapter itself.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return Boolean(info?.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
}

export function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  const name = [i?.vendor, i?.architecture, i?.device, i?.description].filter(Boolean).join(' ') || 'unknown adapter';
  return isFallback(adapter) ? `${name} (fallback adapter)` : name;
}

async function requestAdapter(): Promise<GPUAdapter | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  try {
    return await gpu.requestAdapter();
  } catch {
    return null;
  }
}

export async function decideBackend(choice: BackendChoice): Promise<BackendDecision> {
  if (choice === 'wasm') return { backend: 'wasm', note: 'WASM requested' };
  const adapter = await requestAdapter();
  const missing = adapter ? REQUIRED_FEATURES.filter((f) => !adapter.features.has(f)) : [];
  if (choice === 'webgpu') {
    if (!adapter) {
      throw new GazecastError(
        'no-webgpu',
        'WebGPU was requested but no GPU adapter is available (in Chromium without a GPU, start it with --enable-unsafe-webgpu). Use backend "auto" or "wasm".',
      );
    }
    if (missing.length > 0) throw new GazecastError('no-webgpu', `The GPU adapter lacks the features ${missing.join(', ')} this model needs.`);
    return { backend: 'webgpu', adapter, note: describeAdapter(adapter) };
  }
  if (!adapter) return { backend: 'wasm', note: 'no WebGPU adapter' };
  if (isFallback(adapter)) return { backend: 'wasm', note: `only a software adapter (${describeAdapter(adapter)})` };
  if (missing.length > 0) return { backend: 'wasm', note: `adapter lacks ${missing.join(', ')}` };
  return { backend: 'webgpu', adapter, note: describeAdapter(adapter) };
}

/**
 * WASM threads. onnxruntime needs SharedArrayBuffer for threads, which only cross-origin isolated
 * pages have; without isolation it silently runs one thread, so we say 1 explicitly. With it, we
 * run multi-threaded: every core but one (at most 4) where there are 3 or more, since the page's
 * main thread, video decoding and compositing need a core too; both cores on a 2-core machine,
 * where leaving one idle halves throughput. Measured there (README "Benchmarks"), 2 threads beat 1
 * by 1.7-1.8x on inference, and while the video played live they delivered 1.2x the predictions per
 * second at 0.7x the lag; only with other work saturating both cores (a training job) were they
 * 1.6x slower than 1. `wasmThreads: 1` is the choice for such a machine.
 */
export function defaultWasmThreads(): number {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated) return 1;
  const cores = Math.max(1, (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1);
  return cores <= 2 ? cores : Math.min(4, cores - 1);
}
