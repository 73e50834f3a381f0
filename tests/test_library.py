"""The library, in-process: ownership, one writer, transactions, what a killed run leaves,
merged metadata, links, vectors and text, on real SQLite files."""

from __future__ import annotations

import dataclasses
import errno
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoseek import schema
from photoseek.library import (
    CATALOG_NAME,
    Library,
    LibraryError,
    Photo,
    Source,
    _storage_problem,
    merge_meta,
)
from photoseek.library_folder import MARKER_NAME
from photoseek.schema import _PHOTOS_AND_VECTORS, SCHEMA_VERSION

from .conftest import open_files_under, read_only_media

ID_A = "a1" + "0" * 38
ID_B = "b2" + "0" * 38
ID_C = "b3" + "0" * 38


def add(library: Library, photo_id: str, meta: dict | None = None, kind: str = "folder") -> Path:
    """A managed photo with one source, as extract records it."""
    path = library.folder.picture_path(photo_id, ".jpg")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff\xd9")
    library.add_photo(photo_id, path, managed=True, fmt="JPEG", width=4, height=3, size=4,
                      origin=f"file:/in/{photo_id}.jpg")  # fmt: skip
    library.put_source(f"file:/in/{photo_id}.jpg", kind, photo_id, "f1", meta or {})
    return path


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "lib", create=True) as opened:
        yield opened


# -- ownership --------------------------------------------------------------------------------


def test_a_library_is_made_only_in_a_new_or_empty_folder_and_carries_its_marker(tmp_path):
    with Library(tmp_path / "new", create=True):
        pass
    marker = json.loads((tmp_path / "new" / MARKER_NAME).read_text())
    assert marker == {"photoseek": True, "kind": "library", "schema": SCHEMA_VERSION}
    (tmp_path / "empty").mkdir()
    Library(tmp_path / "empty", create=True).close()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "thesis.docx").write_text("mine")
    with pytest.raises(LibraryError, match="is not empty and is not a photoseek library"):
        Library(tmp_path / "full", create=True)
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["thesis.docx"]


def test_a_new_library_may_be_nested_in_new_folders(tmp_path):
    with Library(tmp_path / "a" / "b" / "lib", create=True) as library:
        assert library.root == tmp_path / "a" / "b" / "lib"
        assert (library.root / "photos").is_dir() and library.folder.tmp_dir.is_dir()


def test_a_damaged_catalog_is_a_message_and_leaves_no_lock(tmp_path):
    Library(tmp_path / "lib", create=True).close()
    (tmp_path / "lib" / CATALOG_NAME).write_bytes(b"garbage" * 1000)
    for _ in range(2):
        with pytest.raises(LibraryError, match="the library cannot be opened .*not a database"):
            Library(tmp_path / "lib")
        assert open_files_under(tmp_path) == []


def test_an_old_catalog_with_only_its_first_two_tables_is_adopted(tmp_path):
    (tmp_path / "lib").mkdir()
    db = sqlite3.connect(tmp_path / "lib" / CATALOG_NAME)
    db.executescript(_PHOTOS_AND_VECTORS.split("CREATE INDEX")[0])
    db.close()
    with Library(tmp_path / "lib") as library:
        assert library.count() == 0 and library.models() == {}


def _schema_1_library(root: Path, meta: dict) -> None:
    """A library as photoseek wrote it at schema 1: no text in pictures, facts checked less."""
    with Library(root, create=True) as library:
        add(library, ID_A, {"caption": "kept"})
        library.put_ocr("engine 1", [(ID_A, "EXIT")])
    db = sqlite3.connect(root / CATALOG_NAME)
    db.execute("DROP TABLE ocr")
    db.execute("DROP TABLE places")
    # Written as photoseek writes a row: sorted keys, text as it is.
    db.execute("UPDATE sources SET meta=?", (json.dumps(meta, ensure_ascii=False, sort_keys=True),))
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()


def test_a_schema_1_library_is_read_as_it_is_and_upgraded_once_when_written(tmp_path):
    bad = {"caption": "kept", "rating": 1e8, "people": [5, "Ana"], "gps": {"lat": "47"}}
    _schema_1_library(tmp_path / "lib", bad)
    with Library(tmp_path / "lib", readonly=True) as reader:
        assert reader.version == 1
        assert reader.ocr_texts() == {}
        assert next(reader.photos()).meta == {"caption": "kept", "people": ["Ana"]}
    db = sqlite3.connect(tmp_path / "lib" / CATALOG_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1, "a reader never upgrades"
    db.close()
    with Library(tmp_path / "lib") as writer:
        assert writer.version == SCHEMA_VERSION == 5
        writer.put_ocr("engine 1", [(ID_A, "EXIT")])
        assert writer.ocr_texts() == {ID_A: "EXIT"}
    db = sqlite3.connect(tmp_path / "lib" / CATALOG_NAME)
    stored = json.loads(db.execute("SELECT meta FROM sources").fetchone()[0])
    db.close()
    assert stored == {"caption": "kept", "people": ["Ana"]}, "checked once, in the upgrade"
    with Library(tmp_path / "lib", readonly=True) as reader:
        assert next(reader.photos()).meta == {
            "caption": "kept",
            "people": ["Ana"],
            "ocr": "EXIT",
        }


def test_the_upgrade_checks_every_stored_row_and_rewrites_only_those_it_changes(tmp_path):
    root = tmp_path / "lib"
    _schema_1_library(root, {"caption": "Zürich"})
    db = sqlite3.connect(root / CATALOG_NAME)
    clean = db.execute("SELECT meta FROM sources").fetchone()[0]
    rows = [
        ("file:/in/b.jpg", '{"aperture": "wide", "caption": "x"}'),
        ("file:/in/c.jpg", "not JSON at all"),
        ("file:/in/d.jpg", "[1, 2]"),
        ("file:/in/e.jpg", '{"rating": 100000000.0, "caption": "y"}'),
        ("file:/in/f.jpg", '{"caption": "z", "aperture": 2.8}'),
    ]
    for locator, meta in rows:
        db.execute(
            "INSERT INTO sources VALUES (?, 'folder', ?, 'f', ?, NULL, NULL, 0)",
            (locator, ID_A, meta),
        )
    db.commit()
    db.close()
    Library(root).close()
    db = sqlite3.connect(root / CATALOG_NAME)
    stored = dict(db.execute("SELECT locator, meta FROM sources"))
    db.close()
    assert stored == {
        f"file:/in/{ID_A}.jpg": clean,
        "file:/in/b.jpg": '{"caption": "x"}',
        "file:/in/c.jpg": "{}",
        "file:/in/d.jpg": "{}",
        "file:/in/e.jpg": '{"caption": "y"}',
        "file:/in/f.jpg": '{"aperture": 2.8, "caption": "z"}',
    }
    assert clean == '{"caption": "Zürich"}', "a clean row is left byte for byte"
    with pytest.raises(dataclasses.FrozenInstanceError):
        schema.MIGRATIONS[0].version = 5  # type: ignore[misc]


def test_pictures_are_flushed_by_their_filesystem_alone(tmp_path, monkeypatch):
    import os

    from photoseek import library_folder

    synced = []
    monkeypatch.setattr(os, "sync", lambda: synced.append("every disk"))
    folder = library_folder.LibraryFolder(tmp_path)
    folder.flush_files()
    assert synced == [], "syncfs flushes this filesystem only"
    monkeypatch.setattr(library_folder, "_LIBC", None)
    folder.flush_files()
    assert synced == ["every disk"]

    class Refusing:
        """A C library whose syncfs fails (an old kernel, a filesystem without it)."""

        @staticmethod
        def syncfs(fd: int) -> int:
            return -1

    monkeypatch.setattr(library_folder, "_LIBC", Refusing())
    folder.flush_files()
    assert synced == ["every disk", "every disk"]


def test_the_ladder_climbs_every_step_in_order_and_a_failed_step_leaves_the_one_before(
    tmp_path, monkeypatch
):
    assert [m.version for m in schema.MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    assert all(m.reason for m in schema.MIGRATIONS)
    db = sqlite3.connect(tmp_path / "new.db", isolation_level=None)
    assert [m.version for m in schema.migrate(db)] == [1, 2, 3, 4, 5]
    assert schema.migrate(db) == []
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    made = {"photos", "sources", "models", "vectors", "text_vectors", "ocr", "places"}
    assert made | {"faces", "face_reads", "persons", "descriptions"} <= tables
    db.close()

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half(x)")
        raise sqlite3.OperationalError("disk I/O error")

    steps = (schema.MIGRATIONS[0], dataclasses.replace(schema.MIGRATIONS[1], apply=broken))
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    db = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        schema.migrate(db)
    assert schema.version_of(db) == 1
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name='half'").fetchone() is None
    db.close()


def test_a_missing_library_says_how_to_make_one(tmp_path):
    with pytest.raises(LibraryError, match="no library.db.*photoseek extract SOURCE --library"):
        Library(tmp_path / "nothing")
    with pytest.raises(LibraryError, match="no library.db"):
        Library(tmp_path / "nothing", readonly=True)
    assert not (tmp_path / "nothing").exists()


def test_a_foreign_catalog_is_refused_and_an_unmarked_own_one_is_adopted(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    sqlite3.connect(foreign / CATALOG_NAME).execute("CREATE TABLE photos(x)").connection.close()
    for readonly in (False, True):
        with pytest.raises(LibraryError, match="did not write; refusing"):
            Library(foreign, readonly=readonly)
    (foreign / CATALOG_NAME).write_bytes(b"not a database at all, just bytes" * 100)
    with pytest.raises(LibraryError, match="did not write"):
        Library(foreign)
    # A library from before the marker: its catalog has photoseek's tables.
    with Library(tmp_path / "old", create=True) as library:
        add(library, ID_A)
    (tmp_path / "old" / MARKER_NAME).unlink()
    with Library(tmp_path / "old") as library:
        assert library.photo_ids() == [ID_A]
    assert json.loads((tmp_path / "old" / MARKER_NAME).read_text())["kind"] == "library"


def test_a_newer_schema_is_refused_for_reading_and_writing(tmp_path):
    Library(tmp_path / "lib", create=True).close()
    db = sqlite3.connect(tmp_path / "lib" / CATALOG_NAME)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    newer = rf"newer photoseek \(schema {SCHEMA_VERSION + 1}\); upgrade"
    for readonly in (False, True):
        with pytest.raises(LibraryError, match=newer):
            Library(tmp_path / "lib", readonly=readonly)
    # The refused writer let go of the lock.
    db = sqlite3.connect(tmp_path / "lib" / CATALOG_NAME)
    db.execute("PRAGMA user_version=2")
    db.close()
    Library(tmp_path / "lib").close()


def test_one_writer_at_a_time_while_readers_read(tmp_path):
    writer = Library(tmp_path / "lib", create=True)
    with pytest.raises(LibraryError):
        Library(tmp_path / "lib")
    with Library(tmp_path / "lib", readonly=True) as reader:
        assert reader.count() == 0
    writer.close()
    Library(tmp_path / "lib").close()


# -- transactions and what a killed run leaves -------------------------------------------------


def test_nothing_is_visible_before_commit_and_rollback_forgets(library):
    library.begin()
    add(library, ID_A)
    with Library(library.root, readonly=True) as reader:
        assert reader.count() == 0
    library.commit()
    with Library(library.root, readonly=True) as reader:
        assert reader.photo_ids() == [ID_A]
    library.begin()
    add(library, ID_B)
    library.rollback()
    assert library.photo_ids() == [ID_A]


def test_cleaning_removes_only_what_photoseek_staged(library):
    staged = library.folder.stage(b"half a picture")
    assert staged.parent == library.folder.tmp_dir and staged.read_bytes() == b"half a picture"
    (library.folder.tmp_dir / "notes.txt").write_text("the user's")
    (library.folder.tmp_dir / "photoseek-x.part.bak").write_text("not staged by photoseek")
    (library.folder.tmp_dir / "photoseek-dir.part").mkdir()
    assert library.folder.clean_tmp() == 1
    left = sorted(p.name for p in library.folder.tmp_dir.iterdir())
    assert left == ["notes.txt", "photoseek-dir.part", "photoseek-x.part.bak"]


def test_a_failed_staging_leaves_no_file(library):
    with pytest.raises(TypeError):
        library.folder.stage("text, not bytes")  # type: ignore[arg-type]
    assert list(library.folder.tmp_dir.iterdir()) == []


def test_a_library_on_read_only_media_is_read_and_refuses_writing(tmp_path):
    with Library(tmp_path / "lib", create=True) as library:
        add(library, ID_A)
    # Unmounting it after fails the test if the refused writer left the catalog open.
    with read_only_media(tmp_path / "lib", tmp_path / "media") as media:
        with Library(media, readonly=True) as reader:
            assert reader.photo_ids() == [ID_A]
        with pytest.raises(LibraryError, match="cannot be written"):
            Library(media)


def test_orphan_pictures_are_removed_and_nothing_else(library):
    kept = add(library, ID_A)
    pictures = library.root / "photos"
    orphan = library.folder.picture_path(ID_B, ".jpg")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a killed run")
    foreign = [
        pictures / "b2" / "holiday.jpg",
        pictures / "b2" / ("c" * 15 + ".jpg"),
        pictures / ("d" * 40 + ".jpg"),
        pictures / "B2" / (ID_B.upper() + ".jpg"),
    ]
    for path in foreign:
        path.parent.mkdir(exist_ok=True)
        path.write_text("the user's")
    assert library.remove_orphans() == 1
    assert kept.exists() and not orphan.exists() and all(p.exists() for p in foreign)
    assert library.folder.picture_path(ID_A, ".heic") == pictures / "a1" / f"{ID_A}.heic"


# -- photos, sources and merged metadata -------------------------------------------------------


def test_scalars_come_from_the_most_trusted_source_and_lists_are_united():
    sources = [
        Source("zip:b!x", "takeout", {"title": "T", "albums": ["Trip", "Beach"], "rating": None}),
        Source("file:/c", "folder", {"title": "F", "camera": "X", "albums": ["Home"]}),
        Source("lrprev:/a", "lightroom", {"title": "", "albums": ["Beach"], "rating": 4}),
        Source("file:/a", "scanner", {"title": "S", "lens": "L", "keywords": []}),
        Source("zip:a!x", "takeout", {"caption": "first by locator", "_private": 1}),
        Source("zip:c!x", "takeout", {"caption": "second"}),
    ]
    assert merge_meta(sources) == {
        "albums": ["Beach", "Trip", "Home"],
        "rating": 4,
        "caption": "first by locator",
        "title": "T",
        "camera": "X",
        "lens": "L",
    }
    assert list(merge_meta(sources)) == ["albums", "rating", "caption", "title", "camera", "lens"]


def test_each_kind_of_source_outranks_the_next_whatever_their_names():
    # Locators sort against the order of trust, so any two kinds ranked alike would swap.
    sources = [
        Source("1", "folder", {"title": "folder", "caption": "folder", "lens": "folder"}),
        Source("2", "takeout", {"title": "takeout", "caption": "takeout", "lens": "takeout"}),
        Source("3", "apple_photos", {"title": "apple", "caption": "apple"}),
        Source("4", "lightroom", {"title": "lightroom"}),
        Source("0", "scanner", {"title": "scanner", "caption": "s", "lens": "s", "camera": "s"}),
    ]
    merged = merge_meta(sources)
    assert (merged["title"], merged["caption"], merged["lens"]) == ("lightroom", "apple", "takeout")
    assert merged["camera"] == "s"


def test_a_photo_record_cannot_be_changed_in_place():
    record = Photo(ID_A, Path("x.jpg"), "JPEG", 1, 1, 1, [], {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.width = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Source("file:/x", "folder", {}).kind = "takeout"  # type: ignore[misc]


def test_a_photo_is_called_by_its_copy_then_its_original_then_its_picture():
    def called(**meta: object) -> str:
        return Photo(ID_A, Path("/lib/photos/a1/a1.jpg"), "JPEG", 1, 1, 1, [], meta).name

    assert called() == "a1.jpg"
    assert called(original_name="DSC_2.NEF") == "DSC_2.NEF"
    assert called(original_name="DSC_2.NEF", virtual_copy_name="Copy 1") == "Copy 1"
    assert called(virtual_copy_name="Copy 1") == "Copy 1"


def test_photos_come_back_as_stored_in_id_order_with_their_sources(library, tmp_path):
    add(library, ID_B, {"title": "B", "rating": 9, "camera": "Cam"}, kind="folder")
    library.put_source("lrprev:/p/b.lrprev", "lightroom", ID_B, "f2", {"title": "From Lr"})
    outside = tmp_path / "outside.png"
    library.add_photo(ID_A, outside, managed=False, fmt="PNG", width=7, height=5, size=99,
                      origin="file:/elsewhere")  # fmt: skip
    photos = list(library.photos())
    assert [p.id for p in photos] == [ID_A, ID_B]
    a, b = photos
    assert (a.path, a.format, a.width, a.height, a.size, a.sources) == (
        outside,
        "PNG",
        7,
        5,
        99,
        [],
    )
    assert b.path == library.root / "photos" / "b2" / f"{ID_B}.jpg"
    # The rating out of range was dropped on the way in; the rest kept and merged.
    assert b.meta == {"title": "From Lr", "camera": "Cam"}
    assert [s.locator for s in b.sources] == [f"file:/in/{ID_B}.jpg", "lrprev:/p/b.lrprev"]
    row = library.db.execute("SELECT file, managed FROM photos WHERE id=?", (ID_B,)).fetchone()
    assert row == (f"photos/b2/{ID_B}.jpg", 1)
    assert library.photo_origin(ID_B) == (f"file:/in/{ID_B}.jpg", True)
    assert library.photo_origin(ID_A) == ("file:/elsewhere", False)
    assert library.photo_origin(ID_C) is None
    library.update_size(ID_B, 1234)
    assert library.photo(ID_B).size == 1234


def test_a_source_seen_again_is_updated_in_place(library):
    add(library, ID_A, {"title": "Old"})
    assert library.source_fingerprint(f"file:/in/{ID_A}.jpg") == "f1"
    assert library.source_fingerprint("file:/never") is None
    library.put_source(f"file:/in/{ID_A}.jpg", "folder", ID_A, "f9", {"title": "New"})
    assert library.source_fingerprint(f"file:/in/{ID_A}.jpg") == "f9"
    assert library.photo(ID_A).meta == {"title": "New"}
    assert len(library.photo(ID_A).sources) == 1


def test_photos_by_id_work_past_a_chunk_and_keep_their_own_sources(library):
    ids = [f"{n:040x}" for n in range(1203)]
    library.begin()
    for n, pid in enumerate(ids):
        add(library, pid, {"title": f"T{n}"})
    library.commit()
    wanted = ids[::-1][:1100] + [ids[0], "f" * 40]
    found = list(library.photos(wanted))
    assert [p.id for p in found] == sorted(set(wanted) - {"f" * 40})
    assert all(p.meta["title"] == f"T{int(p.id, 16)}" for p in found)
    assert all(p.sources[0].locator == f"file:/in/{p.id}.jpg" for p in found)
    assert library.count() == 1203


def test_a_photo_by_prefix_must_be_unique(library):
    for pid in (ID_A, ID_B, ID_C):
        add(library, pid)
    assert library.photo("a").id == ID_A
    assert library.photo("b3").id == ID_C
    assert library.photo(ID_B).id == ID_B
    with pytest.raises(LibraryError, match="more than one photo in .* starting with 'b'"):
        library.photo("b")
    with pytest.raises(LibraryError, match="no photo in .* starting with 'c'"):
        library.photo("c")


def test_a_photo_by_its_file_or_its_source_file(library, tmp_path):
    picture = add(library, ID_A)
    library.add_photo(ID_B, tmp_path / "pic.png", managed=False, fmt="PNG", width=1, height=1,
                      size=1, origin="file:/x")  # fmt: skip
    library.put_source(f"takeout:{tmp_path / 'dump/pic.png'}", "takeout", ID_B, "f", {})
    assert library.photo_by_path(tmp_path / "pic.png").id == ID_B
    assert library.photo_by_path(tmp_path / "dump" / "pic.png").id == ID_B
    assert library.photo_by_path(Path(f"/in/{ID_A}.jpg")).id == ID_A
    assert library.photo_by_path(picture).id == ID_A
    assert library.photo_by_path(tmp_path / "nothing.jpg") is None


def test_links_join_photos_in_one_direction_and_never_a_photo_to_itself(library):
    for pid in (ID_A, ID_B, ID_C):
        add(library, pid)
    library.put_source("zip:t!edited.jpg", "takeout", ID_B, "f", {},
                       link=("edited_from", f"file:/in/{ID_A}.jpg"))  # fmt: skip
    library.put_source("zip:t!self.jpg", "takeout", ID_C, "f", {},
                       link=("edited_from", f"file:/in/{ID_C}.jpg"))  # fmt: skip
    library.put_source("zip:t!gone.jpg", "takeout", ID_C, "f", {},
                       link=("edited_from", "file:/never/extracted.jpg"))  # fmt: skip
    links = {p.id: p.links for p in library.photos()}
    assert links == {ID_A: {}, ID_B: {"edited_from": [ID_A]}, ID_C: {}}
    assert library.photo(ID_B).links == {"edited_from": [ID_A]}


# -- vectors and text --------------------------------------------------------------------------


def test_vectors_come_back_by_id_and_a_model_keeps_its_dimension(library):
    for pid in (ID_B, ID_A, ID_C):
        add(library, pid)
    ids, matrix = library.vectors("m")
    assert (ids, matrix.shape) == ([], (0, 0))
    library.register_model("m", 3, {"v": 1})
    assert library.missing_vectors("m") == [ID_A, ID_B, ID_C]
    library.put_vectors("m", [ID_C, ID_A], np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64))
    ids, matrix = library.vectors("m")
    assert ids == [ID_A, ID_C] and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix, [[4, 5, 6], [1, 2, 3]])
    assert library.missing_vectors("m") == [ID_B]
    library.put_vectors("m", [ID_A], np.array([[7, 8, 9]]))
    np.testing.assert_array_equal(library.vectors("m")[1], [[7, 8, 9], [1, 2, 3]])
    library.register_model("m", 3, {"v": 2})
    assert library.model_info("m") == {"v": 2} and library.model_info("other") == {}
    with pytest.raises(LibraryError, match="holds m vectors of dimension 3, not 4"):
        library.register_model("m", 4, {})
    with pytest.raises(LibraryError, match="holds m vectors of dimension 3, not 2"):
        library.register_model("m", 2, {})
    # Real dimensions are large numbers: compared by value.
    library.register_model("big", 512, {})
    library.register_model("big", int("512"), {"again": True})
    library.register_model("b", 2, {})
    assert library.models() == {"b": 2, "big": 512, "m": 3}
    assert library.missing_vectors("b") == [ID_A, ID_B, ID_C]


def test_text_vectors_are_found_past_a_chunk(library):
    library.register_model("m", 2, {})
    texts = [f"text {n}" for n in range(1100)]
    library.put_text_vectors("m", texts, np.arange(2200).reshape(1100, 2))
    found = library.text_vectors("m", [*texts[::-1], "absent"])
    assert len(found) == 1100 and "absent" not in found
    np.testing.assert_array_equal(found["text 1099"], [2198, 2199])
    assert found["text 0"].dtype == np.float32
    assert library.text_vectors("other", texts[:3]) == {}


def test_text_in_pictures_is_kept_per_engine_and_the_last_reading_wins(library):
    for pid in (ID_A, ID_B, ID_C):
        add(library, pid)
    library.put_ocr("engine 1", [(ID_A, "OLD"), (ID_B, "")])
    assert library.missing_ocr("engine 1") == [ID_C]
    assert library.missing_ocr("engine 2") == [ID_A, ID_B, ID_C]
    library.put_ocr("engine 2", [(ID_A, "NEW")])
    assert library.ocr_texts() == {ID_A: "NEW"}
    assert library.photo(ID_A).meta["ocr"] == "NEW"
    assert "ocr" not in library.photo(ID_B).meta


# -- what storage errors tell the user ---------------------------------------------------------


def test_storage_errors_say_what_happened_and_what_to_do(tmp_path):
    full = _storage_problem(tmp_path, OSError(errno.ENOSPC, "No space left on device"))
    assert "the disk is full" in full and "free some space" in full
    assert "the disk is full" in _storage_problem(
        tmp_path, sqlite3.OperationalError("database or disk is full")
    )
    denied = [OSError(code, "denied") for code in (errno.EACCES, errno.EROFS, errno.EPERM)]
    for err in [*denied, sqlite3.OperationalError("attempt to write a readonly database")]:
        assert "cannot be written" in _storage_problem(tmp_path, err), err
    locked = _storage_problem(tmp_path, sqlite3.OperationalError("database is locked"))
    assert "locked by another program" in locked
    other = _storage_problem(tmp_path, OSError(errno.EIO, "I/O error"))
    assert other == f"{tmp_path}: the library cannot be opened ([Errno 5] I/O error)."


KYOTO = {"city": "Kyoto", "region": "Kyoto", "country": "Japan", "code": "JP", "population": 9}


def test_the_library_keeps_names_with_the_coordinates_they_name(tmp_path):
    with Library(tmp_path / "lib", create=True) as library:
        add(library, ID_A, {"gps": {"lat": 35.0, "lon": 135.8}})
        add(library, ID_B, {"gps": {"lat": 0.0, "lon": -30.0}})
        assert library.unnamed_places() == [(ID_A, 35.0, 135.8), (ID_B, 0.0, -30.0)]
        library.put_places([(ID_A, 35.0, 135.8, KYOTO), (ID_B, 0.0, -30.0, None)])
        assert library.unnamed_places() == [], "the open sea is not asked about again"
        assert library.photo(ID_A).meta["place"] == KYOTO
        assert "place" not in library.photo(ID_B).meta
        # Moved on the map: the old name no longer holds.
        library.put_source(f"file:/in/{ID_A}.jpg", "folder", ID_A, "f2",
                           {"gps": {"lat": 48.86, "lon": 2.29}})  # fmt: skip
        assert "place" not in library.photo(ID_A).meta
        assert library.unnamed_places() == [(ID_A, 48.86, 2.29)]


def test_a_sources_own_place_name_wins(tmp_path):
    own = {"city": "Gion", "country": "Japan"}
    with Library(tmp_path / "lib", create=True) as library:
        add(library, ID_A, {"gps": {"lat": 35.0, "lon": 135.8}, "place": own})
        assert library.unnamed_places() == []
        library.put_places([(ID_A, 35.0, 135.8, KYOTO)])
        assert library.photo(ID_A).meta["place"] == own
