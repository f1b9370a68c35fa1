/**
 * The app's virtual studies in creatives mode (issue 16, point 5): audience A is studied on
 * creative A and then on creative B, with the same seed; a study of a creative B that was
 * replaced or closed is cancelled, never reported. A scripted engine stands in for the
 * predictor, so the scheduling is checked, not the model (the app e2e runs the real one).
 */
import { describe, expect, it } from 'vitest';
import { presetAudiences } from '../../src/app/audiences';
import type { AppEngine, StudyRunOptions } from '../../src/app/engine';
import type { OpenedMedia } from '../../src/app/media';
import { VirtualStudies, type StudiesHost } from '../../src/app/virtual-studies';
import type { ViewMode } from '../../src/app/colors';
import { parseManifest, type ModelManifest } from '../../src/core/manifest';
import type { VirtualStudy } from '../../src/core/study';

const manifest = {
  ...parseManifest({
    schema: 'gazecast-model/1', id: 'm', version: '1', license: 'MIT',
    files: [{ path: 'model.onnx', precision: 'fp32', bytes: 1, sha256: 'a'.repeat(64) }],
    input: { name: 'image', height: 192, width: 256, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    profile: { tokens: { name: 'profile_tokens', slots: [{ key: 'age', values: ['unknown', '18-24'] }] } },
    output: { name: 'log_density', height: 24, width: 32 },
  }),
  // only its presence matters here: the model can simulate viewers
  scanpath: {} as ModelManifest['scanpath'],
} as ModelManifest;

const image = (name: string): OpenedMedia => ({ name, url: `blob:${name}`, kind: 'image', element: { name } as unknown as HTMLImageElement, width: 10, height: 10, durationS: 0 } as unknown as OpenedMedia);
const study = (durationMs: number): VirtualStudy => ({ frame: { width: 10, height: 10 }, durationMs, viewers: [] });

/** An engine whose simulations wait until the test settles them. */
function scriptedEngine() {
  const runs: { frame: string; options: StudyRunOptions; resolve: (s: VirtualStudy) => void }[] = [];
  const simulate = (frame: unknown, _profile: unknown, options: StudyRunOptions) =>
    new Promise<VirtualStudy>((resolve, reject) => {
      runs.push({ frame: (frame as { name: string }).name, options, resolve });
      options.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  return { runs, engine: { manifest, backend: 'wasm', simulate } as unknown as AppEngine };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('virtual studies in creatives mode', () => {
  const everyone = presetAudiences(manifest)[0]!;

  function setup() {
    const { runs, engine } = scriptedEngine();
    const errors: unknown[] = [];
    const host: { -readonly [K in keyof StudiesHost]: StudiesHost[K] } & { mode: ViewMode } = {
      engine, manifest, media: image('a.jpg'), aois: [], mode: 'creatives',
      creative: { media: image('b.jpg'), aois: [] },
      neededAudiences: () => [everyone],
      report: (e) => errors.push(e),
    };
    const studies = new VirtualStudies(host, () => undefined);
    return { runs, host, studies, errors };
  }

  it('studies audience A on creative A, then on creative B, with the same seed', async () => {
    const { runs, studies, errors } = setup();
    studies.sync();
    expect(runs.map((r) => r.frame)).toEqual(['a.jpg']);
    expect(studies.progress?.creativeB).toBeNull();
    runs[0]!.resolve(study(3000));
    await settle();
    expect(runs.map((r) => r.frame)).toEqual(['a.jpg', 'b.jpg']);
    expect(studies.progress?.creativeB).toBe('b.jpg');
    expect(runs[1]!.options.seed).toBe(runs[0]!.options.seed);
    runs[1]!.resolve(study(2999));
    await settle();
    expect(studies.studyFor(everyone.id)?.study.durationMs).toBe(3000);
    expect(studies.creativeStudyFor(everyone.id)?.study.durationMs).toBe(2999);
    expect(studies.creativeReportFor(everyone.id)?.durationMs).toBe(2999);
    expect(studies.completed).toBe(2);
    expect(errors).toEqual([]);
  });

  it('cancels the study of a creative B that was replaced, and studies the new one', async () => {
    const { runs, host, studies } = setup();
    studies.sync();
    runs[0]!.resolve(study(3000));
    await settle();
    host.creative = { media: image('c.jpg'), aois: [] };
    studies.sync();
    expect(runs[1]!.options.signal?.aborted).toBe(true);
    expect(runs.map((r) => r.frame)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    runs[1]!.resolve(study(1)); // too late: cancelled
    runs[2]!.resolve(study(3000));
    await settle();
    expect(studies.creativeStudyFor(everyone.id)?.study.durationMs).toBe(3000);
    expect(studies.completed).toBe(2);
  });

  it('cancels creative B’s study when creative B closes (another view), and keeps creative A’s', async () => {
    const { runs, host, studies } = setup();
    studies.sync();
    runs[0]!.resolve(study(3000));
    await settle();
    host.mode = 'single';
    host.creative = { media: null, aois: [] };
    studies.sync();
    expect(runs[1]!.options.signal?.aborted).toBe(true);
    expect(studies.progress).toBeNull();
    expect(studies.creativeStudyFor(everyone.id)).toBeNull();
    expect(studies.studyFor(everyone.id)?.study.durationMs).toBe(3000);
    expect(runs).toHaveLength(2);
  });
});
