"""High-NFE reference solutions of the same noise, for the L2 columns of catalogue.py and skip_tuning.py.

The reference is a page plan (Heun on the Karras grid, σ 80 → 0.002 → 0, by default at 59 NFE = 30 steps) run from
the browser's initial noise of the seed, with the network as given (Skip-Tuning's ρ included), and cached in
bench/quality/out/ by everything it depends on: NFE, n, seed, ρ and the weights' SHA-256.
"""
import os
import time

import torch

import fmnist
import rng
import ts
from plan_executor import run_plan


def reference_solution(unet, manifest, n, seed, nfe, skip=None, batch=100):
    """(x_ref (n, 784) float64, description). skip: {bottom, top} or None (the untuned network)."""
    config = dict(sampler="heun", nfe=nfe, count=n, seed=seed, schedule="karras",
                  **({"skipTuning": skip} if skip else {}))
    tag = f"rho{skip['bottom']:g}-{skip['top']:g}" if skip else "rho1"
    plan = ts.export_plans([config], f"reference-plan-n{n}-{tag}-{os.getpid()}")[0]
    path = os.path.join(ts.OUT, f"reference-heun{plan['nfe']}-n{n}-s{seed}-{tag}-{manifest['sha256'][:12]}.pt")
    info = f"Heun, {plan['nfe']} NFE ({plan['steps']} steps), Karras grid σ 80 → 0.002 → 0 (page plan), same noise"
    os.makedirs(ts.OUT, exist_ok=True)
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
    x = run_plan(plan, fmnist.Denoiser(fmnist.tuned(unet, skip), plan["labels"], manifest["null_class"], batch), z, seed=seed)
    torch.save(x, path + ".part")
    os.replace(path + ".part", path)
    os.remove(lock)
    print(f"reference {info}, {tag}: {time.time() - t0:.0f} s", flush=True)
    return x, info


def l2_to(x, ref):
    """Mean over samples of ‖x − x_ref‖ (784 pixels, unclamped, EDM space), as amed.py reports it."""
    return float((x.double() - ref.double()).norm(dim=1).mean())
