import { describe, expect, it } from 'vitest';
import { filteredPanel, modelPanel, profileForAudience } from '../../src/client/personal-audiences';
import { parseManifest, type ModelManifest } from '../../src/core/manifest';
import { aggregatePanel } from '../../src/core/personal';

const manifest = parseManifest({
  schema: 'gazecast-model/1', id: 'm-test', version: '1.0.0', license: 'MIT',
  files: [{ path: 'model.onnx', precision: 'fp32', bytes: 1, sha256: 'a'.repeat(64) }],
  input: { name: 'image', height: 288, width: 384, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  profile: { tokens: { name: 'profile_tokens', slots: [{ key: 'age', values: ['unknown', '25-34'] }] }, embedding: { name: 'user_embedding', dim: 2 } },
  output: { name: 'log_density', height: 36, width: 48 },
  panel: 'panel.json',
}) as ModelManifest;

const fetchOf = (body: unknown, status = 200) => (async (url: RequestInfo | URL) => {
  expect(String(url)).toBe('https://example.test/models/m-test/panel.json');
  return new Response(JSON.stringify(body), { status });
}) as typeof fetch;

describe("the model's panel (panel.json)", () => {
  it('becomes a panel audience; filters aggregate the matching members', async () => {
    const panel = await modelPanel(manifest, 'https://example.test/models/m-test/manifest.json', fetchOf({
      'causality-p01': { embedding: [1, 0], attributes: { dataset: 'causality', age: '55+', gender: 'male' } },
      'causality-p05': { embedding: [0, 1], attributes: { dataset: 'causality', age: '55+', gender: 'female', group: null } },
      'osie-s02': { embedding: [0, 3], attributes: { dataset: 'osie' } },
    }));
    expect(panel.modelId).toBe('m-test');
    expect(panel.members.map((m) => m.observerId)).toEqual(['causality-p01', 'causality-p05', 'osie-s02']);
    expect(panel.members[1]!.attributes).toEqual({ dataset: 'causality', age: '55+', gender: 'female' });
    expect(profileForAudience(panel, manifest).embedding).toEqual([1 / 3, 4 / 3]);
    const women = filteredPanel(panel, 'gender=female');
    expect(aggregatePanel(women.members, women.filter).members).toEqual(['causality-p05']);
    expect(profileForAudience(women, manifest).embedding).toEqual([0, 1]);
    expect(() => filteredPanel(panel, 'age=18-24')).toThrow(/no panel member matches "age=18-24"/);
  });

  it('rejects embeddings of the wrong size, a missing panel, and audiences of another model', async () => {
    await expect(modelPanel(manifest, 'https://example.test/models/m-test/manifest.json', fetchOf({ a: { embedding: [1, 2, 3] } })))
      .rejects.toMatchObject({ code: 'manifest-invalid', message: expect.stringMatching(/"a".embedding must be 2 finite numbers/) });
    await expect(modelPanel(manifest, 'https://example.test/models/m-test/manifest.json', fetchOf({}, 404)))
      .rejects.toMatchObject({ code: 'model-fetch-failed' });
    const panel = await modelPanel(manifest, 'https://example.test/models/m-test/manifest.json', fetchOf({ a: { embedding: [1, 2] } }));
    expect(() => profileForAudience({ ...panel, modelId: 'other' }, manifest)).toThrow(/embeddings do not carry over/);
  });
});
