"""`npm run bench:skip-tuning`: Skip-Tuning (Ma et al., ICML 2024, §3) on the shipped Fashion-MNIST model.

Every row runs the page's own plan (plans.ts, resolved as `Sandbox.sample` resolves it, with `skipTuning` in the
config: the exported plan carries the resolved ρ) from the browser's initial noise (rng.py), with the shipped network
(fmnist.py) whose long skips are scaled as the WGSL network scales them: skip j of k + 1 (j = 0 nearest the input)
by ρ_top + (ρ_bottom − ρ_top)·j/k, ρ_top = 1 (model.py forward's rho_*; tests hold it to the same goldens as WGSL).
The paper's claim is about few-step ODE sampling, so the grid is Euler, Heun, DPM++(2M), iPNDM, UniPC and
AMED-Solver at NFE budgets 5, 7 and 10 over ρ_bottom ∈ {0.7, 0.8, 1.0} (1.0 is the untuned network; 0.9 was dropped
to fit the CPU budget when UniPC and AMED joined: the earlier run's 0.9 rows are in git history). AMED-Solver is
calibrated at each ρ with the tuned network (the page keys its calibrations on ρ; amed_calibrations.py). Scores as
run.py: accuracy of the conditioned class (label i mod 10, no CFG) and FD-FMNIST against n test images, next to the
real-data floor at the same n; and the L2 to a high-NFE solution of the same noise (reference.py: Heun, 59 NFE on
Karras) with the same ρ (the tuned network's own ODE) and with ρ = 1 (the shipped network's). Writes
bench/results/skip-tuning.md (rewritten after every row; the hand-written verdict between the `verdict` markers is
kept) and bench/results/skip-tuning-grid.png (samples at NFE 5: ρ = 1 vs the best ρ by FD, and the ρ = 1 target).
Samples are cached in bench/quality/out/samples/ by their plan (reference.run_cached, shared with catalogue.py), so a
rerun only samples what changed; the scores are recomputed.
  /usr/bin/python3 bench/quality/skip_tuning.py [--n 200] [--rhos 1.0,0.8,0.7] [--nfes 5,7,10] [--ref-nfe 59]
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
from amed_calibrations import calibrated_plans  # noqa: E402
from reference import l2_to, reference_solution, run_cached  # noqa: E402
from run import Scorer, machine  # noqa: E402

VERDICT = re.compile(r"<!-- verdict -->.*?<!-- /verdict -->", re.S)
GRID_NFE = 5
GRID_SAMPLES = 10


def skip_of(rho):
    return {"bottom": rho, "top": 1.0} if rho != 1.0 else None


def configs(args):
    rows = []
    for sampler in args.samplers.split(","):
        for nfe in map(int, args.nfes.split(",")):
            for rho in map(float, args.rhos.split(",")):
                rows.append(dict(sampler=sampler, nfe=nfe, count=args.n, seed=args.seed,
                                 **({"skipTuning": skip_of(rho)} if rho != 1.0 else {})))
    return rows


def export(configs, sha):
    """Plans in config order; AMED's through its calibration at the row's ρ (amed_calibrations.py)."""
    plain = [c for c in configs if not c["sampler"].startswith("amed")]
    amed = [c for c in configs if c["sampler"].startswith("amed")]
    out = {}
    for c, plan in zip(plain, ts.export_plans(plain, name="skip-tuning-plans") if plain else []):
        out[json.dumps(c, sort_keys=True)] = plan
    for c, plan in zip(amed, calibrated_plans(amed, sha, "skip-tuning-amed") if amed else []):
        out[json.dumps(c, sort_keys=True)] = plan
    return [out[json.dumps(c, sort_keys=True)] for c in configs]


def save_examples(examples, path):
    """Rows: per sampler ρ = 1 and its best ρ by FD at NFE 5 (one row when that is ρ = 1), then the target; one
    column per class (samples 0–9)."""
    from PIL import Image, ImageDraw
    scale, gap, margin = 2, 4, 240
    cell = 28 * scale
    grid = Image.new("L", (margin + GRID_SAMPLES * (cell + gap) + gap, len(examples) * (cell + gap) + gap), 255)
    draw = ImageDraw.Draw(grid)
    for r, (label, images) in enumerate(examples):
        draw.text((6, gap + r * (cell + gap) + cell // 2 - 6), label, fill=0)
        u8 = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().reshape(-1, 28, 28).numpy()
        for c in range(GRID_SAMPLES):
            tile = Image.fromarray(u8[c]).resize((cell, cell), Image.NEAREST)
            grid.paste(tile, (margin + gap + c * (cell + gap), gap + r * (cell + gap)))
    grid.save(path)


def best_rho(rows, sampler, nfe, key):
    pool = [r for r in rows if r["sampler"] == sampler and r["nfe"] == nfe]
    return min(pool, key=lambda r: r[key]) if pool else None


def report(args, manifest, rows, ref_info, floor, started, load):
    old = open(args.out).read() if os.path.exists(args.out) else ""
    kept = VERDICT.search(old)
    verdict = kept.group(0) if kept else "<!-- verdict -->\n(verdict to be written by hand after the run)\n<!-- /verdict -->"
    t = manifest["training"]
    base = {(r["sampler"], r["nfe"]): r for r in rows if r["rho"] == 1.0}
    lines = [
        "# Skip-Tuning on Fashion-MNIST: the sandbox's plans with scaled UNet skips, executed on the CPU",
        "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min (this run; cached rows "
        "keep the seconds of the run that computed them)",
        f"- Machine: {machine()}; load average at start {load}; PyTorch {torch.__version__}, {args.threads} thread(s) under "
        "nice, network in float32, plan registers in float64",
        f"- UNet: public/models/fmnist, iter {t['iter']} (weights sha256 {manifest['sha256'][:12]}…); 3 long skips "
        "(28×28, 14×14, 7×7); ρ_top = 1 on the 28×28 skip, ρ_bottom on the 7×7 one, 14×14 halfway",
        f"- Runs: class-conditional (label i mod 10), no CFG, seed {args.seed}, n = {args.n} per row, each sampler's "
        "default schedule and options (UniPC: logSNR, bh2, order 3; AMED-Solver: time-uniform, AFS), NFE as a budget "
        "(Heun and AMED: 2N − 1 ≤ budget); every row of a sampler and NFE starts from the same noise, so Δ columns are "
        f"paired. **FD floor at n = {args.n}: {floor:.1f}** (real train vs real test at the same n).",
        "- AMED-Solver at ρ ≠ 1 is calibrated with the tuned network (the page's calibrateAmed, 16-sample batch; "
        "bench/results/amed-fmnist-calibrations-extra.json), as the page keys calibrations on ρ.",
        f"- L2: mean over samples of ‖x − x_ref‖ (784 pixels, EDM space, unclamped) to {ref_info}, run with the same ρ "
        "(“same ρ”: the tuned network's own ODE solution) and with ρ = 1 (“ρ = 1”: the shipped network's).",
        f"- Command: `npm run bench:skip-tuning` (= `{' '.join(['/usr/bin/python3 bench/quality/skip_tuning.py', *sys.argv[1:]])}`)",
        "",
        verdict,
        "",
        "## Best ρ_bottom per sampler and NFE (computed)",
        "",
        "| sampler | NFE | best ρ by FD | its FD (ΔFD vs ρ = 1) | best ρ by L2 to the ρ = 1 target | its L2 (ΔL2 vs ρ = 1) |",
        "|---|---|---|---|---|---|",
    ]
    for sampler in dict.fromkeys(r["sampler"] for r in rows):
        for nfe in dict.fromkeys(r["nfe"] for r in rows if r["sampler"] == sampler):
            b, f, g = base.get((sampler, nfe)), best_rho(rows, sampler, nfe, "fd"), best_rho(rows, sampler, nfe, "l2_one")
            if not b:
                continue
            lines.append(f"| {f['label']} | {nfe} | {f['rho']:g} | {f['fd']:.1f} ({f['fd'] - b['fd']:+.1f}) | {g['rho']:g} | "
                         f"{g['l2_one']:.2f} ({g['l2_one'] - b['l2_one']:+.2f}) |")
    lines += [
        "",
        "## All rows",
        "",
        "| sampler | NFE | steps | ρ_bottom | accuracy | FD-FMNIST | ΔFD vs ρ = 1 | L2 to ref, same ρ | L2 to ref, ρ = 1 | "
        "ΔL2 (ρ = 1 ref) vs ρ = 1 | sampling s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b = base.get((r["sampler"], r["nfe"]))
        delta = f"{r['fd'] - b['fd']:+.1f}" if b and r["rho"] != 1.0 else "—"
        dl2 = f"{r['l2_one'] - b['l2_one']:+.2f}" if b and r["rho"] != 1.0 else "—"
        lines.append(f"| {r['label']} | {r['nfe']} | {r['steps']} | {r['rho']:g} | {r['accuracy']:.3f} | {r['fd']:.1f} | "
                     f"{delta} | {r['l2_same']:.2f} | {r['l2_one']:.2f} | {dl2} | {r['seconds']:.0f} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--samplers", default="euler,heun,dpmpp_2m,ipndm,unipc,amed")
    p.add_argument("--nfes", default="5,7,10")
    p.add_argument("--rhos", default="1.0,0.8,0.7", help="ρ_bottom values (ρ_top = 1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ref-nfe", type=int, default=59, help="NFE of the Heun reference for the L2 columns")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "skip-tuning.md"))
    p.add_argument("--png", default=os.path.join(ts.ROOT, "bench", "results", "skip-tuning-grid.png"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())
    unet, manifest = fmnist.load_unet()
    classifier, _ = fmnist.load_classifier()
    scorer = Scorer(classifier, args.seed)
    floor = scorer.reference(args.n)[1]
    cfgs = configs(args)
    plans = export(cfgs, manifest["sha256"])
    noise = rng.initial_noise(args.seed, args.n, plans[0]["dim"])
    refs = {}
    order = args.samplers.split(",")

    def reference(rho):
        if rho not in refs:
            refs[rho] = reference_solution(unet, manifest, args.n, args.seed, args.ref_nfe, skip_of(rho), args.batch)
        return refs[rho]

    ref_info = reference(1.0)[1]
    rows, examples = [], {}
    # By NFE (an interrupted run has whole budgets), and within one the rows at ρ = 1 last: they are the catalogue's
    # plans too (reference.run_cached), so a catalogue.py running beside this one has likely sampled them by then.
    for plan in sorted(plans, key=lambda p: (p["config"]["nfe"], p["skipTuning"] is None)):
        skip = plan["skipTuning"]
        rho = skip["bottom"] if skip else 1.0
        label = plan.get("samplerLabel") or ("AMED-Solver" if plan["sampler"] == "amed" else plan["sampler"])
        denoiser = fmnist.Denoiser(fmnist.tuned(unet, skip), plan["labels"], manifest["null_class"], args.batch)
        samples, seconds = run_cached(plan, denoiser, noise, manifest["sha256"])
        images = samples.float().reshape(args.n, 1, 28, 28).clamp(-1, 1)
        accuracy, fd, _ = scorer.score(images, plan["labels"])
        row = dict(label=label, sampler=plan["sampler"], nfe=plan["nfe"], steps=plan["steps"], rho=rho,
                   accuracy=accuracy, fd=fd, l2_same=l2_to(samples, reference(rho)[0]),
                   l2_one=l2_to(samples, reference(1.0)[0]), seconds=seconds)
        rows.append(row)
        rows.sort(key=lambda r: (order.index(r["sampler"]), r["nfe"], -r["rho"]))
        if row["nfe"] == GRID_NFE:
            examples[(row["sampler"], rho)] = samples[:GRID_SAMPLES]
        print(f"{row['sampler']} NFE {row['nfe']} ρ_bottom {rho:g}: accuracy {row['accuracy']:.3f}, FD {row['fd']:.1f} "
              f"(floor {floor:.1f}), L2 same ρ {row['l2_same']:.2f}, to ρ = 1 {row['l2_one']:.2f}, {row['seconds']:.0f} s",
              flush=True)
        report(args, manifest, rows, ref_info, floor, started, load)
    grid = []
    for sampler in dict.fromkeys(r["sampler"] for r in rows):
        best = best_rho(rows, sampler, GRID_NFE, "fd")
        label = best["label"] if best else sampler
        if best and (sampler, 1.0) in examples:
            if best["rho"] == 1.0:
                grid.append((f"{label} {GRID_NFE} NFE, rho 1 (best FD)", examples[(sampler, 1.0)]))
                continue
            grid.append((f"{label} {GRID_NFE} NFE, rho 1", examples[(sampler, 1.0)]))
            grid.append((f"{label} {GRID_NFE} NFE, rho {best['rho']:g} (best FD)", examples[(sampler, best["rho"])]))
    grid.append((f"target: Heun {args.ref_nfe} NFE, rho 1", reference(1.0)[0][:GRID_SAMPLES]))
    save_examples(grid, args.png)
    report(args, manifest, rows, ref_info, floor, started, load)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}, {os.path.relpath(args.png, ts.ROOT)}")


if __name__ == "__main__":
    main()
