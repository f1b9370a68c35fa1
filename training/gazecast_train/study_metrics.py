"""Report metrics of a (virtual or real) eye-tracking study: the Python twin of src/core/study-metrics.ts.

The model card's calibration compares what the product will display (seen-within shares, time to first
fixation) for simulated viewers with the same figures for real viewers, so both sides must mean exactly what
the app means. The definitions are those of docs/virtual-study.md, and test/fixtures/study-metrics.json (a
hand-computed study) is checked by this module's tests and by the TypeScript ones.

Data shapes (they match the JSON of the TypeScript types, so one fixture serves both):
- a scanpath is a float array [n, 4] of (x, y, onset_ms, duration_ms) in the frame's native pixels, in time
  order, WITHOUT the start fixation (where the gaze rests when the image appears, e.g. the fixation cross);
- an area of interest is the TS `Aoi` ({"id", "name", "shape": {...}}) or a bare shape:
  {"kind": "rect", "x", "y", "width", "height"} or {"kind": "polygon", "points": [{"x", "y"}, ...]}
  (points may also be [x, y] pairs).

Conventions: the viewing is [0, duration_ms); a fixation counts if its onset lies in it (later ones are
ignored) and its duration is clipped to it. Rectangles are half-open, [x, x + width) by [y, y + height);
polygons use the even-odd rule with the same crossing test as aoi.ts. Overlapping areas are measured
independently. Quantiles interpolate linearly between order statistics (numpy's default, type 7).
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

Z95 = 1.959963984540054  # 0.975 quantile of the standard normal
DEFAULT_SEEN_WITHIN_MS = (1000.0, 3000.0)
DEFAULT_BIN_MS = 250.0


class AoiInvalid(ValueError):
    """An area of interest with no area, fewer than 3 corners or non-finite corners (TS: 'aoi-invalid')."""


# ------------------------------------------------------------------------------------------------------------
# Areas of interest
# ------------------------------------------------------------------------------------------------------------

def aoi_shape(aoi: Mapping) -> dict:
    """The shape of an AOI as {"kind": "rect", x, y, width, height} or {"kind": "polygon", "points": [n, 2] array}."""
    shape = aoi.get("shape", aoi)
    kind = shape.get("kind")
    if kind == "rect":
        return {"kind": "rect", **{k: float(shape[k]) for k in ("x", "y", "width", "height")}}
    if kind == "polygon":
        pts = [(p["x"], p["y"]) if isinstance(p, Mapping) else (p[0], p[1]) for p in shape["points"]]
        return {"kind": "polygon", "points": np.asarray(pts, dtype=np.float64).reshape(-1, 2)}
    raise AoiInvalid(f"An area of interest must be a rect or a polygon, got kind {kind!r}.")


def _outline(shape: dict) -> np.ndarray:
    if shape["kind"] == "polygon":
        return shape["points"]
    x, y, w, h = shape["x"], shape["y"], shape["width"], shape["height"]
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float64)


def validate_aoi(aoi: Mapping) -> dict:
    """Raises AoiInvalid as aoi.ts's validateShape does; returns the normalised shape."""
    shape = aoi_shape(aoi)
    poly = _outline(shape)
    name = aoi.get("name", "")
    where = f'Area "{name}": ' if name else ""
    if shape["kind"] == "polygon" and len(poly) < 3:
        raise AoiInvalid(f"{where}A polygon area needs at least 3 corners, got {len(poly)}.")
    if not np.all(np.isfinite(poly)):
        raise AoiInvalid(f"{where}An area of interest has a corner that is not a finite number.")
    q = np.roll(poly, -1, axis=0)
    if abs(float(np.sum(poly[:, 0] * q[:, 1] - q[:, 0] * poly[:, 1])) / 2) < 1e-9:
        raise AoiInvalid(f"{where}An area of interest must enclose some area; this one is a line or a point.")
    return shape


def inside(aoi: Mapping, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Boolean mask of the points (x, y) inside the area (aoi.ts pointInShape, vectorised)."""
    shape = aoi_shape(aoi)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if shape["kind"] == "rect":
        x0, x1 = sorted((shape["x"], shape["x"] + shape["width"]))
        y0, y1 = sorted((shape["y"], shape["y"] + shape["height"]))
        return (x >= x0) & (x < x1) & (y >= y0) & (y < y1)
    poly = shape["points"]
    result = np.zeros(np.broadcast(x, y).shape, dtype=bool)
    j = len(poly) - 1
    for i in range(len(poly)):
        ax, ay = poly[i]
        bx, by = poly[j]
        straddles = (ay > y) != (by > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = x < (bx - ax) * (y - ay) / (by - ay) + ax
        result ^= straddles & cross
        j = i
    return result


# ------------------------------------------------------------------------------------------------------------
# Statistics
# ------------------------------------------------------------------------------------------------------------

def wilson_interval(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of count successes in n trials (95 % by default)."""
    if n <= 0 or count < 0 or count > n or int(count) != count or int(n) != n:
        raise ValueError(f"A Wilson interval needs a whole count between 0 and n > 0; got {count} of {n}.")
    p = count / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return low, high


def proportion(count: int, n: int) -> Optional[dict]:
    """{"count", "n", "share", "low", "high"} with the Wilson 95 % interval; None when n = 0."""
    if n == 0:
        return None
    low, high = wilson_interval(count, n)
    return {"count": int(count), "n": int(n), "share": count / n, "low": low, "high": high}


def quartiles(values: Sequence[float]) -> Optional[dict]:
    """{"median", "q1", "q3", "n"} by linear interpolation (type 7); None for no values."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return None
    q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75], method="linear")
    return {"median": float(med), "q1": float(q1), "q3": float(q3), "n": int(v.size)}


# ------------------------------------------------------------------------------------------------------------
# Scanpaths
# ------------------------------------------------------------------------------------------------------------

def validate_scanpath(sp: np.ndarray, index: int = 0) -> np.ndarray:
    """Checks one scanpath as study-metrics.ts's validateStudy does; returns it as a float64 [n, 4] array."""
    a = np.asarray(sp, dtype=np.float64)
    if a.size == 0:
        return a.reshape(0, 4)
    if a.ndim != 2 or a.shape[1] != 4:
        raise ValueError(f"Scanpath {index + 1} must be an [n, 4] array of (x, y, onset_ms, duration_ms); "
                         f"got shape {a.shape}.")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"Scanpath {index + 1} holds a value that is not a finite number.")
    if np.any(a[:, 2] < 0) or np.any(a[:, 3] < 0):
        raise ValueError(f"Scanpath {index + 1}: onsets and durations must be >= 0 ms.")
    ends = a[:-1, 2] + a[:-1, 3]
    bad = np.nonzero(a[1:, 2] < ends - 1e-6)[0]
    if bad.size:
        k = int(bad[0]) + 1
        raise ValueError(f"Scanpath {index + 1}: fixations must be in time order without overlap; fixation {k + 1} "
                         f"starts at {a[k, 2]} ms, before the previous one ends at {ends[k - 1]} ms.")
    return a


def _in_viewing(sp: np.ndarray, duration_ms: float) -> np.ndarray:
    """The fixations that count: those that start within the viewing (the scanpath is in time order)."""
    late = np.nonzero(sp[:, 2] >= duration_ms)[0]
    return sp if late.size == 0 else sp[: late[0]]


def viewer_aoi_record(sp: np.ndarray, aoi: Mapping, duration_ms: float) -> dict:
    """One viewer against one area: time to first fixation (None if never), total fixation duration (clipped),
    fixation count, visit count (maximal runs of consecutive fixations inside), first fixation inside."""
    f = _in_viewing(sp, duration_ms)
    hit = inside(aoi, f[:, 0], f[:, 1])
    dwell = np.minimum(f[:, 2] + f[:, 3], duration_ms) - f[:, 2]
    entries = hit & ~np.concatenate([[False], hit[:-1]])
    return {
        "ttff_ms": float(f[hit][0, 2]) if hit.any() else None,
        "total_fixation_duration_ms": float(dwell[hit].sum()),
        "fixation_count": int(hit.sum()),
        "visit_count": int(entries.sum()),
        "first_fixation_inside": bool(hit[0]) if hit.size else False,
    }


def _prepare(scanpaths: Iterable[np.ndarray], duration_ms: float) -> list[np.ndarray]:
    if not (duration_ms > 0 and math.isfinite(duration_ms)):
        raise ValueError(f"duration_ms must be a positive finite number of ms; got {duration_ms}.")
    return [validate_scanpath(sp, i) for i, sp in enumerate(scanpaths)]


def aoi_metrics(scanpaths: Sequence[np.ndarray], aoi: Mapping, duration_ms: float,
                seen_within_ms: Sequence[float] = DEFAULT_SEEN_WITHIN_MS) -> dict:
    """The per-area report (docs/virtual-study.md): seen_within {window_ms: proportion or None}, seen,
    time_to_first_fixation (quartiles or None), dwell, fixation_count, visit_count, revisits, first_fixation."""
    validate_aoi(aoi)
    sps = _prepare(scanpaths, duration_ms)
    n = len(sps)
    recs = [viewer_aoi_record(sp, aoi, duration_ms) for sp in sps]
    seers = [r for r in recs if r["ttff_ms"] is not None]
    ttffs = [r["ttff_ms"] for r in seers]
    dwells = [r["total_fixation_duration_ms"] for r in recs]
    seen_within = {}
    for w in seen_within_ms:
        if not (w > 0):
            raise ValueError(f"A seen-within window must be a positive number of ms; got {w}.")
        seen_within[w] = None if w > duration_ms else proportion(sum(t < w for t in ttffs), n)
    return {
        "seen_within": seen_within,
        "seen": proportion(len(seers), n),
        "time_to_first_fixation": quartiles(ttffs),
        "dwell": None if n == 0 else {
            "mean_ms": float(np.mean(dwells)),
            "mean_among_seers_ms": float(np.mean([r["total_fixation_duration_ms"] for r in seers])) if seers else None,
            "share_of_viewing": float(np.sum(dwells)) / (n * duration_ms),
        },
        "fixation_count": None if n == 0 else float(np.mean([r["fixation_count"] for r in recs])),
        "visit_count": float(np.mean([r["visit_count"] for r in seers])) if seers else None,
        "revisits": float(np.mean([r["visit_count"] - 1 for r in seers])) if seers else None,
        "first_fixation": proportion(sum(r["first_fixation_inside"] for r in recs), n),
    }


def first_fixation_density(scanpaths: Sequence[np.ndarray], width: float, height: float, duration_ms: float,
                           cols: int, rows: int) -> dict:
    """Each viewer's first fixation in the viewing in grid cell (floor(x*cols/width), floor(y*rows/height));
    "density" is row-major [rows*cols], divided by the number counted on the frame (sums to 1, or all 0)."""
    sps = _prepare(scanpaths, duration_ms)
    if int(cols) != cols or int(rows) != rows or cols < 1 or rows < 1:
        raise ValueError(f"The first-fixation grid needs whole numbers of columns and rows >= 1; got {cols} x {rows}.")
    counts = np.zeros(rows * cols)
    counted = off_frame = no_fixation = 0
    for sp in sps:
        f = _in_viewing(sp, duration_ms)
        if len(f) == 0:
            no_fixation += 1
            continue
        x, y = f[0, 0], f[0, 1]
        if not (0 <= x < width and 0 <= y < height):
            off_frame += 1
            continue
        c = min(cols - 1, math.floor(x * cols / width))
        r = min(rows - 1, math.floor(y * rows / height))
        counts[r * cols + c] += 1
        counted += 1
    return {
        "cols": cols, "rows": rows, "cell_width": width / cols, "cell_height": height / rows,
        "density": (counts / counted if counted else counts).tolist(),
        "counted": counted, "off_frame": off_frame, "no_fixation": no_fixation,
    }


def attention_over_time(scanpaths: Sequence[np.ndarray], aois: Sequence[Mapping], duration_ms: float,
                        bin_ms: float = DEFAULT_BIN_MS) -> dict:
    """Per area and bin [k*bin_ms, min((k+1)*bin_ms, duration_ms)): the summed time viewers fixate inside during
    the bin over (viewers x bin length). Returns {"bin_starts_ms", "shares": [n_aois, n_bins] array or None}."""
    for a in aois:
        validate_aoi(a)
    sps = _prepare(scanpaths, duration_ms)
    if not (bin_ms > 0):
        raise ValueError(f"The attention-over-time bin must be a positive number of ms; got {bin_ms}.")
    n_bins = math.ceil(duration_ms / bin_ms)
    starts = np.arange(n_bins) * bin_ms
    ends = np.minimum(starts + bin_ms, duration_ms)
    if not sps:
        return {"bin_starts_ms": starts.tolist(), "shares": None}
    time = np.zeros((len(aois), n_bins))
    for sp in sps:
        f = _in_viewing(sp, duration_ms)
        a0, a1 = f[:, 2], np.minimum(f[:, 2] + f[:, 3], duration_ms)
        # overlap of every fixation with every bin, [n_fix, n_bins]
        overlap = np.clip(np.minimum(a1[:, None], ends[None, :]) - np.maximum(a0[:, None], starts[None, :]), 0, None)
        for i, a in enumerate(aois):
            time[i] += overlap[inside(a, f[:, 0], f[:, 1])].sum(axis=0)
    return {"bin_starts_ms": starts.tolist(), "shares": time / (len(sps) * (ends - starts))[None, :]}


# ------------------------------------------------------------------------------------------------------------
# What the model card's calibration reads
# ------------------------------------------------------------------------------------------------------------

def seen_within_fixations(scanpaths: Sequence[np.ndarray], aoi: Mapping, n: int) -> Optional[float]:
    """Share of viewers with any of their first n fixations inside the area (by index, whatever their times;
    the scanpaths exclude the start fixation). None when there are no viewers."""
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a whole number of fixations >= 1; got {n}.")
    validate_aoi(aoi)
    sps = [validate_scanpath(sp, i) for i, sp in enumerate(scanpaths)]
    if not sps:
        return None
    return sum(bool(inside(aoi, sp[:n, 0], sp[:n, 1]).any()) for sp in sps) / len(sps)


def ttff_ms(scanpaths: Sequence[np.ndarray], aoi: Mapping, duration_ms: float = math.inf) -> Optional[float]:
    """Median time to first fixation (onset of the first fixation inside), ms, among the viewers who fixated the
    area within the viewing [0, duration_ms); None when nobody did."""
    validate_aoi(aoi)
    sps = [validate_scanpath(sp, i) for i, sp in enumerate(scanpaths)]
    t = [r["ttff_ms"] for r in (viewer_aoi_record(sp, aoi, duration_ms) for sp in sps) if r["ttff_ms"] is not None]
    q = quartiles(t)
    return None if q is None else q["median"]


def scanpaths_from_study(study: Mapping) -> list[np.ndarray]:
    """The scanpaths of a VirtualStudy JSON ({"viewers": [{"fixations": [{x, y, onsetMs, durationMs}]}]})."""
    return [np.array([[f["x"], f["y"], f["onsetMs"], f["durationMs"]] for f in v["fixations"]],
                     dtype=np.float64).reshape(-1, 4) for v in study["viewers"]]
