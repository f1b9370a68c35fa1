#!/usr/bin/env python3
"""Compares head/training settings on the *tune* split (never validation) from cached trunk features.

  /usr/bin/python3 training/tune.py --size 192x144 --configs '{"a": {"p_population": 0.3}, "b": {...}}'

Each named config overrides TrainConfig fields; the input size sets in_w/in_h, and the output grid follows from
them and out_stride. Prints, per config: seconds, population log-likelihood on tune (bits/fixation over uniform,
comparable only within one size), with --ceiling IG and NSS as fractions of the inter-observer ceiling on tune,
the own-embedding gain over the population for training viewers on tune stimuli (also per dataset), another
viewer's embedding, and the gain from right age/gender tokens. The features come from the cache that train.py
writes (training/cache/pretrained-WxH-all, every tap and mirrored frames, made here if missing). The first stage is
checkpointed per config key (training/runs/tune/WxH-<key>/main.pt, and the seed ensemble's other first stages as
teacher-<k>.pt); configs that differ only in population_*, distil_*, teachers or personal_* fields share them.
training/TUNING.md records the runs behind the shipped defaults.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from gazecast_train import evaluate as E  # noqa: E402
from gazecast_train.data import load_frames, stable_fraction  # noqa: E402
from gazecast_train.features import all_taps, cache_features, load_cache  # noqa: E402
from gazecast_train.mobilenet import pretrained_trunk  # noqa: E402
from gazecast_train.pipeline import DEFAULT_WEIGHTS, REPO  # noqa: E402
from gazecast_train.profile import observer_tokens  # noqa: E402
from gazecast_train.splits import held_out_viewers, split_frames  # noqa: E402
from gazecast_train.train import (FeatureBank, TrainConfig, personal_finetune, settle_population,  # noqa: E402
                                  train_head, tune_ll)

SHARED = os.path.join(os.path.dirname(REPO), "shared", "data")


def key(cfg: TrainConfig) -> str:
    """Checkpoints are per exact config, so a renamed or edited config never resumes another's run."""
    # later stages reuse it; tune.py never refits on train + tune, so that switch names nothing here
    stage1 = {k: v for k, v in vars(cfg).items()
              if not k.startswith(("personal_", "population_", "refit_", "distil_")) and k != "teachers"}
    return hashlib.sha1(json.dumps(stage1, sort_keys=True).encode()).hexdigest()[:10]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="+", default=[os.path.join(SHARED, d) for d in ("osie", "eyecrowd", "scene", "causality")])
    ap.add_argument("--size", default="192x144", help="input WxH (multiples of 8)")
    ap.add_argument("--configs", required=True, help='JSON: {"name": {TrainConfig field: value}}')
    ap.add_argument("--train-fraction", type=float, default=1.0, help="train on this share of the training "
                    "split's stimuli (ranked by a hash of their id; a learning-curve point), tune split unchanged")
    ap.add_argument("--verbose", action="store_true", help="print each stage's per-epoch log")
    ap.add_argument("--ceiling", action="store_true", help="also IG and NSS as fractions of the inter-observer "
                    "ceiling on tune (about a minute more per config)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    w, h = (int(x) for x in args.size.split("x"))
    frames, observers = load_frames(args.data)
    cache_dir = cache_features(frames, all_taps(pretrained_trunk(DEFAULT_WEIGHTS)),
                               os.path.join(REPO, "training", "cache", f"pretrained-{w}x{h}-all"), w, h, flips=True)
    split = split_frames(frames)
    if args.train_fraction < 1.0:
        keep = {f.stimulus_id for f in frames if stable_fraction("curve:" + f.stimulus_id) < args.train_fraction}
        split["train"] = [r for r in split["train"] if frames[r].stimulus_id in keep]
        print(f"training on {len(split['train'])} frames ({args.train_fraction:.0%} of the stimuli)", flush=True)
    log = print if args.verbose else (lambda m: None)
    held = set(held_out_viewers(observers))
    viewers = sorted(v for v in observers if v not in held)
    bank = FeatureBank(load_cache(cache_dir), range(len(frames)))
    tokens_of = lambda v: observer_tokens(observers.get(v))  # noqa: E731
    cb = E.CentreBias(frames, split["train"], held)
    curve = "" if args.train_fraction >= 1.0 else f"-train{args.train_fraction:g}"
    for name, overrides in json.loads(args.configs).items():
        cfg = TrainConfig(**{"eval_every": 100, "in_w": w, "in_h": h, **overrides})
        t = time.time()
        ckpt = os.path.join(REPO, "training", "runs", "tune", f"{args.size}-{key(cfg)}{curve}")
        head, emb, hist = train_head(frames, observers, bank, split["train"], split["tune"], viewers, held, cfg, ckpt,
                                     tag="main", log=log)
        head = settle_population(head, frames, observers, bank, split["train"], split["tune"], viewers, held, cfg, ckpt,
                                 log=log)
        head, emb = personal_finetune(head, emb, frames, observers, bank, split["train"], split["tune"], viewers, held,
                                      cfg, log=log)
        after = tune_ll(head, frames, bank, split["tune"], cfg, held)
        pop = E.population_scores(head, bank, frames, split["tune"], cb, cfg) if args.ceiling else {}
        pz = E.personalisation(head, emb, viewers, observers, bank, frames, split["tune"], cfg, tokens_of)
        at = E.attribute_gain(head, bank, frames, split["tune"], observers, cfg, tokens_of)
        print(json.dumps({"name": name, "size": args.size, "train_fraction": args.train_fraction,
                          "overrides": overrides, "seconds": round(time.time() - t),
                          "tune_ll_bits": round(hist[-1]["tune_ll_bits"], 4), "tune_ll_bits_final": round(after, 4),
                          "own_minus_population_bits": round(pz["own_minus_population_bits"], 4),
                          "per_dataset": {k: round(v, 3) for k, v in pz["per_dataset_own_minus_population_bits"].items()},
                          "other_minus_population_bits": round(pz["other_minus_population_bits"], 4),
                          "attribute_gain_bits": round(at["gain_bits_right_tokens"], 4),
                          "of_ceiling": {ds: {"ig": round(d["ig_fraction_of_ceiling"], 3),
                                              "nss": round(d["nss_fraction_of_ceiling"], 3)} for ds, d in pop.items()}}),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
