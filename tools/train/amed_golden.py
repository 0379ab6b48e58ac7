"""Golden fixtures for the learned AMED predictor (NFE 5) as shipped in public/models/fmnist-amed:
tests/fixtures/amed-predictor-golden.json + .bin (the 16-byte-aligned float32 layout of tests/fixtures/fmnist-golden).

(a) "predictor": 4 cases, each a random mid.out tensor [4, 64, 7, 7] (float32, stored) and a (t_n, t_{n+1}) pair →
    the channel-mean b [4, 49], r [4], c [4], computed in float64 from the float32 weights.
(b) "trajectory": AMED-Solver at NFE 5 for 3 samples, noise z [3, 784] (float32, stored; x_0 = σ_0·z in float64),
    labels [3, 7, 10]; the UNet is the manifest graph of public/models/fmnist run by graph_runner.py in float64 from
    the float32 weights; step math in float64. Per step per sample: r, c, s (JSON, float64), b [3, 49], x_n; final x.

  /usr/bin/python3 tools/train/amed_golden.py            # writes the fixture
  /usr/bin/python3 tools/train/amed_golden.py --check    # recomputes and compares with the committed fixture
"""
import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import amed_predictor as A  # noqa: E402
import graph_runner  # noqa: E402
import weights_format  # noqa: E402
from export_amed import load_predictors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AMED_DIR = os.path.join(ROOT, "public", "models", "fmnist-amed")
UNET_DIR = os.path.join(ROOT, "public", "models", "fmnist")
OUT = os.path.join(ROOT, "tests", "fixtures", "amed-predictor-golden.json")
NFE = 5


def build(seed=2024):
    torch.set_num_threads(1)
    amed_manifest, preds = load_predictors(AMED_DIR)
    entry, pred = preds[NFE]
    pred = pred.double()
    unet_manifest, unet_w = weights_format.read(UNET_DIR)
    assert amed_manifest["model_sha256"] == unet_manifest["sha256"]
    arch = unet_manifest["architecture"]
    sig = entry["sigmas"]
    g = torch.Generator().manual_seed(seed)
    arrays, cases = {}, []
    pairs = [(sig[1], sig[2]), (sig[2], sig[3]), (sig[0], sig[1]), (5.0, 0.5)]
    for i, (tc, tn) in enumerate(pairs):
        mid = (torch.randn(4, 64, 7, 7, generator=g) * (0.5 + 0.5 * i) + 0.2 * (i - 1)).float()
        b = A.reduce_bottleneck(mid.double())
        r, c = pred(b, tc, tn)
        arrays[f"predictor.{i}.mid_out"] = mid
        arrays[f"predictor.{i}.b"] = b
        cases.append(dict(name=f"predictor.{i}", t_cur=tc, t_next=tn, mid_out=f"predictor.{i}.mid_out",
                          b=f"predictor.{i}.b", r=r.tolist(), c=c.tolist()))

    def net(x, sigma, label):
        B = x.shape[0]
        s = sigma.reshape(B, 1)
        t = s / (1 + s)
        z = x / (1 + s)
        env = graph_runner.run(arch, unet_w, dict(z=z.reshape(B, 1, 28, 28), t=t.reshape(B), label=label), torch.float64)
        return z - t * env["v"].reshape(B, -1), env["mid.out"]

    z = torch.randn(3, 784, generator=g).float()
    labels = torch.tensor([3, 7, 10])
    x = z.double() * sig[0]
    steps, xs = [], [x]
    for n in range(len(sig) - 1):
        t, tn = sig[n], sig[n + 1]
        if n == 0:
            d = x / math.sqrt(1 + t * t)
            b = torch.zeros(3, 49, dtype=torch.float64)
        else:
            D, mid = net(x, torch.full((3,), t, dtype=torch.float64), labels)
            d = (x - D) / t
            b = A.reduce_bottleneck(mid)
        r, c = pred(b, t, tn)
        s = tn ** r * t ** (1 - r)
        y = x + (s - t)[:, None] * d
        Dy, _ = net(y, s, labels)
        x = x + (c * (tn - t))[:, None] * (y - Dy) / s[:, None]
        arrays[f"trajectory.b.{n}"] = b
        arrays[f"trajectory.x.{n + 1}"] = x
        steps.append(dict(n=n, t_cur=t, t_next=tn, afs=(n == 0), r=r.tolist(), c=c.tolist(), s=s.tolist(),
                          b=f"trajectory.b.{n}", x_next=f"trajectory.x.{n + 1}"))
    arrays["trajectory.z"] = z
    trajectory = dict(nfe=NFE, labels=labels.tolist(), sigmas=sig, z="trajectory.z", steps=steps,
                      x_final=f"trajectory.x.{len(sig) - 1}",
                      note="x_0 = sigmas[0]·z (float64 from the stored float32 z); the sample is x at sigmas[-1]")
    return amed_manifest, unet_manifest, cases, trajectory, arrays


def pack(arrays):
    blob, table = bytearray(), []
    for name, arr in arrays.items():
        blob += b"\0" * (-len(blob) % 16)
        a = np.ascontiguousarray(arr.detach().double().numpy()).astype("<f4")
        table.append(dict(name=name, shape=list(a.shape), offset=len(blob), length=int(a.size)))
        blob += a.tobytes()
    return bytes(blob), table


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    amed_manifest, unet_manifest, cases, trajectory, arrays = build()
    blob, table = pack(arrays)
    bin_path = os.path.splitext(OUT)[0] + ".bin"
    meta = dict(format="diffusion-sandbox-golden", version=1, kind="amed-predictor",
                amed_model="public/models/fmnist-amed", amed_weights_sha256=amed_manifest["sha256"],
                model="public/models/fmnist", weights_sha256=unet_manifest["sha256"], nfe=NFE,
                data=os.path.basename(bin_path), dtype="float32", endianness="little", alignment=16,
                data_sha256=hashlib.sha256(blob).hexdigest(),
                precision="float64 math from the float32 weights (predictor and UNet graph via graph_runner.py); "
                          "arrays stored as float32, r/c/s as JSON float64",
                conventions=dict(mid_out="[B, 64, 7, 7] as the UNet tap mid.out", b="channel mean of mid_out, [B, 49], row-major y*7+x",
                                 t="EDM σ (t_cur = t_n, t_next = t_{n+1})"),
                arrays=table, predictor=cases, trajectory=trajectory)
    if args.check:
        with open(OUT) as f:
            old = json.load(f)
        assert old["amed_weights_sha256"] == meta["amed_weights_sha256"], "golden made from other predictor weights"
        worst = max(abs(a - b) for c0, c1 in zip(old["predictor"], cases) for k in ("r", "c") for a, b in zip(c0[k], c1[k]))
        worst_t = max(abs(a - b) for s0, s1 in zip(old["trajectory"]["steps"], trajectory["steps"]) for k in ("r", "c", "s") for a, b in zip(s0[k], s1[k]))
        print(f"golden check: max |Δ| predictor {worst:.2e}, trajectory r/c/s {worst_t:.2e}")
        assert worst < 1e-12 and worst_t < 1e-9
        return
    with open(bin_path, "wb") as f:
        f.write(blob)
    with open(OUT, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    fx = arrays[trajectory["x_final"]]
    print(f"wrote {OUT} (+ .bin, {len(blob)} bytes); r per step {[[round(v, 4) for v in s['r']] for s in trajectory['steps']]}; "
          f"final x range [{float(fx.min()):.3f}, {float(fx.max()):.3f}]")


if __name__ == "__main__":
    main()
