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
from dataclasses import dataclass
from typing import Any

import numpy as np

from photoseek.embed import TextTower

from .kernels import kernels_wasm
from .searchdata import js_payload

PART_BYTES = 4 << 20
ALIGN = 64


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
