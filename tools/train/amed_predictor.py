"""The learned AMED predictor (Zhou et al., CVPR 2024, "Fast ODE-based Sampling for Diffusion Models in Around 5
Steps") for the Fashion-MNIST UNet, and the AMED-Solver step that uses it. Our own code, written from the paper and
from reading zju-pi/diff-sampler amed-solver-main (training/networks.py AMED_predictor, training/loss.py AMED_loss,
training/training_loop.py, solvers_amed.py amed_sampler / heun_sampler / get_amed_prediction, solver_utils.py
get_schedule, train.py, launch.sh) at the snapshot fetched on this machine.

SPEC DECISIONS (what the official code does; the exported manifest records them; the TS/WGSL side follows it)
----------------------------------------------------------------------------------------------------------------
1. Bottleneck reduction = "channel-mean". solvers_amed.get_amed_prediction takes the hooked feature map [B, C, H, W]
   and reduces it with torch.mean(·, dim=1): the mean over the CHANNELS, keeping the spatial map ([B, 8, 8] for the
   EDM 32×32 nets). AMED_predictor.forward then flattens it row-major: bottleneck_input_dim = 64 = 8·8 there.
   For our UNet the tap is `mid.out` [B, 64, 7, 7] → mean over the 64 channels → 7×7 = 49 values, index y·7 + x.
   (The official EDM tap is the last 8×8 encoder block, enc['8x8_block2'|'8x8_block3'], i.e. the lowest-resolution
   feature map; ADM/LDM nets use middle_block. Our lowest-resolution map is mid.out, as the shared spec says.)
2. AFS step (n = 0): no network evaluation, so the bottleneck input is ZEROS ([B, 49]); d_0 = x_0/√(1+t_0²).
   The bottleneck otherwise comes from D(x_n; t_n) of the same step (the hook is removed before D(y; s)).
3. Time inputs are the EDM σ values t_n, t_{n+1} (scalars shared by the batch). Embedding: PositionalEmbedding
   (num_channels 8, endpoint=True, max_positions 10000): f_k = (1/10000)^(k/3), k = 0..3; pe = [cos(σ f_k), sin(σ f_k)];
   then swapped to [sin, cos]; e(σ) = silu(map_layer0(·)). u = concat(h[4], e(t_n)[8], e(t_{n+1})[8]).
4. Heads: r = sigmoid(fc_r·u); c = sigmoid(fc_scale_dir·u)·2·s_d + (1 − s_d), s_d = scale_dir = 0.01 (launch.sh
   for AMED-Solver: --scale_dir=0.01 --scale_time=0; so no fc_scale_time and D(y; s) is evaluated at s itself).
5. Init (networks.Linear): map_layer0 xavier_uniform, every other weight kaiming_normal (√(1/fan_in)·N(0,1)); all
   biases 0.
6. Teacher (loss.get_teacher_traj): Heun (EDM Alg. 1, no AFS, 2nd-order correction on every step including the
   last, which ends at σ_min > 0) on the SAME schedule type with (M+1)(N−1)+1 = 2N−1 points (M = 1); the student
   points are every second teacher point (for time_uniform the even points are exactly the N-point grid).
   Official AMED-Solver schedule: --schedule_type=time_uniform --schedule_rho=1 (our timeUniform).
7. Loss and restart (loss.AMED_loss.__call__, training_loop): per student step n, the student step starts from the
   TEACHER state x_n (restart), loss = Σ_pixels (x^stu_{n+1} − x^tea_{n+1})² summed over the batch and scaled by
   1/batch (squared L2 per sample, batch mean); a separate Adam step per student step n (zero_grad → backward →
   nan_to_num(grad) → step), steps n = 0 … N−2 in order for each batch. Logged metric: batch mean of the L2 norm.
8. Optimiser and data: Adam(lr 5e-3, betas (0.9, 0.999), eps 1e-8); batch 128; total_kimg 10 (10k trajectories,
   fresh noise per batch, one pass); CIFAR-10 labels uniform over classes. Ours (CPU budget): a fixed pool of a few
   thousand teacher trajectories with labels uniform over 0..9 plus some null-class (10) ones, several epochs with
   batch 128 so the number of Adam steps is comparable (recorded in the manifest's `training`).
9. NFE = 2(N−1) − 1 with AFS; no final denoise to 0 (denoise_to_zero=False): the sample is x at σ_min.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NOISE_CHANNELS = 8
HIDDEN_DIM = 128
BOTTLENECK_OUTPUT_DIM = 4
SCALE_DIR = 0.01
SCALE_TIME = 0
REDUCE = "channel-mean"
TAP = "mid.out"
SIGMA_MAX, SIGMA_MIN = 80.0, 0.002
TENSOR_NAMES = ["map_layer0.weight", "map_layer0.bias", "enc_layer0.weight", "enc_layer0.bias",
                "enc_layer1.weight", "enc_layer1.bias", "fc_r.weight", "fc_r.bias",
                "fc_scale_dir.weight", "fc_scale_dir.bias"]


def reduce_bottleneck(mid_out: torch.Tensor) -> torch.Tensor:
    """mid.out [B, C, H, W] → channel mean, flattened row-major: [B, H·W] (49 at 28×28)."""
    return mid_out.mean(dim=1).reshape(mid_out.shape[0], -1)


def positional_embedding(sigma: torch.Tensor, channels: int = NOISE_CHANNELS) -> torch.Tensor:
    """sigma [B] → [B, channels] = [sin(σ f_k) …, cos(σ f_k) …] (already swapped), f_k = (1/10000)^(k/(half−1))."""
    half = channels // 2
    k = torch.arange(half, dtype=sigma.dtype)
    freqs = (1.0 / 10000.0) ** (k / (half - 1))
    a = sigma[:, None] * freqs[None, :]
    return torch.cat([torch.sin(a), torch.cos(a)], dim=1)


class AmedPredictor(nn.Module):
    def __init__(self, input_dim: int = 49, hidden_dim: int = HIDDEN_DIM, out_dim: int = BOTTLENECK_OUTPUT_DIM,
                 noise_channels: int = NOISE_CHANNELS, scale_dir: float = SCALE_DIR):
        super().__init__()
        self.noise_channels, self.scale_dir = noise_channels, scale_dir
        self.map_layer0 = nn.Linear(noise_channels, noise_channels)
        self.enc_layer0 = nn.Linear(input_dim, hidden_dim)
        self.enc_layer1 = nn.Linear(hidden_dim, out_dim)
        self.fc_r = nn.Linear(2 * noise_channels + out_dim, 1)
        self.fc_scale_dir = nn.Linear(2 * noise_channels + out_dim, 1)
        with torch.no_grad():
            for lin in (self.map_layer0, self.enc_layer0, self.enc_layer1, self.fc_r, self.fc_scale_dir):
                fan_out, fan_in = lin.weight.shape
                if lin is self.map_layer0:  # xavier_uniform
                    lin.weight.copy_(math.sqrt(6 / (fan_in + fan_out)) * (torch.rand(fan_out, fan_in) * 2 - 1))
                else:  # kaiming_normal as in the official Linear
                    lin.weight.copy_(math.sqrt(1 / fan_in) * torch.randn(fan_out, fan_in))
                lin.bias.zero_()

    def embed(self, sigma: torch.Tensor) -> torch.Tensor:
        return F.silu(self.map_layer0(positional_embedding(sigma, self.noise_channels)))

    def forward(self, b: torch.Tensor, t_cur, t_next):
        """b [B, input_dim]; t_cur, t_next: floats or [B] tensors (σ). Returns r [B], c [B]."""
        B, dt = b.shape[0], b.dtype
        tc = torch.as_tensor(t_cur, dtype=dt).reshape(-1).expand(B)
        tn = torch.as_tensor(t_next, dtype=dt).reshape(-1).expand(B)
        h = self.enc_layer1(F.silu(self.enc_layer0(b)))
        u = torch.cat([h, self.embed(tc), self.embed(tn)], dim=1)
        r = torch.sigmoid(self.fc_r(u)).reshape(B)
        c = 1 - self.scale_dir + 2 * self.scale_dir * torch.sigmoid(self.fc_scale_dir(u)).reshape(B)
        return r, c


def time_uniform_sigmas(n: int, sigma_max: float = SIGMA_MAX, sigma_min: float = SIGMA_MIN) -> list:
    """The N timestamps of src/sampling/schedules.ts timeUniform (without its trailing 0), same float64 formula."""
    eps = 1e-3
    log_max, log_min = math.log1p(sigma_max * sigma_max), math.log1p(sigma_min * sigma_min)
    beta_d = 2 * (log_min / eps - log_max) / (eps - 1)
    beta_min = log_max - 0.5 * beta_d
    out = []
    for i in range(n):
        t = 1 + (0 if n == 1 else i / (n - 1)) * (eps - 1)
        out.append(math.sqrt(math.expm1(0.5 * beta_d * t * t + beta_min * t)))
    return out


def nfe_to_timestamps(nfe: int) -> int:
    """NFE = 2(N−1) − 1 with AFS."""
    assert nfe % 2 == 1 and nfe >= 3
    return (nfe + 1) // 2 + 1


def denoise(unet, x: torch.Tensor, sigma: torch.Tensor, label: torch.Tensor, bottleneck: bool = False):
    """D(x; σ) of the rf-v UNet in the EDM form, per-sample σ. x [B, 784] (any float dtype; the EDM entry/exit is in
    x's dtype, the network in the unet's dtype). Returns D [B, 784] (and mid.out when asked)."""
    B = x.shape[0]
    s = sigma.to(x.dtype).reshape(B, 1)
    t = s / (1 + s)
    z = x / (1 + s)
    pdt = next(unet.parameters()).dtype
    v, mid = unet(z.to(pdt).reshape(B, 1, 28, 28), t.reshape(B).double(), label, return_bottleneck=True)
    D = z - t * v.reshape(B, -1).to(x.dtype)
    return (D, mid) if bottleneck else D


def solver_step(unet, predictor, x, t, t_next, label, afs_first: bool, d=None, b=None):
    """One AMED-Solver step from x at σ = t (float). d, b (direction, reduced bottleneck) may be passed when already
    known (training: they come from the teacher state). Returns x_next, r, c, s."""
    B = x.shape[0]
    if d is None:
        if afs_first:
            d = x / math.sqrt(1 + t * t)
            b = torch.zeros(B, predictor.enc_layer0.in_features, dtype=torch.float32)
        else:
            D, mid = denoise(unet, x, torch.full((B,), t, dtype=torch.float64), label, bottleneck=True)
            d = (x - D) / t
            b = reduce_bottleneck(mid.float())
    r, c = predictor(b.to(next(predictor.parameters()).dtype), t, t_next)
    r, c = r.to(x.dtype), c.to(x.dtype)
    s = t_next ** r * t ** (1 - r)
    y = x + (s - t)[:, None] * d
    Dy = denoise(unet, y, s, label)
    x_next = x + (c * (t_next - t))[:, None] * (y - Dy) / s[:, None]
    return x_next, r, c, s


@torch.no_grad()
def sample(unet, predictor, z: torch.Tensor, label: torch.Tensor, sigmas, dtype=torch.float64, record=None):
    """AMED-Solver with the learned predictor from noise z [B, 784]: x_0 = σ_0·z, steps n = 0…N−2, returns x at σ_min.
    record (list) receives per step (r, c, s) tensors."""
    x = z.to(dtype) * sigmas[0]
    for n in range(len(sigmas) - 1):
        x, r, c, s = solver_step(unet, predictor, x, sigmas[n], sigmas[n + 1], label, afs_first=(n == 0))
        if record is not None:
            record.append((r, c, s))
    return x
