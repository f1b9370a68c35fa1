/**
 * What an import produces and how it reports problems (type-only contract of src/core/import).
 *
 * Every importer turns a file into the same study shape as the canonical format of
 * `../shared/data` (see its README): stimuli, observers with attributes, fixations in the
 * stimulus file's own pixels. Raw gaze never leaves the importer's caller: what is kept and
 * shared is the embedding computed from it (see src/core/personal).
 */

/** Formats the importers understand; `docs/import-formats.md` gives each one's column mapping. */
export type ImportFormat =
  | 'canonical' // stimuli.csv + observers.csv + fixations.csv of ../shared/data
  | 'tobii-pro-lab' // Tobii Pro Lab "Data export" TSV (I-VT fixation filter columns)
  | 'eyelink-fixation-report' // SR Research EyeLink Data Viewer "Fixation Report" TSV
  | 'pupil-labs-surface'; // Pupil Player "fixations_on_surface_<name>.csv"

/**
 * One problem found in a file. `line` and `column` are 1-based: `line` counts physical lines of
 * the file (the header is line 1), `column` is the position of the field in its row (so a
 * spreadsheet user can find it); `columnName` is the header of that field when known.
 */
export interface ImportProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly columnName?: string;
  readonly message: string;
}

export type ObserverAttributeKey = 'age' | 'gender' | 'group' | 'task';

export interface StudyStimulus {
  readonly id: string;
  /** file name relative to the study folder, as the source names it (used to match image files) */
  readonly file: string;
  readonly kind: 'image' | 'video';
  /** native size of the stimulus the coordinates refer to; undefined when the source does not say */
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly durationMs?: number;
}

export interface StudyObserver {
  readonly id: string;
  /** e.g. { age: '27', gender: 'female', task: 'free-viewing' }; absent = unknown */
  readonly attributes: Readonly<Partial<Record<ObserverAttributeKey, string>>>;
}

/** One fixation in the stimulus file's own pixels (origin top-left, x right, y down). */
export interface StudyFixation {
  readonly stimulusId: string;
  readonly observerId: string;
  /** repeat index of the viewing, from 0 */
  readonly trial: number;
  /** order within the viewing, from 0 */
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly startMs?: number;
  readonly durationMs?: number;
}

export interface GazeStudy {
  readonly format: ImportFormat;
  readonly stimuli: readonly StudyStimulus[];
  readonly observers: readonly StudyObserver[];
  readonly fixations: readonly StudyFixation[];
}

/** Either the whole parsed value or every problem found; never a partial result. */
export type ImportResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly ImportProblem[] }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] };
