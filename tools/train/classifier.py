"""The Fashion-MNIST CNN that scores samples (accuracy on class-conditional samples, FD in its penultimate features).

conv3×3 32 → ReLU → conv3×3 64 → ReLU → maxpool2 → conv3×3 128 → ReLU → maxpool2 → flatten (C,H,W order)
→ fc 256 → ReLU (the "penultimate features", FD-FMNIST) → fc 10.
Input: images in [-1, 1] (data.py's scaling), 1×28×28. Plain ReLU/max-pool so the WGSL port needs no new kernels
beyond conv, and fc weights are row-major [out, in] on a flatten of NCHW (PyTorch's `flatten(1)`).
Dropout acts only in training, so the exported graph has none.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Classifier(nn.Module):
    """The defaults are the shipped Fashion-MNIST scorer; other worlds (tests/fixtures, make_test_world.py) pass their
    own widths, classes, side (a multiple of 4) and channels."""

    def __init__(self, widths=(32, 64, 128), features: int = 256, num_classes: int = 10, image_size: int = 28,
                 channels: int = 1):
        super().__init__()
        self.config = dict(widths=list(widths), features=features, num_classes=num_classes, image_size=image_size,
                           channels=channels)
        w1, w2, w3 = widths
        self.conv1 = nn.Conv2d(channels, w1, 3, padding=1)
        self.conv2 = nn.Conv2d(w1, w2, 3, padding=1)
        self.conv3 = nn.Conv2d(w2, w3, 3, padding=1)
        self.fc1 = nn.Linear(w3 * (image_size // 4) ** 2, features)
        self.fc2 = nn.Linear(features, num_classes)
        self.drop = nn.Dropout(0.3)

    def features(self, x):
        h = F.relu(self.conv1(x))
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        h = F.max_pool2d(F.relu(self.conv3(h)), 2)
        return F.relu(self.fc1(h.flatten(1)))

    def forward(self, x, return_features: bool = False):
        f = self.features(x)
        logits = self.fc2(self.drop(f))
        return (logits, f) if return_features else logits

    def graph(self):
        """The op list the exporter writes to the manifest (same vocabulary as unet_graph.py), in forward() order."""
        c = self.config
        w1, w2, w3 = c["widths"]
        s = c["image_size"] // 4
        flat = w3 * s * s
        def conv(n, cin, cout, src, dst):
            return dict(op="conv2d", weight=f"{n}.weight", bias=f"{n}.bias", cin=cin, cout=cout, k=3, stride=1, pad=1,
                        input=src, output=dst)

        def fc(n, fin, fout, src, dst):
            return dict(op="linear", weight=f"{n}.weight", bias=f"{n}.bias", fin=fin, fout=fout, input=src, output=dst)
        return [
            conv("conv1", c["channels"], w1, "image", "h1"), dict(op="relu", input="h1", output="h1"),
            conv("conv2", w1, w2, "h1", "h2"), dict(op="relu", input="h2", output="h2"),
            dict(op="max_pool2d", k=2, input="h2", output="h2p"),
            conv("conv3", w2, w3, "h2p", "h3"), dict(op="relu", input="h3", output="h3"),
            dict(op="max_pool2d", k=2, input="h3", output="h3p"),
            dict(op="flatten", order="CHW", input="h3p", output="flat",
                 note=f"[B,{w3},{s},{s}] → [B,{flat}], index c·{s * s}+y·{s}+x"),
            fc("fc1", flat, c["features"], "flat", "features"),
            dict(op="relu", input="features", output="features", note="penultimate features: FD-FMNIST uses these"),
            fc("fc2", c["features"], c["num_classes"], "features", "logits"),
        ]
