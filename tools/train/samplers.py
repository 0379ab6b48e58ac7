"""Reference samplers in PyTorch (algorithms.md): Karras schedule, Euler and Heun on the EDM probability-flow ODE
dx/dσ = (x − D(x;σ))/σ. Used to score checkpoints offline; the browser has its own (WGSL/JS) implementations.
"""
import torch


def karras(n: int, sigma_min: float = 0.002, sigma_max: float = 80.0, rho: float = 7.0) -> torch.Tensor:
    """EDM eq. 5 / k-diffusion get_sigmas_karras: n σ's from σ_max to σ_min, then 0 appended (float64)."""
    ramp = torch.linspace(0, 1, n, dtype=torch.float64)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    return torch.cat([(hi + ramp * (lo - hi)) ** rho, torch.zeros(1, dtype=torch.float64)])


@torch.no_grad()
def euler(denoise, x, sigmas):
    """EDM Alg. 2 without churn; NFE = len(sigmas) − 1. The step to σ = 0 returns D."""
    for s, s_next in zip(sigmas[:-1], sigmas[1:]):
        d = (x - denoise(x, s)) / s
        x = x + (s_next - s) * d
    return x


@torch.no_grad()
def heun(denoise, x, sigmas):
    """EDM Alg. 1 (deterministic): Euler predictor, trapezoidal corrector unless σ_next = 0. NFE = 2N − 1."""
    for s, s_next in zip(sigmas[:-1], sigmas[1:]):
        d = (x - denoise(x, s)) / s
        x_next = x + (s_next - s) * d
        if s_next > 0:
            d2 = (x_next - denoise(x_next, s_next)) / s_next
            x_next = x + (s_next - s) * (d + d2) / 2
        x = x_next
    return x


def steps_for_nfe(sampler: str, nfe: int) -> int:
    """Number of σ's (before the appended 0) that spends `nfe` evaluations: Heun 2N − 1 = NFE, Euler N = NFE."""
    if sampler == "heun":
        assert nfe % 2 == 1, "Heun's NFE is odd (2N − 1)"
        return (nfe + 1) // 2
    return nfe
