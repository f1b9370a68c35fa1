/**
 * The contract's optional `output.features` and `scanpath` sections, the bounds on a manifest's
 * numbers, and model file paths that must stay inside the model folder on the page's origin.
 */
import { describe, expect, it } from 'vitest';
import { parseManifest, resolveModelFile, type ScanpathSpec } from '../../src/core/manifest';
import { contractManifest } from './manifest-fixture';
import { thrownGazecastError } from './helpers/thrown';

/** The contract's manifest with the scanpath section exactly as MODEL_CONTRACT.md shows it. */
function withScanpath(change: (m: any) => void = () => {}): Record<string, any> {
  const m: any = contractManifest();
  m.scanpath = {
    path: 'scanpath.onnx',
    sha256: 'd'.repeat(64),
    bytes: 123,
    history: 4,
    inputs: { image: 'image', tokens: 'profile_tokens', embedding: 'user_embedding', history: 'history' },
    outputs: { density: 'next_log_density', duration: 'next_log_duration' },
    timing: { startMs: 300, saccadeMs: 40 },
  };
  change(m);
  return m;
}

function invalid(m: unknown): string {
  const e = thrownGazecastError(() => parseManifest(m));
  expect(e.code).toBe('manifest-invalid');
  return e.message;
}

describe('manifest: scanpath and output.features', () => {
  it('parses the scanpath section of the contract', () => {
    const s: ScanpathSpec | undefined = parseManifest(withScanpath()).scanpath;
    expect(s).toEqual({
      path: 'scanpath.onnx',
      sha256: 'd'.repeat(64),
      bytes: 123,
      history: 4,
      inputs: { image: 'image', tokens: 'profile_tokens', embedding: 'user_embedding', history: 'history' },
      outputs: { density: 'next_log_density', duration: 'next_log_duration' },
      timing: { startMs: 300, saccadeMs: 40 },
    });
    expect(parseManifest(contractManifest()).scanpath).toBeUndefined();
  });

  it('takes features from the main graph when output.features names them', () => {
    const m = parseManifest(
      withScanpath((m) => {
        m.output.features = 'features';
        m.scanpath.inputs = { features: 'features', tokens: 't', embedding: 'e', history: 'h' };
        delete m.scanpath.outputs.duration;
        delete m.scanpath.timing;
      }),
    );
    expect(m.output.features).toBe('features');
    expect(m.scanpath?.inputs.features).toBe('features');
    expect(m.scanpath?.inputs.image).toBeUndefined();
    expect(m.scanpath?.outputs).toEqual({ density: 'next_log_density' });
    expect(m.scanpath?.timing).toBeUndefined();
    expect(parseManifest(contractManifest()).output.features).toBeUndefined();
  });

  it('accepts a timing with only one of its numbers', () => {
    expect(parseManifest(withScanpath((m) => (m.scanpath.timing = { saccadeMs: 0 }))).scanpath?.timing).toEqual({ saccadeMs: 0 });
  });

  const cases: [string, (m: any) => void, RegExp][] = [
    ['scanpath not an object', (m) => (m.scanpath = 3), /`scanpath` must be an object/],
    ['path escapes', (m) => (m.scanpath.path = '../x.onnx'), /`scanpath\.path`/],
    ['sha256', (m) => (m.scanpath.sha256 = 'ABC'), /`scanpath\.sha256`/],
    ['bytes', (m) => (m.scanpath.bytes = 0), /`scanpath\.bytes`/],
    ['history 0', (m) => (m.scanpath.history = 0), /`scanpath\.history` must be a positive integer/],
    ['history 2.5', (m) => (m.scanpath.history = 2.5), /`scanpath\.history`/],
    ['history missing', (m) => delete m.scanpath.history, /`scanpath\.history`.*missing/],
    ['both image and features', (m) => (m.scanpath.inputs.features = 'f'), /`scanpath\.inputs` must name exactly one of.*both/],
    ['neither image nor features', (m) => delete m.scanpath.inputs.image, /`scanpath\.inputs`.*neither/],
    ['features without output.features', (m) => {
      delete m.scanpath.inputs.image;
      m.scanpath.inputs.features = 'features';
    }, /`scanpath\.inputs\.features` needs `output\.features`/],
    ['tokens', (m) => delete m.scanpath.inputs.tokens, /`scanpath\.inputs\.tokens`/],
    ['embedding', (m) => (m.scanpath.inputs.embedding = ''), /`scanpath\.inputs\.embedding`/],
    ['history input', (m) => (m.scanpath.inputs.history = 7), /`scanpath\.inputs\.history`/],
    ['outputs', (m) => delete m.scanpath.outputs, /`scanpath\.outputs`/],
    ['outputs.density', (m) => delete m.scanpath.outputs.density, /`scanpath\.outputs\.density`/],
    ['outputs.duration', (m) => (m.scanpath.outputs.duration = ''), /`scanpath\.outputs\.duration`/],
    ['timing', (m) => (m.scanpath.timing = []), /`scanpath\.timing` must be an object/],
    ['timing.startMs', (m) => (m.scanpath.timing.startMs = -1), /`scanpath\.timing\.startMs` must be a non-negative number/],
    ['timing.saccadeMs', (m) => (m.scanpath.timing.saccadeMs = Number.NaN), /`scanpath\.timing\.saccadeMs`/],
    ['no profile embedding', (m) => {
      delete m.profile.embedding;
      delete m.encoder;
    }, /`profile\.embedding` is required when `scanpath`/],
    ['output.features empty', (m) => (m.output.features = ''), /`output\.features`/],
    ['output.features = output.name', (m) => (m.output.features = 'log_density'), /`output\.features` must name another output/],
  ];
  for (const [name, change, message] of cases) {
    it(`names the field: ${name}`, () => {
      expect(invalid(withScanpath(change))).toMatch(message);
    });
  }
});

describe('manifest: numbers the runtime would allocate from', () => {
  const cases: [string, (m: any) => void, RegExp][] = [
    ['bytes 1e15', (m) => (m.files[0].bytes = 1e15), /`files\[0\]\.bytes` must be at most 2147483647/],
    ['encoder bytes', (m) => (m.encoder.bytes = 2 ** 31), /`encoder\.bytes` must be at most/],
    ['input 100000 wide', (m) => (m.input.width = 100_000), /`input\.width` must be at most 4096/],
    ['input 100000 high', (m) => (m.input.height = 100_000), /`input\.height` must be at most 4096/],
    ['embedding dim 2^31-1', (m) => (m.profile.embedding.dim = 2 ** 31 - 1), /`profile\.embedding\.dim` must be at most 4096/],
  ];
  for (const [name, change, message] of cases) {
    it(`refuses ${name}`, () => {
      const m: any = contractManifest();
      change(m);
      expect(invalid(m)).toMatch(message);
    });
  }
});

describe('manifest: file paths stay in the model folder', () => {
  const bad = [
    '\\\\evil.example/x.onnx',
    '/\\evil.example/x.onnx',
    'sub\\..\\..\\x.onnx',
    '../x.onnx',
    '../../secret/x.onnx',
    'a/../../x.onnx',
    './x.onnx',
    '/models/other/x.onnx',
    '//evil.example/x.onnx',
    'https://evil.example/x.onnx',
    'HTTP:x.onnx',
    '%2e%2e/x.onnx',
    'x.onnx?y=1',
    'a//b.onnx',
    'a/./b.onnx',
  ];
  for (const path of bad) {
    it(`refuses ${JSON.stringify(path)} wherever a path is named`, () => {
      expect(invalid({ ...contractManifest(), files: [{ path, precision: 'fp32', bytes: 1, sha256: 'a'.repeat(64) }] })).toMatch(/`files\[0\]\.path` must be a path inside the model folder/);
      const enc: any = contractManifest();
      enc.encoder.path = path;
      expect(invalid(enc)).toMatch(/`encoder\.path`/);
      expect(invalid({ ...contractManifest(), panel: path })).toMatch(/`panel`/);
      expect(invalid(withScanpath((m) => (m.scanpath.path = path)))).toMatch(/`scanpath\.path`/);
    });
  }

  it('accepts plain names and sub-folders', () => {
    for (const path of ['model.w8.onnx', 'variants/model-v2.int8.onnx', 'a_b+c.onnx', '..hidden.onnx']) {
      expect(parseManifest({ ...contractManifest(), panel: path }).panel).toBe(path);
    }
  });
});

describe('resolveModelFile', () => {
  const manifest = 'http://app.test/models/m/manifest.json';
  it('resolves inside the folder', () => {
    expect(resolveModelFile(manifest, 'model.onnx', 'http://app.test').href).toBe('http://app.test/models/m/model.onnx');
    expect(resolveModelFile(manifest, 'sub/x.onnx', 'http://app.test').href).toBe('http://app.test/models/m/sub/x.onnx');
  });
  it('refuses what the URL parser takes off the origin or out of the folder', () => {
    for (const path of ['\\\\evil.example/x', '/\\evil.example/x', '//evil.example/x', 'https://evil.example/x', '../x', '/models/other/x', '%2e%2e/x', 'sub\\..\\..\\x']) {
      const e = thrownGazecastError(() => resolveModelFile(manifest, path, 'http://app.test'));
      expect(e.code, path).toBe('model-off-origin');
    }
  });
  it('refuses a model folder off the page origin', () => {
    const e = thrownGazecastError(() => resolveModelFile('http://cdn.test/m/manifest.json', 'model.onnx', 'http://app.test'));
    expect(e.code).toBe('model-off-origin');
    expect(e.message).toContain('http://app.test');
  });
});
