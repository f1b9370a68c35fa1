"""The scanpath stage of the pipeline: data, training, the timing of viewings, validation figures and the
calibration of what the product displays (virtual studies) against real viewers.

Validation figures (all on the validation split, by stimulus; population profile unless said otherwise):
- log-likelihood of each fixation given its history (bits/fix over a uniform map on the frame's output cells, the
  map renormalised over those cells) and its information gain over the static model on the same fixations, per
  dataset and for fixation 1, 2, 3, 4-5, 6+ and 1-10 (DeepGaze III's table);
- durations: log-likelihood of ln(duration) against one log-normal fitted on the training durations;
- a training viewer's own embedding (and tokens) vs the population vs another viewer's; the few-shot encoder;
  the age/gender tokens on held-out clips;
- calibration: virtual panels sampled from the model vs the real viewers of each validation image, for face boxes
  (EyeCrowd) and a 3x3 grid of cells: the share who fixate each area within their first 1, 3, 5 fixations, and
  the median time to first fixation, beside the same figures for fixations drawn independently from the static
  density (what a plain heatmap implies).
"""
from __future__ import annotations

import json
import os
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from . import study_metrics as SM
from .data import Frame, frame_cell_mask, letterbox_geometry, load_dataset
from .evaluate import encode_viewings
from .features import all_taps, cache_features, load_cache
from .profile import LEARNED_SLOTS
from .scanpath_data import Samples, build_samples, normalised_input_xy, video_scanpath_frames
from .scanpath_model import ScanpathHead
from .scanpath_train import (Profiles, ScanpathConfig, frame_features, frame_masked_ll_bits, make_scanpath_head,
                             predict_samples, train_scanpath)

NUMBER_BINS = {"1": (1, 1), "2": (2, 2), "3": (3, 3), "4-5": (4, 5), "6+": (6, 10 ** 6), "1-10": (1, 10)}
CALIBRATION_VIEWERS = 200
CALIBRATION_MS = 3000
CALIBRATION_STEPS = 14  # enough fixations for 3 s of viewing (about 10) and for "within the first 5"


class CacheBank:
    """FeatureBank's `get` straight from the cached memmaps (rows are main-frame rows), for the few rows the
    encoder reads: loading the whole bank would take gigabytes."""

    def __init__(self, cache: dict):
        self.cache = cache

    def get(self, rows, flips, taps=("s4", "s8", "s16", "s32")):
        rr = np.asarray(rows)
        return [torch.from_numpy(np.asarray(self.cache[t][rr], np.float32)) if t in taps and t in self.cache else None
                for t in ("s4", "s8", "s16", "s32")]


class ScanpathData:
    """The scanpath frames (image frames and video frames every 200 ms), their `features` (plain and mirrored),
    frame masks, the samples and their splits."""

    def __init__(self, folders, frames: Sequence[Frame], which_split: Dict[str, str], held: set, head, cfg,
                 sp: ScanpathConfig, work: str, trunk, log=print, smoke: bool = False):
        image_rows = [i for i, f in enumerate(frames) if f.kind == "image"]
        video = video_scanpath_frames(folders)
        if smoke:
            keep = {f.stimulus_id for f in frames}
            video = [f for f in video if f.stimulus_id in keep][:20]
        self.frames: List[Frame] = [frames[i] for i in image_rows] + video
        self.main_cache = load_cache(os.path.join(work, "features-pretrained"))
        vcache = None
        if video:
            vdir = cache_features(video, all_taps(trunk), os.path.join(work, "features-scanpath-video"), cfg.in_w,
                                  cfg.in_h, flips=True, batch=8)
            vcache = load_cache(vdir)
        log(f"[scanpath] features for {len(self.frames)} frames ({len(video)} video frames every 200 ms)")
        self.feats = {}
        for fl in (False, True):
            parts = [frame_features(head, self.main_cache, image_rows, fl, cfg.emb_dim)]
            if vcache is not None:
                parts.append(frame_features(head, vcache, list(range(len(video))), fl, cfg.emb_dim))
            self.feats[fl] = torch.cat(parts)
        self.out_hw, self.in_wh, self.aspect = (cfg.out_h, cfg.out_w), (cfg.in_w, cfg.in_h), cfg.in_w / cfg.in_h
        self.masks = torch.from_numpy(np.stack([frame_cell_mask(f, cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h).ravel()
                                                for f in self.frames]))
        self.samples = build_samples(folders, self.frames, sp.history, cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h)
        split_of_frame = np.array([which_split.get(f.stimulus_id, "train") for f in self.frames])
        self.split = split_of_frame[self.samples.frame]
        self.held = np.array([v in held for v in self.samples.viewer])
        log(f"[scanpath] {len(self.samples)} fixations to predict: " + ", ".join(
            f"{k} {int((self.split == k).sum())}" for k in ("train", "tune", "val")))

    def subset(self, split: str, with_held: bool = True) -> Samples:
        sel = self.split == split
        if not with_held:
            sel &= ~self.held
        return self.samples.take(np.where(sel)[0])

    def mask_of(self, s: Samples) -> torch.Tensor:
        return self.masks[torch.from_numpy(s.frame)]

    def static_ll(self, s: Samples) -> np.ndarray:
        lp = self.feats[False][torch.from_numpy(s.frame)][:, -1].float().flatten(1)
        return frame_masked_ll_bits(lp, torch.from_numpy(s.cell), self.mask_of(s)).numpy()


def run_stage(data: ScanpathData, profiles: Profiles, cfg, sp: ScanpathConfig, ckpt: Optional[str], log=print):
    sp_head = make_scanpath_head(cfg, sp)
    train = data.subset("train", with_held=False)
    tune = data.subset("tune")
    info = train_scanpath(sp_head, train, tune if len(tune) else None, data.feats, profiles, sp, cfg.out_w, ckpt=ckpt,
                          log=log)
    return sp_head, info


def viewing_timing(folders: Sequence[str], which_split: Dict[str, str]) -> Dict[str, float]:
    """The contract's `timing` from the image trials with onsets (training stimuli): saccadeMs, the median gap
    between a fixation's end and the next onset; startMs, the median onset of fixation 1 minus one saccade (how
    long the gaze stays at the start position after the image appears)."""
    gaps, first = [], []
    for folder in folders:
        ds = load_dataset(folder)
        trials: Dict[tuple, list] = {}
        for r in ds.fix_rows:
            if ds.stimuli[r[0]]["kind"] == "image" and which_split.get(r[0]) == "train" and r[6] is not None:
                trials.setdefault(r[:3], []).append(r)
        for rows in trials.values():
            rows.sort(key=lambda r: r[3])
            for a, b in zip(rows, rows[1:]):
                if a[7] and b[3] == a[3] + 1:
                    gaps.append(b[6] - (a[6] + a[7]))
            if len(rows) > 1 and rows[0][3] == 0 and rows[1][3] == 1:
                first.append(rows[1][6])
    if not gaps or not first:
        return {"startMs": 300.0, "saccadeMs": 40.0, "fromTrials": 0}
    sac = float(np.median(np.clip(gaps, 0, None)))
    return {"startMs": round(max(0.0, float(np.median(first)) - sac), 1), "saccadeMs": round(sac, 1),
            "fromTrials": len(first)}


def _by_bins(values: np.ndarray, number: np.ndarray) -> Dict[str, float]:
    out = {}
    for name, (lo, hi) in NUMBER_BINS.items():
        sel = (number >= lo) & (number <= hi)
        if sel.any():
            out[name] = float(values[sel].mean())
    out["all"] = float(values.mean()) if len(values) else float("nan")
    return out


def likelihood_figures(sp_head: ScanpathHead, data: ScanpathData, s: Samples, profiles: Profiles,
                       train: Samples) -> Dict:
    """Per dataset (and pooled): scanpath LL, static LL and IG by fixation number; duration LL vs one log-normal."""
    tk, u = profiles.population(len(s))
    lp, dur = predict_samples(sp_head, s, data.feats, tk, u)
    ll = frame_masked_ll_bits(lp, torch.from_numpy(s.cell), data.mask_of(s)).numpy()
    st = data.static_ll(s)
    known_tr = train.log_duration[~np.isnan(train.log_duration)]
    mu0, sd0 = float(known_tr.mean()), float(known_tr.std())
    ds_of = np.array([data.frames[f].dataset for f in s.frame])
    out = {"single_lognormal": {"mu": mu0, "sigma": sd0}}
    for ds in sorted(set(ds_of)) + ["all"]:
        sel = np.ones(len(s), bool) if ds == "all" else ds_of == ds
        d = {"fixations": int(sel.sum()), "scanpath_ll": _by_bins(ll[sel], s.number[sel]),
             "static_ll": _by_bins(st[sel], s.number[sel]),
             "ig_over_static": _by_bins(ll[sel] - st[sel], s.number[sel]),
             "count": {k: int(((s.number[sel] >= lo) & (s.number[sel] <= hi)).sum())
                       for k, (lo, hi) in NUMBER_BINS.items()}}
        ld = s.log_duration[sel]
        known = ~np.isnan(ld)
        if known.any():
            model = _log_normal_bits(ld[known], dur[torch.from_numpy(sel)][:, 0].numpy()[known],
                                     dur[torch.from_numpy(sel)][:, 1].numpy()[known])
            base = _log_normal_bits(ld[known], mu0, sd0)
            d["duration"] = {"fixations": int(known.sum()), "model_ll_bits": float(model.mean()),
                             "single_lognormal_ll_bits": float(base.mean()), "gain_bits": float((model - base).mean()),
                             "by_number_gain_bits": _by_bins(model - base, s.number[sel][known])}
        out[ds] = d
    return out


def _ll_with(sp_head, data, s, tk, u) -> np.ndarray:
    lp, _ = predict_samples(sp_head, s, data.feats, tk, u)
    return frame_masked_ll_bits(lp, torch.from_numpy(s.cell), data.mask_of(s)).numpy()


def personal_figures(sp_head, data: ScanpathData, val: Samples, profiles: Profiles, seed: int = 0) -> Dict:
    """Training viewers' validation fixations: own embedding + tokens, population, another viewer's (same
    dataset)."""
    rng = np.random.default_rng(seed)
    sel = np.array([v in profiles.vindex for v in val.viewer])
    s = val.take(np.where(sel)[0])
    viewers = sorted(profiles.vindex)
    other = {}
    for v in viewers:
        same = [w for w in viewers if w.split("-")[0] == v.split("-")[0] and w != v]
        other[v] = same[rng.integers(len(same))] if same else v
    runs = {"own": profiles.own(list(s.viewer)), "population": profiles.population(len(s)),
            "other": profiles.own([other[v] for v in s.viewer])}
    ll, dll, style = {}, {}, {}
    for name, (tk, u) in runs.items():
        lp, dur = predict_samples(sp_head, s, data.feats, tk, u)
        ll[name] = frame_masked_ll_bits(lp, torch.from_numpy(s.cell), data.mask_of(s)).numpy()
        dll[name] = _log_normal_bits(s.log_duration, dur[:, 0].numpy(), dur[:, 1].numpy())
        style[name] = (dur[:, 0].numpy(), expected_amplitude(lp, s, data))
    own, pop, oth = ll["own"], ll["population"], ll["other"]
    ds = np.array([v.split("-")[0] for v in s.viewer])
    return {"fixations": len(s), "own_ll": float(own.mean()), "population_ll": float(pop.mean()),
            "other_ll": float(oth.mean()), "own_minus_population_bits": float((own - pop).mean()),
            "other_minus_population_bits": float((oth - pop).mean()),
            "per_dataset_own_minus_population_bits": {d: float((own - pop)[ds == d].mean()) for d in sorted(set(ds))},
            "duration_own_minus_population_bits": float(np.nanmean(dll["own"] - dll["population"])),
            "duration_other_minus_population_bits": float(np.nanmean(dll["other"] - dll["population"])),
            "style": style_figures(s, data, style)}


def _log_normal_bits(log_duration: np.ndarray, mu, sigma) -> np.ndarray:
    """Log-likelihood in bits of each ln(duration) under a normal (mu, sigma): a log-normal of the duration."""
    return (-0.5 * ((log_duration - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)) / np.log(2)


def expected_amplitude(logp: torch.Tensor, s: Samples, data: "ScanpathData") -> np.ndarray:
    """The model's expected saccade amplitude (input heights) from each sample's current fixation: the mean
    distance of the next fixation's cell from it under the predicted density (renormalised over the frame)."""
    out_h, out_w = data.out_hw
    aspect = data.aspect
    gx = ((torch.arange(out_w) + 0.5) / out_w).repeat(out_h) * aspect
    gy = ((torch.arange(out_h) + 0.5) / out_h).repeat_interleave(out_w)
    h = torch.from_numpy(s.history[:, 0, :2])
    d = torch.sqrt((gx[None] - h[:, :1] * aspect) ** 2 + (gy[None] - h[:, 1:2]) ** 2)
    lp = logp.masked_fill(~data.mask_of(s), -1e9)
    p = torch.softmax(lp, 1)
    return (p * d).sum(1).numpy()


def style_figures(s: Samples, data: "ScanpathData", style: Dict) -> Dict:
    """Does the embedding carry a viewer's scanpath style? Per training viewer, on their validation fixations:
    their observed mean ln duration and mean saccade amplitude against what the model expects for them with their
    own embedding, the population's and another viewer's (Pearson r across viewers), and how stable the observed
    traits are (r between the viewer's even- and odd-numbered validation trials)."""
    amp = np.sqrt((((s.history[:, 0, :2] - normalised_xy_of(s, data)) * np.array([data.aspect, 1.0])) ** 2).sum(1))
    viewers = sorted(set(s.viewer))
    obs_d, obs_a, half = [], [], []
    pred = {k: ([], []) for k in style}
    for v in viewers:
        sel = s.viewer == v
        known = sel & ~np.isnan(s.log_duration)
        if known.sum() < 20:
            continue
        obs_d.append(float(s.log_duration[known].mean())); obs_a.append(float(amp[sel].mean()))
        for k, (mu, ea) in style.items():
            pred[k][0].append(float(mu[known].mean())); pred[k][1].append(float(ea[sel].mean()))
        even = known & (s.trial % 2 == 0)
        odd = known & (s.trial % 2 == 1)
        half.append((s.log_duration[even].mean() if even.any() else np.nan,
                     s.log_duration[odd].mean() if odd.any() else np.nan,
                     amp[sel & (s.trial % 2 == 0)].mean() if (sel & (s.trial % 2 == 0)).any() else np.nan,
                     amp[sel & (s.trial % 2 == 1)].mean() if (sel & (s.trial % 2 == 1)).any() else np.nan))
    r = lambda a, b: float(np.corrcoef(a, b)[0, 1]) if len(a) > 2 and np.std(a) > 0 and np.std(b) > 0 else None  # noqa
    hv = np.array(half, float)
    ok_d = ~np.isnan(hv[:, 0]) & ~np.isnan(hv[:, 1]) if len(hv) else np.zeros(0, bool)
    ok_a = ~np.isnan(hv[:, 2]) & ~np.isnan(hv[:, 3]) if len(hv) else np.zeros(0, bool)
    return {"viewers": len(obs_d),
            "duration_r": {k: r(obs_d, p[0]) for k, p in pred.items()},
            "amplitude_r": {k: r(obs_a, p[1]) for k, p in pred.items()},
            "split_half_r": {"duration": r(hv[ok_d, 0], hv[ok_d, 1]) if ok_d.any() else None,
                             "amplitude": r(hv[ok_a, 2], hv[ok_a, 3]) if ok_a.any() else None}}


def normalised_xy_of(s: Samples, data: "ScanpathData") -> np.ndarray:
    """The targets' positions in the contract's history coordinates (the cell centre is not precise enough for
    amplitudes: use the recorded native pixels through each frame's letterbox)."""
    out = np.zeros((len(s), 2), np.float32)
    for fr in np.unique(s.frame):
        sel = s.frame == fr
        out[sel] = normalised_input_xy(data.frames[fr], s.xy[sel], data.in_wh[0], data.in_wh[1])
    return out


def few_shot_figures(sp_head, data: ScanpathData, val: Samples, enc, main_frames, train_rows,
                     held: Sequence[str], cfg, ks=(5, 10, 20), draws: int = 5, seed: int = 0) -> Dict:
    """Viewers no training step saw: their embedding = the mean encoder output over k of their viewings (training
    images), scored on their validation fixations in the scanpath model."""
    rng = np.random.default_rng(seed)
    out: Dict = {}
    pop_all = []
    viewers = {}  # held-out viewer -> (their validation samples, zero tokens, population LL, training viewings)
    for v in held:
        sel = np.where(val.viewer == v)[0]
        if len(sel):
            s = val.take(sel)
            zero_tokens = torch.zeros(len(s), LEARNED_SLOTS, dtype=torch.long)
            viewers[v] = (s, zero_tokens, _ll_with(sp_head, data, s, zero_tokens, torch.zeros(len(s), cfg.emb_dim)),
                          [r for r in train_rows if v in main_frames[r].fixations and len(main_frames[r].fixations[v]) >= 2])
    bank = CacheBank(data.main_cache)
    for k in ks:
        gains = []
        for v in held:
            if v not in viewers or len(viewers[v][3]) < k:
                continue
            s, zero_tokens, pop, avail = viewers[v]
            if k == ks[0]:
                pop_all.extend(pop.tolist())
            for _ in range(draws):
                pick = list(rng.choice(avail, k, replace=False))
                z = torch.from_numpy(encode_viewings(enc, bank, main_frames, pick, v, cfg).mean(0))
                ll = _ll_with(sp_head, data, s, zero_tokens, z.float().expand(len(s), -1))
                gains.extend((ll - pop).tolist())
        out[f"k{k}"] = {"gain_bits": float(np.mean(gains)) if gains else float("nan"), "fixations": len(gains)}
    out["population_ll"] = float(np.mean(pop_all)) if pop_all else float("nan")
    out["viewers"] = list(held)
    return out


def attribute_figures(sp_head, data: ScanpathData, val: Samples, observers, tokens_of) -> Dict:
    """Held-out clips: the viewers' right age/gender tokens vs unknown (no embedding)."""
    sel = np.array([observers.get(v) is not None and observers[v].age is not None for v in val.viewer])
    s = val.take(np.where(sel)[0])
    if not len(s):
        return {"fixations": 0}
    tk = torch.tensor([list(tokens_of(v))[:LEARNED_SLOTS] for v in s.viewer], dtype=torch.long)
    z = torch.zeros(len(s), profiles_dim(sp_head))
    right = _ll_with(sp_head, data, s, tk, z)
    unknown = _ll_with(sp_head, data, s, torch.zeros_like(tk), z)
    return {"fixations": len(s), "viewers": len(set(s.viewer)), "gain_bits_right_tokens": float((right - unknown).mean())}


def profiles_dim(sp_head: ScanpathHead) -> int:
    return sp_head.user_proj.in_features


# ---------- virtual panels ----------

def cell_to_native(f: Frame, cell: np.ndarray, jitter: np.ndarray, cfg) -> np.ndarray:
    """Flat output cells + uniform jitter in [0, 1)^2 -> native pixels through the inverse letterbox, clipped to
    the frame (a cell at the frame's edge partly covers padding)."""
    s, ox, oy = letterbox_geometry(f.width, f.height, cfg.in_w, cfg.in_h)
    col, row = cell % cfg.out_w, cell // cfg.out_w
    xi = (col + jitter[:, 0]) * cfg.in_w / cfg.out_w
    yi = (row + jitter[:, 1]) * cfg.in_h / cfg.out_h
    x = np.clip((xi - ox) / s, 0, f.width - 1e-3)
    y = np.clip((yi - oy) / s, 0, f.height - 1e-3)
    return np.stack([x, y], 1)


def _draw(logp: torch.Tensor, mask: torch.Tensor, rng) -> np.ndarray:
    """One cell per row from the log-density renormalised over the frame's cells."""
    lp = logp.masked_fill(~mask, -1e9)
    p = torch.exp(lp - torch.logsumexp(lp, 1, keepdim=True))
    c = p.double().cumsum(1).numpy()
    u = rng.random(len(c))[:, None] * c[:, -1:]
    return np.minimum((c < u).sum(1), c.shape[1] - 1)


@torch.no_grad()
def sample_panel(sp_head: ScanpathHead, feat: torch.Tensor, mask: torch.Tensor, f: Frame, cfg, timing: Dict,
                 n: int, steps: int, rng, tokens=None, emb=None) -> List[np.ndarray]:
    """n virtual viewers' scanpaths [steps, 4] (x, y native px, onset ms, duration ms) on one image, starting at
    the letterbox centre (the fixation cross); batch-1 features broadcast over the viewers, as in the browser."""
    k = sp_head.k
    hist = np.zeros((n, k, 3), np.float32)
    hist[:, 0] = (0.5, 0.5, 1.0)
    tk = torch.zeros(n, LEARNED_SLOTS, dtype=torch.long) if tokens is None else tokens
    u = torch.zeros(n, profiles_dim(sp_head)) if emb is None else emb
    onset = np.full(n, timing["startMs"] + timing["saccadeMs"])
    out = np.zeros((n, steps, 4))
    for t in range(steps):
        lp, dur = sp_head(feat, tk, u, torch.from_numpy(hist))
        cell = _draw(lp.flatten(1), mask.expand(n, -1), rng)
        xy = cell_to_native(f, cell, rng.random((n, 2)), cfg)
        d = np.exp(dur[:, 0].numpy() + dur[:, 1].numpy() * rng.standard_normal(n))
        out[:, t] = np.stack([xy[:, 0], xy[:, 1], onset, d], 1)
        onset = onset + d + timing["saccadeMs"]
        new = np.concatenate([normalised_input_xy(f, xy, cfg.in_w, cfg.in_h), np.ones((n, 1), np.float32)], 1)
        hist = np.concatenate([new[:, None], hist[:, :-1]], 1)
    return [out[i] for i in range(n)]


def sample_independent(feat: torch.Tensor, mask: torch.Tensor, f: Frame, cfg, timing: Dict, lognormal: Dict,
                       n: int, steps: int, rng) -> List[np.ndarray]:
    """What a plain heatmap implies: every fixation drawn independently from the static density, durations from
    one log-normal, the same timing."""
    lp = feat[:, -1].reshape(1, -1).expand(n, -1)
    out = np.zeros((n, steps, 4))
    onset = np.full(n, timing["startMs"] + timing["saccadeMs"])
    for t in range(steps):
        xy = cell_to_native(f, _draw(lp, mask.expand(n, -1), rng), rng.random((n, 2)), cfg)
        d = np.exp(lognormal["mu"] + lognormal["sigma"] * rng.standard_normal(n))
        out[:, t] = np.stack([xy[:, 0], xy[:, 1], onset, d], 1)
        onset = onset + d + timing["saccadeMs"]
    return [out[i] for i in range(n)]


def observed_scanpaths(s: Samples, frame_row: int, timing: Dict) -> List[np.ndarray]:
    """The real viewers of one image as scanpaths [n, 4] without the start fixation. Onsets: the recorded ones
    where the dataset has them, else rebuilt from the recorded durations with the virtual viewers' own rule
    (fixation 1 at timing.startMs + saccadeMs, then each duration + saccade): the start fixation's recorded duration
    does not say when it began (in scene, which has onsets, it begins a median 279 ms after the image appears), so
    counting from it would make those viewers look ~300 ms faster than any model could."""
    out = []
    sel = np.where(s.frame == frame_row)[0]
    for tr in np.unique(s.trial[sel]):
        rows = sel[s.trial[sel] == tr]
        rows = rows[np.argsort(s.number[rows])]
        d = np.nan_to_num(np.exp(s.log_duration[rows]), nan=0.0)
        on = s.onset[rows].astype(float)
        if np.isnan(on).any():
            on = timing["startMs"] + timing["saccadeMs"] + np.concatenate([[0], np.cumsum(d[:-1] + timing["saccadeMs"])])
        out.append(np.stack([s.xy[rows, 0], s.xy[rows, 1], on, d], 1))
    return out


def sampling_floor(p: np.ndarray, m: np.ndarray) -> float:
    """The mean absolute error (percentage points) that even a perfect model would show against observed shares of
    m real viewers when the true shares are p: E|Binomial(m, p) / m - p|, averaged over areas."""
    from scipy.stats import binom
    out = []
    for pi, mi in zip(p, m):
        k = np.arange(mi + 1)
        out.append(float((binom.pmf(k, mi, pi) * np.abs(k / mi - pi)).sum()))
    return 100 * float(np.mean(out)) if out else float("nan")


def grid_aois(f: Frame) -> List[Dict]:
    return [{"name": f"cell {r}{c}", "shape": {"kind": "rect", "x": c * f.width / 3, "y": r * f.height / 3,
                                              "width": f.width / 3, "height": f.height / 3}}
            for r in range(3) for c in range(3)]


def face_aois(faces: Dict, f: Frame) -> List[Dict]:
    return [{"name": f"face {i}", "shape": {"kind": "rect", "x": b["left"], "y": b["top"], "width": b["width"],
                                            "height": b["height"]}}
            for i, b in enumerate(faces.get(f.stimulus_id, [])) if b["width"] > 0 and b["height"] > 0]


def calibration(sp_head, data: ScanpathData, val: Samples, cfg, timing: Dict, lognormal: Dict,
                faces: Dict, n_viewers: int = CALIBRATION_VIEWERS, seed: int = 0,
                max_images: Optional[int] = None) -> Dict:
    """Per AOI family (faces, grid): MAE (percentage points) and correlation of the predicted vs observed share of
    viewers who fixate the area within their first 1, 3, 5 fixations; median TTFF within 3 s vs observed; for the
    scanpath model and for independent draws from the static density."""
    rng = np.random.default_rng(seed)
    rows = sorted({int(r) for r in val.frame if data.frames[r].kind == "image"})
    if max_images:
        rows = rows[:max_images]
    recs: Dict[str, Dict[str, list]] = {}
    for r in rows:
        f = data.frames[r]
        obs = observed_scanpaths(val, r, timing)
        if len(obs) < 3:
            continue
        feat = data.feats[False][r:r + 1].float()
        mask = data.masks[r:r + 1]
        panels = {"scanpath": sample_panel(sp_head, feat, mask, f, cfg, timing, n_viewers, CALIBRATION_STEPS, rng),
                  "heatmap": sample_independent(feat, mask, f, cfg, timing, lognormal, n_viewers, CALIBRATION_STEPS,
                                                rng)}
        recorded = not np.isnan(val.onset[val.frame == r]).any()
        for family, aois in (("grid", grid_aois(f)), ("faces", face_aois(faces, f))):
            for aoi in aois:
                d = recs.setdefault(family, {})
                d.setdefault("observers", []).append(len(obs))
                for n in (1, 3, 5):
                    d.setdefault(f"observed.n{n}", []).append(SM.seen_within_fixations(obs, aoi, n))
                    for name, panel in panels.items():
                        d.setdefault(f"{name}.n{n}", []).append(SM.seen_within_fixations(panel, aoi, n))
                o = SM.aoi_metrics(obs, aoi, CALIBRATION_MS)
                for name, panel in panels.items():
                    p = SM.aoi_metrics(panel, aoi, CALIBRATION_MS)
                    # medians of a quarter of the panel or more: fewer seers make a median that is mostly noise
                    to, tp = o["time_to_first_fixation"], p["time_to_first_fixation"]
                    if to and tp and o["seen"]["share"] >= 0.25 and p["seen"]["share"] >= 0.25:
                        d.setdefault(f"ttff.{name}", []).append((to["median"], tp["median"]))
                        if recorded:  # real onsets, not rebuilt from durations
                            d.setdefault(f"ttff.{name}@recorded", []).append((to["median"], tp["median"]))
    out: Dict = {"images": len(rows), "viewers_per_image": n_viewers, "within_ms": CALIBRATION_MS}
    for family, d in recs.items():
        fam = {"areas": len(d["observed.n1"])}
        for n in (1, 3, 5):
            obs = np.array(d[f"observed.n{n}"]) * 100
            for name in ("scanpath", "heatmap"):
                pred = np.array(d[f"{name}.n{n}"]) * 100
                fam[f"{name}.n{n}"] = {"mae_pp": float(np.abs(pred - obs).mean()),
                                       "correlation": float(np.corrcoef(pred, obs)[0, 1]) if obs.std() > 0 else None}
            fam[f"floor.n{n}"] = {"mae_pp": sampling_floor(np.array(d[f"scanpath.n{n}"]), np.array(d["observers"]))}
        for key in [k for k in d if k.startswith("ttff.")]:
            pairs = np.array(d[key])
            if len(pairs):
                fam[key] = {"areas": len(pairs), "mae_ms": float(np.abs(pairs[:, 1] - pairs[:, 0]).mean()),
                                       "correlation": float(np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1])
                                       if len(pairs) > 2 else None,
                                       "median_observed_ms": float(np.median(pairs[:, 0])),
                                       "median_predicted_ms": float(np.median(pairs[:, 1]))}
        m3, b3 = fam["scanpath.n3"]["mae_pp"], fam["heatmap.n3"]["mae_pp"]
        fam["n3_mae_reduction"] = float(1 - m3 / b3) if b3 > 0 else None
        out[family] = fam
    return out


def load_faces(folders: Sequence[str]) -> Dict:
    faces = {}
    for folder in folders:
        p = os.path.join(folder, "faces.json")
        if os.path.exists(p):
            faces.update(json.load(open(p)))
    return faces
