"""Upsample Guidance as a denoiser wrapper for the plan executor: a mirror of src/guidance/upsample.ts (WGSL
shaders/guidance/upsample-guidance.wgsl; float64 reference tests/reference/upsample-guidance.ts), composed as
src/guidance/compose.ts composes it (Hwang, Park & Jo 2024; VE form of algorithms.md):

    D̂(x; σ) = D(x; σ) + w_σ · U[ D_low(P x; σ/m) − P D(x; σ) ]

- P: m×m average pooling of each size×size channel plane, U: nearest upsampling, m = size / native side (4 at 112
  on Fashion-MNIST: guided straight from 28, not in two stages through 56). Images are channel-major per sample
  (C × size², as the page lays them out), so P and U act plane by plane for any C.
- D_low is the same network at its native 28×28, with the same labels, at σ/m; its own EDM entry uses that σ
  (t = σ_low/(1+σ_low), z = P x/(1+σ_low)), exactly as `sandbox.denoise` at 28 does (tests/gpu/upsample-guidance.test.ts).
- w_σ = w while τ = σ/(1+σ) ≥ 1 − η (isGuided), else 0; outside that window the low branch is not evaluated
  (the page knows each step's σ on the host and skips it too), so it costs nothing there.
- CFG wraps outside this wrapper, each branch guided before the two are mixed (image_world.py `guided`, as
  src/guidance/compose.ts).
Everything around the network is float64, like the executor's registers; the plan passes one σ for the whole batch.
"""
import torch
import torch.nn.functional as F


def is_guided(sigma, eta):
    """src/guidance/upsample.ts isGuided: RF time τ = σ/(1+σ) within the first η of [1, 0]."""
    return sigma / (1 + sigma) >= 1 - eta


def average_pool(x, size, m):
    """(count, C·size²) → (count, C·(size/m)²): m×m block means per plane, row-major (averagePool of the reference)."""
    n = x.shape[0]
    low = size // m
    return x.reshape(-1, low, m, low, m).mean(dim=(2, 4)).reshape(n, -1)


def nearest_up(x, low, m):
    """(count, C·low²) → (count, C·(low·m)²): each value repeated over its m×m block, plane by plane (U)."""
    n = x.shape[0]
    return x.reshape(-1, low, 1, low, 1).expand(-1, low, m, low, m).reshape(n, -1)


class UpsampleGuidance:
    """D̂ from `high(x (count, C·size²), σ)` at size×size and `low(x (count, C·(size/m)²), σ)` at the native size."""

    def __init__(self, high, low, size, factor, weight, eta):
        assert size % factor == 0, f"size {size} is not a multiple of m = {factor}"
        self.high, self.low, self.size, self.m, self.weight, self.eta = high, low, size, factor, weight, eta
        self.guided_calls = 0

    def __call__(self, x, sigma):
        d = self.high(x, sigma)
        if not is_guided(sigma, self.eta):
            return d
        self.guided_calls += 1
        d_low = self.low(average_pool(x, self.size, self.m), sigma / self.m)
        correction = d_low - average_pool(d, self.size, self.m)
        return d + self.weight * nearest_up(correction, self.size // self.m, self.m)


def bilinear_up(images, factor):
    """(count, C, s, s) → (count, C, s·f, s·f), as the page's bilinear panels (src/ui/view/image-mosaic.ts
    upscaleBilinear: half-pixel centres, clamped at the edges = interpolate(mode='bilinear', align_corners=False))."""
    return F.interpolate(images, scale_factor=factor, mode="bilinear", align_corners=False)


def pool_to(images, side):
    """(count, C, s, s) → (count, C, side, side) by s/side × s/side average pooling (how every row is scored)."""
    return F.avg_pool2d(images, images.shape[-1] // side) if images.shape[-1] != side else images
