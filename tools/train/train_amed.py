"""Train the learned AMED-Solver predictor (amed_predictor.py) for one NFE against the SHIPPED Fashion-MNIST network
(public/models/fmnist, read through weights_format, exactly the float32 weights the browser runs).

Resumable (checkpoint.py, atomic): rerun the same command after a kill.
  phase 1  teacher: Heun on the 2N−1-point time-uniform grid (M = 1) from σ_0·z; stores at the N student points the
           teacher state x_n, and for n ≥ 1 the direction d_n = (x_n − D(x_n; t_n))/t_n and the channel-mean of
           mid.out from that same evaluation (it IS the teacher's first Heun stage at t_n, so it costs nothing);
           d_0 = x_0/√(1+t_0²) and b_0 = 0 (AFS). None of this depends on the predictor.
  phase 2  time-only baseline on the validation trajectories (one (r, c) per step: grid + golden section on r,
           closed-form least-squares c, as src/sampling/amed/calibrate.ts but against this M = 1 teacher).
  phase 3  training: per batch, for n = 0 … N−2 in order, restart from the teacher x_n, one AMED-Solver step
           (only D(y; s) needs forward + backward), loss Σ(x_{n+1} − x^tea_{n+1})² / batch, one Adam step per n.
Writes tools/train/runs/amed/nfe<NFE>.pt (teacher pool, baseline, predictor, optimiser, log).

  nice -n 10 /usr/bin/python3 tools/train/train_amed.py --nfe 5
"""
import argparse
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import amed_predictor as A  # noqa: E402
import checkpoint  # noqa: E402
import weights_format  # noqa: E402
from model import UNet, NULL_CLASS  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNET_DIR = os.path.join(ROOT, "public", "models", "fmnist")


def load_shipped_unet():
    manifest, tensors = weights_format.read(UNET_DIR)
    cfg = manifest["architecture"]["config"]
    unet = UNet(**{k: cfg[k] for k in ("base", "mults", "time_dim", "emb_dim")})
    unet.load_state_dict(tensors)
    assert manifest["architecture"]["taps"]["bottleneck"] == A.TAP
    return unet.eval().requires_grad_(False), manifest


def make_labels(n, null_frac, g):
    labels = torch.randint(0, 10, (n,), generator=g)
    null = torch.rand(n, generator=g) < null_frac
    labels[null] = NULL_CLASS
    return labels


@torch.no_grad()
def teacher_chunk(unet, z, labels, sig_t, N, M=1):
    """Heun (no AFS) on the (M+1)(N−1)+1-point grid (official M = 1); returns xs [B, N, 784], ds [B, N−1, 784], bs [B, N−1, 49]."""
    B = z.shape[0]
    x = z.double() * sig_t[0]
    xs, ds, bs = [x], [x / math.sqrt(1 + sig_t[0] ** 2)], [torch.zeros(B, 49, dtype=torch.float64)]
    for i in range(len(sig_t) - 1):
        t, tn = sig_t[i], sig_t[i + 1]
        D, mid = A.denoise(unet, x, torch.full((B,), t, dtype=torch.float64), labels, bottleneck=True)
        d = (x - D) / t
        if i % (M + 1) == 0 and i > 0:  # a student point n = i/(M+1) ≥ 1: the evaluation the student step makes
            ds.append(d)
            bs.append(A.reduce_bottleneck(mid).double())
        xe = x + (tn - t) * d
        De = A.denoise(unet, xe, torch.full((B,), tn, dtype=torch.float64), labels)
        x = x + (tn - t) * 0.5 * (d + (xe - De) / tn)
        if (i + 1) % (M + 1) == 0:
            xs.append(x)
    assert len(xs) == N and len(ds) == N - 1
    return torch.stack(xs, 1).float(), torch.stack(ds, 1).float(), torch.stack(bs, 1).float()


def student_step(unet, x, d, t, tn, labels, r, c):
    """AMED-Solver update from x with direction d at per-sample r, c (tensors [B])."""
    s = tn ** r * t ** (1 - r)
    y = x + (s - t)[:, None] * d
    Dy = A.denoise(unet, y, s, labels)
    return x + (c * (tn - t))[:, None] * (y - Dy) / s[:, None]


@torch.no_grad()
def time_only_baseline(unet, pool, sig, idx, grid=16, golden=10):
    """Per step, one (r, c) for all samples minimising the mean squared distance to the teacher state (restart)."""
    out = []
    for n in range(len(sig) - 1):
        x, d, tgt, lab = pool["xs"][idx, n].double(), pool["ds"][idx, n].double(), pool["xs"][idx, n + 1].double(), pool["labels"][idx]
        t, tn = sig[n], sig[n + 1]

        def ev(r):
            s = tn ** r * t ** (1 - r)
            y = x + (s - t) * d
            Dy = A.denoise(unet, y, torch.full((len(idx),), s, dtype=torch.float64), lab)
            direction = (tn - t) * (y - Dy) / s
            c = float(((tgt - x) * direction).sum() / (direction * direction).sum())
            c = min(1.5, max(0.5, c))
            e = (x + c * direction - tgt)
            return dict(r=r, c=c, loss=float((e * e).sum(1).mean()), l2=float(e.norm(dim=1).mean()))
        cand = [ev((k + 0.5) / grid) for k in range(grid)]
        best = min(cand, key=lambda e: e["loss"])
        lo, hi = max(1e-4, best["r"] - 1 / grid), min(1 - 1e-4, best["r"] + 1 / grid)
        phi = (math.sqrt(5) - 1) / 2
        a, b = ev(hi - phi * (hi - lo)), ev(lo + phi * (hi - lo))
        for _ in range(golden - 2):
            if a["loss"] < b["loss"]:
                hi, b = b["r"], a
                a = ev(hi - phi * (hi - lo))
            else:
                lo, a = a["r"], b
                b = ev(lo + phi * (hi - lo))
        out.append(min([best, a, b], key=lambda e: e["loss"]))
    return out


@torch.no_grad()
def validate(unet, pred, pool, sig, idx):
    """Per-step mean L2 to the teacher (restart) with the learned predictor, r/c stats, and end-to-end L2."""
    steps = []
    lab = pool["labels"][idx]
    xe2e = pool["xs"][idx, 0].double()
    for n in range(len(sig) - 1):
        x, d, b, tgt = pool["xs"][idx, n].double(), pool["ds"][idx, n].double(), pool["bs"][idx, n], pool["xs"][idx, n + 1].double()
        r, c = pred(b, sig[n], sig[n + 1])
        xn = student_step(unet, x, d, sig[n], sig[n + 1], lab, r.double(), c.double())
        steps.append(dict(l2=float((xn - tgt).norm(dim=1).mean()), r_mean=float(r.mean()), r_sd=float(r.std()),
                          c_mean=float(c.mean()), c_sd=float(c.std())))
        xe2e, _, _, _ = A.solver_step(unet, pred, xe2e, sig[n], sig[n + 1], lab, afs_first=(n == 0))
    e2e = float((xe2e - pool["xs"][idx, -1].double()).norm(dim=1).mean())
    return steps, e2e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfe", type=int, required=True, choices=[3, 5, 7, 9])
    ap.add_argument("--trajectories", type=int, default=2048, help="training pool size")
    ap.add_argument("--val", type=int, default=64, help="held-out trajectories for the log")
    ap.add_argument("--null-frac", type=float, default=0.1)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--chunk", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--teacher-m", type=int, default=1, help="teacher points inserted per student interval (official: 1)")
    ap.add_argument("--out", default=os.path.join(ROOT, "tools", "train", "runs", "amed"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"nfe{args.nfe}.pt")
    N = A.nfe_to_timestamps(args.nfe)
    sig = A.time_uniform_sigmas(N)
    M = args.teacher_m
    sig_t = A.time_uniform_sigmas((M + 1) * (N - 1) + 1)
    assert all(abs(sig_t[(M + 1) * k] - sig[k]) <= 1e-12 * sig[k] for k in range(N))
    unet, manifest = load_shipped_unet()
    model_sha = manifest["sha256"]
    total = args.trajectories + args.val
    st = checkpoint.load(path)
    if st is None:
        g = torch.Generator().manual_seed(1000 + args.seed * 100 + args.nfe)
        st = dict(args=vars(args), nfe=args.nfe, sigmas=sig, teacher_sigmas=sig_t, model_sha256=model_sha,
                  z=torch.randn(total, 784, generator=g), labels=make_labels(total, args.null_frac, g),
                  xs=[], ds=[], bs=[], done=0, seconds=dict(teacher=0.0, baseline=0.0, train=0.0), log=[])
        checkpoint.save(path, st)
    assert st["model_sha256"] == model_sha, "the shipped network changed since this teacher pool was made"
    # Phase 1: teacher pool.
    while st["done"] < total:
        t0 = time.time()
        i = st["done"]
        j = min(total, i + args.chunk)
        xs, ds, bs = teacher_chunk(unet, st["z"][i:j], st["labels"][i:j], sig_t, N, M)
        st["xs"].append(xs); st["ds"].append(ds); st["bs"].append(bs)
        st["done"] = j
        st["seconds"]["teacher"] += time.time() - t0
        checkpoint.save(path, st)
        print(f"teacher {j}/{total} ({st['seconds']['teacher']:.0f} s)", flush=True)
    pool = dict(xs=torch.cat(st["xs"]), ds=torch.cat(st["ds"]), bs=torch.cat(st["bs"]), labels=st["labels"])
    val_idx = torch.arange(args.trajectories, total)
    # Phase 2: time-only baseline on the validation set.
    if "baseline" not in st:
        t0 = time.time()
        st["baseline"] = time_only_baseline(unet, pool, sig, val_idx)
        st["seconds"]["baseline"] += time.time() - t0
        checkpoint.save(path, st)
    print("time-only baseline (val, per step):", " | ".join(f"n={n} r={b['r']:.4f} c={b['c']:.4f} L2={b['l2']:.3f}" for n, b in enumerate(st["baseline"])), flush=True)
    # Phase 3: training.
    pred = A.AmedPredictor(input_dim=49)
    opt = torch.optim.Adam(pred.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    if "train" in st:
        pred.load_state_dict(st["train"]["pred"])
        opt.load_state_dict(st["train"]["opt"])
        tr = st["train"]
    else:
        torch.manual_seed(args.seed)
        pred = A.AmedPredictor(input_dim=49)
        opt = torch.optim.Adam(pred.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
        g = torch.Generator().manual_seed(args.seed + 7)
        tr = dict(epoch=0, batch=0, perm=torch.randperm(args.trajectories, generator=g), gen=g.get_state(),
                  epoch_loss=[0.0] * (N - 1), epoch_count=0, adam_steps=0)
        steps, e2e = validate(unet, pred, pool, sig, val_idx)
        st["log"].append(dict(epoch=0, val=steps, val_e2e=e2e))
        print(f"epoch 0 (init) val L2 per step {[round(s['l2'], 3) for s in steps]} e2e {e2e:.3f}", flush=True)
    last_save = time.time()
    while tr["epoch"] < args.epochs:
        t0 = time.time()
        nb = math.ceil(args.trajectories / args.batch)
        while tr["batch"] < nb:
            idx = tr["perm"][tr["batch"] * args.batch:(tr["batch"] + 1) * args.batch]
            lab = pool["labels"][idx]
            for n in range(N - 1):
                x, d, b, tgt = pool["xs"][idx, n], pool["ds"][idx, n], pool["bs"][idx, n], pool["xs"][idx, n + 1]
                opt.zero_grad(set_to_none=True)
                r, c = pred(b, sig[n], sig[n + 1])
                xn = student_step(unet, x, d, sig[n], sig[n + 1], lab, r, c)
                per = ((xn - tgt) ** 2).sum(1)
                per.sum().mul(1 / len(idx)).backward()
                for p in pred.parameters():
                    if p.grad is not None:
                        torch.nan_to_num(p.grad, nan=0, posinf=1e5, neginf=-1e5, out=p.grad)
                opt.step()
                tr["adam_steps"] += 1
                tr["epoch_loss"][n] += float(per.detach().sqrt().sum())
            tr["epoch_count"] += len(idx)
            tr["batch"] += 1
            if time.time() - last_save > 90 or tr["batch"] == nb:
                st["seconds"]["train"] += time.time() - t0
                t0 = time.time()
                tr["pred"], tr["opt"] = pred.state_dict(), opt.state_dict()
                st["train"] = tr
                checkpoint.save(path, st)
                last_save = time.time()
                print(f"epoch {tr['epoch'] + 1} batch {tr['batch']}/{nb} train L2 per step "
                      f"{[round(v / tr['epoch_count'], 3) for v in tr['epoch_loss']]} ({st['seconds']['train']:.0f} s)", flush=True)
        steps, e2e = validate(unet, pred, pool, sig, val_idx)
        tr["epoch"] += 1
        st["log"].append(dict(epoch=tr["epoch"], train_l2=[v / tr["epoch_count"] for v in tr["epoch_loss"]],
                              val=steps, val_e2e=e2e, adam_steps=tr["adam_steps"], seconds=st["seconds"]["train"]))
        print(f"epoch {tr['epoch']} val L2 per step {[round(s['l2'], 3) for s in steps]} "
              f"(time-only {[round(b['l2'], 3) for b in st['baseline']]}) e2e {e2e:.3f} "
              f"r {[round(s['r_mean'], 3) for s in steps]} c {[round(s['c_mean'], 4) for s in steps]}", flush=True)
        g = torch.Generator()
        g.set_state(tr["gen"])
        tr.update(batch=0, perm=torch.randperm(args.trajectories, generator=g), epoch_loss=[0.0] * (N - 1), epoch_count=0)
        tr["gen"] = g.get_state()
        tr["pred"], tr["opt"] = pred.state_dict(), opt.state_dict()
        tr["pred_epoch"] = {k: v.clone() for k, v in pred.state_dict().items()}  # what export_amed.py ships
        st["train"] = tr
        checkpoint.save(path, st)
    print(json.dumps(dict(nfe=args.nfe, final=st["log"][-1], baseline=st["baseline"], seconds=st["seconds"])), flush=True)


if __name__ == "__main__":
    main()
