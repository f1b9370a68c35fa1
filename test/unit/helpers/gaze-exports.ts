/**
 * Writes canonical fixations as the eye-tracker exports the importers read, the way those tools
 * lay them out (Tobii: one row per gaze sample, a fixation's values repeated on each of its
 * samples, saccade rows between; EyeLink: one row per fixation, 1-based indices, "." for missing).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StudyFixation } from '../../../src/core/import';

export const fixtureDir = fileURLToPath(new URL('../../fixtures/gaze/osie-mini/', import.meta.url));
export const readFixture = (name: string): string => readFileSync(fixtureDir + name, 'utf8');

export interface ExportScreen {
  readonly width: number;
  readonly height: number;
}

function byViewing(fixations: readonly StudyFixation[]): StudyFixation[][] {
  const groups = new Map<string, StudyFixation[]>();
  for (const f of fixations) {
    const k = `${f.observerId}|${f.stimulusId}|${f.trial}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(f);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a.index - b.index));
}

const media = (stimulusId: string): string => `${stimulusId.replace(/^osie-/, '')}.jpg`;

export function toTobiiProLab(
  fixations: readonly StudyFixation[], image: { width: number; height: number },
  opts: { decimalComma?: boolean; oldHeaders?: boolean; screen?: ExportScreen } = {},
): string {
  const screen = opts.screen ?? { width: 1920, height: 1080 };
  const posX = (screen.width - image.width) / 2;
  const posY = (screen.height - image.height) / 2;
  const num = (v: number): string => (opts.decimalComma ? String(v).replace('.', ',') : String(v));
  const header = opts.oldHeaders
    ? ['Recording timestamp', 'Participant name', 'Recording name', 'Presented Media name', 'Presented Media width',
      'Presented Media height', 'Presented Media position X (DACSpx)', 'Presented Media position Y (DACSpx)', 'Eye movement type',
      'Gaze event duration', 'Eye movement type index', 'Fixation point X', 'Fixation point Y', 'Fixation point X (MCSnorm)', 'Fixation point Y (MCSnorm)']
    : ['Recording timestamp [μs]', 'Participant name', 'Recording name', 'Presented Media name', 'Presented Media width [px]',
      'Presented Media height [px]', 'Presented Media position X [DACS px]', 'Presented Media position Y [DACS px]', 'Eye movement type',
      'Gaze event duration [ms]', 'Eye movement type index', 'Fixation point X [DACS px]', 'Fixation point Y [DACS px]', 'Fixation point X [MCS norm]', 'Fixation point Y [MCS norm]'];
  const unit = opts.oldHeaders ? 1 : 1000;
  const rows: string[] = [header.join('\t')];
  const tByRecording = new Map<string, number>();
  const fixIndex = new Map<string, number>();
  for (const viewing of byViewing(fixations)) {
    const first = viewing[0]!;
    const rec = `Recording ${first.observerId}`;
    let t = tByRecording.get(rec) ?? 0;
    let k = fixIndex.get(rec) ?? 0;
    const sample = (cells: (string | number)[]): void => {
      rows.push([String(t * unit), first.observerId, rec, ...cells.map(String)].join('\t'));
      t += 8;
    };
    // a blank screen between images: samples with no media
    sample(['', '', '', '', '', 'Unclassified', '16', '0', '', '', '', '']);
    for (const f of viewing) {
      k++;
      const dur = f.durationMs ?? 100;
      for (let s = 0; s < 3; s++) {
        sample([media(f.stimulusId), image.width, image.height, posX, posY, 'Fixation', dur, k,
          num(f.x + posX), num(f.y + posY), num(f.x / image.width), num(f.y / image.height)]);
      }
      sample([media(f.stimulusId), image.width, image.height, posX, posY, 'Saccade', 30, k, '', '', '', '']);
    }
    tByRecording.set(rec, t);
    fixIndex.set(rec, k);
  }
  return `${rows.join('\r\n')}\r\n`;
}

export function toEyeLinkReport(fixations: readonly StudyFixation[], screenOffset: { x: number; y: number }): string {
  const header = ['RECORDING_SESSION_LABEL', 'TRIAL_INDEX', 'CURRENT_FIX_INDEX', 'CURRENT_FIX_X', 'CURRENT_FIX_Y',
    'CURRENT_FIX_START', 'CURRENT_FIX_DURATION', 'CURRENT_FIX_PUPIL', 'image'];
  const rows = [header.join('\t')];
  const trialByObserver = new Map<string, number>();
  for (const viewing of byViewing(fixations)) {
    const first = viewing[0]!;
    const trial = (trialByObserver.get(first.observerId) ?? 0) + 1;
    trialByObserver.set(first.observerId, trial);
    viewing.forEach((f, i) => {
      rows.push([first.observerId, trial, i + 1, f.x + screenOffset.x, f.y + screenOffset.y,
        f.startMs ?? '.', f.durationMs ?? '.', '.', `images/${media(f.stimulusId)}`].join('\t'));
    });
  }
  return `${rows.join('\n')}\n`;
}

/** One viewing as Pupil Player's fixations_on_surface_<name>.csv: a row per world frame, y from the bottom. */
export function toPupilSurface(viewing: readonly StudyFixation[], image: { width: number; height: number }, offSurface: readonly number[] = []): string {
  const header = 'world_timestamp,world_index,fixation_id,start_timestamp,duration,dispersion,norm_pos_x,norm_pos_y,x_scaled,y_scaled,on_surf';
  const rows = [header];
  let t = 1234.5;
  let world = 100;
  viewing.forEach((f, i) => {
    const id = 40 + i;
    const dur = f.durationMs ?? 100;
    const nx = f.x / image.width;
    const ny = 1 - f.y / image.height;
    for (let k = 0; k < 3; k++) {
      rows.push([(t + k / 30).toFixed(6), world++, id, t.toFixed(6), dur, 1.2, nx, ny, nx * image.width, ny * image.height,
        offSurface.includes(i) ? 'False' : 'True'].join(','));
    }
    t += dur / 1000 + 0.03;
  });
  return `${rows.join('\n')}\n`;
}
