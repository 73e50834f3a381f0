"""Describe in words every photo of a library that the describer (model, task and settings)
has not described yet.

Each batch is committed, so a re-run describes only new photos (or those another model or
task described) and a killed run loses at most the batch in hand. The model spreads one
picture over every core itself, so pictures go one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from photoseek.library import Library
from photoseek.outcome import Outcome
from photoseek.progress import progress_bar

from .describe import Describer


@dataclass
class DescribeSummary:
    """What a describing run did."""

    writer: str
    described: int = 0
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        """The closing line, as printed."""
        return (
            f"descriptions ({self.writer}): {self.described} written, {self.already} already "
            f"written, {len(self.failed)} unreadable"
        )

    def outcome(self) -> Outcome:
        """The run as the command line reports it."""
        return Outcome([self.line()], skipped=list(self.failed))


def describe_library(
    library_root: Path,
    describer: Describer,
    *,
    batch_size: int = 8,
    progress: bool | None = None,
) -> DescribeSummary:
    """Store a description of each photo the describer has not described; returns the
    summary."""
    summary = DescribeSummary(describer.key)
    with Library(library_root) as library:
        missing = library.missing_descriptions(describer.key)
        summary.already = library.count() - len(missing)
        photos = [(p.id, p.path) for p in library.photos(missing)] if missing else []
        bar = progress_bar("describing", "photos", progress, len(photos))
        done: list[tuple[str, str]] = []
        for photo_id, path in photos:
            try:
                text = describer.describe_file(path).text
            except (OSError, ValueError) as err:
                summary.failed.append((str(path), str(err) or type(err).__name__))
            else:
                done.append((photo_id, text))
                summary.described += 1
            bar.update()
            if len(done) >= batch_size:
                library.put_descriptions(describer.key, describer.name, describer.task, done)
                done.clear()
        if done:
            library.put_descriptions(describer.key, describer.name, describer.task, done)
        bar.close()
    return summary
