import { describe, expect, it } from 'vitest';
import { isGazecastError } from '../../src/core/errors';
import { parseManifest, type ModelManifest } from '../../src/core/manifest';
import { checkScanpathDensity, checkScanpathDuration, checkScanpathNames, repeatRows, requireScanpath, scanpathStepFeeds, scanpathStepResult, scanpathTiming } from '../../src/core/scanpath-io';
import { contractManifest } from './manifest-fixture';

function withScanpath(extra: Record<string, unknown> = {}): ModelManifest {
  const m = contractManifest();
  m.scanpath = {
    path: 'scanpath.onnx',
    sha256: 'd'.repeat(64),
    bytes: 1000,
    history: 4,
    inputs: { image: 'image', tokens: 'profile_tokens', embedding: 'user_embedding', history: 'history' },
    outputs: { density: 'next_log_density', duration: 'next_log_duration' },
    ...extra,
  };
  return parseManifest(m);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGazecastError(e) ? e.code : `not coded: ${String(e)}`;
  }
  return undefined;
}

describe('scanpath I/O', () => {
  it('requireScanpath: the section, or no-scanpath naming the model', () => {
    expect(requireScanpath(withScanpath()).path).toBe('scanpath.onnx');
    const bare = parseManifest(contractManifest());
    expect(code(() => requireScanpath(bare))).toBe('no-scanpath');
    expect(() => requireScanpath(bare)).toThrow(/gazecast-mnv1-s8 has no scanpath graph/);
  });
  it('scanpathTiming fills what the manifest leaves out with the contract defaults', () => {
    expect(scanpathTiming(requireScanpath(withScanpath()))).toEqual({ startMs: 300, saccadeMs: 40 });
    expect(scanpathTiming(requireScanpath(withScanpath({ timing: { saccadeMs: 25 } })))).toEqual({ startMs: 300, saccadeMs: 25 });
  });
  it('checkScanpathNames names the field whose name the graph lacks', () => {
    const spec = requireScanpath(withScanpath());
    const ins = ['image', 'profile_tokens', 'user_embedding', 'history'];
    const outs = ['next_log_density', 'next_log_duration'];
    expect(code(() => checkScanpathNames(spec, ins, outs))).toBeUndefined();
    expect(() => checkScanpathNames(spec, ['image', 'profile_tokens', 'user_embedding', 'hist'], outs)).toThrow(/scanpath\.inputs\.history/);
    expect(() => checkScanpathNames(spec, ins, ['next_log_density'])).toThrow(/scanpath\.outputs\.duration/);
  });
  it('repeatRows repeats the profile over B rows', () => {
    expect(Array.from(repeatRows(BigInt64Array.from([1n, 2n]), 3))).toEqual([1n, 2n, 1n, 2n, 1n, 2n]);
    expect(Array.from(repeatRows(Float32Array.from([0.5]), 2))).toEqual([0.5, 0.5]);
  });
  it('checks the outputs: shape [B, 1, H, W] and [B, 2], finite values, sigma > 0', () => {
    const m = withScanpath();
    const n = 36 * 48;
    expect(code(() => checkScanpathDensity(m, [2, 1, 36, 48], new Float32Array(2 * n), 2, 'wasm'))).toBeUndefined();
    expect(code(() => checkScanpathDensity(m, [1, 1, 36, 48], new Float32Array(n), 2, 'wasm'))).toBe('manifest-invalid');
    expect(code(() => checkScanpathDensity(m, [2, 1, 18, 24], new Float32Array(2 * 18 * 24), 2, 'wasm'))).toBe('manifest-invalid');
    const nan = new Float32Array(n);
    nan[5] = NaN;
    expect(code(() => checkScanpathDensity(m, [1, 1, 36, 48], nan, 1, 'wasm'))).toBe('backend-failed');
    expect(code(() => checkScanpathDuration([2, 2], Float32Array.from([5, 0.4, 5.5, 0.3]), 2, 'wasm'))).toBeUndefined();
    expect(code(() => checkScanpathDuration([2, 2], Float32Array.from([5, 0.4, 5.5, 0]), 2, 'wasm'))).toBe('backend-failed');
    expect(code(() => checkScanpathDuration([2, 1], Float32Array.from([5, 5]), 2, 'wasm'))).toBe('manifest-invalid');
  });
});

describe('one scanpath step, as every engine home runs it', () => {
  const frame = { data: new Float32Array(3), dims: [1, 3, 1, 1] };
  it('lays out the feeds: the profile repeated over the rows, the zero embedding for the population', () => {
    const m = withScanpath();
    const history = new Float32Array(2 * 4 * 3);
    const { feeds, outputs } = scanpathStepFeeds(m, frame, { key: 1, rows: 2, history });
    expect(outputs).toEqual(['next_log_density', 'next_log_duration']);
    expect(feeds.image).toEqual({ type: 'float32', data: frame.data, dims: frame.dims });
    expect(feeds.profile_tokens!.dims).toEqual([2, m.profile.tokens.slots.length]);
    expect([...(feeds.profile_tokens!.data as BigInt64Array)].every((t) => t === 0n)).toBe(true);
    const dim = m.profile.embedding!.dim;
    expect(feeds.user_embedding).toEqual({ type: 'float32', data: new Float32Array(2 * dim), dims: [2, dim] });
    expect(feeds.history).toEqual({ type: 'float32', data: history, dims: [2, 4, 3] });
  });
  it('refuses a frame not prepared and a history of the wrong size', () => {
    const m = withScanpath();
    expect(code(() => scanpathStepFeeds(m, undefined, { key: 7, rows: 1, history: new Float32Array(12) }))).toBe('invalid-argument');
    expect(code(() => scanpathStepFeeds(m, frame, { key: 1, rows: 2, history: new Float32Array(12) }))).toBe('invalid-argument');
    expect(code(() => scanpathStepFeeds(m, frame, { key: 1, rows: 0, history: new Float32Array(0) }))).toBe('invalid-argument');
  });
  it('checks what the graph returns', () => {
    const m = withScanpath();
    const cells = m.output.height * m.output.width;
    const logDensity = new Float32Array(cells).fill(-Math.log(cells));
    const ok = scanpathStepResult(m, { next_log_density: { dims: [1, 1, m.output.height, m.output.width], data: logDensity }, next_log_duration: { dims: [1, 2], data: new Float32Array([5.4, 0.5]) } }, 1, 'test', 3);
    expect(ok.logDuration).toEqual(new Float32Array([5.4, 0.5]));
    expect(ok.ms).toBe(3);
    expect(code(() => scanpathStepResult(m, { next_log_density: { dims: [2, 1, m.output.height, m.output.width], data: logDensity } }, 1, 'test', 3))).toBe('manifest-invalid');
  });
});
