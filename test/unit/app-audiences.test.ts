import { describe, expect, it } from 'vitest';
import { nameFromTokens, panelViewers, presetAudiences, usableWith, type Audience } from '../../src/app/audiences';
import { fromLegacyAudience } from '../../src/app/legacy-audiences';
import { exportAudiences, fitAudienceProfile as profileFor, parseAudienceFile } from '../../src/core/personal/audience';
import { parseManifest, type ModelManifest } from '../../src/core/manifest';

const manifest: ModelManifest = parseManifest({
  schema: 'gazecast-model/1', id: 'm', version: '1', license: 'MIT',
  files: [{ path: 'model.onnx', precision: 'fp32', bytes: 1, sha256: 'a'.repeat(64) }],
  input: { name: 'image', height: 192, width: 256, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  profile: {
    tokens: { name: 'profile_tokens', slots: [
      { key: 'age', values: ['unknown', '18-24', '25-34', '55+'] },
      { key: 'gender', values: ['unknown', 'female', 'male'] },
      { key: 'vision', values: ['unknown', 'typical', 'deutan'] },
    ] },
    embedding: { name: 'user_embedding', dim: 3 },
  },
  output: { name: 'log_density', height: 24, width: 32 },
});
const slots = manifest.profile.tokens.slots;

describe('audiences', () => {
  it('names audiences gender first, then age, then the rest', () => {
    expect(nameFromTokens({}, slots)).toBe('Everyone');
    expect(nameFromTokens({ age: '25-34', gender: 'female' }, slots)).toBe('Women, aged 25-34');
    expect(nameFromTokens({ vision: 'deutan', age: '55+' }, slots)).toBe('Aged 55+, deutan (green-weak)');
  });

  it('presets only use values the model lists (no protan here)', () => {
    const p = presetAudiences(manifest);
    expect(p.map((a) => a.name)).toEqual(['Everyone', 'Women, aged 18-24', 'Men, aged 55+', 'Deutan (green-weak)']);
  });

  it("keeps unsupported tokens out of an attribute audience's profile, and says so", () => {
    const a: Audience = { kind: 'attributes', id: 'x', name: 'x', modelId: 'other', createdAt: '', tokens: { age: '25-34', vision: 'protan', mood: 'happy' } };
    const { profile, dropped } = profileFor(a, manifest);
    expect(profile.tokens).toEqual({ age: '25-34' });
    expect(profile.embedding).toBeUndefined();
    expect(dropped).toEqual(['vision=protan', 'mood=happy']);
    expect(usableWith(a, manifest)).toBe(true); // tokens carry over to another model
  });

  it("gives a person their embedding beside the tokens their attributes fall in; refuses another model's or size's embedding", () => {
    const person: Audience = {
      kind: 'personal', id: 'p', name: 'p', modelId: 'm', createdAt: '', observerId: 's1',
      attributes: { age: '27', gender: 'Female', handedness: 'left' }, embedding: [0.1, 0.2, 0.3],
      viewings: 10, spread: 0.1, signalToNoise: 3, consistency: 'consistent',
    };
    const ok = profileFor(person, manifest);
    expect(ok.dropped).toEqual([]);
    expect(ok.profile.tokens).toEqual({ age: '25-34', gender: 'female' });
    expect(Array.from(ok.profile.embedding!)).toEqual([0.1, 0.2, 0.3]);
    const short = profileFor({ ...person, embedding: [1, 2] }, manifest);
    expect(short.profile.embedding).toBeUndefined();
    expect(short.dropped).toEqual(['embedding (length 2, model expects 3)']);
    const other = profileFor({ ...person, modelId: 'n' }, manifest);
    expect(other.profile.embedding).toBeUndefined();
    expect(other.dropped[0]).toMatch(/made by model n, not m/);
    expect(usableWith({ ...person, modelId: 'n' }, manifest)).toBe(false);
  });

  it('gives a panel the tokens all its chosen members share', () => {
    const panel: Audience = {
      kind: 'panel', id: 'q', name: 'q', modelId: 'm', createdAt: '', filter: { gender: ['female'] },
      members: [
        { observerId: 'a', embedding: [0, 0, 0], attributes: { gender: 'female', age: '30' }, viewings: 3 },
        { observerId: 'b', embedding: [1, 1, 1], attributes: { gender: 'female', age: '19' }, viewings: 3 },
        { observerId: 'c', embedding: [9, 9, 9], attributes: { gender: 'male', age: '30' }, viewings: 3 },
      ],
    };
    const { profile, dropped } = profileFor(panel, manifest);
    expect(dropped).toEqual([]);
    expect(profile.tokens).toEqual({ gender: 'female' }); // ages differ between a and b; c is filtered out
    expect(Array.from(profile.embedding!)).toEqual([0.5, 0.5, 0.5]);
  });

  it('turns the model panel (as the package modelPanel reads it) into one panel-of-one audience per viewer', () => {
    const list = panelViewers({
      kind: 'panel', id: 'm-panel', name: 'Panel of m', modelId: 'm', createdAt: '2026-01-01T00:00:00.000Z', filter: {},
      members: [
        { observerId: 's01', embedding: [0, 1, 2], attributes: { gender: 'female', age: '33' }, viewings: 0 },
        { observerId: 's 02', embedding: [0.5, 1, 2], attributes: {}, viewings: 0 },
      ],
    });
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ kind: 'panel', id: 'panel-s01', name: 'Viewer s01', modelId: 'm', filter: {} });
    expect(list[1]!.id).toBe('panel-s-02'); // a valid store id
    expect(profileFor(list[0]!, manifest).profile.tokens).toEqual({ gender: 'female', age: '25-34' });
    // the store takes them as they are (the same validation as an imported file)
    expect(parseAudienceFile(exportAudiences(list)).ok).toBe(true);
    expect(panelViewers(null)).toEqual([]);
  });

  it('moves audiences of the old app list into the package model once, valid for the store', () => {
    const moved = [
      fromLegacyAudience({ id: 'aud-1', name: ' Older viewers ', tokens: { age: '55+', vision: 'unknown' }, source: 'attributes', createdAt: 1_700_000_000_000 }, 'm'),
      fromLegacyAudience({ id: 'panel-s01', name: 'Renamed viewer', tokens: { gender: 'female' }, embedding: [0, 1, 2], source: 'panel', createdAt: 0 }, 'm'),
      fromLegacyAudience({ id: 'bad id!', name: 'x' }, 'm'),
    ];
    expect(moved[0]).toEqual({ kind: 'attributes', id: 'aud-1', name: 'Older viewers', modelId: 'm', createdAt: '2023-11-14T22:13:20.000Z', tokens: { age: '55+' } });
    expect(moved[1]).toMatchObject({ kind: 'panel', id: 'panel-s01', members: [{ observerId: 's01', embedding: [0, 1, 2], attributes: { gender: 'female' }, viewings: 0 }] });
    expect(moved[2]).toBeNull();
    const file = parseAudienceFile(exportAudiences(moved.filter((a) => a !== null)));
    expect(file.ok && file.value.map((a) => a.kind)).toEqual(['attributes', 'panel']);
  });
});
