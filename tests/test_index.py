"""The vector index checks its own recall and never serves worse than its target."""

from __future__ import annotations

import json

import numpy as np

from photoseek.embed import index as index_module
from photoseek.embed.index import VectorIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _recall(index: VectorIndex, exact: VectorIndex, k: int = 10) -> float:
    got, want = index.neighbours(k), exact.neighbours(k)
    return float(np.mean([len({a for a, _ in got[p]} & {b for b, _ in want[p]}) / k for p in want]))


def test_hard_data_raises_ef_until_recall_is_met(tmp_path):
    vectors = _unit(np.random.default_rng(0).standard_normal((3000, 96)))
    ids = [f"{i:06d}" for i in range(len(vectors))]
    index = VectorIndex(ids, vectors, tmp_path / "idx", "m", exact_limit=0)
    exact = VectorIndex(ids, vectors, tmp_path / "exact", "m", exact_limit=len(ids))
    assert _recall(index, exact) >= 0.98
    saved = json.loads((tmp_path / "idx.json").read_text())
    assert saved["ef"] is None or saved["ef"] >= index_module.HNSW_EF_SEARCH


def test_unreachable_target_falls_back_to_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "MAX_EF", 1)
    vectors = _unit(np.random.default_rng(1).standard_normal((500, 32)))
    ids = [str(i) for i in range(len(vectors))]
    index = VectorIndex(ids, vectors, tmp_path / "idx", "m", exact_limit=0)
    assert index.exact and index.hnsw is None
    exact = VectorIndex(ids, vectors, tmp_path / "exact", "m", exact_limit=len(ids))
    assert _recall(index, exact) == 1.0
    reloaded = VectorIndex(ids, vectors, tmp_path / "idx", "m", exact_limit=0)
    assert reloaded.exact
