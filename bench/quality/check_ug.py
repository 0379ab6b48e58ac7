"""Cross-check: bench/quality/upsample.py (the Upsample Guidance wrapper ug.py uses) against the TypeScript float64
reference composition (ug-reference.ts: tests/reference/upsample-guidance.ts wired as tests/gpu/upsample-guidance.test.ts
holds the page's WGSL wrapper to it), both around the same deterministic stand-in denoiser:
  1. the wrapper alone on random images at 56 and 112, σ inside and outside the η window;
  2. whole size > 28 plans (plans.ts, with size and upsampleGuidance) through plan_executor.py + rng.py at dim = size²
     vs runPlanCpu + noise.ts, and the reported cost (nfe + 1/m² per guided denoise) vs the low calls Python made.
Fails (AssertionError) past the tolerance. Writes bench/results/quality-ug-check.md.
  /usr/bin/python3 bench/quality/check_ug.py
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
from upsample import UpsampleGuidance  # noqa: E402

NATIVE = 28
TOLERANCE = 1e-9
# σ = 0.3 (τ 0.23), 0.9 (0.47), 3 (0.75), 80 (0.99): outside / inside the window depending on η.
WRAPPER = [dict(size=s, count=c, sigma=sg, w=w, eta=e, seed=k)
           for k, (s, c, sg, w, e) in enumerate([(56, 3, 0.3, 1, 0.6), (56, 3, 0.9, 1, 0.6), (56, 3, 3, 1.5, 0.3),
                                                 (56, 3, 80, 0.5, 1), (56, 2, 0.9, 1, 0.3), (112, 2, 3, 1, 0.6),
                                                 (112, 2, 0.3, 1, 1), (112, 1, 0.3, 1, 0.6)], start=1)]
RUNS = [
    dict(sampler="euler", steps=10, count=3, size=56, upsampleGuidance={}),
    dict(sampler="euler", steps=20, count=2, size=56, schedule="linear_t", upsampleGuidance={"w": 1.5, "eta": 0.3}),
    dict(sampler="heun", nfe=9, count=2, size=56, seed=7, upsampleGuidance={"w": 0.5, "eta": 1}),
    dict(sampler="dpmpp_2m", steps=8, count=2, size=112, upsampleGuidance={}),
    dict(sampler="sde", steps=6, count=2, size=56, seed=3, upsampleGuidance={"eta": 0.6}),
]


def stand_in(labels, side):
    """ug-reference.ts standIn in torch float64: D = (x + σ²·μ)/(1 + σ²) + 0.1·tanh(x)·σ/(1 + σ)."""
    p = torch.arange(side * side, dtype=torch.float64)
    rows, cols = torch.div(p, side, rounding_mode="floor"), p % side
    labels = torch.as_tensor(labels, dtype=torch.float64)
    mu = 0.6 * torch.sin((0.37 * rows * NATIVE) / side + (0.23 * cols * NATIVE) / side + labels[:, None])

    def denoise(x, sigma):
        assert x.shape[1] == side * side
        s2 = sigma * sigma
        return (x + s2 * mu) / (1 + s2) + (0.1 * torch.tanh(x) * sigma) / (1 + sigma)
    return denoise


def wrapped(labels, size, w, eta):
    return UpsampleGuidance(stand_in(labels, size), stand_in(labels, NATIVE), size, size // NATIVE, w, eta)


def main():
    torch.set_num_threads(1)
    ref = ts.run_through("ug-reference.ts", "ug-reference", {"wrapper": WRAPPER, "runs": RUNS})
    wrapper_rows, run_rows = [], []
    for case in ref["wrapper"]:
        x = torch.tensor(case["x"], dtype=torch.float64).reshape(case["count"], -1)
        ug = wrapped(case["labels"], case["size"], case["w"], case["eta"])
        out = ug(x, case["sigma"]).numpy().ravel()
        expected = np.array(case["out"])
        delta = float(np.abs(out - expected).max())
        moved = float(np.abs(expected - stand_in(case["labels"], case["size"])(x, case["sigma"]).numpy().ravel()).max())
        tau = case["sigma"] / (1 + case["sigma"])
        wrapper_rows.append(f"| {case['size']} | {case['count']} | {case['sigma']:g} | {tau:.2f} | {case['w']:g} | "
                            f"{case['eta']:g} | {'yes' if ug.guided_calls else 'no'} | {moved:.3f} | {delta:.2e} |")
        name = f"wrapper size {case['size']} σ {case['sigma']} w {case['w']} η {case['eta']}"
        assert math.isfinite(delta) and delta < TOLERANCE, f"{name}: max |Δ| {delta}"
        # Guidance moves D exactly inside the window (the stand-in's sin/tanh may differ by an ulp across languages).
        assert (moved > TOLERANCE) == (tau >= 1 - case["eta"]) == (ug.guided_calls == 1), f"{name}: guidance window"
    for run in ref["runs"]:
        plan = run["plan"]
        ug = plan["upsampleGuidance"]
        m = plan["size"] // NATIVE
        assert plan["dim"] == plan["size"] ** 2
        z = rng.initial_noise(plan["seed"], plan["count"], plan["dim"])
        denoise = wrapped(plan["labels"], plan["size"], ug["weight"], ug["eta"])
        out = run_plan(plan, denoise, z, seed=plan["seed"]).numpy().ravel()
        expected = np.array(run["samples"])
        delta = float(np.abs(out - expected).max())
        cost = plan["nfe"] + denoise.guided_calls / m ** 2
        run_rows.append(f"| {plan['size']} | {plan['sampler']} | {plan['schedule']} | {plan['steps']} | {plan['nfe']} | "
                        f"{ug['weight']:g} | {ug['eta']:g} | {plan['seed']} | {plan['cost']:g} | {cost:g} | {delta:.2e} | "
                        f"{np.abs(expected).max():.2f} |")
        assert math.isfinite(delta) and delta < TOLERANCE, f"run {plan['config']}: max |Δ| {delta}"
        assert abs(cost - plan["cost"]) < 1e-12, f"run {plan['config']}: cost {cost} vs {plan['cost']}"
    text = "\n".join([
        "# Cross-check: Python Upsample Guidance (bench/quality/upsample.py) vs the TypeScript float64 reference",
        "",
        f"- Date: {datetime.date.today().isoformat()}; tolerance max |Δ| < {TOLERANCE:g} (asserted)",
        "- Command: `/usr/bin/python3 bench/quality/check_ug.py` (TS side: `bench/quality/ug-reference.ts` through ts.mjs)",
        "- Both sides wrap the same deterministic stand-in denoiser D(x; σ) = (x + σ²μ)/(1 + σ²) + 0.1·tanh(x)·σ/(1 + σ)",
        "  (μ a class- and position-dependent pattern) as D + w_σ·U[D(Px; σ/m) − P D], m = size/28. The TS side is",
        "  tests/reference/upsample-guidance.ts composed as tests/gpu/upsample-guidance.test.ts checks the page's",
        "  WGSL wrapper against it; Python is the class ug.py runs the network with.",
        "",
        "## The wrapper on random images (x uniform in [−3, 3])",
        "",
        "| size | count | σ | τ = σ/(1+σ) | w | η | guided | max \\|D̂ − D\\| | max \\|Δ\\| |",
        "|---|---|---|---|---|---|---|---|---|",
        *wrapper_rows,
        "",
        "## Whole plans: plans.ts + plan_executor.py + rng.py (dim = size²) vs runPlanCpu + noise.ts",
        "",
        "cost: as Sandbox.sample reports it (nfe + 1/m² per guided denoise, from plans.ts) and as counted from the",
        "low-resolution calls Python made.",
        "",
        "| size | sampler | schedule | steps | NFE | w | η | seed | cost (TS) | cost (Python) | max \\|Δ\\| | max \\|x\\| |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *run_rows,
        "",
    ])
    print(text)
    with open(os.path.join(ts.ROOT, "bench", "results", "quality-ug-check.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
