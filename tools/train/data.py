"""Fashion-MNIST from Debian's dataset-fashion-mnist package, scaled to [-1, 1] (the manifest records this)."""
import gzip
import numpy as np
import torch

ROOT = "/usr/share/datasets/fashion-mnist"


def _read(name: str, offset: int) -> np.ndarray:
    with gzip.open(f"{ROOT}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(split: str = "train"):
    """Returns images (N, 1, 28, 28) float32 in [-1, 1] and labels (N,) int64."""
    prefix = "train" if split == "train" else "t10k"
    images = _read(f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
    labels = _read(f"{prefix}-labels-idx1-ubyte.gz", 8)
    x = torch.from_numpy(images.astype(np.float32) / 127.5 - 1.0)
    return x, torch.from_numpy(labels.astype(np.int64))
