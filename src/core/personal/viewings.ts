/**
 * Groups a study's fixations into viewings (one observer, one stimulus, one trial) — the unit an
 * embedding is computed from — and splits them deterministically for leave-some-out checks.
 */
import type { GazeStudy, StudyFixation } from '../import/types';

export interface Viewing {
  readonly observerId: string;
  readonly stimulusId: string;
  readonly trial: number;
  /** in visit order */
  readonly fixations: readonly StudyFixation[];
}

/**
 * Viewings of image stimuli, in the study's order. The first fixation of each image trial is
 * left out by default: it mostly reflects the central fixation cross shown before the image
 * (shared/data/README.md), and the model's training and scoring leave it out too.
 */
export function viewingsOf(study: GazeStudy, options: { observerId?: string; keepFirstFixation?: boolean } = {}): Viewing[] {
  const kinds = new Map(study.stimuli.map((s) => [s.id, s.kind]));
  const groups = new Map<string, StudyFixation[]>();
  for (const f of study.fixations) {
    if (options.observerId !== undefined && f.observerId !== options.observerId) continue;
    if (kinds.get(f.stimulusId) === 'video') continue;
    if (f.index === 0 && !options.keepFirstFixation) continue;
    const key = `${f.observerId}\u0000${f.stimulusId}\u0000${f.trial}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(f);
  }
  return [...groups.values()].map((fs) => {
    const first = fs[0] as StudyFixation;
    return {
      observerId: first.observerId, stimulusId: first.stimulusId, trial: first.trial,
      fixations: [...fs].sort((a, b) => a.index - b.index),
    };
  });
}

/** FNV-1a: a stable hash so that the same study always splits the same way. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Splits one observer's viewings into `embed` (at most `embedCount`) and `heldOut` (the rest, at
 * most `heldOutCount`), by stimulus so that no image is in both: a held-out image must be new
 * to the embedding for the check to be honest.
 */
export function splitViewings(
  viewings: readonly Viewing[], embedCount: number, heldOutCount = Number.POSITIVE_INFINITY, seed = 'gazecast',
): { embed: Viewing[]; heldOut: Viewing[] } {
  const stimuli = [...new Set(viewings.map((v) => v.stimulusId))]
    .sort((a, b) => hash(`${seed}:${a}`) - hash(`${seed}:${b}`) || (a < b ? -1 : 1));
  const embedStimuli = new Set(stimuli.slice(0, embedCount));
  const heldStimuli = new Set(stimuli.slice(embedCount, embedCount + Math.min(heldOutCount, stimuli.length)));
  return {
    embed: viewings.filter((v) => embedStimuli.has(v.stimulusId)),
    heldOut: viewings.filter((v) => heldStimuli.has(v.stimulusId)),
  };
}
