/**
 * Virtual eye-tracking studies on the Node engine (`gazecast analyse --viewers N`): the panel of
 * simulated viewers of each audience views one still image. The stepping and sampling are the
 * browser's own (core/virtual-viewers.ts and core/scanpath-sampling.ts); this module only gives
 * them the frame, prepared once on the NativeEngine for every audience (the scanpath graph reads
 * the main graph's features with the population profile, so they do not depend on the audience),
 * and the batched graph calls. Audiences run one after another: their steps already fill every
 * session of the engine's pool with the other images in flight.
 */
import { computeLetterbox } from '../core/letterbox';
import type { ModelManifest } from '../core/manifest';
import type { Profile } from '../core/prediction-types';
import { requireScanpath } from '../core/scanpath-io';
import type { VirtualStudy } from '../core/study';
import { simulateViewers, simulationPlan, type StudyGraph } from '../core/virtual-viewers';
import type { EngineFrame } from '../core/runtime-types';
import type { NativeEngine } from './native-engine';

export interface StudySettings {
  readonly viewers: number;
  readonly durationMs: number;
}

export interface AudienceStudyRequest {
  readonly profile: Profile;
  /** the study's seed (the same seed, model, frame and profile give the same study) */
  readonly seed: number;
}

// frame keys are unique in the process, so the studies of images analysed at once never mix frames
let nextFrameKey = 1;

/**
 * One study per audience of an image. `pixels` is the letterbox content of the
 * `frameWidth` x `frameHeight` image, as `predict` takes it.
 */
export async function studyImage(
  engine: NativeEngine,
  manifest: ModelManifest,
  pixels: EngineFrame,
  frame: { readonly width: number; readonly height: number },
  settings: StudySettings,
  audiences: readonly AudienceStudyRequest[],
): Promise<VirtualStudy[]> {
  requireScanpath(manifest); // a model without a scanpath graph fails before the frame is prepared
  const lb = computeLetterbox(frame.width, frame.height, manifest.input.width, manifest.input.height);
  const key = nextFrameKey++;
  await engine.prepareScanpathFrame(pixels, { key, frameWidth: frame.width, frameHeight: frame.height });
  try {
    const studies: VirtualStudy[] = [];
    for (const a of audiences) {
      // the frame is prepared above, once for all audiences, and released below
      const graph: StudyGraph = {
        frameAt: () => 0,
        prepare: async () => undefined,
        release: async () => undefined,
        step: (_frame, history, rows) => engine.scanpathStep({ key, rows, history, profile: a.profile }),
      };
      const panel = await simulateViewers(
        simulationPlan(manifest, lb, { viewers: settings.viewers, durationMs: settings.durationMs, seed: a.seed }),
        graph,
      );
      studies.push({
        frame: { width: frame.width, height: frame.height },
        durationMs: settings.durationMs,
        viewers: panel,
        seed: a.seed,
        modelId: manifest.id,
        ...(a.profile.tokens ? { profile: { ...a.profile.tokens } } : {}),
      });
    }
    return studies;
  } finally {
    await engine.releaseScanpathFrames([key]);
  }
}
