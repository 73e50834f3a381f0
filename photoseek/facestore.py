"""How a library keeps faces and persons: each face's box, landmarks and descriptor with the
model that found it, the photos read with none, and the persons with their names.

The descriptors stay here: nothing but `photoseek faces` and `photoseek people` reads them,
and no site ever carries them.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from photoseek.library import Library, LibraryError

# Named by the user (never replaced) or taken from the sources' names (recomputed).
BY_USER = "user"
BY_SOURCES = "source"
# A re-read face inherits the person of the old face it overlaps this much (intersection
# over union): a new version of the models keeps the user's names and merges.
SAME_BOX = 0.5


class FoundFace(Protocol):
    """A face as a finder reports it (photoseek.embed.faces.Face)."""

    box: tuple[float, float, float, float]
    landmarks: tuple[tuple[float, float], ...]
    score: float
    descriptor: np.ndarray


@dataclass(frozen=True)
class Person:
    """A person as `photoseek people` lists it."""

    id: int
    name: str | None
    named_by: str | None
    photos: int
    faces: int

    def to_json(self) -> dict[str, Any]:
        """The plain-JSON line of `people --json`."""
        return {"id": self.id, "name": self.name, "photos": self.photos, "faces": self.faces}


def photos_read(library: Library) -> int:
    """How many photos were looked for faces in, by any model."""
    if library.version < 4:
        return 0
    return library.db.execute("SELECT COUNT(DISTINCT photo_id) FROM face_reads").fetchone()[0]


def missing_photos(library: Library, model: str) -> list[str]:
    """The photos `model` has not looked for faces in."""
    return [
        row[0]
        for row in library.db.execute(
            "SELECT id FROM photos WHERE id NOT IN (SELECT photo_id FROM face_reads WHERE model=?)"
            " ORDER BY id",
            (model,),
        )
    ]


def _overlap(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two boxes (left, top, width, height)."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def put_faces(library: Library, model: str, found: Iterable[tuple[str, list[FoundFace]]]) -> None:
    """Store the faces `model` found in each photo, in one transaction, replacing those an
    earlier model found there; a face that overlaps an earlier one keeps its person."""
    library.begin()
    try:
        for photo_id, faces in found:
            earlier = library.db.execute(
                "SELECT box, person, pinned FROM faces WHERE photo_id=? AND model!=?",
                (photo_id, model),
            ).fetchall()
            library.db.execute("DELETE FROM faces WHERE photo_id=? AND model!=?", (photo_id, model))
            library.db.execute(
                "DELETE FROM face_reads WHERE photo_id=? AND model!=?", (photo_id, model)
            )
            for face in faces:
                person, pinned = None, 0
                best = SAME_BOX
                for box, old_person, old_pinned in earlier:
                    share = _overlap(face.box, json.loads(box))
                    if share >= best:
                        best, person, pinned = share, old_person, old_pinned
                library.db.execute(
                    "INSERT INTO faces(photo_id, model, box, landmarks, score, descriptor,"
                    " person, pinned) VALUES(?,?,?,?,?,?,?,?)",
                    (
                        photo_id,
                        model,
                        json.dumps([round(v, 5) for v in face.box]),
                        json.dumps([[round(x, 5), round(y, 5)] for x, y in face.landmarks]),
                        face.score,
                        np.asarray(face.descriptor, dtype=np.float32).tobytes(),
                        person,
                        pinned,
                    ),
                )
            library.db.execute(
                "INSERT OR REPLACE INTO face_reads(photo_id, model, read) VALUES(?,?,?)",
                (photo_id, model, time.time()),
            )
        library.commit()
    except BaseException:
        library.rollback()
        raise


def descriptors(library: Library, grouped: bool) -> tuple[list[int], list[int], np.ndarray]:
    """Face ids, persons and descriptors of the faces already in a person (`grouped`) or
    of those in none, in the library's order."""
    rows = library.db.execute(
        "SELECT id, person, descriptor FROM faces WHERE person IS "
        + ("NOT NULL" if grouped else "NULL")
        + " ORDER BY photo_id, id"
    ).fetchall()
    size = len(rows[0][2]) // 4 if rows else 0
    vectors = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), size)
    return [r[0] for r in rows], [r[1] for r in rows], vectors


def next_person(library: Library) -> int:
    """The id a new person takes."""
    return library.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM persons").fetchone()[0]


def set_persons(library: Library, faces: Sequence[int], persons: Sequence[int]) -> None:
    """Put each face in its person, making the persons that do not exist yet."""
    library.begin()
    try:
        library.db.executemany(
            "INSERT OR IGNORE INTO persons(id, name, named_by) VALUES(?, NULL, NULL)",
            [(p,) for p in sorted(set(persons))],
        )
        library.db.executemany(
            "UPDATE faces SET person=? WHERE id=?", list(zip(persons, faces, strict=True))
        )
        library.commit()
    except BaseException:
        library.rollback()
        raise


def photo_persons(library: Library) -> dict[str, list[int]]:
    """Each photo's persons, largest face first."""
    found: dict[str, list[int]] = defaultdict(list)
    rows = library.db.execute(
        "SELECT photo_id, person FROM faces WHERE person IS NOT NULL ORDER BY photo_id, id"
    )
    for photo_id, person in rows:
        found[photo_id].append(person)
    return dict(found)


def source_names(library: Library) -> dict[str, list[str]]:
    """The people each photo's sources name (a Takeout sidecar, Apple Photos)."""
    found: dict[str, list[str]] = defaultdict(list)
    for photo_id, text in library.db.execute("SELECT photo_id, meta FROM sources"):
        for name in json.loads(text).get("people", []):
            if name not in found[photo_id]:
                found[photo_id].append(name)
    return dict(found)


def user_names(library: Library) -> dict[int, str]:
    """The names the user gave persons."""
    return dict(
        library.db.execute("SELECT id, name FROM persons WHERE named_by=?", (BY_USER,)).fetchall()
    )


def set_source_names(library: Library, names: dict[int, str]) -> None:
    """Give persons the sources' names; a name the user gave stays."""
    library.begin()
    try:
        library.db.execute(
            "UPDATE persons SET name=NULL, named_by=NULL WHERE named_by=?", (BY_SOURCES,)
        )
        library.db.executemany(
            "UPDATE persons SET name=?, named_by=? WHERE id=? AND named_by IS NULL",
            [(name, BY_SOURCES, person) for person, name in names.items()],
        )
        library.commit()
    except BaseException:
        library.rollback()
        raise


def persons(library: Library) -> list[Person]:
    """Every person with a face, most photos first."""
    rows = library.db.execute(
        "SELECT p.id, p.name, p.named_by, COUNT(DISTINCT f.photo_id), COUNT(f.id)"
        " FROM persons p JOIN faces f ON f.person = p.id"
        " GROUP BY p.id ORDER BY COUNT(DISTINCT f.photo_id) DESC, p.id"
    )
    return [Person(*row) for row in rows]


def _person(library: Library, person: int) -> None:
    """Raise LibraryError unless `person` has a face."""
    if not library.db.execute("SELECT 1 FROM faces WHERE person=? LIMIT 1", (person,)).fetchone():
        raise LibraryError(
            f"no person {person} in {library.root}; `photoseek people --library "
            f"{library.root}` lists them"
        )


def name_person(library: Library, person: int, name: str) -> None:
    """Give a person the user's name; it holds across every later run."""
    _person(library, person)
    library.db.execute("UPDATE persons SET name=?, named_by=? WHERE id=?", (name, BY_USER, person))


def merge_persons(library: Library, into: int, others: Sequence[int]) -> None:
    """Put every face of `others` in `into`; `into` keeps its name, or takes the first
    name the user gave one of the others."""
    for person in (into, *others):
        _person(library, person)
    library.begin()
    try:
        for other in others:
            if other == into:
                continue
            if into not in user_names(library) and other in user_names(library):
                library.db.execute(
                    "UPDATE persons SET name=(SELECT name FROM persons WHERE id=?), named_by=?"
                    " WHERE id=?",
                    (other, BY_USER, into),
                )
            library.db.execute("UPDATE faces SET person=? WHERE person=?", (into, other))
            library.db.execute("DELETE FROM persons WHERE id=?", (other,))
        library.commit()
    except BaseException:
        library.rollback()
        raise


def name_face(library: Library, face: int, name: str) -> int:
    """Move one face to the person the user named `name` (a new one when none is), and keep
    it there; returns that person."""
    if not library.db.execute("SELECT 1 FROM faces WHERE id=?", (face,)).fetchone():
        raise LibraryError(
            f"no face {face} in {library.root}; `photoseek ls --json` shows each photo's "
            "faces with their ids"
        )
    row = library.db.execute(
        "SELECT id FROM persons WHERE name=? AND named_by=? ORDER BY id LIMIT 1", (name, BY_USER)
    ).fetchone()
    library.begin()
    try:
        person = row[0] if row else next_person(library)
        if not row:
            library.db.execute(
                "INSERT INTO persons(id, name, named_by) VALUES(?,?,?)", (person, name, BY_USER)
            )
        library.db.execute("UPDATE faces SET person=?, pinned=1 WHERE id=?", (person, face))
        library.commit()
    except BaseException:
        library.rollback()
        raise
    return person
