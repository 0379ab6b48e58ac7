"""Cross-check for bench/quality/emoji.py: its Python path (exported plan + plan_executor.py + rng.py + the emoji
network with CFG and Upsample Guidance as image_world.py composes them) against the browser API itself
(`Sandbox.sample({ world: 'emoji', … })` on WebGPU: the WGSL network, the page's CFG and Upsample Guidance wrappers,
GPU-drawn noise), a few samples per config in headless Chromium (browser-check.mjs, as check_browser.py does for
Fashion-MNIST). The network also runs in float64 (graph_runner.py) to show how much of the difference float32 makes.
Fails (AssertionError) past TOLERANCE. Writes bench/results/quality-emoji-browser-check.md.
  /usr/bin/python3 bench/quality/check_emoji_browser.py
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
import fmnist  # noqa: E402  (load_graph_network: any manifest graph in float64)
import rng  # noqa: E402
import ts  # noqa: E402
from emoji import upsample_guidance  # noqa: E402
from image_world import MODELS, ImageWorld  # noqa: E402
from plan_executor import run_plan  # noqa: E402

E = dict(world="emoji", label="mixed", seed=0)
CONFIGS = [
    dict(E, sampler="heun", nfe=35, count=2, cfg=2),  # the done-when run, at the world's default CFG
    dict(E, sampler="euler", nfe=5, count=2, cfg=2),
    dict(E, sampler="euler", nfe=5, count=2, cfg=1),
    dict(E, sampler="dpmpp_2m", nfe=10, count=2, cfg=2, seed=1),
    dict(E, sampler="ipndm", nfe=10, count=2, cfg=2),
    dict(E, sampler="unipc", nfe=10, count=2, cfg=2),
    dict(E, sampler="euler", steps=10, schedule="karras", count=1, cfg=2, size=64, upsampleGuidance={}),
]
# Float32 rounding in the WGSL and PyTorch networks (measured ~1e-6 on Fashion-MNIST, check_browser.py; CFG 2
# triples a branch difference); a wrong layout, CFG mix, plan or noise moves pixels by O(0.1–1) in [−1, 1].
TOLERANCE = 1e-3


def main():
    torch.set_num_threads(1)
    plans = ts.export_plans(CONFIGS, name="emoji-browser-plans")
    configs_path, browser_path = os.path.join(ts.OUT, "emoji-browser-plans-configs.json"), os.path.join(ts.OUT, "emoji-browser.json")
    t0 = time.time()
    subprocess.run(["node", os.path.join(ts.HERE, "browser-check.mjs"), configs_path, browser_path], cwd=ts.ROOT, check=True)
    browser_seconds = time.time() - t0
    with open(browser_path) as f:
        browser = json.load(f)
    world = ImageWorld("emoji")
    networks = {"float32": (None, torch.float32),
                "float64": (fmnist.load_graph_network(os.path.join(MODELS, "emoji")), torch.float64)}
    rows = []
    for plan, run in zip(plans, browser["runs"]):
        assert run["nfe"] == plan["nfe"], "the browser resolved another plan"
        gpu = np.array(run["samples"], dtype=np.float64)
        z = rng.initial_noise(plan["seed"], plan["count"], plan["dim"])
        # The denoiser emoji.py builds for this plan; float32 is exactly its path.
        out = {name: run_plan(plan, world.denoiser(plan["labels"], plan["cfg"], upsample_guidance(plan, world),
                                                   network=network, dtype=dtype), z, seed=plan["seed"]).numpy().ravel()
               for name, (network, dtype) in networks.items()}
        d = lambda a, b: float(np.abs(a - b).max())  # noqa: E731
        ug = plan["upsampleGuidance"]
        rows.append(f"| {plan['samplerLabel']} | {plan['schedule']} | {plan['nfe']} | {plan['cfg']:g} | {plan['size']} | "
                    f"{'w ' + format(ug['weight'], 'g') + ', η ' + format(ug['eta'], 'g') if ug else '–'} | {plan['seed']} | "
                    f"{plan['count']} | {d(out['float32'], gpu):.2e} | {d(out['float64'], gpu):.2e} | "
                    f"{d(out['float32'], out['float64']):.2e} | {np.abs(gpu).max():.2f} |")
        assert d(out["float32"], gpu) < TOLERANCE, f"{plan['sampler']}: max |Δ| {d(out['float32'], gpu)}"
    text = "\n".join([
        "# Cross-check: the emoji benchmark's Python path vs the browser API (WebGPU)",
        "",
        f"- Date: {datetime.date.today().isoformat()}; model iter {world.manifest['training']['iter']} (public/models/emoji, "
        f"weights sha256 {world.manifest['sha256'][:12]}…)",
        f"- Browser: {browser['browser']}, adapter {browser['adapter']}; browser side took {browser_seconds:.0f} s",
        "- Browser: `Sandbox.sample({ world: 'emoji', label: 'mixed', cfg, size, upsampleGuidance, … })`: noise drawn on the "
        "GPU, WGSL network, CFG and Upsample Guidance as the page composes them (src/guidance/compose.ts), float32 registers.",
        "- Python: the same config through plans.ts, rng.py noise, plan_executor.py with float64 registers, CFG and Upsample",
        "  Guidance as image_world.py / upsample.py compose them for bench/quality/emoji.py; the network in float32 (PyTorch,",
        "  as emoji.py runs it) or float64 (tools/train/graph_runner.py on the same weights).",
        f"- Command: /usr/bin/python3 bench/quality/check_emoji_browser.py. Δ = max over all samples, channels and pixels "
        f"(data range [−1, 1]); fails above {TOLERANCE:g}.",
        "",
        "| sampler | schedule | NFE | CFG | size | Upsample Guidance | seed | n | max \\|Δ\\| Python f32 vs browser | "
        "Python f64 vs browser | Python f32 vs f64 | max \\|x\\| |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ])
    print(text)
    with open(os.path.join(ts.ROOT, "bench", "results", "quality-emoji-browser-check.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
