/**
 * The canonical format of `../shared/data` (its README is the reference):
 *   stimuli.csv   stimulus_id,file,kind,width,height,fps,duration_ms
 *   observers.csv observer_id,age,gender,group,task
 *   fixations.csv stimulus_id,observer_id,trial,index,x,y,start_ms,duration_ms
 * Columns are found by name, so their order may differ and extra columns are ignored.
 */
import { Columns, ProblemLog, readTable, RowReader } from './table';
import type {
  GazeStudy, ImportProblem, ImportResult, StudyFixation, StudyObserver, StudyStimulus,
} from './types';

function result<T>(log: ProblemLog, value: T): ImportResult<T> {
  return log.ok ? { ok: true, value, warnings: log.warnings } : { ok: false, problems: log.all() };
}

export function parseStimuliCsv(text: string, file = 'stimuli.csv'): ImportResult<StudyStimulus[]> {
  const log = new ProblemLog(file);
  const table = readTable(text, log, ',');
  const cols = new Columns(table.header);
  const cId = cols.require(log, 'the stimulus id', 'stimulus_id');
  const cFile = cols.require(log, 'the stimulus file, relative to the folder', 'file');
  const cKind = cols.require(log, '"image" or "video"', 'kind');
  const cW = cols.require(log, 'width in pixels', 'width');
  const cH = cols.require(log, 'height in pixels', 'height');
  const cFps = cols.find('fps');
  const cDur = cols.find('duration_ms');
  if (!log.ok) return { ok: false, problems: log.all() };

  const out: StudyStimulus[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const r = new RowReader(log, table.header, row);
    const id = r.text(cId, 'stimulus_id');
    const f = r.text(cFile, 'file');
    const kind = r.text(cKind, 'kind');
    if (kind !== undefined && kind !== 'image' && kind !== 'video') r.problem(cKind, `kind must be "image" or "video", found "${kind}"`);
    const width = r.integer(cW, 'width', 1);
    const height = r.integer(cH, 'height', 1);
    const positive = (v: number): string | undefined => (v > 0 ? undefined : 'must be greater than 0');
    const fps = r.optionalNumber(cFps, 'fps', positive);
    const durationMs = r.optionalNumber(cDur, 'duration_ms', positive);
    if (kind === 'video' && r.isMissing(cFps)) r.problem(cFps >= 0 ? cFps : cKind, 'a video needs its fps (frames per second)');
    if (id !== undefined) {
      const first = seen.get(id);
      if (first !== undefined) r.problem(cId, `stimulus_id "${id}" is listed twice (first on line ${first})`);
      else seen.set(id, row.line);
    }
    if (id === undefined || f === undefined || width === undefined || height === undefined
      || (kind !== 'image' && kind !== 'video')) continue;
    out.push({
      id, file: f, kind, width, height,
      ...(fps === undefined ? {} : { fps }),
      ...(durationMs === undefined ? {} : { durationMs }),
    });
  }
  return result(log, out);
}

const GENDERS = new Set(['female', 'male']);

export function parseObserversCsv(text: string, file = 'observers.csv'): ImportResult<StudyObserver[]> {
  const log = new ProblemLog(file);
  const table = readTable(text, log, ',');
  const cols = new Columns(table.header);
  const cId = cols.require(log, 'the observer id', 'observer_id');
  const cAge = cols.find('age');
  const cGender = cols.find('gender');
  const cGroup = cols.find('group');
  const cTask = cols.find('task');
  if (!log.ok) return { ok: false, problems: log.all() };

  const out: StudyObserver[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const r = new RowReader(log, table.header, row);
    const id = r.text(cId, 'observer_id');
    const attributes: Record<string, string> = {};
    if (!r.isMissing(cAge)) {
      const age = r.raw(cAge);
      // Years ("27"), or an age band as the model's profile lists them ("25-34", "55+").
      if (/^\d+(\.\d+)?$/.test(age) && Number(age) <= 130) attributes.age = age;
      else if (/^\d+-\d+$|^\d+\+$/.test(age)) attributes.age = age;
      else r.problem(cAge, `age must be years (e.g. 27) or a band (e.g. 25-34, 55+), found "${age}"`);
    }
    if (!r.isMissing(cGender)) {
      const g = r.raw(cGender).toLowerCase();
      if (GENDERS.has(g)) attributes.gender = g;
      else r.problem(cGender, `gender must be "female", "male" or empty, found "${r.raw(cGender)}"`);
    }
    if (!r.isMissing(cGroup)) attributes.group = r.raw(cGroup);
    if (!r.isMissing(cTask)) attributes.task = r.raw(cTask);
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first !== undefined) {
      r.problem(cId, `observer_id "${id}" is listed twice (first on line ${first})`);
      continue;
    }
    seen.set(id, row.line);
    out.push({ id, attributes });
  }
  return result(log, out);
}

export interface FixationCheck {
  /** when given, every stimulus_id must be listed here and x/y must lie inside its size */
  readonly stimuli?: readonly StudyStimulus[];
  /** when given, every observer_id must be listed here */
  readonly observers?: readonly StudyObserver[];
}

export function parseFixationsCsv(text: string, file = 'fixations.csv', check: FixationCheck = {}): ImportResult<StudyFixation[]> {
  const log = new ProblemLog(file);
  const table = readTable(text, log, ',');
  const cols = new Columns(table.header);
  const cStim = cols.require(log, 'the stimulus id', 'stimulus_id');
  const cObs = cols.require(log, 'the observer id', 'observer_id');
  const cTrial = cols.require(log, 'the repeat index from 0', 'trial');
  const cIndex = cols.require(log, 'the order within the trial from 0', 'index');
  const cX = cols.require(log, 'x in stimulus pixels', 'x');
  const cY = cols.require(log, 'y in stimulus pixels', 'y');
  const cStart = cols.find('start_ms');
  const cDur = cols.find('duration_ms');
  if (!log.ok) return { ok: false, problems: log.all() };

  const stimuli = check.stimuli && new Map(check.stimuli.map((s) => [s.id, s]));
  const observers = check.observers && new Set(check.observers.map((o) => o.id));
  const seen = new Map<string, number>();
  const out: StudyFixation[] = [];
  for (const row of table.rows) {
    const r = new RowReader(log, table.header, row);
    const stimulusId = r.text(cStim, 'stimulus_id');
    const observerId = r.text(cObs, 'observer_id');
    const stim = stimulusId === undefined ? undefined : stimuli?.get(stimulusId);
    if (stimulusId !== undefined && stimuli && !stim) r.problem(cStim, `stimulus_id "${stimulusId}" is not in stimuli.csv`);
    if (observerId !== undefined && observers && !observers.has(observerId)) r.problem(cObs, `observer_id "${observerId}" is not in observers.csv`);
    const trial = r.integer(cTrial, 'trial', 0);
    const index = r.integer(cIndex, 'index', 0);
    const inside = (size: number | undefined) => (v: number): string | undefined =>
      v < 0 || (size !== undefined && v >= size) ? `must lie in [0, ${size ?? '∞'}) (the stimulus' pixels)` : undefined;
    const x = r.number(cX, 'x', inside(stim?.width));
    const y = r.number(cY, 'y', inside(stim?.height));
    const startMs = r.optionalNumber(cStart, 'start_ms');
    const durationMs = r.optionalNumber(cDur, 'duration_ms', (v) => (v >= 0 ? undefined : 'must not be negative'));
    if (stimulusId === undefined || observerId === undefined || trial === undefined || index === undefined
      || x === undefined || y === undefined) continue;
    const key = `${stimulusId}\u0000${observerId}\u0000${trial}\u0000${index}`;
    const first = seen.get(key);
    if (first !== undefined) {
      r.problem(cIndex, `fixation ${index} of trial ${trial} of ${observerId} on ${stimulusId} appears twice (first on line ${first})`);
      continue;
    }
    seen.set(key, row.line);
    out.push({
      stimulusId, observerId, trial, index, x, y,
      ...(startMs === undefined ? {} : { startMs }),
      ...(durationMs === undefined ? {} : { durationMs }),
    });
  }
  return result(log, out);
}

export interface CanonicalFiles {
  readonly stimuli: string;
  /** optional: without it observers are taken from fixations.csv, with no attributes */
  readonly observers?: string;
  readonly fixations: string;
}

/**
 * Reads a canonical study: all three files are checked, and fixations against the stimuli
 * (ids and sizes) and observers. Problems of every file are returned together.
 */
export function importCanonical(files: CanonicalFiles): ImportResult<GazeStudy> {
  const stimuli = parseStimuliCsv(files.stimuli);
  const observers = files.observers === undefined ? undefined : parseObserversCsv(files.observers);
  const fixations = parseFixationsCsv(files.fixations, 'fixations.csv', {
    ...(stimuli.ok ? { stimuli: stimuli.value } : {}),
    ...(observers?.ok ? { observers: observers.value } : {}),
  });
  const problems: ImportProblem[] = [];
  for (const r of [stimuli, observers, fixations]) if (r && !r.ok) problems.push(...r.problems);
  if (problems.length > 0 || !stimuli.ok || !fixations.ok || (observers && !observers.ok)) {
    return { ok: false, problems };
  }
  const observerList = observers?.ok
    ? observers.value
    : [...new Set(fixations.value.map((f) => f.observerId))].map((id) => ({ id, attributes: {} }));
  return {
    ok: true,
    value: { format: 'canonical', stimuli: stimuli.value, observers: observerList, fixations: fixations.value },
    warnings: [...stimuli.warnings, ...(observers?.ok ? observers.warnings : []), ...fixations.warnings],
  };
}
