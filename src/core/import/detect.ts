/** Guesses a file's format from its header line, so the UI can take any dropped file. */
import { normaliseColumnName } from './table';

export type DetectedFormat =
  | 'canonical-stimuli' | 'canonical-observers' | 'canonical-fixations'
  | 'tobii-pro-lab' | 'eyelink-fixation-report' | 'pupil-labs-surface' | 'unknown';

export function detectFormat(text: string): DetectedFormat {
  const firstLine = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') ? '\t' : ',';
  const names = new Set(firstLine.split(delimiter).map((c) => normaliseColumnName(c.replace(/^"|"$/g, ''))));
  const has = (...cols: string[]): boolean => cols.every((c) => names.has(normaliseColumnName(c)));
  if (has('Participant name', 'Eye movement type', 'Eye movement type index')) return 'tobii-pro-lab';
  if (has('RECORDING_SESSION_LABEL', 'CURRENT_FIX_X', 'CURRENT_FIX_Y')) return 'eyelink-fixation-report';
  if (has('fixation_id', 'norm_pos_x', 'norm_pos_y', 'on_surf')) return 'pupil-labs-surface';
  if (has('stimulus_id', 'observer_id', 'x', 'y')) return 'canonical-fixations';
  if (has('stimulus_id', 'file', 'kind')) return 'canonical-stimuli';
  if (has('observer_id')) return 'canonical-observers';
  return 'unknown';
}
