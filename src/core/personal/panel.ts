/**
 * Panels: viewers with attributes (from observers.csv, or a model's panel.json) and embeddings.
 * A panel becomes audiences — all of it, or the members matching an attribute filter such as
 * "gender=female; age=25-34" — whose embedding is the mean of its members' embeddings.
 */
import { GazecastError } from '../errors';
import { summariseEmbeddings, type EmbeddingSummary } from './embedding-stats';

export interface PanelMember {
  readonly observerId: string;
  readonly embedding: readonly number[];
  /** e.g. { age: '27', gender: 'female' }; an age may be years or a band like '25-34' */
  readonly attributes: Readonly<Record<string, string>>;
  /** viewings behind the member's embedding (0 when unknown, e.g. from a model's panel.json) */
  readonly viewings: number;
}

/** Attribute key → accepted values (any of them). */
export type AttributeFilter = Readonly<Record<string, readonly string[]>>;

/**
 * "gender=female; age=25-34,35-44" → { gender: ['female'], age: ['25-34', '35-44'] }.
 * The same `key=value; key=value` syntax as the widget's `profile` attribute.
 */
export function parseAttributeFilter(text: string): AttributeFilter {
  const out: Record<string, string[]> = {};
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*([^=]+?)\s*$/.exec(part);
    if (!m) {
      throw new GazecastError('unsupported-profile', `cannot read "${part.trim()}" in the filter "${text}": write key=value; key=value (e.g. gender=female; age=25-34)`);
    }
    out[m[1]!.toLowerCase()] = m[2]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
  }
  return out;
}

export function formatAttributeFilter(filter: AttributeFilter): string {
  return Object.entries(filter).map(([k, vs]) => `${k}=${vs.join(',')}`).join('; ');
}

/** Does an age ("27", or a band "25-34" / "55+") fall within a wanted band or equal it? */
function ageMatches(age: string, wanted: string): boolean {
  if (age === wanted) return true;
  const years = /^\d+(\.\d+)?$/.test(age) ? Number(age) : undefined;
  if (years === undefined) return false;
  const band = /^(\d+)-(\d+)$/.exec(wanted);
  if (band) return years >= Number(band[1]) && years < Number(band[2]) + 1;
  const open = /^(\d+)\+$/.exec(wanted);
  return open !== null && years >= Number(open[1]);
}

export function matchesFilter(attributes: Readonly<Record<string, string>>, filter: AttributeFilter): boolean {
  return Object.entries(filter).every(([key, wanted]) => {
    const have = attributes[key];
    if (have === undefined || have === '') return false; // unknown never matches a filter
    return wanted.some((w) => (key === 'age' ? ageMatches(have, w) : have.toLowerCase() === w.toLowerCase()));
  });
}

export interface PanelAggregate extends EmbeddingSummary {
  readonly members: readonly string[];
}

/**
 * The audience of the members matching `filter` (all when empty): mean embedding, with the
 * spread across members. An empty selection is an error naming what the panel does have.
 */
export function aggregatePanel(members: readonly PanelMember[], filter: AttributeFilter = {}): PanelAggregate {
  const chosen = members.filter((m) => matchesFilter(m.attributes, filter));
  if (chosen.length === 0) {
    const keys = [...new Set(members.flatMap((m) => Object.keys(m.attributes)))];
    const described = keys.map((k) => `${k}: ${[...new Set(members.map((m) => m.attributes[k]).filter((v) => v))].slice(0, 12).join(', ')}`);
    throw new GazecastError('unsupported-profile',
      `no panel member matches "${formatAttributeFilter(filter)}" (of ${members.length}); the panel has ${described.join('; ') || 'no attributes'}`);
  }
  return { ...summariseEmbeddings(chosen.map((m) => m.embedding)), members: chosen.map((m) => m.observerId) };
}
