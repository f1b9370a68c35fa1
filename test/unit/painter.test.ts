import { describe, expect, it } from 'vitest';
import { DEFAULT_DRAW_OPTIONS, drawPoints as packageDrawPoints, massRadius } from '../../src/client/drawing';
import { drawPoints as appDrawPoints, DEFAULT_LAYERS } from '../../src/app/render';
import { pt } from './app-fixtures';

/** A 2D context that records the radius of every arc and ignores everything else. */
function recorder(): { ctx: CanvasRenderingContext2D; arcs: number[] } {
  const arcs: number[] = [];
  const ctx = new Proxy({}, {
    get: (_t, key) => (key === 'arc' ? (_x: number, _y: number, r: number) => arcs.push(r) : () => undefined),
    set: () => true,
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, arcs };
}

describe('one painter (issue 16: the app and the widget sized the same points differently)', () => {
  const points = [pt(300, 200, 0, 0.5), pt(900, 500, 1, 0.2), pt(100, 650, 2, 0.02)];

  it('the app (native px, stage at half scale) and the widget (canvas px) give a point the same drawn radius', () => {
    const app = recorder();
    // on a stage showing the 1280 x 720 frame at half size, one display px is 2 native px
    appDrawPoints(app.ctx, points, 1280, 720, { ...DEFAULT_LAYERS, scanpath: false }, 2);
    const widget = recorder();
    packageDrawPoints(widget.ctx, points, { offsetX: 0, offsetY: 0, scaleX: 0.5, scaleY: 0.5 }, DEFAULT_DRAW_OPTIONS, { frameWidth: 1280, frameHeight: 720 });
    const discs = (arcs: number[]) => arcs.slice(0, points.length);
    expect(discs(app.arcs).map((r) => r / 2)).toEqual(discs(widget.arcs).map((r) => expect.closeTo(r, 9)));
    // area ∝ mass above the minimum size
    expect(widget.arcs[0]! / widget.arcs[1]!).toBeCloseTo(Math.sqrt(0.5 / 0.2), 9);
    expect(widget.arcs[2]).toBe(11);
    expect(widget.arcs[0]).toBeCloseTo(massRadius(0.5, { width: 640, height: 360 }), 9);
  });
});
