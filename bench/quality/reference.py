"""High-NFE reference solutions of the same noise, for the L2 columns of catalogue.py and skip_tuning.py.

The reference is a page plan (Heun on the Karras grid, σ 80 → 0.002 → 0, by default at 59 NFE = 30 steps) run from
the browser's initial noise of the seed, with the network as given (Skip-Tuning's ρ included), and cached in
bench/quality/out/ by everything it depends on: NFE, n, seed, ρ and the weights' SHA-256.
"""
import hashlib
import json
import os
import time

import torch

import fmnist
import rng
import ts
from plan_executor import run_plan


def reference_solution(unet, manifest, n, seed, nfe, skip=None, batch=100, compute=True, world=None, denoiser=None):
    """(x_ref (n, dim) float64, description). skip: {bottom, top} or None (the untuned network). compute=False: only
    a reference already on disk, else (None, description). Fashion-MNIST by default; for another image world, `world`
    holds the plan options that name it ({world, label, cfg}) and denoiser(plan) builds its D (unet is then unused)."""
    config = dict(sampler="heun", nfe=nfe, count=n, seed=seed, schedule="karras", **(world or {}),
                  **({"skipTuning": skip} if skip else {}))
    tag = f"rho{skip['bottom']:g}-{skip['top']:g}" if skip else "rho1"
    if world and world.get("cfg", 1) != 1:
        tag += f"-cfg{world['cfg']:g}"
    plan = ts.export_plans([config], f"reference-plan-n{n}-{tag}-{os.getpid()}")[0]
    path = os.path.join(ts.OUT, f"reference-heun{plan['nfe']}-n{n}-s{seed}-{tag}-{manifest['sha256'][:12]}.pt")
    info = f"Heun, {plan['nfe']} NFE ({plan['steps']} steps), Karras grid σ 80 → 0.002 → 0 (page plan), same noise"
    os.makedirs(ts.OUT, exist_ok=True)
    if not compute and not os.path.exists(path):
        return None, info
    lock = path + ".lock"
    while not os.path.exists(path):
        try:  # catalogue.py and skip_tuning.py may run side by side and want the same reference: one computes it
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL))
            break
        except FileExistsError:
            if time.time() - os.path.getmtime(lock) > 3600:  # left by a killed run
                os.remove(lock)
            time.sleep(10)
    if os.path.exists(path):
        return torch.load(path), info
    t0 = time.time()
    z = rng.initial_noise(seed, n, plan["dim"])
    D = denoiser(plan) if denoiser else fmnist.Denoiser(fmnist.tuned(unet, skip), plan["labels"], manifest["null_class"], batch)
    x = run_plan(plan, D, z, seed=seed)
    torch.save(x, path + ".part")
    os.replace(path + ".part", path)
    os.remove(lock)
    print(f"reference {info}, {tag}: {time.time() - t0:.0f} s", flush=True)
    return x, info


def l2_to(x, ref):
    """Mean over samples of ‖x − x_ref‖ (all C·side² values, unclamped, EDM space), as amed.py reports it."""
    return float((x.double() - ref.double()).norm(dim=1).mean())


def run_cached(plan, denoiser, z, sha):
    """run_plan with the samples cached in bench/quality/out/samples/ by the plan's σ grid and instructions, its
    Skip-Tuning ρ, labels, seed, the weights' SHA-256 and the CFG scale when it is not 1: catalogue.py and
    skip_tuning.py share rows that are the same plan (a sampler at ρ = 1 on its default schedule). Returns (samples,
    seconds of the run that computed them)."""
    cfg = [plan["cfg"]] if plan.get("cfg", 1) != 1 else []  # absent at CFG 1, so the unguided rows keep their keys
    key = hashlib.sha256(json.dumps([plan["sigmas"], plan["instrs"], plan.get("skipTuning"), plan["labels"], plan["seed"],
                                     sha, *cfg]).encode()).hexdigest()[:24]
    path = os.path.join(ts.OUT, "samples", f"{key}.pt")
    if os.path.exists(path):
        saved = torch.load(path)
        return saved["x"], saved["seconds"]
    t0 = time.time()
    x = run_plan(plan, denoiser, z, seed=plan["seed"])
    seconds = time.time() - t0
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(dict(x=x, seconds=seconds), path + f".{os.getpid()}")
    os.replace(path + f".{os.getpid()}", path)
    return x, seconds
