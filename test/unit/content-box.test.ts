import { describe, expect, it } from 'vitest';
import { placeMedia } from '../../src/core/content-box';

describe('placeMedia (object-fit / object-position)', () => {
  it('fill stretches to the box', () => {
    const p = placeMedia(400, 300, 1920, 1080, 'fill');
    expect(p.media).toEqual({ x: 0, y: 0, width: 400, height: 300 });
    expect(p.scaleX).toBeCloseTo(400 / 1920);
    expect(p.scaleY).toBeCloseTo(300 / 1080);
  });
  it('contain letterboxes and centres', () => {
    const p = placeMedia(400, 400, 1920, 1080, 'contain');
    expect(p.media).toEqual({ x: 0, y: 87.5, width: 400, height: 225 });
    expect(p.visible).toEqual(p.media);
  });
  it('cover crops, and the visible part is the box', () => {
    const p = placeMedia(400, 400, 1920, 1080, 'cover');
    expect(p.media.height).toBe(400);
    expect(p.media.width).toBeCloseTo(711.11, 2);
    expect(p.media.x).toBeCloseTo(-155.56, 2);
    expect(p.visible).toEqual({ x: 0, y: 0, width: 400, height: 400 });
  });
  it('none keeps the intrinsic size; scale-down shrinks only', () => {
    expect(placeMedia(400, 300, 200, 100, 'none').media).toEqual({ x: 100, y: 100, width: 200, height: 100 });
    expect(placeMedia(400, 300, 200, 100, 'scale-down').media).toEqual({ x: 100, y: 100, width: 200, height: 100 });
    expect(placeMedia(400, 300, 800, 300, 'scale-down').media).toEqual({ x: 0, y: 75, width: 400, height: 150 });
  });
  it('honours object-position in %, px and keywords', () => {
    expect(placeMedia(400, 400, 1920, 1080, 'contain', '0% 100%').media.y).toBe(175);
    expect(placeMedia(400, 400, 1920, 1080, 'contain', '10px 20px').media).toMatchObject({ x: 10, y: 20 });
    expect(placeMedia(400, 400, 1920, 1080, 'contain', 'bottom').media.y).toBe(175);
    expect(placeMedia(400, 400, 1080, 1920, 'contain', 'right top').media).toMatchObject({ x: 400 - 225, y: 0 });
    expect(placeMedia(400, 400, 1080, 1920, 'contain', 'top left').media).toMatchObject({ x: 0, y: 0 });
  });
  it('treats media without an intrinsic size as filling the box', () => {
    expect(placeMedia(400, 300, 0, 0, 'contain').media).toEqual({ x: 0, y: 0, width: 400, height: 300 });
  });
});
