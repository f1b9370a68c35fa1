/**
 * The app's own work in IndexedDB (via `idb`, a small, well-kept promise wrapper): areas of
 * interest per file and the last session. Audiences are not here: they live in the package's
 * audience store (gazecast/personal, `gazecast-audiences`), like every user's of the package.
 * One database per origin, so nothing is shared with any other site and nothing leaves the browser.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { LegacyAudience } from './legacy-audiences';
import type { Aoi } from '../analysis';

interface AppDb extends DBSchema {
  /** audiences saved before they moved to the package's store: read once, moved, then emptied */
  audiences: { key: string; value: LegacyAudience };
  /** AOIs per media name, so re-opening the same ad brings its areas back */
  aois: { key: string; value: { media: string; aois: Aoi[] } };
  /** the work on screen, so a reload (or "Update now") comes back to it: see LastSession */
  session: { key: string; value: { key: string; value: unknown } };
}

/** What the app restores after a reload. */
export interface LastSession {
  /** the file on screen: a bundled sample by name, or the user's own file (kept in this browser only) */
  readonly media?: { readonly name: string; readonly sample: true } | { readonly name: string; readonly blob: Blob };
  /** audiences A and B and the view */
  readonly aId?: string;
  readonly bId?: string | null;
  readonly mode?: 'single' | 'compare' | 'difference';
}

export class WorkStore {
  private constructor(private readonly db: IDBPDatabase<AppDb>) {}

  static async open(name = 'gazecast-app'): Promise<WorkStore> {
    const db = await openDB<AppDb>(name, 2, {
      upgrade(d, oldVersion) {
        if (oldVersion < 1) {
          d.createObjectStore('audiences', { keyPath: 'id' });
          d.createObjectStore('aois', { keyPath: 'media' });
        }
        if (oldVersion < 2) d.createObjectStore('session', { keyPath: 'key' });
      },
    });
    return new WorkStore(db);
  }

  /** Audiences this app saved before the package's store held them (see legacy-audiences.ts). */
  async legacyAudiences(): Promise<LegacyAudience[]> {
    return this.db.getAll('audiences');
  }

  /** Empties the old audience list, once its audiences are safely in the package's store. */
  async clearLegacyAudiences(): Promise<void> {
    await this.db.clear('audiences');
  }

  async aoisFor(media: string): Promise<Aoi[]> {
    return (await this.db.get('aois', media))?.aois ?? [];
  }

  async saveAois(media: string, aois: readonly Aoi[]): Promise<void> {
    await this.db.put('aois', { media, aois: [...aois] });
  }

  async lastSession(): Promise<LastSession> {
    return ((await this.db.get('session', 'last'))?.value as LastSession | undefined) ?? {};
  }

  /** Merges `part` into the saved session (one record, replaced as a whole). */
  async saveSession(part: Partial<LastSession>): Promise<void> {
    const tx = this.db.transaction('session', 'readwrite');
    const prev = ((await tx.store.get('last'))?.value as LastSession | undefined) ?? {};
    await tx.store.put({ key: 'last', value: { ...prev, ...part } });
    await tx.done;
  }

  close(): void {
    this.db.close();
  }
}
