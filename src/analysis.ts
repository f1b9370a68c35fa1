/**
 * gazecast/analysis: what to do with predictions once you have them, pure functions with no DOM
 * (they run in browsers, workers and Node alike). Areas of interest and their statistics, the
 * difference between two audiences (with the model's yardstick), the attention story, creative
 * A/B comparison, virtual studies' reports and their words, and the analysis document with its
 * JSON and CSV forms. The designer app uses exactly these (test/unit/app-public-api.test.ts).
 *
 * @module
 */

// areas of interest: share of attention (exact overlap with the density cells) and first visits
export { aoiStats, aggregateAoiStats, attentionShare, firstVisits, clampShapeToFrame, validateShape, pointInShape, shapeBounds, shapeToPolygon, polygonArea } from './core/aoi';
export type { Aoi, AoiShape, AoiStat, Vec2 } from './core/aoi';

// audiences of every kind (attribute groups, personal, panel: the gazecast-audiences/1 model that
// gazecast/personal stores) and the one rule for the profile each predicts with on a model
export { fitAudienceProfile, attributeTokens, audienceIdFrom, AUDIENCE_ID } from './core/personal/audience';
export type { Audience, AttributesAudience, PersonalAudience, PanelAudience, EmbeddedAudience, FittedProfile } from './core/personal/audience';

// two audiences on one frame: total variation distance, correlation, and whether that is clear
export { densityDifference, describeDifference, yardstickFromMetrics } from './core/difference';
export type { DifferenceMap, Yardstick } from './core/difference';

// two creatives for one audience: areas matched by name, shares and the virtual study on each
export { compareCreatives, describeCreativeDifference, matchByName, compareCreativeStudies, describeCreativeStudyDifference, formatPointsDifference } from './core/creative-compare';
export type { CreativeAoiRow, NamedPair, CreativeStudyRow, CreativeSeenWithin, CreativeShareDifference, CreativeTimeToFirstFixation } from './core/creative-compare';

// the attention story in plain words
export { attentionStory, formatShare } from './core/story';
export type { AttentionStory, StoryOptions } from './core/story';

// the analysis document and its serialisations (visit order counts from 1 in every export)
export { buildAnalysisDocument, analysisToJson, parseAnalysisJson, summarise, ANALYSIS_SCHEMA } from './core/export-analysis';
export type { AnalysisDocument, AnalysisInput, AnalysisFrame, AnalysisMedia, AnalysisAudience, AudienceSummary, FrameResult } from './core/export-analysis';
export type { AnalysisStudy, AnalysisStudyResult } from './core/export-analysis';
export { pointsCsv, aoiCsv, summaryCsv, creativeComparisonCsv, scanpathsCsv, studyMetricsCsv } from './core/export-csv';

// virtual eye-tracking studies (predictor.simulate): the per-area report with Wilson intervals,
// where viewers land first, and the words the app puts beside them (docs/virtual-study.md)
export { studyReport, firstFixationDensity } from './core/study-metrics';
export { audienceSeed, profileSeed } from './core/scanpath-sampling';
export type { StudyReport, StudyReportOptions, AoiStudyMetrics, Proportion, SeenWithin, Dwell, Quartiles, FirstFixationDensity, FirstFixationGrid, AttentionOverTime } from './core/study-metrics';
export { studyStory, compareStudies, describeStudyComparison, studyCalibrationFromMetrics, describeStudyCalibration, seenWithin, formatPercent, formatInterval, formatSeconds } from './core/study-story';
export type { StudyComparisonLine, StudyCalibration } from './core/study-story';

// drawing helpers that are pure geometry
export { separateBadges } from './core/label-layout';
