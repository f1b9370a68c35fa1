/**
 * The one-time move of audiences this app kept in its own database (`gazecast-app`, before the
 * package's store held every kind) into the package's store: saved attribute groups, and model
 * panel viewers saved by a rename. Read, converted, saved in one transaction, and only then
 * deleted from the old list, so an interrupted move is simply done again on the next start.
 */
import { AUDIENCE_ID, type AttributesAudience, type PanelAudience } from '../analysis';

/** A record of the old list, as it was written (ms timestamps, `source`, optional embedding). */
export interface LegacyAudience {
  readonly id: string;
  readonly name: string;
  readonly tokens?: Readonly<Record<string, string>>;
  readonly embedding?: readonly number[];
  readonly source?: string;
  readonly createdAt?: number;
}

/**
 * The package's audience for an old record, made with `modelId` (the model loaded now: the old
 * list named none). An attribute group stays one; a panel viewer with an embedding becomes a panel
 * of one member whose attributes are its tokens. Records that cannot be read come back as null
 * (and are dropped: they could not have been shown either).
 */
export function fromLegacyAudience(r: LegacyAudience, modelId: string): AttributesAudience | PanelAudience | null {
  if (typeof r?.id !== 'string' || !AUDIENCE_ID.test(r.id) || typeof r.name !== 'string' || r.name.trim() === '') return null;
  const createdAt = new Date(Number.isFinite(r.createdAt) ? r.createdAt! : 0).toISOString();
  const tokens = Object.fromEntries(Object.entries(r.tokens ?? {}).filter(([, v]) => typeof v === 'string' && v !== '' && v !== 'unknown'));
  const base = { id: r.id, name: r.name.trim(), modelId, createdAt };
  if (r.source === 'panel' && Array.isArray(r.embedding) && r.embedding.length > 0 && r.embedding.every(Number.isFinite)) {
    const observerId = r.id.replace(/^panel-/, '');
    return { ...base, kind: 'panel', members: [{ observerId, embedding: [...r.embedding], attributes: tokens, viewings: 0 }], filter: {} };
  }
  return { ...base, kind: 'attributes', tokens };
}
