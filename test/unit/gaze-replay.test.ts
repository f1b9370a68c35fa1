import { describe, expect, it } from 'vitest';
import { gazeAt } from '../../src/core/gaze-replay';
import type { VirtualStudy } from '../../src/core/study';

const study: VirtualStudy = {
  frame: { width: 100, height: 50 },
  durationMs: 1000,
  viewers: [
    { fixations: [{ x: 10, y: 10, onsetMs: 300, durationMs: 200 }, { x: 80, y: 40, onsetMs: 540, durationMs: 100 }] },
    { fixations: [] },
  ],
};

describe('gazeAt', () => {
  it('is at the start point before the first fixation (default the frame centre)', () => {
    expect(gazeAt(study, 0)).toEqual([
      { viewer: 0, x: 50, y: 25, fixating: false, fixation: -1 },
      { viewer: 1, x: 50, y: 25, fixating: false, fixation: -1 },
    ]);
    expect(gazeAt(study, 299.9, { x: 1, y: 2 })[0]).toEqual({ viewer: 0, x: 1, y: 2, fixating: false, fixation: -1 });
  });
  it('is at the fixation in progress, [onset, onset + duration)', () => {
    expect(gazeAt(study, 300)[0]).toEqual({ viewer: 0, x: 10, y: 10, fixating: true, fixation: 0 });
    expect(gazeAt(study, 499)[0]).toMatchObject({ fixation: 0, fixating: true });
    expect(gazeAt(study, 600)[0]).toEqual({ viewer: 0, x: 80, y: 40, fixating: true, fixation: 1 });
  });
  it('stays on the fixation just left during the saccade and after the last one', () => {
    expect(gazeAt(study, 500)[0]).toEqual({ viewer: 0, x: 10, y: 10, fixating: false, fixation: 0 });
    expect(gazeAt(study, 539)[0]).toMatchObject({ fixation: 0, fixating: false });
    expect(gazeAt(study, 640)[0]).toMatchObject({ fixation: 1, fixating: false });
    expect(gazeAt(study, 5000)[0]).toMatchObject({ fixation: 1, fixating: false });
  });
});
