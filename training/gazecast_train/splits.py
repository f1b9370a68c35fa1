"""Deterministic splits: by stimulus (all observers of an image/clip together) and held-out viewers."""
from __future__ import annotations

from typing import Dict, List, Sequence

from .data import Frame, Observer, stable_fraction

VAL_FRACTION, TUNE_FRACTION = 0.2, 0.1
HELD_OUT_VIEWERS_PER_DATASET = 2


def stimulus_split(stimulus_id: str) -> str:
    """'val' (reporting only), 'tune' (early stopping / model choice) or 'train'."""
    u = stable_fraction("split:" + stimulus_id)
    return "val" if u < VAL_FRACTION else "tune" if u < VAL_FRACTION + TUNE_FRACTION else "train"


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
    for i, f in enumerate(frames):
        out[stimulus_split(f.stimulus_id)].append(i)
    return out
