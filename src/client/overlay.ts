/**
 * An overlay canvas over an <img>, <video> or <canvas>: placed over the media's rendered content
 * (object-fit and object-position aware, so letterboxed or cropped media line up), backed at
 * devicePixelRatio, and redrawn when the element, the window or the pixel ratio changes.
 */
import { placeMedia, type MediaPlacement } from '../core/content-box';
import { GazecastError } from '../core/errors';
import type { Prediction } from '../core/prediction-types';
import { checkOptions, checkPrediction } from '../core/arguments';
import { DEFAULT_DRAW_OPTIONS, drawPrediction, type DrawOptions, type FrameToCanvas } from './drawing';
import { checkCanvas, checkOverlayMedia } from './predictor-arguments';

export type OverlayMedia = HTMLImageElement | HTMLVideoElement | HTMLCanvasElement;

export interface OverlayOptions extends Partial<DrawOptions> {
  /** class name for the canvas (default 'gazecast-overlay') */
  readonly className?: string;
}

export interface Overlay {
  readonly canvas: HTMLCanvasElement;
  /** draws a prediction (kept and redrawn on resize); null clears */
  draw(prediction: Prediction | null): void;
  setOptions(options: Partial<DrawOptions>): void;
  /** re-measures and redraws (called automatically on resize) */
  refresh(): void;
  destroy(): void;
}

function intrinsicSize(media: OverlayMedia): { width: number; height: number } {
  if (media instanceof HTMLVideoElement) return { width: media.videoWidth, height: media.videoHeight };
  if (media instanceof HTMLImageElement) return { width: media.naturalWidth, height: media.naturalHeight };
  return { width: media.width, height: media.height };
}

/** Where the media paints inside its element, in CSS px relative to the element's border box. */
export function mediaPlacement(media: OverlayMedia): { placement: MediaPlacement; contentLeft: number; contentTop: number } {
  const cs = getComputedStyle(media);
  const px = (v: string): number => Number.parseFloat(v) || 0;
  const contentLeft = px(cs.borderLeftWidth) + px(cs.paddingLeft);
  const contentTop = px(cs.borderTopWidth) + px(cs.paddingTop);
  const boxW = media.clientWidth - px(cs.paddingLeft) - px(cs.paddingRight);
  const boxH = media.clientHeight - px(cs.paddingTop) - px(cs.paddingBottom);
  const { width, height } = intrinsicSize(media);
  // a <canvas> has no object-fit of its own content beyond CSS; the same rules apply
  return { placement: placeMedia(boxW, boxH, width, height, cs.objectFit || 'fill', cs.objectPosition || '50% 50%'), contentLeft, contentTop };
}

/**
 * Places `canvas` (absolutely positioned, beside `media`) over the media's visible content,
 * sizes its backing store for devicePixelRatio, and draws `prediction` (or clears for null).
 * createOverlay calls this on every resize; custom elements can call it with their own canvas.
 */
export function renderOverlay(canvas: HTMLCanvasElement, media: OverlayMedia, prediction: Prediction | null, options: DrawOptions = DEFAULT_DRAW_OPTIONS): void {
  checkCanvas(canvas, 'canvas');
  checkOverlayMedia(media, 'media');
  if (prediction !== null) checkPrediction(prediction, 'prediction');
  checkOptions(options, 'options');
  const placed = placeOverlayCanvas(canvas, media);
  if (!placed || !prediction) return;
  drawPrediction(placed.ctx, prediction, placed.toCanvas(prediction.frameWidth, prediction.frameHeight), options);
}

/**
 * Places `canvas` over the media's visible content, sizes it for devicePixelRatio and clears it.
 * Returns its context (in CSS px) and where a frame's native pixels land on it, or undefined when
 * nothing of the media is visible. renderOverlay draws a prediction with it, the widget's gaze
 * replay its swarm.
 */
export function placeOverlayCanvas(
  canvas: HTMLCanvasElement,
  media: OverlayMedia,
): { ctx: CanvasRenderingContext2D; toCanvas: (frameWidth: number, frameHeight: number) => FrameToCanvas } | undefined {
  checkCanvas(canvas, 'canvas');
  checkOverlayMedia(media, 'media');
  const { placement, contentLeft, contentTop } = mediaPlacement(media);
  const { visible } = placement;
  // measure where (0, 0) puts the canvas, then move it onto the media's visible content
  canvas.style.left = '0px';
  canvas.style.top = '0px';
  const origin = canvas.getBoundingClientRect();
  const box = media.getBoundingClientRect();
  canvas.style.left = `${box.left - origin.left + contentLeft + visible.x}px`;
  canvas.style.top = `${box.top - origin.top + contentTop + visible.y}px`;
  canvas.style.width = `${visible.width}px`;
  canvas.style.height = `${visible.height}px`;
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(visible.width * dpr));
  const h = Math.max(1, Math.round(visible.height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (visible.width <= 0 || visible.height <= 0) return undefined;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const { media: m } = placement;
  return {
    ctx,
    toCanvas: (frameWidth, frameHeight) => ({ offsetX: m.x - visible.x, offsetY: m.y - visible.y, scaleX: m.width / frameWidth, scaleY: m.height / frameHeight }),
  };
}

export function createOverlay(media: OverlayMedia, options: OverlayOptions = {}): Overlay {
  checkOverlayMedia(media, 'media');
  checkOptions(options, 'options');
  const { className = 'gazecast-overlay', ...draw } = options;
  let drawOptions: DrawOptions = { ...DEFAULT_DRAW_OPTIONS, ...draw };
  let current: Prediction | null = null;
  if (!media.parentElement) throw new GazecastError('frame-invalid', 'createOverlay needs the media element to be in the document (the overlay is placed beside it).');
  const canvas = document.createElement('canvas');
  canvas.className = className;
  Object.assign(canvas.style, { position: 'absolute', pointerEvents: 'none', left: '0px', top: '0px' });
  media.insertAdjacentElement('afterend', canvas);

  const refresh = (): void => renderOverlay(canvas, media, current, drawOptions);

  const resize = new ResizeObserver(refresh);
  resize.observe(media);
  const onWindow = (): void => refresh();
  window.addEventListener('resize', onWindow);
  media.addEventListener('loadedmetadata', onWindow);
  media.addEventListener('load', onWindow);
  media.addEventListener('resize', onWindow); // <video> intrinsic size change
  // devicePixelRatio changes (zoom, moving to another screen) do not always resize anything
  let dprQuery: MediaQueryList | undefined;
  const watchDpr = (): void => {
    dprQuery?.removeEventListener('change', onDpr);
    dprQuery = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    dprQuery.addEventListener('change', onDpr);
  };
  const onDpr = (): void => {
    watchDpr();
    refresh();
  };
  watchDpr();

  return {
    canvas,
    draw(prediction) {
      // checked before it is kept: a bad one would fail every later redraw (resize, zoom)
      if (prediction !== null) checkPrediction(prediction, 'prediction');
      current = prediction;
      refresh();
    },
    setOptions(o) {
      checkOptions(o, 'options');
      drawOptions = { ...drawOptions, ...o };
      refresh();
    },
    refresh,
    destroy() {
      resize.disconnect();
      window.removeEventListener('resize', onWindow);
      media.removeEventListener('loadedmetadata', onWindow);
      media.removeEventListener('load', onWindow);
      media.removeEventListener('resize', onWindow);
      dprQuery?.removeEventListener('change', onDpr);
      canvas.remove();
    },
  };
}
