"""Text vectors kept once per model, beside its converted weights, for every library.

The gallery's search vocabulary (about 5,200 phrases) goes through the text tower on each
library's first build: 19 s of a 100-photo build on 2 cores (benchmarks/bench_build.py).
The phrases and the model are the same for every library, so their vectors are kept here
and a second library reuses them. The cache only saves time: when it cannot be opened or
written (a read-only home, a full disk, another build holding it), texts are embedded
as if it were empty.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

# Bump when the text tower's output changes for the same weights, so that old vectors
# are never reused.
CACHE_VERSION = 1
BUSY_SECONDS = 5.0


def cache_file(weights_folder: Path, tokenizer_files: list[Path]) -> Path:
    """The cache for a model whose converted weights live in `weights_folder`; named by its
    tokenizer files too, since the same weights read other tokens with another tokenizer."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}".encode())
    for path in sorted(tokenizer_files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return weights_folder / f"text-vectors-{digest.hexdigest()[:16]}.db"


class TextVectorCache:
    """Float32 vectors by text, in one SQLite file; a cache that never fails its caller."""

    def __init__(self, path: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=BUSY_SECONDS)
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS vectors(text TEXT PRIMARY KEY, vector BLOB NOT NULL)"
            )
        except (OSError, sqlite3.Error):
            self.close()

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those of `texts` that have one."""
        found: dict[str, np.ndarray] = {}
        if self.db is None:
            return found
        try:
            for start in range(0, len(texts), 500):
                chunk = texts[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT text, vector FROM vectors WHERE text IN ({marks})", chunk
                )
                found.update((t, np.frombuffer(blob, dtype=np.float32)) for t, blob in rows)
        except sqlite3.Error:
            return {}
        return found

    def put(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep vectors (one row per text), in one transaction; nothing when it cannot."""
        if self.db is None:
            return
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO vectors(text, vector) VALUES(?, ?)",
                    [(text, data[i].tobytes()) for i, text in enumerate(texts)],
                )
        except sqlite3.Error:
            return

    def close(self) -> None:
        """Close the file (safe to call twice)."""
        if self.db is not None:
            self.db.close()
            self.db = None
