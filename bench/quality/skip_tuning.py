"""`npm run bench:skip-tuning`: Skip-Tuning (Ma et al., ICML 2024, §3) on a shipped image world's model
(Fashion-MNIST by default; `--world emoji` for the emoji world, skip_world.py).

Every row runs the page's own plan (plans.ts, resolved as `Sandbox.sample` resolves it, with `skipTuning` in the
config: the exported plan carries the resolved ρ) from the browser's initial noise (rng.py), with the shipped network
(skip_world.py) whose long skips are scaled as the WGSL network scales them: skip j of k + 1 (j = 0 nearest the input)
by ρ_top + (ρ_bottom − ρ_top)·j/k, ρ_top = 1 (model.py forward's rho_*; tests hold it to the same goldens as WGSL).
The paper's claim is about few-step ODE sampling, so the grid is Euler, Heun, DPM++(2M), iPNDM, UniPC and
AMED-Solver at NFE budgets 5, 7 and 10 over ρ_bottom ∈ {0.7, 0.8, 1.0} (1.0 is the untuned network; 0.9 was dropped
to fit the CPU budget when UniPC and AMED joined: the earlier run's 0.9 rows are in git history). AMED-Solver is
calibrated at each ρ with the tuned network (the page keys its calibrations on ρ; amed_calibrations.py). Scores as
run.py on Fashion-MNIST (accuracy of the conditioned class, label i mod 10, no CFG; FD-FMNIST against n test images)
and as emoji.py on the emoji world (its default CFG; class-balanced accuracy and FD against class-balanced held-out
emoji), next to the real-data floor at the same n; and the L2 to a high-NFE solution of the same noise (reference.py:
Heun on Karras, 59 NFE on Fashion-MNIST) with the same ρ (the tuned network's own ODE) and with ρ = 1 (the shipped
network's). Writes bench/results/skip-tuning[-<world>].md (rewritten after every row; the hand-written verdict between
the `verdict` markers is kept) and skip-tuning[-<world>]-grid.png (samples at NFE 5 at ρ = 1, the lowest ρ and the
best ρ by FD, and the ρ = 1 target).
Samples are cached in bench/quality/out/samples/ by their plan (reference.run_cached, shared with catalogue.py), so a
rerun only samples what changed; the scores are recomputed.
  /usr/bin/python3 bench/quality/skip_tuning.py [--world fmnist] [--n 200] [--rhos 1.0,0.8,0.7] [--nfes 5,7,10]
      [--ref-nfe 59] [--samplers euler,heun,dpmpp_2m,ipndm,unipc,amed]
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
import rng  # noqa: E402
import skip_world  # noqa: E402
import ts  # noqa: E402
from amed_calibrations import calibrated_plans  # noqa: E402
from reference import l2_to, reference_solution, run_cached  # noqa: E402
from run import machine  # noqa: E402
from skip_world import skip_of  # noqa: E402

VERDICT = re.compile(r"<!-- verdict -->.*?<!-- /verdict -->", re.S)
GRID_NFE = 5


def configs(args, world):
    rows = []
    for sampler in args.samplers.split(","):
        for nfe in map(int, (args.amed_nfes or args.nfes).split(",") if sampler == "amed" else args.nfes.split(",")):
            for rho in map(float, args.rhos.split(",")):
                rows.append(dict(sampler=sampler, nfe=nfe, count=args.n, seed=args.seed, **world.plan_options,
                                 **({"skipTuning": skip_of(rho)} if rho != 1.0 else {})))
    return rows


def export(configs, world):
    """Plans in config order; AMED's through its calibration at the row's ρ (amed_calibrations.py)."""
    plain = [c for c in configs if not c["sampler"].startswith("amed")]
    amed = [c for c in configs if c["sampler"].startswith("amed")]
    out = {}
    for c, plan in zip(plain, ts.export_plans(plain, name=f"skip-tuning-plans-{world.id}") if plain else []):
        out[json.dumps(c, sort_keys=True)] = plan
    for c, plan in zip(amed, calibrated_plans(amed, world.manifest["sha256"], f"skip-tuning-amed-{world.id}",
                                              world.amed_cache) if amed else []):
        out[json.dumps(c, sort_keys=True)] = plan
    return [out[json.dumps(c, sort_keys=True)] for c in configs]


def save_examples(examples, path, channels, side, count):
    """Rows: per sampler ρ = 1 and its best ρ by FD at NFE 5 (one row when that is ρ = 1), then the target; one
    column per sample (the first `count`: one per class)."""
    from PIL import Image, ImageDraw
    scale, gap, margin = 2, 4, 240
    cell = side * scale
    mode, white = ("L", 255) if channels == 1 else ("RGB", (255, 255, 255))
    grid = Image.new(mode, (margin + count * (cell + gap) + gap, len(examples) * (cell + gap) + gap), white)
    draw = ImageDraw.Draw(grid)
    for r, (label, images) in enumerate(examples):
        draw.text((6, gap + r * (cell + gap) + cell // 2 - 6), label, fill=0 if channels == 1 else (0, 0, 0))
        u8 = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().reshape(-1, channels, side, side)
        u8 = (u8[:, 0] if channels == 1 else u8.permute(0, 2, 3, 1)).numpy()
        for c in range(count):
            tile = Image.fromarray(u8[c]).resize((cell, cell), Image.NEAREST)
            grid.paste(tile, (margin + gap + c * (cell + gap), gap + r * (cell + gap)))
    grid.save(path)


def best_rho(rows, sampler, nfe, key):
    pool = [r for r in rows if r["sampler"] == sampler and r["nfe"] == nfe]
    return min(pool, key=lambda r: r[key]) if pool else None


def fmt(l2):
    return "—" if l2 is None else f"{l2:.2f}"


def report(args, world, rows, ref_info, started, load):
    old = open(args.out).read() if os.path.exists(args.out) else ""
    kept = VERDICT.search(old)
    verdict = kept.group(0) if kept else "<!-- verdict -->\n(verdict to be written by hand after the run)\n<!-- /verdict -->"
    base = {(r["sampler"], r["nfe"]): r for r in rows if r["rho"] == 1.0}
    amed = next((r for r in rows if r["sampler"] == "amed"), None)
    command = " ".join(["/usr/bin/python3 bench/quality/skip_tuning.py", *sys.argv[1:]])
    npm = " ".join(["npm run bench:skip-tuning", *(["--", *sys.argv[1:]] if sys.argv[1:] else [])])
    dim = world.channels * world.side ** 2
    skips = skip_world.skip_sides(world.side, world.levels)
    lines = [
        f"# Skip-Tuning on {world.title}: the sandbox's plans with scaled UNet skips, executed on the CPU",
        "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min (this run; cached rows "
        "keep the seconds of the run that computed them)",
        f"- Machine: {machine()}; load average at start {load}; PyTorch {torch.__version__}, {args.threads} thread(s) under "
        "nice, network in float32, plan registers in float64",
        f"- UNet: {world.model_line()}; {world.levels} long skips ({skips}); ρ_top = 1 on the "
        f"{world.side}×{world.side} skip, ρ_bottom on the {world.side >> (world.levels - 1)}×{world.side >> (world.levels - 1)} one, "
        "those between linearly in their depth",
        f"- Runs: {world.runs_line(args.seed, args.n)}; each sampler's default schedule and options (UniPC: logSNR, bh2, "
        "order 3; AMED-Solver: time-uniform, AFS), NFE as a budget (Heun and AMED: 2N − 1 ≤ budget); every row of a "
        f"sampler and NFE starts from the same noise, so Δ columns are paired. {world.floor(args.n)}",
        *([f"- AMED-Solver at ρ ≠ 1 is calibrated with the tuned network (the page's calibrateAmed, 16-sample batch, "
           f"at the run's CFG; {os.path.relpath(world.amed_cache, ts.ROOT)}), as the page keys calibrations on ρ."]
          if amed else []),
        f"- L2: mean over samples of ‖x − x_ref‖ ({dim} values, EDM space, unclamped) to {ref_info}, run with the same ρ "
        "(“same ρ”: the tuned network's own ODE solution) and with ρ = 1 (“ρ = 1”: the shipped network's)"
        + (". **Same-ρ references not computed in this run** (`--rho1-ref-only`: each costs a reference's evaluations; "
           "“—” in that column); ρ = 1 rows have both." if args.rho1_ref_only else "."),
        f"- Command: `{npm}` (= `{command}`)",
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
        f"| sampler | NFE | steps | ρ_bottom | accuracy | {world.fd_name} | ΔFD vs ρ = 1 | L2 to ref, same ρ | L2 to ref, ρ = 1 | "
        "ΔL2 (ρ = 1 ref) vs ρ = 1 | sampling s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b = base.get((r["sampler"], r["nfe"]))
        delta = f"{r['fd'] - b['fd']:+.1f}" if b and r["rho"] != 1.0 else "—"
        dl2 = f"{r['l2_one'] - b['l2_one']:+.2f}" if b and r["rho"] != 1.0 else "—"
        lines.append(f"| {r['label']} | {r['nfe']} | {r['steps']} | {r['rho']:g} | {r['accuracy']:.3f} | {r['fd']:.1f} | "
                     f"{delta} | {fmt(r['l2_same'])} | {r['l2_one']:.2f} | {dl2} | {r['seconds']:.0f} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--world", default="fmnist", help="an image world with a data loader in image_world.py")
    p.add_argument("--n", type=int, default=None, help="samples per row (default 200; other worlds 90)")
    p.add_argument("--samplers", default="euler,heun,dpmpp_2m,ipndm,unipc,amed")
    p.add_argument("--nfes", default="5,7,10")
    p.add_argument("--amed-nfes", default=None, help="AMED-Solver's NFE budgets when not --nfes (each ρ and NFE is a "
                   "calibration of its own, which on a large network costs more than the rows)")
    p.add_argument("--rhos", default="1.0,0.8,0.7", help="ρ_bottom values (ρ_top = 1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ref-nfe", type=int, default=59, help="NFE of the Heun reference for the L2 columns")
    p.add_argument("--rho1-ref-only", action="store_true", help="the L2 to the ρ = 1 reference only (no reference "
                   "per ρ: on a large network each costs as much as several rows)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--out", default=None, help="default bench/results/skip-tuning[-<world>].md")
    p.add_argument("--png", default=None, help="default bench/results/skip-tuning[-<world>]-grid.png")
    args = p.parse_args()
    stem = os.path.join(ts.ROOT, "bench", "results", "skip-tuning" + ("" if args.world == "fmnist" else f"-{args.world}"))
    args.out, args.png = args.out or stem + ".md", args.png or stem + "-grid.png"
    args.n = args.n or (200 if args.world == "fmnist" else 90)
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())
    world = skip_world.load(args.world, args.seed, args.batch)
    world.floor(args.n)  # the real-data references, before any sampling
    cfgs = configs(args, world)
    plans = export(cfgs, world)
    noise = rng.initial_noise(args.seed, args.n, plans[0]["dim"])
    refs = {}
    order = args.samplers.split(",")

    def reference(rho):
        if rho not in refs:
            refs[rho] = reference_solution(world.unet, world.manifest, args.n, args.seed, args.ref_nfe, skip_of(rho),
                                           args.batch, world=world.plan_options, denoiser=world.denoiser)
        return refs[rho]

    ref_info = reference(1.0)[1]
    rows, examples = [], {}
    # By NFE (an interrupted run has whole budgets), and within one the rows at ρ = 1 last: they are the catalogue's
    # plans too (reference.run_cached), so a catalogue.py running beside this one has likely sampled them by then.
    for plan in sorted(plans, key=lambda p: (p["config"]["nfe"], p["skipTuning"] is None)):
        skip = plan["skipTuning"]
        rho = skip["bottom"] if skip else 1.0
        label = plan.get("samplerLabel") or ("AMED-Solver" if plan["sampler"] == "amed" else plan["sampler"])
        samples, seconds = run_cached(plan, world.denoiser(plan), noise, world.manifest["sha256"])
        images = samples.float().reshape(args.n, world.channels, world.side, world.side).clamp(-1, 1)
        accuracy, fd = world.score(images, plan["labels"])
        row = dict(label=label, sampler=plan["sampler"], nfe=plan["nfe"], steps=plan["steps"], rho=rho,
                   accuracy=accuracy, fd=fd,
                   l2_same=l2_to(samples, reference(rho)[0]) if rho == 1.0 or not args.rho1_ref_only else None,
                   l2_one=l2_to(samples, reference(1.0)[0]), seconds=seconds)
        rows.append(row)
        rows.sort(key=lambda r: (order.index(r["sampler"]), r["nfe"], -r["rho"]))
        if row["nfe"] == GRID_NFE:
            examples[(row["sampler"], rho)] = samples[:world.classes]
        print(f"{row['sampler']} NFE {row['nfe']} ρ_bottom {rho:g}: accuracy {row['accuracy']:.3f}, FD {row['fd']:.1f}, "
              f"L2 same ρ {fmt(row['l2_same'])}, to ρ = 1 {row['l2_one']:.2f}, {row['seconds']:.0f} s", flush=True)
        report(args, world, rows, ref_info, started, load)
    grid = []
    for sampler in dict.fromkeys(r["sampler"] for r in rows):
        # ρ = 1, the strongest tuning in the grid, and the best by FD when it is neither: the effect is seen even
        # where ρ = 1 is best.
        pool = {r["rho"]: r for r in rows if r["sampler"] == sampler and r["nfe"] == GRID_NFE}
        if 1.0 not in pool:
            continue
        best = best_rho(rows, sampler, GRID_NFE, "fd")["rho"]
        for rho in sorted({1.0, min(pool), best}, reverse=True):
            r = pool[rho]
            grid.append((f"{r['label']} {GRID_NFE} NFE, rho {rho:g}: FD {r['fd']:.0f}{' (best)' if rho == best else ''}",
                         examples[(sampler, rho)]))
    grid.append((f"target: Heun {args.ref_nfe} NFE, rho 1", reference(1.0)[0][:world.classes]))
    save_examples(grid, args.png, world.channels, world.side, min(world.classes, args.n))
    report(args, world, rows, ref_info, started, load)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}, {os.path.relpath(args.png, ts.ROOT)}")


if __name__ == "__main__":
    main()
