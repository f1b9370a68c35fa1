/**
 * Saved audiences in IndexedDB (via `idb`, a small, well-kept promise wrapper). One database per
 * origin, so nothing is shared with any other site and nothing leaves the browser.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Audience } from './audiences';
import type { Aoi } from '../core/aoi';

interface AppDb extends DBSchema {
  audiences: { key: string; value: Audience };
  /** AOIs per media name, so re-opening the same ad brings its areas back */
  aois: { key: string; value: { media: string; aois: Aoi[] } };
}

export class AudienceStore {
  private constructor(private readonly db: IDBPDatabase<AppDb>) {}

  static async open(name = 'gazecast-app'): Promise<AudienceStore> {
    const db = await openDB<AppDb>(name, 1, {
      upgrade(d) {
        d.createObjectStore('audiences', { keyPath: 'id' });
        d.createObjectStore('aois', { keyPath: 'media' });
      },
    });
    return new AudienceStore(db);
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

  close(): void {
    this.db.close();
  }
}
