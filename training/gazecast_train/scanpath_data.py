"""Scanpath training samples: every fixation of every trial, with the fixations before it as history.

One sample is (frame, viewer, history of the last K fixations, the next fixation's cell and ln duration). Image
trials start at the fixation cross (index 0): history only, never a target. Video trials: each fixation is
predicted on the frame shown at its onset (the nearest of frames cached every SCANPATH_VIDEO_STEP_MS), with the
fixations before it in the same trial as history; the first fixation of a clip trial is history only too.
History coordinates are those of the contract: x, y in the letterboxed input divided by its width and height.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .data import Frame, letterbox_geometry, load_dataset

SCANPATH_VIDEO_STEP_MS = 200  # a fixation's frame is at most 100 ms from its onset


@dataclass
class Samples:
    """Column arrays, one row per target fixation."""
    frame: np.ndarray  # int64: row in the scanpath frame list
    viewer: np.ndarray  # object: observer id
    history: np.ndarray  # float32 [n, K, 3]
    cell: np.ndarray  # int64: flat output-grid cell of the target (un-mirrored)
    log_duration: np.ndarray  # float32: ln(duration ms), NaN where unknown
    number: np.ndarray  # int64: 1 = the first fixation after the start
    trial: np.ndarray  # int64: a trial id (unique per stimulus, observer, trial)
    xy: np.ndarray  # float32 [n, 2]: the target's native pixels (for calibration and scoring grids)
    onset: np.ndarray  # float32: the recorded onset (ms from stimulus onset), NaN where the dataset has none
    start_duration: np.ndarray  # float32: the recorded duration of the trial's start fixation, NaN if unknown

    def __len__(self):
        return len(self.frame)

    def take(self, idx) -> "Samples":
        return Samples(*(getattr(self, k)[idx] for k in self.__dataclass_fields__))


def normalised_input_xy(f: Frame, xy: np.ndarray, in_w: int, in_h: int) -> np.ndarray:
    """Native pixels -> (x / in_w, y / in_h) in the letterboxed model input (the contract's history coordinates)."""
    s, ox, oy = letterbox_geometry(f.width, f.height, in_w, in_h)
    return np.stack([(ox + xy[:, 0] * s) / in_w, (oy + xy[:, 1] * s) / in_h], 1).astype(np.float32)


def encode_history(prev_xy_norm: np.ndarray, k: int) -> np.ndarray:
    """The earlier fixations of a trial, oldest first, [m, 2] normalised -> [K, 3] history, most recent first,
    (x, y, 1) per fixation and (0, 0, 0) where there are fewer than K."""
    h = np.zeros((k, 3), np.float32)
    recent = prev_xy_norm[::-1][:k]
    h[:len(recent), :2] = recent
    h[:len(recent), 2] = 1.0
    return h


def output_cell(xy_norm: np.ndarray, out_w: int, out_h: int) -> np.ndarray:
    col = np.clip((xy_norm[:, 0] * out_w).astype(np.int64), 0, out_w - 1)
    row = np.clip((xy_norm[:, 1] * out_h).astype(np.int64), 0, out_h - 1)
    return row * out_w + col


def video_scanpath_frames(folders: Sequence[str]) -> List[Frame]:
    """A frame every SCANPATH_VIDEO_STEP_MS of every video stimulus (no fixations attached)."""
    out = []
    for folder in folders:
        ds = load_dataset(folder)
        for sid, r in ds.stimuli.items():
            if r["kind"] != "video":
                continue
            for t in range(0, int(float(r.get("duration_ms") or 0)), SCANPATH_VIDEO_STEP_MS):
                out.append(Frame(f"{sid}@{t}", sid, ds.name, os.path.join(ds.folder, r["file"]), "video",
                                 int(r["width"]), int(r["height"]), t_ms=t))
    return out


def build_samples(folders: Sequence[str], frames: Sequence[Frame], k: int, in_w: int, in_h: int, out_w: int,
                  out_h: int) -> Samples:
    """Every target fixation of every trial in the datasets whose stimuli appear in `frames` (image frames, and
    video frames from `video_scanpath_frames`)."""
    image_row = {f.stimulus_id: i for i, f in enumerate(frames) if f.kind == "image"}
    video_rows: Dict[str, List[Tuple[int, int]]] = {}
    for i, f in enumerate(frames):
        if f.kind == "video":
            video_rows.setdefault(f.stimulus_id, []).append((f.t_ms, i))
    cols: Dict[str, list] = {n: [] for n in Samples.__dataclass_fields__}
    trial_id = 0
    for folder in folders:
        ds = load_dataset(folder)
        trials: Dict[Tuple[str, str, int], list] = {}
        for row in ds.fix_rows:
            trials.setdefault((row[0], row[1], row[2]), []).append(row)
        for (sid, oid, _trial), rows in sorted(trials.items()):
            rows.sort(key=lambda r: r[3])
            if sid in image_row:
                fr = frames[image_row[sid]]
                rows_of = [image_row[sid]] * len(rows)
            elif sid in video_rows and all(r[6] is not None for r in rows):
                ts = np.array([t for t, _ in video_rows[sid]])
                fr = frames[video_rows[sid][0][1]]
                rows_of = [video_rows[sid][int(np.argmin(np.abs(ts - r[6])))][1] for r in rows]
            else:
                continue
            xy = np.array([[r[4], r[5]] for r in rows], np.float32)
            norm = normalised_input_xy(fr, xy, in_w, in_h)
            for i in range(1, len(rows)):
                dur = rows[i][7]
                cols["frame"].append(rows_of[i])
                cols["viewer"].append(oid)
                cols["history"].append(encode_history(norm[:i], k))
                cols["log_duration"].append(np.log(dur) if dur and dur > 0 else np.nan)
                cols["number"].append(i)
                cols["trial"].append(trial_id)
                cols["xy"].append(xy[i])
                cols["cell"].append(int(output_cell(norm[i:i + 1], out_w, out_h)[0]))
                cols["onset"].append(np.nan if rows[i][6] is None else rows[i][6])
                cols["start_duration"].append(np.nan if not rows[0][7] else rows[0][7])
            trial_id += 1
    return Samples(np.asarray(cols["frame"], np.int64), np.asarray(cols["viewer"], object),
                   np.asarray(cols["history"], np.float32).reshape(-1, k, 3), np.asarray(cols["cell"], np.int64),
                   np.asarray(cols["log_duration"], np.float32), np.asarray(cols["number"], np.int64),
                   np.asarray(cols["trial"], np.int64), np.asarray(cols["xy"], np.float32).reshape(-1, 2),
                   np.asarray(cols["onset"], np.float32), np.asarray(cols["start_duration"], np.float32))


def mirror(history: np.ndarray, cell: np.ndarray, out_w: int) -> Tuple[np.ndarray, np.ndarray]:
    """The same samples on the mirrored frame: x -> 1 - x where valid, the target cell's column reflected."""
    h = history.copy()
    h[..., 0] = np.where(h[..., 2] > 0, 1.0 - h[..., 0], 0.0)
    row, col = cell // out_w, cell % out_w
    return h, row * out_w + (out_w - 1 - col)
