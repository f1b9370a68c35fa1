"""Evaluation on the validation split (by stimulus): the field's metrics for the model, the centre bias and the
inter-observer ceiling; personalisation, few-shot encoder and attribute-conditioning figures.

Scoring grid: the model's output cells that cover the frame, upsampled 4x bilinearly (96x128 for a 4:3 frame at
output 24x32). The centre bias and the ceiling are evaluated on the same grid, so log-likelihoods, information gains
and their ratios compare like with like. Fixations with index 0 (the central fixation cross) are left out.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import metrics as M
from .data import Frame, letterbox_geometry
from .model import ViewerEncoder
from .train import TrainConfig, predict_rows, viewing_density

UP = 4
CEILING_SIGMA = 0.035  # x image width
CEILING_MIX = 0.8


class Grid:
    """The scoring grid of one frame and the map from native pixels to its cells."""

    def __init__(self, f: Frame, cfg: TrainConfig):
        s, ox, oy = letterbox_geometry(f.width, f.height, cfg.in_w, cfg.in_h)
        cw, ch = cfg.in_w / cfg.out_w, cfg.in_h / cfg.out_h
        self.c0, self.c1 = max(0, int(np.floor(ox / cw + 1e-4))), min(cfg.out_w, int(np.ceil((ox + f.width * s) / cw - 1e-4)))
        self.r0, self.r1 = max(0, int(np.floor(oy / ch + 1e-4))), min(cfg.out_h, int(np.ceil((oy + f.height * s) / ch - 1e-4)))
        self.shape = ((self.r1 - self.r0) * UP, (self.c1 - self.c0) * UP)
        self.s, self.ox, self.oy, self.cw, self.ch = s, ox, oy, cw, ch
        self.f = f

    def cells(self, pts: np.ndarray) -> np.ndarray:
        col = ((self.ox + pts[:, 0] * self.s) / self.cw - self.c0) * UP
        row = ((self.oy + pts[:, 1] * self.s) / self.ch - self.r0) * UP
        return np.stack([np.clip(row.astype(int), 0, self.shape[0] - 1),
                         np.clip(col.astype(int), 0, self.shape[1] - 1)], 1)

    def normalised_centres(self):
        """Cell centres in frame-normalised coordinates (0..1 across the frame)."""
        gy = ((np.arange(self.shape[0]) + 0.5) / UP + self.r0) * self.ch
        gx = ((np.arange(self.shape[1]) + 0.5) / UP + self.c0) * self.cw
        return (gx - self.ox) / (self.f.width * self.s), (gy - self.oy) / (self.f.height * self.s)

    def density(self, logp: torch.Tensor) -> np.ndarray:
        """Model log_density [1, out_h, out_w] -> probability map on the grid, renormalised over the frame."""
        p = torch.exp(logp.reshape(1, 1, *logp.shape[-2:]))[:, :, self.r0:self.r1, self.c0:self.c1]
        p = p / p.sum()
        up = F.interpolate(p, scale_factor=UP, mode="bilinear", align_corners=False).clamp_min(0)[0, 0].numpy()
        return up / up.sum()


class CentreBias:
    """Per-dataset centre bias: a Gaussian KDE of training fixations in frame-normalised coordinates."""

    def __init__(self, frames: Sequence[Frame], rows: Sequence[int], exclude: set, bandwidth: float = 0.05,
                 max_points: int = 4000, seed: int = 0):
        pts: Dict[str, list] = {}
        for r in rows:
            f = frames[r]
            p = f.all_fixations([o for o in f.fixations if o not in exclude])
            pts.setdefault(f.dataset, []).append(p / np.array([f.width, f.height], np.float32))
        rng = np.random.default_rng(seed)
        self.pts = {}
        for ds, arrs in pts.items():
            a = np.concatenate(arrs)
            self.pts[ds] = a[rng.choice(len(a), min(max_points, len(a)), replace=False)]
        self.bw = bandwidth
        self.cache: Dict[tuple, np.ndarray] = {}

    def density(self, g: Grid) -> np.ndarray:
        key = (g.f.dataset, g.f.width, g.f.height, g.shape)  # the grid depends on the model's input size too
        if key not in self.cache:
            pts = self.pts.get(g.f.dataset)
            if pts is None:
                pts = np.concatenate(list(self.pts.values()))
            xs, ys = g.normalised_centres()
            kx = np.exp(-0.5 * ((xs[None, :] - pts[:, 0:1]) / self.bw) ** 2)  # [n, gw]
            ky = np.exp(-0.5 * ((ys[None, :] - pts[:, 1:2]) / self.bw) ** 2)  # [n, gh]
            d = ky.T @ kx + 1e-9
            self.cache[key] = d / d.sum()
        return self.cache[key]


def ceiling_by_viewer(f: Frame, g: Grid, centre_bias: np.ndarray):
    """For each viewer of the frame who has company: their fixations (grid cells) and the inter-observer
    ceiling's map for them, a Gaussian density of the other viewers' fixations (sigma CEILING_SIGMA x the grid's
    width) mixed CEILING_MIX / (1 - CEILING_MIX) with the centre bias."""
    for v, vp in f.fixations.items():
        rest = [o for o in f.fixations if o != v]
        if not rest:
            continue
        others = M.fixation_map(g.cells(f.all_fixations(rest)), g.shape, CEILING_SIGMA * g.shape[1])
        yield g.cells(vp), CEILING_MIX * others + (1 - CEILING_MIX) * centre_bias


def _agg(values: List[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def population_scores(head, bank, frames: Sequence[Frame], rows: Sequence[int], cb: CentreBias, cfg: TrainConfig,
                      with_ceiling: bool = True) -> Dict[str, Dict[str, float]]:
    """Per dataset: model, centre bias and (optionally) the inter-observer ceiling on the population task."""
    logp = predict_rows(head, bank, rows, emb_dim=cfg.emb_dim)
    by_ds: Dict[str, Dict[str, list]] = {}
    all_fix_norm: Dict[str, list] = {}
    for r in rows:
        f = frames[r]
        all_fix_norm.setdefault(f.dataset, []).append((r, f.all_fixations() / np.array([f.width, f.height])))
    rng = np.random.default_rng(0)
    for k, r in enumerate(rows):
        f = frames[r]
        g = Grid(f, cfg)
        pts = f.all_fixations()
        if len(pts) == 0:
            continue
        fix = g.cells(pts)
        P, C = g.density(logp[k]), cb.density(g)
        others = np.concatenate([a for rr, a in all_fix_norm[f.dataset] if rr != r] or [np.zeros((0, 2))])
        if len(others) > 2000:
            others = others[rng.choice(len(others), 2000, replace=False)]
        ofix = g.cells(others * np.array([f.width, f.height]))
        emp = M.fixation_map(fix, g.shape, CEILING_SIGMA * g.shape[1])
        d = by_ds.setdefault(f.dataset, {})
        for name, Q in (("model", P), ("centre_bias", C)):
            d.setdefault(f"{name}.ll", []).extend(M.log_likelihood_bits(Q, fix))
            d.setdefault(f"{name}.nss", []).append(M.nss(Q, fix))
            d.setdefault(f"{name}.auc_judd", []).append(M.auc_judd(Q, fix))
            d.setdefault(f"{name}.sauc", []).append(M.shuffled_auc(Q, fix, ofix))
            d.setdefault(f"{name}.cc", []).append(M.cc(Q, emp))
            d.setdefault(f"{name}.kld", []).append(M.kld(Q, emp))
            d.setdefault(f"{name}.sim", []).append(M.sim(Q, emp))
        if with_ceiling:
            for vfix, Q in ceiling_by_viewer(f, g, C):
                d.setdefault("ceiling.ll", []).extend(M.log_likelihood_bits(Q, vfix))
                d.setdefault("ceiling.nss", []).append(M.nss(Q, vfix))
                d.setdefault("ceiling.auc_judd", []).append(M.auc_judd(Q, vfix))
                d.setdefault("ceiling.sauc", []).append(M.shuffled_auc(Q, vfix, ofix))
                d.setdefault("model.nss_per_viewer", []).append(M.nss(P, vfix))
    out = {}
    for ds, d in by_ds.items():
        o = {k: _agg(v) for k, v in d.items()}
        o["frames"] = sum(1 for r in rows if frames[r].dataset == ds)
        o["fixations"] = len(d["model.ll"])
        o["model.ig"] = o["model.ll"] - o["centre_bias.ll"]
        if with_ceiling and "ceiling.ll" in o:
            o["ceiling.ig"] = o["ceiling.ll"] - o["centre_bias.ll"]
            o["ig_fraction_of_ceiling"] = o["model.ig"] / o["ceiling.ig"] if o["ceiling.ig"] > 0 else float("nan")
            o["nss_fraction_of_ceiling"] = o["model.nss_per_viewer"] / o["ceiling.nss"]
        out[ds] = o
    return out


def _viewer_ll_nss(head, bank, frames, rows, viewer, cfg, tokens=None, uemb=None):
    if not rows:
        return [], []
    logp = predict_rows(head, bank, rows, tokens=tokens, uemb=uemb, emb_dim=cfg.emb_dim)
    lls, nsss = [], []
    for k, r in enumerate(rows):
        g = Grid(frames[r], cfg)
        P = g.density(logp[k])
        fix = g.cells(frames[r].fixations[viewer])
        lls.extend(M.log_likelihood_bits(P, fix))
        nsss.append(M.nss(P, fix))
    return lls, nsss


def personalisation(head, emb, viewers, observers, bank, frames, val_rows, cfg, tokens_of, seed=0):
    """Each training viewer's val fixations under their own embedding, the population, another viewer's."""
    rng = np.random.default_rng(seed)
    res = {"own": ([], []), "population": ([], []), "other": ([], [])}
    per_ds: Dict[str, Dict[str, list]] = {}
    for i, v in enumerate(viewers):
        rows = [r for r in val_rows if v in frames[r].fixations]
        if not rows:
            continue
        same = [j for j, w in enumerate(viewers) if w.split("-")[0] == v.split("-")[0] and j != i]
        j = same[rng.integers(len(same))] if same else i
        for key, tk, u in (("own", tokens_of(v), emb[i]), ("population", None, None),
                           ("other", tokens_of(viewers[j]), emb[j])):
            ll, nss = _viewer_ll_nss(head, bank, frames, rows, v, cfg, tk, u)
            res[key][0].extend(ll); res[key][1].extend(nss)
            d = per_ds.setdefault(v.split("-")[0], {})
            d.setdefault(key, []).extend(ll)
    out = {k: {"ll": _agg(a), "nss": _agg(b)} for k, (a, b) in res.items()}
    out["own_minus_population_bits"] = out["own"]["ll"] - out["population"]["ll"]
    out["other_minus_population_bits"] = out["other"]["ll"] - out["population"]["ll"]
    out["per_dataset_own_minus_population_bits"] = {ds: _agg(d["own"]) - _agg(d["population"])
                                                    for ds, d in per_ds.items()}
    return out


@torch.no_grad()
def encode_viewings(enc, bank, frames, rows, viewer, cfg) -> np.ndarray:
    dens = torch.from_numpy(np.stack([viewing_density(frames[r], frames[r].fixations[viewer], cfg) for r in rows]))
    return enc(*bank.get(rows, [False] * len(rows), taps=ViewerEncoder.TAPS), dens).numpy()


def few_shot(enc, head, bank, frames, train_rows, val_rows, held_out, cfg, ks=(5, 10, 20), draws=5, seed=0):
    """Viewers left out of training: embedding = mean encoder output over k of their viewings (train images),
    scored on their val fixations against the population."""
    rng = np.random.default_rng(seed)
    out: Dict[str, Dict] = {}
    pop_ll, pop_nss = [], []
    for v in held_out:
        rows = [r for r in val_rows if v in frames[r].fixations]
        ll, nss = _viewer_ll_nss(head, bank, frames, rows, v, cfg)
        pop_ll.extend(ll); pop_nss.extend(nss)
    out["population"] = {"ll": _agg(pop_ll), "nss": _agg(pop_nss), "fixations": len(pop_ll)}
    for k in ks:
        lls, nsss, spreads = [], [], []
        for v in held_out:
            avail = [r for r in train_rows if v in frames[r].fixations and len(frames[r].fixations[v]) >= 2]
            rows = [r for r in val_rows if v in frames[r].fixations]
            if len(avail) < k or not rows:
                continue
            for _ in range(draws):
                pick = list(rng.choice(avail, k, replace=False))
                z = encode_viewings(enc, bank, frames, pick, v, cfg)
                spreads.append(float(np.linalg.norm(z - z.mean(0), axis=1).mean()))
                ll, nss = _viewer_ll_nss(head, bank, frames, rows, v, cfg, uemb=torch.from_numpy(z.mean(0)))
                lls.extend(ll); nsss.extend(nss)
        out[f"k{k}"] = {"ll": _agg(lls), "nss": _agg(nsss), "gain_bits": _agg(lls) - out["population"]["ll"],
                        "viewing_spread": _agg(spreads)}
    out["viewers"] = list(held_out)
    return out


def attribute_gain(head, bank, frames, val_rows, observers, cfg, tokens_of):
    """Held-out clips (val split of attributed data): the right age/gender tokens vs unknown, no embedding."""
    res = {"right": [], "unknown": [], "age_only": [], "gender_only": []}
    viewers = sorted({v for r in val_rows for v in frames[r].fixations
                      if observers.get(v) and observers[v].age is not None})
    for v in viewers:
        rows = [r for r in val_rows if v in frames[r].fixations]
        tk = tokens_of(v)
        for key, t in (("right", tk), ("unknown", [0, 0, 0]), ("age_only", [tk[0], 0, 0]),
                       ("gender_only", [0, tk[1], 0])):
            res[key].extend(_viewer_ll_nss(head, bank, frames, rows, v, cfg, tokens=t)[0])
    u = _agg(res["unknown"])
    return {"viewers": len(viewers), "fixations": len(res["right"]), "ll_unknown": u,
            "gain_bits_right_tokens": _agg(res["right"]) - u, "gain_bits_age_only": _agg(res["age_only"]) - u,
            "gain_bits_gender_only": _agg(res["gender_only"]) - u}
