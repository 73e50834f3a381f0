"""Read the text in every photo of a library that the OCR engine has not read yet.

A photo is read once per engine, version and settings; each batch is committed, so a
re-run reads only new photos and a killed run loses at most the batch in hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pillow_heif

from photoseek.concurrency import prefetch
from photoseek.library import Library
from photoseek.outcome import Outcome
from photoseek.progress import progress_bar

from .ocr import TextReader

pillow_heif.register_heif_opener()


@dataclass
class ReadSummary:
    """What a reading run did."""

    engine: str
    read: int = 0
    with_text: int = 0
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        """The closing line, as printed."""
        return (
            f"text in pictures ({self.engine}): {self.read} read, {self.with_text} with text, "
            f"{self.already} already read, {len(self.failed)} unreadable"
        )

    def outcome(self) -> Outcome:
        """The run as the command line reports it."""
        return Outcome([self.line()], skipped=list(self.failed))


def read_library(
    library_root: Path,
    reader: TextReader,
    *,
    batch_size: int = 16,
    progress: bool | None = None,
) -> ReadSummary:
    """Store the text `reader` finds in each photo it has not read; returns the summary."""
    summary = ReadSummary(reader.key)
    with Library(library_root) as library:
        missing = library.missing_ocr(reader.key)
        summary.already = library.count() - len(missing)
        # Listed up front: the catalog is written between batches.
        photos = [(p.id, p.path) for p in library.photos(missing)] if missing else []
        bar = progress_bar("reading text", "photos", progress, len(photos))
        done: list[tuple[str, str]] = []
        # Each worker reads one picture at a time with its own engine (ocr.py).
        for (photo_id, path), future in prefetch(
            lambda photo: reader.read_file(photo[1]), photos, reader.workers, 2 * reader.workers
        ):
            try:
                text = future.result()
            except Exception as err:  # noqa: BLE001 - one unreadable picture must not stop it
                summary.failed.append((str(path), str(err) or type(err).__name__))
            else:
                done.append((photo_id, text))
                summary.read += 1
                summary.with_text += bool(text)
            bar.update()
            if len(done) >= batch_size:
                library.put_ocr(reader.key, done)
                done.clear()
        if done:
            library.put_ocr(reader.key, done)
        bar.close()
    return summary
