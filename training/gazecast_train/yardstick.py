"""The yardstick for differences between two attention maps: how much two random halves of the SAME real audience
differ on the same stimulus.

The app compares audience A with audience B (or creative A with creative B) by the total variation distance (TVD,
the share of attention placed differently) and the correlation (CC) of their density maps on the model's output
grid. A difference only means something if it is larger than what chance alone produces between two groups of
people of one kind: here, the viewers of each validation stimulus are split at random into two halves, each half's
fixations become a density map on the same grid the app compares on (the output cells that cover the frame,
through the model's letterbox), and the two maps are compared. The spread of those figures over stimuli and splits
is the yardstick; `summarise` returns its median and 10th/90th percentiles per dataset and overall.

Density maps of halves: fixations counted per output cell, blurred with a Gaussian of sigma CEILING_SIGMA x the
grid's width (the same smoothing as the inter-observer ceiling in evaluate.py), renormalised over the frame's cells.
Frames need at least 2 x MIN_HALF viewers. Video frames are the 0.5 s frames of data.video_frames.

    python3 -m training.gazecast_train.yardstick                     # validation split of every dataset in /work/shared/data
    python3 -m training.gazecast_train.yardstick --splits 50 --json  # machine-readable, for manifest.metrics.yardstick
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy.ndimage import gaussian_filter

from .data import Frame, fixation_cells, frame_cell_mask, load_frames
from .evaluate import CEILING_SIGMA
from .metrics import cc
from .splits import split_frames

MIN_HALF = 2  # viewers per half; fewer and a "half" is one person's scanpath, not an audience
DEFAULT_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))), "shared", "data")
# the shipped model's grids: input 192x144, output 48x36 (public/models/gazecast-mnv1-s8/manifest.json)
DEFAULT_GRID = (192, 144, 48, 36)


def half_density(fr: Frame, observers: Sequence[str], grid: Tuple[int, int, int, int]) -> np.ndarray:
    """Fixation density of some of a frame's viewers on the output cells that cover the frame, sums to 1."""
    in_w, in_h, out_w, out_h = grid
    mask = frame_cell_mask(fr, in_w, in_h, out_w, out_h)
    rows, cols = np.nonzero(mask.any(1))[0], np.nonzero(mask.any(0))[0]
    counts = np.zeros(out_h * out_w, np.float64)
    pts = fr.all_fixations(observers)
    if len(pts):
        np.add.at(counts, fixation_cells(fr, pts, in_w, in_h, out_w, out_h), 1.0)
    m = counts.reshape(out_h, out_w)[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    m = gaussian_filter(m, CEILING_SIGMA * m.shape[1], mode="constant")
    total = m.sum()
    return m / total if total > 0 else np.full(m.shape, 1.0 / m.size)


def tvd(p: np.ndarray, q: np.ndarray) -> float:
    """Total variation distance of two distributions on one grid: 0.5 * sum |p - q|, in [0, 1]."""
    return float(0.5 * np.abs(p - q).sum())


def split_half_differences(frames: Sequence[Frame], grid: Tuple[int, int, int, int] = DEFAULT_GRID,
                           splits: int = 20, seed: int = 0) -> Dict[str, Dict[str, List[float]]]:
    """dataset -> {'tvd': [...], 'cc': [...]}, one value per (frame, random split into halves)."""
    rng = np.random.default_rng(seed)
    out: Dict[str, Dict[str, List[float]]] = {}
    for fr in frames:
        viewers = sorted(v for v, p in fr.fixations.items() if len(p))
        if len(viewers) < 2 * MIN_HALF:
            continue
        acc = out.setdefault(fr.dataset, {"tvd": [], "cc": []})
        for _ in range(splits):
            perm = rng.permutation(len(viewers))
            half = len(viewers) // 2
            a = half_density(fr, [viewers[i] for i in perm[:half]], grid)
            b = half_density(fr, [viewers[i] for i in perm[half:2 * half]], grid)  # equal halves: drop one if odd
            acc["tvd"].append(tvd(a, b))
            acc["cc"].append(cc(a, b))
    return out


def _stats(tvds: Sequence[float], ccs: Sequence[float], frames: int) -> Dict[str, float]:
    t, c = np.asarray(tvds), np.asarray(ccs)
    return {
        "frames": frames,
        "pairs": int(len(t)),
        "tvd_median": round(float(np.median(t)), 4),
        "tvd_p10": round(float(np.percentile(t, 10)), 4),
        "tvd_p90": round(float(np.percentile(t, 90)), 4),
        "cc_median": round(float(np.median(c)), 4),
        "cc_p10": round(float(np.percentile(c, 10)), 4),
        "cc_p90": round(float(np.percentile(c, 90)), 4),
    }


def yardstick(frames: Sequence[Frame], grid: Tuple[int, int, int, int] = DEFAULT_GRID, splits: int = 20,
              seed: int = 0) -> Dict[str, object]:
    """The yardstick of `frames` (pass the validation frames): per dataset and overall (all pairs pooled), the median
    and 10th / 90th percentiles of TVD and CC between the density maps of two random halves of the viewers.
    This dict is what the app reads from manifest.metrics.yardstick ("clearly different" = A-vs-B TVD above
    overall.tvd_p90)."""
    diffs = split_half_differences(frames, grid, splits, seed)
    if not diffs:
        raise ValueError(f"no frame has {2 * MIN_HALF} or more viewers: nothing to split into halves")
    n_frames: Dict[str, int] = {}
    for fr in frames:
        if sum(1 for p in fr.fixations.values() if len(p)) >= 2 * MIN_HALF:
            n_frames[fr.dataset] = n_frames.get(fr.dataset, 0) + 1
    per = {ds: _stats(d["tvd"], d["cc"], n_frames[ds]) for ds, d in sorted(diffs.items())}
    all_t = [v for d in diffs.values() for v in d["tvd"]]
    all_c = [v for d in diffs.values() for v in d["cc"]]
    in_w, in_h, out_w, out_h = grid
    return {
        "method": "random halves of each stimulus's viewers; fixation density on the output grid (Gaussian sigma "
                  f"{CEILING_SIGMA} x grid width); TVD and CC between the halves",
        "split": "val",
        "grid": {"input": [in_w, in_h], "output": [out_w, out_h]},
        "splits_per_frame": splits,
        "seed": seed,
        "overall": _stats(all_t, all_c, sum(n_frames.values())),
        "per_dataset": per,
    }


def validation_frames(data_dirs: Sequence[str]) -> List[Frame]:
    frames, _observers = load_frames(data_dirs)
    return [frames[i] for i in split_frames(frames)["val"]]


def grid_from_manifest(path: str) -> Tuple[int, int, int, int]:
    with open(path) as f:
        m = json.load(f)
    return int(m["input"]["width"]), int(m["input"]["height"]), int(m["output"]["width"]), int(m["output"]["height"])


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder of canonical datasets (default %(default)s)")
    ap.add_argument("--datasets", nargs="*", help="dataset folder names (default: every folder with a stimuli.csv)")
    ap.add_argument("--manifest", help="take the input/output grid from this manifest.json (default 192x144 -> 48x36)")
    ap.add_argument("--splits", type=int, default=20, help="random splits into halves per frame (default %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the dict as JSON only")
    a = ap.parse_args(argv)
    names = a.datasets or sorted(d for d in os.listdir(a.data) if os.path.exists(os.path.join(a.data, d, "stimuli.csv")))
    grid = grid_from_manifest(a.manifest) if a.manifest else DEFAULT_GRID
    ys = yardstick(validation_frames([os.path.join(a.data, d) for d in names]), grid, a.splits, a.seed)
    if a.json:
        print(json.dumps(ys, indent=2))
        return 0
    print(f"Yardstick: two random halves of one real audience, validation split, grid {grid[2]}x{grid[3]}")
    print(f"{'dataset':<12}{'frames':>7}{'TVD median':>12}{'TVD p90':>9}{'CC median':>11}{'CC p10':>8}")
    rows = list(ys["per_dataset"].items()) + [("overall", ys["overall"])]  # type: ignore[union-attr]
    for name, s in rows:
        print(f"{name:<12}{s['frames']:>7}{s['tvd_median']:>12.3f}{s['tvd_p90']:>9.3f}{s['cc_median']:>11.3f}{s['cc_p10']:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
