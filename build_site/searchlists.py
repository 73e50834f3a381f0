"""The photo vectors as an inverted file, for galleries too large to download whole.

k-means groups the photos by their vectors into lists of about `LIST_SIZE`. The browser
always loads the lists' centroids (in the coarse codes' space, so that any query scores
them), then only the lists whose centroids score best for a query until it has scanned
`SCAN` photos, and then the residual codes of the blocks its best candidates fall in. A
single concept keeps its exact answer (searchdata.concepts_js) and "more like this" starts
from the photo's own codes, found through `lists/of`.

Up to `SINGLE_FILE_UP_TO` photos the gallery keeps one file of coarse codes
(searchdata.photo_vectors_js), where the two layouts download alike.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .searchdata import Projection, js_payload, quantise_rows, residuals

# Photos a list holds on average.
LIST_SIZE = 512
# Photos a query scans: about 20 MB of coarse codes, whatever the library's size.
SCAN = 80_000
# Up to this many photos, the gallery keeps one file of coarse codes: measured at 10,000,
# it answers a first query a little sooner from fewer files, for 4 MB more
# (benchmarks/README.md); above, one file grows by 1 KB a photo and lists do not.
SINGLE_FILE_UP_TO = 10_000
# Residual codes come in blocks of this many photos of a list.
FINE_BLOCK = 32
# Photos whose coarse codes give every query the spread of its scores (where strong
# matches end), since the lists a query opens are the best, not a fair sample.
SAMPLE = 2048
ROUNDS = 10
# Photos the k-means rounds learn from, per list.
TRAINING_PER_LIST = 64


def uses_lists(photos: int) -> bool:
    """Whether a gallery of this many photos ships its vectors as lists."""
    return photos > SINGLE_FILE_UP_TO


@dataclass
class PhotoLists:
    """Unit centroids and the list each photo belongs to."""

    centroids: np.ndarray
    of: np.ndarray

    @classmethod
    def fit(cls, vectors: np.ndarray, size: int | None = None, seed: int = 0) -> PhotoLists:
        """Spherical k-means on a sample of the photos, then every photo to its nearest list
        (lists of about `size` photos, LIST_SIZE by default)."""
        rng = np.random.default_rng(seed)
        count = -(-len(vectors) // (size or LIST_SIZE))
        training = vectors
        if len(vectors) > count * TRAINING_PER_LIST:
            picked = rng.choice(len(vectors), count * TRAINING_PER_LIST, replace=False)
            training = vectors[np.sort(picked)]
        centroids = training[rng.choice(len(training), count, replace=False)].copy()
        for _ in range(ROUNDS):
            nearest = _nearest(training, centroids)
            sums = np.zeros_like(centroids)
            np.add.at(sums, nearest, training)
            empty = np.flatnonzero(np.bincount(nearest, minlength=count) == 0)
            # A list that lost every photo starts again from a photo picked at random.
            sums[empty] = training[rng.choice(len(training), len(empty))]
            centroids = _unit(sums)
        return cls(centroids.astype(np.float32), _nearest(vectors, centroids))

    def members(self) -> list[np.ndarray]:
        """Each list's photo positions, ascending."""
        order = np.argsort(self.of, kind="stable")
        bounds = np.cumsum(np.bincount(self.of, minlength=len(self.centroids)))
        return np.split(order, bounds[:-1])


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def _nearest(vectors: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    found = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), 16_384):
        found[start : start + 16_384] = np.argmax(
            vectors[start : start + 16_384] @ centroids.T, axis=1
        )
    return found


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _positions(positions: np.ndarray) -> str:
    """Photo positions as 3-byte little-endian numbers (up to 16 million photos)."""
    return _b64(positions.astype("<u4").view(np.uint8).reshape(-1, 4)[:, :3])


def vectors_js(projection: Projection, lists: PhotoLists, vectors: np.ndarray) -> str:
    """The vectors file of a gallery with lists: how to read codes, the centroids, a sample."""
    rng = np.random.default_rng(1)
    sample = np.sort(rng.choice(len(vectors), min(SAMPLE, len(vectors)), replace=False))
    placed = (lists.centroids - projection.mean) @ projection.axes.T / projection.scales
    rows, scales = quantise_rows(placed)
    return js_payload(
        "vectors",
        {
            **projection.header(len(vectors)),
            "sample": _b64(projection.codes(vectors[sample])),
            "lists": {
                "sizes": np.bincount(lists.of, minlength=len(lists.centroids)).tolist(),
                "centroids": _b64(rows),
                "scales": [float(f"{s:.6g}") for s in scales],
                "scan": SCAN,
                "block": FINE_BLOCK,
            },
        },
    )


def list_files(
    projection: Projection, lists: PhotoLists, vectors: np.ndarray, fine: bool
) -> Iterator[tuple[str, str]]:
    """Each list's file (its photos' positions and coarse codes), the residual codes' blocks
    when the gallery ships a text model (`fine`), and the list of every photo."""
    yield "lists/of", js_payload("lists/of", {"lists": _b64(lists.of.astype("<u2"))})
    for number, members in enumerate(lists.members()):
        name = f"lists/{number}"
        yield (
            name,
            js_payload(
                name,
                {
                    "positions": _positions(members),
                    "codes": _b64(projection.codes(vectors[members])),
                },
            ),
        )
        if not fine:
            continue
        for block in range(0, len(members), FINE_BLOCK):
            rows = vectors[members[block : block + FINE_BLOCK]]
            codes, scales = quantise_rows(residuals(projection, rows))
            name = f"fine/{number}-{block // FINE_BLOCK}"
            yield (
                name,
                js_payload(name, {"scales": _b64(scales.astype("<f4")), "codes": _b64(codes)}),
            )
