/**
 * One stage: a media element (or a canvas copy of the frame for the second audience) with an
 * overlay canvas on top, sized to the box × devicePixelRatio and redrawn on resize. Drawing
 * callbacks work in the media's native pixels; the stage maps them to where `object-fit:
 * contain` actually paints the media, measured by the package's placement helper
 * (`mediaPlacement`, also behind createOverlay and <gaze-overlay>), so overlay and pixels line up.
 */
import type { MediaPlacement } from '../core/content-box';
import { mediaPlacement, type OverlayMedia } from '../client/overlay';

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

  /** Where the media paints inside the box (the media fills the box, inset 0, so box and media
   *  content coordinates coincide). */
  placement(): MediaPlacement {
    return mediaPlacement(this.media as OverlayMedia).placement;
  }

  /** Clears the overlay and calls `fn` with a context in native media pixels. */
  draw(fn: DrawFn | null): void {
    this.lastDraw = fn;
    const dpr = window.devicePixelRatio || 1;
    const r = this.box.getBoundingClientRect();
    const w = Math.max(1, Math.round(r.width * dpr)), h = Math.max(1, Math.round(r.height * dpr));
    if (this.overlay.width !== w || this.overlay.height !== h) {
      this.overlay.width = w;
      this.overlay.height = h;
    }
    const ctx = this.overlay.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!fn || this.nativeW === 0 || !this.media) return;
    const p = this.placement();
    if (!(p.scaleX > 0 && p.scaleY > 0)) return; // a hidden or collapsed stage has nothing to draw on
    ctx.setTransform(dpr * p.scaleX, 0, 0, dpr * p.scaleY, dpr * p.media.x, dpr * p.media.y);
    fn(ctx, 1 / p.scaleX);
  }

  redraw(): void {
    this.draw(this.lastDraw);
  }

  dispose(): void {
    this.resize.disconnect();
  }
}
