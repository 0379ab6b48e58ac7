"""Golden fixtures for the WGSL UNet: inputs, outputs and intermediate activations of the exported weights.

Computed in float64 from the float32 weights (model.double()), then stored as float32, so the goldens carry no
float32 accumulation error of their own: a float32 runtime should match them to ~1e-4 relative.
Values are named like the manifest graph's buffers (h.in, down.0.out, mid.out, up.2.out, v, ...).
Time t = σ/(1+σ) and the time features are computed from float64 σ (JS numbers are float64, so the browser can too).
"""
import copy
import hashlib
import json
import os

import numpy as np
import torch

import data
from model import edm_denoiser, timestep_features

# The Skip-Tuning golden case: ρ_bottom below ρ_top, as the paper tunes them (Ma et al., ICML 2024, §3).
SKIP_TUNING_CASE = dict(rho_bottom=0.7, rho_top=0.9)


def _double_model(model):
    m = copy.deepcopy(model).double().eval()
    # timestep_features() returns float32 by design (the runtime's features are float32); widen them for the
    # float64 model without touching model.py.
    m.time_mlp1.register_forward_pre_hook(lambda mod, inp: (inp[0].to(mod.weight.dtype),))
    return m


@torch.no_grad()
def _unet_case(m, x, sigma, label, taps, skip_tuning=None):
    """x float32 [B,1,H,W] (EDM space), sigma float64 [B]. Returns {name: tensor} and float64 t.
    skip_tuning: optional dict(rho_bottom=…, rho_top=…), Skip-Tuning's ρ passed to every forward call."""
    net = (lambda z_, t_, l_: m(z_, t_, l_, **skip_tuning)) if skip_tuning else m
    s = sigma.reshape(-1, 1, 1, 1)
    t64 = (sigma / (1 + sigma))
    z = (x.double() / (1 + s)).float()  # the network input as a float32 runtime would hold it
    acts = {}
    hooks = []
    names = {"conv_in": "h.in", "mid": "mid.out", **{f"down.{i}": f"down.{i}.out" for i in range(len(m.down))},
             **{f"up.{i}": f"up.{i}.out" for i in range(len(m.up))}}
    for mod_name, val_name in names.items():
        if val_name in taps:
            hooks.append(m.get_submodule(mod_name).register_forward_hook(
                lambda mod, inp, out, n=val_name: acts.__setitem__(n, out)))
    v = net(z.double(), t64, label)
    for h in hooks:
        h.remove()
    out = dict(x=x, z=z, time_features=timestep_features(t64, m.time_dim), emb=m.embedding(t64, label),
               **acts, v=v, D=edm_denoiser(net, x.double(), sigma, label))
    if "emb" not in taps:
        out.pop("emb")
    return out, t64


def build(model, seed: int = 1234):
    m = _double_model(model)
    g = torch.Generator().manual_seed(seed)
    x_te, y_te = data.load("test")
    first = lambda c: int((y_te == c).nonzero()[0])
    idx = [first(3), first(7), first(0)]
    labels = torch.tensor([3, 7, 10])
    sigma = torch.tensor([0.05, 1.0, 20.0], dtype=torch.float64)
    x = (x_te[idx].double() + sigma.reshape(-1, 1, 1, 1) * torch.randn(3, 1, 28, 28, generator=g, dtype=torch.float64)).float()
    taps = ["emb", "h.in", "mid.out"] + [f"down.{i}.out" for i in range(len(m.down))] + [f"up.{i}.out" for i in range(len(m.up))]
    main, t_main = _unet_case(m, x, sigma, labels, taps)

    # The fully convolutional path at 56×56 (Upsample Guidance runs the 28-px model there).
    sigma56 = torch.tensor([2.0], dtype=torch.float64)
    x0 = torch.nn.functional.interpolate(x_te[first(8)][None], scale_factor=2, mode="nearest").double()
    x56 = (x0 + sigma56 * torch.randn(1, 1, 56, 56, generator=g, dtype=torch.float64)).float()
    big, t_big = _unet_case(m, x56, sigma56, torch.tensor([8]), ["mid.out"])

    # Standalone kernels with real weights, inputs with per-channel offsets/scales so GroupNorm's stats matter.
    gx = (torch.randn(2, 32, 14, 14, generator=g, dtype=torch.float64) * torch.linspace(0.5, 3, 32).double()[None, :, None, None]
          + torch.linspace(-2, 2, 32).double()[None, :, None, None]).float()
    # Skip-Tuning (Ma et al. 2024) on unet_28's inputs, ρ_top ≠ ρ_bottom so both ends of the interpolation count.
    # No new random draws, and appended last: every earlier case keeps its bytes.
    tuned, _ = _unet_case(m, x, sigma, labels, ["up.0.out"], SKIP_TUNING_CASE)
    with torch.no_grad():
        gn = torch.nn.functional.silu(m.down[1].norm1(gx.double()))
        cx = torch.randn(1, 32, 14, 14, generator=g, dtype=torch.float64).float()
        conv = m.down[1].conv1(cx.double())
        skip = m.down[1].skip(cx.double())
    cases = [
        dict(name="unet_28", labels=labels.tolist(), sigma=sigma.tolist(), t=t_main.tolist(),
             test_image_indices=idx, arrays={f"{k}": v for k, v in main.items()}),
        dict(name="unet_56", labels=[8], sigma=sigma56.tolist(), t=t_big.tolist(),
             note="x0 = test image (class 8) upsampled 2× nearest, plus σ·ε", arrays=big),
        dict(name="group_norm_silu", weights=["down.1.norm1.weight", "down.1.norm1.bias"], groups=8, eps=1e-5,
             note="silu(group_norm(input))", arrays=dict(input=gx, output=gn)),
        dict(name="conv3x3", weights=["down.1.conv1.weight", "down.1.conv1.bias"], pad=1,
             arrays=dict(input=cx, output=conv)),
        dict(name="conv1x1", weights=["down.1.skip.weight", "down.1.skip.bias"], pad=0,
             arrays=dict(input=cx, output=skip)),
        dict(name="unet_28_skip_tuning", labels=labels.tolist(), sigma=sigma.tolist(), t=t_main.tolist(),
             skip_tuning=dict(bottom=SKIP_TUNING_CASE["rho_bottom"], top=SKIP_TUNING_CASE["rho_top"]),
             note="unet_28's inputs, skip j of k+1 scaled by ρ_top + (ρ_bottom − ρ_top)·j/k (j = 0 nearest the input)",
             arrays={k: tuned[k] for k in ("x", "z", "up.0.out", "v", "D")}),
    ]
    return cases


def pack_arrays(cases) -> bytearray:
    """Replaces each case's `arrays` (name → tensor) by its table of {name, shape, offset, length} and returns the
    float32 blob: every array C-contiguous, little-endian, at a 16-byte-aligned offset (the goldens' .bin layout)."""
    blob = bytearray()
    for c in cases:
        table = []
        for name, arr in c.pop("arrays").items():
            blob += b"\0" * (-len(blob) % 16)
            a = np.ascontiguousarray(arr.detach().double().numpy()).astype("<f4")
            table.append(dict(name=name, shape=list(a.shape), offset=len(blob), length=int(a.size)))
            blob += a.tobytes()
        c["arrays"] = table
    return blob


def write(model, out_json: str, weights_sha256: str, seed: int = 1234) -> dict:
    cases = build(model, seed)
    blob = pack_arrays(cases)
    bin_path = os.path.splitext(out_json)[0] + ".bin"
    meta = dict(
        format="diffusion-sandbox-golden", version=1, model="public/models/fmnist", weights_sha256=weights_sha256,
        data=os.path.basename(bin_path), dtype="float32", endianness="little", alignment=16,
        data_sha256=hashlib.sha256(blob).hexdigest(), seed=seed,
        precision="computed in float64 from the float32 exported weights, stored as float32",
        conventions=dict(x="EDM-space input x = x0 + σ·ε (float32)", z="x/(1+σ), float32", t="σ/(1+σ), float64",
                         time_features="float32, from float64 t (cos half then sin half of 1000·t·freq)",
                         v="network output for (z as stored, t, label)",
                         D="edm_denoiser(x, σ) = z − t·v evaluated fully in float64"),
        cases=cases)
    os.makedirs(os.path.dirname(out_json) or ".", exist_ok=True)
    with open(bin_path, "wb") as f:
        f.write(bytes(blob))
    with open(out_json, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    return meta
