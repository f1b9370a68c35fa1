"""Trains the scanpath model on cached features, in one process or under torchrun (DistributedDataParallel).

The static head is frozen: its last hidden map and log-density (population profile) are computed once per frame
and mirror image (`frame_features`), which is exactly what the main graph's `features` output gives the runtime.
Viewer embeddings are the static model's (the runtime feeds both graphs the same `user_embedding`): the scanpath
model learns how to read them, which shows whether they carry a viewer's scanpath style.

Distributed: every rank draws the same shuffled order from the same seed and takes its slice of each global
batch; DDP averages the gradients, so N ranks take the same steps as one process on the whole batch.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

from .model import DensityHead
from .profile import LEARNED_SLOTS, SLOTS
from .scanpath_data import Samples, mirror
from .scanpath_model import ScanpathHead

LOG2 = float(np.log(2))


@dataclass
class ScanpathConfig:
    history: int = 4  # K, the contract's `history`
    epochs: int = 6
    batch: int = 256  # global batch (split over ranks)
    lr: float = 3e-3
    weight_decay: float = 1e-4
    duration_weight: float = 0.5  # of the duration NLL (nats) beside the position NLL (nats)
    p_population: float = 0.35  # share of samples trained with the population profile
    p_tokens_only: float = 0.3  # of attributed viewers' samples: tokens without the embedding
    tune_samples: int = 20000  # tune LL on a fixed subsample, for speed
    seed: int = 0


def make_scanpath_head(cfg_static, sp: ScanpathConfig) -> ScanpathHead:
    feat_ch = 32 if cfg_static.out_stride == 4 else cfg_static.head_ch
    torch.manual_seed(sp.seed)
    return ScanpathHead([len(s["values"]) for s in SLOTS[:LEARNED_SLOTS]], cfg_static.emb_dim, sp.history,
                        cfg_static.out_h, cfg_static.out_w, cfg_static.in_w / cfg_static.in_h, feat_ch=feat_ch)


@torch.no_grad()
def frame_features(head: DensityHead, cache: dict, rows: Sequence[int], flip: bool, emb_dim: int,
                   chunk: int = 64) -> torch.Tensor:
    """The main graph's `features` ([n, hidden + 1, out_h, out_w], float16) for cached trunk features."""
    head.eval()
    out = []
    sfx = "f" if flip else ""
    for s in range(0, len(rows), chunk):
        rr = np.asarray(rows[s:s + chunk])
        taps = [torch.from_numpy(np.asarray(cache[t + sfx][rr], np.float32)) if (t + sfx) in cache else None
                for t in ("s4", "s8", "s16", "s32")]
        n = len(rr)
        logp, hidden = head.forward_with_hidden(*taps, torch.zeros(n, LEARNED_SLOTS, dtype=torch.long),
                                                torch.zeros(n, emb_dim))
        out.append(torch.cat([hidden, logp], 1).half())
    return torch.cat(out)


class Profiles:
    """Tokens and embedding per sample: the population's, a training viewer's own, or another's."""

    def __init__(self, viewers: Sequence[str], emb: torch.Tensor, tokens_of: Callable[[str], Sequence[int]]):
        self.vindex = {v: i for i, v in enumerate(viewers)}
        self.emb = emb
        self.tokens = {v: list(tokens_of(v))[:LEARNED_SLOTS] for v in viewers}

    def population(self, n: int):
        return torch.zeros(n, LEARNED_SLOTS, dtype=torch.long), torch.zeros(n, self.emb.shape[1])

    def own(self, viewers: Sequence[str]):
        return (torch.tensor([self.tokens[v] for v in viewers], dtype=torch.long),
                torch.stack([self.emb[self.vindex[v]] for v in viewers]))

    def training_draw(self, viewers: Sequence[str], rng, sp: ScanpathConfig):
        tk, u = self.population(len(viewers))
        for i, v in enumerate(viewers):
            if v not in self.vindex or rng.random() < sp.p_population:
                continue
            tk[i] = torch.tensor(self.tokens[v])
            if not (any(self.tokens[v]) and rng.random() < sp.p_tokens_only):
                u[i] = self.emb[self.vindex[v]]
        return tk, u


def batch_tensors(s: Samples, idx: np.ndarray, flips: np.ndarray, feats: Dict[bool, torch.Tensor], out_w: int):
    hist, cell = s.history[idx].copy(), s.cell[idx].copy()
    if flips.any():
        mh, mc = mirror(hist[flips], cell[flips], out_w)
        hist[flips], cell[flips] = mh, mc
    f = feats[False][torch.from_numpy(s.frame[idx])].float()
    if flips.any():
        fl = torch.from_numpy(flips)
        f[fl] = feats[True][torch.from_numpy(s.frame[idx][flips])].float()
    return f, torch.from_numpy(hist), torch.from_numpy(cell), torch.from_numpy(s.log_duration[idx])


def losses(logp: torch.Tensor, dur: torch.Tensor, cell: torch.Tensor, logd: torch.Tensor):
    """(position NLL in nats per fixation, duration NLL in nats per fixation with a known duration)."""
    pos = -logp.flatten(1).gather(1, cell[:, None]).mean()
    known = ~torch.isnan(logd)
    if known.any():
        mu, sigma = dur[known, 0], dur[known, 1]
        d = -(-0.5 * ((logd[known] - mu) / sigma) ** 2 - torch.log(sigma) - 0.5 * np.log(2 * np.pi)).mean()
    else:
        d = torch.zeros(())
    return pos, d


def train_scanpath(sp_head: ScanpathHead, train: Samples, tune: Optional[Samples], feats: Dict[bool, torch.Tensor],
                   profiles: Profiles, sp: ScanpathConfig, out_w: int, ckpt: Optional[str] = None, log=print,
                   max_steps: Optional[int] = None) -> Dict:
    """Trains `sp_head` in place (under DDP when torch.distributed is initialised); ends with the best tune epoch
    (the last without `tune`). Resumes from `ckpt` (rank 0 writes it). Returns the per-epoch history."""
    world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
    rank = dist.get_rank() if world > 1 else 0
    if sp.batch % world:
        raise SystemExit(f"the global batch {sp.batch} does not split over {world} ranks")
    model = torch.nn.parallel.DistributedDataParallel(sp_head) if world > 1 else sp_head
    opt = torch.optim.AdamW(sp_head.parameters(), lr=sp.lr, weight_decay=sp.weight_decay)
    steps = max(1, len(train) // sp.batch)
    total = sp.epochs * steps if max_steps is None else max_steps
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=sp.lr, total_steps=max(total, 1), pct_start=0.1)
    start, history, best = 0, [], (-1e9, None)
    if ckpt and os.path.exists(ckpt):
        st = torch.load(ckpt)
        sp_head.load_state_dict(st["head"]); opt.load_state_dict(st["opt"]); sched.load_state_dict(st["sched"])
        start, history, best = st["epoch"], st["history"], (st["best_score"], st["best_head"])
        log(f"[scanpath] resumed at epoch {start}")
    tune_idx = None
    if tune is not None and len(tune):
        tune_idx = np.random.default_rng(sp.seed + 7).permutation(len(tune))[:sp.tune_samples]
    t0, done = time.time(), 0
    local = sp.batch // world
    for epoch in range(start, sp.epochs):
        rng = np.random.default_rng(sp.seed * 1000 + epoch)  # the same on every rank
        order = rng.permutation(len(train))
        flips_all = rng.random(len(train)) < 0.5
        sp_head.train()
        tot_pos, tot_dur, n = 0.0, 0.0, 0
        for s in range(steps):
            if max_steps is not None and done >= max_steps:
                break
            g = order[s * sp.batch:(s + 1) * sp.batch]
            idx = g[rank * local:(rank + 1) * local]
            prng = np.random.default_rng(hash((sp.seed, epoch, s)) % 2**32)  # profile draws: the same for the
            tk, u = profiles.training_draw(list(train.viewer[g]), prng, sp)  # whole global batch on every rank
            tk, u = tk[rank * local:(rank + 1) * local], u[rank * local:(rank + 1) * local]
            f, h, c, ld = batch_tensors(train, idx, flips_all[idx], feats, out_w)
            logp, dur = model(f, tk, u, h)
            lp, ldur = losses(logp, dur, c, ld)
            loss = lp + sp.duration_weight * ldur
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
            tot_pos += float(lp); tot_dur += float(ldur); n += 1; done += 1
        entry = {"epoch": epoch + 1, "train_pos_nll": tot_pos / max(n, 1), "train_dur_nll": tot_dur / max(n, 1),
                 "seconds": time.time() - t0}
        if tune_idx is not None:
            entry["tune_ll_bits"] = population_ll(sp_head, tune.take(tune_idx), feats, profiles)
            if entry["tune_ll_bits"] > best[0]:
                best = (entry["tune_ll_bits"], {k: v.clone() for k, v in sp_head.state_dict().items()})
        history.append(entry)
        if rank == 0:
            log("[scanpath] epoch " + " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                                               for k, v in entry.items()))
            if ckpt:
                os.makedirs(os.path.dirname(os.path.abspath(ckpt)), exist_ok=True)
                torch.save({"head": sp_head.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                            "epoch": epoch + 1, "history": history, "best_score": best[0], "best_head": best[1]},
                           ckpt)
        if max_steps is not None and done >= max_steps:
            break
    if best[1] is not None:
        sp_head.load_state_dict(best[1])
    sp_head.eval()
    return {"history": history, "best_tune_ll_bits": best[0] if best[1] is not None else None}


@torch.no_grad()
def predict_samples(sp_head: ScanpathHead, s: Samples, feats: Dict[bool, torch.Tensor], tokens, uemb,
                    chunk: int = 512):
    """(log-density [n, cells], duration params [n, 2]) for samples (un-mirrored); tokens/uemb [n, ...]."""
    sp_head.eval()
    lps, durs = [], []
    for a in range(0, len(s), chunk):
        idx = np.arange(a, min(a + chunk, len(s)))
        f = feats[False][torch.from_numpy(s.frame[idx])].float()
        lp, d = sp_head(f, tokens[idx], uemb[idx], torch.from_numpy(s.history[idx]))
        lps.append(lp.flatten(1)); durs.append(d)
    return torch.cat(lps), torch.cat(durs)


def frame_masked_ll_bits(logp: torch.Tensor, cells: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per-sample log-likelihood in bits over a uniform map on the frame's cells, the map renormalised over the
    frame's cells (not the letterbox padding): [n, cells] log-probs, [n] target cells, [n, cells] bool mask."""
    lp = logp.masked_fill(~mask, -1e9)
    lp = lp - torch.logsumexp(lp, 1, keepdim=True)
    ll = lp.gather(1, cells[:, None])[:, 0] + torch.log(mask.sum(1).float())
    return ll / LOG2


def population_ll(sp_head, s: Samples, feats, profiles: Profiles, mask_of: Optional[Callable] = None) -> float:
    tk, u = profiles.population(len(s))
    lp, _ = predict_samples(sp_head, s, feats, tk, u)
    mask = mask_of(s) if mask_of else torch.ones_like(lp, dtype=torch.bool)
    return float(frame_masked_ll_bits(lp, torch.from_numpy(s.cell), mask).mean())
