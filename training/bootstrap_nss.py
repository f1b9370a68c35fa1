#!/usr/bin/env python3
"""How noisy is a per-dataset NSS fraction of the ceiling, and is a difference between two tune runs real?

  /usr/bin/python3 training/bootstrap_nss.py H=192x144:training/runs/tune/192x144-a377316165/main.pt \
      H224=224x168:training/runs/tune/224x168-b394a39eba/main.pt

Each argument names a checkpoint and its input size: a stage-1 checkpoint that tune.py or the pipeline writes
(`main.pt`), or the pipeline's `population.pt` (the population map after the population stage; the personal stage
leaves it as it is). On the *tune* split, per dataset, it prints each run's NSS as a fraction
of the inter-observer ceiling (as evaluate.population_scores computes it), the standard deviation of that fraction
over 2,000 bootstrap resamples of the stimuli, and, for every run after the first, the difference from the first
with the standard deviation of the paired difference (the same resampled stimuli for both). training/TUNING.md
quotes its output.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gazecast_train import evaluate as E  # noqa: E402
from gazecast_train import metrics as M  # noqa: E402
from gazecast_train.data import load_frames  # noqa: E402
from gazecast_train.features import load_cache  # noqa: E402
from gazecast_train.pipeline import REPO  # noqa: E402
from gazecast_train.splits import held_out_viewers, split_frames  # noqa: E402
from gazecast_train.train import FeatureBank, TrainConfig, make_head, predict_rows  # noqa: E402
from tune import SHARED  # noqa: E402


def per_stimulus_nss(ckpt: str, w: int, h: int, frames, rows, cb: E.CentreBias):
    """stimulus id -> (dataset, model NSS per viewer, ceiling NSS per viewer)."""
    cfg = TrainConfig(in_w=w, in_h=h)
    st = torch.load(ckpt)
    head = make_head(cfg, np.zeros((cfg.out_h, cfg.out_w)))  # the prior is a parameter: the checkpoint sets it
    if "head" in st:  # a stage-1 checkpoint (train_head): its best epoch, else its last
        st = st["best_head"] if st.get("best_head") is not None else st["head"]
    head.load_state_dict(st)  # else a plain state dict (the pipeline's population.pt)
    head.eval()
    bank = FeatureBank(load_cache(os.path.join(REPO, "training", "cache", f"pretrained-{w}x{h}-all")), rows)
    logp = predict_rows(head, bank, rows, emb_dim=cfg.emb_dim)
    out = {}
    for k, r in enumerate(rows):
        f = frames[r]
        g = E.Grid(f, cfg)
        P, C = g.density(logp[k]), cb.density(g)
        pairs = [(M.nss(P, vfix), M.nss(Q, vfix)) for vfix, Q in E.ceiling_by_viewer(f, g, C)]
        out[f.stimulus_id] = (f.dataset, [m for m, _ in pairs], [c for _, c in pairs])
    return out


def fraction(res, ids) -> float:
    model = [x for i in ids for x in res[i][1]]
    ceiling = [x for i in ids for x in res[i][2]]
    return float(np.mean(model) / np.mean(ceiling))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="name=WxH:checkpoint")
    ap.add_argument("--resamples", type=int, default=2000)
    args = ap.parse_args()
    frames, observers = load_frames([os.path.join(SHARED, d) for d in ("osie", "eyecrowd", "scene", "causality")])
    split = split_frames(frames)
    held = set(held_out_viewers(observers))
    cb = E.CentreBias(frames, split["train"], held)
    runs = {}
    for spec in args.runs:
        name, rest = spec.split("=", 1)
        size, ckpt = rest.split(":", 1)
        w, h = (int(x) for x in size.split("x"))
        runs[name] = per_stimulus_nss(ckpt, w, h, frames, split["tune"], cb)
    names = list(runs)
    first = runs[names[0]]
    rng = np.random.default_rng(0)
    for ds in sorted({d for d, _, _ in first.values()}):
        ids = [i for i, (d, _, _) in first.items() if d == ds]
        picks = [[ids[j] for j in rng.integers(0, len(ids), len(ids))] for _ in range(args.resamples)]
        boot = {n: np.array([fraction(runs[n], p) for p in picks]) for n in names}
        line = [f"{ds} ({len(ids)} stimuli):"]
        for n in names:
            line.append(f"{n} {fraction(runs[n], ids):.3f} (sd {boot[n].std():.3f})")
            if n != names[0]:
                d = fraction(runs[n], ids) - fraction(first, ids)
                line.append(f"{n} − {names[0]} {d:+.3f} (sd {(boot[n] - boot[names[0]]).std():.3f})")
        print("  ".join(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
