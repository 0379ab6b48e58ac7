"""The class-conditional UNet of the Fashion-MNIST world.

Fully convolutional with no fixed-size layer, so it runs at 28, 56 and 112 (Upsample Guidance needs that).
Shapes at 28×28: 28 (32 ch) → 14 (64 ch) → 7 (64 ch, the bottleneck AMED's predictor reads) → 14 → 28.
The WGSL executor (src/worlds/unet/) walks the same graph; `export.py` writes the tensors in state_dict order
and the manifest names each of them (graph: unet_graph.py), so the two can never silently disagree.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 10
NULL_CLASS = 10  # label-dropout target for classifier-free guidance
GROUPS = 8


def timestep_features(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal features of 1000·t (RF time t ∈ [0, 1]); first half cos, second half sin.
    Computed in float64 on the CPU at run time (WGSL sin/cos are only ~2^-11 accurate)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    args = 1000.0 * t.double()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1).float()


class ResBlock(nn.Module):
    """GroupNorm → SiLU → conv3×3, + Linear(SiLU(emb)), GroupNorm → SiLU → conv3×3, plus a (1×1 when widths differ) skip."""

    def __init__(self, cin: int, cout: int, emb_dim: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(GROUPS, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, cout)
        self.norm2 = nn.GroupNorm(GROUPS, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class UNet(nn.Module):
    """v-prediction network for rectified flow: v(z_t, t, label) ≈ ε − x0 with z_t = (1−t)·x0 + t·ε."""

    def __init__(self, base: int = 32, mults=(1, 2, 2), time_dim: int = 32, emb_dim: int = 128,
                 channels: int = 1, num_classes: int = NUM_CLASSES):
        super().__init__()
        # The null class (label dropout, CFG) is the last embedding row, index num_classes.
        self.config = dict(base=base, mults=list(mults), time_dim=time_dim, emb_dim=emb_dim,
                           groups=GROUPS, num_classes=num_classes, null_class=num_classes, channels=channels)
        self.time_dim = time_dim
        self.time_mlp1 = nn.Linear(time_dim, emb_dim)
        self.time_mlp2 = nn.Linear(emb_dim, emb_dim)
        self.class_emb = nn.Embedding(num_classes + 1, emb_dim)
        widths = [base * m for m in mults]
        self.conv_in = nn.Conv2d(channels, widths[0], 3, padding=1)
        self.down = nn.ModuleList()
        cin = widths[0]
        for w in widths:
            self.down.append(ResBlock(cin, w, emb_dim))
            cin = w
        self.mid = ResBlock(cin, cin, emb_dim)
        self.up = nn.ModuleList()
        for w in reversed(widths):
            self.up.append(ResBlock(cin + w, w, emb_dim))
            cin = w
        self.norm_out = nn.GroupNorm(GROUPS, cin)
        self.conv_out = nn.Conv2d(cin, channels, 3, padding=1)

    def embedding(self, t, label):
        e = self.time_mlp2(F.silu(self.time_mlp1(timestep_features(t, self.time_dim))))
        return e + self.class_emb(label)

    def forward(self, z, t, label, return_bottleneck: bool = False, rho_bottom: float = 1.0, rho_top: float = 1.0):
        """rho_bottom, rho_top: Skip-Tuning (Ma et al., ICML 2024, §3). Skip j of the k + 1 long skips (j = 0 nearest
        the input, k the deepest) is scaled by ρ_j = ρ_top + (ρ_bottom − ρ_top)·j/k before the decoder concatenates
        it; both 1 (the default) is the trained network, untouched."""
        emb = self.embedding(t, label)
        h = self.conv_in(z)
        skips = []
        for i, block in enumerate(self.down):
            h = block(h, emb)
            skips.append(h)
            if i < len(self.down) - 1:
                h = F.avg_pool2d(h, 2)
        h = self.mid(h, emb)
        bottleneck = h
        tuned = rho_bottom != 1.0 or rho_top != 1.0
        k = len(skips) - 1
        for i, block in enumerate(self.up):
            j = len(skips) - 1
            skip = skips.pop()
            if tuned:
                skip = skip * (rho_top + (rho_bottom - rho_top) * j / k if k > 0 else rho_top)
            h = block(torch.cat([h, skip], dim=1), emb)
            if i < len(self.up) - 1:
                h = F.interpolate(h, scale_factor=2, mode="nearest")
        out = self.conv_out(F.silu(self.norm_out(h)))
        return (out, bottleneck) if return_bottleneck else out


def edm_denoiser(model, x, sigma, label):
    """D(x; σ) in the EDM form from the RF v-network: t = σ/(1+σ), z = x/(1+σ), D = z − t·v (algorithms.md)."""
    sigma = sigma.reshape(-1, 1, 1, 1).to(x.dtype)
    t = sigma / (1 + sigma)
    z = x / (1 + sigma)
    return z - t * model(z, t.flatten(), label)
