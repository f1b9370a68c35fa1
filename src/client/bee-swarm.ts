/**
 * The bee swarm of a gaze replay, as eye-tracking software draws it: one dot per (simulated)
 * viewer at their current gaze, each viewer in a colour of their own; a dot is solid while its
 * viewer fixates and faint during a saccade or before the first fixation.
 */
import { checkDrawingContext, checkFrameToCanvas, checkOptions } from '../core/arguments';
import { GazecastError } from '../core/errors';
import type { ReplayGaze } from '../core/gaze-replay';
import type { DrawingContext, FrameToCanvas } from './drawing';

export interface BeeSwarmOptions {
  /** dot radius, CSS px (default 6) */
  readonly radius: number;
  /** outline of every dot (default 'rgba(0,0,0,0.6)') */
  readonly outline: string;
  /** opacity of a dot whose viewer is not fixating (default 0.35) */
  readonly movingAlpha: number;
}

export const DEFAULT_BEE_SWARM_OPTIONS: BeeSwarmOptions = { radius: 6, outline: 'rgba(0,0,0,0.6)', movingAlpha: 0.35 };

/** A viewer's colour: hues a golden angle apart, so neighbouring viewers differ and any panel size works. */
export function viewerColour(viewer: number): string {
  return `hsl(${(viewer * 137.508) % 360} 85% 55%)`;
}

/**
 * Draws one dot per viewer at `gazes` (gazeAt's answer for a moment), mapped from the frame's
 * native pixels onto the canvas by `map` (placeOverlayCanvas's `toCanvas`, or DrawnFrame's).
 */
export function drawBeeSwarm(ctx: DrawingContext, gazes: readonly ReplayGaze[], map: FrameToCanvas, options: Partial<BeeSwarmOptions> = {}): void {
  checkDrawingContext(ctx, 'ctx');
  if (!Array.isArray(gazes)) throw new GazecastError('invalid-argument', 'gazes must be an array of ReplayGaze (from gazeAt).');
  checkFrameToCanvas(map, 'map');
  checkOptions(options, 'options');
  const o = { ...DEFAULT_BEE_SWARM_OPTIONS, ...options };
  ctx.save();
  ctx.lineWidth = 1;
  ctx.strokeStyle = o.outline;
  for (const g of gazes) {
    ctx.globalAlpha = g.fixating ? 0.9 : o.movingAlpha;
    ctx.fillStyle = viewerColour(g.viewer);
    ctx.beginPath();
    ctx.arc(map.offsetX + g.x * map.scaleX, map.offsetY + g.y * map.scaleY, o.radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}
