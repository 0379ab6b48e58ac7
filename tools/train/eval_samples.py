"""Score a UNet checkpoint: class-conditional samples (labels 0..9 in turn) → classifier accuracy and FD-FMNIST
against real test images at the same n, next to the real-data floor (test vs train) at that n. Writes a PNG grid.
  /usr/bin/python3 tools/train/eval_samples.py --n 200 --nfe 35 --sampler heun [--ckpt tools/train/runs/unet.pt]
Appends the result to evals.jsonl next to the checkpoint; export.py puts the rows of the exported iter in the manifest.
Samplers: EDM form, Karras schedule σ_max 80, σ_min 0.002 (algorithms.md); D from model.edm_denoiser, EMA weights.
--dataset emoji scores the emoji model (labels 0..8 in turn) with the emoji classifier against the held-out emoji
(the real-data floor: held-out vs training images), reporting the class-balanced accuracy as well; --cfg w applies
classifier-free guidance D = D_null + w·(D_cond − D_null).
"""
import argparse
import json
import os
import time

import numpy as np
import torch

import checkpoint
import data
import metrics
import samplers
from model import UNet, edm_denoiser

HERE = os.path.dirname(os.path.abspath(__file__))


def load_unet(path):
    state = checkpoint.load(path)
    assert state, f"no checkpoint at {path}"
    config = state["config"]
    model = UNet(**{k: config[k] for k in ("base", "mults", "time_dim", "emb_dim")},
                 channels=config.get("channels", 1), num_classes=config.get("num_classes", 10))
    model.load_state_dict(state["ema"])
    return model.eval().requires_grad_(False), state


def save_grid(images, path, cols=10, scale=2):
    """images in [-1, 1], (N, C, H, W) with C = 1 (grey) or 3 (RGB) → 8-bit PNG, 2-px gaps, nearest-upscaled."""
    from PIL import Image
    u8 = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
    n, h, w, c = u8.shape
    rows = (n + cols - 1) // cols
    grid = np.full((rows * (h + 2) + 2, cols * (w + 2) + 2, c), 255, np.uint8)
    for i in range(n):
        r, k = divmod(i, cols)
        grid[2 + r * (h + 2):2 + r * (h + 2) + h, 2 + k * (w + 2):2 + k * (w + 2) + w] = u8[i]
    image = Image.fromarray(grid[..., 0] if c == 1 else grid)
    image.resize((grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST).save(path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", default=os.path.join(HERE, "runs", "unet.pt"))
    p.add_argument("--classifier", default=None, help="default: the dataset's classifier checkpoint in runs/")
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--nfe", type=int, default=35)
    p.add_argument("--sampler", choices=["heun", "euler"], default="heun")
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dataset", choices=["fmnist", "emoji"], default="fmnist")
    p.add_argument("--cfg", type=float, default=1.0)
    p.add_argument("--png", default=None, help="default: tools/train/runs/samples_<iter>_<sampler><nfe>.png")
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    model, state = load_unet(args.ckpt)
    config = state["config"]
    channels, classes, null = config.get("channels", 1), config.get("num_classes", 10), config.get("null_class", 10)
    if args.dataset == "emoji":
        import emoji_data
        side, load = emoji_data.SIZE, emoji_data.load
        default_classifier = os.path.join(HERE, "runs", "emoji-classifier.pt")
    else:
        side, load, default_classifier = 28, data.load, metrics.DEFAULT_CKPT
    classifier_path = args.classifier or default_classifier

    def denoise(x, s, y):
        sig = s.expand(len(x))
        if args.cfg == 1:
            return edm_denoiser(model, x, sig, y)
        both = edm_denoiser(model, torch.cat([x, x]), torch.cat([sig, sig]), torch.cat([y, torch.full_like(y, null)]))
        cond, uncond = both.chunk(2)
        return uncond + args.cfg * (cond - uncond)

    sigmas = samplers.karras(samplers.steps_for_nfe(args.sampler, args.nfe)).float()
    sample = getattr(samplers, args.sampler)
    g = torch.Generator().manual_seed(args.seed)
    labels = torch.arange(args.n) % classes
    t0 = time.time()
    out = []
    for i in range(0, args.n, args.batch):
        y = labels[i:i + args.batch]
        x = sigmas[0] * torch.randn(len(y), channels, side, side, generator=g)
        out.append(sample(lambda x, s: denoise(x, s, y), x, sigmas))
    images = torch.cat(out).clamp(-1, 1)
    sample_s = time.time() - t0

    clf = metrics.load_classifier(classifier_path)
    x_te, _ = load("test")
    x_tr, _ = load("train")
    gr = torch.Generator().manual_seed(args.seed + 1)
    real = x_te[torch.randperm(len(x_te), generator=gr)[:args.n]]
    other = x_tr[torch.randperm(len(x_tr), generator=gr)[:args.n]]
    f_real = metrics.features(real, clf)
    res = dict(iter=state["iter"], train_minutes=round(state["seconds"] / 60, 1), sampler=args.sampler, nfe=args.nfe,
               n=args.n, accuracy=metrics.classifier_accuracy(images, labels, clf),
               fd=metrics.frechet_distance(metrics.features(images, clf), f_real),
               fd_floor_same_n=metrics.frechet_distance(metrics.features(other, clf), f_real),
               sample_seconds=round(sample_s, 1), threads=args.threads, seed=args.seed, cfg=args.cfg)
    if args.dataset == "emoji":
        with torch.no_grad():
            pred = clf(images.clamp(-1, 1)).argmax(1)
        res["accuracy_balanced"] = float(np.mean([(pred[labels == k] == k).double().mean().item() for k in range(classes)]))
    prefix = "emoji_" if args.dataset == "emoji" else ""
    png = args.png or os.path.join(HERE, "runs", f"{prefix}samples_{state['iter']}_{args.sampler}{args.nfe}.png")
    k = min(args.n, 10 * classes) // classes * classes  # first k samples, one column per class
    order = torch.argsort(labels[:k], stable=True)
    grid = images[:k][order].reshape(classes, -1, channels, side, side).transpose(0, 1)
    save_grid(grid.reshape(-1, channels, side, side), png, cols=classes)
    res["png"] = os.path.relpath(png)
    res["classifier_iter"] = checkpoint.load(classifier_path)["iter"]
    print(json.dumps(res), flush=True)
    with open(os.path.join(os.path.dirname(os.path.abspath(args.ckpt)), "evals.jsonl"), "a") as f:
        f.write(json.dumps(dict(res, ckpt=os.path.abspath(args.ckpt))) + "\n")  # export.py copies matching rows


if __name__ == "__main__":
    main()
