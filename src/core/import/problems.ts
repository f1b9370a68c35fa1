import { GazecastError } from '../errors';
import type { ImportProblem } from './types';

/** "fixations.csv line 12, column 5 (x): x must be a number, found "abc"", one per line. */
export function formatProblems(problems: readonly ImportProblem[], max = 20): string {
  const lines = problems.slice(0, max).map((p) =>
    `${p.file} line ${p.line}, column ${p.column}${p.columnName ? ` (${p.columnName})` : ''}: ${p.message}`);
  if (problems.length > max) lines.push(`…and ${problems.length - max} more`);
  return lines.join('\n');
}

/** The error library callers get for a rejected import; `problems` keeps every location. */
export class ImportInvalidError extends GazecastError {
  constructor(readonly problems: readonly ImportProblem[]) {
    super('import-invalid', `the import was rejected, nothing was saved:\n${formatProblems(problems)}`);
  }
}

export function importError(problems: readonly ImportProblem[]): ImportInvalidError {
  return new ImportInvalidError(problems);
}
