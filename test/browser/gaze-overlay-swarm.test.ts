/**
 * <gaze-overlay mode="swarm">: the gaze replay of a virtual study drawn as a bee swarm over an
 * image, with the model's scanpath graph (VITE_TEST_SCANPATH_MODEL_URL as in simulate.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/client/gaze-overlay';
import type { GazeOverlayElement, GazeStudyDetail } from '../../src/client/gaze-overlay';
import { STILL_URL, VIDEO_URL } from './helpers';

const SCANPATH_MODEL_URL: string = import.meta.env.VITE_TEST_SCANPATH_MODEL_URL ?? '/models/gazecast-mnv1-s8/';
const HAS_SCANPATH: boolean = (await (await fetch(new URL('manifest.json', new URL(SCANPATH_MODEL_URL, location.href)))).json()).scanpath !== undefined;

/** Share of the canvas's pixels that are painted, and how many distinct hues they have. */
function paint(canvas: HTMLCanvasElement): { painted: number; hues: number } {
  const ctx = canvas.getContext('2d')!;
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  const hues = new Set<string>();
  for (let k = 0; k < d.length; k += 4) {
    if (d[k + 3]! < 200) continue;
    painted++;
    hues.add(`${d[k]! >> 5},${d[k + 1]! >> 5},${d[k + 2]! >> 5}`);
  }
  return { painted: painted / (canvas.width * canvas.height), hues: hues.size };
}

describe('<gaze-overlay mode="swarm">', () => {
  let el: GazeOverlayElement | undefined;
  afterEach(() => el?.remove());

  it.skipIf(HAS_SCANPATH)('a model without a scanpath graph is an error event with code no-scanpath', async () => {
    el = document.createElement('gaze-overlay');
    el.setAttribute('model', SCANPATH_MODEL_URL);
    el.setAttribute('mode', 'swarm');
    const img = document.createElement('img');
    img.src = STILL_URL;
    el.append(img);
    const failed = new Promise<string>((resolve) => el!.addEventListener('error', (e) => resolve(e.detail.code), { once: true }));
    document.body.append(el);
    expect(await failed).toBe('no-scanpath');
  });

  it.skipIf(!HAS_SCANPATH)('simulates the panel and animates one dot per viewer over the image', async () => {
    el = document.createElement('gaze-overlay');
    el.setAttribute('model', SCANPATH_MODEL_URL);
    el.setAttribute('mode', 'swarm');
    el.setAttribute('viewers', '24');
    el.setAttribute('seed', '5');
    el.setAttribute('profile', 'age=18-24');
    const img = document.createElement('img');
    img.src = STILL_URL;
    img.style.width = '480px';
    el.append(img);
    const studied = new Promise<GazeStudyDetail>((resolve, reject) => {
      el!.addEventListener('study', (e) => resolve(e.detail), { once: true });
      el!.addEventListener('error', (e) => reject(new Error(`${e.detail.code}: ${e.detail.message}`)), { once: true });
    });
    document.body.append(el);
    const { study } = await studied;
    expect(study.viewers).toHaveLength(24);
    expect(study.seed).toBe(5);
    expect(study.profile).toEqual({ age: '18-24' });
    expect(el.study).toBe(study);
    // the replay runs: dots of many viewers' colours are drawn, and they move over time
    await new Promise((r) => setTimeout(r, 400));
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    const first = paint(canvas);
    expect(first.painted).toBeGreaterThan(0.001);
    expect(first.hues).toBeGreaterThan(5);
    const before = canvas.toDataURL();
    await new Promise((r) => setTimeout(r, 700));
    expect(canvas.toDataURL()).not.toBe(before);
    // back to points: the swarm stops
    el.setAttribute('mode', 'points');
    expect(el.study).toBeUndefined();
  });

  it.skipIf(!HAS_SCANPATH)('over a video: the study covers the clip, the watched video is never sought, the swarm follows playback', async () => {
    el = document.createElement('gaze-overlay');
    el.setAttribute('model', SCANPATH_MODEL_URL);
    el.setAttribute('mode', 'swarm');
    el.setAttribute('viewers', '8');
    el.setAttribute('seed', '2');
    const video = document.createElement('video');
    video.muted = true;
    video.src = VIDEO_URL;
    el.append(video);
    let seeks = 0;
    video.addEventListener('seeking', () => seeks++);
    const studied = new Promise<GazeStudyDetail>((resolve, reject) => {
      el!.addEventListener('study', (e) => resolve(e.detail), { once: true });
      el!.addEventListener('error', (e) => reject(new Error(`${e.detail.code}: ${e.detail.message}`)), { once: true });
    });
    document.body.append(el);
    const { study } = await studied;
    expect(study.viewers).toHaveLength(8);
    expect(study.durationMs).toBeCloseTo(Math.min(video.duration * 1000, 60_000), 0);
    expect(seeks).toBe(0);
    expect(video.currentTime).toBe(0);
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const atStart = canvas.toDataURL();
    await video.play();
    await new Promise((r) => setTimeout(r, 1200));
    video.pause();
    expect(canvas.toDataURL()).not.toBe(atStart);
  });
});
