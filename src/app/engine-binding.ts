/**
 * Binds the app to the predictor engine's public API (src/client, issue 3).
 * Until the client lands this reports that the engine is missing.
 */
import { GazecastError } from '../core/errors';
import type { AppEngine } from './engine';

export async function loadEngine(
  _modelUrl: string,
  _backend: string | null,
  _status: (text: string) => void,
): Promise<{ engine: AppEngine; panel: unknown }> {
  throw new GazecastError('backend-failed', 'The predictor engine is not built yet.');
}
