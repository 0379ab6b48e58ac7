"""Check the golden fixtures against the exported manifest + weights.bin through graph_runner (names and values),
and report the float32 error a runtime should expect. export.py calls this; also runnable alone:
  /usr/bin/python3 tools/train/check_golden.py [--out ROOT]
"""
import argparse
import json
import os

import numpy as np
import torch

import graph_runner
import weights_format

HERE = os.path.dirname(os.path.abspath(__file__))


def load_golden(path):
    with open(path) as f:
        meta = json.load(f)
    with open(os.path.join(os.path.dirname(path), meta["data"]), "rb") as f:
        blob = f.read()
    cases = {}
    for c in meta["cases"]:
        cases[c["name"]] = (c, {a["name"]: torch.from_numpy(np.frombuffer(blob, "<f4", a["length"], a["offset"])
                                                            .reshape(a["shape"]).copy()) for a in c["arrays"]})
    return meta, cases


def check(root):
    manifest, weights = weights_format.read(os.path.join(root, "public/models/fmnist"))
    meta, cases = load_golden(os.path.join(root, "tests/fixtures/fmnist-golden.json"))
    assert meta["weights_sha256"] == manifest["sha256"], "goldens were made from other weights"
    arch = manifest["architecture"]
    worst = {}
    for name in ("unet_28", "unet_56", "unet_28_skip_tuning"):
        c, arr = cases[name]
        inputs = dict(z=arr["z"], t=torch.tensor(c["t"], dtype=torch.float64), label=torch.tensor(c["labels"]))
        # Skip-Tuning (model.py forward's rho_*) must match the graph's skip numbering (graph_runner.skip_scales).
        rho = dict(rho_bottom=c["skip_tuning"]["bottom"], rho_top=c["skip_tuning"]["top"]) if "skip_tuning" in c else {}
        for dtype in (torch.float64, torch.float32):
            env = graph_runner.run(arch, weights, inputs, dtype=dtype, **rho)
            for k, ref in arr.items():
                if k in ("x", "z", "D"):
                    continue
                got = env["tf" if k == "time_features" else k]
                err = ((got.double() - ref.double()).abs().max() / ref.abs().max()).item()
                worst[(name, k, str(dtype))] = err
                limit = 1e-6 if dtype == torch.float64 else 1e-4
                assert err < limit, f"{name}.{k} ({dtype}): rel err {err:.2e}"
        # D = z − t·v from the stored v (float32 z, float64 t) agrees with the float64 D to float32 rounding.
        t = torch.tensor(c["t"], dtype=torch.float64).reshape(-1, 1, 1, 1)
        d = arr["z"].double() - t * arr["v"].double()
        assert (d - arr["D"].double()).abs().max() < 1e-4
    # The tuned case really is another function (not the untuned v by accident).
    gap = (cases["unet_28_skip_tuning"][1]["v"] - cases["unet_28"][1]["v"]).abs().max().item()
    assert gap > 1e-2, f"Skip-Tuning changed v by only {gap:.1e}"
    w32 = max(v for k, v in worst.items() if k[2] == "torch.float32")
    print(f"  goldens OK vs manifest graph; float32 graph_runner max rel err (÷ max|ref|) {w32:.1e}")
    return worst


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=os.path.dirname(os.path.dirname(HERE)))
    check(p.parse_args().out)
