import { describe, expect, it } from 'vitest';
import { isGazecastError } from '../../src/core/errors';
import { computeLetterbox } from '../../src/core/letterbox';
import { simulateViewers, type SimulationPlan, type StudyGraph, type StudyProgress } from '../../src/core/virtual-viewers';

// a 192x144 frame fills a 192x144 input exactly; the 48x36 output grid has cells of 4x4 native px
const OW = 48, OH = 36;
const lb = computeLetterbox(192, 144, 192, 144);
const plan = (over: Partial<SimulationPlan> = {}): SimulationPlan => ({
  viewers: 5,
  durationMs: 1000,
  seed: 1,
  historyLength: 2,
  output: { width: OW, height: OH },
  letterbox: lb,
  timing: { startMs: 300, saccadeMs: 40 },
  start: { x: 0.5, y: 0.5 },
  ...over,
});

interface Call { frame: number; history: number[]; rows: number }

/**
 * A stand-in graph: all the mass in one cell, one column right of the most recent fixation
 * (so the history must arrive as the contract says), row 10; durations ln N(ln 200, ~0).
 */
function fakeGraph(opts: { duration?: boolean; frameAt?: (t: number) => number } = {}) {
  const calls: Call[] = [];
  const prepared: number[][] = [];
  const released: number[][] = [];
  const graph: StudyGraph = {
    frameAt: opts.frameAt ?? (() => 0),
    prepare: async (f) => void prepared.push([...f]),
    release: async (f) => void released.push([...f]),
    step: async (frame, history, rows) => {
      calls.push({ frame, history: Array.from(history), rows });
      const K = history.length / rows / 3;
      const logDensity = new Float32Array(rows * OW * OH).fill(-60);
      const logDuration = new Float32Array(rows * 2);
      for (let r = 0; r < rows; r++) {
        const x = history[r * K * 3]!;
        const j = Math.min(OW - 1, Math.floor(x * OW) + 1);
        logDensity[r * OW * OH + 10 * OW + j] = 0;
        logDuration[2 * r] = Math.log(200);
        logDuration[2 * r + 1] = 1e-9;
      }
      return opts.duration === false ? { logDensity } : { logDensity, logDuration };
    },
  };
  return { graph, calls, prepared, released };
}

describe('simulateViewers', () => {
  it('steps every viewer by one fixation per batched call until the next onset reaches the end', async () => {
    const { graph, calls } = fakeGraph();
    const progress: StudyProgress[] = [];
    const viewers = await simulateViewers(plan({ onProgress: (p) => progress.push(p) }), graph);
    expect(viewers).toHaveLength(5);
    // onsets 340, 340 + 200 + 40 = 580, 820 (200 to float32 precision); the next (1060) is past the 1000 ms viewing
    for (const v of viewers) {
      expect(v.fixations.map((f) => f.onsetMs)).toEqual([340, 580, 820].map((x) => expect.closeTo(x, 3)));
      expect(v.fixations.every((f) => Math.abs(f.durationMs - 200) < 1e-3)).toBe(true);
      // start at x = 0.5 (column 24) → columns 25, 26, 27, each 4 px wide, row 10 (y 40..44)
      v.fixations.forEach((f, k) => {
        expect(f.x).toBeGreaterThanOrEqual(4 * (25 + k));
        expect(f.x).toBeLessThan(4 * (26 + k));
        expect(f.y).toBeGreaterThanOrEqual(40);
        expect(f.y).toBeLessThan(44);
      });
    }
    expect(calls.map((c) => c.rows)).toEqual([5, 5, 5]);
    // first call: the start fixation, valid, then an empty entry (K = 2)
    expect(calls[0]!.history.slice(0, 6)).toEqual([0.5, 0.5, 1, 0, 0, 0]);
    // third call: the second fixation first, then the first; normalised by the input size
    const v0 = viewers[0]!.fixations;
    expect(calls[2]!.history.slice(0, 6)).toEqual(
      [v0[1]!.x / 192, v0[1]!.y / 144, 1, v0[0]!.x / 192, v0[0]!.y / 144, 1].map((x) => expect.closeTo(x, 6)),
    );
    expect(progress.at(-1)).toEqual({ steps: 3, expectedSteps: 3, activeViewers: 0, viewers: 5, fixations: 15 });
    expect(progress.map((p) => p.steps)).toEqual([0, 1, 2, 3]);
    progress.forEach((p) => expect(p.expectedSteps).toBeGreaterThanOrEqual(p.steps));
  });

  it('is reproducible for a seed, differs across seeds, and does not depend on batching', async () => {
    const run = async (seed: number, maxBatch?: number) => simulateViewers(plan({ seed, viewers: 7, ...(maxBatch ? { maxBatch } : {}) }), fakeGraph().graph);
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(await run(3, 2)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
    // viewers differ from each other (own streams)
    expect(a[0]!.fixations[0]!.x).not.toBe(a[1]!.fixations[0]!.x);
  });

  it('splits a group into calls of at most maxBatch rows', async () => {
    const { graph, calls } = fakeGraph();
    await simulateViewers(plan({ viewers: 5, maxBatch: 2, durationMs: 500 }), graph);
    expect(calls.map((c) => c.rows)).toEqual([2, 2, 1]);
  });

  it('uses the fixed log-normal when the graph has no duration output', async () => {
    const { graph } = fakeGraph({ duration: false });
    const viewers = await simulateViewers(plan({ viewers: 50, durationMs: 3000 }), graph);
    for (const v of viewers) {
      let onset = 340;
      for (const f of v.fixations) {
        expect(f.onsetMs).toBeCloseTo(onset, 6);
        onset = f.onsetMs + f.durationMs + 40;
      }
      expect(onset).toBeGreaterThanOrEqual(3000);
      expect(v.fixations.at(-1)!.onsetMs).toBeLessThan(3000);
    }
    const all = viewers.flatMap((v) => v.fixations.map((f) => Math.log(f.durationMs)));
    const mean = all.reduce((s, x) => s + x, 0) / all.length;
    expect(Math.abs(mean - Math.log(250))).toBeLessThan(0.1);
  });

  it('a viewing shorter than the first onset has no fixations and no graph call', async () => {
    const { graph, calls } = fakeGraph();
    const viewers = await simulateViewers(plan({ durationMs: 340 }), graph);
    expect(viewers.map((v) => v.fixations.length)).toEqual([0, 0, 0, 0, 0]);
    expect(calls).toHaveLength(0);
  });

  it('predicts each fixation on the frame at its onset, prepares frames once and releases those behind every viewer', async () => {
    const frameAt = (t: number): number => Math.floor(t / 100) * 100;
    const { graph, calls, prepared, released } = fakeGraph({ frameAt });
    await simulateViewers(plan({ durationMs: 1000 }), graph);
    expect(calls.map((c) => c.frame)).toEqual([300, 500, 800]);
    expect(prepared).toEqual([[300], [500], [800]]);
    expect(released.flat().sort()).toEqual([300, 500, 800]);
  });

  it('stops between steps when aborted, with code aborted, and releases its frames', async () => {
    const ctl = new AbortController();
    const { graph, calls, released } = fakeGraph();
    const err = await simulateViewers(plan({ signal: ctl.signal, onProgress: (p) => p.steps === 1 && ctl.abort() }), graph).catch((e: unknown) => e);
    expect(isGazecastError(err, 'aborted')).toBe(true);
    expect(calls).toHaveLength(1);
    expect(released.flat()).toEqual([0]);
  });
});
