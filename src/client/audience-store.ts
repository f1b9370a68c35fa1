/**
 * Personal and panel audiences kept in IndexedDB (through `idb`, a small, well-kept promise
 * wrapper: raw IndexedDB's request/event API makes atomic multi-record writes easy to get wrong).
 *
 * What is stored is embeddings and attributes only (src/core/personal/audience.ts), never raw
 * gaze. Every write validates first and then happens in one transaction, so a malformed file or
 * a bad audience changes nothing already saved.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { GazecastError } from '../core/errors';
import { formatProblems, ImportInvalidError } from '../core/import/problems';
import type { ImportResult } from '../core/import/types';
import { cleanAudience, exportAudiences, parseAudienceFile, type Audience } from '../core/personal/audience';

interface AudienceDb extends DBSchema {
  audiences: { key: string; value: Audience; indexes: { modelId: string } };
}

export type ConflictPolicy = 'replace' | 'keep-both' | 'reject';

/** Dispatched on `window` after audiences were saved, imported or removed (the app re-reads them). */
export const AUDIENCES_CHANGED_EVENT = 'gazecast-audiences-changed';

function announceChange(): void {
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(AUDIENCES_CHANGED_EVENT));
}

export interface AudienceStore {
  /** saved audiences, oldest first; only those of `modelId` when given */
  list(modelId?: string): Promise<Audience[]>;
  get(id: string): Promise<Audience | undefined>;
  /** validates, then saves all of them in one transaction (all or none) */
  save(audiences: readonly Audience[]): Promise<void>;
  remove(id: string): Promise<void>;
  /** the shareable JSON (`gazecast-audiences/1`) of the given audiences, or of all */
  exportJson(ids?: readonly string[]): Promise<string>;
  /**
   * Reads a shared JSON file and saves its audiences. A malformed file saves nothing and comes
   * back as problems with line and column. Ids already saved are replaced, renamed
   * ('keep-both', the default) or make the whole import fail ('reject').
   */
  importJson(text: string, options?: { onConflict?: ConflictPolicy; file?: string }): Promise<ImportResult<Audience[]>>;
  close(): void;
}

/** Validates an audience exactly as an imported file would be validated. */
function validated(audiences: readonly Audience[]): Audience[] {
  const parsed = parseAudienceFile(exportAudiences(audiences), 'audience');
  if (!parsed.ok) throw new ImportInvalidError(parsed.problems);
  return parsed.value;
}

export async function openAudienceStore(name = 'gazecast-audiences'): Promise<AudienceStore> {
  let db: IDBPDatabase<AudienceDb>;
  try {
    db = await openDB<AudienceDb>(name, 1, {
      upgrade(d) {
        const store = d.createObjectStore('audiences', { keyPath: 'id' });
        store.createIndex('modelId', 'modelId');
      },
    });
  } catch (e) {
    throw new GazecastError('backend-failed', `IndexedDB is not available (private browsing or storage disabled?), so audiences cannot be saved: ${String(e)}`, { cause: e });
  }

  const writeAll = async (audiences: readonly Audience[]): Promise<void> => {
    const tx = db.transaction('audiences', 'readwrite');
    // A failed put aborts the transaction, so either every audience is written or none.
    await Promise.all([...audiences.map((a) => tx.store.put(cleanAudience(a))), tx.done]);
    announceChange();
  };

  const list = async (modelId?: string): Promise<Audience[]> => {
    const all = modelId === undefined ? await db.getAll('audiences') : await db.getAllFromIndex('audiences', 'modelId', modelId);
    return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  };

  return {
    list,
    get: (id) => db.get('audiences', id),
    save: async (audiences) => writeAll(validated(audiences)),
    async remove(id) {
      await db.delete('audiences', id);
      announceChange();
    },
    async exportJson(ids) {
      const all = await list();
      const chosen = ids === undefined ? all : all.filter((a) => ids.includes(a.id));
      return exportAudiences(chosen);
    },
    async importJson(text, options = {}) {
      const parsed = parseAudienceFile(text, options.file);
      if (!parsed.ok) return parsed;
      const policy = options.onConflict ?? 'keep-both';
      const existing = new Set((await db.getAllKeys('audiences')).map(String));
      const clashes = parsed.value.filter((a) => existing.has(a.id));
      if (clashes.length > 0 && policy === 'reject') {
        return {
          ok: false,
          problems: clashes.map((a) => ({
            file: options.file ?? 'audiences.json', line: 1, column: 1,
            message: `an audience with id "${a.id}" is already saved; import with onConflict 'replace' or 'keep-both'`,
          })),
        };
      }
      const incoming = policy === 'replace' ? parsed.value : parsed.value.map((a) => {
        if (!existing.has(a.id)) return a;
        let n = 2;
        while (existing.has(`${a.id}-${n}`)) n++;
        existing.add(`${a.id}-${n}`);
        return { ...a, id: `${a.id}-${n}` };
      });
      await writeAll(incoming);
      return { ok: true, value: incoming, warnings: parsed.warnings };
    },
    close: () => db.close(),
  };
}

export { formatProblems };
