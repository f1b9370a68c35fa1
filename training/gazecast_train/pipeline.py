"""The end-to-end pipeline behind training/train.py."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import tempfile
import time
from typing import Dict, List

import numpy as np
import torch

from . import evaluate as E
from .data import load_frames
from .export import export_onnx, file_entry, fp16_weights, int8_conv_weights
from .features import all_taps, cache_features, load_cache
from .model import EncoderGraph, GazeModel, ViewerEncoder
from .mobilenet import pretrained_trunk, random_trunk
from .profile import SLOTS, VISION_SLOT, observer_attributes, observer_tokens
from .splits import held_out_viewers, split_frames
from .train import (FeatureBank, TrainConfig, personal_finetune, population_finetune, settle_population, train_encoder,
                    train_head)
from .model_card import write_model_card
from .scanpath_model import GazeModelWithFeatures
from . import scanpath_export as SPX
from . import scanpath_stage as SPS
from .scanpath_train import Profiles, ScanpathConfig
from .warm_start import load_static
from .yardstick import yardstick

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_WEIGHTS = os.path.join(os.path.dirname(REPO), "shared", "weights", "mobilenet_v1_1.0_224")
MIN_CORRELATION = 0.99
MODEL_LICENSE = ("Weights: MobileNet v1 trunk Apache-2.0 (Keras Applications); head and scanpath model trained on "
                 "MIT-licensed OSIE/EyeCrowd/Scene gaze data and on the causality gaze data, which states no licence. "
                 "The age/gender conditioning was learned from the causality data alone (the only set recording "
                 "viewers' age and gender): research use only. See MODEL_CARD.md.")


def log(msg: str):
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


def smoke_subset(frames, n_per_dataset=12):
    out, seen = [], {}
    for f in frames:
        if seen.get(f.dataset, 0) < n_per_dataset:
            out.append(f); seen[f.dataset] = seen.get(f.dataset, 0) + 1
    return out


def main(args) -> int:
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    torch.manual_seed(args.seed)
    model_id = os.path.basename(os.path.abspath(args.out))
    work = args.work or os.path.join(REPO, "training", "runs", f"{model_id}-{args.config}")
    weights = args.weights or DEFAULT_WEIGHTS
    smoke = args.config == "smoke"
    cfg = TrainConfig(seed=args.seed, refit_on_tune=args.refit)
    if smoke:
        cfg.epochs, cfg.eval_every, cfg.encoder_epochs, cfg.batch = 2, 1, 2, 8
        cfg.personal_epochs, cfg.population_epochs = min(cfg.personal_epochs, 1), min(cfg.population_epochs, 1)
    if args.epochs:
        cfg.epochs = args.epochs
    os.makedirs(work, exist_ok=True)

    log(f"reading {len(args.data)} dataset(s)")
    frames, observers = load_frames(args.data)
    if smoke:
        frames = smoke_subset(frames)
    datasets = sorted({f.dataset for f in frames})
    log(f"{len(frames)} frames, {len(observers)} observers, datasets {datasets}")
    split = split_frames(frames)
    if smoke or not split["val"] or not split["tune"]:  # tiny data: make sure every split has frames
        idx = list(range(len(frames)))
        split = {"val": idx[0::4], "tune": idx[1::4], "train": idx[2::4] + idx[3::4]}
    held = set(held_out_viewers(observers))
    viewers = sorted(v for v in observers if v not in held)
    log(f"split: {', '.join(f'{k} {len(v)}' for k, v in split.items())}; held-out viewers {sorted(held)}")
    # fit: what the weights learn from; pick: what chooses each stage's epoch (nothing, in the refit on train + tune)
    fit, pick = (split["train"] + split["tune"], []) if cfg.refit_on_tune else (split["train"], split["tune"])
    if cfg.refit_on_tune:
        log("refit on train + tune with the settings tune.py fixed; each stage keeps its last epoch")

    trunk = pretrained_trunk(weights)
    cache_dir = cache_features(frames, all_taps(trunk), os.path.join(work, "features-pretrained"), cfg.in_w,
                               cfg.in_h, flips=True, batch=8)
    tokens_of = lambda v: observer_tokens(observers.get(v))  # noqa: E731
    bank, first_stage, ckpt = None, None, os.path.join(work, "checkpoints")
    if args.static_from:
        # add a scanpath model to a trained static model: its head, panel and encoder are read back, unchanged
        head, emb, enc, metrics = load_static(args.static_from, viewers, cfg)
        if metrics.get("config") and any(metrics["config"].get(k) != v for k, v in vars(cfg).items()
                                         if k in metrics["config"]):
            raise SystemExit(f"{args.static_from} was trained with another config than this one: "
                             f"{ {k: v for k, v in metrics['config'].items() if vars(cfg).get(k) != v} }")
        log(f"static model read from {args.static_from} (head, {len(viewers)} viewer embeddings, encoder)")
    else:
        bank = FeatureBank(load_cache(cache_dir), range(len(frames)))
        head, emb, enc, metrics, first_stage = train_static(frames, observers, bank, fit, pick, viewers, held,
                                                            split, cfg, ckpt, smoke, tokens_of)
    # how much two random halves of one real audience differ: the app's yardstick for "clearly different"
    metrics["yardstick"] = yardstick([frames[r] for r in split["val"]], (cfg.in_w, cfg.in_h, cfg.out_w, cfg.out_h),
                                     splits=5 if smoke else 20)
    metrics["scanpath"], sp_head, sp_data = scanpath_stage(args, frames, observers, split, held, viewers, head, emb,
                                                           enc, trunk, cfg, work, smoke, tokens_of)

    out = os.path.abspath(args.out)
    write_model_folder(out, model_id, trunk, head, enc, emb, viewers, observers, frames, split, cfg,
                       metrics, datasets, smoke, sp_head, sp_data)
    write_model_card(out, metrics, args, datasets, observers, frames, split)
    log(f"wrote {out}")
    if not args.no_ablations and bank is not None:
        cb = E.CentreBias(frames, split["train"], held)
        log("ablation: same head on a randomly initialised (frozen) trunk")
        rcache = cache_features(frames, all_taps(random_trunk(args.seed)), os.path.join(work, "features-random"),
                                cfg.in_w, cfg.in_h, flips=False, batch=8)
        rbank = FeatureBank(load_cache(rcache), range(len(frames)))
        rhead, _, rhist = train_head(frames, observers, rbank, fit, pick, viewers, held, cfg, ckpt,
                                     tag="random-trunk", log=log)
        rhead = population_finetune(rhead, frames, rbank, fit, pick, held, cfg, log=log)
        random_scores = E.population_scores(rhead, rbank, frames, split["val"], cb, cfg, with_ceiling=False)
        del rbank  # ~2 GB of features: free them before the next training
        log("ablation: without profile conditioning (population-only training)")
        uhead, _, uhist = train_head(frames, observers, bank, fit, pick, viewers, held, cfg, ckpt,
                                     tag="unconditioned", conditioned=False, log=log)
        uhead = population_finetune(uhead, frames, bank, fit, pick, held, cfg, log=log)
        metrics["ablations"] = {
            "random_trunk": random_scores,
            "unconditioned": {
                "population": E.population_scores(uhead, bank, frames, split["val"], cb, cfg, with_ceiling=False),
                "personal_viewers_ll": E.personalisation(uhead, emb, viewers, observers, bank, frames, split["val"],
                                                         cfg, tokens_of)["own"],
                "attributes": E.attribute_gain(uhead, bank, frames, split["val"], observers, cfg, tokens_of),
            },
        }
        if cfg.teachers > 1 and first_stage is not None:  # the ablations above have no distillation: compare
            log("ablation: without the seed-ensemble distillation (first stage + plain population stage)")
            plain = population_finetune(first_stage, frames, bank, fit, pick, held, cfg, log=log)
            metrics["ablations"]["undistilled"] = E.population_scores(plain, bank, frames, split["val"], cb, cfg,
                                                                      with_ceiling=False)

        write_manifest(out, metrics)
        write_model_card(out, metrics, args, datasets, observers, frames, split)
        log(f"added the ablations to {out}")
    return 0


def train_static(frames, observers, bank, fit, pick, viewers, held, split, cfg, ckpt, smoke, tokens_of):
    """The static model: head (first stage, distilled population stage, personal stage), viewer embeddings and
    encoder, each stage checkpointed in `ckpt`; then its validation figures. Returns (head, embeddings, encoder,
    metrics, the first-stage head for the ablation without distillation)."""
    head, emb, history = train_head(frames, observers, bank, fit, pick, viewers, held, cfg, ckpt, tag="main",
                                    log=log)
    first_stage = copy.deepcopy(head)  # for the ablation without distillation
    personal_ckpt = os.path.join(ckpt, "personal.pt")
    if os.path.exists(personal_ckpt):  # resume
        st = torch.load(personal_ckpt)
        head.load_state_dict(st["head"]); emb = st["emb"]
        log("[personal] resumed")
    else:
        population_ckpt = os.path.join(ckpt, "population.pt")
        if os.path.exists(population_ckpt):  # resume
            head.load_state_dict(torch.load(population_ckpt))
            log("[population] resumed")
        else:
            head = settle_population(head, frames, observers, bank, fit, pick, viewers, held, cfg, ckpt, log=log)
            torch.save(head.state_dict(), population_ckpt)
        head, emb = personal_finetune(head, emb, frames, observers, bank, fit, pick, viewers, held, cfg, log=log)
        torch.save({"head": head.state_dict(), "emb": emb}, personal_ckpt)
    enc_ckpt = os.path.join(ckpt, "encoder.pt")
    if os.path.exists(enc_ckpt):  # resume
        enc = ViewerEncoder(head, cfg.emb_dim)
        enc.load_state_dict(torch.load(enc_ckpt))
        enc.eval()
        log("[encoder] resumed")
    else:
        enc = train_encoder(head, emb, viewers, frames, bank, fit, cfg, log=log)
        torch.save(enc.state_dict(), enc_ckpt)

    cb = E.CentreBias(frames, split["train"], held)
    log("evaluating on the validation split")
    metrics: Dict = {"split": {k: len(v) for k, v in split.items()}, "held_out_viewers": sorted(held),
                     "config": vars(cfg), "history": history}
    metrics["population"] = E.population_scores(head, bank, frames, split["val"], cb, cfg)
    metrics["personalisation"] = E.personalisation(head, emb, viewers, observers, bank, frames, split["val"], cfg,
                                                   tokens_of)
    metrics["few_shot"] = E.few_shot(enc, head, bank, frames, split["train"], split["val"], sorted(held), cfg,
                                     ks=(1, 2) if smoke else (5, 10, 20), draws=2 if smoke else 5)
    metrics["attributes"] = E.attribute_gain(head, bank, frames, split["val"], observers, cfg, tokens_of)
    log("population: " + json.dumps({ds: {k: round(v, 3) for k, v in d.items() if k.startswith(("model.ig",
        "ceiling.ig", "ig_frac", "nss_frac"))} for ds, d in metrics["population"].items()}))
    log(f"personal: {metrics['personalisation']['own_minus_population_bits']:.3f} bits; few-shot k10: "
        f"{metrics['few_shot'].get('k10', metrics['few_shot'].get('k2'))}; attributes {metrics['attributes']}")
    return head, emb, enc, metrics, first_stage


def scanpath_config(smoke: bool, seed: int) -> ScanpathConfig:
    sp = ScanpathConfig(seed=seed)
    if smoke:
        sp.epochs, sp.batch, sp.tune_samples = 1, 64, 500
    return sp


def scanpath_stage(args, frames, observers, split, held, viewers, head, emb, enc, trunk, cfg, work, smoke,
                   tokens_of):
    """Trains the scanpath model on the frozen static head and evaluates it (scanpath_stage.py). Returns (its
    metrics, the trained scanpath head, its data)."""
    sp = scanpath_config(smoke, args.seed)
    which = {frames[r].stimulus_id: k for k, rows in split.items() for r in rows}
    data = SPS.ScanpathData(args.data, frames, which, held, head, cfg, sp, work, trunk, log=log, smoke=smoke)
    profiles = Profiles(viewers, emb, tokens_of)
    sp_head, info = SPS.run_stage(data, profiles, cfg, sp, os.path.join(work, "checkpoints", "scanpath.pt"), log=log)
    log("[scanpath] evaluating on the validation split")
    train, val = data.subset("train", with_held=False), data.subset("val")
    m = {"config": vars(sp), "history": info["history"], "timing": SPS.viewing_timing(args.data, which)}
    m["likelihood"] = SPS.likelihood_figures(sp_head, data, val, profiles, train)
    m["personalisation"] = SPS.personal_figures(sp_head, data, val, profiles)
    m["few_shot"] = SPS.few_shot_figures(sp_head, data, val, enc, frames, split["train"], sorted(held), cfg,
                                         ks=(1, 2) if smoke else (5, 10, 20), draws=2 if smoke else 5)
    m["attributes"] = SPS.attribute_figures(sp_head, data, val, observers, tokens_of)
    m["calibration"] = SPS.calibration(sp_head, data, val, cfg, m["timing"],
                                       m["likelihood"]["single_lognormal"], SPS.load_faces(args.data),
                                       n_viewers=20 if smoke else SPS.CALIBRATION_VIEWERS)
    a = m["likelihood"]["all"]["ig_over_static"]
    log(f"[scanpath] IG over static: fixation 1 {a.get('1', float('nan')):.3f}, 1-10 {a.get('1-10', float('nan')):.3f}"
        f" bits/fix; own embedding {m['personalisation']['own_minus_population_bits']:+.3f}; durations "
        f"{m['likelihood']['all'].get('duration', {}).get('gain_bits', float('nan')):+.3f} bits over one log-normal")
    return m, sp_head, data


def write_model_folder(out, model_id, trunk, head, enc, emb, viewers, observers, frames, split, cfg, metrics,
                       datasets, smoke, sp_head, sp_data):
    os.makedirs(out, exist_ok=True)
    # the exported graph computes only the taps the head reads
    trunk.with_s32, trunk.with_s4 = cfg.use_s32, cfg.out_stride == 4
    model = GazeModel(trunk, head, VISION_SLOT).eval()
    n_slots = len(SLOTS)
    img = torch.zeros(1, 3, cfg.in_h, cfg.in_w)
    # the graph with the contract's `features` output (what the scanpath graph reads); `model` is its reference
    export_onnx(GazeModelWithFeatures(model), (img, torch.zeros(1, n_slots, dtype=torch.long),
                                               torch.zeros(1, cfg.emb_dim)),
                os.path.join(out, "model.fp32.onnx"), ["image", "profile_tokens", "user_embedding"],
                ["log_density", "features"], pads_by_layer=trunk.onnx_pads())
    fp16_weights(os.path.join(out, "model.fp32.onnx"), os.path.join(out, "model.w16.onnx"))
    int8_conv_weights(os.path.join(out, "model.fp32.onnx"), os.path.join(out, "model.w8.onnx"))
    encg = EncoderGraph(trunk, enc).eval()
    tmp_enc = os.path.join(out, "encoder.fp32.onnx")
    export_onnx(encg, (img, torch.full((1, 1, cfg.out_h, cfg.out_w), 1.0 / (cfg.out_h * cfg.out_w))), tmp_enc,
                ["image", "fixation_density"], ["user_embedding"], pads_by_layer=trunk.onnx_pads())
    fp16_weights(tmp_enc, os.path.join(out, "encoder.onnx"))
    os.remove(tmp_enc)

    checks = verify_variants(out, model, encg, frames, split["val"], cfg, emb)
    metrics["onnx_checks"] = checks
    if checks["model.fp32.onnx"]["max_abs_diff"] > 1e-3:
        raise SystemExit(f"model.fp32.onnx differs from PyTorch by {checks['model.fp32.onnx']['max_abs_diff']:.2e}")
    for name, c in checks.items():
        if c["min_correlation"] < MIN_CORRELATION:
            raise SystemExit(f"{name}: correlation with the PyTorch reference {c['min_correlation']:.4f} "
                             f"< {MIN_CORRELATION}; refusing to ship it")

    sp_rows = sorted({int(r) for r in sp_data.subset("val").frame})[:4] or [0]
    sp_files = SPX.export_scanpath(sp_head, tuple(sp_data.feats[False].shape), cfg.emb_dim, out)
    sp_checks = SPX.verify_scanpath(out, sp_head, [sp_data.feats[False][r:r + 1].float() for r in sp_rows], emb, REPO)
    log("onnxruntime-node vs PyTorch (scanpath): " + json.dumps(sp_checks))
    for name, c in sp_checks.items():
        if c["min_correlation"] < MIN_CORRELATION or c["max_abs_logsumexp"] > 1e-3:
            raise SystemExit(f"{name}: correlation with the PyTorch reference {c['min_correlation']:.4f}, "
                             f"logsumexp {c['max_abs_logsumexp']:.1e}; refusing to ship it")
    checks.update(sp_checks)
    metrics["scanpath"]["files"] = sp_files

    panel = {v: {"embedding": [round(float(x), 6) for x in emb[i]], "attributes": observer_attributes(observers[v])}
             for i, v in enumerate(viewers) if v in observers}
    json.dump(panel, open(os.path.join(out, "panel.json"), "w"), indent=1)
    enc_entry = file_entry(out, "encoder.onnx")
    manifest = {
        "schema": "gazecast-model/1",
        "id": model_id,
        "version": "1.0.0" if not smoke else "0.0.0-smoke",
        "license": MODEL_LICENSE,
        "files": [file_entry(out, "model.w16.onnx", "fp16-weights"), file_entry(out, "model.w8.onnx", "int8-weights"),
                  file_entry(out, "model.fp32.onnx", "fp32")],
        "input": {"name": "image", "height": cfg.in_h, "width": cfg.in_w, "mean": [0.5, 0.5, 0.5],
                  "std": [0.5, 0.5, 0.5]},
        "profile": {"tokens": {"name": "profile_tokens", "slots": SLOTS},
                    "embedding": {"name": "user_embedding", "dim": cfg.emb_dim}},
        "output": {"name": "log_density", "height": cfg.out_h, "width": cfg.out_w, "features": "features"},
        "encoder": {"path": "encoder.onnx", "sha256": enc_entry["sha256"], "bytes": enc_entry["bytes"],
                    "inputs": {"image": "image", "fixations": "fixation_density"}, "output": "user_embedding"},
        "panel": "panel.json",
        "scanpath": {"path": "scanpath.onnx", "sha256": sp_files["scanpath.onnx"]["sha256"],
                     "bytes": sp_files["scanpath.onnx"]["bytes"], "history": sp_head.k,
                     "inputs": {"features": "features", "tokens": "profile_tokens", "embedding": "user_embedding",
                                "history": "history"},
                     "outputs": {"density": "next_log_density", "duration": "next_log_duration"},
                     "timing": {"startMs": metrics["scanpath"]["timing"]["startMs"],
                                "saccadeMs": metrics["scanpath"]["timing"]["saccadeMs"]}},
        "trainedOn": datasets,
    }
    _save_with_metrics(out, manifest, metrics)


def write_manifest(out: str, metrics: Dict):
    """Refreshes the manifest's machine-readable metrics (and metrics.json) after later evaluations."""
    _save_with_metrics(out, json.load(open(os.path.join(out, "manifest.json"))), metrics)


def _save_with_metrics(out: str, manifest: Dict, metrics: Dict):
    manifest["metrics"] = summary_metrics(metrics)
    # strict JSON: a figure that could not be computed (NaN, e.g. no fixations of a kind on tiny data) is null,
    # since browsers' JSON.parse refuses NaN and a manifest it cannot read is a model the app refuses
    json.dump(_json_safe(manifest), open(os.path.join(out, "manifest.json"), "w"), indent=2, allow_nan=False, default=float)
    json.dump(_json_safe(metrics), open(os.path.join(out, "metrics.json"), "w"), indent=1, allow_nan=False, default=float)


def _json_safe(v):
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v


def summary_metrics(m: Dict) -> Dict:
    keep = ("model.ll", "model.ig", "model.nss", "model.auc_judd", "model.sauc", "model.cc", "model.kld", "model.sim",
            "centre_bias.ll", "centre_bias.nss", "ceiling.ll", "ceiling.ig", "ceiling.nss", "ig_fraction_of_ceiling",
            "nss_fraction_of_ceiling", "model.nss_per_viewer", "frames", "fixations")
    out = {"population": {ds: {k: round(float(v), 4) for k, v in d.items() if k in keep}
                          for ds, d in m["population"].items()},
           "personalisation": {k: v for k, v in m["personalisation"].items()},
           "fewShot": m["few_shot"], "attributes": m["attributes"], "heldOutViewers": m["held_out_viewers"],
           "onnxChecks": m.get("onnx_checks")}
    if "ablations" in m:
        out["ablations"] = {
            "randomTrunk": {ds: {k: round(float(v), 4) for k, v in d.items() if k in keep}
                            for ds, d in m["ablations"]["random_trunk"].items()},
            "unconditioned": {ds: {k: round(float(v), 4) for k, v in d.items() if k in keep}
                              for ds, d in m["ablations"]["unconditioned"]["population"].items()}}
        if "undistilled" in m["ablations"]:
            out["ablations"]["undistilled"] = {ds: {k: round(float(v), 4) for k, v in d.items() if k in keep}
                                               for ds, d in m["ablations"]["undistilled"].items()}
    if "scanpath" in m:
        out["scanpath"] = scanpath_summary(m["scanpath"])
    if "yardstick" in m:
        out["yardstick"] = m["yardstick"]
    return json.loads(json.dumps(out, default=float))


def scanpath_summary(sp: Dict) -> Dict:
    """The scanpath figures the product shows beside a virtual study (camelCase, rounded)."""
    r = lambda x: None if x is None or x != x else round(float(x), 4)  # noqa: E731
    lk = sp["likelihood"]
    out = {"igOverStaticBits": {k: r(v) for k, v in lk["all"]["ig_over_static"].items()},
           "perDataset": {ds: {"igOverStaticBits": {k: r(v) for k, v in d["ig_over_static"].items()},
                               "durationGainBits": r(d.get("duration", {}).get("gain_bits"))}
                          for ds, d in lk.items() if ds not in ("all", "single_lognormal")},
           "durationGainBits": r(lk["all"].get("duration", {}).get("gain_bits")),
           "ownMinusPopulationBits": r(sp["personalisation"]["own_minus_population_bits"]),
           "otherMinusPopulationBits": r(sp["personalisation"]["other_minus_population_bits"]),
           "durationOwnMinusPopulationBits": r(sp["personalisation"].get("duration_own_minus_population_bits")),
           "fewShotGainBits": {k: r(v["gain_bits"]) for k, v in sp["few_shot"].items() if k.startswith("k")},
           "attributeGainBits": r(sp["attributes"].get("gain_bits_right_tokens")),
           "calibration": {"images": sp["calibration"]["images"],
                           "viewersPerImage": sp["calibration"]["viewers_per_image"]}}
    for family in ("faces", "grid"):
        c = sp["calibration"].get(family)
        if not c:
            continue
        f = {"areas": c["areas"]}
        for n in (1, 3, 5):
            f[f"seenWithin{n}Fixations"] = {"maePp": r(c[f"scanpath.n{n}"]["mae_pp"]),
                                            "floorMaePp": r(c.get(f"floor.n{n}", {}).get("mae_pp")),
                                            "correlation": r(c[f"scanpath.n{n}"]["correlation"]),
                                            "heatmapMaePp": r(c[f"heatmap.n{n}"]["mae_pp"]),
                                            "heatmapCorrelation": r(c[f"heatmap.n{n}"]["correlation"])}
        if "ttff.scanpath" in c:
            t, h = c["ttff.scanpath"], c.get("ttff.heatmap", {})
            f["ttffMedian"] = {"areas": t["areas"], "maeMs": r(t["mae_ms"]), "correlation": r(t["correlation"]),
                               "heatmapMaeMs": r(h.get("mae_ms")), "heatmapCorrelation": r(h.get("correlation"))}
        if "ttff.scanpath@recorded" in c:
            t, h = c["ttff.scanpath@recorded"], c.get("ttff.heatmap@recorded", {})
            f["ttffMedianRecordedOnsets"] = {"areas": t["areas"], "maeMs": r(t["mae_ms"]),
                                             "correlation": r(t["correlation"]), "heatmapMaeMs": r(h.get("mae_ms"))}
        out["calibration"][family] = f
    return out


def verify_variants(out, model, encg, frames, val_rows, cfg, emb) -> Dict:
    """Runs every exported file with onnxruntime-node on validation frames and compares it with PyTorch."""
    from .data import frame_pixels, normalise
    rows = val_rows[:: max(1, len(val_rows) // 4)][:4]
    profiles = [([0, 0, 0], np.zeros(cfg.emb_dim, np.float32)), ([2, 1, 3], np.asarray(emb[0], np.float32))]
    tmp = tempfile.mkdtemp(prefix="gazecast-verify-")
    runs, refs = [], []
    for k, r in enumerate(rows):
        x = normalise(frame_pixels(frames[r], cfg.in_w, cfg.in_h))[None]
        x.astype(np.float32).tofile(os.path.join(tmp, f"img{k}.bin"))
        for p, (tk, u) in enumerate(profiles):
            np.asarray([tk], np.int64).tofile(os.path.join(tmp, f"tok{p}.bin"))
            np.asarray([u], np.float32).tofile(os.path.join(tmp, f"emb{p}.bin"))
            with torch.no_grad():
                ref = model(torch.from_numpy(x), torch.tensor([tk]), torch.from_numpy(u[None])).numpy().ravel()
            for variant in ("model.fp32.onnx", "model.w16.onnx", "model.w8.onnx"):
                o = os.path.join(tmp, f"out-{variant}-{k}-{p}.bin")
                runs.append({"model": os.path.join(out, variant), "output": "log_density", "out": o, "inputs": {
                    "image": {"file": os.path.join(tmp, f"img{k}.bin"), "dims": list(x.shape), "type": "float32"},
                    "profile_tokens": {"file": os.path.join(tmp, f"tok{p}.bin"), "dims": [1, 3], "type": "int64"},
                    "user_embedding": {"file": os.path.join(tmp, f"emb{p}.bin"), "dims": [1, cfg.emb_dim],
                                       "type": "float32"}}})
                refs.append((variant, ref))
        d = np.zeros((1, 1, cfg.out_h, cfg.out_w), np.float32)
        d[0, 0, cfg.out_h // 3, cfg.out_w // 3] = 0.5
        d[0, 0, cfg.out_h // 2, cfg.out_w // 2] = 0.5
        d.tofile(os.path.join(tmp, f"dens{k}.bin"))
        with torch.no_grad():
            ref = encg(torch.from_numpy(x), torch.from_numpy(d)).numpy().ravel()
        o = os.path.join(tmp, f"out-enc-{k}.bin")
        runs.append({"model": os.path.join(out, "encoder.onnx"), "output": "user_embedding", "out": o, "inputs": {
            "image": {"file": os.path.join(tmp, f"img{k}.bin"), "dims": list(x.shape), "type": "float32"},
            "fixation_density": {"file": os.path.join(tmp, f"dens{k}.bin"), "dims": list(d.shape),
                                 "type": "float32"}}})
        refs.append(("encoder.onnx", ref))
    job = os.path.join(tmp, "job.json")
    json.dump({"runs": runs}, open(job, "w"))
    subprocess.run(["node", os.path.join(REPO, "training", "verify_onnx.mjs"), job], check=True, cwd=REPO)
    res: Dict[str, Dict] = {}
    for run, (variant, ref) in zip(runs, refs):
        got = np.fromfile(run["out"], np.float32)
        if variant.startswith("model"):  # compare probabilities, the quantity everything downstream uses
            a, b = np.exp(got), np.exp(ref)
            lse = float(np.log(np.exp(got.astype(np.float64)).sum()))
        else:
            a, b, lse = got, ref, 0.0
        c = float(np.corrcoef(a, b)[0, 1])
        e = res.setdefault(variant, {"min_correlation": 1.0, "max_abs_logsumexp": 0.0, "runs": 0})
        e["min_correlation"] = min(e["min_correlation"], c)
        e["max_abs_diff"] = max(e.get("max_abs_diff", 0.0), float(np.abs(got - ref).max()))
        e["max_abs_logsumexp"] = max(e["max_abs_logsumexp"], abs(lse))
        e["runs"] += 1
    log("onnxruntime-node vs PyTorch: " + json.dumps(res))
    return res
