/**
 * Audiences in the app: the package's one audience model (gazecast/personal: attribute groups,
 * personal and panel audiences, kept in its IndexedDB store), plus what only the app adds — the
 * built-in presets, the model panel's viewers as panel-of-one audiences, names and labels. Only
 * slot values the loaded model lists are ever offered or sent: an audience saved against another
 * model keeps its unsupported tokens out of the profile (and says so) instead of failing every
 * prediction (fitAudienceProfile).
 */
import type { ModelManifest, ProfileSlot } from '../index';
// the audience model from gazecast/analysis (pure): a static import of gazecast/personal would pull
// its importers (papaparse) into the app's first chunk; the store is loaded on first use instead
import { audienceIdFrom, type Audience, type AttributesAudience, type PanelAudience } from '../analysis';

export type { Audience } from '../analysis';

/** What the chip says of an audience's kind: nothing for attribute groups. */
export function kindLabel(a: Audience): string {
  return a.kind === 'attributes' ? '' : a.kind;
}

/** Attribute audiences work with any model (unlisted tokens are left out); embeddings only with their own. */
export function usableWith(a: Audience, manifest: ModelManifest): boolean {
  return a.kind === 'attributes' || a.modelId === manifest.id;
}

/** Words for slot values in names and labels; unknown keys/values fall back to the raw value. */
const VALUE_WORDS: Record<string, Record<string, string>> = {
  gender: { female: 'Women', male: 'Men' },
  vision: { typical: 'typical colour vision', protan: 'protan (red-weak)', deutan: 'deutan (green-weak)', tritan: 'tritan (blue-weak)' },
};
const SLOT_LABELS: Record<string, string> = { age: 'Age', gender: 'Gender', vision: 'Colour vision' };

export function slotLabel(slot: ProfileSlot): string {
  return SLOT_LABELS[slot.key] ?? slot.key.charAt(0).toUpperCase() + slot.key.slice(1);
}

export function valueLabel(key: string, value: string): string {
  if (value === 'unknown') return 'Any';
  return VALUE_WORDS[key]?.[value] ?? value;
}

/** A readable default name from tokens, e.g. "Women, 25-34, deutan (green-weak)". */
export function nameFromTokens(tokens: Readonly<Record<string, string>>, slots: readonly ProfileSlot[]): string {
  const parts: string[] = [];
  // "Women, aged 25-34" reads better than slot order: gender first, then age, then the rest
  const rank = (k: string) => (k === 'gender' ? 0 : k === 'age' ? 1 : 2);
  for (const s of [...slots].sort((a, b) => rank(a.key) - rank(b.key))) {
    const v = tokens[s.key];
    if (!v || v === 'unknown') continue;
    parts.push(s.key === 'age' ? `aged ${v}` : valueLabel(s.key, v));
  }
  if (parts.length === 0) return 'Everyone';
  const first = parts[0]!;
  return [first.charAt(0).toUpperCase() + first.slice(1), ...parts.slice(1)].join(', ');
}

export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

const EPOCH = new Date(0).toISOString();

/** Starting audiences for a model: everyone, then contrasting groups the model can tell apart.
 *  Built in, never stored: they cannot be renamed or deleted. */
export function presetAudiences(manifest: ModelManifest): AttributesAudience[] {
  const slots = manifest.profile.tokens.slots;
  const has = (k: string, v: string) => slots.some((s) => s.key === k && s.values.includes(v));
  const preset = (id: string, name: string, tokens: Record<string, string>): AttributesAudience =>
    ({ kind: 'attributes', id, name, tokens, modelId: manifest.id, createdAt: EPOCH });
  const out: AttributesAudience[] = [preset('preset-everyone', 'Everyone', {})];
  const add = (tokens: Record<string, string>) => {
    if (Object.entries(tokens).every(([k, v]) => has(k, v))) out.push(preset(`preset-${Object.values(tokens).join('-')}`, nameFromTokens(tokens, slots), tokens));
  };
  const ages = slots.find((s) => s.key === 'age')?.values.filter((v) => v !== 'unknown') ?? [];
  if (ages.length > 0) add({ gender: 'female', age: ages[0]! });
  if (ages.length > 1) add({ gender: 'male', age: ages[ages.length - 1]! });
  add({ vision: 'deutan' });
  add({ vision: 'protan' });
  return out;
}

/** An attribute audience the user made in the editor. */
export function attributesAudience(name: string, tokens: Readonly<Record<string, string>>, manifest: ModelManifest): AttributesAudience {
  return { kind: 'attributes', id: newId('aud'), name, tokens: { ...tokens }, modelId: manifest.id, createdAt: new Date().toISOString() };
}

/** The viewers of the model's panel (read by the package's modelPanel, every embedding already
 *  checked) as audiences, one chip each: a panel of one member, so its attributes become tokens
 *  by the package's rule. The id is the panel's observer id, kept as it was before audiences
 *  moved to the package's store (a saved A/B still finds them). */
export function panelViewers(panel: PanelAudience | null): PanelAudience[] {
  if (!panel) return [];
  return panel.members.map((m) => ({
    kind: 'panel' as const, id: audienceIdFrom(`panel-${m.observerId}`), name: `Viewer ${m.observerId}`,
    modelId: panel.modelId, createdAt: panel.createdAt, members: [m], filter: {},
  }));
}
