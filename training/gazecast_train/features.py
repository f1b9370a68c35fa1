"""Caches the frozen MobileNet trunk's features for every frame (plain and mirrored).

The trunk is frozen during training, so its features are computed once; training the head and the
conditioning on cached features is what makes a full run fit in the time budget on a 2-core CPU.
Cache layout: <cache>/<trunk>/{pixels.npy, s8.npy, s16.npy, s32.npy, s8f.npy, ...} as float16 memmaps,
plus index.json (frame ids in row order). Re-running resumes where it stopped.
"""
from __future__ import annotations

import json
import os
import sys
import time
from typing import List

import numpy as np
import torch

from .data import Frame, frame_pixels, normalise

TAPS = ("s4", "s8", "s16", "s32")  # the trunk's outputs, in order; a trunk may leave some out (None)
MAPS = TAPS + tuple(t + "f" for t in TAPS)  # cached arrays: each tap, plain and of the mirrored frame


def all_taps(trunk):
    """The trunk set to return every tap, so one cache serves heads that read any of them."""
    trunk.with_s4, trunk.with_s32 = True, True
    return trunk


def cache_features(frames: List[Frame], trunk: torch.nn.Module, cache_dir: str, in_w: int, in_h: int,
                   flips: bool, batch: int = 8) -> str:
    os.makedirs(cache_dir, exist_ok=True)
    ids = [f.frame_id for f in frames]
    index_path = os.path.join(cache_dir, "index.json")
    n = len(frames)
    with torch.no_grad():
        probe = trunk(torch.zeros(1, 3, in_h, in_w))
    taps = [k for k, t in zip(TAPS, probe) if t is not None]
    shapes = {k: (n,) + tuple(t.shape[1:]) for k, t in zip(TAPS, probe) if t is not None}
    names = taps + ([k + "f" for k in taps] if flips else [])
    progress_path = os.path.join(cache_dir, "done.json")
    meta = {"ids": ids, "in_w": in_w, "in_h": in_h, "flips": flips, "taps": taps}
    fresh = not (os.path.exists(index_path) and json.load(open(index_path)) == meta)
    done = 0 if fresh else json.load(open(progress_path)).get("done", 0) if os.path.exists(progress_path) else 0
    mode = "w+" if fresh else "r+"
    arrays = {k: np.lib.format.open_memmap(os.path.join(cache_dir, f"{k}.npy"), mode=mode, dtype=np.float16,
                                           shape=shapes[k.rstrip("f")]) for k in names}
    pixels = np.lib.format.open_memmap(os.path.join(cache_dir, "pixels.npy"), mode=mode, dtype=np.uint8,
                                       shape=(n, in_h, in_w, 3))
    if fresh:
        json.dump(meta, open(index_path, "w"))
    t0 = time.time()
    for start in range(done, n, batch):
        chunk = frames[start:start + batch]
        px = np.stack([frame_pixels(f, in_w, in_h) for f in chunk])
        pixels[start:start + len(chunk)] = px
        x = torch.from_numpy(np.stack([normalise(p) for p in px]))
        with torch.no_grad():
            for suffix, inp in [("", x)] + ([("f", torch.flip(x, dims=[3]))] if flips else []):
                for k, t in zip(TAPS, trunk(inp)):
                    if t is not None:
                        arrays[k + suffix][start:start + len(chunk)] = t.numpy().astype(np.float16)
        for a in list(arrays.values()) + [pixels]:
            a.flush()
        json.dump({"done": start + len(chunk)}, open(progress_path, "w"))
        el = time.time() - t0
        k = start + len(chunk) - done
        print(f"[features {os.path.basename(cache_dir)}] {start + len(chunk)}/{n} "
              f"({el / k:.2f} s/frame, ~{el / k * (n - start - len(chunk)) / 60:.1f} min left)", flush=True)
    return cache_dir


def load_cache(cache_dir: str) -> dict:
    meta = json.load(open(os.path.join(cache_dir, "index.json")))
    out = {"ids": meta["ids"]}
    for k in ("pixels",) + MAPS:
        p = os.path.join(cache_dir, f"{k}.npy")
        if os.path.exists(p):
            out[k] = np.load(p, mmap_mode="r")
    return out
