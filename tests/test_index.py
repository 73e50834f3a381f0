"""The vector index checks its own recall and never serves worse than its target."""

from __future__ import annotations

import json

import numpy as np
import pytest

from photoseek.embed import index as index_module
from photoseek.embed.index import VectorIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _recall(index: VectorIndex, exact: VectorIndex, k: int = 10) -> float:
    got, want = index.neighbours(k), exact.neighbours(k)
    assert got.shape == want.shape == (len(index), k)
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(got, want, strict=True)]))


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


def _clustered(n: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((20, dim))
    return _unit(centres[rng.integers(0, 20, n)] + 0.3 * rng.standard_normal((n, dim)))


def test_exact_search_ranks_best_first_with_cosine_scores(tmp_path):
    vectors = _unit(np.random.default_rng(2).standard_normal((300, 16)))
    ids = [f"p{i}" for i in range(len(vectors))]
    index = VectorIndex(ids, vectors, tmp_path / "idx", "m")
    assert index.exact and len(index) == 300
    # More queries than one block of 1,024, so that the blocks are joined in order.
    queries = _unit(np.random.default_rng(3).standard_normal((1100, 16)))
    found = index.search(queries, 5)
    scores = queries @ vectors.T
    for query, row in zip(scores, found, strict=True):
        best = np.argsort(-query)[:5]
        assert [pid for pid, _ in row] == [ids[i] for i in best]
        assert np.allclose([s for _, s in row], query[best], atol=1e-6)
    # A longer list, in order: the partition must hold its whole top.
    row = index.search(queries[0], 60)[0]
    assert [pid for pid, _ in row] == [ids[i] for i in np.argsort(-scores[0])[:60]]
    # One query as a plain vector; k beyond the photos; k of 0.
    assert index.search(vectors[7], 1) == [[("p7", pytest.approx(1.0, abs=1e-6))]]
    assert len(index.search(vectors[:2], 1000)[0]) == 300
    assert index.search(vectors[:3], 0) == [[], [], []]


def test_hnsw_answers_like_exact_search_best_first_with_cosine_scores(tmp_path):
    vectors = _clustered(2000, 32, 4)
    ids = [f"p{i}" for i in range(len(vectors))]
    index = VectorIndex(ids, vectors, tmp_path / "idx", "m", exact_limit=0)
    assert not index.exact and index.ef >= index_module.HNSW_EF_SEARCH
    queries = vectors[:50]
    exact = VectorIndex(ids, vectors, tmp_path / "exact", "m").search(queries, 10)
    for query, row, want in zip(queries, index.search(queries, 10), exact, strict=True):
        scores = [s for _, s in row]
        assert scores == sorted(scores, reverse=True)
        # Each score is the cosine of the query and that photo.
        cosines = [float(vectors[index.position[pid]] @ query) for pid, _ in row]
        assert scores == pytest.approx(cosines, abs=1e-5)
        assert len({p for p, _ in row} & {p for p, _ in want}) >= 9
    assert index.search(vectors[5], 3)[0][0] == ("p5", pytest.approx(1.0, abs=1e-5))


def test_neighbours_leave_the_photo_itself_out_and_keep_k(tmp_path):
    vectors = _clustered(400, 16, 5)
    ids = [f"p{i}" for i in range(len(vectors))]
    exact = vectors @ vectors.T
    np.fill_diagonal(exact, -np.inf)
    for limit in (len(ids), 0):
        index = VectorIndex(ids, vectors, tmp_path / f"idx{limit}", "m", exact_limit=limit)
        found = index.neighbours(6)
        assert found.shape == (len(ids), 6) and found.dtype == np.int32
        for at, row in enumerate(found):
            assert (row >= 0).all() and at not in row and len(set(row)) == 6
            scores = vectors[row] @ vectors[at]
            assert list(scores) == sorted(scores, reverse=True)
            # Each photo's own nearest: its best is the best other photo.
            assert scores[0] == pytest.approx(exact[at].max(), abs=1e-6)
    # Blocks of queries are joined in order: with more photos than one block.
    more = _clustered(2500, 8, 8)
    found = VectorIndex([str(i) for i in range(2500)], more, tmp_path / "more", "m").neighbours(2)
    scores = more @ more.T
    np.fill_diagonal(scores, -np.inf)
    best = np.argsort(-scores, axis=1)[:, :2]
    assert (found == best).all(axis=1).mean() > 0.99


def test_neighbours_name_only_photos_still_here(tmp_path):
    # The saved graph keeps photos that have left; they are never anyone's neighbour.
    vectors = _clustered(1200, 16, 10)
    ids = [f"p{i}" for i in range(len(vectors))]
    VectorIndex(ids, vectors, tmp_path / "idx", "m", exact_limit=0)
    kept = list(range(0, 1200, 2))
    fewer = VectorIndex([ids[i] for i in kept], vectors[kept], tmp_path / "idx", "m", exact_limit=0)
    assert not fewer.exact and len(fewer.labels) == 1200
    found = fewer.neighbours(5)
    assert found.max() < len(kept) and (found >= 0).all()
    exact = VectorIndex([ids[i] for i in kept], vectors[kept], tmp_path / "exact", "m")
    assert _recall(fewer, exact, 3) > 0.9


def test_neighbours_of_too_few_photos_are_padded(tmp_path):
    vectors = _clustered(3, 8, 9)
    found = VectorIndex(["a", "b", "c"], vectors, tmp_path / "idx", "m").neighbours(4)
    assert found.shape == (3, 4)
    assert (found[:, 2:] == -1).all() and (found[:, :2] >= 0).all()
    assert [sorted(row[:2]) for row in found] == [[1, 2], [0, 2], [0, 1]]
    one = VectorIndex(["a"], vectors[:1], tmp_path / "one", "m").neighbours(4)
    assert (one == -1).all() and one.shape == (1, 4)


def test_a_saved_index_is_reused_and_grows_by_its_new_photos_only(tmp_path):
    vectors = _clustered(1500, 24, 6)
    ids = [f"p{i}" for i in range(len(vectors))]
    first = VectorIndex(ids[:1000], vectors[:1000], tmp_path / "idx", "m", exact_limit=0)
    saved = (tmp_path / "idx.hnsw").stat().st_mtime_ns
    again = VectorIndex(ids[:1000], vectors[:1000], tmp_path / "idx", "m", exact_limit=0)
    assert (tmp_path / "idx.hnsw").stat().st_mtime_ns == saved
    assert again.ef == first.ef and again.labels == ids[:1000]
    # New photos come between the old ones in the library's order: labels keep the old ones'.
    order = ids[1000:1100] + ids[:1000] + ids[1100:]
    rows = [int(p[1:]) for p in order]
    grown = VectorIndex(order, vectors[rows], tmp_path / "idx", "m", exact_limit=0)
    assert grown.labels == ids[:1000] + ids[1000:1100] + ids[1100:]
    # Still HNSW: a graph grown wrong would fail its own recall check and fall back to exact.
    assert not grown.exact
    for pid in ("p3", "p1050", "p1499"):
        assert grown.search(grown.vector(pid), 1)[0][0][0] == pid
    meta = json.loads((tmp_path / "idx.json").read_text())
    assert meta["model"] == "m" and meta["ids"] == grown.labels


def test_each_model_has_its_own_safely_named_index_files():
    names = {index_module._stem(m) for m in ("openai/clip", "openai_clip", "a b", "a:b")}
    assert len(names) == 4 and not any("/" in n or " " in n for n in names)
    assert index_module._stem("x" * 200).startswith("x" * 60 + "-")


def test_exact_copies_still_get_k_neighbours_each(tmp_path):
    # Ten photos with one vector: a photo need not be among the first k + 1 answers for it.
    vectors = _unit(
        np.vstack([np.ones((10, 8)), np.random.default_rng(7).standard_normal((30, 8))])
    )
    ids = [f"p{i}" for i in range(len(vectors))]
    found = VectorIndex(ids, vectors, tmp_path / "idx", "m").neighbours(3)
    assert all((row >= 0).all() and at not in row for at, row in enumerate(found))
    # A copy's nearest are other copies.
    assert (found[:10] < 10).all()


def test_an_index_of_vectors_read_already_is_saved_with_the_library_and_shares_them(tmp_path):
    vectors = _clustered(300, 16, 11)
    ids = [f"p{i}" for i in range(len(vectors))]
    index = VectorIndex.saved_in(tmp_path, "m", ids, vectors, exact_limit=0)
    assert index.vectors is vectors and not index.exact
    stem = tmp_path / "index" / index_module._stem("m")
    assert stem.with_suffix(".hnsw").is_file() and stem.with_suffix(".json").is_file()
    assert VectorIndex.saved_in(tmp_path, "m", ids, vectors).exact
