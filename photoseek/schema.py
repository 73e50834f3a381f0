"""The library catalog's schema, as a ladder of migrations, each with its reason.

A catalog's `PRAGMA user_version` says which step it has reached; opening it for writing
climbs the remaining steps in one transaction each. A catalog from a newer photoseek (a
version above the top step) is refused, for reading too. Each step is written so that it
also holds on a catalog that already has some of its tables (libraries made before the
version was kept).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from photoseek.facts import clean_meta

_PHOTOS_AND_VECTORS = """
CREATE TABLE IF NOT EXISTS photos(
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    managed INTEGER NOT NULL,
    format TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size INTEGER NOT NULL,
    origin TEXT NOT NULL,
    added REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sources(
    locator TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    photo_id TEXT NOT NULL REFERENCES photos(id),
    fingerprint TEXT NOT NULL,
    meta TEXT NOT NULL,
    link_relation TEXT,
    link_locator TEXT,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_photo ON sources(photo_id);
CREATE TABLE IF NOT EXISTS models(
    model TEXT PRIMARY KEY,
    dim INTEGER NOT NULL,
    info TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS text_vectors(
    model TEXT NOT NULL REFERENCES models(model),
    text TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY(model, text)
);
CREATE TABLE IF NOT EXISTS vectors(
    model TEXT NOT NULL REFERENCES models(model),
    photo_id TEXT NOT NULL REFERENCES photos(id),
    vector BLOB NOT NULL,
    PRIMARY KEY(model, photo_id)
);
"""

_TEXT_IN_PICTURES = """
CREATE TABLE IF NOT EXISTS ocr(
    photo_id TEXT NOT NULL REFERENCES photos(id),
    engine TEXT NOT NULL,
    text TEXT NOT NULL,
    read REAL NOT NULL,
    PRIMARY KEY(photo_id, engine)
);
"""

_PLACE_NAMES = """
CREATE TABLE IF NOT EXISTS places(
    photo_id TEXT PRIMARY KEY REFERENCES photos(id),
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    place TEXT NOT NULL,
    named REAL NOT NULL
);
"""


_FACES_AND_PERSONS = """
CREATE TABLE IF NOT EXISTS face_reads(
    photo_id TEXT NOT NULL REFERENCES photos(id),
    model TEXT NOT NULL,
    read REAL NOT NULL,
    PRIMARY KEY(photo_id, model)
);
CREATE TABLE IF NOT EXISTS persons(
    id INTEGER PRIMARY KEY,
    name TEXT,
    named_by TEXT
);
CREATE TABLE IF NOT EXISTS faces(
    id INTEGER PRIMARY KEY,
    photo_id TEXT NOT NULL REFERENCES photos(id),
    model TEXT NOT NULL,
    box TEXT NOT NULL,
    landmarks TEXT NOT NULL,
    score REAL NOT NULL,
    descriptor BLOB NOT NULL,
    person INTEGER REFERENCES persons(id),
    pinned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS faces_photo ON faces(photo_id);
CREATE INDEX IF NOT EXISTS faces_person ON faces(person);
"""


_DESCRIPTIONS = """
CREATE TABLE IF NOT EXISTS descriptions(
    photo_id TEXT PRIMARY KEY REFERENCES photos(id),
    writer TEXT NOT NULL,
    model TEXT NOT NULL,
    task TEXT NOT NULL,
    text TEXT NOT NULL,
    written REAL NOT NULL
);
"""


def _run(db: sqlite3.Connection, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def _recheck_sources(db: sqlite3.Connection) -> None:
    """Check every stored fact once more: an older photoseek checked fewer of them."""
    rows = db.execute("SELECT locator, meta FROM sources").fetchall()
    for locator, text in rows:
        try:
            stored = json.loads(text)
        except ValueError:
            stored = {}
        meta = clean_meta(stored) if isinstance(stored, dict) else {}
        checked = json.dumps(meta, ensure_ascii=False, sort_keys=True)
        if checked != text:
            db.execute("UPDATE sources SET meta=? WHERE locator=?", (checked, locator))


def _photos_and_vectors(db: sqlite3.Connection) -> None:
    _run(db, _PHOTOS_AND_VECTORS)


def _text_in_pictures(db: sqlite3.Connection) -> None:
    _run(db, _TEXT_IN_PICTURES)
    _recheck_sources(db)


def _place_names(db: sqlite3.Connection) -> None:
    _run(db, _PLACE_NAMES)


def _faces_and_persons(db: sqlite3.Connection) -> None:
    _run(db, _FACES_AND_PERSONS)


def _descriptions(db: sqlite3.Connection) -> None:
    _run(db, _DESCRIPTIONS)


@dataclass(frozen=True)
class Migration:
    """One step up the ladder: the version it makes, why, and how."""

    version: int
    reason: str
    apply: Callable[[sqlite3.Connection], None]


MIGRATIONS = (
    Migration(1, "photos, the places they were found, models and vectors", _photos_and_vectors),
    Migration(
        2,
        "the text read in pictures (`photoseek ocr`); and the facts an older photoseek stored "
        "checked once more, so that reading trusts the catalog",
        _text_in_pictures,
    ),
    Migration(
        3,
        "place names the gazetteer gave located photos, kept with the coordinates they name",
        _place_names,
    ),
    Migration(
        4,
        "the faces found in pictures (`photoseek faces`), with the model that found them and "
        "the photos read with none, and the persons they are grouped into, with the names "
        "the user or the sources gave them",
        _faces_and_persons,
    ),
    Migration(
        5,
        "what a vision-language model wrote of each photo (`photoseek caption`), one "
        "description a photo with the model, task and settings that wrote it",
        _descriptions,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def version_of(db: sqlite3.Connection) -> int:
    """The step a catalog has reached."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection) -> list[Migration]:
    """Climb the steps a catalog has not reached, each in a transaction of its own; returns
    the steps taken. `db` is in autocommit mode (isolation_level None)."""
    taken = []
    for migration in MIGRATIONS:
        if migration.version <= version_of(db):
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            migration.apply(db)
            db.execute(f"PRAGMA user_version={migration.version}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        taken.append(migration)
    return taken
