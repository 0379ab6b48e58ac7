"""D(x; σ) of the shipped Fashion-MNIST UNet over pipes, for bench/quality/amed-calibrate.ts (the page's calibrateAmed
run in Node with the Python network). Protocol per call: one JSON header line {sigma, count, dim, labels} then
count·dim float64 (little-endian) on stdin; the reply is count·dim float64 on stdout. One thread, float32 network,
EDM entry/exit in float64 (fmnist.Denoiser). A header with skipTuning {bottom, top} scales the long skips
(fmnist.tuned, as skip_tuning.py and the WGSL network do)."""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402


def main():
    torch.set_num_threads(int(os.environ.get("THREADS", "1")))
    unet, manifest = fmnist.load_unet()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        line = stdin.readline()
        if not line:
            return
        h = json.loads(line)
        n = h["count"] * h["dim"]
        raw = stdin.read(n * 8)
        x = torch.from_numpy(np.frombuffer(raw, "<f8").reshape(h["count"], h["dim"]).copy())
        network = fmnist.tuned(unet, h.get("skipTuning"))
        D = fmnist.Denoiser(network, h["labels"], manifest["null_class"])(x, float(h["sigma"]))
        stdout.write(np.ascontiguousarray(D.numpy()).astype("<f8").tobytes())
        stdout.flush()


if __name__ == "__main__":
    main()
