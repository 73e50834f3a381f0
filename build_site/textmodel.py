"""The text tower as gallery data: quantised weights in script files the browser loads lazily.

Matrices (token embeddings, every linear layer, the projection) are int8 with one float
scale per group of 32 weights of a row (16 where a row's length needs it): one scale per
row costs twice the query error for 12% less size. The small vectors (biases, layer
norms, positions) stay float32. All tensors lie in one byte buffer, aligned for SIMD
loads, which the browser decodes straight into WebAssembly memory; the buffer is cut
into parts so that loading shows progress.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from photoseek.embed import Embedder, TextTower, text_tower

from .kernels import kernels_wasm
from .searchdata import js_payload

PART_BYTES = 4 << 20
ALIGN = 64
# Bump when export() writes other files for the same tower, so that kept ones are not reused.
EXPORT_VERSION = 1


@dataclass
class TextModelFiles:
    """The data files of an exported text model: names (below data/) and their contents."""

    files: dict[str, str]

    @property
    def bytes(self) -> int:
        """What the model costs on disk and over the wire."""
        return sum(len(text.encode()) for text in self.files.values())


def group_size(columns: int) -> int:
    """Weights per scale: 32, or 16 for rows whose length 32 does not divide."""
    if columns % 16:
        raise ValueError(
            f"its rows of {columns} weights are not a multiple of 16, which the browser's "
            "kernel needs"
        )
    return 32 if columns % 32 == 0 else 16


def quantise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and float32 scales, one per group of a row (its largest magnitude -> 127)."""
    rows, columns = matrix.shape
    groups = matrix.reshape(rows, -1, group_size(columns))
    scales = np.maximum(np.abs(groups).max(axis=2), 1e-30) / 127
    codes = np.clip(np.rint(groups / scales[:, :, None]), -127, 127).astype(np.int8)
    return codes.reshape(rows, columns), scales.astype(np.float32)


def dequantise(codes: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """The float matrix that quantised codes and their group scales stand for."""
    rows, columns = codes.shape
    groups = codes.reshape(rows, scales.shape[1], -1).astype(np.float32) * scales[:, :, None]
    return groups.reshape(rows, columns)


def _tensors(tower: TextTower) -> tuple[bytes, list[dict[str, Any]]]:
    buffer = bytearray()
    table = []

    def add(name: str, array: np.ndarray, dtype: str) -> None:
        buffer.extend(b"\0" * (-len(buffer) % ALIGN))
        table.append(
            {"name": name, "dtype": dtype, "shape": list(array.shape), "offset": len(buffer)}
        )
        buffer.extend(array.tobytes())

    for name, value in tower.weights.items():
        # Positions are added, not multiplied: their error would reach every token in full.
        if value.ndim == 2 and name != "position_embedding":
            codes, scales = quantise(value)
            add(name, codes, "i8")
            add(name + ".scale", scales, "f32")
        else:
            add(name, value.astype("<f4"), "f32")
    return bytes(buffer), table


def export(tower: TextTower) -> TextModelFiles:
    """The text model's data files: `text/model` (sizes, tokenizer, tensor table) and parts."""
    buffer, table = _tensors(tower)
    parts = [buffer[i : i + PART_BYTES] for i in range(0, len(buffer), PART_BYTES)]
    files = {
        f"text/part-{n:03d}": js_payload(
            f"text/part-{n:03d}", {"data": base64.b64encode(part).decode("ascii")}
        )
        for n, part in enumerate(parts)
    }
    files["text/model"] = js_payload(
        "text/model",
        {
            "family": tower.family,
            "config": tower.config,
            "tokenizer": tower.tokenizer,
            "tensors": table,
            "bytes": len(buffer),
            "parts": len(parts),
            "kernels": base64.b64encode(kernels_wasm()).decode("ascii"),
        },
    )
    return TextModelFiles(files)


def export_kept(embedder: Embedder) -> TextModelFiles:
    """export() of the embedder's text tower, made once per model and kept beside its text
    vectors (embed/textcache.py), since it is the same for every gallery; ValueError for a
    model without a text tower the browser can run. A kept copy that cannot be read or
    written only costs the time of making it."""
    if embedder.text_cache is None:
        return export(text_tower(embedder))
    version = hashlib.sha256(f"v{EXPORT_VERSION}".encode() + kernels_wasm()).hexdigest()[:12]
    kept = embedder.text_cache.with_name(f"{embedder.text_cache.stem}-gallery-{version}.json")
    try:
        return TextModelFiles(json.loads(kept.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    files = export(text_tower(embedder))
    _write_kept(kept, json.dumps(files.files))
    return files


def _write_kept(path: Path, text: str) -> None:
    """Write whole or not at all, and never fail the build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
