"""Cross-check: the Python path (exported plan + plan_executor.py + rng.py + PyTorch network) against the browser
API itself (`Sandbox.sample` on WebGPU, the WGSL network, GPU-drawn noise) for a few samples, in headless Chromium.
Also runs the plans with the network in float64 (graph_runner.py), to show how much of the difference float32 alone
makes. Writes bench/results/quality-browser-check.md. SwiftShader runs ~1 image-evaluation/s: keep this small.
  /usr/bin/python3 bench/quality/check_browser.py
"""
import datetime
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import rng  # noqa: E402
import ts  # noqa: E402
from plan_executor import run_plan  # noqa: E402

CONFIGS = [
    dict(sampler="heun", nfe=35, count=4, seed=0),
    dict(sampler="euler", nfe=5, count=4, seed=0),
    dict(sampler="dpmpp_2m", nfe=10, count=4, seed=0),
    dict(sampler="ipndm", nfe=20, count=4, seed=1),
    dict(sampler="sde", nfe=10, count=4, seed=3),
]


def main():
    torch.set_num_threads(1)
    plans = ts.export_plans(CONFIGS, name="browser-plans")
    configs_path, browser_path = os.path.join(ts.OUT, "browser-plans-configs.json"), os.path.join(ts.OUT, "browser.json")
    t0 = time.time()
    subprocess.run(["node", os.path.join(ts.HERE, "browser-check.mjs"), configs_path, browser_path], cwd=ts.ROOT, check=True)
    browser_seconds = time.time() - t0
    with open(browser_path) as f:
        browser = json.load(f)
    unet, manifest = fmnist.load_unet()
    networks = {"float32": (unet, torch.float32), "float64": (fmnist.load_graph_network(), torch.float64)}
    rows = []
    for plan, run in zip(plans, browser["runs"]):
        assert run["nfe"] == plan["nfe"], "the browser resolved another plan"
        gpu = np.array(run["samples"], dtype=np.float64)
        z = rng.initial_noise(plan["seed"], plan["count"], plan["dim"])
        out = {}
        for name, (network, dtype) in networks.items():
            denoiser = fmnist.Denoiser(network, plan["labels"], manifest["null_class"], dtype=dtype)
            out[name] = run_plan(plan, denoiser, z, seed=plan["seed"]).numpy().ravel()
        d = lambda a, b: float(np.abs(a - b).max())  # noqa: E731
        rows.append(f"| {plan['samplerLabel']} | {plan['schedule']} | {plan['nfe']} | {plan['eta']:g} | {plan['seed']} | {plan['count']} | "
                    f"{d(out['float32'], gpu):.2e} | {d(out['float64'], gpu):.2e} | {d(out['float32'], out['float64']):.2e} | "
                    f"{np.abs(gpu).max():.2f} |")
    text = "\n".join([
        "# Cross-check: Python plan execution vs the browser API (WebGPU)",
        "",
        f"- Date: {datetime.date.today().isoformat()}; model iter {manifest['training']['iter']} (public/models/fmnist)",
        f"- Browser: {browser['browser']}, adapter {browser['adapter']} (SwiftShader); browser side took {browser_seconds:.0f} s",
        "- Browser: `Sandbox.sample({ world: 'fmnist', label: 'mixed', … })`, noise drawn on the GPU, WGSL network, float32 registers.",
        "- Python: the same config through plans.ts, rng.py noise, plan_executor.py with float64 registers; the network in",
        "  float32 (PyTorch, as run.py uses it) or float64 (tools/train/graph_runner.py on the same weights).",
        "- Command: /usr/bin/python3 bench/quality/check_browser.py. Δ = max over all samples and pixels (data range [−1, 1]).",
        "",
        "| sampler | schedule | NFE | η | seed | n | max \\|Δ\\| Python f32 vs browser | Python f64 vs browser | Python f32 vs f64 | max \\|x\\| |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ])
    print(text)
    with open(os.path.join(ts.ROOT, "bench", "results", "quality-browser-check.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
