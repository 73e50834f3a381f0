"""Find the faces in every photo of a library that the face models have not read yet, then
group them into persons and name the persons.

A photo is read once per model and settings; each batch is committed with the photos read
without a face, so a re-run reads only new photos and a killed run loses at most the
batch in hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pillow_heif

from photoseek import facestore
from photoseek.library import Library
from photoseek.outcome import Outcome
from photoseek.people import update_persons
from photoseek.progress import progress_bar

from .faces import Face, FaceReader

pillow_heif.register_heif_opener()


@dataclass
class FacesSummary:
    """What a face-finding run did."""

    model: str
    read: int = 0
    faces: int = 0
    already: int = 0
    persons: int = 0
    named: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        """The closing line, as printed."""
        return (
            f"faces ({self.model}): {self.read} photos read, {self.faces} faces found, "
            f"{self.already} already read, {len(self.failed)} unreadable; "
            f"{self.persons} persons, {self.named} named"
        )

    def outcome(self) -> Outcome:
        """The run as the command line reports it."""
        return Outcome([self.line()], skipped=list(self.failed))


def find_faces(
    library_root: Path,
    reader: FaceReader,
    *,
    batch_size: int = 16,
    progress: bool | None = None,
) -> FacesSummary:
    """Store the faces `reader` finds in each photo it has not read, group them into
    persons and name those; returns the summary."""
    summary = FacesSummary(reader.key)
    with Library(library_root) as library:
        missing = facestore.missing_photos(library, reader.key)
        summary.already = library.count() - len(missing)
        # Listed up front: the catalog is written between batches.
        photos = [(p.id, p.path) for p in library.photos(missing)] if missing else []
        bar = progress_bar("finding faces", "photos", progress, len(photos))
        done: list[tuple[str, list[Face]]] = []
        found_faces = reader.read_files(path for _, path in photos)
        for (photo_id, path), (_, future) in zip(photos, found_faces, strict=True):
            try:
                faces = future.result()
            except Exception as err:  # noqa: BLE001 - one unreadable picture must not stop it
                summary.failed.append((str(path), str(err) or type(err).__name__))
            else:
                done.append((photo_id, faces))
                summary.read += 1
                summary.faces += len(faces)
            bar.update()
            if len(done) >= batch_size:
                facestore.put_faces(library, reader.key, done)
                done.clear()
        if done:
            facestore.put_faces(library, reader.key, done)
        bar.close()
        update_persons(library)
        found = facestore.persons(library)
        summary.persons = len(found)
        summary.named = sum(1 for p in found if p.name)
    return summary
