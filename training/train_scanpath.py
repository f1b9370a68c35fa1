#!/usr/bin/env python3
"""Trains the scanpath model alone, on one process or many: for large studies on GPUs or several machines.

  # one process (the pipeline, train.py, runs the same training in-process)
  /usr/bin/python3 training/train_scanpath.py --data ../shared/data/osie --static-from public/models/gazecast-mnv1-s8 \\
      --work training/runs/sp --out scanpath.pt
  # N processes (DistributedDataParallel; gloo on CPU, nccl on GPUs): the same steps as one process on the same data
  torchrun --nproc_per_node 2 training/train_scanpath.py ... --backend gloo

Every rank reads the same data and takes its slice of each global batch; DDP averages the gradients. The trunk
feature caches must exist before the ranks start (`--prepare` builds them in one process; train.py does too).
Rank 0 writes `--out` (the scanpath head's state dict).
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

from gazecast_train.data import load_frames  # noqa: E402
from gazecast_train.features import all_taps, cache_features  # noqa: E402
from gazecast_train.mobilenet import pretrained_trunk  # noqa: E402
from gazecast_train.pipeline import DEFAULT_WEIGHTS, smoke_subset  # noqa: E402
from gazecast_train.profile import observer_tokens  # noqa: E402
from gazecast_train.scanpath_stage import ScanpathData  # noqa: E402
from gazecast_train.scanpath_train import Profiles, ScanpathConfig, make_scanpath_head, train_scanpath  # noqa: E402
from gazecast_train.splits import held_out_viewers, split_frames  # noqa: E402
from gazecast_train.train import TrainConfig  # noqa: E402
from gazecast_train.warm_start import load_static  # noqa: E402


def main(args) -> int:
    torch.set_num_threads(args.threads)
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    if distributed:
        dist.init_process_group(args.backend)
    rank = dist.get_rank() if distributed else 0
    log = print if rank == 0 else (lambda *_: None)
    cfg = TrainConfig(seed=args.seed)
    frames, observers = load_frames(args.data)
    if args.frames_per_dataset:
        frames = smoke_subset(frames, args.frames_per_dataset)
    split = split_frames(frames)
    held = set(held_out_viewers(observers))
    viewers = sorted(v for v in observers if v not in held)
    trunk = pretrained_trunk(args.weights or DEFAULT_WEIGHTS)
    if args.prepare:
        cache_features(frames, all_taps(trunk), os.path.join(args.work, "features-pretrained"), cfg.in_w, cfg.in_h,
                       flips=True, batch=8)
    head, emb, _enc, _m = load_static(args.static_from, viewers, cfg)
    sp = ScanpathConfig(seed=args.seed, batch=args.batch, epochs=args.epochs)
    which = {frames[r].stimulus_id: k for k, rows in split.items() for r in rows}
    data = ScanpathData(args.data, frames, which, held, head, cfg, sp, args.work, trunk, log=log,
                        smoke=bool(args.frames_per_dataset))
    if args.prepare:
        return 0
    sp_head = make_scanpath_head(cfg, sp)
    profiles = Profiles(viewers, emb, lambda v: observer_tokens(observers.get(v)))
    train = data.subset("train", with_held=False)
    tune = data.subset("tune") if not args.no_tune else None
    train_scanpath(sp_head, train, tune, data.feats, profiles, sp, cfg.out_w, log=log, max_steps=args.steps)
    if rank == 0 and args.out:
        torch.save(sp_head.state_dict(), args.out)
        log(f"wrote {args.out}")
    if distributed:
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", nargs="+", required=True)
    p.add_argument("--static-from", required=True, metavar="MODEL_DIR", help="the trained static model folder")
    p.add_argument("--work", required=True, help="feature caches (as train.py's --work)")
    p.add_argument("--out", default=None, help="where rank 0 writes the scanpath head's state dict")
    p.add_argument("--weights", default=None)
    p.add_argument("--epochs", type=int, default=ScanpathConfig.epochs)
    p.add_argument("--batch", type=int, default=ScanpathConfig.batch, help="global batch, split over the ranks")
    p.add_argument("--steps", type=int, default=None, help="stop after this many steps")
    p.add_argument("--frames-per-dataset", type=int, default=0, help="a tiny subset (tests)")
    p.add_argument("--no-tune", action="store_true", help="keep the last step instead of the best tune epoch")
    p.add_argument("--prepare", action="store_true", help="build the feature caches and exit (before torchrun)")
    p.add_argument("--backend", default="gloo", choices=["gloo", "nccl"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    sys.exit(main(p.parse_args()))
