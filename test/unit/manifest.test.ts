import { describe, expect, it } from 'vitest';
import { chooseModelFile, manifestUrlOf, parseManifest, parseManifestText } from '../../src/core/manifest';
import { contractManifest } from './manifest-fixture';
import { thrownGazecastError } from './helpers/thrown';

/** Sets a nested field by path, e.g. ['files', 1, 'sha256']. */
function withField(path: (string | number)[], value: unknown): Record<string, unknown> {
  const m = contractManifest();
  let o: any = m;
  for (const k of path.slice(0, -1)) o = o[k];
  if (value === undefined) delete o[path.at(-1)!];
  else o[path.at(-1)!] = value;
  return m;
}

describe('parseManifest', () => {
  it('accepts the manifest of MODEL_CONTRACT.md', () => {
    const m = parseManifest(contractManifest());
    expect(m.id).toBe('gazecast-mnv1-s8');
    expect(m.input).toEqual({ name: 'image', height: 288, width: 384, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(m.profile.tokens.slots.map((s) => s.key)).toEqual(['age', 'gender', 'vision']);
    expect(m.profile.embedding).toEqual({ name: 'user_embedding', dim: 16 });
    expect(m.encoder?.inputs.fixations).toBe('fixation_density');
    expect(m.files).toHaveLength(2);
  });

  it('accepts a minimal manifest (no embedding, encoder, panel or metrics)', () => {
    const m = contractManifest();
    delete m.encoder;
    delete m.panel;
    delete m.metrics;
    delete m.trainedOn;
    delete (m.profile as any).embedding;
    const parsed = parseManifest(m);
    expect(parsed.profile.embedding).toBeUndefined();
    expect(parsed.encoder).toBeUndefined();
  });

  const cases: [string, (string | number)[], unknown, RegExp][] = [
    ['schema', ['schema'], 'gazecast-model/2', /`schema`.*gazecast-model\/1/],
    ['id pattern', ['id'], 'Bad_Id', /`id`.*lowercase/],
    ['missing version', ['version'], undefined, /`version`.*missing/],
    ['empty files', ['files'], [], /`files` must be a non-empty array/],
    ['sha256', ['files', 1, 'sha256'], 'XYZ', /`files\[1\]\.sha256`.*64 lowercase hex/],
    ['bytes', ['files', 0, 'bytes'], -3, /`files\[0\]\.bytes`.*positive integer/],
    ['file path with scheme', ['files', 0, 'path'], 'https://evil.example/m.onnx', /`files\[0\]\.path`/],
    ['input.width', ['input', 'width'], 384.5, /`input\.width`/],
    ['input.std zero', ['input', 'std'], [0.5, 0, 0.5], /`input\.std\[1\]`.*positive/],
    ['input.mean length', ['input', 'mean'], [0.5, 0.5], /`input\.mean`.*3 numbers/],
    ['slot values[0]', ['profile', 'tokens', 'slots', 1, 'values'], ['female', 'male'], /`profile\.tokens\.slots\[1\]\.values\[0\]`.*"unknown"/],
    ['slot key twice', ['profile', 'tokens', 'slots', 2, 'key'], 'age', /`profile\.tokens\.slots\[2\]\.key`.*twice/],
    ['embedding.dim', ['profile', 'embedding', 'dim'], 0, /`profile\.embedding\.dim`/],
    ['output name', ['output', 'name'], '', /`output\.name`/],
    ['output finer than input', ['output', 'width'], 1000, /`output`.*finer/],
    ['encoder sha', ['encoder', 'sha256'], 'nope', /`encoder\.sha256`/],
    ['encoder inputs', ['encoder', 'inputs'], undefined, /`encoder\.inputs`/],
    ['metrics', ['metrics'], [1], /`metrics`/],
  ];
  for (const [name, path, value, message] of cases) {
    it(`names the field: ${name}`, () => {
      const e = thrownGazecastError(() => parseManifest(withField(path, value)));
      expect(e.code).toBe('manifest-invalid');
      expect(e.message).toMatch(message);
    });
  }

  it('rejects text that is not JSON, and a non-object root', () => {
    expect(thrownGazecastError(() => parseManifestText('{ nope')).code).toBe('manifest-invalid');
    expect(thrownGazecastError(() => parseManifest([])).message).toMatch(/`\(root\)`/);
  });
});

describe('chooseModelFile', () => {
  const m = parseManifest(contractManifest());
  it('defaults to int8 weights on WASM and fp16 weights on WebGPU', () => {
    expect(chooseModelFile(m, 'wasm').precision).toBe('int8-weights');
    expect(chooseModelFile(m, 'webgpu').precision).toBe('fp16-weights');
  });
  it('honours an explicit precision the model has', () => {
    expect(chooseModelFile(m, 'wasm', 'fp16-weights').path).toBe('model.w16.onnx');
    expect(chooseModelFile(m, 'webgpu', 'int8-weights').path).toBe('model.w8.onnx');
  });
  it('falls back to the backend preference when the precision is missing', () => {
    expect(chooseModelFile(m, 'webgpu', 'fp32').precision).toBe('fp16-weights');
  });
});

describe('manifestUrlOf', () => {
  it('takes a folder or the manifest itself', () => {
    expect(manifestUrlOf('/models/x', 'http://a.test/app/').href).toBe('http://a.test/models/x/manifest.json');
    expect(manifestUrlOf('/models/x/', 'http://a.test/').href).toBe('http://a.test/models/x/manifest.json');
    expect(manifestUrlOf('models/x/custom.json', 'http://a.test/app/').href).toBe('http://a.test/app/models/x/custom.json');
  });
});
