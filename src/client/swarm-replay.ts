/** What `<gaze-overlay mode="swarm">` loads when that mode is first used: the replay and its drawing. */
export { gazeAt } from '../core/gaze-replay';
export { drawBeeSwarm } from './bee-swarm';
