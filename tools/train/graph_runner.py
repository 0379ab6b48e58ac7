"""A reference interpreter of the manifest graphs (unet_graph.py, Classifier.graph()), in plain torch functionals.

It is the executable spec of the op vocabulary: export.py runs the exported manifest + weights.bin through it and
compares with the PyTorch model, so what the WGSL runtime reads is known to compute the model.
"""
import math

import torch
import torch.nn.functional as F


def time_features(t, dim, scale, max_period):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float64) / half)
    args = scale * t.double()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1).float()


def skip_scales(graph: list, rho_bottom: float, rho_top: float) -> dict:
    """Skip-Tuning (Ma et al., ICML 2024): {concat op index: ρ_j}. A concat's second input is the encoder's skip; the
    skips are numbered j = 0 … k in the order the encoder wrote them (nearest the input first), as in
    src/worlds/unet/graph.ts, and ρ_j = ρ_top + (ρ_bottom − ρ_top)·j/k."""
    written_at, produced = {}, {}
    for i, o in enumerate(graph):
        if o["op"] == "concat_channels":
            produced[i] = written_at[o["inputs"][1]]
        written_at[o["output"]] = i
    order = sorted(produced, key=produced.get)
    k = len(order) - 1
    return {i: (rho_top + (rho_bottom - rho_top) * j / k if k > 0 else rho_top) for j, i in enumerate(order)}


def run(arch: dict, weights: dict, inputs: dict, dtype=torch.float32, rho_bottom: float = 1.0,
        rho_top: float = 1.0) -> dict:
    """Returns every named value; weights {name: tensor}; inputs {name: tensor}; rho_*: Skip-Tuning (skip_scales)."""
    scales = skip_scales(arch["graph"], rho_bottom, rho_top) if (rho_bottom, rho_top) != (1.0, 1.0) else {}
    W = {k: v.to(dtype) for k, v in weights.items()}
    # Graph inputs keep their dtype until used: time features want t in float64 (as the browser's JS numbers are).
    env = dict(inputs)

    def val(name):
        v = env[name]
        return v if not v.is_floating_point() else v.to(dtype)
    for index, o in enumerate(arch["graph"]):
        op = o["op"]
        if op == "time_features":
            y = time_features(env[o["input"]], o["dim"], o["scale"], o["max_period"]).to(dtype)
            env[o["output"]] = y
            continue
        x = val(o["input"]) if "input" in o else None
        if op == "linear":
            y = F.linear(x, W[o["weight"]], W[o["bias"]])
        elif op == "conv2d":
            y = F.conv2d(x, W[o["weight"]], W[o["bias"]], stride=o["stride"], padding=o["pad"])
        elif op == "group_norm":
            y = F.group_norm(x, o["groups"], W[o["weight"]], W[o["bias"]], o["eps"])
        elif op == "silu":
            y = F.silu(x)
        elif op == "relu":
            y = F.relu(x)
        elif op == "embedding":
            y = W[o["weight"]][x.long()]
        elif op == "add":
            y = val(o["inputs"][0]) + val(o["inputs"][1])
        elif op == "add_channel_bias":
            y = x + val(o["vector"])[:, :, None, None]
        elif op == "avg_pool2d":
            y = F.avg_pool2d(x, o["k"])
        elif op == "max_pool2d":
            y = F.max_pool2d(x, o["k"])
        elif op == "upsample_nearest2x":
            y = F.interpolate(x, scale_factor=2, mode="nearest")
        elif op == "concat_channels":
            first, skip = (val(n) for n in o["inputs"])
            y = torch.cat([first, skip * scales[index] if index in scales else skip], dim=1)
        elif op == "flatten":
            y = x.flatten(1)
        else:
            raise ValueError(f"unknown op {op}")
        env[o["output"]] = y
    return env
