"""An Apple Photos library as a source, in-process: which picture stands for each asset (the
original, else the derivatives in their order), edited renders, reports and fingerprints, on
libraries laid out by `photos_library.py` from the format's published facts."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from photoseek.extract.applephotos import PhotosLibrarySource, is_photos_library
from photoseek.extract.items import Item, Loaded, Report

from .photos_library import (
    MINIMAL,
    PHOTOS_5,
    PHOTOS_9,
    FakeAsset,
    damage_table,
    library_with,
    plist,
    write_library,
)

EPOCH = 978307200


def test_a_library_is_a_folder_named_photoslibrary_in_any_case(tmp_path):
    for name in (
        "A.photoslibrary",
        "B.PhotosLibrary",
        "photoslibrary",
        "C.photolibrary",
        "E.pictures",
    ):
        (tmp_path / name).mkdir()
    (tmp_path / "D.photoslibrary").write_bytes(b"")
    found = sorted(p.name for p in tmp_path.iterdir() if is_photos_library(p))
    assert found == ["A.photoslibrary", "B.PhotosLibrary"]


def uuid(n: int) -> str:
    return f"{n:X}{n:07X}-1A2B-4C3D-8E9F-{n:012X}"


# Asset number -> (what the database says, what is on disk), one per way to find a picture.
def assets(outside: Path) -> list[FakeAsset]:
    def asset(n: int, name: str, **files: object) -> FakeAsset:
        return FakeAsset(uuid(n), name, EPOCH + n * 86_400, **files)  # type: ignore[arg-type]

    return [
        asset(1, "IMG_0001.JPG", original=b"original 1"),
        asset(2, "IMG_0002.DNG", original=b"raw", original_ext="dng",
              derivatives={"_1_100_o.jpeg": b"full 2", "_1_102_o.jpeg": b"poster 2",
                           "_1_105_c.jpeg": b"large 2", "_4_5005_c.jpeg": b"thumb 2"}),
        asset(3, "IMG_0003.JPG", derivatives={"_1_102_o.jpeg": b"poster 3",
                                              "_1_105_c.jpeg": b"large 3",
                                              "_4_5005_c.jpeg": b"thumb 3"}),
        asset(4, "IMG_0004.JPG", derivatives={"_1_105_c.jpeg": b"large 4",
                                              "_4_5005_c.jpeg": b"thumb 4"}),
        asset(5, "IMG_0005.JPG", derivatives={"_4_5005_c.jpeg": b"thumb 5"}),
        asset(6, "IMG_0006.JPG"),
        asset(7, "IMG_0007.JPG", original=b"original 7", render=b"edited 7", caption="Both"),
        asset(8, "IMG_0008.JPG", render=b"edited 8"),
        asset(9, "DSC_0009.JPG", original=b"outside 9", referenced=outside / "DSC_0009.JPG"),
        asset(10, "DSC_0010.JPG", original=None, referenced=outside / "gone" / "DSC_0010.JPG",
              derivatives={"_1_105_c.jpeg": b"large 10"}),
        asset(11, "Holiday/Best.jpg", original=b"original 11"),
    ]  # fmt: skip


@pytest.fixture(params=[PHOTOS_5, PHOTOS_9], ids=["photos5-macos10.15", "photos9-macos14.6"])
def library(request, tmp_path) -> Path:
    outside = tmp_path / "Elsewhere"
    outside.mkdir()
    root = tmp_path / "Photos Library.photoslibrary"
    return write_library(root, request.param, assets(outside), in_wal=2)


def read(library: Path, report: Report | None = None) -> list[tuple[Item, Loaded]]:
    source = PhotosLibrarySource(library, report or Report())
    items = list(source.items(None))
    source.close()
    return [(item, item.load()) for item in items]


def locator(library: Path, n: int, name: str, edited: bool = False) -> str:
    return f"photos:{library}!{uuid(n)}/" + ("edited/" if edited else "") + name


def test_each_asset_is_its_best_picture_then_its_edit(library):
    report = Report()
    loaded = read(library, report)
    outside = library.parent / "Elsewhere"
    resources = library / "resources"
    expected = [
        (1, "IMG_0001.JPG", library / "originals" / "1" / f"{uuid(1)}.jpeg", None),
        (2, "IMG_0002.DNG", resources / "derivatives" / "2" / f"{uuid(2)}_1_100_o.jpeg", "large"),
        (3, "IMG_0003.JPG", resources / "derivatives" / "3" / f"{uuid(3)}_1_102_o.jpeg", "large"),
        (4, "IMG_0004.JPG", resources / "derivatives" / "4" / f"{uuid(4)}_1_105_c.jpeg", "large"),
        (5, "IMG_0005.JPG",
         resources / "derivatives" / "masters" / "5" / f"{uuid(5)}_4_5005_c.jpeg", "thumbnail"),
        (7, "IMG_0007.JPG", library / "originals" / "7" / f"{uuid(7)}.jpeg", None),
        (9, "DSC_0009.JPG", outside / "DSC_0009.JPG", None),
        (10, "DSC_0010.JPG", resources / "derivatives" / "A" / f"{uuid(10)}_1_105_c.jpeg",
         "large"),
        (11, "Holiday_Best.jpg", library / "originals" / "B" / f"{uuid(11)}.jpeg", None),
    ]  # fmt: skip
    best = [(item, got) for item, got in loaded if "/edited/" not in item.locator]
    assert [item.locator for item, _ in best] == [locator(library, n, m) for n, m, _, _ in expected]
    for (item, got), (n, _, path, derivative) in zip(best, expected, strict=True):
        assert (got.on_disk, got.data) == (path, path.read_bytes())
        assert got.meta["derivative"] == derivative
        assert got.meta["apple_photos_uuid"] == uuid(n)
        assert got.link is None and item.kind == "apple_photos"
        assert not [k for k in got.meta if k.startswith("_")]
    # Nothing on disk for 6, and only the edited render for 8.
    assert [(where, reason) for where, reason, _ in report.problems] == [
        (f"IMG_0006.JPG ({uuid(6)})", "not on this Mac"),
        (f"IMG_0008.JPG ({uuid(8)})", "not on this Mac"),
    ]
    assert "kept only in iCloud" in report.problems[0][2]


def test_an_edit_is_a_photo_of_its_own_linked_to_its_original(library):
    loaded = read(library)
    edits = [(item, got) for item, got in loaded if "/edited/" in item.locator]
    renders = library / "resources" / "renders"
    assert [item.locator for item, _ in edits] == [
        locator(library, 7, "IMG_0007.JPG", edited=True),
        locator(library, 8, "IMG_0008.JPG", edited=True),
    ]
    (seven, edited_seven), (_, edited_eight) = edits
    assert edited_seven.data == b"edited 7"
    assert edited_seven.on_disk == renders / "7" / f"{uuid(7)}_1_201_a.jpeg"
    assert edited_seven.link == ("edited_from", locator(library, 7, "IMG_0007.JPG"))
    assert edited_seven.meta["caption"] == "Both" and "derivative" not in edited_seven.meta
    # The edit follows its original, and an asset with nothing but its render has no link.
    locators = [item.locator for item, _ in loaded]
    assert locators[locators.index(seven.locator) - 1] == locator(library, 7, "IMG_0007.JPG")
    assert (edited_eight.data, edited_eight.link) == (b"edited 8", None)


def test_a_render_without_adjustments_is_stale_and_a_heic_render_is_found(tmp_path):
    lib = write_library(
        tmp_path / "L.photoslibrary",
        PHOTOS_9,
        [
            FakeAsset(uuid(1), "a.jpg", EPOCH, original=b"a"),
            FakeAsset(uuid(2), "b.jpg", EPOCH, original=b"b", render=b"jpeg render"),
        ],
    )
    renders = lib / "resources" / "renders"
    (renders / "1").mkdir(parents=True)
    (renders / "1" / f"{uuid(1)}_1_201_a.jpeg").write_bytes(b"left from an undone edit")
    (renders / "2" / f"{uuid(2)}_1_201_a.heic").write_bytes(b"heic render")
    assert [got.data for _, got in read(lib)] == [b"a", b"b", b"jpeg render"]
    (renders / "2" / f"{uuid(2)}_1_201_a.jpeg").unlink()
    assert [got.data for _, got in read(lib)] == [b"a", b"b", b"heic render"]


def test_a_referenced_original_named_by_a_folder_alone_is_not_a_picture(tmp_path):
    picture = tmp_path / "DSC_0001.JPG"
    picture.write_bytes(b"a file the database does not name")
    lib = write_library(
        tmp_path / "L.photoslibrary",
        PHOTOS_9,
        [FakeAsset(uuid(1), "DSC_0001.JPG", EPOCH, referenced=picture,
                   derivatives={"_4_5005_c.jpeg": b"thumb"})],
    )  # fmt: skip
    db = sqlite3.connect(lib / "database" / "Photos.sqlite")
    db.execute("UPDATE ZASSET SET ZDIRECTORY=?, ZFILENAME=NULL", (str(picture),))
    db.commit()
    db.close()
    ((_, got),) = read(lib)
    assert (got.data, got.meta["derivative"]) == (b"thumb", "thumbnail")


def test_an_asset_without_an_original_name_is_named_by_its_uuid(tmp_path):
    lib = library_with(tmp_path, MINIMAL)
    for n, name in [(1, "A-UUID"), (2, "B-UUID")]:
        thumb = lib / "resources" / "derivatives" / "masters" / name[0] / f"{name}_4_5005_c.jpeg"
        thumb.parent.mkdir(parents=True, exist_ok=True)
        thumb.write_bytes(bytes([n]))
    loaded = read(lib)
    assert [item.locator for item, _ in loaded] == [
        f"photos:{lib}!A-UUID/A-UUID",
        f"photos:{lib}!B-UUID/B-UUID",
    ]
    assert [got.meta for _, got in loaded] == [
        {"favourite": False, "apple_photos_uuid": n, "gps": None, "taken": None,
         "derivative": "thumbnail"}
        for n in ("A-UUID", "B-UUID")
    ]  # fmt: skip


def test_loading_gives_a_fresh_copy_of_the_facts_each_time(library):
    item, first = read(library)[0]
    first.meta["caption"] = "changed by a caller"
    assert item.load().meta["caption"] is None


def fingerprints(library: Path) -> dict[str, str]:
    return {item.locator: item.fingerprint for item, _ in read(library)}


def test_a_fingerprint_changes_with_the_database_facts_or_the_file_and_nothing_else(library):
    before = fingerprints(library)
    assert all(len(f) == 32 and set(f) <= set("0123456789abcdef") for f in before.values())
    assert len(set(before.values())) == len(before)
    assert fingerprints(library) == before
    db = sqlite3.connect(library / "database" / "Photos.sqlite")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("UPDATE ZASSETDESCRIPTION SET ZLONGDESCRIPTION='Neither' WHERE"
               " ZLONGDESCRIPTION='Both'")  # fmt: skip
    db.commit()
    db.close()
    picture = library / "originals" / "1" / f"{uuid(1)}.jpeg"
    os.utime(picture, ns=(0, picture.stat().st_mtime_ns + 1))
    after = fingerprints(library)
    changed = sorted(k for k in before if before[k] != after[k])
    assert changed == sorted(
        [
            locator(library, 1, "IMG_0001.JPG"),
            locator(library, 7, "IMG_0007.JPG"),
            locator(library, 7, "IMG_0007.JPG", edited=True),
        ]
    )


def test_a_library_whose_folder_name_is_not_utf8_is_read_but_not_used_in_place(tmp_path):
    root = tmp_path / os.fsdecode(b"Fotos caf\xe9.photoslibrary")
    write_library(root, PHOTOS_9, [FakeAsset(uuid(1), "a.jpg", EPOCH, original=b"a")])
    ((item, got),) = read(root)
    assert item.locator == f"photos:{tmp_path}/Fotos caf\\xe9.photoslibrary!{uuid(1)}/a.jpg"
    assert (got.data, got.on_disk) == (b"a", None)


# -- what the run is told ------------------------------------------------------------------------


def test_what_photos_does_not_show_is_counted_and_a_held_library_said(tmp_path):
    lib = write_library(
        tmp_path / "L.photoslibrary",
        PHOTOS_5,
        [
            FakeAsset(uuid(1), "a.jpg", EPOCH, original=b"a", hidden=True),
            FakeAsset(uuid(2), "b.jpg", EPOCH, original=b"b", trashed=True),
            FakeAsset(uuid(3), "c.jpg", EPOCH, original=b"c", visibility=2),
            FakeAsset(uuid(4), "d.jpg", EPOCH, original=b"d", visibility=2),
            FakeAsset(uuid(5), "e.jpg", EPOCH, original=b"e"),
        ],
    )
    report = Report()
    assert [got.data for _, got in read(lib, report)] == [b"e"]
    assert report.left_out == {"hidden": 1, "trashed": 1, "burst frames Photos hides": 2}
    assert (report.problems, report.warnings) == ([], [])
    (lib / "database" / "Photos.sqlite.lock").write_bytes(b"bplist00")
    report = Report()
    read(lib, report)
    ((where, message),) = report.warnings
    assert where == f"Apple Photos library {lib}"
    assert message.startswith("Photos has this library open: it was read from a copy")


@pytest.mark.parametrize(
    ("version", "warned"),
    [(None, False), (12999, True), (13000, False), (17999, False), (18000, True), (18500, True)],
)
def test_a_model_version_photoseek_does_not_know_is_read_with_a_warning(tmp_path, version, warned):
    script = MINIMAL
    if version is not None:
        script += "CREATE TABLE Z_METADATA (Z_VERSION, Z_UUID, Z_PLIST);"
    lib = library_with(tmp_path, script)
    if version is not None:
        db = sqlite3.connect(lib / "database" / "Photos.sqlite")
        db.execute("INSERT INTO Z_METADATA VALUES (1, 'x', ?)", (plist(version),))
        db.commit()
        db.close()
    report = Report()
    read(lib, report)
    assert report.left_out == {}
    if warned:
        ((where, message),) = report.warnings
        assert where == f"Apple Photos library {lib}"
        age = "older" if version < 13000 else "newer"
        assert message.startswith(f"Photos model version {version} is {age} than photoseek knows")
    else:
        assert report.warnings == []
    # Both assets have nothing on disk: each is reported, and nothing stops the run.
    assert [reason for _, reason, _ in report.problems] == ["not on this Mac"] * 2


@pytest.mark.parametrize("damage", ["missing", "entities", "assets"])
def test_a_database_that_cannot_be_read_is_one_problem_and_no_items(tmp_path, damage):
    lib = library_with(tmp_path, MINIMAL)
    database = lib / "database" / "Photos.sqlite"
    if damage == "missing":
        database.unlink()
    else:
        damage_table(lib, "Z_PRIMARYKEY" if damage == "entities" else "ZASSET")
    report = Report()
    assert read(lib, report) == []
    ((where, reason, detail),) = report.problems
    assert (where, reason) == (str(database), "unreadable database")
    assert detail.startswith(str(database))
