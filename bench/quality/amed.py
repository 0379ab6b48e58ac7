"""`npm run bench:amed-fmnist`: AMED on Fashion-MNIST (Zhou et al. 2024) at NFE 3/5/7/9, on the CPU.

Rows
- AMED-Solver, learned: the predictor shipped in public/models/fmnist-amed (tools/train/train_amed.py), executed by
  this file's step (per-sample r, c, s, so not a plan): tools/train/amed_predictor.sample, float64 registers, the
  network in float32 as everywhere in bench/quality. σ grid from the page (amed-plans.ts), asserted equal to the
  predictor manifest's and to amed_predictor.time_uniform_sigmas to 1e-12.
- AMED-Solver / AMED-Plugin (iPNDM), time-only: the page's own forward calibration, calibrateAmed of
  src/sampling/amed/calibrate.ts run in Node (amed-calibrate.ts) with the Python network behind it
  (denoise_server.py), on the page's calibration batch (16 samples, its seed, label i mod 10); the plan is then built
  by the page's AMED builder from that calibration (amed-plans.ts, through AmedCalibrations.import + toPlanParams).
- Euler, Heun, DPM++(2M), iPNDM at their defaults (page plans, plans.ts), plus Euler at 10 NFE (the bar AMED at 5 NFE should beat).
Every row starts from the browser's initial noise of seed 0 (rng.py), label i mod 10, no CFG.
Scores: the shipped classifier's accuracy, FD-FMNIST with the real-data floor at the same n (run.Scorer), and the
distance to a reference solution of the same noise: Heun at 121 NFE on the Karras grid (page plan, ends at σ = 0).
AMED rows end at σ_min = 0.002 (no final step to 0, as in the official code); that alone is an L2 of ~0.002·‖ε‖ ≈ 0.06.
"""
import argparse
import datetime
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import rng  # noqa: E402
import ts  # noqa: E402
from plan_executor import run_plan  # noqa: E402
from run import Scorer, machine, save_grid, write_report  # noqa: E402

import amed_predictor as A  # noqa: E402  (tools/train, on sys.path through fmnist)
from export_amed import load_predictors  # noqa: E402

CAL_PATH = os.path.join(ts.ROOT, "bench", "results", "amed-fmnist-calibrations.json")


def amed_resolve(entries, name):
    return ts._through("amed-plans.ts", name, entries)


def calibrations(nfes, refresh):
    cached = []
    if os.path.exists(CAL_PATH) and not refresh:
        with open(CAL_PATH) as f:
            cached = json.load(f)
    want = [dict(sampler=s, nfe=n) for s in ("amed", "amed_plugin") for n in nfes]
    have = {(c["sampler"], c["nfe"]): c for c in cached}
    missing = [w for w in want if (w["sampler"], w["nfe"]) not in have]
    if missing:
        made = ts._through("amed-calibrate.ts", "amed-calibrations", missing)
        for w, c in zip(missing, made):
            have[(w["sampler"], w["nfe"])] = dict(sampler=w["sampler"], nfe=w["nfe"], **c)
        with open(CAL_PATH, "w") as f:
            json.dump([have[k] for k in sorted(have)], f, indent=1)
            f.write("\n")
    return have


@torch.no_grad()
def run_learned(unet, pred, z, labels, sigmas, batch):
    out, rec = [], [[] for _ in range(len(sigmas) - 1)]
    for i in range(0, len(z), batch):
        r = []
        out.append(A.sample(unet, pred, torch.as_tensor(np.asarray(z[i:i + batch])), torch.as_tensor(labels[i:i + batch]), sigmas, record=r))
        for n, (rr, cc, _) in enumerate(r):
            rec[n].append(torch.stack([rr, cc], 1))
    return torch.cat(out), [torch.cat(x) for x in rec]


def fmt_row(r):
    return (f"| {r['label']} | {r['schedule']} | {r['nfe']} | {r['n']} | {r['accuracy']:.3f} | {r['fd']:.1f} | {r['floor']:.1f} | "
            f"{r['l2']:.3f} | {r['rmse']:.4f} | {r['seconds']:.0f} |")


def report(args, rows, rc, cals, pred_manifest, unet_manifest, started, load, ref_info):
    t = unet_manifest["training"]
    by = {(r["key"], r["nfe"]): r for r in rows}
    lines = [
        "# AMED on Fashion-MNIST: quality and distance to a reference solution vs NFE", "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min; machine: {machine()}; "
        f"load average at start {load}; PyTorch {torch.__version__}, {args.threads} thread(s), network float32, registers float64",
        f"- UNet: public/models/fmnist iter {t['iter']} (sha256 {unet_manifest['sha256'][:12]}…); learned predictor: "
        f"public/models/fmnist-amed (sha256 {pred_manifest['sha256'][:12]}…, exported {pred_manifest.get('exported_at', '?')})",
        f"- n = {args.n} class-conditional samples (label i mod 10, no CFG) from the browser's initial noise of seed {args.seed}; "
        "every row uses the same noise. FD-FMNIST only compares at equal n (floor = real train vs real test at that n).",
        f"- Reference: {ref_info}. L2 = mean over samples of ‖x − x_ref‖ (784 pixels, unclamped, EDM space); "
        "RMSE = √(mean squared pixel error). Accuracy/FD on samples clamped to [−1, 1].",
        "- AMED-Solver (learned): the shipped predictor run per sample by bench/quality/amed.py (amed_predictor.sample). "
        "Time-only rows: the page's calibrateAmed (src/sampling/amed/calibrate.ts, run in Node with this network behind "
        "it) on the page's 16-sample calibration batch, then the page's AMED plan builder; calibrations in "
        "bench/results/amed-fmnist-calibrations.json (format diffusion-sandbox/amed-calibration@1).",
        "- AMED rows end at σ_min = 0.002 (no final step to 0, as in the official code); baselines end at 0. Heun at a "
        "budget of 3 NFE is 2 steps on the Karras grid, the second from σ_min to 0 (its L2 is not a bug of this script).",
        "- Rows are cached (bench/quality/out/amed-rows.json) by their inputs (network, predictor or calibration or σ grid, "
        "n, seed, reference); a rerun only computes what changed, and the s column is from the run that computed the row.",
        f"- Command: `npm run bench:amed-fmnist` (= `{' '.join(['/usr/bin/python3 bench/quality/amed.py', *sys.argv[1:]])}`)", "",
        "| sampler | schedule | NFE | n | accuracy | FD-FMNIST | FD floor | L2 to ref | RMSE to ref | s |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *[fmt_row(r) for r in rows], ""]
    a5, e10, d5 = by.get(("amed_learned", 5)), by.get(("euler", 10)), by.get(("dpmpp_2m", 5))
    t5 = by.get(("amed_time", 5))
    if a5 and e10 and d5:
        ok = a5["l2"] < e10["l2"] and a5["l2"] < d5["l2"]
        lines += ["## The bar: AMED at 5 NFE vs Euler at 10 and DPM++(2M) at 5 (L2 to the reference)", "",
                  f"- AMED-Solver learned @5: L2 {a5['l2']:.3f}, FD {a5['fd']:.1f}, accuracy {a5['accuracy']:.3f}",
                  *([f"- AMED-Solver time-only @5: L2 {t5['l2']:.3f}, FD {t5['fd']:.1f}, accuracy {t5['accuracy']:.3f}"] if t5 else []),
                  f"- Euler @10: L2 {e10['l2']:.3f}, FD {e10['fd']:.1f}, accuracy {e10['accuracy']:.3f}",
                  f"- DPM++(2M) @5: L2 {d5['l2']:.3f}, FD {d5['fd']:.1f}, accuracy {d5['accuracy']:.3f}",
                  f"- Learned AMED@5 closer to the reference than both: **{'yes' if ok else 'no'}**", ""]
    if rc:
        lines += ["## Learned predictor: r and c per step (mean ± sd over the n samples)", "",
                  "| NFE | step | σ_n → σ_{n+1} | r | c |", "|---|---|---|---|---|"]
        for nfe, (sig, stats) in sorted(rc.items()):
            for n, s in enumerate(stats):
                lines.append(f"| {nfe} | {n}{' (AFS)' if n == 0 else ''} | {sig[n]:.4g} → {sig[n + 1]:.4g} | "
                             f"{s[0]:.4f} ± {s[1]:.4f} | {s[2]:.5f} ± {s[3]:.5f} |")
        lines.append("")
    if cals:
        lines += ["## Time-only calibrations (page's calibrateAmed; one (r, c) per step)", "",
                  "| sampler | NFE | (r, c) per step | calibration RMS to its teacher per step |", "|---|---|---|---|"]
        for (s, nfe), c in sorted(cals.items()):
            lines.append(f"| {s} ({c['variant']}) | {nfe} | " + ", ".join(f"({st['r']:.4f}, {st['c']:.4f})" for st in c["steps"])
                         + " | " + ", ".join(f"{v:.4f}" for v in c.get("losses", [])) + " |")
        lines.append("")
    ev = {e["nfe"]: e for e in pred_manifest["predictors"]}
    lines += ["## Predictor training (from the manifest)", "",
              "| NFE | trajectories | epochs × batch | Adam steps | train s | val L2/step learned | val L2/step time-only (same M=1 teacher) |",
              "|---|---|---|---|---|---|---|"]
    for nfe in sorted(ev):
        e = ev[nfe]
        tr, v = e["training"], e["evaluation"]
        lines.append(f"| {nfe} | {tr['trajectories']} | {tr['epochs']} × {tr['batch']} | {tr['adam_steps']} | {tr['seconds']['train']:.0f} | "
                     + ", ".join(f"{x:.3f}" for x in v["l2_per_step_learned"]) + " | "
                     + ", ".join(f"{x:.3f}" for x in v["l2_per_step_time_only"]) + " |")
    lines.append("")
    write_report(lines, args.out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=500)
    p.add_argument("--nfes", default="3,5,7,9")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ref-nfe", type=int, default=121)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=125)
    p.add_argument("--rows", default="amed_learned,amed_time,amed_plugin,euler,heun,dpmpp_2m,ipndm")
    p.add_argument("--refresh-calibrations", action="store_true")
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "amed-fmnist.md"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())
    nfes = [int(v) for v in args.nfes.split(",")]
    want = args.rows.split(",")
    unet, unet_manifest = fmnist.load_unet()
    classifier, _ = fmnist.load_classifier()
    scorer = Scorer(classifier, args.seed)
    pred_manifest, preds = load_predictors()
    assert pred_manifest["model_sha256"] == unet_manifest["sha256"], "predictor trained against another network"
    z = rng.initial_noise(args.seed, args.n, 784)

    # Reference solution (cached per n, seed, network).
    os.makedirs(ts.OUT, exist_ok=True)
    ref_path = os.path.join(ts.OUT, f"amed-reference-heun{args.ref_nfe}-n{args.n}-s{args.seed}-{unet_manifest['sha256'][:8]}.pt")
    ref_plan = ts.export_plans([dict(sampler="heun", nfe=args.ref_nfe, count=args.n, seed=args.seed)], "amed-ref-plan")[0]
    labels = ref_plan["labels"]
    if os.path.exists(ref_path):
        ref = torch.load(ref_path)
    else:
        t0 = time.time()
        ref = run_plan(ref_plan, fmnist.Denoiser(unet, labels, unet_manifest["null_class"], args.batch), z, seed=args.seed)
        torch.save(ref, ref_path)
        print(f"reference Heun {ref_plan['nfe']} NFE: {time.time() - t0:.0f} s", flush=True)
    ref_info = f"Heun, {ref_plan['nfe']} NFE ({ref_plan['steps']} steps), {ref_plan['schedule']} grid σ 80 → 0.002 → 0 (page plan)"

    rows, rc = [], {}
    # Row cache: a rerun recomputes only rows whose inputs changed (network, predictor weights, calibration, n, seed).
    cache_path = os.path.join(ts.OUT, "amed-rows.json")
    cache = json.load(open(cache_path)) if os.path.exists(cache_path) else {}

    def cache_key(key, nfe, extra=""):
        return f"{key}|{nfe}|{args.n}|{args.seed}|{args.ref_nfe}|{unet_manifest['sha256'][:16]}|{extra}"

    def cached(ck):
        if ck in cache:
            rows.append(cache[ck]["row"])
            print(fmt_row(cache[ck]["row"]) + " (cached)", flush=True)
            return True
        return False

    def score(key, label, schedule, nfe, x, seconds, ck=None):
        images = x.float().reshape(-1, 1, 28, 28).clamp(-1, 1)
        accuracy, fd, floor = scorer.score(images, labels)
        diff = (x - ref).double()
        row = dict(key=key, label=label, schedule=schedule, nfe=nfe, n=len(x), accuracy=accuracy, fd=fd, floor=floor,
                   l2=float(diff.norm(dim=1).mean()), rmse=float(diff.pow(2).mean().sqrt()), seconds=seconds)
        rows.append(row)
        if ck:
            cache[ck] = dict(row=row, rc=rc.get(nfe) if key == "amed_learned" else None)
            with open(cache_path, "w") as f:
                json.dump(cache, f)
        save_grid(images[:100], labels[:100], os.path.join(ts.OUT, f"amed-{key}-nfe{nfe}.png"))
        print(fmt_row(row), flush=True)
        report(args, rows, rc, cals, pred_manifest, unet_manifest, started, load, ref_info)

    # The page's AMED grids, and the calibrations.
    resolved = amed_resolve([dict(config=dict(sampler="amed", nfe=n, count=args.n, seed=args.seed)) for n in nfes], "amed-resolve")
    for n, r in zip(nfes, resolved):
        assert r["labels"] == labels
        py = A.time_uniform_sigmas(A.nfe_to_timestamps(n))
        assert all(abs(a - b) <= 1e-12 * b for a, b in zip(r["sigmas"], py)) and len(py) == len(r["sigmas"])
        if n in preds:
            assert preds[n][0]["sigmas"] == r["sigmas"] or all(abs(a - b) <= 1e-12 * b for a, b in zip(preds[n][0]["sigmas"], r["sigmas"]))
    cals = calibrations(nfes, args.refresh_calibrations) if ("amed_time" in want or "amed_plugin" in want) else {}
    amed_plans = amed_resolve([dict(config=dict(sampler=s, nfe=n, count=args.n, seed=args.seed), calibration={k: v for k, v in cals[(s, n)].items() if k not in ("sampler", "nfe", "seconds")})
                               for s in ("amed", "amed_plugin") for n in nfes if (s, n) in cals], "amed-plans") if cals else []
    base = [dict(sampler=s, nfe=n, count=args.n, seed=args.seed) for s in ("euler", "heun", "dpmpp_2m", "ipndm") if s in want for n in nfes]
    if "euler" in want and 10 not in nfes:
        base.append(dict(sampler="euler", nfe=10, count=args.n, seed=args.seed))
    base_plans = ts.export_plans(base, "amed-baseline-plans") if base else []

    def run_base(plan):
        ck = cache_key(plan["sampler"], plan["config"]["nfe"], json.dumps(plan["sigmas"]))
        if cached(ck):
            return
        t0 = time.time()
        x = run_plan(plan, fmnist.Denoiser(unet, labels, unet_manifest["null_class"], args.batch), z, seed=args.seed)
        score(plan["sampler"], plan["samplerLabel"], plan["schedule"], plan["nfe"], x, time.time() - t0, ck)

    for nfe in nfes:
        if "amed_learned" in want and nfe in preds:
            entry, pred = preds[nfe]
            ck = cache_key("amed_learned", nfe, pred_manifest["sha256"][:16])
            if cached(ck):
                rc[nfe] = cache[ck]["rc"]
                report(args, rows, rc, cals, pred_manifest, unet_manifest, started, load, ref_info)
        if "amed_learned" in want and nfe in preds and not any(r["key"] == "amed_learned" and r["nfe"] == nfe for r in rows):
            entry, pred = preds[nfe]
            t0 = time.time()
            x, rec = run_learned(unet, pred, z, labels, resolved[nfes.index(nfe)]["sigmas"], args.batch)
            rc[nfe] = (entry["sigmas"], [(float(v[:, 0].mean()), float(v[:, 0].std()), float(v[:, 1].mean()), float(v[:, 1].std())) for v in rec])
            score("amed_learned", "AMED-Solver (learned predictor)", "time_uniform", 2 * (len(entry["sigmas"]) - 1) - 1, x, time.time() - t0, ck)
        for plan in amed_plans:
            if plan["nfe"] != nfe:
                continue
            key = "amed_time" if plan["sampler"] == "amed" else "amed_plugin"
            if key not in want:
                continue
            ck = cache_key(key, nfe, json.dumps(plan["amed"]))
            if cached(ck):
                continue
            t0 = time.time()
            x = run_plan(plan, fmnist.Denoiser(unet, labels, unet_manifest["null_class"], args.batch), z, seed=args.seed)
            label = "AMED-Solver (time-only)" if key == "amed_time" else f"AMED-Plugin ({plan['amedVariant']}, time-only)"
            score(key, label, plan["schedule"], plan["nfe"], x, time.time() - t0, ck)
        for plan in base_plans:
            if plan["config"]["nfe"] != nfe:
                continue
            run_base(plan)
    for plan in base_plans:
        if plan["config"]["nfe"] not in nfes:
            run_base(plan)
    report(args, rows, rc, cals, pred_manifest, unet_manifest, started, load, ref_info)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
