"""Checks rng.py against src/sampling/noise.ts on values the TS side prints (rng-vectors.ts): hashes and keys must
be bit-identical, normals and Brownian increments are reported by max |Δ| and bit-exact count.
Writes bench/results/quality-rng-check.md.   /usr/bin/python3 bench/quality/check_rng.py
"""
import datetime
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rng  # noqa: E402
import ts  # noqa: E402


def row(name, got, want):
    got, want = np.asarray(got, dtype=np.float64).ravel(), np.asarray(want, dtype=np.float64).ravel()
    diff = np.abs(got - want)
    return f"| {name} | {want.size} | {int((got == want).sum())} | {diff.max():.2e} |", bool((got == want).all())


def main():
    d = ts.rng_vectors()
    u32 = lambda v: np.asarray(v, dtype=np.uint32)  # noqa: E731
    args = u32(d["hashKey"]["args"])
    brown = d["brownianIncrement"]
    increments = {}  # one evaluation per (seed, u pair), over all the samples × elements the vectors use
    for u_from, u_to, seed, *_ in brown:
        if (seed, u_from, u_to) not in increments:
            increments[seed, u_from, u_to] = rng.BrownianPaths(seed, 4, 90).increment(u_from, u_to)
    got_inc = [increments[seed, u_from, u_to][sample, element] for u_from, u_to, seed, sample, element, _ in brown]
    got_at = [rng.BrownianPaths(seed, sample + 1, element + 1).at(u)[sample, element] for u, seed, sample, element, _ in d["brownianAt"]]
    init = d["initialNoise"]
    results = [
        row("pcgHash", rng.pcg_hash(u32(d["hash"]["inputs"])), d["hash"]["outputs"]),
        row("hashKey", rng.hash_key(args[:, 0], args[:, 1], args[:, 2], args[:, 3]), d["hashKey"]["outputs"]),
        row("normalFromKey", rng.normal_from_key(u32(d["normal"]["keys"])), d["normal"]["outputs"]),
        row(f"initialNoise (seed {init['seed']}, {init['count']} × {init['dim']})", rng.initial_noise(init["seed"], init["count"], init["dim"]), init["values"]),
        row("brownianIncrement (Karras grids, 2 seeds × 4 samples × 90 elements)", got_inc, [b[-1] for b in brown]),
        row("brownianAt (u = 0 … 1.5)", got_at, [b[-1] for b in d["brownianAt"]]),
    ]
    text = "\n".join([
        "# rng.py vs src/sampling/noise.ts",
        "",
        f"- Date: {datetime.date.today().isoformat()}; numpy {np.__version__}; Node reference values from bench/quality/rng-vectors.ts",
        "- Command: /usr/bin/python3 bench/quality/check_rng.py",
        "",
        "| quantity | values | bit-identical | max \\|Δ\\| |",
        "|---|---|---|---|",
        *[r for r, _ in results],
        "",
    ])
    print(text)
    with open(os.path.join(ts.ROOT, "bench", "results", "quality-rng-check.md"), "w") as f:
        f.write(text)
    assert results[0][1] and results[1][1], "hashes must be bit-identical"


if __name__ == "__main__":
    main()
