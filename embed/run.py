"""Embed every photo of a library that a model has not embedded yet, in resumable batches."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from photoseek.concurrency import default_workers, prefetch
from photoseek.library import Library, LibraryError
from photoseek.outcome import Outcome
from photoseek.progress import progress_bar

from .embedder import Embedder
from .fusion import announce_if_unfused
from .heap import model_memory
from .textcache import TextVectorCache


@dataclass
class EmbedSummary:
    """What an embedding run did."""

    model: str
    embedded: int = 0
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        """The closing line, as printed."""
        return (
            f"{self.model}: {self.embedded} embedded, {self.already} already embedded, "
            f"{len(self.failed)} unreadable"
        )

    def outcome(self) -> Outcome:
        """The run as the command line reports it."""
        return Outcome([self.line()], skipped=list(self.failed))


def embed_library(
    library_root: Path,
    embedder: Embedder,
    *,
    batch_size: int = 32,
    workers: int | None = None,
    progress: bool | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> EmbedSummary:
    """Add `embedder`'s vectors for every photo that lacks one; each batch is committed."""
    workers = default_workers(workers)
    summary = EmbedSummary(embedder.name)
    with Library(library_root) as library, model_memory():
        library.register_model(embedder.name, embedder.dim, embedder.info)
        missing = library.missing_vectors(embedder.name)
        summary.already = library.count() - len(missing)
        # Listed up front: the catalog is written between batches.
        photos = [(p.id, p.path) for p in library.photos(missing)] if missing else []
        if photos and getattr(embedder, "fuses", False):
            announce_if_unfused()
        bar = progress_bar(f"embedding ({embedder.name})", "photos", progress, len(missing))
        ids: list[str] = []
        batch: list = []

        def flush() -> None:
            if batch:
                library.put_vectors(embedder.name, ids, embedder.embed_prepared(batch))
                summary.embedded += len(batch)
                bar.update(len(batch))
                if on_batch:
                    on_batch(summary.embedded)
                ids.clear()
                batch.clear()

        # Decoding runs on worker threads (Pillow releases the GIL) while the model runs. Closed
        # here, not when collected: an interrupt while it closes then stops the run cleanly.
        prepared = prefetch(lambda p: embedder.prepare(p[1]), photos, workers, ahead=2 * batch_size)
        with closing(prepared):
            for (photo_id, path), future in prepared:
                try:
                    batch.append(future.result())
                    ids.append(photo_id)
                except Exception as err:  # noqa: BLE001 - one unreadable picture must not stop it
                    summary.failed.append((str(path), str(err) or type(err).__name__))
                    bar.update()
                if len(batch) >= batch_size:
                    flush()
        flush()
        bar.close()
    return summary


def embed_texts_cached(
    library_root: Path,
    embedder: Embedder,
    texts: list[str],
    *,
    batch_size: int = 64,
    progress: bool | None = None,
) -> np.ndarray:
    """Vectors of `texts` (one row each), embedding only those the library has not seen."""
    unique = list(dict.fromkeys(texts))
    try:
        library = Library(library_root)
    except LibraryError:
        # Read-only media or another writer: the words are embedded, just not remembered.
        library = Library(library_root, readonly=True)
    with library, closing(TextVectorCache(embedder.text_cache)) as cache, model_memory():
        if not library.readonly:
            library.register_model(embedder.name, embedder.dim, embedder.info)
        known = library.text_vectors(embedder.name, unique)
        missing = [t for t in unique if t not in known]
        # Made for another library with the same model: copied, not embedded again.
        kept = cache.get(missing)
        if kept and not library.readonly:
            library.put_text_vectors(embedder.name, list(kept), np.stack(list(kept.values())))
        known.update(kept)
        missing = [t for t in missing if t not in kept]
        bar = progress_bar("embedding search words", "texts", progress, len(missing))
        for start in range(0, len(missing), batch_size):
            chunk = missing[start : start + batch_size]
            vectors = embedder.embed_texts(chunk)
            if not library.readonly:
                library.put_text_vectors(embedder.name, chunk, vectors)
            cache.put(chunk, vectors)
            known.update(zip(chunk, vectors, strict=True))
            bar.update(len(chunk))
        bar.close()
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32)
