"""What a site build did, as the command line reports it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from photoseek.outcome import Outcome


@dataclass
class SiteSummary:
    """What a site build did."""

    photos: int = 0
    pictures_failed: list[tuple[str, str]] = field(default_factory=list)
    pages_written: int = 0
    pages_unchanged: int = 0
    concepts: int = 0
    removed: int = 0
    data_bytes: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Seconds each part of the build took, in the order they ran (for benchmarks).
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, part: str) -> Iterator[None]:
        """Add the time the block takes to `part`'s seconds."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[part] = self.timings.get(part, 0.0) + time.perf_counter() - started

    def record(self) -> dict:
        """What the site's marker keeps of this build, for a later build that has nothing to
        do (output.SiteFolder.unchanged): counts and sizes, never a path."""
        return {
            "photos": self.photos,
            "pages": self.pages_written + self.pages_unchanged,
            "concepts": self.concepts,
            "data_bytes": self.data_bytes,
            "notes": self.notes,
        }

    @classmethod
    def unchanged(cls, record: dict) -> SiteSummary:
        """The summary of a build that found the site as the last build, with `record`, left it."""
        return cls(
            photos=record["photos"],
            pages_unchanged=record["pages"],
            concepts=record["concepts"],
            data_bytes=record["data_bytes"],
            notes=["nothing changed since the last build, so every file was kept as it was"]
            + record["notes"],
        )

    def lines(self) -> list[str]:
        """The closing lines, as printed."""
        per_photo = sum(self.data_bytes.get(k, 0) for k in ("vectors", "photos", "lists"))
        per_photo /= max(self.photos, 1)
        lines = [
            f"{self.photos} photos, {self.pages_written} pages written, "
            f"{self.pages_unchanged} unchanged, {self.removed} stale files removed, "
            f"{len(self.pictures_failed)} pictures unreadable",
            f"search data: {per_photo:.0f} bytes per photo, plus "
            f"{self.data_bytes.get('concepts', 0) / 1e6:.1f} MB for {self.concepts} concepts "
            "(loaded only when search is used)",
        ]
        photos = max(self.photos, 1)
        if "lists" in self.data_bytes:
            lines.append(
                "the photos' codes come as lists: a search loads only those its words reach"
            )
        if "text model" in self.data_bytes:
            lines.append(
                f"text model: {self.data_bytes['text model'] / 1e6:.1f} MB, and "
                f"{(self.data_bytes['fine'] + self.data_bytes.get('residuals', 0)) / photos:.0f} "
                "bytes per photo to rank with it "
                "(loaded only when a search needs words the vocabulary lacks; "
                "--no-text-model leaves it out)"
            )
        if "ocr" in self.data_bytes:
            lines.append(
                f"text in pictures: {self.data_bytes['ocr'] / photos:.0f} bytes per photo "
                "(--ocr-private leaves it out)"
            )
        return lines + [f"note: {note}" for note in self.notes]

    def outcome(self) -> Outcome:
        """The build as the command line reports it."""
        return Outcome(self.lines(), skipped=list(self.pictures_failed))
