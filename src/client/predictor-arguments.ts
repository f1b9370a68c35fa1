/**
 * Argument checks of the predictor's public methods (see core/arguments.ts): each throws
 * GazecastError('invalid-argument') naming the option, what it got and what it takes.
 */
import {
  checkBoolean,
  checkDecodeOptions,
  checkFunction,
  checkNumber,
  checkOneOf,
  checkOptionalNumber,
  checkOptions,
  checkPoint,
  checkProfileShape,
  checkSignal,
  checkSmoothingOptions,
  checkString,
  invalidArgument,
} from '../core/arguments';

/** Analyses sample at most this often: no video has more frames per second worth predicting. */
export const MAX_SAMPLES_PER_SECOND = 120;
/** An analysis keeps every prediction; more samples than this would exhaust the page's memory. */
export const MAX_SAMPLES = 100_000;

export function checkPredictorOptions(v: unknown): void {
  if (v === undefined || v === null) invalidArgument('createPredictor(options)', v, 'an options object with modelUrl');
  const o = checkOptions(v, 'createPredictor(options)');
  if (!(typeof o.modelUrl === 'string' && o.modelUrl.length > 0) && !(typeof URL !== 'undefined' && o.modelUrl instanceof URL)) {
    invalidArgument('options.modelUrl', o.modelUrl, 'the URL of the model folder or its manifest.json (a string or URL)');
  }
  checkOneOf(o.backend, 'options.backend', ['auto', 'webgpu', 'wasm']);
  checkString(o.precision, 'options.precision', true);
  checkBoolean(o.worker, 'options.worker');
  checkOptionalNumber(o.wasmThreads, 'options.wasmThreads', { min: 1, max: 64, integer: true });
  checkBoolean(o.cache, 'options.cache');
  checkBoolean(o.share, 'options.share');
  if (o.wasmPaths !== undefined) {
    const isUrl = typeof URL !== 'undefined' && o.wasmPaths instanceof URL;
    if (typeof o.wasmPaths !== 'string' && !isUrl) invalidArgument('options.wasmPaths', o.wasmPaths, "the URL of a folder with onnxruntime-web's .wasm files");
    try {
      new URL(o.wasmPaths as string | URL, globalThis.document?.baseURI ?? globalThis.location?.href);
    } catch {
      invalidArgument('options.wasmPaths', o.wasmPaths, "the URL of a folder with onnxruntime-web's .wasm files");
    }
  }
  checkFunction(o.onProgress, 'options.onProgress');
  checkFunction(o.onBackendChange, 'options.onBackendChange');
  checkSignal(o.signal, 'options.signal');
  checkOptionalNumber(o.loadTimeoutMs, 'options.loadTimeoutMs', { above: 0 });
}

export function checkPredictOptions(v: unknown, name = 'options'): void {
  const o = checkOptions(v, name);
  checkProfileShape(o.profile, `${name}.profile`);
  checkOptionalNumber(o.timestampMs, `${name}.timestampMs`, { min: 0 });
  checkDecodeOptions(o.decode, `${name}.decode`);
}

export function checkVideoElement(v: unknown, name: string): void {
  if (typeof HTMLVideoElement === 'undefined' || !(v instanceof HTMLVideoElement)) invalidArgument(name, v, 'an HTMLVideoElement');
}

export function checkVideoAnalysisOptions(v: unknown): void {
  const o = checkOptions(v, 'options');
  checkProfileShape(o.profile, 'options.profile');
  checkOptionalNumber(o.samplesPerSecond, 'options.samplesPerSecond', { above: 0, max: MAX_SAMPLES_PER_SECOND });
  checkOptionalNumber(o.startMs, 'options.startMs', { min: 0 });
  checkOptionalNumber(o.endMs, 'options.endMs', { min: 0 });
  if (typeof o.startMs === 'number' && typeof o.endMs === 'number' && o.endMs <= o.startMs) {
    invalidArgument('options.endMs', o.endMs, `after options.startMs (${o.startMs})`);
  }
  checkSignal(o.signal, 'options.signal');
  checkFunction(o.onProgress, 'options.onProgress');
  checkFunction(o.onPrediction, 'options.onPrediction');
  checkSmoothingOptions(o.smoothing, 'options.smoothing');
  checkDecodeOptions(o.decode, 'options.decode');
  checkOneOf(o.sampler, 'options.sampler', ['auto', 'decode', 'seek']);
}

export function checkLiveOptions(v: unknown): void {
  if (v === undefined) invalidArgument('options', v, 'an options object with onPrediction');
  const o = checkOptions(v, 'options');
  checkProfileShape(o.profile, 'options.profile');
  checkFunction(o.onPrediction, 'options.onPrediction', false);
  checkFunction(o.onError, 'options.onError');
  checkSmoothingOptions(o.smoothing, 'options.smoothing');
  checkDecodeOptions(o.decode, 'options.decode');
}

export function checkFixations(v: unknown, name: string): void {
  if (!Array.isArray(v)) invalidArgument(name, v, 'an array of { x, y } in native pixels');
  v.forEach((p, i) => checkPoint(p, `${name}[${i}]`));
}

export function checkViewings(v: unknown): void {
  if (!Array.isArray(v) || v.length === 0) invalidArgument('viewings', v, 'a non-empty array of { frame, fixations }');
  v.forEach((w, i) => {
    const o = checkOptions(w, `viewings[${i}]`);
    if (o.frame === undefined || o.frame === null) invalidArgument(`viewings[${i}].frame`, o.frame, 'a frame source');
    checkFixations(o.fixations, `viewings[${i}].fixations`);
  });
}

/** The number of samples an analysis would take, refused above MAX_SAMPLES. */
export function checkSampleCount(durationSeconds: number, samplesPerSecond: number, startMs = 0, endMs = durationSeconds * 1000): void {
  const spanS = Math.max(0, Math.min(endMs, durationSeconds * 1000) - startMs) / 1000;
  const n = Math.ceil(spanS * samplesPerSecond);
  if (n > MAX_SAMPLES) {
    invalidArgument('options.samplesPerSecond', samplesPerSecond, `low enough for at most ${MAX_SAMPLES} samples over ${spanS.toFixed(1)} s (analyse a part with startMs/endMs)`);
  }
  checkNumber(samplesPerSecond, 'options.samplesPerSecond', { above: 0 });
}

export function checkCanvas(v: unknown, name: string): void {
  if (typeof HTMLCanvasElement === 'undefined' || !(v instanceof HTMLCanvasElement)) invalidArgument(name, v, 'an HTMLCanvasElement');
}

/** What an overlay sits over: an <img>, <video> or <canvas> element. */
export function checkOverlayMedia(v: unknown, name: string): void {
  const ok = ['HTMLImageElement', 'HTMLVideoElement', 'HTMLCanvasElement'].some((c) => {
    const C = (globalThis as Record<string, unknown>)[c];
    return typeof C === 'function' && v instanceof (C as new () => object);
  });
  if (!ok) invalidArgument(name, v, 'an <img>, <video> or <canvas> element');
}
