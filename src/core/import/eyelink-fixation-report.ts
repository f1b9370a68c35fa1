/**
 * SR Research EyeLink Data Viewer "Fixation Report" (Analysis → Reports → Fixation Report,
 * tab-separated, one row per fixation, "." for a missing value). Column mapping:
 *   RECORDING_SESSION_LABEL       → observer_id
 *   TRIAL_INDEX                   → one viewing (trial) of the trial's image
 *   <image variable>              → stimulus (a trial variable named by the experiment: the
 *                                   first of `stimulusColumn`, image, IMAGE, image_name, stimulus,
 *                                   stimulus_name, picture; matched by file name)
 *   CURRENT_FIX_INDEX             → order of the fixation (renumbered from 0)
 *   CURRENT_FIX_X / CURRENT_FIX_Y → screen pixels → image pixels through `display`
 *   CURRENT_FIX_START             → start_ms (from the start of the trial's interest period)
 *   CURRENT_FIX_DURATION          → duration_ms
 * Fixations outside the image are dropped (counted in warnings), as in the canonical data.
 */
import { finishImport, stimulusKey, type RawFixation, type StimulusSize } from './assemble';
import { Columns, ProblemLog, readTable, RowReader } from './table';
import type { GazeStudy, ImportResult } from './types';

/**
 * Where the image was on the screen. Either explicit (`offsetX/offsetY` of its top-left corner
 * and `scale` = shown pixels per image pixel), or `centredOn` a screen of that size at native
 * size (Experiment Builder's default for images). Without it, screen pixels are image pixels.
 */
export type DisplayGeometry =
  | { readonly offsetX: number; readonly offsetY: number; readonly scale?: number }
  | { readonly centredOn: { readonly width: number; readonly height: number } };

export interface EyeLinkImportOptions {
  /** native sizes of the images by file name; needed to drop off-image fixations and to centre */
  readonly stimulusSizes?: ReadonlyMap<string, StimulusSize>;
  /** the trial variable holding the image file name, when not one of the usual names */
  readonly stimulusColumn?: string;
  readonly display?: DisplayGeometry;
  readonly file?: string;
}

const STIMULUS_COLUMNS = ['image', 'image_name', 'imagefile', 'stimulus', 'stimulus_name', 'picture', 'img'];

export function importEyeLinkFixationReport(text: string, options: EyeLinkImportOptions = {}): ImportResult<GazeStudy> {
  const log = new ProblemLog(options.file ?? 'fixation-report.txt');
  const table = readTable(text, log, '\t');
  const cols = new Columns(table.header);
  const cSession = cols.require(log, 'the observer', 'RECORDING_SESSION_LABEL');
  const cTrial = cols.require(log, 'the trial', 'TRIAL_INDEX');
  const cIndex = cols.require(log, 'the fixation order', 'CURRENT_FIX_INDEX');
  const cX = cols.require(log, 'x in screen pixels', 'CURRENT_FIX_X');
  const cY = cols.require(log, 'y in screen pixels', 'CURRENT_FIX_Y');
  const cStart = cols.find('CURRENT_FIX_START');
  const cDur = cols.find('CURRENT_FIX_DURATION');
  const candidates = options.stimulusColumn === undefined ? STIMULUS_COLUMNS : [options.stimulusColumn];
  const cStim = cols.find(...candidates);
  if (cStim === -1) {
    log.add(1, table.header.length + 1,
      `no column naming the image: looked for ${candidates.join(', ')}; pass stimulusColumn with the trial variable that holds it`);
  }
  if (!log.ok) return { ok: false, problems: log.all() };

  const sizes = options.stimulusSizes ?? new Map<string, StimulusSize>();
  const display = options.display;
  const raw: RawFixation[] = [];
  let dropped = 0;
  let duplicates = 0;
  /** session, trial and fixation index of each row read → its line and values, to catch repeated rows */
  const seen = new Map<string, { line: number; values: string }>();
  for (const row of table.rows) {
    const r = new RowReader(log, table.header, row, false, ['.']);
    const observerId = r.text(cSession, 'RECORDING_SESSION_LABEL');
    const trial = r.integer(cTrial, 'TRIAL_INDEX', 0);
    const order = r.integer(cIndex, 'CURRENT_FIX_INDEX', 0);
    const stimName = r.text(cStim, 'the image name');
    const sx = r.number(cX, 'CURRENT_FIX_X');
    const sy = r.number(cY, 'CURRENT_FIX_Y');
    const startMs = r.optionalNumber(cStart, 'CURRENT_FIX_START');
    const durationMs = r.optionalNumber(cDur, 'CURRENT_FIX_DURATION', (v) => (v >= 0 ? undefined : 'must not be negative'));
    if (observerId === undefined || trial === undefined || order === undefined || stimName === undefined
      || sx === undefined || sy === undefined) continue;
    // A fixation is listed once per trial (reports appended twice repeat them all): an identical
    // repeat is left out (counted), a repeat with other values is a problem naming the first line.
    const key = `${observerId}\u0000${trial}\u0000${order}`;
    const values = JSON.stringify([stimName, sx, sy, startMs, durationMs]);
    const first = seen.get(key);
    if (first) {
      if (first.values === values) duplicates++;
      else r.problem(cIndex, `fixation ${order} of trial ${trial} of "${observerId}" is listed twice with different values (first on line ${first.line})`);
      continue;
    }
    seen.set(key, { line: row.line, values });
    const stimulusId = stimulusKey(stimName);
    const size = sizes.get(stimulusId);
    let x = sx;
    let y = sy;
    if (display && 'centredOn' in display) {
      if (!size) {
        r.problem(cStim, `the size of "${stimName}" is needed to undo centring: pass it in stimulusSizes`);
        continue;
      }
      x = sx - (display.centredOn.width - size.width) / 2;
      y = sy - (display.centredOn.height - size.height) / 2;
    } else if (display) {
      const scale = display.scale ?? 1;
      x = (sx - display.offsetX) / scale;
      y = (sy - display.offsetY) / scale;
    }
    if (x < 0 || y < 0 || (size && (x >= size.width || y >= size.height))) {
      dropped++;
      continue;
    }
    raw.push({
      observerId, stimulusId, viewingKey: String(trial), order, x, y,
      ...(startMs === undefined ? {} : { startMs }),
      ...(durationMs === undefined ? {} : { durationMs }),
    });
  }
  if (duplicates > 0) log.warn(1, cIndex + 1, `${duplicates} repeated rows (the same fixation of the same trial) were left out`);
  return finishImport(log, 'eyelink-fixation-report', raw, sizes, {
    count: dropped, why: 'outside the image', column: cX + 1,
    hint: 'check the display geometry (offset, scale or centredOn) and stimulusSizes',
  },
    { line: 2, column: 1, message: 'no fixations in the report' });
}
