"""numpy port of src/sampling/noise.ts (itself the twin of shaders/common/rng.wgsl and brownian.wgsl).

The PCG hash and the keys are exact uint32 arithmetic (numpy wraps on overflow like Math.imul / >>> 0). Normals
repeat the polar method's float32 rounding step by step; float32 +, ×, ÷ and √ are correctly rounded in numpy and in
JS-with-Math.fround alike, so only log (float64, then rounded to float32) could differ, by an ulp that almost never
survives the rounding. Brownian values are float64 as in TS. check_rng.py measures all of this against the TS side.
Everything is vectorised over keys; the bisection loop of the Brownian tree runs once per u for all elements.
"""
import math

import numpy as np

STREAM_INITIAL = 0
STREAM_BROWNIAN = 1
U32 = np.uint32


def pcg_hash(v):
    """PCG-RXS-M-XS as a hash (Jarzynski & Olano 2020), elementwise on uint32 arrays."""
    v = np.asarray(v, dtype=U32)
    with np.errstate(over="ignore"):  # 0-d inputs become numpy scalars, which warn on the (intended) wraparound
        state = v * U32(747796405) + U32(2891336453)
        word = ((state >> ((state >> U32(28)) + U32(4))) ^ state) * U32(277803737)
    return (word >> U32(22)) ^ word


def hash_key(stream, seed, sample, element):
    """noise.ts hashKey; arguments broadcast (e.g. sample[:, None] against element[None, :])."""
    with np.errstate(over="ignore"):
        h1 = pcg_hash(stream) + np.asarray(seed, dtype=U32)
        h2 = pcg_hash(h1) + np.asarray(sample, dtype=U32)
        h3 = pcg_hash(h2) + np.asarray(element, dtype=U32)
    return pcg_hash(h3)


def signed_uniform(h):
    """Uniform in (−1, 1) from the top 23 bits; exact in float32, computed in float64 as TS does."""
    return ((np.asarray(h, dtype=U32) >> U32(9)).astype(np.float64) + 0.5) * (2 / 8388608) - 1


def normal_from_key(key):
    """Marsaglia's polar method with float32 rounding at each step (noise.ts normalFromKey); float32 output."""
    key = np.asarray(key, dtype=U32)
    flat = key.reshape(-1)
    out = np.zeros(flat.shape, dtype=np.float32)
    pending = np.arange(flat.size)
    for attempt in range(64):
        if pending.size == 0:
            break
        h = pcg_hash(flat[pending] + U32(attempt * 2))
        u = signed_uniform(h).astype(np.float32)
        v = signed_uniform(pcg_hash(h ^ U32(0x9E3779B9))).astype(np.float32)
        s = u * u + v * v
        ok = (s < 1) & (s > 0)
        s = s[ok]
        log_s = np.log(s.astype(np.float64)).astype(np.float32)
        out[pending[ok]] = u[ok] * np.sqrt((np.float32(-2) * log_s) / s)
        pending = pending[~ok]
    return out.reshape(key.shape)


def initial_noise(seed, count, dim):
    """count × dim standard normals, row-major: the z of x_0 = σ_0·z that the browser draws for (seed, sample, element)."""
    keys = hash_key(STREAM_INITIAL, seed, np.arange(count, dtype=U32)[:, None], np.arange(dim, dtype=U32)[None, :])
    return normal_from_key(keys)


class BrownianPaths:
    """One Brownian path W(u), u ∈ [0, 1], per (sample, element) of a run with this seed (noise.ts brownianAt).

    W is cached per u, so a run's consecutive increments W(u_i) − W(u_{i+1}) evaluate the tree once per grid point."""

    def __init__(self, seed, count, dim):
        self.base = hash_key(STREAM_BROWNIAN, seed, np.arange(count, dtype=U32)[:, None], np.arange(dim, dtype=U32)[None, :])
        self.w_one = normal_from_key(pcg_hash(self.base ^ U32(0xFFFFFFFF))).astype(np.float64)
        self.cache = {}

    def at(self, u):
        uf = float(np.float32(u))
        if uf not in self.cache:
            if len(self.cache) > 4:  # plans walk u downwards: older points are not asked for again
                self.cache.pop(next(iter(self.cache)))
            self.cache[uf] = self._bisect(uf)
        return self.cache[uf]

    def _bisect(self, uf):
        if uf >= 1:
            return self.w_one
        if uf <= 0:
            return np.zeros_like(self.w_one)
        k = int(math.floor(uf * 4294967296)) & 0xFFFFFFFF
        w_left, w_right = np.zeros_like(self.w_one), self.w_one
        variance, prefix = 0.25, 0
        for level in range(32):
            if (k << level) & 0xFFFFFFFF == 0:
                break
            node = pcg_hash(pcg_hash(self.base + U32(level)) + U32(prefix))
            w_mid = 0.5 * (w_left + w_right) + math.sqrt(variance) * normal_from_key(node).astype(np.float64)
            bit = (k >> (31 - level)) & 1
            if bit:
                w_left = w_mid
            else:
                w_right = w_mid
            prefix = ((prefix << 1) | bit) & 0xFFFFFFFF
            variance *= 0.5
        return w_left

    def increment(self, u_from, u_to):
        """Standard-normal (W(u_from) − W(u_to)) / √(u_from − u_to), u rounded to float32 as the GPU sees it."""
        a, b = float(np.float32(u_from)), float(np.float32(u_to))
        return (self.at(a) - self.at(b)) / math.sqrt(a - b)
