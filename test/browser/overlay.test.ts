/**
 * A real video frame through the whole path (decode → worker → points in native pixels →
 * overlay canvas) and the overlay's placement over object-fit media at devicePixelRatio.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictor } from '../../src/client/predictor';
import type { Predictor } from '../../src/client/predictor-types';
import { createOverlay, mediaPlacement } from '../../src/client/overlay';
import type { Prediction } from '../../src/core/prediction-types';
import { MODEL_URL, fixtureVideo } from './helpers';

const MAGENTA = { pointColor: 'rgb(255, 0, 255)', pointOutline: 'rgb(255, 0, 255)', pointRadius: 5, labels: false, heatmap: false, scanpath: false };

function nextFrames(n = 2): Promise<void> {
  return new Promise((resolve) => {
    const step = (k: number): void => (k === 0 ? resolve() : void requestAnimationFrame(() => step(k - 1)));
    step(n);
  });
}

/** RGBA of the overlay's backing store at a CSS position inside it. */
function pixelAt(canvas: HTMLCanvasElement, cssX: number, cssY: number): number[] {
  const scale = canvas.width / canvas.getBoundingClientRect().width;
  const d = canvas.getContext('2d')!.getImageData(Math.floor(cssX * scale), Math.floor(cssY * scale), 1, 1).data;
  return Array.from(d);
}

const isMagenta = ([r, g, b, a]: number[]): boolean => r! > 200 && g! < 80 && b! > 200 && a! > 200;

describe('overlay over a playing-size video', () => {
  let predictor: Predictor;
  let video: HTMLVideoElement;
  let prediction: Prediction;
  let box: HTMLDivElement;

  beforeAll(async () => {
    predictor = await createPredictor({ modelUrl: MODEL_URL, backend: 'wasm' });
    box = document.createElement('div');
    Object.assign(box.style, { position: 'relative', margin: '13px 0 0 21px', padding: '4px' });
    document.body.append(box);
    video = await fixtureVideo();
    box.append(video);
    video.currentTime = 1;
    await new Promise((r) => video.addEventListener('seeked', r, { once: true }));
    prediction = await predictor.predict(video, { timestampMs: 1000 });
  });
  afterAll(async () => {
    box.remove();
    await predictor.close();
  });

  for (const fit of ['contain', 'fill', 'cover', 'none'] as const) {
    it(`puts the points on the media content (object-fit: ${fit})`, async () => {
      Object.assign(video.style, { width: '500px', height: '420px', objectFit: fit, border: '3px solid black', padding: '5px', boxSizing: 'content-box' });
      const overlay = createOverlay(video, MAGENTA);
      try {
        overlay.draw(prediction);
        await nextFrames();
        const { placement } = mediaPlacement(video);
        const rect = overlay.canvas.getBoundingClientRect();
        const v = video.getBoundingClientRect();
        // the canvas covers exactly the visible media content (inside border and padding)
        expect(rect.left).toBeCloseTo(v.left + 8 + placement.visible.x, 0);
        expect(rect.top).toBeCloseTo(v.top + 8 + placement.visible.y, 0);
        expect(rect.width).toBeCloseTo(placement.visible.width, 0);
        expect(rect.height).toBeCloseTo(placement.visible.height, 0);
        expect(overlay.canvas.width).toBe(Math.round(placement.visible.width * devicePixelRatio));
        let drawn = 0;
        for (const p of prediction.points) {
          const x = placement.media.x - placement.visible.x + (p.x * placement.media.width) / 640;
          const y = placement.media.y - placement.visible.y + (p.y * placement.media.height) / 360;
          if (x < 1 || y < 1 || x > rect.width - 1 || y > rect.height - 1) continue; // cropped away
          expect(isMagenta(pixelAt(overlay.canvas, x, y)), `point ${p.order} at ${x},${y}`).toBe(true);
          drawn++;
        }
        expect(drawn).toBeGreaterThan(0);
        // and nothing far from every point
        const far = (x: number, y: number): boolean =>
          prediction.points.every((p) => Math.hypot(placement.media.x - placement.visible.x + (p.x * placement.media.width) / 640 - x, placement.media.y - placement.visible.y + (p.y * placement.media.height) / 360 - y) > 12);
        let checked = 0;
        for (let y = 2; y < rect.height; y += 17) {
          for (let x = 2; x < rect.width; x += 23) {
            if (!far(x, y)) continue;
            expect(pixelAt(overlay.canvas, x, y)[3]).toBe(0);
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(50);
      } finally {
        overlay.destroy();
      }
      expect(box.querySelector('canvas')).toBeNull();
    });
  }

  it('follows the element when it is resized and redraws at the new scale', async () => {
    Object.assign(video.style, { width: '640px', height: '360px', objectFit: 'contain', border: '0', padding: '0' });
    const overlay = createOverlay(video, MAGENTA);
    try {
      overlay.draw(prediction);
      await nextFrames();
      video.style.width = '320px';
      video.style.height = '180px';
      await nextFrames(3);
      const rect = overlay.canvas.getBoundingClientRect();
      expect(rect.width).toBeCloseTo(320, 0);
      const p = prediction.points[0]!;
      expect(isMagenta(pixelAt(overlay.canvas, p.x / 2, p.y / 2))).toBe(true);
    } finally {
      overlay.destroy();
    }
  });

  it('draws the heatmap, scanpath and numbered points with the defaults', async () => {
    Object.assign(video.style, { width: '640px', height: '360px', objectFit: 'contain' });
    const overlay = createOverlay(video);
    try {
      overlay.draw(prediction);
      await nextFrames();
      // the densest cell is coloured; a point's centre is painted
      const d = prediction.density;
      let best = 0;
      for (let k = 1; k < d.data.length; k++) if (d.data[k]! > d.data[best]!) best = k;
      const cx = d.x0 + ((best % d.width) + 0.5) * d.cellWidth, cy = d.y0 + (Math.floor(best / d.width) + 0.5) * d.cellHeight;
      expect(pixelAt(overlay.canvas, cx, cy)[3]).toBeGreaterThan(100);
      overlay.draw(null);
      expect(pixelAt(overlay.canvas, cx, cy)[3]).toBe(0);
    } finally {
      overlay.destroy();
    }
  });
});
