export { fixationCell, fixationDensity, rescalePoints, type GazePoint, type OutputGrid } from './fixation-density';
export { splitViewings, viewingsOf, type Viewing } from './viewings';
export { summariseEmbeddings, type Consistency, type EmbeddingSummary } from './embedding-stats';
export {
  aggregatePanel, formatAttributeFilter, matchesFilter, parseAttributeFilter,
  type AttributeFilter, type PanelAggregate, type PanelMember,
} from './panel';
export { compareHoldOut, scoreViewing, type HoldOutComparison, type MetricPair, type ViewingScore } from './holdout-metrics';
export {
  AUDIENCE_ID, AUDIENCES_SCHEMA, attributeTokens, audienceIdFrom, audienceEmbedding, cleanAudience, exportAudiences, fitAudienceProfile, parseAudienceFile,
  type Audience, type AttributesAudience, type AudienceFile, type EmbeddedAudience, type FittedProfile, type PanelAudience, type PersonalAudience,
} from './audience';
