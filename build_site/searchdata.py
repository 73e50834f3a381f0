"""Search data for the browser: photo and concept vectors, small enough to download.

Photo vectors are centred, rotated onto their principal axes, cut to the axes
that carry the variance, and stored as int8 with one scale per axis. A query's
score against a photo is then a dot product of the query's projection with the
photo's bytes. Centring shifts every photo's score for a query by the same
amount, so rankings are unchanged. Concept (text) vectors go through the same
projection so the browser never needs the model.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import numpy as np

MAX_DIMS = 160


@dataclass
class Projection:
    """Principal axes of the photo vectors and the int8 scale of each."""

    mean: np.ndarray
    axes: np.ndarray
    scales: np.ndarray

    @classmethod
    def fit(cls, vectors: np.ndarray, max_dims: int = MAX_DIMS) -> Projection:
        """Axes from the photos' own vectors (all of them, or a large sample)."""
        rng = np.random.default_rng(0)
        sample = (
            vectors
            if len(vectors) <= 20_000
            else vectors[rng.choice(len(vectors), 20_000, replace=False)]
        )
        mean = sample.mean(axis=0)
        centred = sample - mean
        if len(sample) > 1:
            _, _, vt = np.linalg.svd(centred, full_matrices=False)
        else:
            vt = np.eye(vectors.shape[1], dtype=np.float32)
        axes = vt[: min(max_dims, vt.shape[0])].astype(np.float32)
        projected = centred @ axes.T
        scales = np.maximum(np.abs(projected).max(axis=0), 1e-6) / 127
        return cls(mean.astype(np.float32), axes, scales.astype(np.float32))

    @property
    def dims(self) -> int:
        """How many axes are kept."""
        return len(self.axes)

    def photos(self, vectors: np.ndarray) -> np.ndarray:
        """int8 codes of photo vectors."""
        codes = ((vectors - self.mean) @ self.axes.T) / self.scales
        return np.clip(np.rint(codes), -127, 127).astype(np.int8)

    def queries(self, vectors: np.ndarray) -> np.ndarray:
        """Query vectors in code space: the photo scales are folded in."""
        return ((vectors @ self.axes.T) * self.scales).astype(np.float32)


def _quantise_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scales = np.maximum(np.abs(rows).max(axis=1), 1e-12) / 127
    return np.clip(np.rint(rows / scales[:, None]), -127, 127).astype(np.int8), scales


def js_payload(name: str, payload: dict) -> str:
    """A script that hands data to the page; scripts load from file:// where fetch() cannot."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # "</" inside a string could end an inline script; escaping it is harmless here too.
    text = text.replace("</", "<\\/")
    return f"photoseekData({json.dumps(name)},{text});\n"


def photo_vectors_js(projection: Projection, vectors: np.ndarray) -> str:
    """The photo vectors file (rows in the order of the photo list)."""
    codes = projection.photos(vectors) if len(vectors) else np.zeros((0, projection.dims), np.int8)
    return js_payload(
        "vectors",
        {
            "dims": projection.dims,
            "count": len(codes),
            # Lets the browser turn a photo's codes back into a query ("more like this").
            "scales": [float(f"{v:.6g}") for v in projection.scales],
            "centre": [float(f"{v:.6g}") for v in projection.axes @ projection.mean],
            "codes": base64.b64encode(codes.tobytes()).decode("ascii"),
        },
    )


def concepts_js(
    projection: Projection, texts: list[str], vectors: np.ndarray, kinds: list[str]
) -> str:
    """The vocabulary file: each entry's text, where it came from, and its projected vector."""
    projected = projection.queries(vectors) if len(vectors) else np.zeros((0, projection.dims))
    codes, scales = _quantise_rows(projected) if len(projected) else (np.zeros((0, 0)), [])
    return js_payload(
        "concepts",
        {
            "dims": projection.dims,
            "texts": texts,
            "kinds": kinds,
            "scales": [float(f"{s:.6g}") for s in scales],
            "codes": base64.b64encode(np.asarray(codes, dtype=np.int8).tobytes()).decode("ascii"),
        },
    )
