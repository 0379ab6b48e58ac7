"""AMED-Solver / AMED-Plugin plans for any grid and Skip-Tuning ρ, with the page's own calibration.

calibrated_plans(configs) takes `sample` configs with sampler amed | amed_plugin (any schedule, NFE, skipTuning)
and returns the page's AMED plans (amed-plans.ts: the page's importer, then its plan builder). The calibration of
each is the page's calibrateAmed run in Node with this network behind it (amed-calibrate.ts + denoise_server.py,
Skip-Tuning's ρ applied), cached in bench/results/amed-fmnist-calibrations-extra.json and reused only when its
inputs match: variant, AFS, σ grid, ρ and the weights' SHA-256. amed.py's own time-uniform file
(amed-fmnist-calibrations.json) has no SHA field; its entries were copied in once (marked `source`) after
recomputing AMED-Solver at NFE 5 here gave the same r and c to 1e-9. Another world's calibrations (made under its
CFG scale, which the key holds too) go to a file of their own, `cache_for(world)`.
"""
import json
import os

import ts

CACHE = os.path.join(ts.ROOT, "bench", "results", "amed-fmnist-calibrations-extra.json")


def cache_for(world):
    return CACHE if world == "fmnist" else os.path.join(ts.ROOT, "bench", "results", f"amed-{world}-calibrations.json")


def _key(sha, variant, afs, sigmas, skip, cfg):
    rho = (skip["bottom"], skip["top"]) if skip else (1.0, 1.0)
    guidance = [float(cfg)] if cfg != 1 else []  # absent at CFG 1: the Fashion-MNIST entries keep their keys
    return json.dumps([sha[:16], variant, afs, [float(f"{s:.9g}") for s in sigmas], rho, *guidance])


def _load(cache):
    if not os.path.exists(cache):
        return {}
    with open(cache) as f:
        return {_key(c["unet_sha256"], c["variant"], c["afs"], c["sigmas"], c["denoiser"].get("skipTuning"),
                     c["denoiser"].get("cfg", 1)): c for c in json.load(f)}


def calibrated_plans(configs, sha, name="amed-catalogue", cache=CACHE):
    """configs: sample options (count, seed included). sha: the UNet's weights SHA-256 (the calibrations' network)."""
    resolved = ts._through("amed-plans.ts", f"{name}-resolve", [dict(config=c) for c in configs])
    have = _load(cache)
    keys = [_key(sha, r["amedVariant"], r["afs"], r["sigmas"], r["skipTuning"], r["cfg"]) for r in resolved]
    missing = {}
    for config, key in zip(configs, keys):
        if key not in have and key not in missing:
            missing[key] = {k: v for k, v in config.items() if k not in ("count", "seed")}
    for key, config in missing.items():  # one at a time, saved as it comes: an interrupted run keeps what it made
        calibration = ts._through("amed-calibrate.ts", f"{name}-calibration", [config])[0]
        have = {**_load(cache), key: dict(calibration, config=config, unet_sha256=sha)}  # re-read: another run may have added some
        with open(cache, "w") as f:
            json.dump(sorted(have.values(), key=lambda c: json.dumps(c["config"], sort_keys=True)), f, indent=1)
            f.write("\n")
    entries = [dict(config=c, calibration={k: v for k, v in have[key].items() if k not in ("config", "unet_sha256", "seconds", "source")})
               for c, key in zip(configs, keys)]
    plans = ts._through("amed-plans.ts", f"{name}-plans", entries)
    for plan, key in zip(plans, keys):
        plan["calibration"] = have[key]
    return plans
