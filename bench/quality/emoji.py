"""`npm run bench:emoji`: sample quality of the shipped emoji world (3×32×32 RGB, nine categories), on the CPU.

As run.py does for Fashion-MNIST: every row is the page's own plan (plans.ts, resolved as `Sandbox.sample` resolves
it), executed by plan_executor.py from the browser's initial noise (rng.py) with the shipped network and the
classifier the world names (image_world.py, read from public/models), under classifier-free guidance composed as
the page composes it (D_∅ + s·(D_c − D_∅), Ho & Salimans 2022; s = the manifest's world.default_cfg unless a row
says otherwise). check_emoji_browser.py holds this path to the browser API on a few samples.

Rows (label = i mod 9, so n = 90 is 10 per class; seed 0):
- the done-when row: Heun at 35 NFE, default CFG, n = 90 (and the same at CFG 1);
- Euler, Heun, DPM++(2M), iPNDM, UniPC at NFE budgets 5/10/20/35, each with its default schedule;
- Upsample Guidance (Hwang, Park & Jo 2024) at 64 and 128 with the page's default w, η, against naive (the network
  run at that size) and bilinear (the 32 sample upscaled as the page's bilinear panel), all pooled back to 32.
Scores: the shipped classifier's accuracy on the conditioned class (class-balanced: the mean of the per-class
accuracies; equal to the plain one when every class has the same count), and FD in its 256-d features against a
class-balanced draw of n held-out emoji (emoji_data.py: held out by identity). The real-data floor at the same n:
the classifier's class-balanced accuracy on that held-out draw, and FD of an equally balanced draw of training
images against it; the spread of both over FLOOR_DRAWS draws is reported, since at n = 90 one draw is noisy.
Rows are cached in bench/quality/out/emoji-rows.json and the report is rewritten after each one, so an interrupted
run keeps its rows and a rerun resumes. Writes bench/results/quality-emoji.md, emoji-samples.png, emoji-ug-examples.png.
  /usr/bin/python3 bench/quality/emoji.py [--n 90] [--n128 45] [--nfes 5,10,20,35] [--samplers …]
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
import rng  # noqa: E402
import ts  # noqa: E402
from image_world import ImageWorld, manifest_summary  # noqa: E402
from plan_executor import run_plan  # noqa: E402
from run import machine, write_report  # noqa: E402
from upsample import UpsampleGuidance, bilinear_up, pool_to  # noqa: E402

import metrics  # noqa: E402  (tools/train, on sys.path through image_world)

WORLD = "emoji"
UG_DEFAULT = (1.0, 0.6)  # src/guidance/upsample-options.ts: UG_WEIGHT_OPTION.default, UG_ETA_OPTION.default
UG_SAMPLER = dict(sampler="euler", steps=10, schedule="karras")  # as ug.py: the page's default panel 1
BAR = 0.85  # done-when: samples recognised ≥ 85 % as often as real held-out emoji (class-balanced)
FLOOR_DRAWS = 20


def row_specs(args, cfg):
    """Table rows in the order they run: the done-when rows first, cheap NFEs before dear ones, 128 last."""
    main = dict(sampler="heun", nfe=35, cfg=cfg, size=32, mode="plain", n=args.n)
    rows = [main, dict(main, cfg=1.0)]
    nfes = list(map(int, args.nfes.split(",")))
    grid = [dict(sampler=s, nfe=k, cfg=cfg, size=32, mode="plain", n=args.n) for k in nfes for s in args.samplers.split(",")]
    ug = {size: [dict(UG_SAMPLER, cfg=cfg, size=size, mode=mode, n=n) for mode in ("naive", "ug", "bilinear")]
          for size, n in ((64, args.n), (128, args.n128)) if n}
    rows += [r for r in grid if r["nfe"] <= 10] + ug.get(64, []) + [r for r in grid if r["nfe"] > 10] + ug.get(128, [])
    seen, out = set(), []
    for r in rows:
        if key(r, args.seed) not in seen:
            seen.add(key(r, args.seed))
            out.append(r)
    return out


def key(r, seed):
    budget = f"nfe{r['nfe']}" if "nfe" in r else f"{r['steps']}steps-{r['schedule']}"
    return f"{r['sampler']}-{budget}-cfg{r['cfg']:g}-{r['size']}-{r['mode']}-n{r['n']}-s{seed}"


def config(r, seed):
    c = dict(world=WORLD, label="mixed", count=r["n"], seed=seed, cfg=r["cfg"], sampler=r["sampler"],
             size=32 if r["mode"] == "bilinear" else r["size"])
    c.update({k: r[k] for k in ("nfe", "steps", "schedule") if k in r})
    if r["mode"] == "ug":
        c["upsampleGuidance"] = {"w": UG_DEFAULT[0], "eta": UG_DEFAULT[1]}
    return c


class Scorer:
    """Accuracy and FD in the shipped classifier's features against class-balanced held-out emoji, with floors."""

    def __init__(self, world, seed):
        self.world, self.seed = world, seed
        self.test, self.test_labels = world.load("test")
        self.train, self.train_labels = world.load("train")
        self.refs = {}

    def balanced_draw(self, labels, per_class, g):
        return torch.cat([torch.nonzero(labels == k)[:, 0][torch.randperm(int((labels == k).sum()), generator=g)[:per_class]]
                          for k in range(self.world.num_classes)])

    def floors(self, n, draw):
        """(held-out draw's features, its balanced accuracy, FD of a balanced train draw against it) for draw k."""
        g = torch.Generator().manual_seed(self.seed + 1 + 1000 * draw)
        per = n // self.world.num_classes
        real = self.balanced_draw(self.test_labels, per, g)
        other = self.balanced_draw(self.train_labels, per, g)
        feats = metrics.features(self.test[real], self.world.classifier)
        accuracy = balanced_accuracy(self.test[real], self.test_labels[real], self.world)
        return feats, accuracy, metrics.frechet_distance(metrics.features(self.train[other], self.world.classifier), feats)

    def reference(self, n):
        assert n % self.world.num_classes == 0, f"n = {n} must be a multiple of the {self.world.num_classes} classes"
        if n not in self.refs:
            feats, accuracy, fd = self.floors(n, 0)
            spread = [self.floors(n, k)[1:] for k in range(1, FLOOR_DRAWS)] + [(accuracy, fd)]
            self.refs[n] = dict(feats=feats, accuracy=accuracy, fd=fd, accuracy_range=minmax(s[0] for s in spread),
                                fd_range=minmax(s[1] for s in spread))
        return self.refs[n]

    def score(self, images, labels):
        ref = self.reference(len(images))
        fd = metrics.frechet_distance(metrics.features(images, self.world.classifier), ref["feats"])
        return balanced_accuracy(images, labels, self.world), fd


def minmax(values):
    v = list(values)
    return [min(v), max(v)]


@torch.no_grad()
def per_class_accuracy(images, labels, world):
    """{class: accuracy of the classifier on that class's images} for the classes present."""
    labels = torch.as_tensor(labels)
    pred = world.classifier(images.float().clamp(-1, 1)).argmax(1)
    return {k: (pred[labels == k] == k).double().mean().item() for k in labels.unique().tolist()}


def balanced_accuracy(images, labels, world):
    """Mean over classes of the accuracy on that class's images."""
    return float(np.mean(list(per_class_accuracy(images, labels, world).values())))


def upsample_guidance(plan, world):
    """The plan's Upsample Guidance as a branch wrapper for ImageWorld.denoiser, or None."""
    ug, side = plan["upsampleGuidance"], plan["size"]
    if not ug:
        return None
    return lambda high, low: UpsampleGuidance(high, low, side, side // world.side, ug["weight"], ug["eta"])


def run_row(plan, world):
    """Samples (count, C, side, side) float32 clamped to [−1, 1] at the plan's size, and the sampling seconds."""
    side, labels, cfg = plan["size"], plan["labels"], plan["cfg"]
    batch = max(5, 90 * 32 * 32 // (side * side))
    ug = plan["upsampleGuidance"]
    m = side // world.side
    denoise = world.denoiser(labels, cfg, upsample_guidance(plan, world), batch=batch)
    z = rng.initial_noise(plan["seed"], plan["count"], plan["dim"])
    t0 = time.time()
    x = run_plan(plan, denoise, z, seed=plan["seed"])
    seconds = time.time() - t0
    if ug:
        # Python's low-resolution calls per branch match the cost Sandbox.sample reports (nfe + 1/m² per guided step).
        branch = denoise.cond if cfg != 1 else denoise
        assert abs(plan["nfe"] + branch.guided_calls / m ** 2 - plan["cost"]) < 1e-9
    return x.float().reshape(-1, world.channels, side, side).clamp(-1, 1), seconds


def score_images(images, r, native):
    """The samples as shown at r['size'] (bilinear: the 32 sample upscaled first), and pooled back to the native side."""
    if r["mode"] == "bilinear":
        images = bilinear_up(images, r["size"] // native).clamp(-1, 1)
    return images, pool_to(images, native)


def to_u8(images):
    return ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def save_class_grid(images, labels, names, path, scale=3):
    """One column per class (its first 10 samples, top to bottom), class names above, nearest-upscaled ×scale."""
    from PIL import Image, ImageDraw
    labels = torch.as_tensor(labels)
    u8 = to_u8(images)
    side, gap, head = images.shape[-1] * scale, 4, 30
    columns = [torch.nonzero(labels == k)[:10, 0].tolist() for k in range(len(names))]
    rows = max(len(c) for c in columns)
    grid = Image.new("RGB", (len(names) * (side + gap) + gap, head + rows * (side + gap) + gap), (255, 255, 255))
    draw = ImageDraw.Draw(grid)
    for k, (name, column) in enumerate(zip(names, columns)):
        x = gap + k * (side + gap)
        draw.multiline_text((x, 2), name.replace(" & ", " &\n"), fill=(0, 0, 0))
        for r, i in enumerate(column):
            grid.paste(Image.fromarray(u8[i]).resize((side, side), Image.NEAREST), (x, head + r * (side + gap)))
    grid.save(path)


def save_ug_examples(examples, names, path):
    """For each size: rows naive / UG default / bilinear, samples 0–8 (one per class), at full resolution."""
    from PIL import Image, ImageDraw
    titles = {"naive": "naive", "ug": f"UG w={UG_DEFAULT[0]:g} eta={UG_DEFAULT[1]:g}", "bilinear": "bilinear from 32"}
    gap, margin = 4, 160
    blocks = [(size, mode, examples[size][mode]) for size in sorted(examples) for mode in titles if mode in examples[size]]
    if not blocks:
        return
    width = margin + max(len(im) * (size + gap) for size, _, im in blocks) + gap
    height = 14 + sum(size + gap for size, _, _ in blocks) + gap
    grid = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(grid)
    draw.text((margin + gap, 1), "columns: " + " | ".join(n.split(" ")[0] for n in names), fill=(0, 0, 0))
    y = 14 + gap
    for size, mode, images in blocks:
        draw.text((6, y + size // 2 - 6), f"{size}: {titles[mode]}", fill=(0, 0, 0))
        for c, im in enumerate(to_u8(images)):
            grid.paste(Image.fromarray(im), (margin + gap + c * (size + gap), y))
        y += size + gap
    grid.save(path)


def report(args, world, scorer, rows, real_balanced, per_class, started, load, missing=()):
    m, clf = world.manifest, world.classifier_manifest
    cfg = m["world"]["default_cfg"]
    main = next((r for r in rows if (r["sampler"], r.get("nfe"), r["cfg"], r["mode"]) == ("heun", 35, cfg, "plain")), None)
    if main:
        ratio = main["accuracy"] / real_balanced
        ref = scorer.reference(main["n"])
        verdict = (f"Heun at 35 NFE, CFG {cfg:g}, n = {main['n']} ({main['n'] // world.num_classes} per class): class-balanced accuracy **{main['accuracy']:.3f}**, "
                   f"{ratio:.2f}× the classifier's **{real_balanced:.3f}** on all {len(scorer.test)} held-out emoji "
                   f"(class-balanced) → **{'meets' if ratio >= BAR else 'misses'}** the ≥ {BAR:.2f}× bar. Against the "
                   f"held-out floor at the same n ({ref['accuracy']:.3f}, over {FLOOR_DRAWS} draws "
                   f"{ref['accuracy_range'][0]:.3f}–{ref['accuracy_range'][1]:.3f}): {main['accuracy'] / ref['accuracy']:.2f}×. "
                   f"FD **{main['fd']:.0f}** vs the real-data floor {ref['fd']:.0f} at the same n "
                   f"({ref['fd_range'][0]:.0f}–{ref['fd_range'][1]:.0f} over {FLOOR_DRAWS} draws).")
    else:
        verdict = "Heun at 35 NFE: not run yet."

    def budget(r):
        return f"{r['steps']} | {r['nfe']}"

    def line(r):
        ref = scorer.reference(r["n"])
        return (f"| {r['label']} | {r['schedule']} | {budget(r)} | {r['cfg']:g} | {r['n']} | {r['accuracy']:.3f} | "
                f"{ref['accuracy']:.3f} | {r['fd']:.0f} | {ref['fd']:.0f} | {r['seconds']:.0f} |")

    def ug_line(r):
        ref = scorer.reference(r["n"])
        name = {"naive": "naive", "bilinear": "bilinear-upscaled 32"}.get(r["mode"]) or \
            f"**UG w = {UG_DEFAULT[0]:g}, η = {UG_DEFAULT[1]:g}** (page default)"
        return (f"| {r['size']} | {name} | {r['run_size']} | {r['nfe']} | {r['cost']:g} | {r['cfg']:g} | {r['n']} | "
                f"{r['accuracy']:.3f} | {ref['accuracy']:.3f} | {r['fd']:.0f} | {ref['fd']:.0f} | {r['seconds']:.0f} |")

    head = ("| sampler | schedule | steps | NFE | CFG | n | accuracy (balanced) | held-out floor (same n) | FD | FD floor "
            "(same n) | s |\n|---|---|---|---|---|---|---|---|---|---|---|")
    plain = [r for r in rows if r["mode"] == "plain"]
    done = [r for r in plain if (r["sampler"], r.get("nfe")) == ("heun", 35)]
    order = args.samplers.split(",")
    grid = sorted([r for r in plain if r["cfg"] == cfg],
                  key=lambda r: (order.index(r["sampler"]) if r["sampler"] in order else len(order), r["nfe"]))
    floors = sorted({r["n"] for r in rows})
    ug = [r for r in rows if r["mode"] != "plain"]
    lines = [
        "# Quality benchmark: the emoji world, the sandbox's samplers executed as exported plans on the CPU",
        "",
        f"- Date: {datetime.date.today().isoformat()}; sampling time of all rows {sum(r['seconds'] for r in rows) / 60:.1f} min "
        f"(the s column; this invocation's wall time {(time.time() - started) / 60:.1f} min; rows cached from earlier "
        "invocations are reused)",
        f"- Machine: {machine()}; load average at start {load} (other jobs share the cores); PyTorch {torch.__version__}, "
        f"{args.threads} thread, nice 5, network in float32, plan registers and coefficients in float64",
        f"- UNet: {manifest_summary(world)}",
        f"- Classifier: public/models/{m['world']['classifier']}, accuracy on the {len(scorer.test)} held-out emoji "
        f"{clf['metrics']['test_accuracy']:.3f}, class-balanced {clf['metrics']['test_accuracy_balanced']:.3f} "
        f"(recomputed here: {real_balanced:.3f}); held out by emoji identity (tools/train/emoji_data.py)",
        f"- Runs: `label: 'mixed'` (sample i has class i mod 9, so n = 90 is 10 per class), seed {args.seed} (initial "
        "noise as the browser draws it), σ_max 80, σ_min 0.002, each sampler's default schedule, NFE as a budget "
        "(as the page counts it: Heun 2N − 1 ≤ budget); CFG s in D_∅ + s·(D_c − D_∅) is the manifest's "
        f"`world.default_cfg` = **{cfg:g}** unless the row says 1 (CFG evaluates the network twice per NFE)",
        "- accuracy: the shipped classifier's argmax equals the conditioned class, class-balanced (mean of the per-class "
        "accuracies; with equal counts per class it is the plain accuracy). FD: Fréchet distance in the classifier's "
        "256-d features against a class-balanced draw of n held-out emoji (n/9 per class). Floors at the same n: the "
        "classifier's class-balanced accuracy on that held-out draw, and FD of a class-balanced draw of n training "
        "emoji against it. FD is biased upward at small n (256 features, n = 90): compare rows only at equal n",
        f"- Command: `npm run bench:emoji` (= `{' '.join(['/usr/bin/python3 bench/quality/emoji.py', *(a for a in sys.argv[1:] if a != '--cached-only')])}`)"
        + ("; this report was rewritten from the cached rows (`--cached-only`)" if args.cached_only else ""),
        *([f"- **Not run yet:** {', '.join(missing)} (a rerun of the command resumes from the cache)"] if missing else []),
        "",
        "## Done when",
        "",
        verdict,
        "",
        "Samples: `emoji-samples.png` (Heun 35, CFG " + f"{cfg:g}" + ", one column per class, its 10 samples top to bottom).",
        "",
        *(["Per class (the done-when samples vs the classifier on all held-out emoji of that class):", "",
           "| class | " + " | ".join(world.class_names) + " |", "|---|" + "---|" * world.num_classes,
           f"| samples (n = {main['n'] // world.num_classes} each) | " + " | ".join(f"{per_class['samples'][k]:.1f}" for k in range(world.num_classes)) + " |",
           "| held-out emoji (all) | " + " | ".join(f"{per_class['real'][k]:.3f}" for k in range(world.num_classes)) + " |", ""]
          if main and "samples" in per_class else []),
        head,
        *[line(r) for r in sorted(done, key=lambda r: -r["cfg"])],
        "",
        "## Real-data floors",
        "",
        "| n | held-out draw: accuracy (balanced) | range over draws | FD train vs held-out | range over draws |",
        "|---|---|---|---|---|",
        *[f"| {n} | {scorer.reference(n)['accuracy']:.3f} | {scorer.reference(n)['accuracy_range'][0]:.3f}–"
          f"{scorer.reference(n)['accuracy_range'][1]:.3f} | {scorer.reference(n)['fd']:.0f} | "
          f"{scorer.reference(n)['fd_range'][0]:.0f}–{scorer.reference(n)['fd_range'][1]:.0f} |" for n in floors],
        "",
        f"The ranges are over {FLOOR_DRAWS} class-balanced draws (seed {args.seed} + 1 + 1000·k); the table columns use "
        "draw 0, which is also the reference set every row's FD is measured against.",
        "",
        f"## Samplers at NFE {args.nfes}, CFG {cfg:g}",
        "",
        head,
        *[line(r) for r in grid],
        "",
        "## Upsample Guidance at 64 and 128 (pooled back to 32)",
        "",
        f"{UG_SAMPLER['sampler'].capitalize()}, {UG_SAMPLER['steps']} steps, {UG_SAMPLER['schedule']} (as ug.py), "
        f"CFG {cfg:g} around each guided branch (src/guidance/compose.ts). naive: the network run at the size; UG: "
        "`upsampleGuidance: { w, eta }` through upsample.py (D + w_σ·U[D(Px; σ/m) − P D], m = size/32); bilinear: the "
        "same plan at 32 (same seed), upscaled as the page's bilinear panel. Every row is clamped, average-pooled to "
        "32×32 and scored as above; cost is NFE + 1/m² per guided step, in full-size evaluations per CFG branch "
        "(as `sample()` reports it). Examples: `emoji-ug-examples.png` (samples 0–8, one per class).",
        "",
        "| size | method | runs at | NFE | cost | CFG | n | accuracy (balanced) | held-out floor (same n) | FD | FD floor "
        "(same n) | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *[ug_line(r) for r in ug],
        "",
    ]
    write_report(lines, args.out, args.notes)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=90, help="samples per row (a multiple of 9)")
    p.add_argument("--n128", type=int, default=45, help="samples per Upsample Guidance row at 128 (0: skip 128)")
    p.add_argument("--samplers", default="euler,heun,dpmpp_2m,ipndm,unipc")
    p.add_argument("--nfes", default="5,10,20,35")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=os.path.join(ts.ROOT, "bench", "results", "quality-emoji.md"))
    p.add_argument("--png", default=os.path.join(ts.ROOT, "bench", "results", "emoji-samples.png"))
    p.add_argument("--ug-png", default=os.path.join(ts.ROOT, "bench", "results", "emoji-ug-examples.png"))
    p.add_argument("--cache", default=os.path.join(ts.OUT, "emoji-rows.json"))
    p.add_argument("--cached-only", action="store_true", help="rewrite the report from cached rows, sample nothing")
    p.add_argument("--notes", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "emoji-notes.md"),
                   help="appended to the report when present (findings written by hand)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started, load = time.time(), " ".join(f"{v:.1f}" for v in os.getloadavg())

    world = ImageWorld(WORLD)
    cfg = float(world.manifest["world"]["default_cfg"])
    specs = row_specs(args, cfg)
    plans = ts.export_plans([config(r, args.seed) for r in specs], name="emoji-plans")
    scorer = Scorer(world, args.seed)
    test, test_labels = scorer.test, scorer.test_labels
    per_class = dict(real=per_class_accuracy(test, test_labels, world))
    real_balanced = float(np.mean(list(per_class["real"].values())))
    cache = {}
    if os.path.exists(args.cache):
        with open(args.cache) as f:
            cache = json.load(f)
    rows, examples, missing = [], {}, []
    for spec, plan in zip(specs, plans):
        assert plan["cfg"] == spec["cfg"] and plan["count"] == spec["n"], "the exporter resolved another run"
        k = key(spec, args.seed)
        samples_path = os.path.join(ts.OUT, f"emoji-{k}.pt")
        if k in cache and os.path.exists(samples_path):
            row = cache[k]
        elif args.cached_only:
            missing.append(k)
            continue
        else:
            images, seconds = run_row(plan, world)
            full, pooled = score_images(images, spec, world.side)
            accuracy, fd = scorer.score(pooled, plan["labels"])
            row = dict(spec, label=plan["samplerLabel"], schedule=plan["schedule"], steps=plan["steps"], nfe=plan["nfe"],
                       run_size=plan["size"], cost=plan["cost"] if spec["mode"] != "bilinear" else plan["nfe"] / (spec["size"] // world.side) ** 2,
                       accuracy=accuracy, fd=fd, seconds=seconds)
            torch.save(dict(images=full[:90].clone(), labels=plan["labels"][:90]), samples_path)
            cache[k] = row
            with open(args.cache, "w") as f:
                json.dump(cache, f, indent=1)
            print(f"{k}: accuracy {accuracy:.3f}, FD {fd:.0f} (floor {scorer.reference(spec['n'])['fd']:.0f}), {seconds:.0f} s",
                  flush=True)
        rows.append(row)
        saved = torch.load(samples_path)
        if (spec["sampler"], spec.get("nfe"), spec["cfg"], spec["mode"]) == ("heun", 35, cfg, "plain"):
            save_class_grid(saved["images"], saved["labels"], world.class_names, args.png)
            per_class["samples"] = per_class_accuracy(saved["images"], saved["labels"], world)
        if spec["mode"] != "plain":
            examples.setdefault(spec["size"], {})[spec["mode"]] = saved["images"][:world.num_classes]
            save_ug_examples(examples, world.class_names, args.ug_png)
        report(args, world, scorer, rows, real_balanced, per_class, started, load)
    report(args, world, scorer, rows, real_balanced, per_class, started, load, missing)
    print(f"wrote {os.path.relpath(args.out, ts.ROOT)}")


if __name__ == "__main__":
    main()
