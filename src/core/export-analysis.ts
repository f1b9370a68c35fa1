/**
 * The analysis document: everything the app knows about one piece of media — which model, which
 * audiences, which AOIs, and per frame and audience the predicted points and AOI statistics.
 * JSON and CSV exports and the printable report are all serialisations of this one structure,
 * so they cannot disagree with each other.
 *
 * Visit order in every export counts from 1 (1 = looked at first), as the numbers drawn on the
 * points do: JSON `points[].order` and `aoiStats[].firstPointOrder`, CSV `visit_order`. In
 * memory (`FixationPoint.order`, the package API) it counts from 0; `analysisToJson` and
 * `parseAnalysisJson` convert, so a document read back is the document written.
 */
import { aggregateAoiStats, type Aoi, type AoiStat } from './aoi';
import { attentionStory } from './story';
import type { CreativeAoiRow, CreativeStudyRow } from './creative-compare';
import type { FixationPoint } from './prediction-types';
import type { VirtualStudy } from './study';
import { studyReport, type StudyReport, type StudyReportOptions } from './study-metrics';

export const ANALYSIS_SCHEMA = 'gazecast-analysis/1';

export interface AnalysisAudience {
  readonly id: string;
  readonly name: string;
  /** slot key → value, as the model's manifest lists them; absent keys are 'unknown' */
  readonly tokens: Readonly<Record<string, string>>;
  /** personal / panel embedding, if the audience has one */
  readonly embedding?: readonly number[];
}

export interface AnalysisMedia {
  readonly name: string;
  readonly kind: 'image' | 'video';
  readonly width: number;
  readonly height: number;
  /** videos only */
  readonly durationMs?: number;
}

export interface FrameResult {
  readonly audienceId: string;
  readonly points: readonly FixationPoint[];
  readonly aoiStats: readonly AoiStat[];
}

export interface AnalysisFrame {
  /** media time of the frame, ms (0 for images) */
  readonly timestampMs: number;
  readonly results: readonly FrameResult[];
}

/** An audience's virtual study (predictor.simulate) of the media. */
export interface AnalysisStudy {
  readonly audienceId: string;
  readonly study: VirtualStudy;
}

/** A virtual study with its report over the document's AOIs (docs/virtual-study.md). */
export interface AnalysisStudyResult extends AnalysisStudy {
  readonly report: StudyReport;
}

export interface AnalysisInput {
  readonly media: AnalysisMedia;
  readonly model: { readonly id: string; readonly version: string };
  readonly audiences: readonly AnalysisAudience[];
  readonly aois: readonly Aoi[];
  /** in time order */
  readonly frames: readonly AnalysisFrame[];
  readonly backend?: string;
  /** videos: the sampling rate of a whole-video analysis */
  readonly samplesPerSecond?: number;
  /** optional: the audiences' virtual studies; documents without them stay as they were */
  readonly studies?: readonly AnalysisStudy[];
  /** seen-within windows, bin width and first-fixation grid of the studies' reports (defaults otherwise) */
  readonly studyOptions?: StudyReportOptions;
}

export interface AudienceSummary {
  readonly audienceId: string;
  /** per AOI: mean share over the frames and order of first visit */
  readonly aoiStats: readonly AoiStat[];
  readonly story: string;
}

export interface AnalysisDocument extends AnalysisInput {
  readonly schema: typeof ANALYSIS_SCHEMA;
  readonly createdAt: string;
  readonly summary: readonly AudienceSummary[];
  /** present only when the input had studies: each with its per-area report */
  readonly studies?: readonly AnalysisStudyResult[];
  /** creative A/B: the same audience on a second creative (its own media, AOIs and frames) */
  readonly creativeB?: AnalysisDocument;
  /** creative A/B: the areas of both creatives matched by name, with both shares and B − A in points */
  readonly creativeComparison?: readonly CreativeAoiRow[];
  /** creative A/B with the audience's virtual study on both (this document's `studies` and
   *  `creativeB.studies`): per area matched by name, seen within 1 s / 3 s on each with B − A in
   *  points and whether it is beyond the panels' noise, and the median time to first fixation on
   *  each with B − A (`compareCreativeStudies`) */
  readonly creativeStudyComparison?: readonly CreativeStudyRow[];
}

/** Per-audience summary over all frames: mean AOI shares, first-visit order, and the story. */
export function summarise(input: Pick<AnalysisInput, 'audiences' | 'aois' | 'frames'>): AudienceSummary[] {
  return input.audiences.map((aud) => {
    const perFrame = input.frames
      .map((f) => f.results.find((r) => r.audienceId === aud.id)?.aoiStats)
      .filter((s): s is readonly AoiStat[] => s !== undefined);
    const aoiStats = aggregateAoiStats(perFrame, input.aois);
    return { audienceId: aud.id, aoiStats, story: attentionStory(aud.name, aoiStats).text };
  });
}

export function buildAnalysisDocument(input: AnalysisInput, now: Date = new Date()): AnalysisDocument {
  const { studies, ...rest } = input;
  return {
    schema: ANALYSIS_SCHEMA,
    createdAt: now.toISOString(),
    ...rest,
    // the key is left out without studies, so such documents are byte-identical to earlier ones
    ...(studies ? { studies: studies.map((s) => ({ ...s, report: studyReport(s.study, input.aois, input.studyOptions) })) } : {}),
    summary: summarise(input),
  };
}

/** Rounds coordinates to 0.01 px and probabilities to 6 digits: exact enough, and half the bytes. */
function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Keys holding a 0-based visit order in memory, written 1-based (see the header). */
const VISIT_ORDER_KEYS = new Set(['order', 'firstPointOrder']);

export function analysisToJson(doc: AnalysisDocument): string {
  return JSON.stringify(
    doc,
    (key, value: unknown) => {
      if (typeof value !== 'number') return value;
      if (VISIT_ORDER_KEYS.has(key)) return value + 1;
      if (key === 'x' || key === 'y' || key === 'width' || key === 'height') return round(value, 2);
      if (key === 'mass' || key === 'share') return round(value, 6);
      return value;
    },
    2,
  );
}

/** Reads an analysis JSON back (for re-opening an export); throws on another schema. */
export function parseAnalysisJson(text: string): AnalysisDocument {
  const doc = JSON.parse(text, (key, value: unknown) => (VISIT_ORDER_KEYS.has(key) && typeof value === 'number' ? value - 1 : value)) as Partial<AnalysisDocument>;
  if (doc.schema !== ANALYSIS_SCHEMA) throw new Error(`Not a gazecast analysis: schema is ${JSON.stringify(doc.schema)}, expected "${ANALYSIS_SCHEMA}".`);
  return doc as AnalysisDocument;
}
