export type {
  GazeStudy, ImportFormat, ImportProblem, ImportResult, ObserverAttributeKey,
  StudyFixation, StudyObserver, StudyStimulus,
} from './types';
export { importCanonical, parseFixationsCsv, parseObserversCsv, parseStimuliCsv, type CanonicalFiles, type FixationCheck } from './canonical';
export { importTobiiProLab, type TobiiImportOptions } from './tobii-pro-lab';
export { importEyeLinkFixationReport, type DisplayGeometry, type EyeLinkImportOptions } from './eyelink-fixation-report';
export { importPupilLabsSurface, type PupilSurfaceImportOptions } from './pupil-labs-surface';
export { detectFormat, type DetectedFormat } from './detect';
export { stimulusKey, type StimulusSize } from './assemble';
export { formatProblems, importError, ImportInvalidError } from './problems';
