/**
 * Personal and panel audiences from issue 6's module (imported eye-tracking studies, embedded in
 * the browser) shown as chips beside attribute audiences. Their store is the source of truth;
 * the app only reads it: on start, and whenever that module dispatches
 * `gazecast-audiences-changed` on window (after an import or a deletion).
 */
import type { ModelManifest } from '../index';
import type { Audience } from './audiences';

// The store comes from the `gazecast/personal` entry, loaded on first use: a static import would
// pull that entry (importers, papaparse) into the app's first chunk. The event's name is repeated
// here for the same reason (the package's AUDIENCES_CHANGED_EVENT; the e2e's import step covers it).
const personal = () => import('../client/personal-audiences');

export const AUDIENCES_CHANGED_EVENT = 'gazecast-audiences-changed';

export async function loadPersonalAudiences(manifest: ModelManifest): Promise<Audience[]> {
  const { openAudienceStore, audienceEmbedding } = await personal();
  const store = await openAudienceStore();
  try {
    const saved = await store.list(manifest.id);
    return saved.map((a) => ({
      id: `personal-${a.id}`,
      name: a.name,
      // embeddings carry the person or panel; attribute tokens stay 'unknown' (the model's contract)
      tokens: {},
      embedding: [...audienceEmbedding(a)],
      source: a.kind === 'panel' ? ('panel' as const) : ('personal' as const),
      createdAt: Date.parse(a.createdAt) || 0,
    }));
  } finally {
    store.close();
  }
}

/** Deletes an imported personal or panel audience (chip id `personal-<id>`) from its store; the
 *  store announces the change, so the chips are re-read like after an import. */
export async function removePersonalAudience(chipId: string): Promise<void> {
  const { openAudienceStore } = await personal();
  const store = await openAudienceStore();
  try {
    await store.remove(chipId.replace(/^personal-/, ''));
  } finally {
    store.close();
  }
}

/** Renames an imported personal or panel audience in its store (validated like an import); the
 *  store announces the change and the chips are re-read. */
export async function renamePersonalAudience(chipId: string, name: string): Promise<void> {
  const { openAudienceStore } = await personal();
  const store = await openAudienceStore();
  try {
    const a = await store.get(chipId.replace(/^personal-/, ''));
    if (a) await store.save([{ ...a, name }]);
  } finally {
    store.close();
  }
}
