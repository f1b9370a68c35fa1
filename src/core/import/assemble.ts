/**
 * Shared by the eye-tracker importers: turns fixations found in an export (each tagged with the
 * viewing it belongs to) into the canonical study shape, numbering trials and fixation order the
 * canonical way (trial = n-th viewing of that stimulus by that observer, index from 0).
 */
import type { ProblemLog } from './table';
import type { GazeStudy, ImportFormat, ImportResult, StudyFixation, StudyObserver, StudyStimulus } from './types';

export interface StimulusSize {
  readonly width: number;
  readonly height: number;
}

/** A fixation as read from an export, before trials and indices are numbered. */
export interface RawFixation {
  readonly observerId: string;
  readonly stimulusId: string;
  /** identifies one viewing (e.g. recording + presentation); compared for equality only */
  readonly viewingKey: string;
  /** sort key of the fixation within its viewing (timestamp or the tracker's own index) */
  readonly order: number;
  readonly x: number;
  readonly y: number;
  readonly startMs?: number;
  readonly durationMs?: number;
}

/** The name a stimulus is matched by: its file name without folders ("img/1001.jpg" → "1001.jpg"). */
export function stimulusKey(name: string): string {
  return name.replace(/^.*[\\/]/, '');
}

export function assembleStudy(
  format: ImportFormat,
  raw: readonly RawFixation[],
  sizes: ReadonlyMap<string, StimulusSize>,
): GazeStudy {
  // Viewings in order of first appearance, numbered per (observer, stimulus).
  const viewings = new Map<string, RawFixation[]>();
  for (const f of raw) {
    const key = `${f.observerId}\u0000${f.stimulusId}\u0000${f.viewingKey}`;
    let list = viewings.get(key);
    if (!list) viewings.set(key, (list = []));
    list.push(f);
  }
  const trialsSoFar = new Map<string, number>();
  const fixations: StudyFixation[] = [];
  for (const list of viewings.values()) {
    const first = list[0] as RawFixation;
    const pair = `${first.observerId}\u0000${first.stimulusId}`;
    const trial = trialsSoFar.get(pair) ?? 0;
    trialsSoFar.set(pair, trial + 1);
    const sorted = [...list].sort((a, b) => a.order - b.order);
    sorted.forEach((f, index) => {
      fixations.push({
        stimulusId: f.stimulusId, observerId: f.observerId, trial, index, x: f.x, y: f.y,
        ...(f.startMs === undefined ? {} : { startMs: f.startMs }),
        ...(f.durationMs === undefined ? {} : { durationMs: f.durationMs }),
      });
    });
  }
  const stimulusIds = [...new Set(raw.map((f) => f.stimulusId))];
  const stimuli: StudyStimulus[] = stimulusIds.map((id) => {
    const size = sizes.get(id);
    return { id, file: id, kind: 'image', ...(size ? { width: size.width, height: size.height } : {}) };
  });
  const observers: StudyObserver[] = [...new Set(raw.map((f) => f.observerId))].map((id) => ({ id, attributes: {} }));
  return { format, stimuli, observers, fixations };
}

/**
 * The common end of every eye-tracker import: any problem fails the whole file (so nothing is
 * saved from it), fixations left out are a warning, and a file with no usable fixation is a
 * problem placed where the caller says the missing data should have been.
 */
export function finishImport(
  log: ProblemLog,
  format: ImportFormat,
  raw: readonly RawFixation[],
  sizes: ReadonlyMap<string, StimulusSize>,
  dropped: { readonly count: number; readonly why: string; readonly column?: number; readonly hint?: string },
  empty: { readonly line: number; readonly column: number; readonly message: string },
): ImportResult<GazeStudy> {
  if (!log.ok) return { ok: false, problems: log.all() };
  if (raw.length === 0 && dropped.count > 0) {
    // every fixation was read and then left out: the coordinates (or the sizes / geometry that
    // map them) are the problem, not the columns the empty-file message names
    log.add(1, dropped.column ?? 1, `all ${dropped.count} fixations were ${dropped.why}, so none is left${dropped.hint ? `: ${dropped.hint}` : ''}`);
    return { ok: false, problems: log.all() };
  }
  if (dropped.count > 0) log.warn(1, 1, `${dropped.count} fixations ${dropped.why} were left out`);
  if (raw.length === 0) {
    log.add(empty.line, empty.column, empty.message);
    return { ok: false, problems: log.all() };
  }
  return { ok: true, value: assembleStudy(format, raw, sizes), warnings: log.warnings };
}
