"""Export the trained models for the browser and the benchmarks. Rerunnable at any time (reads checkpoints only).

Writes, under --out (default: the repo root):
  public/models/fmnist/{weights.bin, manifest.json}             UNet, EMA weights (weights_format.py)
  public/models/fmnist-classifier/{weights.bin, manifest.json}  the scoring CNN (if its checkpoint exists)
  bench/models/fmnist-unet.onnx                                  opset 17, dynamic batch: (z, t, label) → v
  tests/fixtures/fmnist-golden.{json,bin}                        golden activations (golden.py)
  tests/fixtures/fmnist-classifier-golden.{json,bin}             classifier features and logits (classifier_golden.py)
Each weights.bin is read back and run through graph_runner.py against the PyTorch model before we trust it.
  /usr/bin/python3 tools/train/export.py [--ckpt tools/train/runs/unet.pt] [--classifier tools/train/runs/classifier.pt]
"""
import argparse
import json
import math
import os
import time

import torch

import check_golden
import checkpoint
import classifier_golden
import golden
import model as model_module
import graph_runner
import unet_graph
import weights_format
import world_index
from classifier import Classifier
from model import NULL_CLASS, UNet

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

DATA = dict(range=[-1.0, 1.0], from_uint8="x = u/127.5 − 1", to_uint8="u = round(clamp((x + 1)·127.5, 0, 255))",
            image_size=28, channels=1, source="Fashion-MNIST (Debian dataset-fashion-mnist)")
FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
                         'Ankle boot']


def dataset_facts(dataset):
    """The data record, class names and picker text of a training set (train_unet.py --dataset)."""
    if dataset == "emoji":
        import emoji_data
        data = dict(DATA, image_size=emoji_data.SIZE, channels=3, layout="NCHW, channel-major per sample (R, G, B)",
                    source=f"Noto + Twemoji {emoji_data.VERSION} (tools/train/emoji_data.py)")
        description = (f"Emoji, {emoji_data.SIZE}×{emoji_data.SIZE} RGB, from our class-conditional rectified-flow UNet "
                       "running in WGSL, trained on Noto Emoji (Google, Apache 2.0) and Twemoji (Twitter, CC-BY 4.0)")
        return data, emoji_data.CLASS_NAMES, ("Emoji (Noto + Twemoji)", description)
    return DATA, FASHION_MNIST_CLASSES, ("Fashion-MNIST", "Clothing images, 28×28, from our class-conditional "
                                         "rectified-flow UNet running in WGSL")


def world_facts(name, dataset, classes, label, description, size, reflowed, default_cfg=1):
    """The manifest's `world` section (world_index.py): the page lists it from public/models/index.json."""
    family = name[: -len("-2rf")] if reflowed and name.endswith("-2rf") else name
    # A data set's scoring CNN is exported beside it as `<dataset>-classifier` (export_classifier.py).
    has_classifier = os.path.exists(os.path.join(REPO, "public/models", f"{dataset}-classifier", "manifest.json"))
    classifier = f"{dataset}-classifier" if has_classifier else None
    amed = os.path.join(REPO, "public/models", f"{family}-amed", "manifest.json")
    predictors = None
    if not reflowed and os.path.exists(amed):
        with open(amed) as f:
            predictors = dict(folder=f"{family}-amed", nfe=sorted(p["nfe"] for p in json.load(f)["predictors"]))
    if reflowed:
        label, description = f"{label} 2-RF", ("The same UNet reflowed once (Liu et al. 2023): fine-tuned on "
                                               "noise–image pairs of the 1-RF model, so one Euler step suffices")
    return world_index.world_section(name, label, description, classes, 4 * size, classifier=classifier,
                                     amed_predictors=predictors, family=family, level=2 if reflowed else 1,
                                     default_cfg=default_cfg)


def command_line(script, args):
    """train_*.py does not store argv; this is an equivalent command rebuilt from the saved argparse namespace."""
    flags = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in args.items() if v is not None)
    return f"/usr/bin/python3 tools/train/{script} {flags}"


def verify(arch, model_dir, model, inputs, out_name, ref):
    """Round trip: weights.bin as the browser reads it → graph_runner → compare with the PyTorch model."""
    _, tensors = weights_format.read(model_dir)
    got = graph_runner.run(arch, tensors, inputs, dtype=torch.float64)[out_name]
    err = (got - ref.double()).abs().max().item() / (ref.abs().max().item() + 1e-12)
    print(f"  verify {model_dir}: graph_runner vs torch, max rel err {err:.2e}")
    assert err < 1e-5, "manifest graph does not reproduce the model"
    return err


def _evals(ckpt_path, it):
    """eval_samples.py results for this checkpoint at this iter (accuracy, FD-FMNIST), if any were run."""
    path = os.path.join(os.path.dirname(os.path.abspath(ckpt_path)), "evals.jsonl")
    if not os.path.exists(path):
        return []
    keep = ("sampler", "nfe", "n", "cfg", "accuracy", "accuracy_balanced", "fd", "fd_floor_same_n", "seed")
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [{k: r[k] for k in keep if k in r} for r in rows
            if r["iter"] == it and r.get("ckpt") == os.path.abspath(ckpt_path)]


def reflow_facts(args):
    """The manifest record of a k-RF model: where its pairs came from and how it was fine-tuned."""
    if not args.get("pairs"):
        return None
    pairs = torch.load(os.path.join(REPO, args["pairs"]) if not os.path.isabs(args["pairs"]) else args["pairs"])
    init = checkpoint.load(args["init"]) if args.get("init") else None
    return dict(
        level=2, method="Liu, Gong & Liu 2023 Alg. 1: fine-tune v on pairs (z0 = ε, x1 = ODE_1[z0]) of the 1-RF model",
        pairs=int(len(pairs["label"])), pair_sampler=f"{pairs['sampler']} {pairs['nfe']} NFE, {pairs['schedule']}, EMA weights, no CFG",
        pair_minutes=round(pairs["seconds"] / 60, 1), pair_seed=pairs["seed"], labels="balanced, i mod 10",
        teacher_iter=pairs["source_iter"], teacher_checkpoint=os.path.relpath(args["init"], REPO) if args.get("init") else None,
        teacher_training_minutes=round(init["seconds"] / 60, 1) if init else None,
        fine_tune=dict(t_distribution=args.get("t_dist", "logit-normal"), lr=args["lr"], batch=args["batch"],
                       label_dropout=0.1, note="starts from the 1-RF EMA weights; iter/minutes under training"))


def export_unet(state, ckpt_path, out_dir, name="fmnist", default_cfg=1):
    cfg = state["config"]
    model = UNet(**{k: cfg[k] for k in ("base", "mults", "time_dim", "emb_dim")}, channels=cfg.get("channels", 1),
                 num_classes=cfg.get("num_classes", 10))
    model.load_state_dict(state["ema"])
    model.eval()
    a = state["args"]
    data, classes, (label, description) = dataset_facts(a.get("dataset", "fmnist"))
    size, channels = data["image_size"], data["channels"]
    arch = unet_graph.build(model)
    manifest = dict(
        name=f"{name}-unet", architecture=arch,
        parameterisation=dict(
            type="rf-v", network_output="v = ε − x0", rf_forward="z_t = (1 − t)·x0 + t·ε",
            edm=dict(t="σ/(1+σ)", z="x/(1+σ)", D="z − t·v", note="EDM/VE x = x0 + σ·ε (algorithms.md)")),
        time_features=dict(
            input="1000·t", dim=model.time_dim, order="cos_then_sin",
            frequency="f_k = exp(−ln(10000)·k/half), k = 0..half−1, half = dim/2",
            formula="[cos(1000·t·f_0..f_{half−1}), sin(1000·t·f_0..f_{half−1})]",
            precision="float64 on the CPU, then float32 (WGSL sin/cos are only ~2^-11 accurate)"),
        data=data, image_size=size, channels=channels, num_classes=len(classes), null_class=len(classes),
        training=dict(
            iter=state["iter"], minutes=round(state["seconds"] / 60, 1), final_loss_ema=state["loss"],
            batch=a["batch"], lr=a["lr"], optimizer="Adam", ema=a["ema"], weights="EMA",
            objective=("‖v(z_t,t,y) − (z0 − x1)‖² on reflow pairs, z_t = (1−t)·x1 + t·z0, t ~ U(0.001, 1)"
                       if a.get("pairs") and a.get("t_dist") == "uniform" else
                       "‖v(z_t,t,y) − (ε − x0)‖², t = sigmoid(N(0,1))") + ", 10% label dropout to the null class",
            command=command_line("train_unet.py", a), hardware="2-core CPU, PyTorch 1.13",
            checkpoint=os.path.relpath(ckpt_path, REPO)),
        evaluation=_evals(ckpt_path, state["iter"]),
        **({"reflow": reflow_facts(a)} if a.get("pairs") else {}),
        exported_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        world=world_facts(name, a.get("dataset", "fmnist"), classes, label, description, size, bool(a.get("pairs")),
                          default_cfg))
    tensors, layouts = weights_format.tensors_and_layouts(model)
    full = weights_format.write(out_dir, tensors, layouts, manifest)
    g = torch.Generator().manual_seed(0)
    inputs = dict(z=torch.randn(2, channels, size, size, generator=g), t=torch.tensor([0.3, 0.9]),
                  label=torch.tensor([1, len(classes)]))
    with torch.no_grad():
        ref = golden._double_model(model)(inputs["z"].double(), inputs["t"].double(), inputs["label"])
    verify(arch, out_dir, model, inputs, "v", ref)
    return model, full


def export_classifier(state, ckpt_path, out_dir, dataset="fmnist"):
    """The scoring CNN of a data set (train_classifier.py --dataset) as `<dataset>-classifier`, checked like the UNet."""
    config = state["config"]
    model = Classifier(**{k: config[k] for k in ("widths", "features", "num_classes", "image_size", "channels")
                          if k in config})
    model.load_state_dict(state["model"])
    model.eval()
    data, classes, _ = dataset_facts(dataset)
    c = model.config
    side, channels, num_classes = c["image_size"], c["channels"], c["num_classes"]
    assert num_classes == len(classes), f"{num_classes} logits for {len(classes)} class names"
    arch = dict(type="cnn-classifier", config=model.config,
                inputs=[dict(name="image", shape=["B", channels, side, side], dtype="float32",
                             note="[-1, 1], clamp samples first")],
                outputs=[dict(name="logits", shape=["B", num_classes]),
                         dict(name="features", shape=["B", c["features"]], note="FD features (post-ReLU fc1)")],
                op_semantics={k: unet_graph.OP_SEMANTICS[k] for k in
                              ("conv2d", "relu", "max_pool2d", "flatten", "linear")},
                graph=model.graph())
    rep = state.get("report", {})
    manifest = dict(
        name=f"{dataset}-classifier", architecture=arch, data=data, image_size=side, channels=channels,
        num_classes=num_classes, class_names=list(classes), metrics=dict(
            test_accuracy=rep.get("test_acc"), fd_floor=dict(
                note="FD of real test (held-out) vs real train images in these features; biased upward at small n",
                n200=rep.get("fd_floor_test_vs_train_n200"), n1000=rep.get("fd_floor_test_vs_train_n1000"),
                full=rep.get("fd_floor_test_vs_train_full")),
            **({"test_accuracy_balanced": rep["test_acc_balanced"], "test_accuracy_per_class": rep["test_acc_per_class"],
                "split": "held out by emoji identity (emoji_data.py)"} if "test_acc_balanced" in rep else {})),
        training=dict(iter=state["iter"], minutes=round(state["seconds"] / 60, 1), batch=state["args"]["batch"],
                      lr=state["args"]["lr"], optimizer="Adam", finished="report" in state,
                      command=command_line("train_classifier.py", state["args"]),
                      checkpoint=os.path.relpath(ckpt_path, REPO)),
        exported_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    tensors, layouts = weights_format.tensors_and_layouts(model)
    weights_format.write(out_dir, tensors, layouts, manifest)
    x = torch.rand(3, channels, side, side, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        ref = model.double()(x.double())
    model.float()
    verify(arch, out_dir, model, dict(image=x), "logits", ref)


def _onnx_time_features(t, dim):
    """model.timestep_features with float32 Cos/Sin: onnxruntime (CPU/WASM) has no float64 Cos kernel, so the float64
    argument 1000·t·f_k is first reduced mod 2π in float64 (Mul/Div/Floor/Sub are fine in double); the reduced
    argument in [0, 2π) loses only ~4e-7 in float32. Matches the float64 features to ~2.4e-7 (checked in ORT-web)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    args = 1000.0 * t.double()[:, None] * freqs[None, :]
    r = (args - 2 * math.pi * torch.floor(args / (2 * math.pi))).float()
    return torch.cat([torch.cos(r), torch.sin(r)], dim=1)


def export_onnx(model, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    z, t, label = torch.randn(2, 1, 28, 28), torch.tensor([0.2, 0.7]), torch.tensor([3, 10])
    with torch.no_grad():
        ref = model(z, t, label)
    saved = model_module.timestep_features
    model_module.timestep_features = _onnx_time_features  # UNet.embedding looks the function up at call time
    try:
        with torch.no_grad():
            err = (model(z, t, label) - ref).abs().max().item()
        assert err < 1e-4, f"ONNX-friendly time features change v by {err}"
        torch.onnx.export(model, (z, t, label), path + ".tmp", opset_version=17,
                          input_names=["z", "t", "label"], output_names=["v"],
                          dynamic_axes={"z": {0: "B", 2: "H", 3: "W"}, "t": {0: "B"}, "label": {0: "B"},
                                        "v": {0: "B", 2: "H", 3: "W"}})
    finally:
        model_module.timestep_features = saved
    os.replace(path + ".tmp", path)
    print(f"  wrote {path} ({os.path.getsize(path)} bytes); v differs from the float64-feature model by {err:.1e}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", default=os.path.join(HERE, "runs", "unet.pt"))
    p.add_argument("--classifier", default=os.path.join(HERE, "runs", "classifier.pt"))
    p.add_argument("--out", default=REPO, help="root under which public/, bench/, tests/ paths are written")
    p.add_argument("--skip-onnx", action="store_true")
    p.add_argument("--skip-golden", action="store_true")
    p.add_argument("--name", default="fmnist", help="world id: public/models/<name>/; other than fmnist (e.g. the "
                   "reflowed fmnist-2rf) writes only that model, without goldens, ONNX or the classifier")
    p.add_argument("--default-cfg", type=float, default=1.0,
                   help="the CFG scale the page and the API start from on this world (the world section's default_cfg)")
    args = p.parse_args()
    torch.set_num_threads(1)

    state = checkpoint.load(args.ckpt)
    assert state, f"no checkpoint at {args.ckpt}"
    print(f"UNet: {args.ckpt} iter {state['iter']} ({state['seconds']/60:.1f} min)")
    model, full = export_unet(state, args.ckpt, os.path.join(args.out, f"public/models/{args.name}"), args.name,
                              args.default_cfg)
    index = world_index.write_index(os.path.join(args.out, "public/models"))
    print(f"  world index: {[w['id'] for w in index['worlds']]}")
    if args.name == "emoji" and not args.skip_golden:
        import emoji_golden
        meta = emoji_golden.write(model, os.path.join(args.out, "tests/fixtures/emoji-golden.json"), full["sha256"])
        print(f"  emoji goldens: {[c['name'] for c in meta['cases']]}")
    if args.name != "fmnist":
        return
    if not args.skip_golden:
        meta = golden.write(model, os.path.join(args.out, "tests/fixtures/fmnist-golden.json"), full["sha256"])
        print(f"  goldens: {[c['name'] for c in meta['cases']]}")
        check_golden.check(args.out)
    if not args.skip_onnx:
        export_onnx(model, os.path.join(args.out, "bench/models/fmnist-unet.onnx"))
    cstate = checkpoint.load(args.classifier)
    if cstate:
        print(f"classifier: {args.classifier} iter {cstate['iter']} (finished: {'report' in cstate})")
        export_classifier(cstate, args.classifier, os.path.join(args.out, "public/models/fmnist-classifier"))
        if not args.skip_golden:
            meta = classifier_golden.write(args.out)
            print(f"  classifier goldens: {meta['cases'][0]['count']} images")
    else:
        print(f"classifier: no checkpoint at {args.classifier}, skipped")


if __name__ == "__main__":
    main()
