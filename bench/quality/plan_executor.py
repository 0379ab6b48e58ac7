"""Executes an exported plan (plans.ts) in Python: a line-by-line mirror of src/sampling/run-cpu.ts.

Registers are float64 torch tensors of shape (count, dim), created as zeros on first use; x starts at σ_0·z.
`combine` accumulates Σ coef·reg term by term in plan order, then adds scale·ξ, exactly as runPlanCpu does (so with
the same denoiser the two agree to the last bit, up to the RNG's float32 log). ξ is the Brownian increment of
rng.py. Only the denoiser is pluggable: it takes the whole batch at one σ and may chunk and cast internally.
"""
import numpy as np
import torch

from rng import BrownianPaths


def run_plan(plan, denoise, z, seed=0, trajectory=False):
    """plan: a plans.ts entry. denoise(x (count, dim) float64, sigma float) → (count, dim) float64.
    z: standard-normal start (count, dim). Returns the samples, or (samples, [x_i], [D_i]) with trajectory=True."""
    z = torch.as_tensor(np.asarray(z), dtype=torch.float64)
    count, dim = z.shape
    registers = {"x": plan["sigmas"][0] * z}
    brownian = None
    xs, ds = [], []

    def reg(name):
        if name not in registers:
            registers[name] = torch.zeros(count, dim, dtype=torch.float64)
        return registers[name]

    for instr in plan["instrs"]:
        op = instr["op"]
        if op == "denoise":
            registers[instr["dst"]] = denoise(reg(instr["src"]), instr["sigma"])
        elif op == "combine":
            acc = torch.zeros(count, dim, dtype=torch.float64)
            for name, coef in instr["terms"]:
                acc = acc + coef * reg(name)
            noise = instr.get("noise")
            if noise:
                brownian = brownian or BrownianPaths(seed, count, dim)
                acc = acc + noise["scale"] * torch.from_numpy(brownian.increment(noise["uFrom"], noise["uTo"]))
            registers[instr["dst"]] = acc
        elif trajectory:
            xs.append(reg(instr["x"]).clone())
            ds.append(reg(instr["denoised"]).clone())
    return (registers["x"], xs, ds) if trajectory else registers["x"]
