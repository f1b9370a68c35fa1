/**
 * Virtual viewers advancing together (MODEL_CONTRACT.md, "Scanpath"): every step asks the scanpath
 * graph, in one batched call per frame, where each still-active viewer looks next and for how
 * long, then draws that fixation for each viewer from its own seeded stream. A viewer stops once
 * its next onset would fall at or after the end of the viewing.
 *
 * Pure and DOM-free: the caller supplies the frames and the graph (`StudyGraph`), so the worker,
 * the in-thread engine and any other home produce the same study from the same graph outputs.
 * Each viewer's draws come from its own stream in a fixed order (cell, x, y, duration), so a
 * viewer's scanpath does not depend on how rows are batched or grouped by frame.
 */
import { GazecastError } from './errors';
import type { Letterbox } from './letterbox';
import type { ModelManifest } from './manifest';
import { requireScanpath, scanpathTiming } from './scanpath-io';
import {
  DEFAULT_LOG_DURATION,
  startFixation,
  drawDurationMs,
  firstOnsetMs,
  nextOnsetMs,
  normalisedOnInput,
  FrameSampler,
  viewerStreams,
  writeHistoryRow,
  type NormalisedFixation,
  type ScanpathTiming,
} from './scanpath-sampling';
import type { StudyFixation, StudyViewer } from './study';

/** What the scanpath graph returns for `rows` viewers. */
export interface StudyStepOutput {
  /** [rows, 1, output.height, output.width] */
  readonly logDensity: Float32Array;
  /** [rows, 2]: mu, sigma of ln(duration ms); absent when the graph has no duration output */
  readonly logDuration?: Float32Array;
}

/**
 * The frames of a viewing and the graph that reads them. Frames are named by a time in ms of the
 * viewing (always 0 for a still image): the fixation starting at `onsetMs` is predicted on frame
 * `frameAt(onsetMs)`.
 */
export interface StudyGraph {
  frameAt(onsetMs: number): number;
  /** makes these frames ready for `step` (a video seeks and runs the trunk once per frame) */
  prepare(frames: readonly number[]): Promise<void>;
  /** frames no viewer will need again */
  release(frames: readonly number[]): Promise<void>;
  /** one batched call: `history` is [rows, K, 3] */
  step(frame: number, history: Float32Array, rows: number): Promise<StudyStepOutput>;
}

export interface StudyProgress {
  /** steps done (one step advances every active viewer by one fixation) */
  readonly steps: number;
  /** steps expected in all: an estimate from the time left and a typical fixation, never below `steps`; equal to it at the end */
  readonly expectedSteps: number;
  readonly activeViewers: number;
  readonly viewers: number;
  readonly fixations: number;
}

export interface SimulationPlan {
  readonly viewers: number;
  readonly durationMs: number;
  readonly seed: number;
  /** K, the history the graph reads */
  readonly historyLength: number;
  readonly output: { readonly width: number; readonly height: number };
  /** the frame's letterbox in the model input (the same for every frame of a video) */
  readonly letterbox: Letterbox;
  readonly timing: ScanpathTiming;
  /** where the gaze rests when the viewing starts, normalised input coordinates */
  readonly start: NormalisedFixation;
  /** at most this many rows per graph call (larger groups are split; results do not change) */
  readonly maxBatch?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: StudyProgress) => void;
}

/**
 * The plan of a panel viewing a frame of this letterbox: what the model's scanpath section says (its
 * history length, output grid and timing) and the viewing's own settings; every viewer starts at the
 * letterbox centre (the fixation cross of an image, the centre of a video's first frame).
 */
export function simulationPlan(
  manifest: ModelManifest,
  letterbox: Letterbox,
  settings: Pick<SimulationPlan, 'viewers' | 'durationMs' | 'seed' | 'signal' | 'onProgress'>,
): SimulationPlan {
  const spec = requireScanpath(manifest);
  return {
    ...settings,
    historyLength: spec.history,
    output: manifest.output,
    letterbox,
    timing: scanpathTiming(spec),
    start: startFixation(letterbox),
  };
}

export const DEFAULT_MAX_BATCH = 256;

interface ViewerState {
  readonly index: number;
  readonly history: NormalisedFixation[];
  readonly fixations: StudyFixation[];
  nextOnset: number;
}

export function throwIfAborted(signal: AbortSignal | undefined, what = 'The virtual study'): void {
  if (signal?.aborted) throw new GazecastError('aborted', `${what} was aborted.`, { cause: signal.reason });
}

/** Runs the viewers to the end of the viewing and returns their fixations, viewer by viewer. */
export async function simulateViewers(plan: SimulationPlan, graph: StudyGraph): Promise<StudyViewer[]> {
  const { letterbox: lb, timing, output, historyLength: K } = plan;
  const maxBatch = Math.max(1, plan.maxBatch ?? DEFAULT_MAX_BATCH);
  const streams = viewerStreams(plan.seed, plan.viewers);
  const sampler = new FrameSampler(lb, output.width, output.height);
  const states: ViewerState[] = Array.from({ length: plan.viewers }, (_, index) => ({
    index,
    history: [plan.start],
    fixations: [],
    nextOnset: firstOnsetMs(timing),
  }));
  const typicalStepMs = Math.exp(DEFAULT_LOG_DURATION.mu + DEFAULT_LOG_DURATION.sigma ** 2 / 2) + timing.saccadeMs;
  let active = states.filter((s) => s.nextOnset < plan.durationMs);
  let steps = 0;
  let fixations = 0;
  const prepared = new Set<number>();
  const report = (): void => {
    const left = active.reduce((m, s) => Math.max(m, plan.durationMs - s.nextOnset), 0);
    plan.onProgress?.({
      steps,
      expectedSteps: active.length === 0 ? steps : steps + Math.max(1, Math.ceil(left / typicalStepMs)),
      activeViewers: active.length,
      viewers: plan.viewers,
      fixations,
    });
  };
  report();
  try {
    while (active.length > 0) {
      throwIfAborted(plan.signal);
      // viewers grouped by the frame their next fixation is predicted on, in time order
      const groups = new Map<number, ViewerState[]>();
      for (const s of active) {
        const f = graph.frameAt(s.nextOnset);
        const g = groups.get(f);
        if (g) g.push(s);
        else groups.set(f, [s]);
      }
      const frames = [...groups.keys()].sort((a, b) => a - b);
      const missing = frames.filter((f) => !prepared.has(f));
      if (missing.length > 0) {
        await graph.prepare(missing);
        missing.forEach((f) => prepared.add(f));
      }
      for (const frame of frames) {
        const group = groups.get(frame)!;
        for (let from = 0; from < group.length; from += maxBatch) {
          throwIfAborted(plan.signal);
          const rows = group.slice(from, from + maxBatch);
          const history = new Float32Array(rows.length * K * 3);
          rows.forEach((s, r) => writeHistoryRow(history, r, K, s.history));
          const out = await graph.step(frame, history, rows.length);
          rows.forEach((s, r) => {
            const rng = streams[s.index]!;
            const p = sampler.draw(out.logDensity, r, rng);
            const mu = out.logDuration ? out.logDuration[2 * r]! : DEFAULT_LOG_DURATION.mu;
            const sigma = out.logDuration ? out.logDuration[2 * r + 1]! : DEFAULT_LOG_DURATION.sigma;
            const durationMs = drawDurationMs(mu, sigma, rng);
            s.fixations.push({ x: p.x, y: p.y, onsetMs: s.nextOnset, durationMs });
            s.history.push(normalisedOnInput(lb, p.x, p.y));
            if (s.history.length > K) s.history.shift();
            s.nextOnset = nextOnsetMs(s.nextOnset, durationMs, timing);
            fixations++;
          });
        }
      }
      active = active.filter((s) => s.nextOnset < plan.durationMs);
      steps++;
      // frames behind every active viewer are not needed again (a viewer's time only moves on)
      const earliest = active.reduce((m, s) => Math.min(m, graph.frameAt(s.nextOnset)), Infinity);
      const done = [...prepared].filter((f) => f < earliest);
      if (done.length > 0) {
        done.forEach((f) => prepared.delete(f));
        await graph.release(done);
      }
      report();
    }
  } finally {
    if (prepared.size > 0) await graph.release([...prepared]).catch(() => undefined);
  }
  return states.map((s) => ({ fixations: s.fixations }));
}
