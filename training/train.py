#!/usr/bin/env python3
"""One command from canonical gaze data to a complete gazecast model folder.

  /usr/bin/python3 training/train.py --data ../shared/data/osie ../shared/data/eyecrowd ../shared/data/scene \
      ../shared/data/causality --out public/models/gazecast-mnv1-s8 [--config full|smoke] [--work training/runs/x]

Steps (each resumable: features and checkpoints live in --work): cache frozen-trunk features -> train the
profile-conditioned head with per-viewer embeddings -> train the viewer encoder (triplet loss) -> evaluate on
the validation split -> ablations -> export ONNX (fp32, fp16-weights, int8-weights, encoder) -> check every
variant with onnxruntime-node against PyTorch -> write manifest.json, panel.json, MODEL_CARD.md.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gazecast_train.pipeline import main  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", nargs="+", required=True, help="dataset folders in the canonical gaze format")
    parser.add_argument("--out", required=True, help="model folder to write (public/models/<id>)")
    parser.add_argument("--config", choices=["full", "smoke"], default="full")
    parser.add_argument("--work", default=None, help="cache/checkpoint folder (default training/runs/<id>-<config>)")
    parser.add_argument("--weights", default=None, help="MobileNet v1 TF.js folder (default ../shared/weights/...)")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--no-ablations", action="store_true")
    parser.add_argument("--refit", action="store_true", help="train the final weights on train + tune, each stage "
                        "keeping its last epoch (by default: on train, keeping each stage's best epoch on tune)")
    parser.add_argument("--static-from", default=None, metavar="MODEL_DIR",
                        help="add the scanpath model to a trained static model (its model.fp32.onnx, panel.json, "
                        "encoder.onnx and metrics.json are read back unchanged) instead of training the static model")
    parser.add_argument("--seed", type=int, default=0)
    sys.exit(main(parser.parse_args()))
