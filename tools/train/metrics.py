"""Image metrics of the Fashion-MNIST world, scored by the CNN of classifier.py.

- classifier_accuracy: accuracy of class-conditional samples (did the sampler draw the asked-for class?).
- frechet_distance: ‖μa − μb‖² + tr(Σa + Σb − 2(Σa^½ Σb Σa^½)^½), Heusel et al. 2017 (FID) eq. in §"FID",
  here in the classifier's 256-d penultimate features ("FD-FMNIST"). Biased upward at small n: compare at equal n.
Images are clamped to [-1, 1] (the data range) before scoring, as the browser does.
"""
import os

import numpy as np
import torch

from classifier import Classifier

DEFAULT_CKPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs", "classifier.pt")
_cached = {}


def load_classifier(path: str = DEFAULT_CKPT) -> Classifier:
    if path not in _cached:
        state = torch.load(path, map_location="cpu")
        config = state.get("config", {})
        model = Classifier(**{k: config[k] for k in ("channels", "num_classes", "image_size") if k in config})
        model.load_state_dict(state["model"])
        _cached[path] = model.eval().requires_grad_(False)
    return _cached[path]


@torch.no_grad()
def _run(images, model, batch=500):
    model = model or load_classifier()
    logits, feats = [], []
    for i in range(0, len(images), batch):
        lo, f = model(images[i:i + batch].float().clamp(-1, 1), return_features=True)
        logits.append(lo); feats.append(f)
    return torch.cat(logits), torch.cat(feats)


def features(images, model=None) -> np.ndarray:
    """Penultimate (post-ReLU fc1, 256-d) features as float64 numpy, shape (N, 256)."""
    return _run(images, model)[1].double().numpy()


def classifier_accuracy(images, labels, model=None) -> float:
    logits, _ = _run(images, model)
    return (logits.argmax(1) == torch.as_tensor(labels)).double().mean().item()


def _sqrt_psd(a: np.ndarray) -> np.ndarray:
    """Symmetric PSD square root by eigendecomposition (no scipy.linalg.sqrtm); negative round-off clipped."""
    w, v = np.linalg.eigh((a + a.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(feats_a, feats_b) -> float:
    a = np.asarray(feats_a, dtype=np.float64)
    b = np.asarray(feats_b, dtype=np.float64)
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # tr((Σa Σb)^½) = tr((Σa^½ Σb Σa^½)^½), and the inner matrix is symmetric PSD, so eigh is exact and stable.
    s = _sqrt_psd(cov_a)
    w = np.linalg.eigvalsh(s @ cov_b @ s)
    tr_covmean = np.sqrt(np.clip(w, 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * tr_covmean)
