/**
 * Delimited text → rows that remember their physical line, and a problem collector with typed
 * cell readers. Parsing itself is papaparse's: quoting, embedded newlines, CRLF and BOMs have
 * enough corner cases that a well-tested parser beats a hand-written split.
 */
import Papa from 'papaparse';
import type { ImportProblem } from './types';

export interface TableRow {
  /** 1-based physical line where the row starts */
  readonly line: number;
  readonly cells: readonly string[];
}

export interface Table {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly TableRow[];
}

/** Stops collecting after this many problems: a wrong file can have one per line. */
export const MAX_PROBLEMS = 200;

/** Collects problems for one file; `count` keeps counting past MAX_PROBLEMS. */
export class ProblemLog {
  readonly problems: ImportProblem[] = [];
  readonly warnings: ImportProblem[] = [];
  count = 0;
  constructor(readonly file: string) {}

  add(line: number, column: number, message: string, columnName?: string): void {
    this.count++;
    if (this.problems.length < MAX_PROBLEMS) {
      this.problems.push(columnName === undefined
        ? { file: this.file, line, column, message }
        : { file: this.file, line, column, columnName, message });
    }
  }

  warn(line: number, column: number, message: string): void {
    if (this.warnings.length < MAX_PROBLEMS) this.warnings.push({ file: this.file, line, column, message });
  }

  get ok(): boolean {
    return this.count === 0;
  }

  /** The problems, with a closing entry saying how many more were not listed. */
  all(): ImportProblem[] {
    if (this.count <= this.problems.length) return this.problems;
    return [...this.problems, {
      file: this.file, line: this.problems.at(-1)?.line ?? 1, column: 1,
      message: `…and ${this.count - this.problems.length} more problems not listed`,
    }];
  }
}

function separatorName(d: string): string {
  return d === '\t' ? 'tabs' : d === ',' ? 'commas' : d === ';' ? 'semicolons' : `"${d}"`;
}

/** A header read as one column that another separator would split: the file has the wrong separator. */
function otherSeparator(header: readonly string[], used: string): { name: string } | undefined {
  if (header.length !== 1) return undefined;
  for (const d of [';', '\t', ',', '|']) {
    if (d !== used && (header[0] ?? '').split(d).length > 1) return { name: separatorName(d) };
  }
  return undefined;
}

/**
 * Parses `text` with the given delimiter (auto-detected by papaparse when omitted). The first
 * non-empty row is the header. Rows whose field count differs from the header's, unterminated
 * quotes and empty headers are reported into `log`; such rows are left out of `rows`.
 */
export function readTable(text: string, log: ProblemLog, delimiter?: string): Table {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Offsets of every '\n', to turn papaparse's cursor (end offset of a row) into a line number.
  const newlines: number[] = [];
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) newlines.push(i);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((newlines[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  let header: string[] | undefined;
  const rows: TableRow[] = [];
  let start = 0;
  Papa.parse<string[]>(src, {
    ...(delimiter === undefined ? {} : { delimiter }),
    skipEmptyLines: false,
    step: (result) => {
      const line = lineAt(start);
      start = result.meta.cursor;
      const cells = result.data;
      if (cells.length === 1 && (cells[0] ?? '').trim() === '') return; // blank line
      if (result.errors.length > 0) {
        for (const e of result.errors) {
          log.add(line, Math.max(1, cells.length), `${e.message} (the row's last field opens a quote that is never closed)`);
        }
        return;
      }
      if (header === undefined) {
        header = cells.map((c) => c.trim());
        header.forEach((h, i) => {
          if (h === '') log.add(line, i + 1, 'empty column name in the header');
        });
        const other = otherSeparator(header, result.meta.delimiter);
        if (other) {
          log.add(line, 1,
            `the columns are separated by ${other.name}, but this format uses ${separatorName(result.meta.delimiter)}: `
            + `export the file again with ${separatorName(result.meta.delimiter)} (a spreadsheet set to another locale writes ${other.name})`);
        }
        return;
      }
      if (cells.length !== header.length) {
        const column = Math.min(cells.length, header.length) + 1;
        log.add(line, column,
          `expected ${header.length} fields as in the header, found ${cells.length}`,
          header[column - 1]);
        return;
      }
      rows.push({ line, cells });
    },
  });
  if (header === undefined) {
    log.add(1, 1, 'the file is empty: expected a header line naming the columns');
    header = [];
  }
  return { file: log.file, header, rows };
}

/**
 * Finds columns by name in a header. Names are compared after normalisation (case, spaces,
 * brackets and units like "(MCSnorm)" vs "[MCS norm]"), because exporters rename columns
 * between versions and locales.
 */
export function normaliseColumnName(name: string): string {
  return name.toLowerCase().replace(/[\s_()[\]\-.]/g, '');
}

export class Columns {
  private readonly byName = new Map<string, number>();
  constructor(readonly header: readonly string[]) {
    header.forEach((h, i) => {
      const key = normaliseColumnName(h);
      if (!this.byName.has(key)) this.byName.set(key, i);
    });
  }

  /** Index of the first of `names` present, or -1. */
  find(...names: string[]): number {
    for (const n of names) {
      const i = this.byName.get(normaliseColumnName(n));
      if (i !== undefined) return i;
    }
    return -1;
  }

  /** Like `find`, but reports a missing column (line 1 of the file) and returns -1. */
  require(log: ProblemLog, what: string, ...names: string[]): number {
    const i = this.find(...names);
    if (i === -1) {
      log.add(1, this.header.length + 1,
        `missing column "${names[0]}" (${what}); the header has: ${this.header.join(', ') || '(nothing)'}`);
    }
    return i;
  }
}

/** Typed reads of one row's cells; a bad cell is reported with its line and column. */
export class RowReader {
  constructor(
    private readonly log: ProblemLog,
    private readonly header: readonly string[],
    private readonly row: TableRow,
    /** also accept a decimal comma ("12,5"), as Tobii exports do in many locales */
    private readonly decimalComma = false,
    /** strings that mean "no value" besides the empty string (EyeLink writes ".") */
    private readonly missing: readonly string[] = [],
  ) {}

  get line(): number {
    return this.row.line;
  }

  raw(col: number): string {
    return col < 0 ? '' : (this.row.cells[col] ?? '').trim();
  }

  isMissing(col: number): boolean {
    const v = this.raw(col);
    return v === '' || this.missing.includes(v);
  }

  problem(col: number, message: string): void {
    this.log.add(this.row.line, col + 1, message, this.header[col]);
  }

  text(col: number, what: string): string | undefined {
    if (this.isMissing(col)) {
      this.problem(col, `${what} is empty`);
      return undefined;
    }
    return this.raw(col);
  }

  optionalNumber(col: number, what: string, check?: (v: number) => string | undefined): number | undefined {
    if (col < 0 || this.isMissing(col)) return undefined;
    return this.number(col, what, check);
  }

  number(col: number, what: string, check?: (v: number) => string | undefined): number | undefined {
    if (this.isMissing(col)) {
      this.problem(col, `${what} is empty`);
      return undefined;
    }
    let s = this.raw(col);
    if (this.decimalComma && /^[+-]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
    // Number('') is 0 and Number('0x1f') is 31: accept plain decimal notation only.
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
      this.problem(col, `${what} must be a number, found "${this.raw(col)}"`);
      return undefined;
    }
    const v = Number(s);
    if (!Number.isFinite(v)) {
      this.problem(col, `${what} must be a finite number, found "${this.raw(col)}"`);
      return undefined;
    }
    const bad = check?.(v);
    if (bad !== undefined) {
      this.problem(col, `${what} ${bad}, found ${this.raw(col)}`);
      return undefined;
    }
    return v;
  }

  integer(col: number, what: string, min: number): number | undefined {
    return this.number(col, what, (v) =>
      Number.isInteger(v) && v >= min ? undefined : `must be a whole number >= ${min}`);
  }

  optionalInteger(col: number, what: string, min: number): number | undefined {
    if (col < 0 || this.isMissing(col)) return undefined;
    return this.integer(col, what, min);
  }
}
