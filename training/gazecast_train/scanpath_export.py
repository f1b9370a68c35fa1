"""Exports the scanpath graph (opset 17, dynamic batch) and checks every variant with onnxruntime-node against
PyTorch: a batch of simulated viewers with different histories and profiles on features of validation frames."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Dict, List

import numpy as np
import torch

from .export import OPSET, file_entry, fp16_weights
from .profile import LEARNED_SLOTS, SLOTS
from .scanpath_model import ScanpathGraph, ScanpathHead

INPUTS = ["features", "profile_tokens", "user_embedding", "history"]
OUTPUTS = ["next_log_density", "next_log_duration"]
VARIANTS = {"scanpath.onnx": "fp32", "scanpath.w16.onnx": "fp16-weights"}


def export_scanpath(sp_head: ScanpathHead, feat_shape, emb_dim: int, out: str) -> Dict[str, Dict]:
    """Writes scanpath.onnx (fp32: the reference, and the file the manifest names: it is ~40 KB, so smaller
    variants save nothing worth their error) and scanpath.w16.onnx (fp16 weights). An int8 variant would be the
    fp16 one: the int8 quantizer only touches 1x1 convolutions with >= 16384 weights, and this graph has none."""
    import onnx
    graph = ScanpathGraph(sp_head, LEARNED_SLOTS).eval()
    b = 3
    args = (torch.zeros(1, *feat_shape[1:]), torch.zeros(b, len(SLOTS), dtype=torch.long), torch.zeros(b, emb_dim),
            torch.zeros(b, sp_head.k, 3))
    path = os.path.join(out, "scanpath.onnx")
    dyn = {"profile_tokens": {0: "B"}, "user_embedding": {0: "B"}, "history": {0: "B"}, "next_log_density": {0: "B"},
           "next_log_duration": {0: "B"}}
    with torch.no_grad():
        torch.onnx.export(graph, args, path, input_names=INPUTS, output_names=OUTPUTS, opset_version=OPSET,
                          do_constant_folding=True, dynamic_axes=dyn)
    onnx.checker.check_model(onnx.load(path))
    fp16_weights(path, os.path.join(out, "scanpath.w16.onnx"))
    return {name: file_entry(out, name, precision) for name, precision in VARIANTS.items()}


def verify_scanpath(out: str, sp_head: ScanpathHead, feats: List[torch.Tensor], emb: torch.Tensor, repo: str,
                    seed: int = 0) -> Dict[str, Dict]:
    """Each variant against PyTorch on a batch of 32 viewers per frame: random valid histories of 1..K fixations,
    population, token-only and personal profiles. Compares probabilities (correlation, per row) and the duration
    parameters (max abs difference)."""
    rng = np.random.default_rng(seed)
    tmp = tempfile.mkdtemp(prefix="gazecast-verify-scanpath-")
    runs, refs = [], []
    n, k = 32, sp_head.k
    for j, feat in enumerate(feats):
        hist = np.zeros((n, k, 3), np.float32)
        for i in range(n):
            m = 1 + i % k
            hist[i, :m, :2] = rng.random((m, 2))
            hist[i, :m, 2] = 1
        tok = np.zeros((n, len(SLOTS)), np.int64)
        tok[n // 3:, 0] = rng.integers(0, len(SLOTS[0]["values"]), n - n // 3)
        tok[n // 3:, 1] = rng.integers(0, len(SLOTS[1]["values"]), n - n // 3)
        u = np.zeros((n, emb.shape[1]), np.float32)
        u[2 * n // 3:] = emb[rng.integers(0, len(emb), n - 2 * n // 3)].numpy()
        with torch.no_grad():
            lp, dur = ScanpathGraph(sp_head, LEARNED_SLOTS)(feat, torch.from_numpy(tok), torch.from_numpy(u),
                                                            torch.from_numpy(hist))
        inputs = {}
        for name, arr in (("features", feat.numpy().astype(np.float32)), ("profile_tokens", tok),
                          ("user_embedding", u), ("history", hist)):
            inputs[name] = {"file": os.path.join(tmp, f"{name}{j}.bin"), "dims": list(arr.shape),
                            "type": "int64" if arr.dtype == np.int64 else "float32"}
            arr.tofile(inputs[name]["file"])
        for variant in VARIANTS:
            for output, ref in (("next_log_density", lp), ("next_log_duration", dur)):
                o = os.path.join(tmp, f"out-{variant}-{output}-{j}.bin")
                runs.append({"model": os.path.join(out, variant), "output": output, "out": o, "inputs": inputs})
                refs.append((variant, output, ref.numpy()))
    job = os.path.join(tmp, "job.json")
    json.dump({"runs": runs}, open(job, "w"))
    subprocess.run(["node", os.path.join(repo, "training", "verify_onnx.mjs"), job], check=True, cwd=repo)
    res: Dict[str, Dict] = {}
    for run, (variant, output, ref) in zip(runs, refs):
        got = np.fromfile(run["out"], np.float32).reshape(ref.shape)
        e = res.setdefault(variant, {"min_correlation": 1.0, "max_abs_logsumexp": 0.0, "max_abs_duration_diff": 0.0,
                                     "rows": 0})
        if output == "next_log_density":
            g, r = got.reshape(len(got), -1), ref.reshape(len(ref), -1)
            for a, b in zip(np.exp(g), np.exp(r)):
                e["min_correlation"] = min(e["min_correlation"], float(np.corrcoef(a, b)[0, 1]))
            lse = np.log(np.exp(g.astype(np.float64)).sum(1))
            e["max_abs_logsumexp"] = max(e["max_abs_logsumexp"], float(np.abs(lse).max()))
            e["rows"] += len(g)
        else:
            e["max_abs_duration_diff"] = max(e["max_abs_duration_diff"], float(np.abs(got - ref).max()))
    return res
