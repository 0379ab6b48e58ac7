"""D(x; σ) of a shipped image world's UNet (Fashion-MNIST unless WORLD names another) over pipes, for bench/quality/amed-calibrate.ts (the page's calibrateAmed
run in Node with the Python network). Protocol per call: one JSON header line {sigma, count, dim, labels} then
count·dim float64 (little-endian) on stdin; the reply is count·dim float64 on stdout. One thread, float32 network,
EDM entry/exit in float64 (fmnist.Denoiser). A header with skipTuning {bottom, top} scales the long skips
(fmnist.tuned, as skip_tuning.py and the WGSL network do); one with cfg ≠ 1 is classifier-free guided as the page
composes it, each branch on the tuned network (image_world.py). Fashion-MNIST keeps fmnist.Denoiser, the path its
cached calibrations were made with."""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
from image_world import ImageWorld  # noqa: E402


def main():
    torch.set_num_threads(int(os.environ.get("THREADS", "1")))
    world_id = os.environ.get("WORLD", "fmnist")
    if world_id == "fmnist":
        unet, manifest = fmnist.load_unet()
    else:
        world = ImageWorld(world_id)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        line = stdin.readline()
        if not line:
            return
        h = json.loads(line)
        n = h["count"] * h["dim"]
        raw = stdin.read(n * 8)
        x = torch.from_numpy(np.frombuffer(raw, "<f8").reshape(h["count"], h["dim"]).copy())
        if world_id == "fmnist":
            assert h.get("cfg", 1) == 1, "Fashion-MNIST: the conditional network only"
            denoise = fmnist.Denoiser(fmnist.tuned(unet, h.get("skipTuning")), h["labels"], manifest["null_class"])
        else:
            denoise = world.denoiser(h["labels"], h.get("cfg", 1), network=fmnist.tuned(world.unet, h.get("skipTuning")))
        D = denoise(x, float(h["sigma"]))
        stdout.write(np.ascontiguousarray(D.numpy()).astype("<f8").tobytes())
        stdout.flush()


if __name__ == "__main__":
    main()
