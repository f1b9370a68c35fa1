"""Reads a trained static model back from a model folder (model.fp32.onnx, panel.json, encoder.onnx), so that
`train.py --static-from DIR` can add a scanpath model to a shipped static model without retraining it: the
static head, the viewer embeddings and the encoder come back as the PyTorch modules the pipeline trained.

ONNX keeps the head's parameters as initializers named like the state dict (`head.c1.weight`), except the
bias-free Linear layers (exported as MatMul with the weight transposed) and the centre bias (folded into a
constant of shape [1, 1, out_h, out_w]); the encoder's weights are stored as float16 (`<name>__fp16`).
"""
from __future__ import annotations

import json
import os
from typing import Dict, List, Tuple

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .model import DensityHead, ViewerEncoder
from .train import TrainConfig, make_head

LINEAR = ("user_proj", "film1", "film2")


def _initializers(path: str) -> Dict[str, np.ndarray]:
    m = onnx.load(path)
    # the graph with the `features` output wraps the model as `m` (GazeModelWithFeatures): `m.head.c1.weight`
    unwrapped = lambda name: name.removeprefix("m.")  # noqa: E731
    inits = {unwrapped(i.name): numpy_helper.to_array(i) for i in m.graph.initializer}
    for n in m.graph.node:  # bias-free Linear layers: MatMul(x, W^T)
        if n.op_type == "MatMul":
            parts = n.name.strip("/").split("/")
            if len(parts) >= 2 and parts[-2] in LINEAR and unwrapped(n.input[1]) in inits:
                inits[f"head.{parts[-2]}.weight"] = inits[unwrapped(n.input[1])].T
    return inits


def load_head(model_dir: str, cfg: TrainConfig) -> DensityHead:
    inits = _initializers(os.path.join(model_dir, "model.fp32.onnx"))
    priors = [a for k, a in inits.items() if not k.startswith(("head.", "trunk.")) and a.shape == (1, 1, cfg.out_h,
                                                                                                 cfg.out_w)]
    if len(priors) != 1:
        raise SystemExit(f"{model_dir}/model.fp32.onnx: expected one centre-bias constant of shape "
                         f"[1, 1, {cfg.out_h}, {cfg.out_w}], found {len(priors)}")
    head = make_head(cfg, priors[0].reshape(cfg.out_h, cfg.out_w))
    state = head.state_dict()
    missing = [k for k in state if k != "prior" and f"head.{k}" not in inits]
    if missing:
        raise SystemExit(f"{model_dir}/model.fp32.onnx lacks head weights {missing}: is it a model of this config?")
    for k in state:
        if k != "prior":
            v = torch.from_numpy(np.ascontiguousarray(inits[f"head.{k}"])).float()
            if v.shape != state[k].shape:
                raise SystemExit(f"head.{k}: shape {tuple(v.shape)} in the ONNX file, {tuple(state[k].shape)} here")
            state[k] = v
    head.load_state_dict(state)
    return head.eval()


def load_panel(model_dir: str, viewers: List[str], emb_dim: int) -> torch.Tensor:
    panel = json.load(open(os.path.join(model_dir, "panel.json")))
    absent = [v for v in viewers if v not in panel]
    if absent:
        raise SystemExit(f"{model_dir}/panel.json lacks the training viewers {absent[:5]}")
    return torch.tensor([panel[v]["embedding"] for v in viewers], dtype=torch.float32).reshape(len(viewers), emb_dim)


def load_encoder(model_dir: str, head: DensityHead, emb_dim: int) -> ViewerEncoder:
    inits = _initializers(os.path.join(model_dir, "encoder.onnx"))
    enc = ViewerEncoder(head, emb_dim)
    state = enc.state_dict()
    for k in state:
        if k.startswith("mlp."):
            a = inits.get(f"encoder.{k}__fp16", inits.get(f"encoder.{k}"))
            if a is None:
                raise SystemExit(f"{model_dir}/encoder.onnx lacks encoder.{k}")
            state[k] = torch.from_numpy(a.astype(np.float32))
    enc.load_state_dict(state)
    return enc.eval()


def load_static(model_dir: str, viewers: List[str], cfg: TrainConfig) -> Tuple[DensityHead, torch.Tensor,
                                                                               ViewerEncoder, Dict]:
    """(head, viewer embeddings in `viewers` order, encoder, the folder's metrics.json) of a trained model."""
    head = load_head(model_dir, cfg)
    metrics_path = os.path.join(model_dir, "metrics.json")
    metrics = json.load(open(metrics_path)) if os.path.exists(metrics_path) else {}
    return head, load_panel(model_dir, viewers, cfg.emb_dim), load_encoder(model_dir, head, cfg.emb_dim), metrics
