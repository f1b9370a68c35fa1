import { describe, expect, it } from 'vitest';
import { nameFromTokens, panelViewers, presetAudiences, profileFor, type Audience } from '../../src/app/audiences';
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

  it('keeps unsupported tokens and wrong-size embeddings out of the profile, and says so', () => {
    const a: Audience = { id: 'x', name: 'x', tokens: { age: '25-34', vision: 'protan', mood: 'happy' }, embedding: [1, 2], source: 'attributes', createdAt: 0 };
    const { profile, dropped } = profileFor(a, manifest);
    expect(profile.tokens).toEqual({ age: '25-34' });
    expect(profile.embedding).toBeUndefined();
    expect(dropped).toEqual(['vision=protan', 'mood=happy', 'embedding (length 2, model expects 3)']);
    const ok = profileFor({ ...a, tokens: {}, embedding: [0.1, 0.2, 0.3] }, manifest);
    expect(Array.from(ok.profile.embedding!)).toEqual([0.1, 0.2, 0.3].map(Math.fround));
  });

  it('turns the model panel (as the package modelPanel reads it) into one audience per viewer', () => {
    const list = panelViewers({
      members: [
        { observerId: 's01', embedding: [0, 1, 2], attributes: { gender: 'female', age: '33' }, viewings: 0 },
        { observerId: 's02', embedding: [0.5, 1, 2], attributes: {}, viewings: 0 },
      ],
    }, manifest);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id: 'panel-s01', name: 'Viewer s01', tokens: { gender: 'female' }, embedding: [0, 1, 2], source: 'panel' });
    expect(panelViewers(null, manifest)).toEqual([]);
  });
});
