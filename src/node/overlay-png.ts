/**
 * PNG overlays in Node, drawn by the app's own painter (src/app/render.ts `paintAudience`, what
 * the app's PNG export, report and burnt-in video use) on a @napi-rs/canvas 2D context: Skia
 * behind the Canvas 2D API, prebuilt per platform and delivered as npm packages (no download at
 * install, no system Cairo), the most used canvas of its kind. skia-canvas was not chosen: its
 * install script downloads the binary from GitHub; node-canvas needs Cairo (system libraries or a
 * download).
 */
import { createRequire } from 'node:module';
import { aoiColor } from '../app/aoi-layer';
import { exportUnit } from '../app/exporters';
import { DEFAULT_LAYERS, paintAudience } from '../app/render';
import type { Aoi } from '../core/aoi';
import { GazecastError } from '../core/errors';
import type { Prediction } from '../core/prediction-types';
import type { Pixels } from './decode-media';

type CanvasModule = typeof import('@napi-rs/canvas');
let canvasModule: Promise<CanvasModule> | undefined;

async function loadCanvas(): Promise<CanvasModule> {
  // require, as for onnxruntime-node (native-engine.ts): also works through Vite's module runner
  canvasModule ??= Promise.resolve()
    .then(() => {
      const m = createRequire(import.meta.url)('@napi-rs/canvas') as CanvasModule;
      // The painter makes its small heatmap grid with `new OffscreenCanvas(w, h)` (the browser's
      // off-DOM canvas); Node has none, so @napi-rs/canvas's Canvas stands in for it.
      const g = globalThis as { OffscreenCanvas?: unknown };
      g.OffscreenCanvas ??= m.Canvas;
      return m;
    })
    .catch((e: unknown) => {
      canvasModule = undefined;
      throw new GazecastError('dependency-missing', `@napi-rs/canvas could not be loaded (${e instanceof Error ? e.message : String(e)}). PNG overlays need it: npm install @napi-rs/canvas (an optional dependency of gazecast), or leave png out of --format.`, { cause: e });
    });
  return canvasModule;
}

/** The frame at native size with one audience's overlay, encoded as PNG. */
export async function overlayPng(frame: Pixels, prediction: Prediction, aois: readonly Aoi[]): Promise<Buffer> {
  const { createCanvas, ImageData } = await loadCanvas();
  const { width, height } = frame;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.putImageData(new ImageData(frame.data, width, height), 0, 0);
  // @napi-rs/canvas implements the Canvas 2D API the painter draws with; its type is its own
  const g = ctx as unknown as CanvasRenderingContext2D;
  paintAudience(g, prediction, width, height, aois, aoiColor, DEFAULT_LAYERS, exportUnit(width, height));
  return canvas.encode('png');
}
