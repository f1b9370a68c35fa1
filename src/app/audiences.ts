/**
 * Audiences as the app shows them: a name, tokens by manifest slot, an optional embedding
 * (personal or panel viewers), and where it came from. Only slot values the loaded model lists
 * are ever offered or sent: an audience saved against another model keeps its unsupported
 * tokens out of the profile (and says so) instead of failing every prediction.
 */
import type { ModelManifest, ProfileSlot } from '../index';
import type { Profile } from '../index';
import type { PanelAudience } from '../client/personal-audiences';

export type AudienceSource = 'preset' | 'attributes' | 'panel' | 'personal';

export interface Audience {
  readonly id: string;
  readonly name: string;
  readonly tokens: Readonly<Record<string, string>>;
  readonly embedding?: readonly number[];
  readonly source: AudienceSource;
  /** ms since epoch, for ordering the chips */
  readonly createdAt: number;
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

/** Keeps only the tokens the model supports; returns what was dropped so the UI can say so. */
export function profileFor(a: Audience, manifest: ModelManifest): { profile: Profile; dropped: string[] } {
  const tokens: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(a.tokens)) {
    const slot = manifest.profile.tokens.slots.find((s) => s.key === k);
    if (!slot || !slot.values.includes(v)) dropped.push(`${k}=${v}`);
    else if (v !== 'unknown') tokens[k] = v;
  }
  const dim = manifest.profile.embedding?.dim;
  const emb = a.embedding && dim === a.embedding.length ? a.embedding : undefined;
  if (a.embedding && !emb) dropped.push(`embedding (length ${a.embedding.length}, model expects ${dim ?? 'none'})`);
  return { profile: { tokens, ...(emb ? { embedding: Float32Array.from(emb) } : {}) }, dropped };
}

export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Starting audiences for a model: everyone, then contrasting groups the model can tell apart. */
export function presetAudiences(manifest: ModelManifest): Audience[] {
  const slots = manifest.profile.tokens.slots;
  const has = (k: string, v: string) => slots.some((s) => s.key === k && s.values.includes(v));
  const out: Audience[] = [{ id: 'preset-everyone', name: 'Everyone', tokens: {}, source: 'preset', createdAt: 0 }];
  const add = (tokens: Record<string, string>) => {
    if (Object.entries(tokens).every(([k, v]) => has(k, v))) {
      out.push({ id: `preset-${Object.values(tokens).join('-')}`, name: nameFromTokens(tokens, slots), tokens, source: 'preset', createdAt: out.length });
    }
  };
  const ages = slots.find((s) => s.key === 'age')?.values.filter((v) => v !== 'unknown') ?? [];
  if (ages.length > 0) add({ gender: 'female', age: ages[0]! });
  if (ages.length > 1) add({ gender: 'male', age: ages[ages.length - 1]! });
  add({ vision: 'deutan' });
  add({ vision: 'protan' });
  return out;
}

/** The viewers of the model's panel (read by the package's modelPanel, every embedding already
 *  checked) as audiences, one chip each; attributes become tokens where the model lists the value. */
export function panelViewers(panel: Pick<PanelAudience, 'members'> | null, manifest: ModelManifest): Audience[] {
  if (!panel) return [];
  return panel.members.map((m) => {
    const tokens: Record<string, string> = {};
    for (const s of manifest.profile.tokens.slots) {
      const a = m.attributes[s.key];
      if (typeof a === 'string' && s.values.includes(a)) tokens[s.key] = a;
    }
    return { id: `panel-${m.observerId}`, name: `Viewer ${m.observerId}`, tokens, embedding: [...m.embedding], source: 'panel' as const, createdAt: 0 };
  });
}
