/**
 * Where a replaced element (<img>, <video>, <canvas>) actually paints its media inside its content
 * box, per CSS `object-fit` and `object-position`. Pure geometry so the overlay lines up with the
 * pixels the user sees, including letterboxing (`contain`) and cropping (`cover`).
 */
import { checkNumber, checkOneOf, invalidArgument } from './arguments';

export type ObjectFit = 'fill' | 'contain' | 'cover' | 'none' | 'scale-down';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface MediaPlacement {
  /** the whole media as painted, relative to the element's content box (may overflow it) */
  readonly media: Rect;
  /** the part of the content box the media covers (media clipped to the box) */
  readonly visible: Rect;
  /** CSS px per native media pixel, per axis */
  readonly scaleX: number;
  readonly scaleY: number;
}

/** Parses one axis of a computed `object-position` ("50%", "12px", "left", "center", ...) into a
 *  function of the free space (box size minus media size). */
function positionAxis(token: string | undefined, axis: 'x' | 'y'): (free: number) => number {
  const t = (token ?? 'center').trim().toLowerCase();
  const keyword: Record<string, number> = axis === 'x' ? { left: 0, center: 50, right: 100 } : { top: 0, center: 50, bottom: 100 };
  if (t in keyword) return (free) => (free * keyword[t]!) / 100;
  let m = /^(-?[\d.]+(?:e-?\d+)?)%$/.exec(t);
  if (m) return (free) => (free * Number(m![1])) / 100;
  m = /^(-?[\d.]+(?:e-?\d+)?)(px)?$/.exec(t);
  if (m) return () => Number(m![1]);
  return (free) => free / 2;
}

/** Splits an object-position value into its x and y parts (keywords may come in either order). */
function splitPosition(position: string): [string | undefined, string | undefined] {
  const parts = position.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 1) {
    const p = parts[0]!.toLowerCase();
    if (p === 'top' || p === 'bottom') return ['center', p];
    return [p, 'center'];
  }
  const [a, b] = [parts[0]!.toLowerCase(), parts[1]!.toLowerCase()];
  if (a === 'top' || a === 'bottom' || b === 'left' || b === 'right') return [b, a];
  return [a, b];
}

/**
 * Placement of media of intrinsic size `mediaWidth` x `mediaHeight` in a content box of
 * `boxWidth` x `boxHeight` CSS px.
 */
export function placeMedia(
  boxWidth: number,
  boxHeight: number,
  mediaWidth: number,
  mediaHeight: number,
  fit: ObjectFit | string = 'fill',
  position = '50% 50%',
): MediaPlacement {
  checkNumber(boxWidth, 'boxWidth', { min: 0 });
  checkNumber(boxHeight, 'boxHeight', { min: 0 });
  checkNumber(mediaWidth, 'mediaWidth', { min: 0 });
  checkNumber(mediaHeight, 'mediaHeight', { min: 0 });
  checkOneOf(fit, 'fit', ['fill', 'contain', 'cover', 'none', 'scale-down']);
  if (typeof position !== 'string') invalidArgument('position', position, "a CSS object-position such as '50% 50%'");
  let w = boxWidth, h = boxHeight;
  if (mediaWidth > 0 && mediaHeight > 0) {
    const contain = Math.min(boxWidth / mediaWidth, boxHeight / mediaHeight);
    const cover = Math.max(boxWidth / mediaWidth, boxHeight / mediaHeight);
    const s = fit === 'contain' ? contain : fit === 'cover' ? cover : fit === 'none' ? 1 : fit === 'scale-down' ? Math.min(1, contain) : NaN;
    if (!Number.isNaN(s)) {
      w = mediaWidth * s;
      h = mediaHeight * s;
    }
  }
  const [px, py] = splitPosition(position);
  const x = positionAxis(px, 'x')(boxWidth - w);
  const y = positionAxis(py, 'y')(boxHeight - h);
  const vx0 = Math.max(0, x), vy0 = Math.max(0, y);
  const vx1 = Math.min(boxWidth, x + w), vy1 = Math.min(boxHeight, y + h);
  return {
    media: { x, y, width: w, height: h },
    visible: { x: vx0, y: vy0, width: Math.max(0, vx1 - vx0), height: Math.max(0, vy1 - vy0) },
    scaleX: mediaWidth > 0 ? w / mediaWidth : 1,
    scaleY: mediaHeight > 0 ? h / mediaHeight : 1,
  };
}
