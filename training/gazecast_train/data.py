"""Reads eye-tracking data in the canonical gazecast format (see ../shared/data/README.md).

One *frame* is what the model sees once: an image stimulus, or one frame of a video stimulus together with the
fixations active in a time window around it. Each frame carries, per observer, the fixation points (native pixels)
that count as targets and for scoring.
"""
from __future__ import annotations

import csv
import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

VIDEO_STEP_MS = 500  # one training/eval frame every 0.5 s of video
VIDEO_WINDOW_MS = 250  # fixations overlapping [t - w, t + w] belong to the frame at t


@dataclass
class Observer:
    observer_id: str
    dataset: str
    age: Optional[int]
    gender: Optional[str]
    group: Optional[str]
    task: Optional[str]


@dataclass
class Frame:
    frame_id: str  # stimulus id, plus '@<ms>' for video frames
    stimulus_id: str
    dataset: str
    path: str
    kind: str  # 'image' | 'video'
    width: int
    height: int
    t_ms: int = 0
    # observer id -> float32 [n, 2] native-pixel fixations (first fixation of image trials left out)
    fixations: Dict[str, np.ndarray] = field(default_factory=dict)
    # observer id -> number of viewings (trials) behind the points
    trials: Dict[str, int] = field(default_factory=dict)

    def all_fixations(self, observers: Optional[Sequence[str]] = None) -> np.ndarray:
        keys = self.fixations.keys() if observers is None else [o for o in observers if o in self.fixations]
        arrs = [self.fixations[k] for k in keys]
        return np.concatenate(arrs) if arrs else np.zeros((0, 2), np.float32)


class DataError(ValueError):
    pass


def _read_csv(path: str) -> List[Dict[str, str]]:
    if not os.path.exists(path):
        raise DataError(f"{path}: missing (a canonical dataset folder needs stimuli.csv, observers.csv, fixations.csv)")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _require(row: Dict[str, str], key: str, path: str, line: int) -> str:
    v = row.get(key)
    if v is None or v == "":
        raise DataError(f"{path}:{line}: column '{key}' is empty or missing")
    return v


def stable_fraction(key: str) -> float:
    """A deterministic pseudo-random number in [0, 1) from a string (splits that do not depend on order)."""
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) / 2**32


@dataclass
class Dataset:
    name: str
    folder: str
    stimuli: Dict[str, Dict[str, str]]
    observers: Dict[str, Observer]
    fix_rows: List[Tuple[str, str, int, int, float, float, Optional[float], Optional[float]]]


def load_dataset(folder: str) -> Dataset:
    folder = os.path.abspath(folder)
    name = os.path.basename(folder.rstrip("/"))
    stim_path = os.path.join(folder, "stimuli.csv")
    stimuli = {}
    for i, r in enumerate(_read_csv(stim_path), start=2):
        sid = _require(r, "stimulus_id", stim_path, i)
        kind = _require(r, "kind", stim_path, i)
        if kind not in ("image", "video"):
            raise DataError(f"{stim_path}:{i}: kind '{kind}' is neither 'image' nor 'video'")
        for k in ("file", "width", "height"):
            _require(r, k, stim_path, i)
        stimuli[sid] = r
    obs_path = os.path.join(folder, "observers.csv")
    observers = {}
    for i, r in enumerate(_read_csv(obs_path), start=2):
        oid = _require(r, "observer_id", obs_path, i)
        age = r.get("age") or None
        observers[oid] = Observer(oid, name, int(float(age)) if age else None, r.get("gender") or None,
                                  r.get("group") or None, r.get("task") or None)
    fix_path = os.path.join(folder, "fixations.csv")
    rows = []
    for i, r in enumerate(_read_csv(fix_path), start=2):
        try:
            sid, oid = r["stimulus_id"], r["observer_id"]
            trial, index = int(r["trial"]), int(r["index"])
            x, y = float(r["x"]), float(r["y"])
            start = float(r["start_ms"]) if r.get("start_ms") else None
            dur = float(r["duration_ms"]) if r.get("duration_ms") else None
        except (KeyError, ValueError, TypeError) as e:
            raise DataError(f"{fix_path}:{i}: malformed row ({e})") from None
        if sid not in stimuli:
            raise DataError(f"{fix_path}:{i}: stimulus '{sid}' is not in stimuli.csv")
        if oid not in observers:
            raise DataError(f"{fix_path}:{i}: observer '{oid}' is not in observers.csv")
        rows.append((sid, oid, trial, index, x, y, start, dur))
    return Dataset(name, folder, stimuli, observers, rows)


def image_frames(ds: Dataset) -> List[Frame]:
    frames: Dict[str, Frame] = {}
    pts: Dict[Tuple[str, str], List[Tuple[float, float]]] = {}
    trials: Dict[Tuple[str, str], set] = {}
    for sid, r in ds.stimuli.items():
        if r["kind"] == "image":
            frames[sid] = Frame(sid, sid, ds.name, os.path.join(ds.folder, r["file"]), "image",
                                int(r["width"]), int(r["height"]))
    for sid, oid, trial, index, x, y, _s, _d in ds.fix_rows:
        if sid not in frames:
            continue
        trials.setdefault((sid, oid), set()).add(trial)
        if index == 0:  # the central fixation cross, left out by the field's convention
            continue
        pts.setdefault((sid, oid), []).append((x, y))
    for (sid, oid), p in pts.items():
        frames[sid].fixations[oid] = np.asarray(p, np.float32)
        frames[sid].trials[oid] = len(trials[(sid, oid)])
    return [f for f in frames.values() if f.fixations]


def video_frames(ds: Dataset) -> List[Frame]:
    """Frames every VIDEO_STEP_MS with the fixations overlapping a window around each."""
    out = []
    by_stim: Dict[str, list] = {}
    for row in ds.fix_rows:
        by_stim.setdefault(row[0], []).append(row)
    for sid, r in ds.stimuli.items():
        if r["kind"] != "video":
            continue
        duration = float(r.get("duration_ms") or 0)
        rows = by_stim.get(sid, [])
        for t in range(VIDEO_STEP_MS, int(duration), VIDEO_STEP_MS):
            fr = Frame(f"{sid}@{t}", sid, ds.name, os.path.join(ds.folder, r["file"]), "video",
                       int(r["width"]), int(r["height"]), t_ms=t)
            pts: Dict[str, list] = {}
            tr: Dict[str, set] = {}
            for _sid, oid, trial, index, x, y, start, dur in rows:
                if start is None:
                    continue
                end = start + (dur or 0)
                if start <= t + VIDEO_WINDOW_MS and end >= t - VIDEO_WINDOW_MS and index > 0:
                    pts.setdefault(oid, []).append((x, y))
                    tr.setdefault(oid, set()).add(trial)
            for oid, p in pts.items():
                fr.fixations[oid] = np.asarray(p, np.float32)
                fr.trials[oid] = len(tr[oid])
            if fr.fixations:
                out.append(fr)
    return out


def load_frames(folders: Sequence[str]) -> Tuple[List[Frame], Dict[str, Observer]]:
    frames: List[Frame] = []
    observers: Dict[str, Observer] = {}
    for folder in folders:
        ds = load_dataset(folder)
        frames += image_frames(ds) + video_frames(ds)
        observers.update(ds.observers)
    return frames, observers


# ---------- pixels ----------

def letterbox_geometry(w: int, h: int, in_w: int, in_h: int) -> Tuple[float, float, float]:
    """(scale, offset_x, offset_y) of the contract's letterbox: one scale to fit, centred."""
    s = min(in_w / w, in_h / h)
    return s, (in_w - w * s) / 2.0, (in_h - h * s) / 2.0


def letterbox_image(img: Image.Image, in_w: int, in_h: int) -> np.ndarray:
    """RGB uint8 [in_h, in_w, 3]; padding is the mean colour (normalises to 0 with mean 0.5)."""
    w, h = img.size
    s, ox, oy = letterbox_geometry(w, h, in_w, in_h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    canvas = Image.new("RGB", (in_w, in_h), (128, 128, 128))
    canvas.paste(img.convert("RGB").resize((nw, nh), Image.BILINEAR), (round(ox), round(oy)))
    return np.asarray(canvas, dtype=np.uint8)


def read_video_frame(path: str, t_ms: int) -> Image.Image:
    cmd = ["ffmpeg", "-v", "error", "-ss", f"{t_ms / 1000:.3f}", "-i", path, "-frames:v", "1",
           "-f", "image2pipe", "-vcodec", "png", "-"]
    png = subprocess.run(cmd, check=True, capture_output=True).stdout
    import io
    return Image.open(io.BytesIO(png)).convert("RGB")


def frame_pixels(fr: Frame, in_w: int, in_h: int) -> np.ndarray:
    img = Image.open(fr.path) if fr.kind == "image" else read_video_frame(fr.path, fr.t_ms)
    return letterbox_image(img, in_w, in_h)


def normalise(rgb: np.ndarray) -> np.ndarray:
    """uint8 [h, w, 3] -> float32 [3, h, w] with mean 0.5 / std 0.5 (the contract's input)."""
    return (rgb.astype(np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5


# ---------- fixations on the output grid ----------

def fixation_cells(fr: Frame, pts: np.ndarray, in_w: int, in_h: int, out_w: int, out_h: int,
                   flip: bool = False) -> np.ndarray:
    """Flat output-grid cell index of each native-pixel fixation (through the letterbox)."""
    s, ox, oy = letterbox_geometry(fr.width, fr.height, in_w, in_h)
    x = pts[:, 0]
    if flip:
        x = fr.width - x
    col = np.clip(((ox + x * s) * out_w / in_w).astype(np.int64), 0, out_w - 1)
    row = np.clip(((oy + pts[:, 1] * s) * out_h / in_h).astype(np.int64), 0, out_h - 1)
    return row * out_w + col


def frame_cell_mask(fr: Frame, in_w: int, in_h: int, out_w: int, out_h: int) -> np.ndarray:
    """bool [out_h, out_w]: the output cells that cover the frame (not only letterbox padding)."""
    s, ox, oy = letterbox_geometry(fr.width, fr.height, in_w, in_h)
    cw, ch = in_w / out_w, in_h / out_h
    # tolerances: float rounding must not add a cell of pure padding (e.g. 703 * (192/703) = 192.0000001)
    c0, c1 = max(0, int(np.floor(ox / cw + 1e-4))), min(out_w, int(np.ceil((ox + fr.width * s) / cw - 1e-4)))
    r0, r1 = max(0, int(np.floor(oy / ch + 1e-4))), min(out_h, int(np.ceil((oy + fr.height * s) / ch - 1e-4)))
    m = np.zeros((out_h, out_w), bool)
    m[r0:r1, c0:c1] = True
    return m
