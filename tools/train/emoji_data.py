"""The emoji data set: Noto Emoji (Apache 2.0) and Twemoji (CC-BY 4.0) at 32×32 RGB, nine categories.

Source: the npm packages emoji-datasource-google and emoji-datasource-twitter, version 16.0.0 (64-px PNGs and
`emoji.json` with each emoji's category). They are training data, not app dependencies: `fetch` packs them by name
into the ignored `tools/train/runs/emoji-src/` and checks each tarball's SHA-256, so `npm ci` for the app never
installs them. `build` composites every image (base emoji and skin-tone variants, both styles) on white, resizes
64 → 32 with Lanczos (PIL) and writes `runs/emoji32.npz`; its SHA-256 is printed and recorded in the manifest.

Labels 0–8 follow CLASS_NAMES (the categories of `emoji.json`; "Component" — skin-tone swatches and hair pieces —
is dropped). Held-out split by emoji identity: a base emoji, its skin-tone variants and both styles fall on the same
side, so a held-out image is never another rendering of a training image.

  /usr/bin/python3 tools/train/emoji_data.py fetch
  /usr/bin/python3 tools/train/emoji_data.py build
"""
import argparse
import hashlib
import json
import os
import subprocess
import tarfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "runs", "emoji-src")
DATASET = os.path.join(HERE, "runs", "emoji32.npz")
VERSION = "16.0.0"
STYLES = {  # style → (npm package, tarball SHA-256, licence)
    "google": ("emoji-datasource-google", "fb5fd131b362aab7a55542d2a147a79708cce0a8b1c1bbacd470172708b5c438",
               "Noto Emoji, Apache License 2.0"),
    "twitter": ("emoji-datasource-twitter", "f64a530c63bca463bd8317fdc4615ce63a53a0c65018e4ce2d848aaba7a28877",
                "Twemoji, CC-BY 4.0"),
}
CLASS_NAMES = ["Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink", "Travel & Places",
               "Activities", "Objects", "Symbols", "Flags"]
SIZE = 32
HELD_OUT_FRACTION = 0.15
SPLIT_SEED = 0


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def package_dir(style: str) -> str:
    return os.path.join(SRC, f"{STYLES[style][0]}-{VERSION}", "package")


def fetch():
    os.makedirs(SRC, exist_ok=True)
    for style, (name, digest, _) in STYLES.items():
        tgz = os.path.join(SRC, f"{name}-{VERSION}.tgz")
        if not os.path.exists(tgz):
            subprocess.run(["npm", "pack", f"{name}@{VERSION}", "--silent", "--pack-destination", SRC], check=True)
        got = sha256(tgz)
        if got != digest:
            raise SystemExit(f"{tgz}: SHA-256 {got}, expected {digest}")
        if not os.path.isdir(package_dir(style)):
            with tarfile.open(tgz) as tar:
                tar.extractall(os.path.join(SRC, f"{name}-{VERSION}"))
        print(f"{style}: {tgz} ok")


def entries(style: str):
    """(group key, category, image file) for every emoji and skin-tone variant that this style has an image for."""
    with open(os.path.join(package_dir(style), "emoji.json")) as f:
        table = json.load(f)
    flag = f"has_img_{style}"
    for e in table:
        if e["category"] not in CLASS_NAMES:
            continue
        if e.get(flag):
            yield e["unified"], e["category"], e["image"]
        for v in (e.get("skin_variations") or {}).values():
            if v.get(flag):
                yield e["unified"], e["category"], v["image"]


def render(path: str):
    from PIL import Image
    im = Image.open(path).convert("RGBA")
    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, im).convert("RGB").resize((SIZE, SIZE), Image.LANCZOS))


def build():
    images, labels, groups, styles = [], [], [], []
    keys = {}
    for si, style in enumerate(sorted(STYLES)):
        folder = os.path.join(package_dir(style), "img", style, "64")
        for key, category, file in entries(style):
            path = os.path.join(folder, file)
            if not os.path.exists(path):
                continue
            images.append(render(path).transpose(2, 0, 1))  # CHW, as PyTorch
            labels.append(CLASS_NAMES.index(category))
            groups.append(keys.setdefault(key, len(keys)))
            styles.append(si)
    groups = np.array(groups)
    rng = np.random.default_rng(SPLIT_SEED)
    held = rng.permutation(len(keys))[: int(round(HELD_OUT_FRACTION * len(keys)))]
    np.savez(DATASET.replace(".npz", ""), images=np.stack(images).astype(np.uint8), labels=np.array(labels),
             groups=groups, styles=np.array(styles), held_out=np.isin(groups, held))
    counts = np.bincount(labels, minlength=len(CLASS_NAMES))
    print(json.dumps({"images": len(images), "emoji": len(keys), "held_out_images": int(np.isin(groups, held).sum()),
                      "per_class": dict(zip(CLASS_NAMES, counts.tolist())), "sha256": sha256(DATASET)}))


def load(split: str = "train"):
    """Images (N, 3, 32, 32) float32 in [-1, 1] and labels (N,) int64; split 'train', 'test' (held out) or 'all'."""
    d = np.load(DATASET)
    keep = {"train": ~d["held_out"], "test": d["held_out"], "all": np.ones_like(d["held_out"])}[split]
    x = torch.from_numpy(d["images"][keep].astype(np.float32) / 127.5 - 1.0)
    return x, torch.from_numpy(d["labels"][keep].astype(np.int64))


def class_balanced_weights(labels: torch.Tensor) -> torch.Tensor:
    """Per-image sampling weights that draw every class equally often (People & Body is 60 % of the images)."""
    counts = torch.bincount(labels, minlength=len(CLASS_NAMES)).double()
    return (1.0 / counts)[labels]


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("step", choices=["fetch", "build"])
    {"fetch": fetch, "build": build}[p.parse_args().step]()
