"""The vector index at library scale: build, all-neighbours, query time, recall and size.

Vectors are synthetic (no real embeddings of 100,000 photos exist here):
`clustered` mimics photo embeddings (many tight groups of look-alikes on a
low-dimensional spread), `uniform` is random directions, the worst case.

    .venv/bin/python benchmarks/bench_index.py [--count 100000] [--dim 512] [--data clustered]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from photoseek.embed.index import HNSW_EF_SEARCH, HNSW_M, VectorIndex

K = 24


def vectors(count: int, dim: int, kind: str, seed: int = 0) -> np.ndarray:
    """Normalised float32 vectors."""
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        data = rng.standard_normal((count, dim), dtype=np.float32)
    else:
        # Embeddings of photos: a decaying spectrum, and groups (bursts, series, themes).
        basis = rng.standard_normal((dim, dim)).astype(np.float32) * (
            np.arange(1, dim + 1, dtype=np.float32) ** -0.6
        )
        centres = rng.standard_normal((count // 20, dim), dtype=np.float32) @ basis
        data = centres[rng.integers(0, len(centres), count)]
        data += 0.35 * (rng.standard_normal((count, dim), dtype=np.float32) @ basis)
    return data / np.linalg.norm(data, axis=1, keepdims=True)


def exact_top(data: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    scores = queries @ data.T
    top = np.argpartition(-scores, k, axis=1)[:, : k + 1]
    return np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, 1), 1), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--data", choices=["clustered", "uniform"], default="clustered")
    parser.add_argument("--sample", type=int, default=1000, help="queries checked for recall")
    args = parser.parse_args()
    data = vectors(args.count, args.dim, args.data)
    ids = [f"{i:08x}" for i in range(args.count)]
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "bench"
        started = time.perf_counter()
        index = VectorIndex(ids, data, stem, "bench", exact_limit=0)
        build = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())

        started = time.perf_counter()
        neighbours = index.neighbours(K)
        all_time = time.perf_counter() - started

        rng = np.random.default_rng(1)
        sample = rng.choice(args.count, args.sample, replace=False)
        started = time.perf_counter()
        for row in sample[:200]:
            index.search(data[row], K)
        query_ms = (time.perf_counter() - started) / 200 * 1000

        truth = exact_top(data, data[sample], K)
        recalls = []
        for row, true in zip(sample, truth, strict=True):
            want = {int(c) for c in true if c != row}
            want = set(list(want)[:K]) if len(want) > K else want
            # Each photo's neighbours are a row of positions (-1 past its end).
            got = {int(c) for c in neighbours[row] if c >= 0}
            recalls.append(len(got & want) / len(want))

        started = time.perf_counter()
        exact = VectorIndex(ids, data, Path(tmp) / "exact", "bench", exact_limit=args.count)
        for row in sample[:200]:
            exact.search(data[row], K)
        exact_ms = (time.perf_counter() - started) / 200 * 1000

    setting = (
        "exact search (no ef reached the recall target)"
        if index.exact
        else f"HNSW M={HNSW_M}, ef={index.ef} (self-calibrated from {HNSW_EF_SEARCH})"
    )
    print(f"{args.count} vectors, dimension {args.dim}, {args.data} data; {setting}")
    print(f"build:                      {build:7.1f} s")
    print(f"neighbours of every photo:  {all_time:7.1f} s  (k={K})")
    print(f"one query:                  {query_ms:7.2f} ms  (exact search: {exact_ms:.1f} ms)")
    print(f"recall@{K} against exact:    {np.mean(recalls):7.4f}  (target >= 0.99)")
    print(
        f"index on disk:              {size / 1e6:7.1f} MB  "
        f"(vectors alone: {data.nbytes / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()
