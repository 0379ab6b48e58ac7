"""`npm run bench:quality`: image quality of the sandbox's samplers on Fashion-MNIST, on the CPU.

The samplers are the page's own plans (plans.ts, resolved as `Sandbox.sample` resolves them); this script only
executes them (plan_executor.py) with the shipped network (fmnist.py), from the browser's initial noise and Brownian
paths (rng.py), so sample i here is the browser's sample i up to float32 error. Class-conditional, label = i mod 10,
no CFG. Scores: accuracy of the conditioned class under the shipped classifier, and FD-FMNIST against n random test
images, next to the real-data floor at the same n (n train vs the same n test images; FD is biased upward at small n).
Writes bench/results/quality-fmnist.md (rewritten after every row, so an interrupted run keeps what it measured).
  /usr/bin/python3 bench/quality/run.py [--grid-n 500] [--heun-n 1000] [--nfes 5,10,20,50] [--samplers …]
"""
import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import rng  # noqa: E402
import ts  # noqa: E402
from plan_executor import run_plan  # noqa: E402

import data  # noqa: E402  (tools/train, on sys.path through fmnist)
import metrics  # noqa: E402
from eval_samples import save_grid as save_png  # noqa: E402


def configs(args):
    rows = [dict(sampler="heun", nfe=35, count=args.heun_n, seed=args.seed)] if args.heun_n else []
    for sampler in args.samplers.split(","):
        for nfe in map(int, args.nfes.split(",")):
            rows.append(dict(sampler=sampler, nfe=nfe, count=args.grid_n, seed=args.seed, **({"eta": args.eta} if sampler == "sde" else {})))
    return rows


class Scorer:
    """Accuracy and FD-FMNIST in the shipped classifier's features; real references and floors cached per n."""

    def __init__(self, classifier, seed):
        self.classifier, self.seed = classifier, seed
        self.test, _ = data.load("test")
        self.train, _ = data.load("train")
        self.refs = {}

    def reference(self, n):
        if n not in self.refs:
            g = torch.Generator().manual_seed(self.seed + 1)
            real = metrics.features(self.test[torch.randperm(len(self.test), generator=g)[:n]], self.classifier)
            other = metrics.features(self.train[torch.randperm(len(self.train), generator=g)[:n]], self.classifier)
            self.refs[n] = (real, metrics.frechet_distance(other, real))
        return self.refs[n]

    def score(self, images, labels):
        real, floor = self.reference(len(images))
        return (metrics.classifier_accuracy(images, labels, self.classifier),
                metrics.frechet_distance(metrics.features(images, self.classifier), real), floor)


def save_grid(images, labels, path):
    """The first samples as a PNG for eyeballing (bench/quality/out/), one column per class as eval_samples.py does."""
    k = len(images) // 10 * 10
    if k:
        order = torch.argsort(torch.as_tensor(labels[:k]), stable=True)
        save_png(images[:k][order].reshape(10, -1, 1, 28, 28).transpose(0, 1).reshape(-1, 1, 28, 28), path)


def machine():
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "cpu")
    return f"{os.cpu_count()} × {model}, {platform.system()} {platform.release()}, no GPU"


def write_report(lines, path, notes=None):
    """The generated lines, then the hand-written notes file when there is one (it survives every rerun), to path."""
    if notes and os.path.exists(notes):
        with open(notes) as f:
            lines = [*lines, f.read().rstrip(), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def report(args, unet_manifest, clf_manifest, rows, started, load):
    t = unet_manifest["training"]
    heun = next((r for r in rows if r["sampler"] == "heun" and r["nfe"] == 35), None)
    verdict = (f"**{heun['accuracy']:.3f}** on n = {heun['n']} ({'meets' if heun['accuracy'] >= 0.8 else 'below'} the ≥ 0.80 target)"
               if heun else "not run")
    lines = [
        "# Quality benchmark: Fashion-MNIST, the sandbox's samplers executed as exported plans on the CPU",
        "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min",
        f"- Machine: {machine()}; load average at start {load} (other jobs share the cores); PyTorch {torch.__version__}, "
        f"{args.threads} thread(s), network in float32, plan registers and coefficients in float64",
        f"- UNet: public/models/fmnist, iter **{t['iter']}** ({t['minutes']} training minutes, EMA weights, exported "
        f"{unet_manifest.get('exported_at', '?')}, weights sha256 {unet_manifest['sha256'][:12]}…)",
        f"- Classifier: public/models/fmnist-classifier, test accuracy {clf_manifest['metrics']['test_accuracy']}",
        f"- Runs: class-conditional, label = i mod 10, no CFG, seed {args.seed} (initial noise and Brownian paths as the "
        "browser draws them), σ_max 80, σ_min 0.002, each sampler's default schedule; NFE is a budget (Heun: 2N − 1 ≤ budget)",
        f"- Command: `npm run bench:quality` (= `{' '.join(['/usr/bin/python3 bench/quality/run.py', *sys.argv[1:]])}`)",
        "",
        f"Heun at 35 NFE, accuracy of the conditioned class: {verdict}.",
        "",
        "FD-FMNIST is only comparable at equal n: the floor column is real train vs real test images at that n.",
        "",
        "| sampler | schedule | steps | NFE | η | n | accuracy | FD-FMNIST | FD floor (same n) | sampling s |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *[f"| {r['label']} | {r['schedule']} | {r['steps']} | {r['nfe']} | {r['eta']:g} | {r['n']} | {r['accuracy']:.3f} | "
          f"{r['fd']:.1f} | {r['floor']:.1f} | {r['seconds']:.0f} |" for r in rows],
        "",
    ]
    write_report(lines, args.out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--grid-n", type=int, default=500, help="samples per grid row")
    p.add_argument("--heun-n", type=int, default=1000, help="samples for the Heun 35-NFE row (0: skip it)")
    p.add_argument("--samplers", default="euler,heun,dpmpp_2m,ipndm,sde")
    p.add_argument("--nfes", default="5,10,20,50")
    p.add_argument("--eta", type=float, default=1.0, help="η of the η-SDE rows")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=125, help="images per network call")
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "quality-fmnist.md"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())

    plans = ts.export_plans(configs(args))
    unet, unet_manifest = fmnist.load_unet()
    classifier, clf_manifest = fmnist.load_classifier()
    scorer = Scorer(classifier, args.seed)
    noise = {}
    rows = []
    for plan in plans:
        n = plan["count"]
        if n not in noise:
            noise[n] = rng.initial_noise(plan["seed"], n, plan["dim"])
        t0 = time.time()
        denoiser = fmnist.Denoiser(unet, plan["labels"], unet_manifest["null_class"], args.batch)
        samples = run_plan(plan, denoiser, noise[n], seed=plan["seed"])
        seconds = time.time() - t0
        images = samples.float().reshape(n, 1, 28, 28).clamp(-1, 1)
        accuracy, fd, floor = scorer.score(images, plan["labels"])
        save_grid(images[:100], plan["labels"][:100], os.path.join(ts.OUT, f"{plan['sampler']}-nfe{plan['nfe']}.png"))
        rows.append(dict(label=plan["samplerLabel"], sampler=plan["sampler"], schedule=plan["schedule"], steps=plan["steps"],
                         nfe=plan["nfe"], eta=plan["eta"], n=n, accuracy=accuracy, fd=fd, floor=floor, seconds=seconds))
        print(f"{plan['sampler']} NFE {plan['nfe']} n {n}: accuracy {accuracy:.3f}, FD {fd:.1f} (floor {floor:.1f}), "
              f"sampling {seconds:.0f} s = {denoiser.evaluations / seconds:.0f} image-evaluations/s", flush=True)
        report(args, unet_manifest, clf_manifest, rows, started, load)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
