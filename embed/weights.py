"""Hugging Face checkpoints converted once to MLX weights, cached by what they were made from."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cachedir import cache_base
from .runtime import mlx_core

mx = mlx_core()

# Bump when the conversion changes, so that old caches are never reused.
CONVERSION_VERSION = 1
_DROP = ("position_ids", "logit_scale", "logit_bias")


def cache_root() -> Path:
    """Where converted weights live ($PHOTOSEEK_CACHE, else the user's cache folder)."""
    return cache_base() / "mlx-weights"


def checkpoint_files(folder: Path) -> list[Path]:
    """The weight files of a checkpoint, safetensors preferred."""
    found = sorted(folder.glob("*.safetensors"))
    if not found:
        found = sorted(folder.glob("pytorch_model*.bin"))
    return found


def cache_key(folder: Path, files: list[Path]) -> str:
    """A key that changes with the checkpoint's identity and contents' size and time.

    Hub snapshots live in folders named by commit, so a new revision is a new key.
    """
    digest = hashlib.sha256(f"v{CONVERSION_VERSION}|{folder.resolve()}".encode())
    for path in [folder / "config.json", *files]:
        st = path.stat()
        digest.update(f"|{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def read_tensors(files: list[Path]) -> dict[str, Any]:
    """Every tensor of a checkpoint's weight files, as they are stored."""
    tensors: dict[str, Any] = {}
    for path in files:
        if path.suffix == ".safetensors":
            tensors.update(mx.load(str(path)))
            continue
        try:
            import torch
        except ImportError as err:
            raise RuntimeError(
                f"{path.name} is a PyTorch .bin checkpoint; reading it needs "
                "torch (pip install torch), or use a safetensors copy"
            ) from err
        state = torch.load(path, map_location="cpu", weights_only=True)
        tensors.update({k: mx.array(v.float().numpy()) for k, v in state.items()})
    return tensors


def convert(tensors: dict[str, Any]) -> dict[str, Any]:
    """Rename and lay out HF tensors for photoseek's MLX modules (float32)."""
    out = {}
    for name, value in tensors.items():
        if name.endswith(_DROP):
            continue
        for prefix in ("clip.", "model."):
            name = name.removeprefix(prefix)
        value = value.astype(mx.float32)
        if name.endswith("patch_embedding.weight") and value.ndim == 4:
            value = value.transpose(0, 2, 3, 1)  # OIHW (PyTorch) -> OHWI (MLX)
        out[name] = value
    return out


def cache_folder(folder: Path) -> Path:
    """Where what is derived from the checkpoint in `folder` is kept (its converted weights)."""
    files = checkpoint_files(folder)
    if not files:
        raise FileNotFoundError(f"{folder} holds no weights (*.safetensors or pytorch_model.bin)")
    return cache_root() / cache_key(folder, files)


def converted(
    folder: Path, name: str, make: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """MLX weights for the checkpoint in `folder`, made by `make` from its tensors on first
    use and kept in the cache as `name` (written whole, then renamed into place)."""
    files = checkpoint_files(folder)
    target = cache_folder(folder) / name
    if target.is_file():
        return mx.load(str(target))
    weights = make(read_tensors(files))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".safetensors")
    os.close(fd)
    try:
        mx.save_safetensors(tmp, weights)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    (target.parent / "source.json").write_text(
        json.dumps({"folder": str(folder), "files": [f.name for f in files]}, indent=1)
    )
    return weights


def load(folder: Path) -> dict[str, Any]:
    """MLX weights for the CLIP or SigLIP checkpoint in `folder`, converted on first use and
    cached."""
    return converted(folder, "weights.safetensors", convert)
