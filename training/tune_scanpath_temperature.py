"""A temperature for the trained scanpath model's next-fixation density, chosen on the tune split.

TUNING.md lists "a temperature on the step's density for calibration" among the questions for the scanpath model.
This asks it without retraining: the trained head's log-density `logp` becomes log_softmax(logp / T) (T > 1 flattens,
T < 1 sharpens), and for each T it measures on one split

- the population log-likelihood of every fixation given its history (bits/fix over a uniform map on the frame), and
- the calibration of what the product shows (scanpath_stage.calibration: the share of viewers who fixate each face
  box / 3x3 grid cell within their first 3 fixations, virtual panels of 200 against the real viewers; MAE in points),

every T with the same random numbers (one seed), so the differences are not sampling noise between runs.

The rule, fixed before the run: T minimising the mean of the faces and grid "seen within 3 fixations" MAE on the tune
split; validation is then measured once, for T = 1 and the chosen T. Nothing here changes a shipped file.

    /usr/bin/python3 training/tune_scanpath_temperature.py --data ../shared/data/{osie,eyecrowd,scene,causality} \\
        --static-from public/models/gazecast-mnv1-s8 --split tune --temperatures 0.8,0.9,1,1.1,1.25,1.5
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from training.gazecast_train import scanpath_stage as SPS  # noqa: E402
from training.gazecast_train.data import load_frames  # noqa: E402
from training.gazecast_train.features import all_taps, cache_features  # noqa: E402
from training.gazecast_train.mobilenet import pretrained_trunk  # noqa: E402
from training.gazecast_train.pipeline import DEFAULT_WEIGHTS, REPO, scanpath_config  # noqa: E402
from training.gazecast_train.profile import observer_tokens  # noqa: E402
from training.gazecast_train.scanpath_train import Profiles, make_scanpath_head, population_ll  # noqa: E402
from training.gazecast_train.splits import held_out_viewers, split_frames  # noqa: E402
from training.gazecast_train.train import TrainConfig  # noqa: E402
from training.gazecast_train.warm_start import load_static  # noqa: E402


class Tempered(torch.nn.Module):
    """The scanpath head with its next-fixation log-density at temperature `t` (durations unchanged)."""

    def __init__(self, head, t: float):
        super().__init__()
        self.head, self.t, self.k = head, t, head.k

    def forward(self, features, tokens, user_embedding, history):
        logp, dur = self.head(features, tokens, user_embedding, history)
        b, _, h, w = logp.shape
        return F.log_softmax(logp.reshape(b, -1) / self.t, dim=1).reshape(b, 1, h, w), dur

    def __getattr__(self, name):  # the stage reads head attributes (e.g. the embedding size) through it
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.head, name)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", nargs="+", required=True)
    p.add_argument("--static-from", required=True, metavar="MODEL_DIR")
    p.add_argument("--work", default=os.path.join(REPO, "training", "runs", "gazecast-mnv1-s8-full"),
                   help="the run's folder: cached features and checkpoints/scanpath.pt")
    p.add_argument("--split", choices=["tune", "val"], default="tune")
    p.add_argument("--temperatures", default="0.8,0.9,1,1.1,1.25,1.5")
    p.add_argument("--viewers", type=int, default=SPS.CALIBRATION_VIEWERS)
    p.add_argument("--out", default=None, help="JSON file for the results (default: print only)")
    args = p.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    temps = [float(t) for t in args.temperatures.split(",")]

    cfg = TrainConfig(seed=0)
    frames, observers = load_frames(args.data)
    split = split_frames(frames)
    held = set(held_out_viewers(observers))
    viewers = sorted(v for v in observers if v not in held)
    trunk = pretrained_trunk(DEFAULT_WEIGHTS)
    cache_features(frames, all_taps(trunk), os.path.join(args.work, "features-pretrained"), cfg.in_w, cfg.in_h,
                   flips=True, batch=8)
    head, emb, _enc, _metrics = load_static(args.static_from, viewers, cfg)
    sp = scanpath_config(False, 0)
    which = {frames[r].stimulus_id: k for k, rows in split.items() for r in rows}
    data = SPS.ScanpathData(args.data, frames, which, held, head, cfg, sp, args.work, trunk, log=log)
    profiles = Profiles(viewers, emb, lambda v: observer_tokens(observers.get(v)))
    sp_head = make_scanpath_head(cfg, sp)
    st = torch.load(os.path.join(args.work, "checkpoints", "scanpath.pt"))
    sp_head.load_state_dict(st["best_head"] if st.get("best_head") is not None else st["head"])
    sp_head.eval()

    s = data.subset(args.split)
    train = data.subset("train", with_held=False)
    timing = SPS.viewing_timing(args.data, which)
    known = train.log_duration[~np.isnan(train.log_duration)]  # the heatmap baseline's one log-normal, as the stage's
    lognormal = {"mu": float(known.mean()), "sigma": float(known.std())}
    faces = SPS.load_faces(args.data)
    log(f"{args.split}: {len(s)} fixations; temperatures {temps}")
    rows = []
    for t in temps:
        m = Tempered(sp_head, t).eval()
        ll = population_ll(m, s, data.feats, profiles, data.mask_of)
        cal = SPS.calibration(m, data, s, cfg, timing, lognormal, faces, n_viewers=args.viewers, seed=0)
        row = {"temperature": t, "ll_bits": ll,
               **{f"{fam}.n{n}.mae_pp": cal[fam][f"scanpath.n{n}"]["mae_pp"] for fam in ("faces", "grid")
                  for n in (1, 3, 5) if fam in cal},
               **{f"{fam}.heatmap.n3.mae_pp": cal[fam]["heatmap.n3"]["mae_pp"] for fam in ("faces", "grid") if fam in cal},
               **{f"{fam}.floor.n3.mae_pp": cal[fam]["floor.n3"]["mae_pp"] for fam in ("faces", "grid") if fam in cal},
               "images": cal["images"]}
        row["mean.n3.mae_pp"] = (row.get("faces.n3.mae_pp", float("nan")) + row.get("grid.n3.mae_pp", float("nan"))) / 2
        rows.append(row)
        log(json.dumps(row))
    best = min(rows, key=lambda r: r["mean.n3.mae_pp"])
    log(f"chosen by the rule (lowest mean seen-within-3 MAE on {args.split}): T = {best['temperature']}")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump({"split": args.split, "rows": rows, "chosen": best["temperature"]}, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
