"""`npm run bench:gits-fmnist`: GITS against Karras and time-uniform on Fashion-MNIST at NFE 5–10, on the CPU.

GITS (Chen et al., ICML 2024) picks a coarse grid from a fine Karras grid by dynamic programming over a cost matrix
measured on a few teacher trajectories. The search here is the page's own (gits-calibrate.ts: gitsCalibrationFor with
the page's batch, seed and labels, the network served by denoise_server.py); its matrix does not depend on the
sampler, the step count or coeff, so one search per metric serves every row. It is cached with the weights' SHA-256
in bench/results/gits-fmnist-calibrations.json. Each row is then the page's plan (plans.ts, grid from that search)
executed by plan_executor.py from the browser's seed-0 noise, scored as catalogue.py scores: accuracy, FD-FMNIST with
FD B against a second set of test images, and L2 to the Heun reference of the same noise (reference.py). Samples are
cached by plan in bench/quality/out/samples/ (shared with catalogue.py: its Karras rows at NFE 5 and 10 are reused).
The verdict between the `verdict` markers of the output is written by hand and kept on rerun.
  /usr/bin/python3 bench/quality/gits_fmnist.py [--n 200] [--nfes 5,6,8,10] [--samplers euler,dpmpp_2m,ipndm,unipc]
      [--metrics dev,l2]
"""
import argparse
import datetime
import json
import os
import re
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import rng  # noqa: E402
import ts  # noqa: E402
from catalogue import SecondReference, floor_draws  # noqa: E402
from reference import l2_to, reference_solution, run_cached  # noqa: E402
from run import Scorer, machine  # noqa: E402

CACHE = os.path.join(ts.ROOT, "bench", "results", "gits-fmnist-calibrations.json")
VERDICT = re.compile(r"<!-- verdict -->.*?<!-- /verdict -->", re.S)
METRIC_NAMES = {"dev": "deviation", "l2": "L2", "l1": "L1"}
COLUMNS = (("l2", "L2 to ref", "L2 to the Heun reference (paired, lower is better)", "{:.2f}", min),
           ("fd", "FD-FMNIST", "FD-FMNIST (lower is better)", "{:.1f}", min),
           ("accuracy", "accuracy", "classifier accuracy on the conditioned class (higher is better)", "{:.3f}", max))


def searches(metrics_, sha):
    """The page's GITS search per metric (default settings otherwise), made once per network and cached."""
    have = json.load(open(CACHE)) if os.path.exists(CACHE) else []
    for metric in metrics_:
        if any(c["unet_sha256"] == sha and c["metric"] == metric for c in have):
            continue
        t0 = time.time()
        # Any sampler and step count: the matrix is the sampler's and NFE's common ground; plans.ts reruns the DP.
        made = ts._through("gits-calibrate.ts", f"gits-fmnist-search-{metric}",
                           [dict(sampler="euler", nfe=6, schedule="gits", gitsMetric=metric)])[0]
        have = [c for c in (json.load(open(CACHE)) if os.path.exists(CACHE) else [])
                if not (c["unet_sha256"] == sha and c["metric"] == metric)]
        have.append(dict(made, unet_sha256=sha, seconds=round(time.time() - t0, 1)))
        with open(CACHE, "w") as f:
            json.dump(have, f, indent=1)
            f.write("\n")
    mine = [c for c in have if c["unet_sha256"] == sha and c["metric"] in metrics_]
    path = os.path.join(ts.OUT, f"gits-fmnist-calibrations-{sha[:12]}.json")  # this network's searches, for plans.ts
    os.makedirs(ts.OUT, exist_ok=True)
    with open(path, "w") as f:
        json.dump(mine, f)
    return path, {c["metric"]: c for c in mine}


def grid_name(config):
    if config["schedule"] != "gits":
        return {"karras": "Karras", "time_uniform": "time uniform"}[config["schedule"]]
    return f"GITS ({METRIC_NAMES[config['gitsMetric']]})"


def row_configs(args, calibration_path):
    grids = [dict(schedule="karras"), dict(schedule="time_uniform")]
    grids += [dict(schedule="gits", gitsMetric=m, gitsCalibration=calibration_path) for m in args.metrics.split(",")]
    return [dict(sampler=s, nfe=nfe, count=args.n, seed=args.seed, **g)
            for nfe in map(int, args.nfes.split(",")) for s in args.samplers.split(",") for g in grids]


def table(rows, key, title, form, best, nfes, labels):
    lines = [f"### {title}", "", "| sampler | grid | " + " | ".join(map(str, nfes)) + " |",
             "|---|---|" + "---|" * len(nfes)]
    for sampler in dict.fromkeys(r["sampler"] for r in rows):
        mine = [r for r in rows if r["sampler"] == sampler]
        winners = {nfe: best(r[key] for r in mine if r["budget"] == nfe) for nfe in nfes if any(r["budget"] == nfe for r in mine)}
        for grid in dict.fromkeys(r["grid"] for r in mine):
            cells = []
            for nfe in nfes:
                r = next((r for r in mine if r["grid"] == grid and r["budget"] == nfe), None)
                text = form.format(r[key]) if r else "—"
                cells.append(f"**{text}**" if r and r[key] == winners[nfe] else text)
            lines.append(f"| {labels[sampler]} | {grid} | " + " | ".join(cells) + " |")
    return lines


def wins(rows, key, best, grid):
    """(cells where `grid` is the sampler's best at that NFE, cells in all)."""
    cells = {(r["sampler"], r["budget"]) for r in rows}
    won = 0
    for sampler, nfe in cells:
        mine = [r for r in rows if r["sampler"] == sampler and r["budget"] == nfe]
        won += next((r for r in mine if r["grid"] == grid), {}).get(key) == best(r[key] for r in mine)
    return won, len(cells)


def report(args, manifest, rows, floor, ref_info, found, started, load, draws):
    old = open(args.out).read() if os.path.exists(args.out) else ""
    kept = VERDICT.search(old)
    verdict = kept.group(0) if kept else "<!-- verdict -->\n(verdict to be written by hand after the run)\n<!-- /verdict -->"
    nfes = sorted({r["budget"] for r in rows})
    labels = {r["sampler"]: r["label"] for r in rows}
    spread = sorted(abs(r["fd"] - r["fd_b"]) for r in rows)
    first = next(iter(found.values()))
    searched = "; ".join(f"{METRIC_NAMES[m]}: {c['seconds']:.0f} s" for m, c in found.items())
    lines = [
        "# GITS on Fashion-MNIST: against Karras and time-uniform at NFE 5–10, executed as exported plans on the CPU",
        "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min (this run; cached rows "
        "keep the seconds of the run that computed them)",
        f"- Machine: {machine()}; load average at start {load} (training and other jobs share the cores); PyTorch "
        f"{torch.__version__}, {args.threads} thread(s) under nice, network float32, plan registers and coefficients float64",
        f"- UNet: public/models/fmnist iter {manifest['training']['iter']} (weights sha256 {manifest['sha256'][:12]}…); "
        "classifier: public/models/fmnist-classifier",
        "- GITS search: the page's own (gitsCalibrationFor through bench/quality/gits-calibrate.ts, the network served by "
        f"denoise_server.py) with its defaults: iPNDM teacher on {len(first['fine'])} Karras points (σ 80 → 0.002), "
        f"{first['count']} trajectories from its own seed (not the evaluation noise), coeff {first['coeff']:g}; the "
        f"paper's deviation metric (the page's default) and L2. One search per metric serves every sampler and NFE "
        f"(the matrix depends on neither). Search time with the cores shared: {searched}. Cached in "
        "bench/results/gits-fmnist-calibrations.json (each entry in the format Sandbox.importGitsCalibration accepts).",
        f"- Runs: n = **{args.n}** per row, class-conditional (label i mod 10), no CFG, seed {args.seed}, the browser's "
        "initial noise: every row starts from the same noise, so rows are paired comparisons. Default sampler options "
        "(iPNDM order 4, UniPC bh2 order 3). NFE = steps for these four samplers; every grid ends with a step to σ = 0.",
        f"- **FD floor at n = {args.n}: {floor:.1f}** (n train images against the same n test images; {len(draws)} other "
        f"draws: median {draws[len(draws) // 2]:.1f}, range {draws[0]:.1f}–{draws[-1]:.1f}); FD B against a second set of n test images: |FD − FD B| median "
        f"{spread[len(spread) // 2]:.1f}, max {spread[-1]:.1f} over these rows — FD differences below that are noise. "
        f"L2 to ref: mean ‖x − x_ref‖ (784 pixels, EDM space, unclamped) to {ref_info}.",
        f"- Command: `npm run bench:gits-fmnist` (= `{' '.join(['/usr/bin/python3 bench/quality/gits_fmnist.py', *sys.argv[1:]])}`)",
        "",
        verdict,
        "",
        "## How often each grid is the sampler's best (cells: sampler × NFE; a tie counts for each tied grid)",
        "",
        "| grid | " + " | ".join(short for _, short, *_ in COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for grid in dict.fromkeys(r["grid"] for r in rows):
        lines.append(f"| {grid} | " + " | ".join("{} of {}".format(*wins(rows, k, b, grid)) for k, _, _, _, b in COLUMNS) + " |")
    for key, _, title, form, best in COLUMNS:
        lines += ["", *table(rows, key, title, form, best, nfes, labels)]
    lines += ["", "## GITS grids chosen (σ, the final 0 omitted; the same for every sampler: the search depends only on the point count)", "", "| metric | NFE | σ |", "|---|---|---|"]
    for r in rows:
        if r["sampler"] == rows[0]["sampler"] and r["grid"].startswith("GITS"):
            lines.append(f"| {r['grid']} | {r['budget']} | " + ", ".join(f"{s:.3g}" for s in r["sigmas"] if s > 0) + " |")
    lines += ["", "## Rows", "", "| sampler | grid | NFE | accuracy | FD-FMNIST | FD B | L2 to ref | s |",
              "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['label']} | {r['grid']} | {r['nfe']} | {r['accuracy']:.3f} | {r['fd']:.1f} | {r['fd_b']:.1f} | "
              f"{r['l2']:.2f} | {r['seconds']:.0f} |" for r in rows]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--nfes", default="5,6,8,10")
    p.add_argument("--samplers", default="euler,dpmpp_2m,ipndm,unipc")
    p.add_argument("--metrics", default="dev,l2", help="GITS cost metrics (the page's default first)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ref-nfe", type=int, default=59, help="NFE of the Heun reference for the L2 column")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "gits-fmnist.md"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())

    unet, manifest = fmnist.load_unet()
    classifier, _ = fmnist.load_classifier()
    path, found = searches(args.metrics.split(","), manifest["sha256"])
    configs = row_configs(args, path)
    plans = ts.export_plans(configs, "gits-fmnist-plans")
    labels = {e["id"]: e["label"] for e in ts.sampler_registry()}
    scorer = Scorer(classifier, args.seed)
    second = SecondReference(scorer, classifier, args.seed)
    floor = scorer.reference(args.n)[1]
    draws = floor_draws(scorer, classifier, args.n, args.seed)
    ref, ref_info = reference_solution(unet, manifest, args.n, args.seed, args.ref_nfe, batch=args.batch)
    z = rng.initial_noise(args.seed, args.n, 784)
    rows = []
    for config, plan in zip(configs, plans):
        assert plan["nfe"] == config["nfe"] and plan["sigmas"][-1] == 0, "NFE = steps, ending at σ = 0"
        denoiser = fmnist.Denoiser(unet, plan["labels"], manifest["null_class"], args.batch)
        x, seconds = run_cached(plan, denoiser, z, manifest["sha256"])
        images = x.float().reshape(args.n, 1, 28, 28).clamp(-1, 1)
        accuracy, fd, _ = scorer.score(images, plan["labels"])
        rows.append(dict(sampler=plan["sampler"], label=labels[plan["sampler"]], grid=grid_name(config), budget=config["nfe"],
                         nfe=plan["nfe"], sigmas=plan["sigmas"], accuracy=accuracy, fd=fd, fd_b=second.fd(images),
                         l2=l2_to(x, ref), seconds=seconds))
        print(f"{plan['sampler']} {rows[-1]['grid']} NFE {plan['nfe']}: acc {accuracy:.3f} FD {fd:.1f} "
              f"L2 {rows[-1]['l2']:.2f} ({seconds:.0f} s)", flush=True)
        report(args, manifest, rows, floor, ref_info, found, started, load, draws)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
