/**
 * One stage: a media element (or a canvas copy of the frame for the second audience) with an
 * overlay canvas on top, sized to the box × devicePixelRatio and redrawn on resize. Drawing
 * callbacks work in the media's native pixels; the stage maps them to where `object-fit:
 * contain` actually paints the media (engine's placeMedia), so overlay and pixels line up.
 */
import { placeMedia, type MediaPlacement } from '../core/content-box';

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

  placement(): MediaPlacement {
    const r = this.box.getBoundingClientRect();
    return placeMedia(r.width, r.height, this.nativeW, this.nativeH, 'contain');
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
    if (!fn || this.nativeW === 0) return;
    const p = this.placement();
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
