"""The Python side's only door to the TypeScript code: run a bench/quality/*.ts module through ts.mjs (Node + Vite's
module runner) and read the JSON it writes. The samplers themselves are never re-implemented in Python."""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")


def run_ts(module, *args):
    subprocess.run(["node", os.path.join(HERE, "ts.mjs"), os.path.join(HERE, module), *args], cwd=ROOT, check=True)


def _through(module, name, configs):
    os.makedirs(OUT, exist_ok=True)
    src, dst = os.path.join(OUT, f"{name}-configs.json"), os.path.join(OUT, f"{name}.json")
    with open(src, "w") as f:
        json.dump(configs, f, indent=1)
    run_ts(module, src, dst)
    with open(dst) as f:
        return json.load(f)


def run_through(module, name, payload):
    """Any bench/quality/*.ts module with main([input.json, output.json]) (e.g. ug-reference.ts for check_ug.py)."""
    return _through(module, name, payload)


def export_plans(configs, name="plans"):
    """Plans for a list of `sample` configs, resolved exactly as the API does (plans.ts)."""
    return _through("plans.ts", name, configs)


def cpu_reference(configs, name="cpu-reference"):
    """runPlanCpu results on 2D-mixture plans (cpu-reference.ts): [{plan, spec, samples}]."""
    return _through("cpu-reference.ts", name, configs)


def sampler_registry():
    """Every entry of src/sampling/samplers (samplers.ts): id, label, a1111, group, defaultSchedule, stochastic,
    prepared (needs an AMED calibration), options (declared defaults)."""
    path = os.path.join(OUT, "samplers.json")
    os.makedirs(OUT, exist_ok=True)
    run_ts("samplers.ts", path)
    with open(path) as f:
        return json.load(f)


def rng_vectors():
    path = os.path.join(OUT, "rng.json")
    os.makedirs(OUT, exist_ok=True)
    run_ts("rng-vectors.ts", path)
    with open(path) as f:
        return json.load(f)
