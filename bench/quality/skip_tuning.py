"""`npm run bench:skip-tuning`: Skip-Tuning (Ma et al., ICML 2024, §3) on the shipped Fashion-MNIST model.

Every row runs the page's own plan (plans.ts, resolved as `Sandbox.sample` resolves it, with `skipTuning` in the
config: the exported plan carries the resolved ρ) from the browser's initial noise (rng.py), with the shipped network
(fmnist.py) whose long skips are scaled as the WGSL network scales them: skip j of k + 1 (j = 0 nearest the input)
by ρ_top + (ρ_bottom − ρ_top)·j/k, ρ_top = 1 (model.py forward's rho_*; tests hold it to the same goldens as WGSL).
The paper's claim is about few-step ODE sampling, so the grid is Euler, Heun, DPM++(2M) and iPNDM at NFE budgets
5, 7 and 10 over ρ_bottom ∈ {0.7, 0.8, 0.9, 1.0} (1.0 is the untuned network). Scores as run.py: accuracy of the
conditioned class (label i mod 10, no CFG) and FD-FMNIST against n test images, next to the real-data floor at the
same n. Writes bench/results/skip-tuning.md (rewritten after every row).
  /usr/bin/python3 bench/quality/skip_tuning.py [--n 200] [--rhos 0.7,0.8,0.9,1.0] [--nfes 5,7,10]
"""
import argparse
import datetime
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import rng  # noqa: E402
import ts  # noqa: E402
from plan_executor import run_plan  # noqa: E402
from run import Scorer, machine  # noqa: E402


def configs(args):
    rows = []
    for sampler in args.samplers.split(","):
        for nfe in map(int, args.nfes.split(",")):
            for rho in map(float, args.rhos.split(",")):
                rows.append(dict(sampler=sampler, nfe=nfe, count=args.n, seed=args.seed,
                                 **({"skipTuning": {"bottom": rho, "top": 1.0}} if rho != 1.0 else {})))
    return rows


def tuned(unet, skip):
    """The network with the plan's ρ (None: untuned, model.py's default path, bit for bit the shipped network)."""
    if not skip:
        return unet
    return lambda z, t, label: unet(z, t, label, rho_bottom=skip["bottom"], rho_top=skip["top"])


def report(args, manifest, rows, started, load):
    t = manifest["training"]
    base = {(r["sampler"], r["nfe"]): r for r in rows if r["rho"] == 1.0}
    lines = [
        "# Skip-Tuning on Fashion-MNIST: the sandbox's plans with scaled UNet skips, executed on the CPU",
        "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min",
        f"- Machine: {machine()}; load average at start {load}; PyTorch {torch.__version__}, {args.threads} thread(s), "
        "network in float32, plan registers in float64",
        f"- UNet: public/models/fmnist, iter {t['iter']} (weights sha256 {manifest['sha256'][:12]}…); 3 long skips "
        "(28×28, 14×14, 7×7); ρ_top = 1 on the 28×28 skip, ρ_bottom on the 7×7 one, 14×14 halfway",
        f"- Runs: class-conditional (label i mod 10), no CFG, seed {args.seed}, n = {args.n} per row, each sampler's "
        "default schedule, NFE as a budget (Heun: 2N − 1 ≤ budget); FD floor = real train vs real test at the same n",
        f"- Command: `{' '.join(['/usr/bin/python3 bench/quality/skip_tuning.py', *sys.argv[1:]])}`",
        "",
        "| sampler | NFE | steps | ρ_bottom | accuracy | FD-FMNIST | ΔFD vs ρ = 1 | FD floor | sampling s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b = base.get((r["sampler"], r["nfe"]))
        delta = f"{r['fd'] - b['fd']:+.1f}" if b and r["rho"] != 1.0 else "—"
        lines.append(f"| {r['label']} | {r['nfe']} | {r['steps']} | {r['rho']:g} | {r['accuracy']:.3f} | {r['fd']:.1f} | "
                     f"{delta} | {r['floor']:.1f} | {r['seconds']:.0f} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--samplers", default="euler,heun,dpmpp_2m,ipndm")
    p.add_argument("--nfes", default="5,7,10")
    p.add_argument("--rhos", default="1.0,0.9,0.8,0.7", help="ρ_bottom values (ρ_top = 1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "skip-tuning.md"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())
    plans = ts.export_plans(configs(args), name="skip-tuning-plans")
    unet, manifest = fmnist.load_unet()
    classifier, _ = fmnist.load_classifier()
    scorer = Scorer(classifier, args.seed)
    noise = rng.initial_noise(args.seed, args.n, plans[0]["dim"])
    rows = []
    for plan in plans:
        skip = plan["skipTuning"]
        rho = skip["bottom"] if skip else 1.0
        t0 = time.time()
        denoiser = fmnist.Denoiser(tuned(unet, skip), plan["labels"], manifest["null_class"], args.batch)
        samples = run_plan(plan, denoiser, noise, seed=plan["seed"])
        seconds = time.time() - t0
        images = samples.float().reshape(args.n, 1, 28, 28).clamp(-1, 1)
        accuracy, fd, floor = scorer.score(images, plan["labels"])
        rows.append(dict(label=plan["samplerLabel"], sampler=plan["sampler"], nfe=plan["nfe"], steps=plan["steps"],
                         rho=rho, accuracy=accuracy, fd=fd, floor=floor, seconds=seconds))
        print(f"{plan['sampler']} NFE {plan['nfe']} ρ_bottom {rho:g}: accuracy {accuracy:.3f}, FD {fd:.1f} "
              f"(floor {floor:.1f}), {seconds:.0f} s", flush=True)
        report(args, manifest, rows, started, load)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
