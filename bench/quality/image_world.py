"""Any shipped image world in PyTorch, read from what the browser ships: public/models/<world>/manifest.json (UNet
and its `world` section), the classifier that section names, and the data set the world was trained on. Like
fmnist.py (which stays the Fashion-MNIST benchmarks' loader), but with the channel count, side, class count and
null class taken from the manifests, and classifier-free guidance composed as the page composes it.

- CFG (Ho & Salimans 2022; src/guidance/cfg.ts): D = D_∅ + s·(D_c − D_∅), D_∅ the network at the null class
  (manifest `null_class`, = num_classes). s = 1 is the conditional network alone (one evaluation per sample).
- With Upsample Guidance, CFG wraps outside it (src/guidance/compose.ts): each branch, conditional and null, is
  upsample-guided before the two are mixed (`guided` below).
- Precision as fmnist.py: the network in float32, the EDM entry/exit and the CFG mix in float64.
"""
import json
import math
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
import weights_format  # noqa: E402
from classifier import Classifier  # noqa: E402
from model import UNet  # noqa: E402

MODELS = os.path.join(ROOT, "public", "models")


def _data_loader(world):
    """load(split) → (images (N, C, side, side) in [-1, 1], labels) of the set the world was trained on; 'test' is
    the held-out split (Fashion-MNIST: its test set; emoji: emoji held out by identity, emoji_data.py)."""
    if world == "emoji":
        import emoji_data
        return emoji_data.load
    if world == "fmnist":
        import data
        return data.load
    raise ValueError(f"world {world!r}: no data loader (known: emoji, fmnist)")


class ImageWorld:
    """The UNet, classifier and data of one image world; `manifest` is the UNet's, `classifier_manifest` the scorer's."""

    def __init__(self, world):
        self.id = world
        self.manifest, tensors = weights_format.read(os.path.join(MODELS, world))
        m = self.manifest
        assert m["architecture"]["type"] == "unet" and m["parameterisation"]["type"] == "rf-v", "expected the rf-v UNet"
        config = m["architecture"]["config"]
        self.channels, self.side = m["channels"], m["image_size"]
        self.num_classes, self.null_class = m["num_classes"], m["null_class"]
        self.class_names = m["world"]["class_names"]
        self.unet = UNet(**{k: config[k] for k in ("base", "mults", "time_dim", "emb_dim", "channels", "num_classes")})
        self.unet.load_state_dict(tensors)
        self.unet.eval().requires_grad_(False)
        self.classifier_manifest, tensors = weights_format.read(os.path.join(MODELS, m["world"]["classifier"]))
        self.classifier = Classifier(**self.classifier_manifest["architecture"]["config"])
        self.classifier.load_state_dict(tensors)
        self.classifier.eval().requires_grad_(False)
        self.load = _data_loader(world)

    def denoiser(self, labels, cfg=1.0, wrap=None, batch=100, network=None, dtype=torch.float32):
        """D(x; σ) for the plan executor at any side: CFG s = cfg around the world's network (or `network`, e.g. the
        float64 graph runner), each branch first wrapped by `wrap(high, low)` when given (Upsample Guidance: `high` runs
        at the sample's side, `low` at the native one), as src/guidance/compose.ts composes them."""
        def branch(lab):
            high = Denoiser(network or self.unet, lab, self.null_class, self.channels, batch, dtype)
            return high if wrap is None else wrap(high, Denoiser(network or self.unet, lab, self.null_class, self.channels, 100, dtype))
        cond = branch(labels)
        return cond if cfg == 1 else Cfg(cond, branch(None), cfg)


class Cfg:
    """D_∅ + s·(D_c − D_∅) (src/guidance/cfg.ts): both branches see the same x at the same σ."""

    def __init__(self, cond, uncond, scale):
        self.cond, self.uncond, self.scale = cond, uncond, scale

    def __call__(self, x, sigma):
        d_null = self.uncond(x, sigma)
        return d_null + self.scale * (self.cond(x, sigma) - d_null)

    @property
    def evaluations(self):
        return self.cond.evaluations + self.uncond.evaluations


class Denoiser:
    """D(x; σ) for a plan executor: x is (count, C·side²) float64, channel-major per sample as the page lays it out,
    at any side (the UNet is fully convolutional); one σ for the batch; sample i has class labels[i], or the null
    class when labels is None. network(z, t, label) → v on z in float32, in chunks of `batch`."""

    def __init__(self, network, labels, null_class, channels, batch=100, dtype=torch.float32):
        self.network, self.batch, self.dtype, self.channels = network, batch, dtype, channels
        self.labels = torch.as_tensor(labels) if labels is not None else None
        self.null_class = null_class
        self.evaluations = 0

    @torch.no_grad()
    def __call__(self, x, sigma):
        count, dim = x.shape
        side = math.isqrt(dim // self.channels)
        assert self.channels * side * side == dim, f"dim {dim} is not {self.channels} × side²"
        t = sigma / (1 + sigma)
        z = x / (1 + sigma)
        out = torch.empty_like(x)
        for i in range(0, count, self.batch):
            zb = z[i:i + self.batch]
            n = zb.shape[0]
            labels = self.labels[i:i + n] if self.labels is not None else torch.full((n,), self.null_class)
            v = self.network(zb.to(self.dtype).reshape(n, self.channels, side, side),
                             torch.full((n,), t, dtype=torch.float64), labels)
            out[i:i + n] = zb - t * v.reshape(n, -1).double()
        self.evaluations += count
        return out


def manifest_summary(world):
    """One line naming the exported weights (iter, sha) for the reports."""
    m = world.manifest
    return (f"public/models/{world.id}, iter **{m['training']['iter']}** ({m['training']['minutes']} training minutes, "
            f"EMA weights, exported {m.get('exported_at', '?')}, weights sha256 {m['sha256'][:12]}…)")


if __name__ == "__main__":
    w = ImageWorld(sys.argv[1] if len(sys.argv) > 1 else "emoji")
    print(json.dumps(dict(world=w.id, channels=w.channels, side=w.side, classes=w.class_names, null=w.null_class)))
