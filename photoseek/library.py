"""The photo library: one folder holding a SQLite catalog and the recovered pictures.

This module is the only code that knows the catalog's tables (photoseek.schema declares
them, photoseek.library_folder keeps the folder's files). extract writes photos and sources
through it, embed reads photos and writes vectors, and build_site reads both.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from photoseek import locators
from photoseek.facts import clean_meta
from photoseek.library_folder import LibraryFolder
from photoseek.ownership import OwnershipError, is_empty
from photoseek.schema import SCHEMA_VERSION, migrate, version_of

CATALOG_NAME = "library.db"

# Scalar fields are taken from the first source that has them, in this order
# of trust: the Lightroom catalog and the Photos library were curated by their owner, Takeout's
# sidecars by the service, and a file's own EXIF by the camera.
KIND_PRIORITY = {"lightroom": 0, "apple_photos": 1, "takeout": 2, "folder": 3}
LIST_FIELDS = ("keywords", "albums", "people")
# Tables that only spare work (rows made again from a model alone), not the library's content.
_CACHES = ("text_vectors",)


class LibraryError(Exception):
    """The library folder is missing, damaged, busy, not photoseek's, or from a newer photoseek."""


def _is_catalog(db_path: Path) -> bool:
    """Whether a database file has photoseek's tables (a library made before the marker)."""
    try:
        db = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return False
    return {"photos", "sources"} <= names


def _open_readonly(db_path: Path) -> sqlite3.Connection:
    """Open the catalog for reading only; on read-only media, as an immutable file."""
    uri = db_path.absolute().as_uri()
    db = None
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True)
        db.execute("SELECT COUNT(*) FROM photos").fetchone()
    except sqlite3.OperationalError:
        # A WAL database needs its -shm file; where it cannot be made, read the file as it is.
        if db is not None:
            db.close()
        db = sqlite3.connect(f"{uri}?immutable=1", uri=True)
        db.execute("SELECT COUNT(*) FROM photos").fetchone()
    return db


def _storage_problem(root: Path, err: Exception) -> str:
    """What a storage error means for the user, and what to do about it."""
    text = str(err)
    if (isinstance(err, OSError) and err.errno == errno.ENOSPC) or "full" in text:
        return f"{root}: the disk is full ({text}); free some space and run this again."
    denied = isinstance(err, OSError) and err.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    if denied or "readonly" in text:
        return (
            f"{root} cannot be written ({text}); commands that only read (ls, search, similar, "
            "export, site) work on read-only media, extract and embed need write access."
        )
    if "locked" in text:
        return f"{root} is locked by another program ({text}); try again when it has finished."
    return f"{root}: the library cannot be opened ({text})."


@dataclass(frozen=True)
class Source:
    """One place a photo was found, with what that place said about it."""

    locator: str
    kind: str
    meta: dict[str, Any]


@dataclass(frozen=True)
class Photo:
    """A photo in the library, with the metadata of all its sources merged."""

    id: str
    path: Path
    format: str
    width: int
    height: int
    size: int
    sources: list[Source]
    meta: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """What the photo is called: its virtual copy's name, else its original file's name,
        else its picture's file name."""
        name = self.meta.get("virtual_copy_name") or self.meta.get("original_name")
        return str(name or self.path.name)

    def to_json(self) -> dict[str, Any]:
        """A plain-JSON view of the photo, as `photoseek ls --json` prints it."""
        return {
            "id": self.id,
            "path": str(self.path),
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "size": self.size,
            "sources": [
                {"locator": s.locator, "kind": s.kind, "meta": s.meta} for s in self.sources
            ],
            "links": self.links,
            "meta": self.meta,
        }


def merge_meta(sources: Iterable[Source]) -> dict[str, Any]:
    """Merge the metadata of a photo's sources: lists are united, scalars taken by trust."""
    ordered = sorted(sources, key=lambda s: (KIND_PRIORITY.get(s.kind, 9), s.locator))
    merged: dict[str, Any] = {}
    for source in ordered:
        for key, value in source.meta.items():
            if key.startswith("_") or value in (None, "", [], {}):
                continue
            if key in LIST_FIELDS:
                have = merged.setdefault(key, [])
                have.extend(v for v in value if v not in have)
            elif key not in merged:
                merged[key] = value
    return merged


_PHOTO_COLUMNS = "SELECT id, file, managed, format, width, height, size FROM photos"
_SOURCE_COLUMNS = "SELECT photo_id, locator, kind, meta FROM sources"


def _same_place(meta: dict[str, Any], named: tuple[float, float, Any]) -> bool:
    """Whether the gazetteer's names were given for the photo's present coordinates."""
    gps = meta.get("gps")
    return bool(gps) and abs(gps["lat"] - named[0]) < 1e-9 and abs(gps["lon"] - named[1]) < 1e-9


class Library:
    """A library folder, opened for writing (one writer at a time) or read-only."""

    def __init__(self, root: Path, *, create: bool = False, readonly: bool = False) -> None:
        self.root = Path(root).absolute()
        self.readonly = readonly
        self.folder = LibraryFolder(self.root)
        db_path = self.root / CATALOG_NAME
        if not db_path.exists():
            if not create:
                raise LibraryError(
                    f"{self.root} is not a photoseek library (no {CATALOG_NAME}). "
                    "Create one with: photoseek extract SOURCE --library "
                    f"{self.root}"
                )
            if not is_empty(self.root):
                raise LibraryError(
                    f"{self.root} is not empty and is not a photoseek library: photoseek "
                    "creates a library only in a new or empty folder, so that it never touches "
                    "files it did not make. Choose another --library."
                )
        if db_path.exists() and not self.folder.marked and not _is_catalog(db_path):
            raise LibraryError(
                f"{self.root} holds a {CATALOG_NAME} that photoseek did not write; "
                "refusing to use it as a library. Choose another --library."
            )
        try:
            if readonly:
                self.db = _open_readonly(db_path)
                self.version = self._check_version()
            else:
                self.folder.open_for_writing()
                self._open_for_writing(db_path)
        except OwnershipError as err:
            raise LibraryError(str(err)) from err
        except LibraryError:
            self._give_up()
            raise
        except (sqlite3.DatabaseError, OSError) as err:
            self._give_up()
            raise LibraryError(_storage_problem(self.root, err)) from err

    def _open_for_writing(self, db_path: Path) -> None:
        self.db = sqlite3.connect(db_path, isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._check_version()
        migrate(self.db)
        self.version = SCHEMA_VERSION
        self.folder.mark(SCHEMA_VERSION)

    def _check_version(self) -> int:
        version = version_of(self.db)
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"{self.root} was written by a newer photoseek (schema {version}); "
                "upgrade photoseek."
            )
        return version

    def _give_up(self) -> None:
        """Close what a failed open had opened (the media stays unmountable otherwise)."""
        db = getattr(self, "db", None)
        if db is not None:
            db.close()
        self.folder.release()

    def close(self) -> None:
        """Close the catalog and let the next writer in."""
        self.db.close()
        self.folder.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing (extract) --------------------------------------------------

    def begin(self) -> None:
        """Start a transaction; nothing is visible to readers until commit."""
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """Make everything since begin() durable at once."""
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        """Forget everything since begin()."""
        self.db.execute("ROLLBACK")

    def source_fingerprint(self, locator: str) -> str | None:
        """The fingerprint recorded for a source, or None if it was never extracted."""
        row = self.db.execute(
            "SELECT fingerprint FROM sources WHERE locator=?", (locator,)
        ).fetchone()
        return row[0] if row else None

    def add_photo(
        self,
        photo_id: str,
        file: Path,
        *,
        managed: bool,
        fmt: str,
        width: int,
        height: int,
        size: int,
        origin: str,
    ) -> None:
        """Record a photo whose picture file is already in place, made from source `origin`."""
        stored = os.path.relpath(file, self.root) if managed else str(file)
        self.db.execute(
            "INSERT INTO photos(id, file, managed, format, width, height, size, origin, added)"
            " VALUES(?,?,?,?,?,?,?,?,?)",
            (photo_id, stored, int(managed), fmt, width, height, size, origin, time.time()),
        )

    def update_size(self, photo_id: str, size: int) -> None:
        """Record a managed picture's new size after its metadata was rewritten."""
        self.db.execute("UPDATE photos SET size=? WHERE id=?", (size, photo_id))

    def photo_origin(self, photo_id: str) -> tuple[str, bool] | None:
        """The source a stored photo's file was made from and whether the library owns it."""
        row = self.db.execute(
            "SELECT origin, managed FROM photos WHERE id=?", (photo_id,)
        ).fetchone()
        return (row[0], bool(row[1])) if row else None

    def remove_orphans(self) -> int:
        """Delete managed pictures the catalog does not name (left by a killed run)."""
        named = {row[0] for row in self.db.execute("SELECT file FROM photos WHERE managed=1")}
        return self.folder.remove_unnamed(named)

    def put_source(
        self,
        locator: str,
        kind: str,
        photo_id: str,
        fingerprint: str,
        meta: dict[str, Any],
        link: tuple[str, str] | None = None,
    ) -> None:
        """Record (or update) one place a photo was found; only valid, declared facts are kept."""
        relation, target = link if link else (None, None)
        meta = {k: v for k, v in clean_meta(meta).items() if not k.startswith("_")}
        self.db.execute(
            "INSERT INTO sources(locator, kind, photo_id, fingerprint, meta, link_relation,"
            " link_locator, updated) VALUES(?,?,?,?,?,?,?,?)"
            " ON CONFLICT(locator) DO UPDATE SET kind=excluded.kind, photo_id=excluded.photo_id,"
            " fingerprint=excluded.fingerprint, meta=excluded.meta,"
            " link_relation=excluded.link_relation, link_locator=excluded.link_locator,"
            " updated=excluded.updated",
            (
                locator,
                kind,
                photo_id,
                fingerprint,
                json.dumps(meta, ensure_ascii=False, sort_keys=True),
                relation,
                target,
                time.time(),
            ),
        )

    # -- reading ------------------------------------------------------------

    def count(self) -> int:
        """How many photos the library holds."""
        return self.db.execute("SELECT COUNT(*) FROM photos").fetchone()[0]

    def content_digest(self) -> str:
        """A digest of everything the catalog holds but its cache of text vectors (made again
        from the model alone). The same rows give the same digest however the file is laid out;
        rows written again, even alike, may change it."""
        digest = hashlib.sha256(f"schema {self.version}".encode())
        tables = [
            r[0]
            for r in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        for table in tables:
            if table in _CACHES:
                continue
            digest.update(f"\0table {table}".encode())
            for row in self.db.execute(f"SELECT * FROM {table} ORDER BY rowid"):  # noqa: S608
                for value in row:
                    data = value if isinstance(value, bytes) else repr(value).encode()
                    digest.update(b"\0%d:" % len(data) + data)
        return digest.hexdigest()

    def picture_paths(self) -> Iterator[Path]:
        """Where each photo's picture lies, in id order: inside the library or, for a photo
        read where it lies, the source's own file."""
        for file, managed in self.db.execute("SELECT file, managed FROM photos ORDER BY id"):
            yield self.root / file if managed else Path(file)

    def photo_ids(self) -> list[str]:
        """All photo ids, in a stable order."""
        return [r[0] for r in self.db.execute("SELECT id FROM photos ORDER BY id")]

    def _links(self, where: str = "", args: tuple = ()) -> dict[str, dict[str, list[str]]]:
        links: dict[str, dict[str, list[str]]] = {}
        rows = self.db.execute(
            "SELECT DISTINCT a.photo_id, a.link_relation, b.photo_id FROM sources a"
            " JOIN sources b ON b.locator = a.link_locator"
            " WHERE a.link_relation IS NOT NULL AND a.photo_id != b.photo_id" + where,
            args,
        )
        for photo_id, relation, other in rows:
            links.setdefault(photo_id, {}).setdefault(relation, []).append(other)
        return links

    def _ocr(self, where: str = "", args: tuple = ()) -> dict[str, str]:
        """Each photo's text in its picture, as last read (photos with none are left out)."""
        if self.version < 2:
            # A library of schema 1, opened read-only, has no text in pictures yet.
            return {}
        rows = self.db.execute(
            "SELECT photo_id, text FROM ocr WHERE text != ''" + where + " ORDER BY read", args
        )
        return dict(rows.fetchall())

    def _faces(self, where: str = "", args: tuple = ()) -> dict[str, list[dict[str, Any]]]:
        """Each photo's faces as `ls --json` shows them: id, box (fractions of the upright
        picture), person and the person's name (None until named)."""
        if self.version < 4:
            return {}
        found: dict[str, list[dict[str, Any]]] = {}
        rows = self.db.execute(
            "SELECT f.photo_id, f.id, f.box, f.person, p.name FROM faces f"
            " LEFT JOIN persons p ON p.id = f.person" + where + " ORDER BY f.photo_id, f.id",
            args,
        )
        for photo_id, face, box, person, name in rows:
            found.setdefault(photo_id, []).append(
                {"id": face, "box": json.loads(box), "person": person, "name": name}
            )
        return found

    def _descriptions(self, where: str = "", args: tuple = ()) -> dict[str, dict[str, str]]:
        """Each described photo's description: its text, model and task."""
        if self.version < 5:
            return {}
        rows = self.db.execute(
            "SELECT photo_id, text, model, task FROM descriptions WHERE text != ''" + where, args
        )
        return {pid: {"text": t, "model": model, "task": task} for pid, t, model, task in rows}

    def _places(self, where: str = "", args: tuple = ()) -> dict[str, tuple[float, float, Any]]:
        """Each named photo's coordinates and the gazetteer's place for them (None: no place
        within reach)."""
        if self.version < 3:
            return {}
        rows = self.db.execute("SELECT photo_id, lat, lon, place FROM places" + where, args)
        return {pid: (lat, lon, json.loads(text) if text else None) for pid, lat, lon, text in rows}

    def _assemble(
        self,
        photo_rows: Iterable[tuple],
        source_rows: Iterator[tuple],
        links: dict[str, dict[str, list[str]]],
        texts: dict[str, str],
        places: dict[str, tuple[float, float, Any]],
        faces: dict[str, list[dict[str, Any]]],
        descriptions: dict[str, dict[str, str]],
    ) -> Iterator[Photo]:
        """Photos from rows ordered by id and their sources ordered by photo id."""
        pending = next(source_rows, None)
        for pid, file, managed, fmt, width, height, size in photo_rows:
            sources: list[Source] = []
            while pending is not None and pending[0] <= pid:
                if pending[0] == pid:
                    meta = json.loads(pending[3])
                    if self.version < SCHEMA_VERSION:
                        # An older catalog opened read-only: its facts are checked on reading
                        # (opening it for writing checks them once, in the migration).
                        meta = clean_meta(meta)
                    sources.append(Source(pending[1], pending[2], meta))
                pending = next(source_rows, None)
            path = self.root / file if managed else Path(file)
            meta = merge_meta(sources)
            if pid in texts:
                meta["ocr"] = texts[pid]
            named = places.get(pid)
            if "place" not in meta and named and named[2] and _same_place(meta, named):
                # A source's own place name wins over the gazetteer's.
                meta["place"] = named[2]
            if pid in descriptions:
                meta["description"] = descriptions[pid]
            if pid in faces:
                meta["faces"] = faces[pid]
                # A recognised person's name joins the names the sources gave the photo.
                people = meta.get("people", [])
                recognised = [f["name"] for f in faces[pid] if f["name"]]
                meta["people"] = people + [n for n in dict.fromkeys(recognised) if n not in people]
                if not meta["people"]:
                    del meta["people"]
            yield Photo(pid, path, fmt, width, height, size, sources, meta, links.get(pid, {}))

    def _every_photo(self, places: dict[str, tuple[float, float, Any]]) -> Iterator[Photo]:
        """Every photo, ordered by id, given the gazetteer's names already read."""
        return self._assemble(
            self.db.execute(f"{_PHOTO_COLUMNS} ORDER BY id"),
            self.db.execute(f"{_SOURCE_COLUMNS} ORDER BY photo_id, locator"),
            self._links(),
            self._ocr(),
            places,
            self._faces(),
            self._descriptions(),
        )

    def photos(self, ids: Iterable[str] | None = None) -> Iterator[Photo]:
        """Every photo (or the given ones), with merged metadata, ordered by id."""
        if ids is None:
            yield from self._every_photo(self._places())
            return
        wanted = sorted(set(ids))
        # Looked up in chunks, so a few photos never cost a pass over the whole library.
        for start in range(0, len(wanted), 500):
            chunk = tuple(wanted[start : start + 500])
            marks = ",".join("?" * len(chunk))
            yield from self._assemble(
                self.db.execute(
                    f"{_PHOTO_COLUMNS} WHERE id IN ({marks}) ORDER BY id", chunk
                ).fetchall(),
                iter(
                    self.db.execute(
                        f"{_SOURCE_COLUMNS} WHERE photo_id IN ({marks}) ORDER BY photo_id, locator",
                        chunk,
                    ).fetchall()
                ),
                self._links(f" AND a.photo_id IN ({marks})", chunk),
                self._ocr(f" AND photo_id IN ({marks})", chunk),
                self._places(f" WHERE photo_id IN ({marks})", chunk),
                self._faces(f" WHERE f.photo_id IN ({marks})", chunk),
                self._descriptions(f" AND photo_id IN ({marks})", chunk),
            )

    def photo(self, photo_id: str) -> Photo:
        """One photo by id or unique id prefix."""
        rows = self.db.execute(
            "SELECT id FROM photos WHERE id >= ? AND id < ? LIMIT 2",
            (photo_id, photo_id + "\uffff"),
        ).fetchall()
        if len(rows) != 1:
            what = "no photo" if not rows else "more than one photo"
            raise LibraryError(f"{what} in {self.root} has an id starting with {photo_id!r}")
        return next(self.photos([rows[0][0]]))

    def photo_by_path(self, path: Path) -> Photo | None:
        """The photo whose picture file or source file is this path, if any."""
        target = Path(path).absolute()
        # A managed picture is stored relative to the library, any other file as given.
        files = [str(target)]
        if target.is_relative_to(self.root):
            files.append(target.relative_to(self.root).as_posix())
        names = [locators.for_file(scheme, str(target)) for scheme in locators.FILE_SCHEMES]
        row = self.db.execute(
            f"SELECT id FROM photos WHERE file IN ({','.join('?' * len(files))})"
            " UNION SELECT photo_id FROM sources"
            f" WHERE locator IN ({','.join('?' * len(names))}) LIMIT 1",
            (*files, *names),
        ).fetchone()
        return next(self.photos([row[0]])) if row else None

    # -- vectors (embed) ------------------------------------------------------

    def register_model(self, model: str, dim: int, info: dict[str, Any]) -> None:
        """Declare the vectors of a model; a model keeps one dimension for ever."""
        row = self.db.execute("SELECT dim FROM models WHERE model=?", (model,)).fetchone()
        if row and row[0] != dim:
            raise LibraryError(
                f"{self.root} holds {model} vectors of dimension {row[0]}, not {dim}: "
                "the model changed under the same name; remove them with a new library."
            )
        self.db.execute(
            "INSERT INTO models(model, dim, info) VALUES(?,?,?)"
            " ON CONFLICT(model) DO UPDATE SET info=excluded.info",
            (model, dim, json.dumps(info, sort_keys=True)),
        )

    def models(self) -> dict[str, int]:
        """The models that have vectors here, with their dimension."""
        return dict(self.db.execute("SELECT model, dim FROM models ORDER BY model"))

    def model_info(self, model: str) -> dict[str, Any]:
        """What was recorded about a model when its vectors were stored."""
        row = self.db.execute("SELECT info FROM models WHERE model=?", (model,)).fetchone()
        return json.loads(row[0]) if row else {}

    def missing_vectors(self, model: str) -> list[str]:
        """Ids of photos with no vector yet for this model."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM photos WHERE id NOT IN"
                " (SELECT photo_id FROM vectors WHERE model=?) ORDER BY id",
                (model,),
            )
        ]

    def put_vectors(self, model: str, ids: list[str], vectors: np.ndarray) -> None:
        """Store float32 vectors for photos, in one transaction."""
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors(model, photo_id, vector) VALUES(?,?,?)",
                [(model, pid, data[i].tobytes()) for i, pid in enumerate(ids)],
            )

    def vectors(self, model: str) -> tuple[list[str], np.ndarray]:
        """All stored vectors of a model: ids in id order and a float32 matrix."""
        dim = self.models().get(model)
        if dim is None:
            return [], np.zeros((0, 0), dtype=np.float32)
        rows = self.db.execute(
            "SELECT photo_id, vector FROM vectors WHERE model=? ORDER BY photo_id", (model,)
        ).fetchall()
        matrix = np.empty((len(rows), dim), dtype=np.float32)
        for i, (_, blob) in enumerate(rows):
            matrix[i] = np.frombuffer(blob, dtype=np.float32)
        return [r[0] for r in rows], matrix

    def text_vectors(self, model: str, texts: list[str]) -> dict[str, np.ndarray]:
        """The stored text vectors of a model for those of `texts` that have one."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(texts), 500):
            chunk = texts[start : start + 500]
            rows = self.db.execute(
                "SELECT text, vector FROM text_vectors WHERE model=? AND text IN"
                f" ({','.join('?' * len(chunk))})",
                (model, *chunk),
            )
            found.update((text, np.frombuffer(blob, dtype=np.float32)) for text, blob in rows)
        return found

    def put_text_vectors(self, model: str, texts: list[str], vectors: np.ndarray) -> None:
        """Store float32 text vectors, in one transaction."""
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO text_vectors(model, text, vector) VALUES(?,?,?)",
                [(model, text, data[i].tobytes()) for i, text in enumerate(texts)],
            )

    # -- text in pictures (ocr) ---------------------------------------------

    def missing_ocr(self, engine: str) -> list[str]:
        """Ids of photos this engine (name, version and settings) has not read yet."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM photos WHERE id NOT IN"
                " (SELECT photo_id FROM ocr WHERE engine=?) ORDER BY id",
                (engine,),
            )
        ]

    def put_ocr(self, engine: str, texts: list[tuple[str, str]]) -> None:
        """Store what an engine read in photos (an empty text: it found none), in one go."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO ocr(photo_id, engine, text, read) VALUES(?,?,?,?)",
                [(pid, engine, text, now) for pid, text in texts],
            )

    # -- descriptions (caption) ---------------------------------------------

    def missing_descriptions(self, writer: str) -> list[str]:
        """Ids of photos this writer (model, task and settings) has not described."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM photos WHERE id NOT IN"
                " (SELECT photo_id FROM descriptions WHERE writer=?) ORDER BY id",
                (writer,),
            )
        ]

    def put_descriptions(
        self, writer: str, model: str, task: str, texts: list[tuple[str, str]]
    ) -> None:
        """Store what a writer wrote of photos, replacing another writer's, in one go."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO descriptions(photo_id, writer, model, task, text, written)"
                " VALUES(?,?,?,?,?,?)",
                [(pid, writer, model, task, text, now) for pid, text in texts],
            )

    # -- place names ----------------------------------------------------------

    def unnamed_places(self) -> list[tuple[str, float, float]]:
        """(id, lat, lon) of the located photos with no place name for their coordinates,
        from their sources or the gazetteer."""
        named = self._places()
        found = []
        for photo in self._every_photo(named):
            gps = photo.meta.get("gps")
            if not gps or "place" in photo.meta:
                continue
            if photo.id in named and _same_place(photo.meta, named[photo.id]):
                continue  # named already: nothing within reach
            found.append((photo.id, gps["lat"], gps["lon"]))
        return found

    def put_places(self, named: list[tuple[str, float, float, dict[str, Any] | None]]) -> None:
        """Record the gazetteer's place (None: none within reach) for each photo's
        coordinates, replacing what older coordinates were given."""
        now = time.time()
        rows = []
        for pid, lat, lon, place in named:
            clean = clean_meta({"place": place}).get("place") if place else None
            text = json.dumps(clean, ensure_ascii=False) if clean else ""
            rows.append((pid, lat, lon, text, now))
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO places(photo_id, lat, lon, place, named) VALUES(?,?,?,?,?)",
                rows,
            )

    def ocr_texts(self) -> dict[str, str]:
        """Every photo's text in its picture, as last read; photos with none are left out."""
        return self._ocr()
