"""`npm run bench:catalogue`: every sampler of the registry on Fashion-MNIST at NFE budgets 5, 10 and 20, on the CPU.

Each sampler runs on the Karras grid and on its own default schedule where that differs (UniPC: logSNR; AMED:
time-uniform), with its declared default options, NFE as a budget as the page counts it (`nfe` → the most steps
that fit: Heun-like two-stage samplers 2N − 1, AMED with AFS 2N − 1). Every row is the page's own plan (plans.ts;
AMED: the page's calibration and plan builder, amed_calibrations.py) executed by plan_executor.py with the shipped
network, from the browser's initial noise of the seed and, for the stochastic samplers, its Brownian paths (rng.py).
Scores: accuracy of the conditioned class (label i mod 10, no CFG), FD-FMNIST against n test images with the
real-data floor at the same n (run.Scorer), FD against a second, disjoint set of n test images (the spread between
the two is the reference side's sampling noise), and for the ODE samplers the L2 to a Heun reference of the same
noise (reference.py). The verdict between the `verdict` markers of the output is written by hand and kept on rerun.
Samples are cached in bench/quality/out/samples/ by their plan (reference.run_cached, shared with skip_tuning.py),
so a rerun only samples what changed; the scores are recomputed.
  /usr/bin/python3 bench/quality/catalogue.py [--n 200] [--nfes 5,10,20] [--only euler,unipc] [--ref-nfe 59]
"""
import argparse
import datetime
import json
import os
import re
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import rng  # noqa: E402
import ts  # noqa: E402
from amed_calibrations import calibrated_plans  # noqa: E402
from reference import l2_to, reference_solution, run_cached  # noqa: E402
from run import Scorer, machine, save_grid  # noqa: E402

import data  # noqa: E402  (tools/train, on sys.path through fmnist)
import metrics  # noqa: E402

# Registry entries without a row of their own, and why (the script fails on any other entry it cannot run).
NOT_ROWS = {
    "ddim": "DDIM (η = 0) is Euler in this parametrisation: its plan is asserted identical to Euler's at every budget",
    "reflow": "ReFlow belongs to the rectified-flow world (fmnist-2rf; bench/results/reflow-fmnist.md)",
}
HEADLINE_AT_20 = ("euler", "dpmpp_2m", "euler_ancestral")
VERDICT = re.compile(r"<!-- verdict -->.*?<!-- /verdict -->", re.S)


def row_configs(registry, args):
    rows = []
    only = set(args.only.split(",")) if args.only else None
    for entry in registry:
        if entry["id"] in NOT_ROWS or (only and entry["id"] not in only):
            continue
        schedules = ["karras"] + ([entry["defaultSchedule"]] if entry["defaultSchedule"] != "karras" else [])
        for nfe in map(int, args.nfes.split(",")):
            for schedule in schedules:
                rows.append(dict(sampler=entry["id"], nfe=nfe, schedule=schedule, count=args.n, seed=args.seed))
    # Cheap budgets first (an interrupted run keeps whole budgets), except the rows of the question people ask most
    # (Euler vs DPM++ 2M Karras vs Euler a at 20 steps), which follow the first budget.
    headline = lambda r: r["nfe"] == 20 and r["sampler"] in HEADLINE_AT_20  # noqa: E731
    return sorted(rows, key=lambda r: (r["nfe"] if not headline(r) else min(map(int, args.nfes.split(","))) + 0.5))


def export(configs, registry, sha):
    """Plans in config order: the page's exporter, or the AMED calibration + builder for prepared samplers."""
    prepared = {e["id"] for e in registry if e["prepared"]}
    plain = [c for c in configs if c["sampler"] not in prepared]
    amed = [c for c in configs if c["sampler"] in prepared]
    by_config = {}
    for config, plan in zip(plain, ts.export_plans(plain, "catalogue-plans") if plain else []):
        by_config[json.dumps(config, sort_keys=True)] = plan
    for config, plan in zip(amed, calibrated_plans(amed, sha, "catalogue-amed") if amed else []):
        plan.setdefault("eta", 0)
        by_config[json.dumps(config, sort_keys=True)] = plan
    return [by_config[json.dumps(c, sort_keys=True)] for c in configs]


def check_ddim(args):
    """DDIM's plans equal Euler's (σ grid, instructions, coefficients) at every budget of the run."""
    nfes = list(map(int, args.nfes.split(",")))
    plans = ts.export_plans([dict(sampler=s, nfe=n, count=1) for s in ("ddim", "euler") for n in nfes], "catalogue-ddim")
    for d, e in zip(plans[:len(nfes)], plans[len(nfes):]):
        assert d["sigmas"] == e["sigmas"] and d["instrs"] == e["instrs"], "DDIM's plan differs from Euler's"


class SecondReference:
    """FD against a second set of n test images, disjoint from run.Scorer's (the reference side's sampling noise)."""

    def __init__(self, scorer, classifier, seed):
        self.scorer, self.classifier, self.seed, self.refs = scorer, classifier, seed, {}

    def fd(self, images):
        n = len(images)
        if n not in self.refs:
            g = torch.Generator().manual_seed(self.seed + 1)
            order = torch.randperm(len(self.scorer.test), generator=g)  # run.Scorer's draw: its first n are taken
            self.refs[n] = metrics.features(self.scorer.test[order[n:2 * n]], self.classifier)
        return metrics.frechet_distance(metrics.features(images, self.classifier), self.refs[n])


def floor_draws(scorer, classifier, n, seed, draws=10):
    """FD of `draws` further random sets of n train images against run.Scorer's n test images: run.Scorer's floor is
    one such draw, and at small n the draws scatter widely, so a row under that one floor is not under real data."""
    real, g = scorer.reference(n)[0], torch.Generator().manual_seed(seed + 2)
    return sorted(metrics.frechet_distance(metrics.features(scorer.train[torch.randperm(len(scorer.train), generator=g)[:n]],
                                                            classifier), real) for _ in range(draws))


def feature_spread(scorer, classifier, images):
    """tr Σ of the samples' classifier features over tr Σ of the n test images FD is measured against: below 1 the
    samples vary less than the data (a part of FD, beside the means)."""
    real = np.asarray(scorer.reference(len(images))[0], np.float64)
    mine = np.asarray(metrics.features(images, classifier), np.float64)
    return float(np.trace(np.cov(mine, rowvar=False)) / np.trace(np.cov(real, rowvar=False)))


def schedule_label(r, registry):
    default = next(e["defaultSchedule"] for e in registry if e["id"] == r["sampler"])
    return r["schedule"] + (" (default)" if r["schedule"] == default else "")


def name(r):
    return r["label"] + (f" ({r['a1111']})" if r["a1111"] and r["a1111"] != r["label"] else "")


def fmt(r, registry):
    l2 = f"{r['l2']:.2f}" if r["l2"] is not None else "—"
    return (f"| {name(r)} | {r['group']} | {schedule_label(r, registry)} | {r['steps']} | {r['nfe']} | {r['accuracy']:.3f} | "
            f"{r['fd']:.1f} | {r['fd_b']:.1f} | {r['spread']:.2f} | {l2} | {r['seconds']:.0f} |")


def best_three(rows, budget, key):
    pool = sorted((r for r in rows if r["budget"] == budget and r[key] is not None), key=lambda r: r[key])
    return ", ".join(f"{name(r)} on {r['schedule']} {r[key]:.1f}" for r in pool[:3]) if pool else "—"


def report(args, registry, manifest, rows, floor, ref_info, started, load, draws):
    old = ""
    if os.path.exists(args.out):
        with open(args.out) as f:
            old = f.read()
    kept = VERDICT.search(old)
    verdict = kept.group(0) if kept else "<!-- verdict -->\n(verdict to be written by hand after the run)\n<!-- /verdict -->"
    t = manifest["training"]
    spread = [abs(r["fd"] - r["fd_b"]) for r in rows]
    lines = [
        "# Sampler catalogue on Fashion-MNIST: every sampler at NFE 5, 10 and 20, executed as exported plans on the CPU",
        "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min (this run; cached rows "
        "keep the seconds of the run that computed them)",
        f"- Machine: {machine()}; load average at start {load} (training and other jobs share the cores); PyTorch "
        f"{torch.__version__}, {args.threads} thread(s) under nice, network float32, plan registers and coefficients float64",
        f"- UNet: public/models/fmnist iter {t['iter']} (weights sha256 {manifest['sha256'][:12]}…); classifier: "
        "public/models/fmnist-classifier",
        f"- Runs: n = **{args.n}** per row, class-conditional (label i mod 10), no CFG, seed {args.seed}: every row starts "
        "from the same initial noise (the browser's), stochastic rows draw the browser's Brownian paths of that seed. "
        "σ 80 → 0.002; default options of each sampler (UniPC bh2 order 3, DEIS order 3, LMS order 4, iPNDM order 4, "
        "the stochastic ones η = 1 and s_noise = 1 where they have it (the η-SDE is Euler–Maruyama at η = 1), DPM++ SDE r = ½, DPM++(2M) SDE midpoint; AMED with AFS, AMED-Plugin on iPNDM).",
        "- NFE is a budget as the page counts it: the most steps that fit (two-stage samplers and AMED: 2N − 1, so 5 / 9 / "
        "19 evaluations at budgets 5 / 10 / 20). AMED rows end at σ_min without a final step to 0, as in the official code.",
        "- AMED: the page's calibrateAmed (16-sample batch) run for each grid with this network "
        "(bench/results/amed-fmnist-calibrations-extra.json), then the page's plan builder.",
        f"- **FD floor at n = {args.n}: {floor:.1f}** (n real train images vs the same n test images); {len(draws)} other "
        f"draws of n train images against the same test images: median {draws[len(draws) // 2]:.1f}, range "
        f"{draws[0]:.1f}–{draws[-1]:.1f}, so a row under {floor:.1f} is not under real data. FD is biased upward "
        "at small n: compare rows only with each other. FD B is against a second, disjoint set of n test images; "
        f"|FD − FD B| over the rows: median {sorted(spread)[len(spread) // 2]:.1f}, max {max(spread):.1f}: differences "
        "smaller than that are noise of the reference set alone (the sample side adds as much again for unpaired rows).",
        "- Spread: tr Σ of the samples' classifier features over tr Σ of the test images': below 1 a row varies less than "
        "the data.",
        f"- L2 to ref: mean over samples of ‖x − x_ref‖ (784 pixels, EDM space, unclamped) to {ref_info}; only for the "
        "ODE samplers (a stochastic sampler leaves the ODE's path by design, so its distance to it is not its error).",
        f"- Not rows: {'; '.join(f'`{k}`: {v}' for k, v in NOT_ROWS.items())}.",
        f"- Command: `npm run bench:catalogue` (= `{' '.join(['/usr/bin/python3 bench/quality/catalogue.py', *sys.argv[1:]])}`)",
        "",
        verdict,
        "",
        "## Best three per budget (computed)",
        "",
        "| NFE budget | lowest FD-FMNIST | lowest FD B | lowest L2 to ref (ODE samplers) | highest accuracy |",
        "|---|---|---|---|---|",
    ]
    for budget in sorted({r["budget"] for r in rows}):
        acc = sorted((r for r in rows if r["budget"] == budget), key=lambda r: -r["accuracy"])[:3]
        lines.append(f"| {budget} | {best_three(rows, budget, 'fd')} | {best_three(rows, budget, 'fd_b')} | "
                     f"{best_three(rows, budget, 'l2')} | " + ", ".join(f"{name(r)} on {r['schedule']} {r['accuracy']:.3f}" for r in acc) + " |")
    for budget in sorted({r["budget"] for r in rows}):
        lines += ["", f"## NFE budget {budget}", "",
                  "| sampler | group | schedule | steps | NFE | accuracy | FD-FMNIST | FD B | spread | L2 to ref | s |",
                  "|---|---|---|---|---|---|---|---|---|---|---|",
                  *[fmt(r, registry) for r in rows if r["budget"] == budget]]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--nfes", default="5,10,20", help="NFE budgets")
    p.add_argument("--only", default="", help="comma-separated sampler ids (default: every registry entry)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ref-nfe", type=int, default=59, help="NFE of the Heun reference for the L2 column")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "quality-catalogue.md"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())

    registry = ts.sampler_registry()
    info = {e["id"]: e for e in registry}
    check_ddim(args)
    unet, manifest = fmnist.load_unet()
    classifier, _ = fmnist.load_classifier()
    scorer = Scorer(classifier, args.seed)
    second = SecondReference(scorer, classifier, args.seed)
    configs = row_configs(registry, args)
    plans = export(configs, registry, manifest["sha256"])
    z = rng.initial_noise(args.seed, args.n, 784)
    floor = scorer.reference(args.n)[1]
    draws = floor_draws(scorer, classifier, args.n, args.seed)
    ref, ref_info = reference_solution(unet, manifest, args.n, args.seed, args.ref_nfe, batch=args.batch, compute=False)

    rows, samples = [], {}
    for config, plan in zip(configs, plans):
        entry = info[plan["sampler"]]
        assert plan["labels"] is not None and len(plan["labels"]) == args.n
        denoiser = fmnist.Denoiser(unet, plan["labels"], manifest["null_class"], args.batch)
        x, seconds = run_cached(plan, denoiser, z, manifest["sha256"])
        images = x.float().reshape(args.n, 1, 28, 28).clamp(-1, 1)
        accuracy, fd, _ = scorer.score(images, plan["labels"])
        row = dict(sampler=plan["sampler"], label=entry["label"], a1111=entry["a1111"], group=entry["group"],
                   schedule=plan["schedule"], budget=config["nfe"], steps=plan["steps"], nfe=plan["nfe"],
                   accuracy=accuracy, fd=fd, fd_b=second.fd(images), spread=feature_spread(scorer, classifier, images),
                   l2=None if entry["stochastic"] or ref is None else l2_to(x, ref), seconds=seconds)
        save_grid(images[:100], plan["labels"][:100],
                  os.path.join(ts.OUT, f"catalogue-{plan['sampler']}-{plan['schedule']}-nfe{plan['nfe']}.png"))
        rows.append(row)
        samples[len(rows) - 1] = x if not entry["stochastic"] else None
        print(fmt(row, registry), flush=True)
        report(args, registry, manifest, rows, floor, ref_info, started, load, draws)
    if ref is None:  # computed here, or by skip_tuning.py running beside this (reference.py's lock): L2 at the end
        ref, ref_info = reference_solution(unet, manifest, args.n, args.seed, args.ref_nfe, batch=args.batch)
        for i, x in samples.items():
            if x is not None:
                rows[i]["l2"] = l2_to(x, ref)
    report(args, registry, manifest, rows, floor, ref_info, started, load, draws)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
