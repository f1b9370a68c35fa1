/**
 * gazecast: where a viewer with a given profile will look in an image or video, predicted in the
 * browser on the user's own GPU (WebGPU, with a WASM fallback). The public surface, and nothing else.
 */

// the predictor
export { createPredictor } from './client/predictor';
export type { PredictorOptions, PredictOptions, VideoAnalysisOptions, VideoAnalysisProgress, LiveOptions } from './client/predictor-options';
export type { Predictor, FrameSource, VideoAnalysis, LiveSession, Viewing } from './client/predictor-types';

// virtual eye-tracking studies (predictor.simulate / simulateVideo)
export type { SimulateOptions, SimulateVideoOptions, VideoVirtualStudy, StudyProgress } from './client/simulate';
export type { VirtualStudy, StudyViewer, StudyFixation } from './core/study';
// replaying one: each viewer's gaze at a moment of the viewing, drawn as a bee swarm
export { gazeAt } from './core/gaze-replay';
export type { ReplayGaze } from './core/gaze-replay';
export { drawBeeSwarm } from './client/bee-swarm';
export type { BeeSwarmOptions } from './client/bee-swarm';
export type { Prediction, FixationPoint, DensityMap, Profile } from './core/prediction-types';
export type { Backend, BackendChoice, BackendChange, LoadProgress, ModelInfo, EngineStats } from './core/runtime-types';

// errors with a stable code
export { GazecastError, isGazecastError } from './core/errors';
export type { GazecastErrorCode } from './core/errors';

// models and profiles
export { parseManifest, MANIFEST_SCHEMA } from './core/manifest';
export type { ModelManifest, ModelFile, ModelOutputSpec, ModelPrecision, ProfileSlot, ScanpathSpec, ScanpathInputs, ScanpathOutputs, ScanpathTiming } from './core/manifest';
export { parseProfileString, formatProfileString, describeSupportedProfile } from './core/profile';
export type { ProfileSpec } from './core/profile';

// decoding and smoothing (for custom pipelines and re-decoding with other options)
export { pointsFromDensity, DEFAULT_DECODE_OPTIONS } from './core/decode';
export type { DecodeOptions } from './core/decode';
export { DensitySmoother } from './core/smoothing';
export type { SmoothingOptions } from './core/smoothing';

// seeking a video and waiting for its frame (bounded by a timeout, abortable), as the predictor does
export { seekTo as seekVideo } from './client/frame-sampler';

// drawing
export { createOverlay, renderOverlay, placeOverlayCanvas } from './client/overlay';
export type { Overlay, OverlayOptions, OverlayMedia } from './client/overlay';
export { drawPrediction, drawHeatmap, drawPoints, drawScanpath, massRadius, DEFAULT_DRAW_OPTIONS } from './client/drawing';
export type { DrawOptions, DrawingContext, DrawnFrame, FrameToCanvas, PerPoint, PointsLayout } from './client/drawing';
export { ATTENTION_HEATMAP, colormapLut } from './core/heatmap';
export type { HeatmapStyle } from './core/heatmap';
export { placeMedia } from './core/content-box';
export type { MediaPlacement, ObjectFit, Rect } from './core/content-box';
export type { ColormapName } from './core/heatmap';
