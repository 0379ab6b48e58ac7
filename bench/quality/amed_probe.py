"""Why the learned AMED predictor is where it is: the distance to the reference solution (bench/quality/amed.py's
Heun-121, same noise: the first n of its samples) of the official teacher (Heun, M = 1 inserted point per interval),
a finer teacher (M = 3), the shipped learned predictor (per sample, and its per-step mean r, c used as constants), a predictor trained against the M = 3 teacher (if
tools/train/runs/amed-m3/nfe<NFE>.pt exists), and the page's time-only calibration with c as calibrated and with c
clamped to the learned head's range [1 − scale_dir, 1 + scale_dir]. Run after amed.py (it reads its cached reference).
  /usr/bin/python3 bench/quality/amed_probe.py [--n 100] [--nfes 3,5,7,9]   → bench/results/amed-fmnist-probe.md
"""
import argparse
import glob
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import rng  # noqa: E402
import ts  # noqa: E402

import amed_predictor as A  # noqa: E402
import train_amed as T  # noqa: E402
from export_amed import load_predictors, predictor_from_state  # noqa: E402


def heun(unet, z, lab, sig_t):
    n = len(z)
    x = z.double() * sig_t[0]
    for t, tn in zip(sig_t[:-1], sig_t[1:]):
        D = A.denoise(unet, x, torch.full((n,), t, dtype=torch.float64), lab)
        d = (x - D) / t
        xe = x + (tn - t) * d
        De = A.denoise(unet, xe, torch.full((n,), tn, dtype=torch.float64), lab)
        x = x + (tn - t) * 0.5 * (d + (xe - De) / tn)
    return x


def constant(unet, z, lab, sig, steps):
    n = len(z)
    x = z.double() * sig[0]
    for k, st in enumerate(steps):
        t, tn = sig[k], sig[k + 1]
        if k == 0:
            d = x / math.sqrt(1 + t * t)
        else:
            d = (x - A.denoise(unet, x, torch.full((n,), t, dtype=torch.float64), lab)) / t
        s = tn ** st["r"] * t ** (1 - st["r"])
        y = x + (s - t) * d
        x = x + st["c"] * (tn - t) * (y - A.denoise(unet, y, torch.full((n,), s, dtype=torch.float64), lab)) / s
    return x


@torch.no_grad()
def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--nfes", default="3,5,7,9")
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "amed-fmnist-probe.md"))
    args = p.parse_args()
    torch.set_num_threads(1)
    unet, um = fmnist.load_unet()
    refs = sorted(glob.glob(os.path.join(ts.OUT, f"amed-reference-heun121-n*-s0-{um['sha256'][:8]}.pt")))
    assert refs, "run bench/quality/amed.py first (it caches the reference)"
    ref_all = torch.load(refs[-1])
    n = min(args.n, len(ref_all))
    ref = ref_all[:n]
    z = torch.tensor(rng.initial_noise(0, len(ref_all), 784))[:n]
    lab = torch.arange(n) % 10
    _, preds = load_predictors()
    with open(os.path.join(ts.ROOT, "bench", "results", "amed-fmnist-calibrations.json")) as f:
        cals = {(c["sampler"], c["nfe"]): c for c in json.load(f)}
    l2 = lambda x: float((x.double() - ref).norm(dim=1).mean())
    rows = []
    for nfe in map(int, args.nfes.split(",")):
        N = A.nfe_to_timestamps(nfe)
        sig = A.time_uniform_sigmas(N)
        r = dict(nfe=nfe)
        r["teacher1"] = l2(heun(unet, z, lab, A.time_uniform_sigmas(2 * (N - 1) + 1)))
        r["teacher3"] = l2(heun(unet, z, lab, A.time_uniform_sigmas(4 * (N - 1) + 1)))
        if nfe in preds:
            rec = []
            r["learned"] = l2(A.sample(unet, preds[nfe][1], z, lab, sig, record=rec))
            r["learned_means"] = l2(constant(unet, z, lab, sig, [dict(r=float(rr.mean()), c=float(cc.mean())) for rr, cc, _ in rec]))
        m3 = os.path.join(ts.ROOT, "tools", "train", "runs", "amed-m3", f"nfe{nfe}.pt")
        if os.path.exists(m3):
            st = torch.load(m3)
            if "train" in st and st["train"]["epoch"] > 0:
                r["learned_m3"] = l2(A.sample(unet, predictor_from_state(st["train"].get("pred_epoch", st["train"]["pred"])), z, lab, sig))
        c = cals[("amed", nfe)]["steps"]
        r["time"] = l2(constant(unet, z, lab, sig, c))
        r["time_clamped"] = l2(constant(unet, z, lab, sig, [dict(r=s["r"], c=min(1 + A.SCALE_DIR, max(1 - A.SCALE_DIR, s["c"]))) for s in c]))
        rows.append(r)
        print(r, flush=True)
    f = lambda v: f"{v:.3f}" if v is not None else "—"
    lines = ["# AMED on Fashion-MNIST: what limits the learned predictor (L2 to the Heun-121 reference)", "",
             f"n = {n} (the first samples of bench/quality/amed.py's seed-0 noise, label i mod 10); same reference; "
             "time-uniform grid σ 80 → 0.002. Command: `/usr/bin/python3 bench/quality/amed_probe.py`.", "",
             "| NFE | teacher Heun M=1 (official; NFE) | teacher Heun M=3 (NFE) | learned, shipped (M=1 teacher) | learned, its per-step means as constants | learned, M=3 teacher (not shipped) | time-only (page calibration) | time-only, c clamped to [0.99, 1.01] |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        N = A.nfe_to_timestamps(r["nfe"])
        lines.append(f"| {r['nfe']} | {f(r['teacher1'])} ({4 * (N - 1)}) | {f(r['teacher3'])} ({8 * (N - 1)}) | {f(r.get('learned'))} | {f(r.get('learned_means'))} | "
                     f"{f(r.get('learned_m3'))} | {f(r['time'])} | {f(r['time_clamped'])} |")
    lines.append("")
    with open(args.out, "w") as fh:
        fh.write("\n".join(lines))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
