/**
 * Saved audiences in IndexedDB (via `idb`, a small, well-kept promise wrapper). One database per
 * origin, so nothing is shared with any other site and nothing leaves the browser.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Audience } from './audiences';
import type { Aoi } from '../analysis';

interface AppDb extends DBSchema {
  audiences: { key: string; value: Audience };
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

  async list(): Promise<Audience[]> {
    return (await this.db.getAll('audiences')).sort((a, b) => a.createdAt - b.createdAt);
  }

  async put(a: Audience): Promise<void> {
    await this.db.put('audiences', a);
  }

  async remove(id: string): Promise<void> {
    await this.db.delete('audiences', id);
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
