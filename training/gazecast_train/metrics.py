"""Saliency metrics on a probability map over the frame (Bylinskii et al., "What do different evaluation
metrics tell us about saliency models?", TPAMI 2019; Kümmerer et al., information gain, PNAS 2015).

Every function takes a probability map `p` (2-D, non-negative, sums to 1) on the evaluation grid, and fixations as
integer (row, col) cells of that grid. Log-likelihoods are in bits per fixation relative to a uniform map, so the
information gain of a model over a baseline is the difference of their log-likelihoods.
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

EPS = 1e-12


def _vals(p: np.ndarray, fix: np.ndarray) -> np.ndarray:
    return p[fix[:, 0], fix[:, 1]]


def log_likelihood_bits(p: np.ndarray, fix: np.ndarray) -> np.ndarray:
    """Per-fixation log2 likelihood relative to the uniform map over the same cells."""
    return np.log2(np.maximum(_vals(p, fix), EPS) * p.size)


def nss(p: np.ndarray, fix: np.ndarray) -> float:
    s = (p - p.mean()) / (p.std() + EPS)
    return float(_vals(s, fix).mean())


def auc_judd(p: np.ndarray, fix: np.ndarray) -> float:
    """Area under the ROC curve with every fixation's saliency as a threshold (Judd et al. 2009)."""
    pos = np.sort(_vals(p, fix))[::-1]
    allv = np.sort(p.ravel())
    n_cells, n_fix = allv.size, pos.size
    # fraction of cells at or above each threshold
    fp = (n_cells - np.searchsorted(allv, pos, side="left")) / n_cells
    tp = np.arange(1, n_fix + 1) / n_fix
    tp = np.concatenate([[0.0], tp, [1.0]])
    fp = np.concatenate([[0.0], fp, [1.0]])
    return float(np.trapz(tp, fp))


def auc_ranks(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(score of a positive > score of a negative) + 0.5 P(tie): the ROC area via the rank statistic."""
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty_like(order, dtype=np.float64)
    sv = allv[order]
    # average ranks for ties
    _, first, counts = np.unique(sv, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(avg, counts)
    r_pos = ranks[: pos.size].sum()
    return float((r_pos - pos.size * (pos.size + 1) / 2) / (pos.size * neg.size))


def shuffled_auc(p: np.ndarray, fix: np.ndarray, other_fix: np.ndarray) -> float:
    """Negatives are fixations from other stimuli of the same dataset (cancels centre bias)."""
    if other_fix.size == 0:
        return float("nan")
    return auc_ranks(_vals(p, fix), _vals(p, other_fix))


def fixation_map(fix: np.ndarray, shape, sigma_cells: float) -> np.ndarray:
    m = np.zeros(shape, np.float64)
    np.add.at(m, (fix[:, 0], fix[:, 1]), 1.0)
    m = gaussian_filter(m, sigma_cells, mode="constant")
    return m / max(m.sum(), EPS)


def cc(p: np.ndarray, q: np.ndarray) -> float:
    a, b = p - p.mean(), q - q.mean()
    return float((a * b).sum() / (np.sqrt((a * a).sum() * (b * b).sum()) + EPS))


def kld(p: np.ndarray, q: np.ndarray) -> float:
    """KL(q || p): q the empirical (ground-truth) map, p the prediction (MIT benchmark convention, eps 2.2e-16)."""
    e = 2.2204e-16
    p = p / p.sum()
    q = q / q.sum()
    return float((q * np.log(e + q / (p + e))).sum())


def sim(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.minimum(p / p.sum(), q / q.sum()).sum())
