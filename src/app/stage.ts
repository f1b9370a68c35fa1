/**
 * One stage: a media element (or a canvas copy of the frame for the second audience) with an
 * overlay canvas on top, redrawn on resize. Drawing callbacks work in the media's native pixels.
 * Placement and devicePixelRatio are the package's (`placeOverlayCanvas`, the helper behind
 * createOverlay and <gaze-overlay>): the canvas is laid over the pixels `object-fit: contain`
 * actually paints, so overlay and pixels line up, and there is one place that does it.
 */
import { placeOverlayCanvas, type OverlayMedia } from '../index';

type DrawFn = (ctx: CanvasRenderingContext2D, unit: number) => void;

export class Stage {
  readonly overlay: HTMLCanvasElement;
  private media: HTMLElement | null = null;
  private nativeW = 0;
  private nativeH = 0;
  private lastDraw: DrawFn | null = null;
  private readonly resize: ResizeObserver;

  constructor(readonly box: HTMLElement) {
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'overlay';
    this.overlay.setAttribute('aria-hidden', 'true');
    box.append(this.overlay);
    this.resize = new ResizeObserver(() => this.redraw());
    this.resize.observe(box);
  }

  /** Puts a media element (img, video or a canvas copy) under the overlay. */
  setMedia(el: HTMLElement, width: number, height: number): void {
    this.media?.remove();
    this.media = el;
    this.nativeW = width;
    this.nativeH = height;
    this.box.prepend(el);
    this.redraw();
  }

  get size(): { width: number; height: number } {
    return { width: this.nativeW, height: this.nativeH };
  }

  /** Clears the overlay and calls `fn` with a context in native media pixels (`unit`: one CSS px). */
  draw(fn: DrawFn | null): void {
    this.lastDraw = fn;
    if (!this.media) {
      this.overlay.getContext('2d')?.clearRect(0, 0, this.overlay.width, this.overlay.height);
      return;
    }
    const placed = placeOverlayCanvas(this.overlay, this.media as OverlayMedia);
    if (!placed || !fn || this.nativeW === 0) return;
    const m = placed.toCanvas(this.nativeW, this.nativeH);
    if (!(m.scaleX > 0 && m.scaleY > 0)) return; // a hidden or collapsed stage has nothing to draw on
    placed.ctx.transform(m.scaleX, 0, 0, m.scaleY, m.offsetX, m.offsetY);
    fn(placed.ctx, 1 / m.scaleX);
  }

  redraw(): void {
    this.draw(this.lastDraw);
  }

  dispose(): void {
    this.resize.disconnect();
  }
}
