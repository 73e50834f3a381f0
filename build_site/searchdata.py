"""Search data for the browser: photo and concept vectors, small enough to download.

Photo vectors are centred and rotated onto their principal axes (PCA). The
strongest axes are kept as int8, the next ones as 4-bit numbers (two per byte),
the rest dropped: a transform code that spends bits where the variance is.
A query's score against a photo is a dot product of the query's projection
with the photo's decoded codes; centring shifts every photo's score for a query
by the same amount, so rankings are unchanged. Concept (text) vectors go
through the same projection, so the browser never needs the model.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import numpy as np

from photoseek.relevance import strong_threshold

HIGH_DIMS = 96
LOW_DIMS = 176
# 4-bit codes cover +-3 standard deviations of their axis; rarer values are clipped.
LOW_RANGE = 3.0
TOP = 24
# Concept-photo scores exact_best holds at once (128 MB of float32).
SCORES_AT_ONCE = 1 << 25


@dataclass
class Projection:
    """Principal axes of the photo vectors and the scale of each axis's codes."""

    mean: np.ndarray
    axes: np.ndarray
    scales: np.ndarray
    high: int

    @classmethod
    def fit(cls, vectors: np.ndarray, high: int = HIGH_DIMS, low: int = LOW_DIMS) -> Projection:
        """Axes from the photos' own vectors (all of them, or a large sample)."""
        rng = np.random.default_rng(0)
        if not len(vectors):
            # An empty gallery still gets (trivial) search data, so its pages work.
            vectors = np.zeros((1, vectors.shape[1]), dtype=np.float32)
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
        high = min(high, len(vt))
        low = min(low, len(vt) - high) // 2 * 2
        axes = vt[: high + low].astype(np.float32)
        projected = centred @ axes.T
        scales = np.empty(high + low, dtype=np.float32)
        scales[:high] = np.maximum(np.abs(projected[:, :high]).max(axis=0), 1e-6) / 127
        scales[high:] = np.maximum(projected[:, high:].std(axis=0) * LOW_RANGE, 1e-6) / 7
        return cls(mean.astype(np.float32), axes, scales, high)

    @property
    def dims(self) -> int:
        """How many axes are kept."""
        return len(self.axes)

    @property
    def row_bytes(self) -> int:
        """Bytes per photo: one per strong axis, one per pair of weaker axes."""
        return self.high + (self.dims - self.high) // 2

    def codes(self, vectors: np.ndarray) -> np.ndarray:
        """Each photo's code bytes (uint8 rows of `row_bytes`)."""
        values = np.rint(((vectors - self.mean) @ self.axes.T) / self.scales)
        high = np.clip(values[:, : self.high], -127, 127).astype(np.int8).view(np.uint8)
        low = (np.clip(values[:, self.high :], -7, 7) + 8).astype(np.uint8)
        packed = low[:, 0::2] | (low[:, 1::2] << 4)
        return np.hstack([high, packed])

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """The code values (before scaling) the browser reads from code bytes."""
        high = codes[:, : self.high].view(np.int8).astype(np.float32)
        packed = codes[:, self.high :]
        low = np.empty((len(codes), packed.shape[1] * 2), dtype=np.float32)
        low[:, 0::2] = (packed & 15).astype(np.float32) - 8
        low[:, 1::2] = (packed >> 4).astype(np.float32) - 8
        return np.hstack([high, low])

    def header(self, count: int) -> dict:
        """How the browser reads the codes of `count` photos, and turns a photo's codes back
        into a query ("more like this")."""
        return {
            "dims": self.dims,
            "high": self.high,
            "rowBytes": self.row_bytes,
            "count": count,
            "scales": [float(f"{v:.6g}") for v in self.scales],
            "centre": [float(f"{v:.6g}") for v in self.axes @ self.mean],
        }

    def queries(self, vectors: np.ndarray) -> np.ndarray:
        """Query vectors in code space: the photo scales are folded in."""
        return ((vectors @ self.axes.T) * self.scales).astype(np.float32)


def quantise_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows with one scale each (how concept vectors are shipped)."""
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
    codes = projection.codes(vectors)
    return js_payload(
        "vectors",
        {
            **projection.header(len(codes)),
            "codes": base64.b64encode(codes.tobytes()).decode("ascii"),
        },
    )


def exact_best(
    concepts: np.ndarray, photos: np.ndarray, k: int = TOP
) -> tuple[np.ndarray, np.ndarray]:
    """For each concept, its k best photos by exact float similarity, best first, and how
    many of them are strong matches (photoseek.relevance: the rest are weaker)."""
    k = min(k, len(photos))
    top = np.zeros((len(concepts), k), dtype=np.int64)
    strong = np.zeros(len(concepts), dtype=np.int64)
    if k == 0:
        return top, strong
    # Concepts at a time: their scores against every photo stay near SCORES_AT_ONCE numbers,
    # whatever the library's size.
    step = max(1, min(256, SCORES_AT_ONCE // len(photos)))
    for start in range(0, len(concepts), step):
        scores = concepts[start : start + step] @ photos.T
        best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(scores, best, axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")
        top[start : start + step] = np.take_along_axis(best, order, axis=1)
        floor = strong_threshold(scores)[:, None]
        strong[start : start + step] = (best_scores >= floor).sum(axis=1)
    return top, strong


def exact_top(concepts: np.ndarray, photos: np.ndarray, k: int = TOP) -> np.ndarray:
    """For each concept, its k best photos by exact float similarity, best first."""
    return exact_best(concepts, photos, k)[0]


def concepts_js(
    projection: Projection,
    texts: list[str],
    vectors: np.ndarray,
    kinds: list[str],
    top: np.ndarray,
    strong: np.ndarray | None = None,
) -> str:
    """The vocabulary file: each entry's text, kind, projected vector and exact best photos.

    A query that is one concept shows that concept's exact best photos first, as
    computed here from the full vectors; compositions are ranked from the codes.
    """
    projected = projection.queries(vectors) if len(vectors) else np.zeros((0, projection.dims))
    codes, scales = quantise_rows(projected) if len(projected) else (np.zeros((0, 0)), [])
    return js_payload(
        "concepts",
        {
            "dims": projection.dims,
            "texts": texts,
            "kinds": kinds,
            "scales": [float(f"{s:.6g}") for s in scales],
            "codes": base64.b64encode(np.asarray(codes, dtype=np.int8).tobytes()).decode("ascii"),
            "topCount": int(top.shape[1]) if top.ndim == 2 else 0,
            # How many of each concept's best photos are strong matches; the rest fold away.
            "strong": [] if strong is None else [int(n) for n in strong],
            # Photo positions as 3-byte little-endian numbers (up to 16 million photos).
            "top": base64.b64encode(
                top.astype("<u4").view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
            ).decode("ascii"),
        },
    )


def residuals(projection: Projection, vectors: np.ndarray) -> np.ndarray:
    """What each photo's coarse codes leave out of its vector (less the shared centre)."""
    decoded = projection.decode(projection.codes(vectors)) * projection.scales
    return vectors - projection.mean - decoded @ projection.axes


def fine_js(projection: Projection, vectors: np.ndarray, with_codes: bool = True) -> str:
    """What ranks free-text queries closely, loaded with the text model.

    `axes` turns a model's query vector into code space for the first, coarse pass over
    every photo; `codes` (what the coarse codes leave out of each photo's vector, as int8
    with one scale per photo) then complete the scores of the best few hundred, so the top
    results agree with exact float ranking. The residual is several times smaller than
    the vector, and so is its rounding error. A gallery with lists (searchlists.py) ships
    the residuals by block instead (`with_codes` false).
    """
    axes = (projection.axes * projection.scales[:, None]).astype("<f4")
    payload = {
        "dim": int(vectors.shape[1]),
        "axes": base64.b64encode(axes.tobytes()).decode("ascii"),
    }
    if with_codes:
        rows, scales = (
            quantise_rows(residuals(projection, vectors))
            if len(vectors)
            else (np.zeros((0, 0), np.int8), np.zeros(0))
        )
        payload["scales"] = base64.b64encode(np.asarray(scales, "<f4").tobytes()).decode("ascii")
        payload["codes"] = base64.b64encode(np.asarray(rows, np.int8).tobytes()).decode("ascii")
    return js_payload("fine", payload)
