/**
 * Creative B over time (issue 16, point 5): the whole-video analysis covers creative B at
 * creative A's sample times — a shorter video B up to its end (no values after it), an image B's
 * one prediction at every time — and says so in words.
 */
import { describe, expect, it } from 'vitest';
import { analysedFrameAt, nearestPrediction } from '../../src/app/analysed-frames';
import { analysedCreativeB, creativeBAt, creativeBFailure, creativeBNote, creativeBSeries, type CreativeBAnalysis } from '../../src/app/creative-over-time';
import { GazecastError, isGazecastError, type Prediction } from '../../src/index';
import { makeDensity } from './app-fixtures';

const pred = (tMs: number): Prediction => ({ timestampMs: tMs, points: [], density: makeDensity(4, 4, 100, 100, () => 1) }) as unknown as Prediction;
const video = (durationS: number, frames: number[]): CreativeBAnalysis => ({ media: { name: 'b.mp4', kind: 'video', durationS }, audienceId: 'a', frames: frames.map(pred), note: '' });

describe('creative B over time', () => {
  it('a shorter video B stands for A’s first samples only: no value past its end', () => {
    const b = video(1.2, [0, 500, 1000]);
    expect(creativeBAt(b, 2)!.timestampMs).toBe(1000);
    expect(creativeBAt(b, 3)).toBeUndefined();
    expect(creativeBSeries(b, 5).map((p) => p.timestampMs)).toEqual([0, 500, 1000]);
    expect(creativeBSeries(b, 2)).toHaveLength(2);
  });

  it('an image B’s one prediction stands for every sample time', () => {
    const b: CreativeBAnalysis = { media: { name: 'b.jpg', kind: 'image', durationS: 0 }, audienceId: 'a', frames: [pred(0)], note: '' };
    expect(creativeBSeries(b, 4)).toEqual([b.frames[0], b.frames[0], b.frames[0], b.frames[0]]);
    expect(analysedCreativeB(b, 0, 2)).toBe(b.frames[0]);
  });

  it('the frame shown takes the analysed prediction only within half a sample of its time', () => {
    const b = video(3, [0, 500, 1000]);
    expect(analysedCreativeB(b, 500, 2)!.timestampMs).toBe(500);
    expect(analysedCreativeB(b, 700, 2)!.timestampMs).toBe(500);
    expect(analysedCreativeB(b, 1300, 2)).toBeUndefined(); // past the last sample: predicted on its own
  });

  it('one rule finds the analysed frame for creative A and creative B alike: the nearest, within half a sample', () => {
    const list = [0, 200, 400].map(pred);
    expect(nearestPrediction([], 100)).toBeUndefined();
    expect(nearestPrediction(list, 290)!.timestampMs).toBe(200);
    expect(analysedFrameAt(list, 301, 5)!.timestampMs).toBe(400); // 99 ms away: within 100 + 1
    expect(analysedFrameAt(list, 502, 5)).toBeUndefined(); // 102 ms past the last sample
  });

  it('says what B’s figures over time are', () => {
    const a = { durationS: 9 };
    expect(creativeBNote(a, { name: 'b.mp4', kind: 'video', durationS: 9 }, 18, 18)).toBe('Creative B (b.mp4) is analysed at the same 18 times as creative A.');
    expect(creativeBNote(a, { name: 'b.mp4', kind: 'video', durationS: 5 }, 10, 18)).toBe(
      'Creative B (b.mp4, 5.0 s) is shorter than creative A (9.0 s): it is analysed at the same times up to its end (10 of 18 frames); past it, creative B has no values.',
    );
    expect(creativeBNote(a, { name: 'b.mp4', kind: 'video', durationS: 12 }, 18, 18)).toMatch(/is longer than creative A \(9\.0 s\): it is analysed over creative A's 9\.0 s, at the same 18 times/);
    expect(creativeBNote(a, { name: 'b.jpg', kind: 'image', durationS: 0 }, 1, 18)).toMatch(/is an image: its one prediction stands for every time of creative A/);
  });

  it('a failure of creative B keeps its code, names creative B, says creative A is kept and what to do', () => {
    const e = creativeBFailure(new GazecastError('frame-invalid', 'No video frame at 6.5 s.'), 'cut.mp4');
    expect(isGazecastError(e, 'frame-invalid')).toBe(true);
    expect((e as Error).message).toMatch(/^Creative B \(cut\.mp4\) could not be analysed: No video frame at 6\.5 s\. Creative A's analysis is kept\. Re-encode creative B .*ffmpeg -i "cut\.mp4"/);
    expect(isGazecastError(creativeBFailure(new TypeError('decode failed'), 'x.webm'), 'media-corrupt')).toBe(true);
    const cancel = new GazecastError('aborted', 'Cancelled.');
    expect(creativeBFailure(cancel, 'x.mp4')).toBe(cancel);
  });
});
