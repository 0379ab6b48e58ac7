"""A tiny random-weight RGB world for the tests (tests/fixtures/models/): the C-channel path end to end, without
shipping it. A 3-channel UNet (base width 8, native side 8, 3 classes + the null class) and a 3-channel classifier
(widths 4/8/8, 16 features), both with seeded random weights (no training: the tests compare the WGSL runtime with
PyTorch, not image quality), exported in the shipped format with their `world` section and an index, plus float64
goldens (tests/fixtures/tiny-rgb-golden.{json,bin}). Deterministic: rerunning rewrites the same bytes.
  /usr/bin/python3 tools/train/make_test_world.py [--out ROOT]
"""
import argparse
import hashlib
import json
import os

import torch

import golden
import graph_runner
import unet_graph
import weights_format
import world_index
from classifier import Classifier
from model import UNet

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORLD = "tiny-rgb"
SIDE, CHANNELS, CLASSES = 8, 3, ["red", "green", "blue"]
DATA = dict(range=[-1.0, 1.0], image_size=SIDE, channels=CHANNELS, layout="NCHW, channel-major per sample (R, G, B)",
            source="none: seeded random weights for tests")


def _randomise(model, seed):
    """Default init leaves GroupNorm at the identity; perturb every tensor so each one matters to the output."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.add_(0.05 * torch.randn(p.shape, generator=g))
    return model.eval()


def _verify(arch, out_dir, model, inputs, out_name, ref):
    _, tensors = weights_format.read(out_dir)
    got = graph_runner.run(arch, tensors, inputs, dtype=torch.float64)[out_name]
    err = ((got - ref.double()).abs().max() / ref.abs().max()).item()
    assert err < 1e-12, f"{out_dir}: the manifest graph does not reproduce the model ({err:.1e})"


def export_unet(root):
    torch.manual_seed(0)
    model = _randomise(UNet(base=8, mults=(1, 1, 2), time_dim=16, emb_dim=16, channels=CHANNELS,
                            num_classes=len(CLASSES)), 1)
    arch = unet_graph.build(model)
    manifest = dict(
        name=f"{WORLD}-unet", architecture=arch,
        parameterisation=dict(type="rf-v", network_output="v = ε − x0", rf_forward="z_t = (1 − t)·x0 + t·ε",
                              edm=dict(t="σ/(1+σ)", z="x/(1+σ)", D="z − t·v")),
        data=DATA, image_size=SIDE, channels=CHANNELS, num_classes=len(CLASSES), null_class=len(CLASSES),
        training=dict(note="none: seeded random weights (tools/train/make_test_world.py)"),
        world=world_index.world_section(WORLD, "Tiny RGB (test)", "A random-weight 3-channel UNet for the tests",
                                        CLASSES, 4 * SIDE, classifier=f"{WORLD}-classifier"))
    tensors, layouts = weights_format.tensors_and_layouts(model)
    out_dir = os.path.join(root, "tests/fixtures/models", WORLD)
    full = weights_format.write(out_dir, tensors, layouts, manifest)
    m = golden._double_model(model)
    x = torch.rand(2, CHANNELS, SIDE, SIDE, generator=torch.Generator().manual_seed(2)) * 2 - 1
    inputs = dict(z=x, t=torch.tensor([0.3, 0.9], dtype=torch.float64), label=torch.tensor([1, 3]))
    with torch.no_grad():
        _verify(arch, out_dir, model, inputs, "v", m(x.double(), inputs["t"], inputs["label"]))
    return model, full


def export_classifier(root):
    torch.manual_seed(3)
    model = _randomise(Classifier(widths=(4, 8, 8), features=16, num_classes=len(CLASSES), image_size=SIDE,
                                  channels=CHANNELS), 4)
    arch = dict(type="cnn-classifier", config=model.config,
                inputs=[dict(name="image", shape=["B", CHANNELS, SIDE, SIDE], dtype="float32", note="[-1, 1]")],
                outputs=[dict(name="logits", shape=["B", len(CLASSES)]), dict(name="features", shape=["B", 16])],
                op_semantics={k: unet_graph.OP_SEMANTICS[k]
                              for k in ("conv2d", "relu", "max_pool2d", "flatten", "linear")},
                graph=model.graph())
    manifest = dict(name=f"{WORLD}-classifier", architecture=arch, data=DATA, image_size=SIDE, channels=CHANNELS,
                    num_classes=len(CLASSES), class_names=CLASSES,
                    training=dict(note="none: seeded random weights (tools/train/make_test_world.py)"))
    tensors, layouts = weights_format.tensors_and_layouts(model)
    out_dir = os.path.join(root, "tests/fixtures/models", f"{WORLD}-classifier")
    full = weights_format.write(out_dir, tensors, layouts, manifest)
    x = torch.rand(3, CHANNELS, SIDE, SIDE, generator=torch.Generator().manual_seed(5)) * 2 - 1
    with torch.no_grad():
        _verify(arch, out_dir, model, dict(image=x), "logits", model.double()(x.double()))
    model.float()
    return model, full


@torch.no_grad()
def goldens(unet, classifier):
    m = golden._double_model(unet)
    g = torch.Generator().manual_seed(1234)
    labels, sigma = torch.tensor([0, 2, len(CLASSES)]), torch.tensor([0.05, 1.0, 20.0], dtype=torch.float64)
    x0 = torch.rand(3, CHANNELS, SIDE, SIDE, generator=g, dtype=torch.float64) * 2 - 1
    noise = torch.randn(3, CHANNELS, SIDE, SIDE, generator=g, dtype=torch.float64)
    x = (x0 + sigma.reshape(-1, 1, 1, 1) * noise).float()
    taps = ["h.in", "down.1.out", "mid.out", "up.2.out"]
    native, t_native = golden._unet_case(m, x, sigma, labels, taps)
    sigma2 = torch.tensor([2.0], dtype=torch.float64)
    x2 = (torch.rand(1, CHANNELS, 2 * SIDE, 2 * SIDE, generator=g, dtype=torch.float64) * 2 - 1
          + sigma2 * torch.randn(1, CHANNELS, 2 * SIDE, 2 * SIDE, generator=g, dtype=torch.float64)).float()
    double, t_double = golden._unet_case(m, x2, sigma2, torch.tensor([1]), ["mid.out"])
    images = (torch.rand(5, CHANNELS, SIDE, SIDE, generator=g, dtype=torch.float64) * 2 - 1).float()
    logits, features = classifier.double()(images.double(), return_features=True)
    # Skip-Tuning (Ma et al. 2024) on unet_native's inputs; appended last, with no new random draws, so the earlier
    # cases keep their bytes.
    tuned, _ = golden._unet_case(m, x, sigma, labels, [], golden.SKIP_TUNING_CASE)
    rho = golden.SKIP_TUNING_CASE
    return [
        dict(name="unet_native", labels=labels.tolist(), sigma=sigma.tolist(), t=t_native.tolist(), arrays=native),
        dict(name="unet_2x", labels=[1], sigma=sigma2.tolist(), t=t_double.tolist(), arrays=double),
        dict(name="classifier", count=5, arrays=dict(image=images, features=features, logits=logits)),
        dict(name="unet_native_skip_tuning", labels=labels.tolist(), sigma=sigma.tolist(), t=t_native.tolist(),
             skip_tuning=dict(bottom=rho["rho_bottom"], top=rho["rho_top"]),
             arrays={k: tuned[k] for k in ("x", "z", "v", "D")}),
    ]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=REPO)
    root = p.parse_args().out
    torch.set_num_threads(1)
    unet, full = export_unet(root)
    classifier, cfull = export_classifier(root)
    cases = goldens(unet, classifier)
    blob = golden.pack_arrays(cases)
    out_json = os.path.join(root, f"tests/fixtures/{WORLD}-golden.json")
    meta = dict(format="diffusion-sandbox-golden", version=1, model=f"tests/fixtures/models/{WORLD}",
                weights_sha256=full["sha256"], classifier_sha256=cfull["sha256"],
                data=os.path.basename(out_json).replace(".json", ".bin"), dtype="float32", endianness="little",
                alignment=16, data_sha256=hashlib.sha256(blob).hexdigest(),
                precision="computed in float64 from the float32 exported weights, stored as float32",
                conventions=dict(x="[B, 3, H, W] EDM-space input (float32)", z="x/(1+σ)", t="σ/(1+σ), float64",
                                 D="z − t·v in float64"),
                cases=cases)
    with open(out_json.replace(".json", ".bin"), "wb") as f:
        f.write(bytes(blob))
    with open(out_json, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    index = world_index.write_index(os.path.join(root, "tests/fixtures/models"))
    sizes = {n: os.path.getsize(os.path.join(d, n)) for d, _, fs in os.walk(os.path.join(root, "tests/fixtures"))
             for n in fs if WORLD in d or WORLD in n or n == "index.json"}
    print(f"{WORLD}: {[e['id'] for e in index['worlds']]}; {sum(sizes.values())} bytes: {sizes}")


if __name__ == "__main__":
    main()
