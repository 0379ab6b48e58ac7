"""Cross-check: plan_executor.py + rng.py against the TypeScript float64 executor (runPlanCpu) on 2D mixtures.

Both sides run the same exported plans with the exact mixture denoiser (ported below from src/worlds/gmm.ts) and
the same counter-based noise, so any difference is an executor or RNG mismatch. Every sampler of the registry is
covered (each on its default schedule, the ones with options at a non-default value too); the AMED samplers run
from a fixed calibration (any valid (r, c) per step exercises the same plan instructions as a computed one).
Writes bench/results/quality-gmm-check.md.
  /usr/bin/python3 bench/quality/check_gmm.py
"""
import datetime
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rng  # noqa: E402
import ts  # noqa: E402
from plan_executor import run_plan  # noqa: E402

CONFIGS = [
    dict(world="gmm:ring8", sampler="euler", steps=10),
    dict(world="gmm:ring8", sampler="heun", steps=10),
    dict(world="gmm:ring8", sampler="dpmpp_2m", steps=10, schedule="logsnr"),
    dict(world="gmm:ring8", sampler="ipndm", steps=10, schedule="time_uniform"),
    dict(world="gmm:ring8", sampler="sde", steps=10),
    dict(world="gmm:ring8", sampler="sde", steps=25, eta=0.5, seed=3),
    dict(world="gmm:checkerboard", sampler="sde", nfe=20, seed=11),
    dict(world="gmm:ring8", sampler="reflow", steps=10, sigmaVar=0.5, seed=5),
    dict(world="gmm:ring8", sampler="dpm_2", nfe=19),
    dict(world="gmm:ring8", sampler="ddim", steps=10),
    dict(world="gmm:ring8", sampler="lms", steps=10),
    dict(world="gmm:ring8", sampler="lms", steps=10, lmsOrder=2, schedule="logsnr"),
    dict(world="gmm:ring8", sampler="unipc", steps=10),
    dict(world="gmm:ring8", sampler="unipc", steps=10, variant="bh1", order=2, schedule="karras"),
    dict(world="gmm:ring8", sampler="deis", steps=10),
    dict(world="gmm:ring8", sampler="deis", steps=10, order=2, schedule="time_uniform"),
    dict(world="gmm:ring8", sampler="euler_ancestral", steps=10, seed=2),
    dict(world="gmm:ring8", sampler="euler_ancestral", steps=10, eta=0.5, sNoise=1.1, seed=2),
    dict(world="gmm:ring8", sampler="dpm_2_ancestral", nfe=19, seed=4),
    dict(world="gmm:ring8", sampler="dpmpp_2s_ancestral", nfe=19, seed=6),
    dict(world="gmm:ring8", sampler="dpmpp_sde", nfe=19, seed=7),
    dict(world="gmm:checkerboard", sampler="dpmpp_sde", nfe=19, r=0.3, seed=7),
    dict(world="gmm:ring8", sampler="dpmpp_2m_sde", steps=10, seed=8),
    dict(world="gmm:ring8", sampler="dpmpp_2m_sde", steps=10, solverType="heun", eta=0.7, seed=8),
    dict(world="gmm:ring8", sampler="dpmpp_3m_sde", steps=10, seed=9),
    dict(world="gmm:checkerboard", sampler="dpmpp_3m_sde", steps=12, schedule="logsnr", seed=9),
]
# AMED-Solver and AMED-Plugin (each base): the plan from a fixed, valid calibration (amed-plans.ts).
AMED_CONFIGS = [
    dict(world="gmm:ring8", sampler="amed", nfe=9),
    dict(world="gmm:ring8", sampler="amed_plugin", nfe=9),
    dict(world="gmm:ring8", sampler="amed_plugin", nfe=9, base="euler", schedule="karras"),
    dict(world="gmm:ring8", sampler="amed_plugin", nfe=10, base="dpm2", afs=False),
]
COUNT = 256
OPTION_KEYS = ("lmsOrder", "variant", "order", "sNoise", "r", "solverType", "base", "afs")


def gmm_denoiser(spec):
    """gmm.ts gmmDenoiser: the exact E[x0 | x] of an isotropic mixture, log-sum-exp weights, float64."""
    means = torch.tensor(spec["means"], dtype=torch.float64)
    var0 = torch.tensor(spec["stds"], dtype=torch.float64) ** 2
    w = torch.tensor(spec["weights"], dtype=torch.float64)
    log_w = torch.log(w / w.sum())

    def denoise(x, sigma):
        s2 = sigma * sigma
        v = var0 + s2
        d2 = ((x[:, None, :] - means[None]) ** 2).sum(-1)
        logits = log_w - d2 / (2 * v) - torch.log(v)
        p = torch.softmax(logits, dim=1)
        return ((p / v)[:, :, None] * (var0[None, :, None] * x[:, None, :] + s2 * means[None])).sum(1)
    return denoise


def amed_entries():
    """{config, calibration} for AMED_CONFIGS: the run's own σ grid (amed-plans.ts) and a fixed (r, c) per step."""
    configs = [dict(c, count=COUNT) for c in AMED_CONFIGS]
    resolved = ts._through("amed-plans.ts", "gmm-amed-resolve", [dict(config=c) for c in configs])
    entries = []
    for config, run in zip(configs, resolved):
        steps = [dict(r=0.3 + 0.4 * k / len(run["sigmas"]), c=0.97 + 0.01 * k) for k in range(len(run["sigmas"]) - 1)]
        calibration = dict(format="diffusion-sandbox/amed-calibration@1", world=run["world"], sigmas=run["sigmas"],
                           variant=run["amedVariant"], afs=run["afs"], steps=steps,
                           denoiser=dict(cfg=1, conditional=False))
        entries.append(dict(config=config, calibration=calibration))
    return entries


def main():
    torch.set_num_threads(1)
    runs = ts.cpu_reference([dict(c, count=COUNT) for c in CONFIGS] + amed_entries(), name="gmm-reference")
    rows = []
    for run in runs:
        plan = run["plan"]
        z = rng.initial_noise(plan["seed"], plan["count"], plan["dim"])
        out = run_plan(plan, gmm_denoiser(run["spec"]), z, seed=plan["seed"]).numpy().ravel()
        ref = np.array(run["samples"])
        delta = float(np.abs(out - ref).max())
        noisy = any("noise" in i for i in plan["instrs"])
        options = {k: v for k, v in plan["config"].items() if k in OPTION_KEYS}
        name = plan["sampler"] + (" (" + ", ".join(f"{k} {v}" for k, v in options.items()) + ")" if options else "")
        rows.append(f"| {plan['world']} | {name} | {plan['schedule']} | {plan['steps']} | {plan['nfe']} | "
                    f"{plan['eta']:g} | {plan['sigmaVar']:g} | {plan['seed']} | {'yes' if noisy else 'no'} | "
                    f"{delta:.2e} | {np.abs(ref).max():.2f} |")
        assert math.isfinite(delta) and delta < 1e-9, f"{plan['sampler']}: max |Δ| {delta}"
    text = "\n".join([
        "# Cross-check: Python plan executor vs the TypeScript float64 executor (2D mixtures)",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Command: /usr/bin/python3 bench/quality/check_gmm.py ({COUNT} samples per plan)",
        "- Both sides: the same exported plan, the exact mixture denoiser, z and the Brownian path from the",
        "  counter-based RNG (TS: noise.ts; Python: rng.py). Δ = Python − TS over all samples and both coordinates.",
        "",
        "| world | sampler | schedule | steps | NFE | η | σ_var | seed | Brownian noise | max \\|Δ\\| | max \\|x\\| |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ])
    print(text)
    path = os.path.join(ts.ROOT, "bench", "results", "quality-gmm-check.md")
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
