"""`npm run bench:reflow-fmnist`: one-step quality of the reflowed Fashion-MNIST model (Liu et al. 2023, 2-RF).

The page's own `reflow` sampler plans (Euler in RF time on the linear_t grid, σ_max 80; plans.ts) at 1/2/4 steps,
executed with the shipped `fmnist` (1-RF) and `fmnist-2rf` (2-RF) weights, from the browser's initial noise (rng.py).
Scores: accuracy of the conditioned class and FD-FMNIST in the shipped classifier's features, next to the real-data
floor at the same n (run.py's Scorer). Straightness S (Liu et al. 2023, eq. 7) of each model's own flow, from its
fine Euler trajectories, with src/metrics/straightness.ts's estimator. Criterion: one step of fmnist-2rf has
FD ≤ 1/3 of one step of fmnist, and accuracy ≥ 0.60.
  /usr/bin/python3 bench/quality/reflow_fmnist.py [--n 1000] [--s-n 200] [--s-steps 32]
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
from run import Scorer, machine, save_grid, write_report  # noqa: E402

WORLDS = ("fmnist", "fmnist-2rf")


def straightness(trajectory, sigmas, dim):
    """Mirror of src/metrics/straightness.ts: per-sample ∫‖chord − velocity‖² dτ over RF coordinates z = x/(1+σ)."""
    tau = [s / (1 + s) for s in sigmas]
    z = [x / (1 + s) for x, s in zip(trajectory, sigmas)]
    span = tau[0] - tau[-1]
    chord = (z[0] - z[-1]) / span
    total = sum(((chord - (z[k] - z[k + 1]) / (tau[k] - tau[k + 1])) ** 2).sum() * (tau[k] - tau[k + 1]) for k in range(len(z) - 1))
    return float(total / span / (z[0].numel() / dim))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--steps", default="1,2,4")
    p.add_argument("--s-n", type=int, default=200, help="samples for the straightness estimate")
    p.add_argument("--s-steps", type=int, default=32, help="Euler steps of the trajectories S is measured on")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "reflow-fmnist.md"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started = time.time()

    steps = [int(s) for s in args.steps.split(",")]
    configs = [dict(world=w, sampler="reflow", steps=k, count=args.n, seed=args.seed) for w in WORLDS for k in steps]
    configs += [dict(world=w, sampler="reflow", steps=args.s_steps, count=args.s_n, seed=args.seed + 1) for w in WORLDS]
    plans = ts.export_plans(configs, name="plans-reflow")
    classifier, clf_manifest = fmnist.load_classifier()
    scorer = Scorer(classifier, args.seed)
    models = {w: fmnist.load_unet(os.path.join(ts.ROOT, "public", "models", w)) for w in WORLDS}
    rows, s_values = [], {}
    for plan in plans:
        unet, manifest = models[plan["world"]]
        n = plan["count"]
        z = rng.initial_noise(plan["seed"], n, plan["dim"])
        denoiser = fmnist.Denoiser(unet, plan["labels"], manifest["null_class"])
        t0 = time.time()
        if n == args.s_n and plan["steps"] == args.s_steps:
            _, xs, _ = run_plan(plan, denoiser, z, seed=plan["seed"], trajectory=True)
            s_values[plan["world"]] = straightness(xs, plan["sigmas"], plan["dim"])
            print(f"{plan['world']}: S = {s_values[plan['world']]:.3f} ({time.time() - t0:.0f} s)", flush=True)
            continue
        samples = run_plan(plan, denoiser, z, seed=plan["seed"])
        images = samples.float().reshape(n, 1, 28, 28).clamp(-1, 1)
        accuracy, fd, floor = scorer.score(images, plan["labels"])
        save_grid(images[:100], plan["labels"][:100], os.path.join(ts.OUT, f"reflow-{plan['world']}-{plan['steps']}.png"))
        rows.append(dict(world=plan["world"], steps=plan["steps"], nfe=plan["nfe"], n=n, accuracy=accuracy, fd=fd, floor=floor,
                         seconds=time.time() - t0))
        print(f"{plan['world']} {plan['steps']} step(s): accuracy {accuracy:.3f}, FD {fd:.1f} (floor {floor:.1f})", flush=True)

    one = {r["world"]: r for r in rows if r["steps"] == 1}
    ratio = one["fmnist-2rf"]["fd"] / one["fmnist"]["fd"]
    met = ratio <= 1 / 3 and one["fmnist-2rf"]["accuracy"] >= 0.6
    facts = models["fmnist-2rf"][1].get("reflow", {})
    t2 = models["fmnist-2rf"][1]["training"]
    lines = [
        "# ReFlow on Fashion-MNIST: one-step quality of 1-RF (`fmnist`) and 2-RF (`fmnist-2rf`)",
        "",
        f"- Date: {datetime.date.today().isoformat()}; wall time {(time.time() - started) / 60:.1f} min; {machine()}; "
        f"PyTorch {torch.__version__}, {args.threads} thread(s)",
        f"- Command: `npm run bench:reflow-fmnist` (= `/usr/bin/python3 bench/quality/reflow_fmnist.py {' '.join(sys.argv[1:])}`)",
        f"- 1-RF: public/models/fmnist, iter {models['fmnist'][1]['training']['iter']}. 2-RF: public/models/fmnist-2rf, "
        f"{facts.get('pairs', '?')} pairs ({facts.get('pair_sampler', '?')}, {facts.get('pair_minutes', '?')} min), "
        f"fine-tuned {t2['iter']} iterations ({t2['minutes']} min, lr {t2['lr']}, t ~ {facts.get('fine_tune', {}).get('t_distribution', '?')})",
        f"- Sampler: the page's `reflow` (Euler in RF time, linear_t grid from σ_max 80), class-conditional (label i mod 10), "
        f"no CFG, seed {args.seed}, n = {args.n}; classifier test accuracy {clf_manifest['metrics']['test_accuracy']}",
        "",
        f"One step: FD-FMNIST 2-RF / 1-RF = {one['fmnist-2rf']['fd']:.1f} / {one['fmnist']['fd']:.1f} = **{ratio:.3f}**; "
        f"2-RF accuracy **{one['fmnist-2rf']['accuracy']:.3f}** — the criterion (≤ 1/3 and ≥ 0.60) is "
        f"**{'met' if met else 'not met'}**.",
        "",
        f"Straightness S (eq. 7; {args.s_steps} Euler steps, n = {args.s_n}, per image, summed over 784 pixels): "
        f"1-RF {s_values.get('fmnist', float('nan')):.3f}, 2-RF {s_values.get('fmnist-2rf', float('nan')):.3f}.",
        "",
        "| model | steps | NFE | n | accuracy | FD-FMNIST | FD floor (same n) | sampling s |",
        "|---|---|---|---|---|---|---|---|",
        *[f"| {'2-RF' if r['world'] == 'fmnist-2rf' else '1-RF'} (`{r['world']}`) | {r['steps']} | {r['nfe']} | {r['n']} | "
          f"{r['accuracy']:.3f} | {r['fd']:.1f} | {r['floor']:.1f} | {r['seconds']:.0f} |" for r in rows],
        "",
        "Sample grids (not committed): bench/quality/out/reflow-<world>-<steps>.png.",
        "",
    ]
    write_report(lines, args.out)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
