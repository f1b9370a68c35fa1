"""Deterministic splits: by stimulus (all observers of an image/clip together) and held-out viewers."""
from __future__ import annotations

import math
from typing import Dict, List, Sequence

from .data import Frame, Observer, stable_fraction

VAL_FRACTION, TUNE_FRACTION = 0.2, 0.1
HELD_OUT_VIEWERS_PER_DATASET = 2


def stimulus_splits(frames: Sequence[Frame]) -> Dict[str, str]:
    """stimulus id -> 'val' (reporting only), 'tune' (early stopping / model choice) or 'train'.

    Per dataset, stimuli are ranked by a hash of their id and the first ceil(20 %) go to val, the next ceil(10 %)
    to tune: deterministic, independent of file order, and a small dataset (14 clips) still gets val clips."""
    by_ds: Dict[str, set] = {}
    for f in frames:
        by_ds.setdefault(f.dataset, set()).add(f.stimulus_id)
    out: Dict[str, str] = {}
    for ds, ids in by_ds.items():
        ranked = sorted(ids, key=lambda i: stable_fraction("split:" + i))
        n_val, n_tune = math.ceil(len(ranked) * VAL_FRACTION), math.ceil(len(ranked) * TUNE_FRACTION)
        for k, sid in enumerate(ranked):
            out[sid] = "val" if k < n_val else "tune" if k < n_val + n_tune else "train"
    return out


def held_out_viewers(observers: Dict[str, Observer]) -> List[str]:
    """A few viewers per dataset whose gaze no training step sees (for the few-shot encoder evaluation)."""
    by_ds: Dict[str, List[str]] = {}
    for oid, o in observers.items():
        by_ds.setdefault(o.dataset, []).append(oid)
    out = []
    for ds, ids in sorted(by_ds.items()):
        if len(ids) < 6:
            continue
        out += sorted(ids, key=lambda i: stable_fraction("viewer:" + i))[:HELD_OUT_VIEWERS_PER_DATASET]
    return sorted(out)


def split_frames(frames: Sequence[Frame]) -> Dict[str, List[int]]:
    out: Dict[str, List[int]] = {"train": [], "tune": [], "val": []}
    which = stimulus_splits(frames)
    for i, f in enumerate(frames):
        out[which[f.stimulus_id]].append(i)
    return out
