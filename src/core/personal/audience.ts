/**
 * Audiences — attribute groups, personal and panel audiences — and their shareable JSON form
 * (`gazecast-audiences/1`). One model for every kind: the app's chips, the store and the files.
 *
 * An audience holds embeddings and attributes only — never raw gaze: the importers' fixations are
 * used to compute embeddings and then dropped. The JSON reader builds new objects from the known
 * fields, so a file carrying anything else (fixations included) cannot smuggle it into storage.
 */
import { locateJsonValues, positionAt, syntaxErrorPosition } from '../import/json-locate';
import type { ImportProblem, ImportResult } from '../import/types';
import type { ModelManifest } from '../manifest';
import type { Profile } from '../prediction-types';
import type { Consistency } from './embedding-stats';
import type { HoldOutComparison } from './holdout-metrics';
import { aggregatePanel, matchesFilter, type AttributeFilter, type PanelMember } from './panel';

export const AUDIENCES_SCHEMA = 'gazecast-audiences/1';

interface AudienceBase {
  /** unique within a store, [A-Za-z0-9._-] */
  readonly id: string;
  readonly name: string;
  /** the model it was made with (manifest `id`): embeddings only mean something to that model;
   *  an attribute audience's tokens carry over to any model that lists the same values */
  readonly modelId: string;
  readonly createdAt: string;
}

/**
 * A group described by the model's profile tokens, e.g. women aged 25-34 with deutan colour
 * vision: no embedding. Tokens a model does not list are left out when predicting, and said so
 * (fitAudienceProfile), so a saved group still works with another model.
 */
export interface AttributesAudience extends AudienceBase {
  readonly kind: 'attributes';
  /** manifest slot key → value, e.g. { gender: 'female', age: '25-34' }; 'unknown' is never kept */
  readonly tokens: Readonly<Record<string, string>>;
}

/** One person, embedded from their own viewings. */
export interface PersonalAudience extends AudienceBase {
  readonly kind: 'personal';
  readonly observerId: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly embedding: readonly number[];
  /** how many viewings back the embedding, and how much their embeddings disagree */
  readonly viewings: number;
  readonly spread: number;
  readonly signalToNoise: number;
  readonly consistency: Consistency;
  /** leave-some-out check of this person's held-back viewings, when it was run */
  readonly evaluation?: HoldOutComparison;
}

/** A panel, or the part of it matching `filter` (all members when the filter is empty). */
export interface PanelAudience extends AudienceBase {
  readonly kind: 'panel';
  readonly members: readonly PanelMember[];
  readonly filter: AttributeFilter;
}

/** The audiences that carry an embedding (a person, or the mean of a panel's members). */
export type EmbeddedAudience = PersonalAudience | PanelAudience;

export type Audience = AttributesAudience | EmbeddedAudience;

/** The embedding an audience predicts with. */
export function audienceEmbedding(a: EmbeddedAudience): readonly number[] {
  return a.kind === 'personal' ? a.embedding : aggregatePanel(a.members, a.filter).embedding;
}

/** The slot value (not 'unknown') a viewer's attribute falls in: exact for most slots, case
 *  aside; an age in years falls in its band ("27" → "25-34"). Undefined when none or several fit. */
function slotValue(attributes: Readonly<Record<string, string>>, key: string, values: readonly string[]): string | undefined {
  const fits = values.filter((v) => v !== 'unknown' && matchesFilter(attributes, { [key]: [v] }));
  return fits.length === 1 ? fits[0] : undefined;
}

/** The tokens of the model's slots that a viewer's attributes give, e.g. { age: '27', gender:
 *  'F', handedness: 'left' } → { age: '25-34' } when the model lists 25-34 and female/male. */
export function attributeTokens(attributes: Readonly<Record<string, string>>, manifest: Pick<ModelManifest, 'profile'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of manifest.profile.tokens.slots) {
    const v = slotValue(attributes, s.key, s.values);
    if (v !== undefined) out[s.key] = v;
  }
  return out;
}

/** A profile for a model, and what of the audience that model cannot use (to tell the user). */
export interface FittedProfile {
  readonly profile: Profile;
  /** e.g. "vision=protan", "embedding (made by model x)": left out of `profile` */
  readonly dropped: readonly string[];
}

/**
 * The profile an audience predicts with on a model — the one rule for every kind:
 * - attribute audiences: their tokens, those the model does not list left out (and named);
 * - personal and panel audiences: their embedding, with the viewer's attributes as tokens where
 *   they fall in one of the model's values (for a panel, where all its chosen members agree). The
 *   model learnt each training viewer's embedding next to that viewer's tokens (training/
 *   gazecast_train/train.py), so an embedding is read best beside them. An embedding made by
 *   another model, or of another length, is left out (and named): it means nothing to this one.
 */
export function fitAudienceProfile(a: Audience, manifest: Pick<ModelManifest, 'id' | 'profile'>): FittedProfile {
  const dropped: string[] = [];
  if (a.kind === 'attributes') {
    const tokens: Record<string, string> = {};
    for (const [k, v] of Object.entries(a.tokens)) {
      const slot = manifest.profile.tokens.slots.find((s) => s.key === k);
      if (!slot || !slot.values.includes(v)) dropped.push(`${k}=${v}`);
      else if (v !== 'unknown') tokens[k] = v;
    }
    return { profile: { tokens }, dropped };
  }
  let tokens: Record<string, string>;
  if (a.kind === 'personal') tokens = attributeTokens(a.attributes, manifest);
  else {
    const chosen = a.members.filter((m) => matchesFilter(m.attributes, a.filter));
    const each = chosen.map((m) => attributeTokens(m.attributes, manifest));
    tokens = Object.fromEntries(Object.entries(each[0] ?? {}).filter(([k, v]) => each.every((t) => t[k] === v)));
  }
  const dim = manifest.profile.embedding?.dim;
  const embedding = audienceEmbedding(a);
  if (a.modelId !== manifest.id) dropped.push(`embedding (made by model ${a.modelId}, not ${manifest.id}: re-import the recordings with this model)`);
  else if (dim !== embedding.length) dropped.push(`embedding (length ${embedding.length}, model expects ${dim ?? 'none'})`);
  return { profile: { tokens, ...(dropped.length === 0 ? { embedding: [...embedding] } : {}) }, dropped };
}

export interface AudienceFile {
  readonly schema: typeof AUDIENCES_SCHEMA;
  readonly exportedAt: string;
  readonly audiences: readonly Audience[];
}

export function exportAudiences(audiences: readonly Audience[], now = new Date()): string {
  const file: AudienceFile = { schema: AUDIENCES_SCHEMA, exportedAt: now.toISOString(), audiences: audiences.map(cleanAudience) };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Only the known fields, so nothing else (raw gaze included) is ever written out or kept. */
export function cleanAudience(a: Audience): Audience {
  const base = { id: a.id, name: a.name, modelId: a.modelId, createdAt: a.createdAt };
  if (a.kind === 'attributes') {
    return { ...base, kind: 'attributes', tokens: Object.fromEntries(Object.entries(a.tokens).filter(([, v]) => v !== 'unknown')) };
  }
  if (a.kind === 'panel') {
    return {
      ...base, kind: 'panel', filter: a.filter,
      members: a.members.map((m) => ({ observerId: m.observerId, embedding: [...m.embedding], attributes: { ...m.attributes }, viewings: m.viewings })),
    };
  }
  return {
    ...base, kind: 'personal', observerId: a.observerId, attributes: { ...a.attributes }, embedding: [...a.embedding],
    viewings: a.viewings, spread: a.spread, signalToNoise: a.signalToNoise, consistency: a.consistency,
    ...(a.evaluation ? { evaluation: a.evaluation } : {}),
  };
}

/** What an audience id may be: unique within a store, [A-Za-z0-9._-], at most 128 characters. */
export const AUDIENCE_ID = /^[A-Za-z0-9._-]{1,128}$/;
const ID = AUDIENCE_ID;

/** A safe audience id from a name or observer id: runs of other characters become "-" (accents
 *  dropped), at most 100 characters; a text with nothing usable gets a time-based id. */
export function audienceIdFrom(text: string): string {
  const id = text.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return id || `audience-${Date.now()}`;
}
const CONSISTENCY = new Set<Consistency>(['single', 'consistent', 'mixed', 'inconsistent']);

/**
 * Reads an exported audience file. Every problem comes with the line and column of the value at
 * fault; any problem rejects the whole file.
 */
export function parseAudienceFile(text: string, file = 'audiences.json'): ImportResult<Audience[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const at = syntaxErrorPosition(text, e);
    return { ok: false, problems: [{ file, ...at, message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  const where = locateJsonValues(text);
  const problems: ImportProblem[] = [];
  const report = (path: string, message: string): void => {
    // The value itself, else the closest enclosing one that exists.
    let p = path;
    while (!where.has(p) && p !== '') p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    problems.push({ file, ...positionAt(text, where.get(p) ?? 0), message: `${path || '(root)'}: ${message}` });
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const str = (o: Record<string, unknown>, k: string, path: string, re?: RegExp): string => {
    const v = o[k];
    if (typeof v !== 'string' || v === '' || (re && !re.test(v))) {
      report(`${path}/${k}`, `must be ${re ? `text matching ${re}` : 'non-empty text'}, found ${JSON.stringify(v)}`);
      return '';
    }
    return v;
  };
  const num = (o: Record<string, unknown>, k: string, path: string, min = Number.NEGATIVE_INFINITY): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      report(`${path}/${k}`, `must be a finite number${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}, found ${JSON.stringify(v)}`);
      return 0;
    }
    return v;
  };
  const vector = (o: Record<string, unknown>, k: string, path: string): number[] => {
    const v = o[k];
    if (!Array.isArray(v) || v.length === 0) {
      report(`${path}/${k}`, 'must be a non-empty array of numbers');
      return [];
    }
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) report(`${path}/${k}/${i}`, `must be a finite number, found ${JSON.stringify(x)}`);
    });
    return v.map(Number);
  };
  const attributes = (o: Record<string, unknown>, k: string, path: string): Record<string, string> => {
    const v = o[k] ?? {};
    if (!isObj(v)) {
      report(`${path}/${k}`, 'must be an object of text values');
      return {};
    }
    const out: Record<string, string> = {};
    for (const [ak, av] of Object.entries(v)) {
      if (typeof av !== 'string') report(`${path}/${k}/${ak}`, `must be text, found ${JSON.stringify(av)}`);
      else out[ak] = av;
    }
    return out;
  };

  if (!isObj(json)) {
    report('', 'must be an object with "schema" and "audiences"');
    return { ok: false, problems };
  }
  if (json.schema !== AUDIENCES_SCHEMA) report('schema', `must be "${AUDIENCES_SCHEMA}", found ${JSON.stringify(json.schema)}`);
  if (!Array.isArray(json.audiences)) {
    report('audiences', 'must be an array');
    return { ok: false, problems };
  }
  const audiences: Audience[] = [];
  const ids = new Set<string>();
  json.audiences.forEach((raw: unknown, k: number) => {
    const path = `audiences/${k}`;
    if (!isObj(raw)) {
      report(path, 'must be an object');
      return;
    }
    const base = {
      id: str(raw, 'id', path, ID), name: str(raw, 'name', path), modelId: str(raw, 'modelId', path),
      createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : new Date(0).toISOString(),
    };
    if (ids.has(base.id)) report(`${path}/id`, `"${base.id}" is used by an earlier audience`);
    ids.add(base.id);
    if (raw.kind === 'attributes') {
      const tokens = attributes(raw, 'tokens', path);
      for (const [tk, tv] of Object.entries(tokens)) {
        if (!/^[A-Za-z_][\w-]*$/.test(tk) || tv === '') report(`${path}/tokens/${tk}`, 'must be a slot key (letters, digits, _ or -) with a non-empty value');
      }
      audiences.push({ ...base, kind: 'attributes', tokens: Object.fromEntries(Object.entries(tokens).filter(([, v]) => v !== 'unknown')) });
    } else if (raw.kind === 'personal') {
      const consistency = raw.consistency as Consistency;
      if (!CONSISTENCY.has(consistency)) report(`${path}/consistency`, `must be one of ${[...CONSISTENCY].join(', ')}`);
      audiences.push({
        ...base, kind: 'personal', observerId: str(raw, 'observerId', path), attributes: attributes(raw, 'attributes', path),
        embedding: vector(raw, 'embedding', path), viewings: num(raw, 'viewings', path, 1), spread: num(raw, 'spread', path, 0),
        // JSON has no Infinity: a perfectly consistent audience is written with null.
        signalToNoise: raw.signalToNoise === null ? Number.POSITIVE_INFINITY : num(raw, 'signalToNoise', path, 0),
        consistency,
        ...(isObj(raw.evaluation) ? { evaluation: readEvaluation(raw.evaluation, `${path}/evaluation`, report) } : {}),
      });
    } else if (raw.kind === 'panel') {
      const members: PanelMember[] = [];
      if (!Array.isArray(raw.members) || raw.members.length === 0) report(`${path}/members`, 'must be a non-empty array');
      else {
        raw.members.forEach((m: unknown, j: number) => {
          const mp = `${path}/members/${j}`;
          if (!isObj(m)) return report(mp, 'must be an object');
          members.push({
            observerId: str(m, 'observerId', mp), embedding: vector(m, 'embedding', mp),
            attributes: attributes(m, 'attributes', mp), viewings: num(m, 'viewings', mp, 0),
          });
        });
      }
      const filter: Record<string, string[]> = {};
      const f = raw.filter ?? {};
      if (!isObj(f)) report(`${path}/filter`, 'must be an object of attribute → accepted values');
      else {
        for (const [fk, fv] of Object.entries(f)) {
          if (!Array.isArray(fv) || !fv.every((x) => typeof x === 'string')) report(`${path}/filter/${fk}`, 'must be an array of text');
          else filter[fk] = fv as string[];
        }
      }
      const dims = new Set(members.map((m) => m.embedding.length));
      if (dims.size > 1) report(`${path}/members`, `members' embeddings differ in length (${[...dims].join(', ')})`);
      audiences.push({ ...base, kind: 'panel', members, filter });
    } else {
      report(`${path}/kind`, `must be "attributes", "personal" or "panel", found ${JSON.stringify(raw.kind)}`);
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: audiences, warnings: [] };
}

function readEvaluation(e: Record<string, unknown>, path: string, report: (path: string, message: string) => void): HoldOutComparison {
  const n = (v: unknown, k: string): number => {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    report(`${path}/${k}`, `must be a finite number, found ${JSON.stringify(v)}`);
    return 0;
  };
  const pair = (v: unknown, k: string): { logLikelihood: number; nss: number } => {
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    return { logLikelihood: n(o.logLikelihood, `${k}/logLikelihood`), nss: n(o.nss, `${k}/nss`) };
  };
  const verdict = e.verdict;
  if (verdict !== 'helps' && verdict !== 'hurts' && verdict !== 'no-clear-difference') {
    report(`${path}/verdict`, 'must be "helps", "hurts" or "no-clear-difference"');
  }
  return {
    viewings: n(e.viewings, 'viewings'), fixations: n(e.fixations, 'fixations'),
    personal: pair(e.personal, 'personal'), population: pair(e.population, 'population'), gain: pair(e.gain, 'gain'),
    gainStandardError: n(e.gainStandardError, 'gainStandardError'), viewingsImproved: n(e.viewingsImproved, 'viewingsImproved'),
    verdict: verdict as HoldOutComparison['verdict'],
  };
}
