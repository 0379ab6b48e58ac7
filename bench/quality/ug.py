"""`npm run bench:ug`: Upsample Guidance on the shipped Fashion-MNIST model at 56×56 and 112×112 (Hwang et al. 2024).

Every row runs the page's own plan (plans.ts, resolved as `Sandbox.sample` resolves it; default: Euler, 10 steps,
Karras — panel 1 of the default page, which the "Upsample Guidance comparison" preset copies) from the browser's
initial noise at dim = size² (rng.py), with the shipped network (fmnist.py) at the target size:
- naive: the network run at 56 or 112 as is;
- UG w/η: the same, wrapped by bench/quality/upsample.py (the mirror of src/guidance/upsample.ts that check_ug.py
  holds to the TS float64 reference), m = size/28;
- bilinear: the same plan at 28 (same seed), upscaled bilinearly to the size (as the page's bilinear panels), then
  clamped and pooled back like every other row.
Scoring: samples clamped to [−1, 1], average-pooled to 28×28, then the shipped classifier's accuracy on the
conditioned class (label i mod 10, cfg 1) and FD-FMNIST against n test images, with the real-data floor at the
same n (run.py's Scorer). Rows are cached in bench/quality/out/ug-rows.json (a rerun skips finished rows) and the
table is rewritten after each row. Writes bench/results/quality-ug.md and bench/results/ug-examples-{56,112}.png.
  /usr/bin/python3 bench/quality/ug.py [--n56 200] [--n112 100] [--sampler euler --steps 10 --schedule karras]
"""
import argparse
import datetime
import json
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
from run import Scorer, machine, write_report  # noqa: E402
from upsample import UpsampleGuidance, bilinear_up, pool_to  # noqa: E402

NATIVE = 28
DEFAULT = (1.0, 0.6)  # src/api/image-options.ts DEFAULT_UPSAMPLE_GUIDANCE, the page's sliders' start
GRID = [(w, e) for w in (0.5, 1.0, 1.5) for e in (0.3, 0.6, 1.0)]
EXAMPLES = 10  # samples 0–9: one per class


def rows_for(args):
    """One dict per table row, in table order: size, mode (naive / ug / bilinear), w, η and the sampler it runs."""
    main = dict(sampler=args.sampler, steps=args.steps, schedule=args.schedule)
    rows = []
    for size, n, grid in ((56, args.n56, GRID), (112, args.n112, [DEFAULT] + [g for g in map(parse_point, args.grid112.split(";")) if g and g != DEFAULT])):
        if not n:
            continue
        rows.append(dict(main, size=size, n=n, mode="naive", w=None, eta=None))
        rows += [dict(main, size=size, n=n, mode="ug", w=w, eta=e) for w, e in grid]
        rows.append(dict(main, size=size, n=n, mode="bilinear", w=None, eta=None))
    # measured.md's offline probe (Euler 20 steps in RF time, w = 1, η = 0.6): naive and UG at each size run.
    for probe in filter(None, args.probe.split(";")):
        sampler, steps, schedule = probe.split(",")
        for size, n in ((56, args.n56), (112, args.n112)):
            if n and str(size) in args.probe_sizes.split(","):
                rows += [dict(sampler=sampler, steps=int(steps), schedule=schedule, size=size, n=n, mode=mode, w=w, eta=e)
                         for mode, w, e in (("naive", None, None), ("ug", *DEFAULT))]
    return rows


def parse_point(text):
    return tuple(float(v) for v in text.split(",")) if text.strip() else None


def config(r, seed):
    c = dict(sampler=r["sampler"], steps=r["steps"], schedule=r["schedule"], count=r["n"], seed=seed,
             size=NATIVE if r["mode"] == "bilinear" else r["size"])
    if r["mode"] == "ug":
        c["upsampleGuidance"] = {"w": r["w"], "eta": r["eta"]}
    return c


def key(r, seed):
    return f"{r['sampler']}-{r['schedule']}-{r['steps']}-s{seed}-{r['size']}-{r['mode']}-{r['w']}-{r['eta']}-n{r['n']}"


def is_main(r, args):
    return (r["sampler"], r["steps"], r["schedule"]) == (args.sampler, args.steps, args.schedule)


def run_row(plan, unet, manifest):
    """Samples (count, 1, side, side) float32 in [−1, 1] at the plan's size, and the network statistics."""
    side = plan["size"]
    labels = plan["labels"]
    batch = max(8, 125 * NATIVE * NATIVE // (side * side))
    high = fmnist.Denoiser(unet, labels, manifest["null_class"], batch)
    denoise = high
    ug = plan["upsampleGuidance"]
    if ug:
        low = fmnist.Denoiser(unet, labels, manifest["null_class"], 125)
        denoise = UpsampleGuidance(high, low, side, side // NATIVE, ug["weight"], ug["eta"])
    z = rng.initial_noise(plan["seed"], plan["count"], plan["dim"])
    t0 = time.time()
    x = run_plan(plan, denoise, z, seed=plan["seed"])
    seconds = time.time() - t0
    if ug:
        # The low calls Python made match the cost the page reports (plans.ts, as Sandbox.sample computes it).
        assert abs(plan["nfe"] + denoise.guided_calls / (side // NATIVE) ** 2 - plan["cost"]) < 1e-9
    return x.float().reshape(-1, 1, side, side).clamp(-1, 1), seconds


def score_images(images, size, mode):
    """What is scored: the samples at `size` (bilinear: the 28 sample upscaled to `size` first), clamped, pooled to 28."""
    if mode == "bilinear":
        images = bilinear_up(images, size // NATIVE).clamp(-1, 1)
    return images, pool_to(images, NATIVE)


def save_examples(examples, size, path):
    """Rows naive / UG default / bilinear, one column per class (samples 0–9), at full resolution, labelled."""
    from PIL import Image, ImageDraw
    names = [("naive", "naive"), ("ug", f"UG w={DEFAULT[0]:g} eta={DEFAULT[1]:g}"), ("bilinear", "bilinear from 28")]
    gap, margin = 4, 130
    cells = [examples[m] for m, _ in names if m in examples]
    width = margin + EXAMPLES * (size + gap) + gap
    grid = Image.new("L", (width, len(cells) * (size + gap) + gap), 255)
    draw = ImageDraw.Draw(grid)
    for r, (mode, name) in enumerate(n for n in names if n[0] in examples):
        draw.text((6, gap + r * (size + gap) + size // 2 - 6), name, fill=0)
        u8 = ((examples[mode].clamp(-1, 1) + 1) * 127.5).round().byte()[:, 0].numpy()
        for c in range(EXAMPLES):
            grid.paste(Image.fromarray(u8[c]), (margin + gap + c * (size + gap), gap + r * (size + gap)))
    grid.save(path)


def report(args, rows, manifest, clf_manifest, started, load, elapsed):
    def verdict(size):
        naive = next((r for r in rows if r["main"] and r["size"] == size and r["mode"] == "naive"), None)
        ug = next((r for r in rows if r["main"] and r["size"] == size and r["mode"] == "ug" and (r["w"], r["eta"]) == DEFAULT), None)
        if not naive or not ug:
            return f"- {size}×{size}: not run yet"
        ok = ug["accuracy"] >= 0.70 and ug["accuracy"] >= naive["accuracy"] + 0.10
        return (f"- {size}×{size}: UG (w = {DEFAULT[0]:g}, η = {DEFAULT[1]:g}) accuracy **{ug['accuracy']:.3f}** vs naive "
                f"**{naive['accuracy']:.3f}** (n = {ug['n']}): {'**meets**' if ok else '**fails**'} the target of ≥ 0.70 and ≥ naive + 0.10")

    def line(r):
        name = {"naive": "naive", "bilinear": "bilinear-upscaled 28"}.get(r["mode"]) or \
            f"UG w = {r['w']:g}, η = {r['eta']:g}{' (page default)' if r['main'] and (r['w'], r['eta']) == DEFAULT else ''}"
        if r["main"] and (r["mode"], r.get("w"), r.get("eta")) == ("ug", *DEFAULT):
            name = f"**{name}**"
        return (f"| {r['size']} | {r['sampler']} | {name} | {r['run_size']} | {r['nfe']} | {r['cost']:g} | {r['n']} | {r['accuracy']:.3f} | "
                f"{r['fd']:.1f} | {r['floor']:.1f} | {r['seconds']:.0f} |")

    t = manifest["training"]
    lines = [
        "# Upsample Guidance at 56×56 and 112×112 on the shipped Fashion-MNIST model",
        "",
        f"- Date: {datetime.date.today().isoformat()}; sampling time of all rows {sum(r['seconds'] for r in rows) / 60:.1f} min "
        f"(the s column; this invocation's wall time {elapsed / 60:.1f} min, rows cached from earlier invocations are reused)",
        f"- Machine: {machine()}; load average at start {load} (a training job shares the cores); PyTorch {torch.__version__}, "
        f"{args.threads} thread, nice 10, network in float32, plan registers in float64",
        f"- UNet: public/models/fmnist, iter **{t['iter']}** (weights sha256 {manifest['sha256'][:12]}…); classifier: "
        f"public/models/fmnist-classifier, test accuracy {clf_manifest['metrics']['test_accuracy']}",
        f"- Sampler: **{args.sampler}, {args.steps} steps, {args.schedule} schedule** (σ_max 80, σ_min 0.002; the page's "
        "default panel 1) unless a row says otherwise, exported by plans.ts exactly as `Sandbox.sample` resolves it; seed "
        f"{args.seed}; class-conditional, label = i mod 10, cfg 1",
        "- naive: the network run at the target size. UG: `upsampleGuidance: { w, eta }` through bench/quality/upsample.py "
        "(D + w_σ·U[D(Px; σ/m) − P D], m = size/28, w_σ = w while σ/(1+σ) ≥ 1 − η; checked against the TS reference "
        "by check_ug.py, bench/results/quality-ug-check.md). bilinear: the same plan at 28×28 (same seed), upscaled "
        "bilinearly ×m (align_corners = False, as the page's bilinear panel), clamped, then pooled back like the others",
        "- Scored: samples clamped to [−1, 1] at full size, **average-pooled to 28×28**, then accuracy of the conditioned "
        "class and FD-FMNIST (classifier features) against n random test images; the floor is n train vs the same "
        "n test images. FD is biased upward at small n: compare only at equal n (n differs between 56 and 112)",
        "- cost: network evaluations in full-size units, as `sample()` reports it: NFE + 1/m² per guided step (the "
        "bilinear row's 28×28 evaluations count 1/m² each); s: sampling wall seconds at 1 thread under that load",
        f"- Command: `npm run bench:ug` (= `{' '.join(['/usr/bin/python3 bench/quality/ug.py', *sys.argv[1:]])}`)",
        "",
        "The criterion, at the page defaults:",
        "",
        verdict(56),
        verdict(112),
        "",
        "| size | sampler | method | runs at | NFE | cost | n | accuracy | FD-FMNIST (pooled to 28) | FD floor (same n) | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *[line(r) for r in rows if r["main"]],
        "",
        "measured.md's offline probe setting (Euler 20 steps in RF time, w = 1, η = 0.6), run the same way with the "
        "page's `linear_t` (uniform t) schedule, for comparison with its 0.22 naive vs 0.82 UG at 56:",
        "",
        "| size | sampler | method | runs at | NFE | cost | n | accuracy | FD-FMNIST (pooled to 28) | FD floor (same n) | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *[line(r) for r in rows if not r["main"]],
        "",
        "Examples (samples 0–9, classes T-shirt … Ankle boot; rows naive / UG default / bilinear, same seed): "
        "`ug-examples-56.png`, `ug-examples-112.png`.",
        "",
    ]
    write_report(lines, args.out, args.notes)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n56", type=int, default=200)
    p.add_argument("--n112", type=int, default=100)
    p.add_argument("--grid112", default="1.5,0.6;1,1", help="UG points at 112 after the default, 'w,η;…'")
    p.add_argument("--sampler", default="euler")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--schedule", default="karras")
    p.add_argument("--probe", default="euler,20,linear_t", help="extra naive + default-UG rows: 'sampler,steps,schedule;…'")
    p.add_argument("--probe-sizes", default="56", help="sizes the probe rows run at, e.g. 56,112")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "quality-ug.md"))
    p.add_argument("--png", default=os.path.join(ts.ROOT, "bench", "results", "ug-examples-{size}.png"))
    p.add_argument("--cache", default=os.path.join(ts.OUT, "ug-rows.json"))
    p.add_argument("--notes", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "ug-notes.md"),
                   help="appended to the table when present (findings written by hand)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())

    specs = rows_for(args)
    plans = ts.export_plans([config(r, args.seed) for r in specs], name="ug-plans")
    unet, manifest = fmnist.load_unet()
    classifier, clf_manifest = fmnist.load_classifier()
    scorer = Scorer(classifier, args.seed)
    cache = {}
    if os.path.exists(args.cache):
        with open(args.cache) as f:
            cache = json.load(f)
    rows, examples = [], {56: {}, 112: {}}
    for spec, plan in zip(specs, plans):
        size, mode = spec["size"], spec["mode"]
        k = key(spec, args.seed)
        example_path = os.path.join(ts.OUT, f"ug-examples-{k}.pt")
        if k in cache and os.path.exists(example_path):
            row = cache[k]
        else:
            images, seconds = run_row(plan, unet, manifest)
            full, pooled = score_images(images, size, mode)
            accuracy, fd, floor = scorer.score(pooled, plan["labels"])
            row = dict(size=size, mode=mode, w=spec["w"], eta=spec["eta"], run_size=plan["size"], nfe=plan["nfe"],
                       cost=plan["cost"] if mode != "bilinear" else plan["nfe"] / (size // NATIVE) ** 2,
                       n=plan["count"], accuracy=accuracy, fd=fd, floor=floor, seconds=seconds)
            torch.save(full[:EXAMPLES].clone(), example_path)
            cache[k] = row
            with open(args.cache, "w") as f:
                json.dump(cache, f, indent=1)
            print(f"{plan['sampler']} {plan['steps']} {plan['schedule']} {size} {mode} w={spec['w']} η={spec['eta']}: "
                  f"accuracy {accuracy:.3f}, FD {fd:.1f} (floor {floor:.1f}), {seconds:.0f} s", flush=True)
        rows.append(dict(row, sampler=f"{plan['samplerLabel']} {plan['steps']}, {plan['schedule']}", main=is_main(spec, args)))
        if is_main(spec, args) and (mode != "ug" or (spec["w"], spec["eta"]) == DEFAULT):
            examples[size][mode] = torch.load(example_path)
            save_examples(examples[size], size, args.png.format(size=size))
        report(args, rows, manifest, clf_manifest, started, load, time.time() - started)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
