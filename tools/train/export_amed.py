"""Export the trained AMED predictors (train_amed.py checkpoints) to public/models/fmnist-amed/{manifest.json,
weights.bin} (format "diffusion-sandbox/amed-predictor" v1; the shared spec in amed_predictor.py).

weights.bin is our weights format: float32 little-endian, C-contiguous PyTorch shapes ([out, in] for Linear,
y = W·x + b), each tensor at a 16-byte-aligned offset, predictors one after another in `predictors` order; the
tensor table of each predictor gives offsets into the one file. Verified before writing: the file is read back as
the browser reads it and the read-back predictor reproduces the trained one.

  /usr/bin/python3 tools/train/export_amed.py                       # every runs/amed/nfe*.pt found
  /usr/bin/python3 tools/train/export_amed.py --ckpt 5=tools/train/runs/amed-quick/nfe5.pt
"""
import argparse
import datetime
import glob
import hashlib
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import amed_predictor as A  # noqa: E402
import weights_format  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "public", "models", "fmnist-amed")
FORMAT = "diffusion-sandbox/amed-predictor"


def predictor_from_state(state_dict) -> A.AmedPredictor:
    p = A.AmedPredictor(input_dim=state_dict["enc_layer0.weight"].shape[1])
    p.load_state_dict(state_dict)
    return p.eval().requires_grad_(False)


def load_predictors(model_dir=OUT):
    """{nfe: (entry, AmedPredictor with the float32 weights as stored)} from an exported folder."""
    with open(os.path.join(model_dir, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(model_dir, manifest["weights"]), "rb") as f:
        blob = f.read()
    assert hashlib.sha256(blob).hexdigest() == manifest["sha256"] and len(blob) == manifest["byte_length"]
    out = {}
    for entry in manifest["predictors"]:
        sd = {}
        for t in entry["tensors"]:
            assert t["offset"] % 16 == 0
            sd[t["name"]] = torch.from_numpy(np.frombuffer(blob, "<f4", t["length"], t["offset"]).reshape(t["shape"]).copy())
        assert list(sd) == A.TENSOR_NAMES
        out[entry["nfe"]] = (entry, predictor_from_state(sd))
    return manifest, out


def entry_for(nfe, st, ckpt_path):
    args, tr, log = st["args"], st["train"], st["log"]
    N = A.nfe_to_timestamps(nfe)
    M = args.get("teacher_m", 1)
    final = log[-1]
    cmd = (f"nice -n 10 /usr/bin/python3 tools/train/train_amed.py --nfe {nfe} --trajectories {args['trajectories']} "
           f"--val {args['val']} --null-frac {args['null_frac']} --epochs {tr['epoch']} --batch {args['batch']} "
           f"--lr {args['lr']} --seed {args['seed']} --teacher-m {M} --out {os.path.relpath(os.path.dirname(ckpt_path), ROOT)}")
    return dict(
        nfe=nfe, variant="solver", afs=True, schedule="time_uniform", schedule_rho=1, sigma_max=A.SIGMA_MAX,
        sigma_min=A.SIGMA_MIN, timestamps=N, steps=N - 1, sigmas=st["sigmas"],
        teacher=dict(solver="heun", M=M, afs=False, schedule="time_uniform", points=(M + 1) * (N - 1) + 1,
                     sigmas=st["teacher_sigmas"], nfe=2 * (M + 1) * (N - 1),
                     note="EDM Heun with the 2nd-order correction on every step; the student points are every "
                          "(M+1)-th teacher point; x_0 = σ_0·z"),
        training=dict(trajectories=args["trajectories"], validation_trajectories=args["val"],
                      label_distribution=f"uniform over 0..9, null class 10 with probability {args['null_frac']}",
                      epochs=tr["epoch"], batch=args["batch"], optimizer="Adam", lr=args["lr"], betas=[0.9, 0.999],
                      eps=1e-8, adam_steps=tr["adam_steps"], seed=args["seed"],
                      loss="per student step n (restart from the teacher x_n): sum over pixels of "
                           "(x_{n+1} - x^teacher_{n+1})^2, batch mean; one Adam step per n",
                      train_l2_per_step_last_epoch=final.get("train_l2"),
                      seconds=dict(teacher=round(st["seconds"]["teacher"], 1), train=round(st["seconds"]["train"], 1)),
                      threads=args["threads"], command=cmd),
        evaluation=dict(
            set=f"{args['val']} held-out teacher trajectories (same label distribution)",
            l2_per_step_learned=[s["l2"] for s in final["val"]],
            l2_per_step_time_only=[b["l2"] for b in st["baseline"]],
            time_only=[dict(r=b["r"], c=b["c"]) for b in st["baseline"]],
            l2_end_to_end_vs_teacher=final["val_e2e"],
            r_mean=[s["r_mean"] for s in final["val"]], r_sd=[s["r_sd"] for s in final["val"]],
            c_mean=[s["c_mean"] for s in final["val"]], c_sd=[s["c_sd"] for s in final["val"]],
            note="L2 = mean over samples of ||x - x_teacher|| (784 values, EDM space)"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", action="append", default=[], help="NFE=path (repeatable); default runs/amed/nfe*.pt")
    ap.add_argument("--only", default="", help="comma-separated NFEs to export (default: all found)")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    ckpts = {}
    for p in sorted(glob.glob(os.path.join(ROOT, "tools", "train", "runs", "amed", "nfe*.pt"))):
        ckpts[int(re.search(r"nfe(\d+)\.pt$", p).group(1))] = p
    for spec in args.ckpt:
        k, v = spec.split("=", 1)
        ckpts[int(k)] = v
    if args.only:
        ckpts = {k: v for k, v in ckpts.items() if str(k) in args.only.split(",")}
    model_manifest, _ = weights_format.read(os.path.join(ROOT, "public", "models", "fmnist"))
    blob, entries, preds = bytearray(), [], {}
    for nfe in sorted(ckpts):
        st = torch.load(ckpts[nfe], map_location="cpu")
        if "train" not in st or st["train"]["epoch"] == 0:
            print(f"skip NFE {nfe}: no finished epoch in {ckpts[nfe]}")
            continue
        assert st["model_sha256"] == model_manifest["sha256"], f"NFE {nfe} was trained against another network"
        sigmas = A.time_uniform_sigmas(A.nfe_to_timestamps(nfe))
        assert st["sigmas"] == sigmas
        sd = st["train"].get("pred_epoch", st["train"]["pred"])  # the end of the last finished epoch
        entry = entry_for(nfe, st, ckpts[nfe])
        table = []
        for name in A.TENSOR_NAMES:
            blob += b"\0" * (-len(blob) % 16)
            arr = np.ascontiguousarray(sd[name].detach().float().numpy()).astype("<f4")
            table.append(dict(name=name, shape=list(arr.shape), offset=len(blob), length=int(arr.size)))
            blob += arr.tobytes()
        entry["tensors"] = table
        entries.append(entry)
        preds[nfe] = predictor_from_state({k: v.float() for k, v in sd.items()})
    blob += b"\0" * (-len(blob) % 16)
    manifest = dict(
        format=FORMAT, version=1, world="fmnist", model="public/models/fmnist", model_sha256=model_manifest["sha256"],
        model_training_iter=model_manifest.get("training", {}).get("iter"),
        weights="weights.bin", dtype="float32", endianness="little", alignment=16,
        byte_length=len(blob), sha256=hashlib.sha256(blob).hexdigest(),
        architecture=dict(
            source="zju-pi/diff-sampler AMED_predictor (amed-solver-main/training/networks.py)",
            noise_channels=A.NOISE_CHANNELS, hidden_dim=A.HIDDEN_DIM, bottleneck_output_dim=A.BOTTLENECK_OUTPUT_DIM,
            bottleneck=dict(tap=A.TAP, reduce=A.REDUCE, input_dim=49,
                            note="mean over the 64 channels of mid.out [B,64,7,7] -> [B,7,7], flattened row-major "
                                 "(index y*7+x), as solvers_amed.get_amed_prediction torch.mean(dim=1); zeros at the "
                                 "AFS step (n = 0, no evaluation)"),
            time_input="sigma", scale_dir=A.SCALE_DIR, scale_time=A.SCALE_TIME,
            forward=["pe(σ) = [sin(σ·f_k) k=0..3, cos(σ·f_k) k=0..3], f_k = (1/10000)^(k/3) (official cos|sin then swapped)",
                     "e(σ) = silu(map_layer0.weight · pe(σ) + map_layer0.bias)",
                     "h = enc_layer1(silu(enc_layer0(b)))  (4 values)",
                     "u = concat(h, e(t_n), e(t_{n+1}))  (20 values)",
                     "r = sigmoid(fc_r(u));  c = 1 − scale_dir + 2·scale_dir·sigmoid(fc_scale_dir(u))",
                     "Linear: y = W·x + b, W [out, in] row-major"]),
        step=["n = 0 … N−2 over sigmas (σ_{N−1} = σ_min; no final step to 0); x_0 = σ_0·z",
              "n = 0 (AFS): d = x/√(1+t_n²), b = zeros(49); n ≥ 1: D, mid.out = net(x_n; t_n), d = (x_n − D)/t_n, b = channel-mean(mid.out)",
              "(r, c) = predictor(b, t_n, t_{n+1}); s = t_{n+1}^r · t_n^(1−r)  (per sample)",
              "y = x_n + (s − t_n)·d;  x_{n+1} = x_n + c·(t_{n+1} − t_n)·(y − D(y; s))/s",
              "D is the EDM-form denoiser of public/models/fmnist: t = σ/(1+σ), z = x/(1+σ), D = z − t·v(z, t, label); CFG 1, 28×28"],
        exported_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        predictors=entries)
    # Read back as the browser does and compare with the trained predictors.
    os.makedirs(args.out, exist_ok=True)
    tmp = args.out + ".tmp-export"
    os.makedirs(tmp, exist_ok=True)
    with open(os.path.join(tmp, "weights.bin"), "wb") as f:
        f.write(bytes(blob))
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")
    _, back = load_predictors(tmp)
    g = torch.Generator().manual_seed(0)
    b = torch.randn(8, 49, generator=g)
    for nfe, p in preds.items():
        for tc, tn in [(80.0, 6.95), (1.3, 0.002)]:
            r0, c0 = p(b, tc, tn)
            r1, c1 = back[nfe][1](b, tc, tn)
            assert torch.equal(r0, r1) and torch.equal(c0, c1)
    for name in ("weights.bin", "manifest.json"):
        os.replace(os.path.join(tmp, name), os.path.join(args.out, name))
    os.rmdir(tmp)
    print(f"wrote {args.out}: NFE {[e['nfe'] for e in entries]}, {len(blob)} bytes, sha256 {manifest['sha256'][:16]}…")
    for e in entries:
        ev = e["evaluation"]
        print(f"  NFE {e['nfe']}: val L2/step learned {[round(v, 3) for v in ev['l2_per_step_learned']]} "
              f"time-only {[round(v, 3) for v in ev['l2_per_step_time_only']]}, e2e {ev['l2_end_to_end_vs_teacher']:.3f}")


if __name__ == "__main__":
    main()
