/**
 * Creative A/B: a second image or video ("creative B") beside the open one ("creative A"), the
 * same audience (A) on both. Creative B has its own areas of interest, drawn on its stage (a
 * second AOI layer) and kept per file name like A's; when it opens without any, it starts with
 * A's areas scaled to its size, so two versions of one layout need no redrawing. Areas are
 * matched by name (src/core/creative-compare.ts). For a video, creative B shows and predicts the
 * frame at creative A's time (clamped to B's length) whenever A is paused or scrubbed; after a
 * whole-video analysis the analysed prediction of that frame is shown instead (creative-over-time.ts).
 */
import { aoiStats, clampShapeToFrame, type Aoi, type AoiShape, type AoiStat } from '../analysis';
import { seekVideo as seekTo, type Prediction, type Profile } from '../index';
import { AoiLayer, type AoiTool } from './aoi-layer';
import type { WorkStore } from './work-store';
import { newId } from './audiences';
import type { AppEngine } from './engine';
import { openMedia, type OpenedMedia } from './media';
import type { Stage } from './stage';

/** A's areas scaled onto a creative of another size (same layout, other resolution). */
export function scaleAois(aois: readonly Aoi[], from: { width: number; height: number }, to: { width: number; height: number }): Aoi[] {
  const sx = to.width / from.width, sy = to.height / from.height;
  const scale = (s: AoiShape): AoiShape =>
    s.kind === 'rect'
      ? { kind: 'rect', x: s.x * sx, y: s.y * sy, width: s.width * sx, height: s.height * sy }
      : { kind: 'polygon', points: s.points.map((p) => ({ x: p.x * sx, y: p.y * sy })) };
  return aois.map((a) => ({ id: newId('aoi'), name: a.name, shape: clampShapeToFrame(scale(a.shape), to.width, to.height) }));
}

export class CreativeB {
  media: OpenedMedia | null = null;
  aois: Aoi[] = [];
  /** audience A's prediction on creative B (for the frame shown) */
  prediction: Prediction | null = null;
  readonly aoiLayer: AoiLayer;
  #seq = 0;
  /** which audience `prediction` is for */
  #audienceId: string | null = null;

  constructor(
    private readonly stage: Stage,
    private readonly onAoisChanged: (created?: Aoi) => void,
    onToolEnd: () => void,
  ) {
    this.aoiLayer = new AoiLayer(stage.box, (aois, created) => { this.aois = aois; this.onAoisChanged(created); }, onToolEnd);
    this.aoiLayer.setVisible(false);
  }

  get video(): HTMLVideoElement | null {
    return this.media?.kind === 'video' ? (this.media.element as HTMLVideoElement) : null;
  }

  /**
   * Opens `file` as creative B (errors as for creative A: nothing changes on failure). Its AOIs
   * come from the store, else from A's, scaled.
   */
  async open(file: Blob, name: string, a: { media: OpenedMedia; aois: readonly Aoi[] }, store: WorkStore | null): Promise<void> {
    const m = await openMedia(file, name);
    this.close();
    this.media = m;
    const saved = store ? await store.aoisFor(name).catch(() => []) : [];
    this.aois = saved.length > 0 ? saved : scaleAois(a.aois, a.media, m);
    if (saved.length === 0 && this.aois.length > 0) void store?.saveAois(name, this.aois).catch(() => undefined);
    this.aoiLayer.setSize(m.width, m.height);
    this.aoiLayer.setAois(this.aois);
  }

  close(): void {
    if (this.media) URL.revokeObjectURL(this.media.url);
    this.media = null;
    this.prediction = null;
    this.#audienceId = null;
    this.aois = [];
    this.aoiLayer.setAois([]);
  }

  /** Puts creative B on its stage (the stage shows it in creatives mode only). */
  show(visible: boolean): void {
    this.aoiLayer.setVisible(visible && !!this.media);
    if (visible && this.media) this.stage.setMedia(this.media.element, this.media.width, this.media.height);
  }

  setTool(t: AoiTool): void {
    this.aoiLayer.setTool(t);
  }

  setAois(aois: readonly Aoi[]): void {
    this.aois = [...aois];
    this.aoiLayer.setAois(this.aois);
  }

  /**
   * Audience A's prediction on creative B at creative A's media time (videos: seeked there,
   * clamped to B's length; images: once). `analysed(bTimeMs)` gives the whole-video analysis's
   * prediction of the frame at B's time, if it has one: then nothing is predicted again. Returns
   * null when a newer call superseded this one.
   */
  async predict(engine: AppEngine, audienceId: string, profile: Profile, timeS: number, analysed?: (bTimeMs: number) => Prediction | undefined): Promise<Prediction | null> {
    const m = this.media;
    if (!m) return null;
    const seq = ++this.#seq;
    let tMs = 0;
    if (m.kind === 'video') {
      const v = m.element as HTMLVideoElement;
      const t = Math.min(Math.max(0, timeS), Math.max(0, m.durationS - 0.05));
      if (Math.abs(v.currentTime - t) > 0.01) await seekTo(v, t);
      tMs = v.currentTime * 1000;
    }
    // the analysed prediction wins over one made for the frame before the analysis finished
    const fromAnalysis = analysed?.(tMs);
    if (!fromAnalysis && this.prediction && this.#audienceId === audienceId && Math.abs(this.prediction.timestampMs - tMs) < 1 && seq === this.#seq) return this.prediction;
    const p = fromAnalysis ?? (await engine.predict(m.element, profile, tMs));
    if (seq !== this.#seq || this.media !== m) return null;
    this.prediction = p;
    this.#audienceId = audienceId;
    return p;
  }

  /** Per-area statistics on creative B, null before its prediction. */
  stats(): AoiStat[] | null {
    return this.prediction ? aoiStats(this.prediction, this.aois) : null;
  }
}
