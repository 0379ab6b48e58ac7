"""The weights format the WGSL runtime reads: weights.bin + manifest.json (format "diffusion-sandbox-weights" v1).

weights.bin: every tensor as float32 little-endian, C-contiguous in its PyTorch shape, concatenated in manifest
order; each tensor starts at a byte offset that is a multiple of 16 (zero padding between), so a WebGPU storage
buffer binding / Float32Array view can start at any tensor. Manifest entry: {name, shape, offset (bytes),
length (float32 elements), layout}. Layouts are PyTorch's own (no transposes, so the exporter can't get one wrong):
  OIHW  conv weight [out_ch, in_ch, kh, kw]
  OI    linear weight [out, in]: y = x·Wᵀ + b
  O     conv/linear bias [out];   C  group-norm scale/shift [channels];   NC  embedding table [rows, dim]
"""
import hashlib
import json
import os

import numpy as np
import torch

FORMAT = "diffusion-sandbox-weights"
VERSION = 1
ALIGN = 16


def tensors_and_layouts(model: torch.nn.Module):
    """state_dict order (= named_parameters order; these models have no buffers), layout from the module type."""
    kinds = {torch.nn.Conv2d: ("OIHW", "O"), torch.nn.Linear: ("OI", "O"),
             torch.nn.GroupNorm: ("C", "C"), torch.nn.Embedding: ("NC", None)}
    layouts = {}
    for mname, mod in model.named_modules():
        if type(mod) in kinds:
            w, b = kinds[type(mod)]
            layouts[f"{mname}.weight"] = w
            if b:
                layouts[f"{mname}.bias"] = b
    tensors = model.state_dict()
    missing = set(tensors) - set(layouts)
    assert not missing, f"no layout for {missing}"
    return tensors, layouts


def write(out_dir: str, tensors: dict, layouts: dict, manifest: dict) -> dict:
    """tensors: ordered {name: tensor}. manifest: the descriptive fields; tensor table and file facts are added."""
    os.makedirs(out_dir, exist_ok=True)
    blob, table = bytearray(), []
    for name, t in tensors.items():
        blob += b"\0" * (-len(blob) % ALIGN)
        arr = np.ascontiguousarray(t.detach().cpu().float().numpy()).astype("<f4")
        table.append(dict(name=name, shape=list(arr.shape), offset=len(blob), length=int(arr.size),
                          layout=layouts[name]))
        blob += arr.tobytes()
    blob += b"\0" * (-len(blob) % ALIGN)
    full = dict(format=FORMAT, version=VERSION, weights="weights.bin", dtype="float32", endianness="little",
                alignment=ALIGN, byte_length=len(blob), sha256=hashlib.sha256(blob).hexdigest(),
                layouts={"OIHW": "conv weight [out_ch, in_ch, kh, kw], row-major",
                         "OI": "linear weight [out, in], row-major; y = x·W^T + b",
                         "O": "bias [out]", "C": "group-norm scale or shift [channels]",
                         "NC": "embedding table [rows, dim], row-major; row = label"},
                **manifest, tensors=table)
    _atomic_write(os.path.join(out_dir, "weights.bin"), bytes(blob))
    _atomic_write(os.path.join(out_dir, "manifest.json"), (json.dumps(full, indent=1, ensure_ascii=False) + "\n").encode())
    return full


def read(model_dir: str):
    """Returns (manifest, {name: float32 tensor}) — what the browser sees, for round-trip checks."""
    with open(os.path.join(model_dir, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(model_dir, manifest["weights"]), "rb") as f:
        blob = f.read()
    tensors = {}
    for e in manifest["tensors"]:
        arr = np.frombuffer(blob, dtype="<f4", count=e["length"], offset=e["offset"]).reshape(e["shape"])
        tensors[e["name"]] = torch.from_numpy(arr.copy())
    return manifest, tensors


def _atomic_write(path: str, data: bytes) -> None:
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)
