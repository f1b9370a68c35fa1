"""The scanpath model: where a viewer's NEXT fixation lands and how long it lasts, given the frame, their profile
and their last K fixations (MODEL_CONTRACT.md, `scanpath`).

DeepGaze III's split, made small enough to advance hundreds of simulated viewers per call in the browser:
- once per frame, the main graph's `features` output: the static head's last hidden map (population profile) and
  its log-density, [1, 33, out_h, out_w]. The scanpath graph reduces it to a few saliency channels at half the
  output resolution, once, and broadcasts them over the batch;
- per step and viewer, a history network on distance maps to the last K fixations (at half resolution, where the
  maps are smooth) and a fixation-selection network that mixes history and saliency, modulated (FiLM) by the
  profile; its coarse logits are upsampled and added to the static log-density, whose weight the profile and
  history choose. The fine detail comes from the static map; what history changes (saccade amplitudes, inhibition
  of return, where first fixations go) is smooth;
- per viewer, a small global network on (profile, history summary, pooled saliency) gives the FiLM parameters and
  the log-normal of the next fixation's duration.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F



def history_maps(history: torch.Tensor, gh: int, gw: int, aspect: float) -> torch.Tensor:
    """[B, K, 3] history (x, y in 0..1 of the letterboxed input, valid) -> [B, 4K, gh, gw] maps on a gh x gw grid of
    cell centres: for each earlier fixation k, dx, dy and the Euclidean distance from the cell to it (in units of
    the input's height, so a circle stays round: x is scaled by the input's aspect `aspect` = width / height), all
    zero where it is not valid, and a plane of its `valid` flag (which tells the network how far into the viewing
    it is: one valid entry = the start fixation only, i.e. the first fixation is being predicted)."""
    b, k, _ = history.shape
    gx = ((torch.arange(gw, dtype=history.dtype) + 0.5) / gw).reshape(1, 1, 1, gw)
    gy = ((torch.arange(gh, dtype=history.dtype) + 0.5) / gh).reshape(1, 1, gh, 1)
    x = history[:, :, 0].reshape(b, k, 1, 1)
    y = history[:, :, 1].reshape(b, k, 1, 1)
    v = history[:, :, 2].reshape(b, k, 1, 1)
    dx = (gx - x) * aspect * v
    dy = (gy - y) * v
    dist = torch.sqrt(dx * dx + dy * dy + 1e-6) * v
    valid = v.expand(b, k, gh, gw)
    dy = dy.expand(b, k, gh, gw)
    dx = dx.expand(b, k, gh, gw)
    return torch.cat([dx, dy, dist, valid], dim=1)


def history_summary(history: torch.Tensor, aspect: float) -> torch.Tensor:
    """[B, K, 3] -> [B, 2K + 2]: the K valid flags, the K - 1 amplitudes between consecutive earlier fixations
    (in input heights; zero where either is missing), the most recent fixation's (x, y) and the number of valid
    entries / K."""
    v = history[:, :, 2]
    xy = history[:, :, :2] * torch.tensor([aspect, 1.0], dtype=history.dtype)
    step = xy[:, :-1] - xy[:, 1:]
    amp = torch.sqrt((step * step).sum(-1) + 1e-6) * v[:, :-1] * v[:, 1:]
    return torch.cat([v, amp, history[:, 0, :2] * v[:, :1], v.sum(1, keepdim=True) / history.shape[1]], dim=1)


class ScanpathHead(nn.Module):
    def __init__(self, token_slots: Sequence[int], emb_dim: int, history: int, out_h: int, out_w: int,
                 aspect: float, feat_ch: int = 32, sal_ch: int = 8, hidden: int = 16, cond_dim: int = 32,
                 global_hidden: int = 48):
        super().__init__()
        self.feat_ch = feat_ch  # the density head's last hidden map; `features` has one more channel, its log-density
        self.k, self.out_h, self.out_w, self.aspect = history, out_h, out_w, aspect
        self.gh, self.gw = out_h // 2, out_w // 2
        self.hidden = hidden
        self.sal = nn.Conv2d(feat_ch, sal_ch, 1)
        self.sal_to_hidden = nn.Conv2d(sal_ch, hidden, 1, bias=False)
        self.hist = nn.Conv2d(4 * history, hidden, 1)
        self.mix = nn.Conv2d(hidden, hidden, 1)
        self.out = nn.Conv2d(hidden, 1, 1)
        self.token_emb = nn.ModuleList([nn.Embedding(n, cond_dim, padding_idx=0) for n in token_slots])
        self.user_proj = nn.Linear(emb_dim, cond_dim, bias=False)
        n_global = cond_dim + 2 * history + 2 + sal_ch
        self.global_net = nn.Sequential(nn.Linear(n_global, global_hidden), nn.Tanh(),
                                        nn.Linear(global_hidden, 2 * hidden + 1 + 2))
        last = self.global_net[2]
        nn.init.zeros_(last.weight)
        with torch.no_grad():  # start: no modulation, the static map at weight 1, durations ~ e^5.4 = 220 ms
            last.bias.zero_()
            last.bias[2 * hidden + 1] = 5.4
            last.bias[2 * hidden + 2] = -0.5

    def condition(self, tokens: torch.Tensor, user_embedding: torch.Tensor) -> torch.Tensor:
        cond = self.user_proj(user_embedding)
        for i, emb in enumerate(self.token_emb):
            cond = cond + emb(tokens[:, i])
        return cond

    def forward(self, features: torch.Tensor, tokens: torch.Tensor, user_embedding: torch.Tensor,
                history: torch.Tensor):
        """features [1 or B, feat_ch + 1, out_h, out_w] (batch 1 broadcasts over the viewers), tokens [B, >= slots] int64,
        user_embedding [B, dim], history [B, K, 3] -> (log-density [B, 1, out_h, out_w], [B, 2] mu and sigma of
        ln(duration ms))."""
        static = features[:, self.feat_ch:self.feat_ch + 1]
        sal = F.avg_pool2d(F.relu(self.sal(features[:, :self.feat_ch])), 2)  # [1|B, sal_ch, gh, gw], once
        sal_h = self.sal_to_hidden(sal)
        b = history.shape[0]
        g = torch.cat([self.condition(tokens, user_embedding), history_summary(history, self.aspect),
                       sal.mean(dim=(2, 3)).expand(b, -1)], dim=1)
        p = self.global_net(g)
        hd = self.hidden
        gamma, beta = p[:, :hd, None, None], p[:, hd:2 * hd, None, None]
        static_w = 1 + p[:, 2 * hd:2 * hd + 1, None, None]
        h = F.relu(self.hist(history_maps(history, self.gh, self.gw, self.aspect)) + sal_h)
        h = F.relu(self.mix(h * (1 + gamma) + beta))
        coarse = F.interpolate(self.out(h), size=(self.out_h, self.out_w), mode="bilinear", align_corners=False)
        logits = static * static_w + coarse
        logp = F.log_softmax(logits.reshape(b, -1), dim=1).reshape(b, 1, self.out_h, self.out_w)
        mu = p[:, 2 * hd + 1:2 * hd + 2]
        sigma = F.softplus(p[:, 2 * hd + 2:2 * hd + 3]) + 0.05
        return logp, torch.cat([mu, sigma], dim=1)


class ScanpathGraph(nn.Module):
    """The exported scanpath graph: features, profile_tokens, user_embedding, history -> next_log_density,
    next_log_duration."""

    def __init__(self, head: ScanpathHead, learned_slots: int):
        super().__init__()
        self.head, self.learned_slots = head, learned_slots

    def forward(self, features, profile_tokens, user_embedding, history):
        return self.head(features, profile_tokens[:, :self.learned_slots], user_embedding, history)


class GazeModelWithFeatures(nn.Module):
    """The main graph with the contract's optional `features` output for the scanpath graph: the density head's
    last hidden map and its log-density, [1, 33, out_h, out_w] (the runtime computes it with the population
    profile, so it depends on the image alone)."""

    def __init__(self, gaze_model: nn.Module):
        super().__init__()
        self.m = gaze_model

    def forward(self, image, profile_tokens, user_embedding):
        x = self.m.cvd(image, profile_tokens[:, self.m.vision_slot])
        logp, hidden = self.m.head.forward_with_hidden(*self.m.trunk(x), profile_tokens, user_embedding)
        return logp, torch.cat([hidden, logp], dim=1)
