import { describe, expect, it } from 'vitest';
import type { Aoi } from '../../src/core/aoi';
import type { StudyViewer, VirtualStudy } from '../../src/core/study';
import { studyReport } from '../../src/core/study-metrics';
import {
  compareStudies, describeStudyCalibration, describeStudyComparison, studyCalibrationFromMetrics, studyStory,
} from '../../src/core/study-story';

// A 100 x 100 frame: "Left" is x < 50, "Right" is x >= 50.
const aois: Aoi[] = [
  { id: 'l', name: 'Left', shape: { kind: 'rect', x: 0, y: 0, width: 50, height: 100 } },
  { id: 'r', name: 'Right', shape: { kind: 'rect', x: 50, y: 0, width: 50, height: 100 } },
];

/** `n` viewers: the first `firstLeft` look left at 200 ms, the others right at 200 ms; those
 *  with index < `thenRight` move right at 2000 ms. */
function panel(n: number, firstLeft: number, thenRight: number): VirtualStudy {
  const viewers: StudyViewer[] = [];
  for (let v = 0; v < n; v++) {
    const fixations = [{ x: v < firstLeft ? 10 : 90, y: 50, onsetMs: 200, durationMs: 300 }];
    if (v < thenRight) fixations.push({ x: 90, y: 50, onsetMs: 2000, durationMs: 300 });
    viewers.push({ fixations });
  }
  return { frame: { width: 100, height: 100 }, durationMs: 3000, viewers };
}

describe('studyStory', () => {
  it('says what is seen first and by how many, and what most never reach in 3 s', () => {
    // 200 viewers: 150 look left first (75 %); 20 of them later go right; right seen within 3 s by 50 + 20 = 35 %
    const text = studyStory('Everyone', studyReport(panel(200, 150, 20), aois));
    expect(text).toContain('Of 200 simulated viewers of Everyone, 75 % look at “Left” first; 75 % see it within 1 s (median 0.20 s to first look).');
    expect(text).toContain('Most viewers never reach “Right” (35 % within 3 s).');
  });

  it('leaves out a window the viewing is too short for', () => {
    const short = { ...panel(10, 10, 0), durationMs: 1500 };
    const text = studyStory('X', studyReport(short, aois));
    expect(text).not.toMatch(/within 3 s/);
  });
});

describe('compareStudies', () => {
  it('a large gap between two panels of 200 is beyond the noise, named with both shares', () => {
    const a = studyReport(panel(200, 124, 0), aois); // left first: 62 %
    const b = studyReport(panel(200, 36, 0), aois); // 18 %
    const lines = compareStudies(a, b);
    const left1 = lines.find((l) => l.aoi === 'Left' && l.figure === 'seen within 1 s')!;
    expect(left1.text).toBe("“Left” seen within 1 s: A 62 %, B 18 % (A +44 points, beyond the panels' noise)");
    expect(left1.beyondNoise).toBe(true);
    expect(describeStudyComparison(lines, 'Young', 'Old')).toMatch(/^Young \(A\) vs Old \(B\): “(Left|Right)” /);
  });

  it('52 % vs 48 % of 200 is within the noise, and the summary says the audiences do not differ', () => {
    const lines = compareStudies(studyReport(panel(200, 104, 0), aois), studyReport(panel(200, 96, 0), aois));
    expect(lines.every((l) => !l.beyondNoise)).toBe(true);
    expect(describeStudyComparison(lines, 'Young', 'Old')).toMatch(/do not differ beyond the panels' noise on any area/);
  });
});

describe('study calibration from the manifest', () => {
  it('reads maePp and maeMs per area set, skipping counts', () => {
    const cal = studyCalibrationFromMetrics({
      scanpath: {
        calibration: {
          images: 3,
          viewersPerImage: 20,
          faces: { seenWithin3Fixations: { maePp: 8.6 }, ttffMedian: { maeMs: 310 } },
          grid: { seenWithin3Fixations: { maePp: 23.2 }, ttffMedian: { areas: 16, maeMs: 474.8 } },
        },
      },
    });
    expect(cal).toEqual([
      { areaSet: 'faces', seenWithin3MaePp: 8.6, ttffMaeMs: 310 },
      { areaSet: 'grid', seenWithin3MaePp: 23.2, ttffMaeMs: 474.8 },
    ]);
    expect(describeStudyCalibration(cal)).toBe(
      'How well such figures matched real viewers on validation (mean absolute error): seen within 3 fixations 9 points (faces areas), 23 points (grid areas); median time to first fixation 0.31 s (faces), 0.47 s (grid).',
    );
  });

  it('a model without calibration says so', () => {
    expect(studyCalibrationFromMetrics({ yardstick: {} })).toBeNull();
    expect(studyCalibrationFromMetrics(undefined)).toBeNull();
    expect(describeStudyCalibration(null)).toMatch(/no calibration against real viewers/);
  });
});
