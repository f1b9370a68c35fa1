"""Trains the density head, its profile conditioning and the per-viewer embeddings on cached trunk features."""
from __future__ import annotations

import copy
import json
import os
import time
from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .data import Frame, Observer, fixation_cells
from .features import MAPS, TAPS
from .model import DensityHead, ViewerEncoder
from .profile import LEARNED_SLOTS, SLOTS, observer_tokens


@dataclass
class TrainConfig:
    in_w: int = 192  # 256x192 ran at 74-82 ms in WASM (1 thread), this size at 37-47 ms (TUNING.md, README)
    in_h: int = 144
    out_w: int = 0  # 0: in_w / out_stride
    out_h: int = 0
    emb_dim: int = 16
    epochs: int = 32
    batch: int = 32
    lr: float = 2e-3
    weight_decay: float = 1e-4
    emb_l2: float = 1e-4
    emb_lr_mult: float = 30.0
    cond_map: bool = True
    cond_dim: int = 32
    c1_kernel: int = 3
    head_ch: int = 64  # width of the head's convs c1-c3
    separable_context: bool = False  # c2/c3 as depthwise + 1x1 instead of full 3x3
    cond_shift: bool = True
    use_s32: bool = False
    out_stride: int = 4  # see DensityHead: stride 8 cost NSS (TUNING.md)
    p_population: float = 0.35  # share of samples trained with the population (zero) profile
    p_tokens_only: float = 0.3  # of attributed viewers' samples: tokens without an embedding
    eval_every: int = 5
    encoder_epochs: int = 15
    personal_epochs: int = 6  # second stage: conditioning path + embeddings on viewer samples only
    personal_lr: float = 1e-3
    population_epochs: int = 4  # between the stages: every weight but the conditioning path, population samples only
    population_lr: float = 3e-4
    # The population stage can instead distil a seed ensemble: `teachers` heads (this seed's first stage and the
    # next seeds', each followed by the population stage above) are averaged into one density per training frame,
    # and the head learns that density for `distil_epochs` (every weight but the conditioning path). Two
    # seeds of the same settings differ by ~0.013 bits on tune, and their mixture beats each (TUNING.md); the
    # distilled head keeps much of that at one head's inference cost. 1: no distillation.
    teachers: int = 3
    distil_epochs: int = 8
    distil_lr: float = 3e-3
    # Train the final weights on train + tune, each stage keeping its last epoch (nothing is left to choose with),
    # once tune.py has fixed every setting above: 15 % more stimuli to learn from. Off: tune picks each stage's best
    # epoch of the current schedule, and no schedule tried so far ends on its best (TUNING.md). tune.py never refits.
    refit_on_tune: bool = False
    seed: int = 0

    def __post_init__(self):
        self.out_w = self.out_w or self.in_w // self.out_stride
        self.out_h = self.out_h or self.in_h // self.out_stride


class FeatureBank:
    """Cached trunk features as float32 tensors, looked up by frame row (plain or mirrored)."""

    def __init__(self, cache: dict, rows: Sequence[int]):
        self.rows = list(rows)
        self.has_flip = "s8f" in cache
        sel = np.asarray(self.rows)
        self.t = {k: torch.from_numpy(np.asarray(cache[k][sel], dtype=np.float32))
                  for k in MAPS if k in cache}
        self.pos = {r: i for i, r in enumerate(self.rows)}

    def get(self, rows: Sequence[int], flips: Sequence[bool], taps: Sequence[str] = TAPS):
        """(s4, s8, s16, s32) for the rows; None for a tap the cache lacks or the caller does not want."""
        idx = torch.tensor([self.pos[r] for r in rows])
        out = []
        for k in TAPS:
            if k not in self.t or k not in taps:
                out.append(None)
                continue
            x = self.t[k][idx]
            if self.has_flip and any(flips):
                fl = torch.tensor(flips)
                x = torch.where(fl[:, None, None, None], self.t[k + "f"][idx], x)
            out.append(x)
        return out


def centre_prior(frames: Sequence[Frame], rows: Sequence[int], cfg: TrainConfig, exclude: set) -> np.ndarray:
    """Log of the empirical fixation distribution over the output grid (initialises the learned centre bias)."""
    h = np.full(cfg.out_h * cfg.out_w, 1.0)
    for r in rows:
        f = frames[r]
        pts = f.all_fixations([o for o in f.fixations if o not in exclude])
        if len(pts):
            np.add.at(h, fixation_cells(f, pts, cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h), 1.0)
    from scipy.ndimage import gaussian_filter
    h = gaussian_filter(h.reshape(cfg.out_h, cfg.out_w), 1.0)
    return np.log(h / h.sum())


def nll(logp: torch.Tensor, cells: List[np.ndarray]) -> torch.Tensor:
    flat = logp.flatten(1)
    losses = [-flat[i, torch.from_numpy(c)].mean() for i, c in enumerate(cells)]
    return torch.stack(losses).mean()


def make_head(cfg: TrainConfig, prior: np.ndarray, conditioned: bool = True) -> DensityHead:
    """The density head the config describes, its centre bias initialised to `prior` (log-probabilities)."""
    return DensityHead([len(s["values"]) for s in SLOTS[:LEARNED_SLOTS]], cfg.emb_dim, cfg.out_h, cfg.out_w,
                       prior, conditioned=conditioned, cond_map=(6, 8) if cfg.cond_map else None,
                       cond_dim=cfg.cond_dim, c1_kernel=cfg.c1_kernel, cond_shift=cfg.cond_shift, use_s32=cfg.use_s32,
                       out_stride=cfg.out_stride, ch=cfg.head_ch, separable_context=cfg.separable_context)


def train_head(frames: List[Frame], observers: Dict[str, Observer], bank: FeatureBank, train_rows: List[int],
               tune_rows: List[int], viewers: List[str], exclude: set, cfg: TrainConfig, ckpt_dir: str,
               conditioned: bool = True, tag: str = "main", log=print):
    """Returns (head, viewer embedding matrix [len(viewers), dim], history). Ends with the epoch that scored best
    on `tune_rows`, or with the last epoch if `tune_rows` is empty (the refit on train + tune)."""
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    prior = centre_prior(frames, train_rows, cfg, exclude)
    head = make_head(cfg, prior, conditioned)
    emb = torch.nn.Parameter(torch.randn(len(viewers), cfg.emb_dim) * 0.01)
    vindex = {v: i for i, v in enumerate(viewers)}
    opt = torch.optim.AdamW([{"params": head.parameters()}, {"params": [emb], "weight_decay": 0.0, "lr": cfg.lr * cfg.emb_lr_mult}],
                            lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = max(1, len(train_rows) // cfg.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[cfg.lr, cfg.lr * cfg.emb_lr_mult], total_steps=cfg.epochs * steps_per_epoch,
                                                pct_start=0.1)
    os.makedirs(ckpt_dir, exist_ok=True)
    ckpt = os.path.join(ckpt_dir, f"{tag}.pt")
    start_epoch, best, history = 0, (-1e9, None, None), []
    if os.path.exists(ckpt):  # resume
        st = torch.load(ckpt)
        head.load_state_dict(st["head"]); emb.data = st["emb"]; opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"]); start_epoch = st["epoch"]; history = st["history"]
        best = (st["best_score"], st["best_head"], st["best_emb"])
        rng = np.random.default_rng(cfg.seed + start_epoch)
        log(f"[{tag}] resumed at epoch {start_epoch}")
    tok_cache = {v: observer_tokens(observers.get(v)) for v in viewers}
    t0 = time.time()
    for epoch in range(start_epoch, cfg.epochs):
        head.train()
        order = rng.permutation(train_rows)
        total, n = 0.0, 0
        for s in range(steps_per_epoch):
            rows = order[s * cfg.batch:(s + 1) * cfg.batch]
            logp, cells = _forward_batch(head, emb, frames, bank, rows, vindex, tok_cache, exclude, cfg, rng,
                                         cfg.p_population if conditioned else 1.0)
            loss = nll(logp, cells) + cfg.emb_l2 * (emb ** 2).sum(1).mean()
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
            total += float(loss); n += 1
        entry = {"epoch": epoch + 1, "train_nll": total / n, "seconds": time.time() - t0}
        if tune_rows and ((epoch + 1) % cfg.eval_every == 0 or epoch + 1 == cfg.epochs):
            score = tune_ll(head, frames, bank, tune_rows, cfg, exclude)
            entry["tune_ll_bits"] = score
            if score > best[0]:
                best = (score, {k: v.clone() for k, v in head.state_dict().items()}, emb.data.clone())
        history.append(entry)
        log(f"[{tag}] epoch {epoch + 1}/{cfg.epochs} " + " ".join(f"{k}={v:.4f}" for k, v in entry.items()
                                                                   if isinstance(v, float)))
        torch.save({"head": head.state_dict(), "emb": emb.data, "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch + 1, "history": history, "best_score": best[0], "best_head": best[1],
                    "best_emb": best[2]}, ckpt)
    if best[1] is not None:
        head.load_state_dict(best[1]); emb.data = best[2]
    head.eval()
    return head, emb.data.clone(), history


def _forward_batch(head, emb, frames, bank, rows, vindex, tok_cache, exclude, cfg, rng, p_population: float):
    """One training batch: each frame is drawn with the population profile (all its viewers' fixations, zero
    embedding) with probability p_population, else with one of its viewers (their fixations, tokens, embedding;
    tokens only for a share of attributed viewers so that attribute tokens work without an embedding)."""
    flips = list(rng.random(len(rows)) < 0.5) if bank.has_flip else [False] * len(rows)
    tokens, uemb, cells = [], [], []
    for r, fl in zip(rows, flips):
        f = frames[r]
        present = [v for v in f.fixations if v in vindex]
        if rng.random() < p_population or not present:
            pts = f.all_fixations([o for o in f.fixations if o not in exclude])
            tokens.append([0, 0]); uemb.append(None)
        else:
            v = present[rng.integers(len(present))]
            pts = f.fixations[v]
            tk = tok_cache[v][:LEARNED_SLOTS]
            tokens.append(tk)
            uemb.append(None if (any(tk) and rng.random() < cfg.p_tokens_only) else vindex[v])
        cells.append(fixation_cells(f, pts, cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h, flip=fl))
    fs = bank.get(rows, flips)
    zero = torch.zeros(cfg.emb_dim)
    u = torch.stack([emb[i] if i is not None else zero for i in uemb])
    return head(*fs, torch.tensor(tokens), u), cells


CONDITIONING = ("token_emb", "user_proj", "film1", "film2")


def _fine_tune(head: DensityHead, trainable, rows, epochs: int, lr: float, batch_loss, score, label: str,
               what: str, cfg: TrainConfig, rng, log, extra=()):
    """The loop both later stages share: trains the head parameters whose names `trainable` accepts (and the
    `extra` optimizer groups, e.g. the viewer embeddings) with AdamW under a cosine schedule, over `rows` in
    shuffled batches (`batch_loss(rows)`), scores after every epoch and ends with the best state: the one it came
    with if no epoch beats it. With `score` None (the refit on train + tune: nothing held out to score on) it
    ends with the last epoch. Logs `[label]` lines with the score, named `what`. Returns the kept values of the
    `extra` parameters."""
    for n, p in head.named_parameters():
        p.requires_grad_(trainable(n))
    extras = [p for g in extra for p in g["params"]]
    steps = max(1, len(rows) // cfg.batch)
    opt = torch.optim.AdamW([{"params": [p for n, p in head.named_parameters() if trainable(n)]}, *extra], lr=lr,
                            weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * steps)
    snapshot = lambda: ({k: v.clone() for k, v in head.state_dict().items()}, [p.data.clone() for p in extras])  # noqa: E731
    best = (score(), *snapshot()) if score else None
    if best:
        log(f"[{label}] start: {what} {best[0]:.4f}")
    for epoch in range(epochs):
        head.train()
        order = rng.permutation(rows)
        for s in range(steps):
            loss = batch_loss(order[s * cfg.batch:(s + 1) * cfg.batch])
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if not score:
            log(f"[{label}] epoch {epoch + 1}/{epochs}")
            continue
        sc = score()
        log(f"[{label}] epoch {epoch + 1}/{epochs} {what} {sc:.4f}")
        if sc > best[0]:
            best = (sc, *snapshot())
    if best:
        head.load_state_dict(best[1])
    for p in head.parameters():
        p.requires_grad_(True)
    head.eval()
    return best[2] if best else [p.data.clone() for p in extras]


def population_finetune(head: DensityHead, frames: List[Frame], bank: FeatureBank,
                        train_rows: List[int], tune_rows: List[int], exclude: set, cfg: TrainConfig, log=print):
    """Between the two stages: trains every head weight except the conditioning path on population samples only
    (all viewers' fixations, zero profile). The first stage gives 65 % of its samples to single viewers, whose
    few fixations pull the shared weights too; this stage lets the population map settle on the pooled density,
    and the personal stage that follows re-fits the conditioning path to the settled head. Keeps the epoch with
    the best population likelihood on tune (or the head as it came, if no epoch beats it); the last epoch if
    `tune_rows` is empty."""
    if cfg.population_epochs <= 0:
        return head
    torch.manual_seed(cfg.seed + 3)
    rng = np.random.default_rng(cfg.seed + 3)

    def batch_loss(rows):  # no viewers to draw from: every sample is the population's
        return nll(*_forward_batch(head, None, frames, bank, rows, {}, {}, exclude, cfg, rng, 1.0))

    _fine_tune(head, lambda n: not n.startswith(CONDITIONING), train_rows, cfg.population_epochs, cfg.population_lr,
               batch_loss, (lambda: tune_ll(head, frames, bank, tune_rows, cfg, exclude)) if tune_rows else None,
               "population", "tune LL", cfg, rng, log)
    return head


def settle_population(head: DensityHead, frames: List[Frame], observers: Dict[str, Observer], bank: FeatureBank,
                      train_rows: List[int], tune_rows: List[int], viewers: List[str], exclude: set,
                      cfg: TrainConfig, ckpt_dir: str, log=print) -> DensityHead:
    """The stage between the first and the personal one: `population_finetune`, or with cfg.teachers > 1 the
    distillation of a seed ensemble (`distil_population`). Teacher k > 0 is a first stage trained with seed
    cfg.seed + k, checkpointed in `ckpt_dir` as teacher-k.pt; teacher 0 is `head` itself after the plain stage."""
    if cfg.teachers <= 1:
        return population_finetune(head, frames, bank, train_rows, tune_rows, exclude, cfg, log=log)
    teachers = []
    for k in range(cfg.teachers):
        tcfg = replace(cfg, seed=cfg.seed + k)
        t = copy.deepcopy(head) if k == 0 else train_head(frames, observers, bank, train_rows, tune_rows, viewers,
                                                          exclude, tcfg, ckpt_dir, tag=f"teacher-{k}", log=log)[0]
        teachers.append(population_finetune(t, frames, bank, train_rows, tune_rows, exclude, tcfg, log=log))
    return distil_population(head, teachers, frames, bank, train_rows, tune_rows, exclude, cfg, log=log)


def distil_population(head: DensityHead, teachers: Sequence[DensityHead], frames: List[Frame], bank: FeatureBank,
                      train_rows: List[int], tune_rows: List[int], exclude: set, cfg: TrainConfig,
                      log=print) -> DensityHead:
    """Trains every head weight except the conditioning path towards the teachers' mixture density (the mean of
    their probabilities, population profile) on each training frame and its mirror image: cross-entropy against
    a whole map instead of a few dozen fixations. Keeps the best epoch on tune (the last if `tune_rows` is
    empty). The teachers learnt only from the training split's fixations, so the tune score stays held out."""
    rows = list(train_rows)
    pos = {r: i for i, r in enumerate(rows)}
    zeros = lambda n: (torch.zeros(n, LEARNED_SLOTS, dtype=torch.long), torch.zeros(n, cfg.emb_dim))  # noqa: E731
    for t in teachers:
        t.eval()
    target = {}
    for fl in (False, True):
        logp = torch.stack([predict_rows(t, bank, rows, emb_dim=cfg.emb_dim, flip=fl).flatten(1) for t in teachers])
        target[fl] = (torch.logsumexp(logp, 0) - np.log(len(teachers))).exp()
    torch.manual_seed(cfg.seed + 4)
    rng = np.random.default_rng(cfg.seed + 4)

    def batch_loss(rr):
        flips = list(rng.random(len(rr)) < 0.5) if bank.has_flip else [False] * len(rr)
        logq = head(*bank.get(rr, flips), *zeros(len(rr))).flatten(1)
        p = torch.stack([target[fl][pos[r]] for r, fl in zip(rr, flips)])
        return -(p * logq).sum(1).mean()

    _fine_tune(head, lambda n: not n.startswith(CONDITIONING), rows, cfg.distil_epochs, cfg.distil_lr, batch_loss,
               (lambda: tune_ll(head, frames, bank, tune_rows, cfg, exclude)) if tune_rows else None,
               f"distil {len(teachers)} teachers", "tune LL", cfg, rng, log)
    return head


def personal_finetune(head: DensityHead, emb: torch.Tensor, frames: List[Frame], observers: Dict[str, Observer],
                      bank: FeatureBank, train_rows: List[int], tune_rows: List[int], viewers: List[str],
                      exclude: set, cfg: TrainConfig, log=print):
    """Second stage: trains only the conditioning path (token embeddings, user projection, FiLM) and the viewer
    embeddings, on viewer samples only. The conditioning path has no biases and token 0 embeds to zero, so the
    population prediction is unchanged to the bit, while the first stage's population samples no longer pull the
    shared conditioning weights. Keeps the epoch with the best own-embedding likelihood on tune (the last epoch if
    `tune_rows` is empty)."""
    if cfg.personal_epochs <= 0:
        return head, emb
    torch.manual_seed(cfg.seed + 2)
    rng = np.random.default_rng(cfg.seed + 2)
    emb = torch.nn.Parameter(emb.clone())
    vindex = {v: i for i, v in enumerate(viewers)}
    tok_cache = {v: observer_tokens(observers.get(v)) for v in viewers}

    def batch_loss(rows):
        logp, cells = _forward_batch(head, emb, frames, bank, rows, vindex, tok_cache, exclude, cfg, rng, 0.0)
        return nll(logp, cells) + cfg.emb_l2 * (emb ** 2).sum(1).mean()

    (best_emb,) = _fine_tune(
        head, lambda n: n.startswith(CONDITIONING), [r for r in train_rows if any(v in vindex for v in frames[r].fixations)],
        cfg.personal_epochs, cfg.personal_lr, batch_loss,
        (lambda: _own_tune_ll(head, emb.data, frames, bank, tune_rows, viewers, cfg, tok_cache)) if tune_rows else None,
        "personal", "own-embedding tune LL", cfg, rng, log,
        extra=[{"params": [emb], "weight_decay": 0.0, "lr": cfg.personal_lr * cfg.emb_lr_mult}])
    return head, best_emb


@torch.no_grad()
def _own_tune_ll(head, emb, frames, bank, rows, viewers, cfg, tok_cache) -> float:
    """Mean log-likelihood (bits/fixation over uniform) of training viewers' tune fixations under their own
    tokens and embedding."""
    head.eval()
    vindex = {v: i for i, v in enumerate(viewers)}
    tot, n = 0.0, 0
    for s in range(0, len(rows), 64):
        rr = list(rows[s:s + 64])
        fs = bank.get(rr, [False] * len(rr))
        for v, i in vindex.items():
            sel = [k for k, r in enumerate(rr) if v in frames[r].fixations]
            if not sel:
                continue
            tk = torch.tensor([tok_cache[v][:LEARNED_SLOTS]] * len(sel))
            logp = head(*[None if t is None else t[sel] for t in fs], tk, emb[i].expand(len(sel), -1)).flatten(1)
            for k, j in enumerate(sel):
                f = frames[rr[j]]
                c = torch.from_numpy(fixation_cells(f, f.fixations[v], cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h))
                tot += _ll_bits(logp[k], c); n += len(c)
    return tot / max(n, 1)


@torch.no_grad()
def predict_rows(head: DensityHead, bank: FeatureBank, rows: Sequence[int], tokens=None, uemb=None,
                 emb_dim: int = 16, flip: bool = False) -> torch.Tensor:
    """The head's log-density for each row (of the mirrored frames with `flip`), population profile unless
    `tokens`/`uemb` are given, in batches of 64."""
    out = []
    for s in range(0, len(rows), 64):
        rr = list(rows[s:s + 64])
        fs = bank.get(rr, [flip] * len(rr))
        tk = torch.zeros(len(rr), LEARNED_SLOTS, dtype=torch.long) if tokens is None else \
            torch.as_tensor(tokens, dtype=torch.long).reshape(1, -1).expand(len(rr), -1)[:, :LEARNED_SLOTS]
        u = torch.zeros(len(rr), emb_dim) if uemb is None else torch.as_tensor(uemb).reshape(1, -1).expand(len(rr), -1)
        out.append(head(*fs, tk, u))
    return torch.cat(out)


def _ll_bits(logp_row, cells) -> float:
    """Summed log-likelihood of the fixations in `cells` (one row of flat log-probabilities, NumPy or torch), in
    bits over a uniform map of the same grid."""
    return float((logp_row[cells] + np.log(logp_row.shape[-1])).sum() / np.log(2))


def tune_ll(head, frames, bank, rows, cfg, exclude) -> float:
    """Mean log-likelihood (bits/fixation over uniform) of all fixations on the tune split (population)."""
    head.eval()
    logp = predict_rows(head, bank, rows, emb_dim=cfg.emb_dim).flatten(1).numpy()
    tot, n = 0.0, 0
    for k, r in enumerate(rows):
        f = frames[r]
        pts = f.all_fixations([o for o in f.fixations if o not in exclude])
        c = fixation_cells(f, pts, cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h)
        tot += _ll_bits(logp[k], c); n += len(c)
    return tot / max(n, 1)


def viewing_density(f: Frame, pts: np.ndarray, cfg: TrainConfig, flip: bool = False) -> np.ndarray:
    """A viewing's fixations as a density on the output grid (sums to 1): the encoder's `fixation_density`."""
    d = np.zeros(cfg.out_h * cfg.out_w, np.float32)
    np.add.at(d, fixation_cells(f, pts, cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h, flip=flip), 1.0)
    return (d / max(d.sum(), 1e-9)).reshape(1, cfg.out_h, cfg.out_w)


def train_encoder(head: DensityHead, emb: torch.Tensor, viewers: List[str], frames: List[Frame],
                  bank: FeatureBank, train_rows: List[int], cfg: TrainConfig, log=print) -> ViewerEncoder:
    """Siamese encoder with a triplet loss: a viewing of viewer A is pulled to A's learned embedding and pushed
    from another viewer's, plus a regression term that keeps it on the embeddings' scale."""
    torch.manual_seed(cfg.seed + 1)
    rng = np.random.default_rng(cfg.seed + 1)
    for p in head.parameters():
        p.requires_grad_(False)
    enc = ViewerEncoder(head, cfg.emb_dim)
    params = [p for n_, p in enc.named_parameters() if not n_.startswith("head.")]
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-4)
    vindex = {v: i for i, v in enumerate(viewers)}
    pairs = [(r, v) for r in train_rows for v in frames[r].fixations if v in vindex and len(frames[r].fixations[v]) >= 2]
    # The head's multi-scale features are frozen: compute them once per (frame, mirror) instead of per pair.
    rows_u = sorted({r for r, _ in pairs})
    pos_of = {r: i for i, r in enumerate(rows_u)}
    feats = {}
    with torch.no_grad():
        for fl in ((False, True) if bank.has_flip else (False,)):
            chunks = []
            for s in range(0, len(rows_u), 64):
                rr = rows_u[s:s + 64]
                _, s8, s16, s32 = bank.get(rr, [fl] * len(rr), taps=ViewerEncoder.TAPS)
                chunks.append(head.features(s8, s16, s32))
            feats[fl] = torch.cat(chunks)
    pair_row = torch.tensor([pos_of[r] for r, _ in pairs])
    pooled = {}
    with torch.no_grad():
        for fl in feats:
            d = torch.from_numpy(np.stack([viewing_density(frames[r], frames[r].fixations[v], cfg, fl)
                                           for r, v in pairs]))
            pooled[fl] = torch.cat([enc.pooled(feats[fl][pair_row[s:s + 256]], d[s:s + 256])
                                    for s in range(0, len(pairs), 256)])
    del feats
    pair_viewer = torch.tensor([vindex[v] for _, v in pairs])
    by_ds: Dict[str, List[int]] = {}
    for v, i in vindex.items():
        by_ds.setdefault(v.split("-")[0], []).append(i)
    ds_pool = [by_ds[v.split("-")[0]] for v in viewers]
    margin = 0.5 * float(emb.norm(dim=1).mean())
    pairs_of: Dict[int, List[int]] = {}
    for k, (_, v) in enumerate(pairs):
        pairs_of.setdefault(vindex[v], []).append(k)
    eligible = [i for i, ks in pairs_of.items() if len(ks) >= 6]
    for epoch in range(cfg.encoder_epochs):
        order = torch.from_numpy(rng.permutation(len(pairs)))
        tot, n = 0.0, 0
        for s in range(0, len(order), 128):
            b = order[s:s + 128]
            fl = bool(rng.random() < 0.5) and len(pooled) > 1
            z = enc.mlp(pooled[fl][b])
            vi = pair_viewer[b]
            neg_i = []
            for i in vi.tolist():  # a negative from the same dataset: the hard, informative case
                pool = ds_pool[i]
                j = pool[rng.integers(len(pool))]
                while j == i and len(pool) > 1:
                    j = pool[rng.integers(len(pool))]
                neg_i.append(j)
            pos, neg = emb[vi], emb[neg_i]
            loss = F.triplet_margin_loss(z, pos, neg, margin=margin) + F.mse_loss(z, pos) * 4
            if n % 3 == 0:  # the head pass is the expensive part: every third step keeps the epoch short
                loss = loss + few_shot_nll(enc, head, pooled, pairs, pairs_of, eligible, frames, bank, cfg, rng)
            opt.zero_grad(); loss.backward(); opt.step()
            tot += float(loss); n += 1
        if (epoch + 1) % 5 == 0 or epoch == 0:
            log(f"[encoder] epoch {epoch + 1}/{cfg.encoder_epochs} loss={tot / max(n, 1):.4f}")
    enc.eval()
    return enc


def few_shot_nll(enc, head, pooled, pairs, pairs_of, eligible, frames, bank, cfg, rng, batch: int = 16):
    """The objective the encoder is used for: the mean of its outputs over k of a viewer's viewings, fed to the
    (frozen) head, should explain that viewer's fixations on another image of theirs (k drawn from 3..20)."""
    if not eligible:
        return torch.zeros(())
    vs = [eligible[i] for i in rng.integers(len(eligible), size=batch)]
    zs, rows, cells = [], [], []
    for vi in vs:
        ks = pairs_of[vi]
        k = int(min(len(ks) - 1, rng.integers(3, 21)))
        pick = rng.choice(ks, k + 1, replace=False)
        zs.append(enc.mlp(pooled[False][torch.from_numpy(pick[:k])]).mean(0))
        r, v = pairs[pick[k]]
        rows.append(r)
        cells.append(fixation_cells(frames[r], frames[r].fixations[v], cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h))
    fs = bank.get(rows, [False] * len(rows))
    logp = head(*fs, torch.zeros(len(rows), LEARNED_SLOTS, dtype=torch.long), torch.stack(zs))
    return nll(logp, cells)
