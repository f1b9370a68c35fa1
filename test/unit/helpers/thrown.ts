import { expect } from 'vitest';
import { GazecastError } from '../../../src/core/errors';

/** The GazecastError `fn` throws; fails the test when it throws something else or nothing. */
export function thrownGazecastError(fn: () => unknown): GazecastError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GazecastError);
    return e as GazecastError;
  }
  throw new Error('expected an error');
}
