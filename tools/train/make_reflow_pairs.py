"""Reflow pairs from the 1-RF model (Liu, Gong & Liu 2023, Alg. 1 "Reflow": z1 = ODE_1[z0]).

Each pair is (z0 = ε, x1, label): the noise that starts the probability-flow ODE and the image that the 1-RF model's
ODE maps it to, solved accurately with Heun (EDM Alg. 1, Karras schedule σ_max 80 → σ_min 0.002, 35 NFE by default,
EMA weights, no CFG). The ODE starts at x = σ_max·ε, i.e. RF time τ = 80/81 with z = τ·ε, which is where the `reflow`
sampler starts too. Labels are balanced (i mod 10). Fine-tuning on these pairs (train_unet.py --pairs) gives 2-RF.

Resumable: the output is rewritten atomically after every chunk, and a rerun continues after the last finished chunk
(the noise of pair i depends only on --seed and i, so a resumed run makes the same pairs). Example:
  nohup nice -n 5 /usr/bin/python3 tools/train/make_reflow_pairs.py --ckpt tools/train/checkpoints/unet.pt \
      --out tools/train/runs/pairs.pt --n 20000 >> tools/train/runs/pairs.log 2>&1 &
"""
import argparse
import json
import time

import torch

import checkpoint
import samplers
from eval_samples import load_unet
from model import edm_denoiser


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", required=True, help="the 1-RF training state (its EMA weights are used)")
    p.add_argument("--out", required=True)
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--nfe", type=int, default=35)
    p.add_argument("--chunk", type=int, default=500)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1234)
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    model, state = load_unet(args.ckpt)
    sigmas = samplers.karras(samplers.steps_for_nfe("heun", args.nfe)).float()
    done = checkpoint.load(args.out) or dict(z0=torch.empty(0, 1, 28, 28), x1=torch.empty(0, 1, 28, 28),
                                             label=torch.empty(0, dtype=torch.long), seconds=0.0)
    assert done.get("source_iter", state["iter"]) == state["iter"], "pairs in --out come from another checkpoint"
    t_start = time.time()
    while len(done["label"]) < args.n:
        i0 = len(done["label"])
        m = min(args.chunk, args.n - i0)
        g = torch.Generator().manual_seed(args.seed * 1_000_003 + i0)  # chunk-indexed: resuming repeats nothing
        z0 = torch.randn(m, 1, 28, 28, generator=g)
        y = torch.arange(i0, i0 + m) % 10
        t0 = time.time()
        x1 = samplers.heun(lambda x, s: edm_denoiser(model, x, s.expand(len(x)), y), sigmas[0] * z0, sigmas)
        done = dict(z0=torch.cat([done["z0"], z0]), x1=torch.cat([done["x1"], x1]), label=torch.cat([done["label"], y]),
                    seconds=done["seconds"] + time.time() - t0, source_iter=state["iter"], nfe=args.nfe,
                    sampler="heun", schedule="karras sigma 80 -> 0.002", seed=args.seed, chunk=args.chunk)
        checkpoint.save(args.out, done)
        print(json.dumps({"pairs": len(done["label"]), "minutes": round(done["seconds"] / 60, 2),
                          "chunk_s": round(time.time() - t0, 1)}), flush=True)
    print(json.dumps({"done": len(done["label"]), "minutes": round(done["seconds"] / 60, 2),
                      "session_s": round(time.time() - t_start, 1)}), flush=True)


if __name__ == "__main__":
    main()
