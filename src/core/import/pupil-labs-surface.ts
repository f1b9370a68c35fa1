/**
 * Pupil Labs (Pupil Player / Pupil Core) surface-mapped fixations:
 * `exports/<n>/surfaces/fixations_on_surface_<surface>.csv`, written by the Surface Tracker plugin
 * when the stimulus is marked as a surface. Comma-separated, one row per world-camera frame during
 * which a fixation is on the surface. Column mapping:
 *   fixation_id              → one fixation (its rows repeat it; the first row wins)
 *   norm_pos_x, norm_pos_y   → x = X·width, y = (1 − Y)·height (surface coordinates have their
 *                              origin at the BOTTOM-left; images at the top-left)
 *   on_surf                  → rows kept when "True"
 *   start_timestamp (s)      → order; start_ms relative to the first fixation of the file
 *   duration (ms)            → duration_ms
 * A file has one surface and one recording, so the observer, the stimulus (the image shown on the
 * surface) and its size come from the caller; the file is one viewing.
 */
import { finishImport, stimulusKey, type RawFixation, type StimulusSize } from './assemble';
import { Columns, ProblemLog, readTable, RowReader } from './table';
import type { GazeStudy, ImportResult } from './types';

export interface PupilSurfaceImportOptions {
  readonly observerId: string;
  /** file name of the image shown on the surface */
  readonly stimulus: string;
  /** its native size: surface coordinates are normalised */
  readonly stimulusSize: StimulusSize;
  readonly file?: string;
}

export function importPupilLabsSurface(text: string, options: PupilSurfaceImportOptions): ImportResult<GazeStudy> {
  const log = new ProblemLog(options.file ?? 'fixations_on_surface.csv');
  const table = readTable(text, log, ',');
  const cols = new Columns(table.header);
  const cId = cols.require(log, 'the fixation', 'fixation_id');
  const cX = cols.require(log, 'x normalised to the surface', 'norm_pos_x');
  const cY = cols.require(log, 'y normalised to the surface, from the bottom', 'norm_pos_y');
  const cOn = cols.find('on_surf');
  const cStart = cols.find('start_timestamp');
  const cDur = cols.find('duration');
  if (!(options.stimulusSize.width > 0 && options.stimulusSize.height > 0)) {
    log.add(1, 1, `stimulusSize must be positive, got ${options.stimulusSize.width}x${options.stimulusSize.height}`);
  }
  if (!log.ok) return { ok: false, problems: log.all() };

  const stimulusId = stimulusKey(options.stimulus);
  const { width, height } = options.stimulusSize;
  const seen = new Set<number>();
  const raw: RawFixation[] = [];
  let dropped = 0;
  for (const row of table.rows) {
    const r = new RowReader(log, table.header, row);
    const id = r.integer(cId, 'fixation_id', 0);
    if (id === undefined || seen.has(id)) continue;
    const on = r.raw(cOn).toLowerCase();
    if (cOn !== -1 && on !== 'true' && on !== 'false') r.problem(cOn, `on_surf must be True or False, found "${r.raw(cOn)}"`);
    const nx = r.number(cX, 'norm_pos_x');
    const ny = r.number(cY, 'norm_pos_y');
    const start = r.optionalNumber(cStart, 'start_timestamp');
    const durationMs = r.optionalNumber(cDur, 'duration', (v) => (v >= 0 ? undefined : 'must not be negative'));
    if (nx === undefined || ny === undefined) continue;
    seen.add(id);
    if (on === 'false' || nx < 0 || nx >= 1 || ny <= 0 || ny > 1) {
      dropped++;
      continue;
    }
    raw.push({
      observerId: options.observerId, stimulusId, viewingKey: '0', order: start ?? id,
      x: nx * width, y: (1 - ny) * height,
      ...(start === undefined ? {} : { startMs: start }),
      ...(durationMs === undefined ? {} : { durationMs }),
    });
  }
  // start_ms counts from the EARLIEST fixation, not the first row: rows need not be in time order
  const t0 = Math.min(...raw.map((f) => f.startMs ?? Infinity));
  const timed = raw.map((f) => (f.startMs === undefined ? f : { ...f, startMs: (f.startMs - t0) * 1000 }));
  return finishImport(log, 'pupil-labs-surface', timed, new Map([[stimulusId, options.stimulusSize]]), {
    count: dropped, why: 'off the surface', column: cX + 1,
    hint: 'check that the surface is the stimulus (on_surf, norm_pos_x/y within 0..1)',
  },
    { line: 2, column: 1, message: 'no fixation on the surface in this file' });
}
