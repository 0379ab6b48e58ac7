"""Golden fixtures for the WGSL classifier: images → penultimate features and logits of the shipped scoring CNN.

Like golden.py for the UNet: computed in float64 from the float32 weights as the browser reads them
(public/models/fmnist-classifier/weights.bin), stored as float32, and tied to that file by its sha256, so a float32
runtime should match them to ~1e-5 of the output scale. Two independent float64 paths must agree before anything
is written: the PyTorch module (classifier.py) and the manifest graph through graph_runner.py.
Cases: the first test image of every class (real data, with its true label) and uniform random images in [-1, 1]
(activations far from the training distribution, so no layer is tested only near zero).
  nice -n 10 /usr/bin/python3 tools/train/classifier_golden.py [--out ROOT]
export.py runs it after exporting the classifier.
"""
import argparse
import hashlib
import json
import os

import torch

import data
import golden
import graph_runner
import weights_format
from classifier import Classifier

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "public/models/fmnist-classifier"
FIXTURE = "tests/fixtures/fmnist-classifier-golden.json"


@torch.no_grad()
def build(manifest: dict, tensors: dict, seed: int = 4321):
    model = Classifier()
    model.load_state_dict(tensors)
    model = model.double().eval()
    x_te, y_te = data.load("test")
    idx = [int((y_te == c).nonzero()[0]) for c in range(10)]
    real = x_te[idx]
    g = torch.Generator().manual_seed(seed)
    noise = (torch.rand(3, 1, 28, 28, generator=g, dtype=torch.float64) * 2 - 1).float()
    images = torch.cat([real, noise])
    logits, features = model(images.double(), return_features=True)
    env = graph_runner.run(manifest["architecture"], tensors, dict(image=images), dtype=torch.float64)
    for name, ref in (("features", features), ("logits", logits)):
        err = ((env[name] - ref).abs().max() / ref.abs().max()).item()
        assert err < 1e-12, f"graph_runner and the module disagree on {name}: {err:.1e}"
    predicted = logits.argmax(1)
    case = dict(name="classifier_28", count=len(images), real=len(idx), test_image_indices=idx,
                true_labels=y_te[idx].tolist(), predicted=predicted.tolist(),
                note=f"images 0–{len(idx) - 1}: the first test image of each class; the rest: uniform in [-1, 1] (seed {seed})",
                arrays=dict(image=images, features=features, logits=logits))
    return [case]


def write(root: str, seed: int = 4321) -> dict:
    manifest, tensors = weights_format.read(os.path.join(root, MODEL))
    cases = build(manifest, tensors, seed)
    blob = golden.pack_arrays(cases)
    out_json = os.path.join(root, FIXTURE)
    bin_path = os.path.splitext(out_json)[0] + ".bin"
    meta = dict(
        format="diffusion-sandbox-golden", version=1, model=MODEL, weights_sha256=manifest["sha256"],
        data=os.path.basename(bin_path), dtype="float32", endianness="little", alignment=16,
        data_sha256=hashlib.sha256(blob).hexdigest(), seed=seed,
        precision="computed in float64 from the float32 exported weights, stored as float32",
        conventions=dict(image="[N, 1, 28, 28] in [-1, 1], the network input as stored (float32)",
                         features="post-ReLU fc1 (FD-FMNIST features) [N, 256]", logits="fc2 output [N, 10]"),
        cases=cases)
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    with open(bin_path, "wb") as f:
        f.write(bytes(blob))
    with open(out_json, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    return meta


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=os.path.dirname(os.path.dirname(HERE)), help="repo root (reads the model, writes the fixture under it)")
    torch.set_num_threads(1)
    meta = write(p.parse_args().out)
    c = meta["cases"][0]
    right = sum(int(a == b) for a, b in zip(c["predicted"], c["true_labels"]))
    print(f"wrote {FIXTURE}: {c['count']} images; the {c['real']} real ones classified right: {right}/{c['real']}")
