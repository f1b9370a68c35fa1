"""The gazecast model: colour-vision simulation -> frozen MobileNet trunk -> profile-conditioned density head.

Graph inputs and outputs follow MODEL_CONTRACT.md (gazecast-model/1):
  image          float32 [1, 3, H, W]  ((pixel/255 - 0.5) / 0.5, letterboxed)
  profile_tokens int64   [1, n_slots]  (index per slot, 0 = unknown)
  user_embedding float32 [1, dim]      (zeros = population)
  -> log_density float32 [1, 1, H/8, W/8]  (log-probabilities, logsumexp = 0)
"""
from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision
# deficiency", severity 1.0 matrices, applied to linear RGB.
MACHADO_PROTAN = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
MACHADO_DEUTAN = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
VISION_VALUES = ["unknown", "typical", "protan", "deutan"]


class ColourVisionSimulation(nn.Module):
    """Re-renders the (normalised) input as a viewer with protanopia/deuteranopia would see it.

    unknown and typical use the identity matrix; no gaze data with colour-vision groups exists, so this slot is
    supported by simulation alone, not by learning. (Skipping it for unknown/typical with an ONNX `If` saved ~5 %
    of WASM time, but onnxruntime-web 1.30's WebGPU session cannot be created with that `If`: "Provider type for
    Cast node ... is not set". So the graph always simulates.)
    """

    def __init__(self):
        super().__init__()
        eye = np.eye(3).tolist()
        self.register_buffer("mats", torch.tensor([eye, eye, MACHADO_PROTAN, MACHADO_DEUTAN], dtype=torch.float32))

    def forward(self, image: torch.Tensor, vision_token: torch.Tensor) -> torch.Tensor:
        m = self.mats[vision_token]  # [B, 3, 3]
        rgb = torch.clamp(image * 0.5 + 0.5, 0.0, 1.0)
        lin = torch.pow(rgb, 2.2)  # sRGB ~ gamma 2.2
        sim = torch.matmul(m, lin.flatten(2)).view_as(lin)  # a MatMul: ~2 % faster on WASM than the Einsum it replaces
        out = torch.pow(torch.clamp(sim, 1e-6, 1.0), 1.0 / 2.2)
        return (out - 0.5) / 0.5


class DensityHead(nn.Module):
    """Multi-scale head with FiLM conditioning on profile tokens and a user embedding, plus a learned
    centre bias whose weight the profile can change. Population (all tokens 0, zero embedding) gives an
    exactly unmodulated network, because the conditioning path has no biases and token 0 embeds to zero."""

    def __init__(self, token_slots: Sequence[int], emb_dim: int, out_h: int, out_w: int,
                 prior: np.ndarray, ch: int = 64, cond_dim: int = 32, conditioned: bool = True,
                 cond_map: tuple = (6, 8), c1_kernel: int = 3, cond_shift: bool = False, use_s32: bool = True,
                 out_stride: int = 8, separable_context: bool = False):
        super().__init__()
        # out_stride 4: the stride-8 head's features, upsampled, meet the trunk's stride-4 map (conv_pw_3) in two
        # small convs, so the density has 4x the cells for ~6 % of WASM time (per-node profile). The coarser stride-8 grid blurred
        # peaks by more than the ceiling's Gaussian (a cell was 1/24 of the width) and cost NSS.
        self.out_stride = out_stride
        self.conditioned = conditioned
        # A profile-chosen sub-cell translation and sharpness of the whole map: a viewer's systematic
        # eye-tracker offset and how spread out their fixations are, both global properties of a person.
        self.n_shift = 3 if cond_shift else 0
        # A coarse spatial log-map chosen by the profile: where on the frame this viewer tends to look (their own
        # centre bias and systematic eye-tracker offsets), which feature modulation alone expresses poorly.
        self.cond_map = cond_map
        self.n_map = cond_map[0] * cond_map[1] if cond_map else 0
        self.p8, self.p16 = nn.Conv2d(256, 48, 1), nn.Conv2d(512, 48, 1)
        self.p32 = nn.Conv2d(1024, 48, 1) if use_s32 else None
        self.n_feat = 48 * (3 if use_s32 else 2)
        # c1 mixes the scales. As a 3x3 it is the head's costliest conv; a 1x1 was tried for speed but lost
        # 0.02-0.03 bits of population likelihood on tune (TUNING.md), so the shipped head keeps the 3x3.
        self.c1 = nn.Conv2d(self.n_feat, ch, c1_kernel, padding=c1_kernel // 2)
        if separable_context:  # depthwise 3x3 then 1x1: ~1/8 of the multiply-adds of a full 3x3
            self.c2 = nn.Sequential(nn.Conv2d(ch, ch, 3, padding=2, dilation=2, groups=ch), nn.Conv2d(ch, ch, 1))
            self.c3 = nn.Sequential(nn.Conv2d(ch, ch, 3, padding=4, dilation=4, groups=ch), nn.Conv2d(ch, ch, 1))
        else:
            self.c2 = nn.Conv2d(ch, ch, 3, padding=2, dilation=2)
            self.c3 = nn.Conv2d(ch, ch, 3, padding=4, dilation=4)
        if out_stride == 4:
            self.p4 = nn.Conv2d(128, 32, 1)
            self.r1 = nn.Conv2d(ch + 32, 32, 1)
            self.r2 = nn.Conv2d(32, 32, 3, padding=1)
            self.out = nn.Conv2d(32, 1, 1)
        else:
            self.out = nn.Conv2d(ch, 1, 1)
        self.token_emb = nn.ModuleList([nn.Embedding(n, cond_dim, padding_idx=0) for n in token_slots])
        self.user_proj = nn.Linear(emb_dim, cond_dim, bias=False)
        self.film1 = nn.Linear(cond_dim, cond_dim, bias=False)
        self.n_film = 6 * ch + 1 + self.n_map + self.n_shift
        self.film2 = nn.Linear(cond_dim, self.n_film, bias=False)
        nn.init.zeros_(self.film2.weight)
        self.prior = nn.Parameter(torch.tensor(prior, dtype=torch.float32).reshape(out_h, out_w))
        self.ch = ch

    def features(self, s8, s16, s32=None):
        a = F.relu(self.p8(s8))
        b = F.interpolate(F.relu(self.p16(s16)), size=a.shape[-2:], mode="bilinear", align_corners=False)
        if self.p32 is None:
            return torch.cat([a, b], dim=1)
        c = F.interpolate(F.relu(self.p32(s32)), size=a.shape[-2:], mode="bilinear", align_corners=False)
        return torch.cat([a, b, c], dim=1)

    def condition(self, tokens: torch.Tensor, user_embedding: torch.Tensor) -> torch.Tensor:
        cond = self.user_proj(user_embedding)
        for i, emb in enumerate(self.token_emb):
            cond = cond + emb(tokens[:, i])
        return self.film2(torch.tanh(self.film1(cond)))

    def forward(self, s4, s8, s16, s32, tokens, user_embedding):
        return self.forward_with_hidden(s4, s8, s16, s32, tokens, user_embedding)[0]

    def forward_with_hidden(self, s4, s8, s16, s32, tokens, user_embedding):
        """(log-density, the last hidden map before the output conv): the scanpath graph reads the hidden map
        (computed with the population profile) as the main graph's `features` output."""
        x = self.features(s8, s16, s32)
        ch = self.ch
        if self.conditioned:
            f = self.condition(tokens, user_embedding)
        else:
            f = torch.zeros(x.shape[0], self.n_film, dtype=x.dtype)
        for k, conv in enumerate((self.c1, self.c2, self.c3)):
            g = f[:, 2 * k * ch:(2 * k + 1) * ch, None, None]
            b = f[:, (2 * k + 1) * ch:(2 * k + 2) * ch, None, None]
            x = F.relu(conv(x) * (1 + g) + b)
        if self.out_stride == 4:
            x = F.interpolate(x, size=s4.shape[-2:], mode="bilinear", align_corners=False)
            x = F.relu(self.r1(torch.cat([x, F.relu(self.p4(s4))], dim=1)))
            x = F.relu(self.r2(x))
        prior_w = 1 + f[:, 6 * ch:6 * ch + 1, None, None]
        logits = self.out(x) + self.prior[None, None] * prior_w
        if self.n_shift:
            logits = self.shift_and_sharpen(logits, f[:, -3:])
        if self.n_map:
            m = f[:, 6 * ch + 1:6 * ch + 1 + self.n_map].reshape(-1, 1, self.cond_map[0], self.cond_map[1])
            logits = logits + F.interpolate(m, size=logits.shape[-2:], mode="bilinear", align_corners=False)
        n, _, h, w = logits.shape
        return F.log_softmax(logits.reshape(n, h * w), dim=1).reshape(n, 1, h, w), x

    @staticmethod
    def shift_and_sharpen(logits, p):
        """Translates the logit map by (dx, dy) cells to first order (L(x - d) ~ L - d . grad L, exact enough for
        the sub-cell offsets of eye-tracker calibration) and scales it by (1 + t). All zero = unchanged."""
        lp = F.pad(logits, (1, 1, 1, 1), mode="replicate")
        gx = (lp[:, :, 1:-1, 2:] - lp[:, :, 1:-1, :-2]) * 0.5
        gy = (lp[:, :, 2:, 1:-1] - lp[:, :, :-2, 1:-1]) * 0.5
        dx, dy, t = p[:, 0, None, None, None], p[:, 1, None, None, None], p[:, 2, None, None, None]
        return (logits - dx * gx - dy * gy) * (1 + t)


class GazeModel(nn.Module):
    """The exported graph: image + profile tokens + user embedding -> log_density."""

    def __init__(self, trunk: nn.Module, head: DensityHead, vision_slot: int):
        super().__init__()
        self.cvd, self.trunk, self.head, self.vision_slot = ColourVisionSimulation(), trunk, head, vision_slot

    def forward(self, image, profile_tokens, user_embedding):
        x = self.cvd(image, profile_tokens[:, self.vision_slot])
        return self.head(*self.trunk(x), profile_tokens, user_embedding)


class ViewerEncoder(nn.Module):
    """Maps (image features, one viewing's fixation density) to the user-embedding space.

    What a viewer looks at (the head's frozen multi-scale features pooled under their fixation density), relative
    to what the image offers on average, and where on the frame they look (a coarse density) carry their
    idiosyncrasies; averaging over viewings gives the viewer's embedding. Pooling comes first and everything after
    it is an MLP on vectors, so training on tens of thousands of viewings is cheap."""

    TAPS = ("s8", "s16", "s32")  # the trunk maps it reads (through the head's projections); never s4

    def __init__(self, head: DensityHead, emb_dim: int, hidden: int = 96):
        super().__init__()
        self.head = head  # shares (frozen) the head's multi-scale projections
        self.mlp = nn.Sequential(nn.Linear(head.n_feat * 2 + 48, hidden), nn.ReLU(), nn.Linear(hidden, emb_dim))

    @staticmethod
    def pooled(feats, density):
        if density.shape[-1] != feats.shape[-1]:  # a stride-4 density: sum it onto the stride-8 feature grid
            k = int(density.shape[-1]) // int(feats.shape[-1])  # a constant in the exported graph
            density = F.avg_pool2d(density, k) * (k * k)
        fix = (feats * density).sum(dim=(2, 3))
        mean = feats.mean(dim=(2, 3))
        coarse = F.adaptive_avg_pool2d(density, (6, 8)).flatten(1) * 48.0
        return torch.cat([fix - mean, fix, coarse], dim=1)

    def forward(self, s4, s8, s16, s32, density):
        return self.mlp(self.pooled(self.head.features(s8, s16, s32), density))


class EncoderGraph(nn.Module):
    """The exported encoder: image + fixation_density -> user_embedding."""

    def __init__(self, trunk: nn.Module, encoder: ViewerEncoder):
        super().__init__()
        self.trunk, self.encoder = trunk, encoder

    def forward(self, image, fixation_density):
        return self.encoder(*self.trunk(image), fixation_density)
