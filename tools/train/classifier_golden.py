"""Golden fixtures for the WGSL classifier: images → penultimate features and logits of the shipped scoring CNN.

Like golden.py for the UNet: computed in float64 from the float32 weights as the browser reads them
(public/models/fmnist-classifier/weights.bin), stored as float32, and tied to that file by its sha256, so a float32
runtime should match them to ~1e-5 of the output scale. Two independent float64 paths must agree before anything
is written: the PyTorch module (classifier.py) and the manifest graph through graph_runner.py.
Cases: the first test image of every class (real data, with its true label) and uniform random images in [-1, 1]
(activations far from the training distribution, so no layer is tested only near zero).
  nice -n 10 /usr/bin/python3 tools/train/classifier_golden.py [--out ROOT] [--dataset emoji]
export.py (and export_classifier.py for the emoji classifier) runs it after exporting the classifier. For the emoji
classifier the real images are the first held-out image of each category (emoji_data.py's split by identity).
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
# dataset → (model folder, fixture, held-out loader)
DATASETS = {
    "fmnist": (MODEL, FIXTURE, lambda: data.load("test")),
    "emoji": ("public/models/emoji-classifier", "tests/fixtures/emoji-classifier-golden.json",
              lambda: __import__("emoji_data").load("test")),
}


@torch.no_grad()
def build(manifest: dict, tensors: dict, seed: int = 4321, load_test=lambda: data.load("test")):
    config = manifest["architecture"]["config"]
    model = Classifier(**{k: config[k] for k in ("widths", "features", "num_classes", "image_size", "channels")})
    model.load_state_dict(tensors)
    model = model.double().eval()
    x_te, y_te = load_test()
    idx = [int((y_te == c).nonzero()[0]) for c in range(config["num_classes"])]
    real = x_te[idx]
    g = torch.Generator().manual_seed(seed)
    side, channels = config["image_size"], config["channels"]
    noise = (torch.rand(3, channels, side, side, generator=g, dtype=torch.float64) * 2 - 1).float()
    images = torch.cat([real, noise])
    logits, features = model(images.double(), return_features=True)
    env = graph_runner.run(manifest["architecture"], tensors, dict(image=images), dtype=torch.float64)
    for name, ref in (("features", features), ("logits", logits)):
        err = ((env[name] - ref).abs().max() / ref.abs().max()).item()
        assert err < 1e-12, f"graph_runner and the module disagree on {name}: {err:.1e}"
    predicted = logits.argmax(1)
    case = dict(name=f"classifier_{side}", count=len(images), real=len(idx), test_image_indices=idx,
                true_labels=y_te[idx].tolist(), predicted=predicted.tolist(),
                note=f"images 0–{len(idx) - 1}: the first test image of each class; the rest: uniform in [-1, 1] (seed {seed})",
                arrays=dict(image=images, features=features, logits=logits))
    return [case]


def write(root: str, seed: int = 4321, dataset: str = "fmnist") -> dict:
    model_dir, fixture, load_test = DATASETS[dataset]
    manifest, tensors = weights_format.read(os.path.join(root, model_dir))
    cases = build(manifest, tensors, seed, load_test)
    config = manifest["architecture"]["config"]
    shape = f"[N, {config['channels']}, {config['image_size']}, {config['image_size']}]"
    blob = golden.pack_arrays(cases)
    out_json = os.path.join(root, fixture)
    bin_path = os.path.splitext(out_json)[0] + ".bin"
    meta = dict(
        format="diffusion-sandbox-golden", version=1, model=model_dir, weights_sha256=manifest["sha256"],
        data=os.path.basename(bin_path), dtype="float32", endianness="little", alignment=16,
        data_sha256=hashlib.sha256(blob).hexdigest(), seed=seed,
        precision="computed in float64 from the float32 exported weights, stored as float32",
        conventions=dict(image=f"{shape} in [-1, 1], the network input as stored (float32)",
                         features=f"post-ReLU fc1 (FD features) [N, {config['features']}]",
                         logits=f"fc2 output [N, {config['num_classes']}]"),
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
    p.add_argument("--dataset", choices=sorted(DATASETS), default="fmnist")
    torch.set_num_threads(1)
    args = p.parse_args()
    meta = write(args.out, dataset=args.dataset)
    c = meta["cases"][0]
    right = sum(int(a == b) for a, b in zip(c["predicted"], c["true_labels"]))
    print(f"wrote {DATASETS[args.dataset][1]}: {c['count']} images; the {c['real']} real ones classified right: {right}/{c['real']}")
