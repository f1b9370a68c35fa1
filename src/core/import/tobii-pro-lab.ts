/**
 * Tobii Pro Lab "Data export" (TSV, one row per gaze sample, with the I-VT fixation filter's
 * columns). Column mapping (docs/import-formats.md has the full table):
 *   Participant name                          → observer_id
 *   Presented Media name (else Presented Stimulus name) → stimulus (matched by file name)
 *   Recording name + each contiguous presentation of a media → one viewing (trial)
 *   Eye movement type = "Fixation"            → rows kept
 *   Eye movement type index                   → one fixation (its samples repeat it; first row wins)
 *   Fixation point X/Y (MCSnorm) | [MCS norm] → x = X·width, y = Y·height of the media
 *   else Fixation point X/Y (DACSpx) | [DACS px] with Presented Media position X/Y (DACSpx)
 *        and Presented Media width/height     → normalised to the media, then as above
 *   Gaze event duration (ms)                  → duration_ms
 *   Recording timestamp (ms, or [μs]/[ms])    → start_ms, relative to the media's first sample
 * Older exports write units in parentheses, newer ones in brackets; numbers may use a decimal
 * comma. Fixations outside the media are dropped (counted in warnings), as in the canonical data.
 */
import { finishImport, stimulusKey, type RawFixation, type StimulusSize } from './assemble';
import { Columns, ProblemLog, readTable, RowReader } from './table';
import type { GazeStudy, ImportResult } from './types';

export interface TobiiImportOptions {
  /** native sizes of the media by file name; else "Original Media width/height", else the presented size */
  readonly stimulusSizes?: ReadonlyMap<string, StimulusSize>;
  readonly file?: string;
}

export function importTobiiProLab(text: string, options: TobiiImportOptions = {}): ImportResult<GazeStudy> {
  const log = new ProblemLog(options.file ?? 'tobii-export.tsv');
  const table = readTable(text, log, '\t');
  const cols = new Columns(table.header);
  const cParticipant = cols.require(log, 'the observer', 'Participant name');
  const cMedia = cols.find('Presented Media name', 'Presented Stimulus name');
  if (cMedia === -1) cols.require(log, 'the stimulus shown', 'Presented Media name');
  const cType = cols.require(log, 'the I-VT classification', 'Eye movement type');
  const cIndex = cols.require(log, 'the fixation number', 'Eye movement type index');
  const cRecording = cols.find('Recording name');
  const cDuration = cols.find('Gaze event duration', 'Gaze event duration [ms]');
  const cTimeUs = cols.find('Recording timestamp [μs]', 'Recording timestamp [us]', 'Recording timestamp (μs)');
  const cTimeMs = cols.find('Recording timestamp [ms]', 'Recording timestamp (ms)', 'Recording timestamp');
  const cNormX = cols.find('Fixation point X (MCSnorm)');
  const cNormY = cols.find('Fixation point Y (MCSnorm)');
  const cPxX = cols.find('Fixation point X (DACSpx)', 'Fixation point X');
  const cPxY = cols.find('Fixation point Y (DACSpx)', 'Fixation point Y');
  const cPosX = cols.find('Presented Media position X (DACSpx)');
  const cPosY = cols.find('Presented Media position Y (DACSpx)');
  const cPresW = cols.find('Presented Media width (px)', 'Presented Media width');
  const cPresH = cols.find('Presented Media height (px)', 'Presented Media height');
  const cOrigW = cols.find('Original Media width (px)', 'Original Media width');
  const cOrigH = cols.find('Original Media height (px)', 'Original Media height');
  const haveNorm = cNormX !== -1 && cNormY !== -1;
  const havePx = cPxX !== -1 && cPxY !== -1 && cPosX !== -1 && cPosY !== -1 && cPresW !== -1 && cPresH !== -1;
  if (!haveNorm && !havePx) {
    log.add(1, table.header.length + 1,
      'no fixation coordinates: expected "Fixation point X (MCSnorm)"/"Fixation point Y (MCSnorm)", or '
      + '"Fixation point X/Y (DACSpx)" with "Presented Media position X/Y (DACSpx)" and "Presented Media width/height"; '
      + 'tick them in Pro Lab\'s Data Export');
  }
  if (!log.ok) return { ok: false, problems: log.all() };
  const timeCol = cTimeUs !== -1 ? cTimeUs : cTimeMs;
  const timeScale = cTimeUs !== -1 ? 1e-3 : 1;

  const sizes = new Map<string, StimulusSize>(options.stimulusSizes ?? []);
  const raw: RawFixation[] = [];
  const seenFixation = new Set<string>();
  const presentation = new Map<string, number>(); // participant+recording → current presentation number
  const lastMedia = new Map<string, string>();
  const mediaOnset = new Map<string, number>();
  let dropped = 0;
  for (const row of table.rows) {
    const r = new RowReader(log, table.header, row, true);
    const media = r.raw(cMedia);
    const participant = r.raw(cParticipant);
    const recording = r.raw(cRecording);
    const rec = `${participant}\u0000${recording}`;
    // A new presentation starts whenever the media changes within a recording.
    if (media !== lastMedia.get(rec)) {
      lastMedia.set(rec, media);
      presentation.set(rec, (presentation.get(rec) ?? 0) + 1);
    }
    if (media === '') continue; // samples between stimuli
    const viewingKey = `${recording}\u0000${presentation.get(rec) ?? 0}`;
    const stimulusId = stimulusKey(media);
    const time = timeCol === -1 ? undefined : r.optionalNumber(timeCol, 'Recording timestamp');
    const onsetKey = `${rec}\u0000${viewingKey}`;
    if (time !== undefined && !mediaOnset.has(onsetKey)) mediaOnset.set(onsetKey, time);
    if (r.raw(cType) !== 'Fixation') continue;
    if (participant === '') {
      r.problem(cParticipant, 'Participant name is empty on a fixation row');
      continue;
    }
    const fixIndex = r.integer(cIndex, 'Eye movement type index', 0);
    if (fixIndex === undefined) continue;
    const fixKey = `${onsetKey}\u0000${fixIndex}`;
    if (seenFixation.has(fixKey)) continue; // the same fixation on its next sample
    seenFixation.add(fixKey);

    let size = sizes.get(stimulusId);
    if (!size) {
      const w = r.optionalNumber(cOrigW, 'Original Media width', (v) => (v > 0 ? undefined : 'must be greater than 0'))
        ?? r.optionalNumber(cPresW, 'Presented Media width', (v) => (v > 0 ? undefined : 'must be greater than 0'));
      const h = r.optionalNumber(cOrigH, 'Original Media height', (v) => (v > 0 ? undefined : 'must be greater than 0'))
        ?? r.optionalNumber(cPresH, 'Presented Media height', (v) => (v > 0 ? undefined : 'must be greater than 0'));
      if (w === undefined || h === undefined) {
        r.problem(cMedia, `the size of "${media}" is unknown: export "Original Media width/height" or pass stimulusSizes`);
        continue;
      }
      size = { width: w, height: h };
      sizes.set(stimulusId, size);
    }
    let nx: number | undefined;
    let ny: number | undefined;
    if (haveNorm && !r.isMissing(cNormX)) {
      nx = r.number(cNormX, 'Fixation point X (MCSnorm)');
      ny = r.number(cNormY, 'Fixation point Y (MCSnorm)');
    } else if (havePx) {
      const px = r.number(cPxX, 'Fixation point X (DACSpx)');
      const py = r.number(cPxY, 'Fixation point Y (DACSpx)');
      const ox = r.number(cPosX, 'Presented Media position X (DACSpx)');
      const oy = r.number(cPosY, 'Presented Media position Y (DACSpx)');
      const pw = r.number(cPresW, 'Presented Media width', (v) => (v > 0 ? undefined : 'must be greater than 0'));
      const ph = r.number(cPresH, 'Presented Media height', (v) => (v > 0 ? undefined : 'must be greater than 0'));
      if (px !== undefined && py !== undefined && ox !== undefined && oy !== undefined && pw !== undefined && ph !== undefined) {
        nx = (px - ox) / pw;
        ny = (py - oy) / ph;
      }
    } else {
      r.problem(cNormX, 'Fixation point X (MCSnorm) is empty on a fixation row');
    }
    if (nx === undefined || ny === undefined) continue;
    if (nx < 0 || nx >= 1 || ny < 0 || ny >= 1) {
      dropped++;
      continue;
    }
    const durationMs = r.optionalNumber(cDuration, 'Gaze event duration', (v) => (v >= 0 ? undefined : 'must not be negative'));
    const onset = mediaOnset.get(onsetKey);
    const startMs = time === undefined || onset === undefined ? undefined : (time - onset) * timeScale;
    raw.push({
      observerId: participant, stimulusId, viewingKey, order: time ?? fixIndex,
      x: nx * size.width, y: ny * size.height,
      ...(startMs === undefined ? {} : { startMs }),
      ...(durationMs === undefined ? {} : { durationMs }),
    });
  }
  return finishImport(log, 'tobii-pro-lab', raw, sizes, {
    count: dropped, why: 'outside the media', column: (haveNorm ? cNormX : cPxX) + 1,
    hint: 'check the fixation point columns and the media sizes (Original Media width/height or stimulusSizes)',
  }, {
    line: 1, column: cType + 1,
    message: 'no fixations on any media: is "Eye movement type" from the I-VT filter, and is the media name exported?',
  });
}
