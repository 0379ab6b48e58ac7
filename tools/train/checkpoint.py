"""Atomic checkpoints, so a training run can be killed at any moment (sessions end) and resumed."""
import os
import torch


def save(path: str, state: dict) -> None:
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a kill mid-write leaves the previous checkpoint intact


def load(path: str):
    return torch.load(path, map_location="cpu") if os.path.exists(path) else None
