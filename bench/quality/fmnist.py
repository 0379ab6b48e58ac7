"""The Fashion-MNIST world in PyTorch, read from what the browser ships: public/models/fmnist (UNet) and
public/models/fmnist-classifier (scorer), through tools/train/weights_format.read, so the benchmark scores exactly
the exported float32 weights and picks up whatever checkpoint was exported last.

Precision: the network runs in float32 like the WGSL one; the EDM entry and exit (t = σ/(1+σ), z = x/(1+σ),
D = z − t·v, manifest "parameterisation") are float64, around float64 registers.
"""
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
import graph_runner  # noqa: E402
import image_world  # noqa: E402
import weights_format  # noqa: E402
from classifier import Classifier  # noqa: E402
from model import UNet  # noqa: E402

UNET_DIR = os.path.join(ROOT, "public", "models", "fmnist")
CLASSIFIER_DIR = os.path.join(ROOT, "public", "models", "fmnist-classifier")


def load_unet(model_dir=UNET_DIR):
    manifest, tensors = weights_format.read(model_dir)
    assert manifest["architecture"]["type"] == "unet" and manifest["parameterisation"]["type"] == "rf-v", "expected the rf-v UNet"
    config = manifest["architecture"]["config"]
    model = UNet(**{k: config[k] for k in ("base", "mults", "time_dim", "emb_dim")})
    model.load_state_dict(tensors)
    return model.eval().requires_grad_(False), manifest


def load_graph_network(model_dir=UNET_DIR):
    """The manifest graph run by tools/train/graph_runner.py in float64: v(z, t, label) without float32 rounding,
    to measure how much of a browser-vs-Python difference float32 alone explains (check_browser.py)."""
    manifest, tensors = weights_format.read(model_dir)
    arch = manifest["architecture"]
    return lambda z, t, label: graph_runner.run(arch, tensors, dict(z=z, t=t, label=label), torch.float64)["v"]


def load_classifier(model_dir=CLASSIFIER_DIR):
    manifest, tensors = weights_format.read(model_dir)
    model = Classifier()
    model.load_state_dict(tensors)
    return model.eval().requires_grad_(False), manifest


def tuned(unet, skip):
    """The network with Skip-Tuning's ρ (Ma et al. 2024) as a plan exports it ({bottom, top}; None: untuned, which is
    model.py's default path, bit for bit the shipped network)."""
    if not skip:
        return unet
    return lambda z, t, label: unet(z, t, label, rho_bottom=skip["bottom"], rho_top=skip["top"])


class Denoiser(image_world.Denoiser):
    """image_world.Denoiser for Fashion-MNIST's one channel, 125 samples per chunk."""

    def __init__(self, network, labels, null_class, batch=125, dtype=torch.float32):
        super().__init__(network, labels, null_class, 1, batch, dtype)
