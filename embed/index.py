"""Nearest-neighbour search over a model's normalised vectors: exact when small, HNSW when large."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

from photoseek.library import Library

# Below this many photos exact search is fast enough and has perfect recall.
EXACT_LIMIT = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 200
# Each new build checks itself against exact search on a sample of photos, raising
# ef until recall@K reaches RECALL_TARGET; data HNSW cannot serve falls back to exact.
RECALL_K = 24
RECALL_TARGET = 0.99
RECALL_SAMPLE = 256
MAX_EF = 1600
# Queries scored at once in exact search: 256 rows of scores against every photo (20 MB at
# the exact search's limit).
BLOCK = 256


def index_dir(library_root: Path) -> Path:
    """Where the indexes of a library are saved."""
    return Path(library_root) / "index"


def _stem(model: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model)[:60]
    return f"{safe}-{hashlib.sha1(model.encode()).hexdigest()[:8]}"


class VectorIndex:
    """Normalised vectors with string ids, searchable by cosine similarity.

    The HNSW graph is saved at `stem` (.hnsw and .json) and extended, not rebuilt,
    when new ids appear.
    """

    def __init__(
        self,
        ids: list[str],
        vectors: np.ndarray,
        stem: Path,
        model: str,
        *,
        exact_limit: int = EXACT_LIMIT,
    ) -> None:
        self.model = model
        self.ids, self.vectors = ids, vectors
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        self.exact = len(self.ids) <= exact_limit
        self._label_positions: np.ndarray | None = None
        self.hnsw = None if self.exact else self._hnsw(stem)

    @classmethod
    def of_library(
        cls, library: Library, model: str, *, exact_limit: int = EXACT_LIMIT
    ) -> VectorIndex:
        """The index of one model's vectors in a library."""
        ids, vectors = library.vectors(model)
        return cls.saved_in(library.root, model, ids, vectors, exact_limit=exact_limit)

    @classmethod
    def saved_in(
        cls,
        library_root: Path,
        model: str,
        ids: list[str],
        vectors: np.ndarray,
        *,
        exact_limit: int = EXACT_LIMIT,
    ) -> VectorIndex:
        """The index of vectors already read from a library (some of its photos, in any order),
        kept with the library's saved graph; `vectors` is used as it is, not copied."""
        stem = index_dir(library_root) / _stem(model)
        return cls(ids, vectors, stem, model, exact_limit=exact_limit)

    def __len__(self) -> int:
        return len(self.ids)

    def _hnsw(self, stem: Path):  # noqa: ANN202 - hnswlib has no type stubs
        import hnswlib

        dim = self.vectors.shape[1]
        meta_path, index_path = stem.with_suffix(".json"), stem.with_suffix(".hnsw")
        index = hnswlib.Index(space="ip", dim=dim)
        labels: list[str] = []
        saved: dict = {}
        if meta_path.is_file() and index_path.is_file():
            saved = json.loads(meta_path.read_text())
            labels = saved["ids"]
            index.load_index(str(index_path), max_elements=len(self.ids))
        else:
            index.init_index(
                max_elements=len(self.ids), M=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION
            )
        known = set(labels)
        new = [pid for pid in self.ids if pid not in known]
        self.labels = labels
        ef = saved.get("ef", HNSW_EF_SEARCH) if not new else None
        if new:
            # Labels are positions in the saved id list, which only ever grows.
            index.resize_index(max(len(self.ids), index.get_max_elements()))
            rows = np.array([self.position[pid] for pid in new])
            index.add_items(
                self.vectors[rows],
                np.arange(len(labels), len(labels) + len(new)),
                num_threads=os.cpu_count() or 1,
            )
            labels += new
            ef = self._calibrate(index)
            stem.parent.mkdir(parents=True, exist_ok=True)
            meta = {"model": self.model, "ids": labels, "ef": ef}
            for path, write in (
                (index_path, lambda p: index.save_index(str(p))),
                (meta_path, lambda p: Path(p).write_text(json.dumps(meta))),
            ):
                tmp = path.with_suffix(path.suffix + ".part")
                write(tmp)
                os.replace(tmp, path)
        if ef is None:
            self.exact = True
            return None
        self.ef = ef
        index.set_ef(ef)
        return index

    def _calibrate(self, index) -> int | None:  # noqa: ANN001 - an hnswlib.Index
        """The smallest ef reaching the recall target on a sample, or None if none does."""
        rng = np.random.default_rng(0)
        rows = rng.choice(len(self.ids), min(RECALL_SAMPLE, len(self.ids)), replace=False)
        k = min(RECALL_K + 1, len(self.ids))
        # In steps: a million photos' scores for every sampled photo at once would take 1 GB.
        step = 64
        truth = np.vstack(
            [self._exact(self.vectors[rows[i : i + step]], k)[0] for i in range(0, len(rows), step)]
        )
        ef = HNSW_EF_SEARCH
        while ef <= MAX_EF:
            index.set_ef(ef)
            found, _ = index.knn_query(self.vectors[rows], k=k)
            hits = [
                len({self.position[self.labels[int(label)]] for label in got} & set(want))
                for got, want in zip(found, truth, strict=True)
            ]
            if np.mean(hits) / k >= RECALL_TARGET:
                return ef
            ef *= 2
        return None

    def _exact(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions and scores of the k best photos for each of a block of queries, best
        first."""
        scores = queries @ self.vectors.T
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(scores, top, axis=1)
        best = np.argsort(-top_scores, axis=1, kind="stable")
        return np.take_along_axis(top, best, axis=1), np.take_along_axis(top_scores, best, axis=1)

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """The k most similar photos to each normalised query vector, best first."""
        k = min(k, len(self.ids))
        if k == 0:
            return [[] for _ in range(len(queries))]
        queries = np.atleast_2d(queries).astype(np.float32)
        if self.hnsw is None:
            results = []
            for start in range(0, len(queries), BLOCK):
                positions, scores = self._exact(queries[start : start + BLOCK], k)
                for row, row_scores in zip(positions, scores, strict=True):
                    results.append(
                        [(self.ids[c], float(s)) for c, s in zip(row, row_scores, strict=True)]
                    )
            return results
        self.hnsw.set_ef(max(self.ef, k))
        labels, distances = self.hnsw.knn_query(queries, k=k, num_threads=os.cpu_count() or 1)
        return [
            [(self.labels[int(lab)], float(1 - d)) for lab, d in zip(row_l, row_d, strict=True)]
            for row_l, row_d in zip(labels, distances, strict=True)
        ]

    def neighbours(self, k: int) -> np.ndarray:
        """The positions of every photo's k nearest other photos, best first, -1 where there
        are fewer: one row of int32 a photo, made a block at a time, never a list of all."""
        count = len(self.ids)
        found = np.full((count, k), -1, dtype=np.int32)
        # A saved graph may still hold photos that have left: a photo whose answers were
        # mostly those asks again for twice as many, up to all the graph holds.
        held = count if self.hnsw is None else len(self.labels)
        for start in range(0, count, BLOCK):
            block = np.arange(start, min(start + BLOCK, count))
            # One more than k: the photo itself is usually its own best answer.
            asked = min(k + 1, count)
            while len(block) and asked > 1:
                short = []
                for at, row in zip(block, self._nearest(self.vectors[block], asked), strict=True):
                    others = row[(row != at) & (row >= 0)][:k]
                    found[at, : len(others)] = others
                    if len(others) < min(k, count - 1) and asked < held:
                        short.append(at)
                block, asked = np.array(short, dtype=np.int64), min(2 * asked, held)
        return found

    def _nearest(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Positions of the k best photos for each query, best first; -1 for a photo the saved
        graph still holds that is not among this index's ids."""
        if self.hnsw is None:
            return self._exact(queries, k)[0]
        if self._label_positions is None:
            self._label_positions = np.array(
                [self.position.get(pid, -1) for pid in self.labels], dtype=np.int32
            )
        self.hnsw.set_ef(max(self.ef, k))
        labels, _ = self.hnsw.knn_query(queries, k=k, num_threads=os.cpu_count() or 1)
        return self._label_positions[labels.astype(np.int64)]

    def vector(self, photo_id: str) -> np.ndarray:
        """A photo's stored vector."""
        return self.vectors[self.position[photo_id]]
