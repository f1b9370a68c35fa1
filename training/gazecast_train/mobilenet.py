"""Port of the Keras/TF.js MobileNet v1 (alpha 1.0) trunk to PyTorch.

The shared weights stop at conv_dw_13 (+ its batch norm): conv_pw_13 is missing, so the trunk ends with a
1024-channel depthwise block at stride 32. We expose three taps for a multi-scale head:
stride 8 (conv_pw_5, 256 ch), stride 16 (conv_pw_11, 512 ch) and stride 32 (conv_dw_13, 1024 ch).

Batch norms are folded into the convolutions at load time (the trunk is used frozen), which keeps the
exported ONNX graph small and fast.
"""
from __future__ import annotations

import json
import os
from typing import Optional, Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BN_EPS = 1e-3
# (depthwise stride, pointwise out channels) for blocks 1..13; block 13's pointwise is missing.
BLOCKS: List[Tuple[int, int]] = [
    (1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512),
    (1, 512), (1, 512), (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024),
]
TAP_STRIDE4, TAP_STRIDE8, TAP_STRIDE16 = "conv_pw_3", "conv_pw_5", "conv_pw_11"


def read_tfjs_weights(folder: str) -> Dict[str, np.ndarray]:
    """Reads a TF.js layers model's weights: shards hold float32 tensors in manifest order."""
    with open(os.path.join(folder, "model.json")) as f:
        manifest = json.load(f)["weightsManifest"]
    out: Dict[str, np.ndarray] = {}
    for group in manifest:
        path = os.path.join(folder, group["paths"][0])
        if not os.path.exists(path):
            continue  # group37 (conv_pw_13) is absent in the shared copy
        buf = np.fromfile(path, dtype="<f4")
        offset = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"]))
            out[w["name"]] = buf[offset:offset + n].reshape(w["shape"])
            offset += n
        if offset != buf.size:
            raise ValueError(f"{path}: {buf.size} floats but manifest lists {offset}")
    return out


class TfSameConv(nn.Module):
    """Conv with TensorFlow 'same' padding: for stride 2 the extra zero row/column goes bottom/right."""

    def __init__(self, cin: int, cout: int, k: int, stride: int, groups: int):
        super().__init__()
        self.stride, self.k = stride, k
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=0, groups=groups, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.k == 1:
            return self.conv(x)
        if self.stride == 1:
            x = F.pad(x, (1, 1, 1, 1))
        else:  # even sizes: total pad 1 -> (0 before, 1 after), as TF does
            x = F.pad(x, (0, 1, 0, 1))
        return self.conv(x)


class MobileNetTrunk(nn.Module):
    def __init__(self):
        super().__init__()
        layers: Dict[str, nn.Module] = {"conv1": TfSameConv(3, 32, 3, 2, 1)}
        cin = 32
        for i, (stride, cout) in enumerate(BLOCKS, start=1):
            layers[f"conv_dw_{i}"] = TfSameConv(cin, cin, 3, stride, cin)
            if i < 13:
                layers[f"conv_pw_{i}"] = TfSameConv(cin, cout, 1, 1, 1)
                cin = cout
        self.layers = nn.ModuleDict(layers)
        self.order = list(layers.keys())
        # False: stop after the stride-16 tap (conv_pw_11) and return no stride-32 map. The blocks after it
        # are ~18 % of WASM inference; a head that does not read s32 should not pay for them.
        self.with_s32 = True
        # True: also return the stride-4 map (conv_pw_3, 128 ch) for a head that refines its output to stride 4.
        self.with_s4 = False

    def forward(self, x: torch.Tensor) -> Tuple[Optional[torch.Tensor], torch.Tensor, torch.Tensor,
                                                 Optional[torch.Tensor]]:
        """(s4, s8, s16, s32); s4 is None unless with_s4, s32 None unless with_s32."""
        s4 = s8 = s16 = None
        for name in self.order:
            x = torch.clamp(self.layers[name](x), 0.0, 6.0)  # ReLU6
            if name == TAP_STRIDE4 and self.with_s4:
                s4 = x
            elif name == TAP_STRIDE8:
                s8 = x
            elif name == TAP_STRIDE16:
                s16 = x
                if not self.with_s32:
                    return s4, s8, s16, None
        assert s8 is not None and s16 is not None
        return s4, s8, s16, x

    def onnx_pads(self) -> Dict[str, List[int]]:
        """[top, left, bottom, right] zero padding of each 3x3 layer, for folding into ONNX Conv nodes."""
        return {name: ([1, 1, 1, 1] if m.stride == 1 else [0, 0, 1, 1])
                for name, m in self.layers.items() if m.k == 3}

    def load_keras(self, weights: Dict[str, np.ndarray]) -> None:
        """Loads Keras kernels and folds each following batch norm into the conv's weight and bias."""
        for name, module in self.layers.items():
            kname = f"{name}/depthwise_kernel" if "_dw_" in name else f"{name}/kernel"
            k = weights[kname]
            if "_dw_" in name:  # [kh, kw, c, 1] -> [c, 1, kh, kw]
                w = np.transpose(k, (2, 3, 0, 1))
            else:  # [kh, kw, in, out] -> [out, in, kh, kw]
                w = np.transpose(k, (3, 2, 0, 1))
            g, b, m, v = (weights[f"{name}_bn/{p}"] for p in ("gamma", "beta", "moving_mean", "moving_variance"))
            scale = g / np.sqrt(v + BN_EPS)
            w = w * scale.reshape(-1, 1, 1, 1)
            bias = b - m * scale
            module.conv.weight.data = torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32))
            module.conv.bias.data = torch.from_numpy(bias.astype(np.float32))


def pretrained_trunk(folder: str) -> MobileNetTrunk:
    net = MobileNetTrunk()
    net.load_keras(read_tfjs_weights(folder))
    return net.eval()


def random_trunk(seed: int) -> MobileNetTrunk:
    """Same network, random initialisation (for the pretrained-vs-random ablation)."""
    torch.manual_seed(seed)
    net = MobileNetTrunk()
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return net.eval()
