"""Apple Photos libraries: every photo Photos shows, once, from the best picture on disk, with
the database's metadata; nothing written to the library. Libraries are built from the format's
published facts in two database generations (tests/photos_library.py)."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import piexif
import pillow_heif
import pytest
from PIL import Image

from photoseek import samples

from .conftest import ls_json, run_cli
from .photos_library import PHOTOS_5, PHOTOS_9, FakeAlbum, FakeAsset, jpeg, write_library

UUIDS = {
    name: f"{i:X}{i:07X}-1A2B-4C3D-8E9F-{i:012X}"
    for i, name in enumerate(
        ["beach", "noplace", "hidden", "trashed", "video", "shared", "burst", "large", "thumb",
         "nothing", "edited", "raw", "heic", "utc", "wal-1", "wal-2"],
        start=1,
    )
}  # fmt: skip


def instant(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def picture(seed: int, exif: bytes = b"") -> bytes:
    return jpeg(samples.picture(seed, (240, 180)), exif)


def heic(seed: int) -> bytes:
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    samples.picture(seed, (160, 120)).save(buffer, "HEIF")
    return buffer.getvalue()


def assets() -> list[FakeAsset]:
    gps = {
        piexif.GPSIFD.GPSLatitudeRef: b"N",
        piexif.GPSIFD.GPSLatitude: ((10, 1), (0, 1), (0, 1)),
        piexif.GPSIFD.GPSLongitudeRef: b"E",
        piexif.GPSIFD.GPSLongitude: ((20, 1), (0, 1), (0, 1)),
    }
    date = {piexif.ExifIFD.DateTimeOriginal: b"2001:01:01 00:00:00"}
    elsewhere = piexif.dump({"Exif": date, "GPS": gps})
    u = UUIDS
    return [
        # 23:30 UTC on 1 June is 01:30 on 2 June at +02:00.
        FakeAsset(u["beach"], "IMG_0001.HEIC.jpg", instant("2019-06-01T23:30:00+00:00"), 7200,
                  original=picture(1, elsewhere), favourite=True, place=(43.29551, 5.37376),
                  title="At the beach", caption="Swimming at dusk", camera="iPhone 12",
                  keywords=["summer", "sea"], albums=["Holidays", "Best", "Old"],
                  people=["Ana", None, "Old Ana"]),
        FakeAsset(u["noplace"], "IMG_0002.jpg", instant("2019-06-03T10:00:00+00:00"),
                  original=picture(2, elsewhere), albums=["Holidays"]),
        FakeAsset(u["hidden"], "IMG_0003.jpg", instant("2019-06-04T10:00:00+00:00"),
                  original=picture(3), hidden=True),
        FakeAsset(u["trashed"], "IMG_0004.jpg", instant("2019-06-05T10:00:00+00:00"),
                  original=picture(4), trashed=True),
        FakeAsset(u["video"], "IMG_0005.MOV", instant("2019-06-06T10:00:00+00:00"), kind=1,
                  original=b"\0\0\0\x18ftypqt  ", original_ext="mov",
                  derivatives={"_1_102_o.jpeg": picture(5)}),
        FakeAsset(u["shared"], "IMG_0006.jpg", instant("2019-06-07T10:00:00+00:00"),
                  original=picture(6), saved=4, published=600000000.0),
        FakeAsset(u["burst"], "IMG_0007.jpg", instant("2019-06-08T10:00:00+00:00"),
                  original=picture(7), visibility=2),
        FakeAsset(u["large"], "IMG_0008.jpg", instant("2019-06-09T10:00:00+00:00"),
                  derivatives={"_1_105_c.jpeg": picture(8), "_4_5005_c.jpeg": picture(18)}),
        FakeAsset(u["thumb"], "IMG_0009.jpg", instant("2019-06-10T10:00:00+00:00"),
                  derivatives={"_4_5005_c.jpeg": picture(9)}),
        FakeAsset(u["nothing"], "IMG_0010.jpg", instant("2019-06-11T10:00:00+00:00")),
        FakeAsset(u["edited"], "IMG_0011.jpg", instant("2019-06-12T10:00:00+00:00"),
                  original=picture(11), render=jpeg(samples.picture(11, (240, 180)).rotate(90)),
                  caption="Before and after", albums=["Holidays"]),
        FakeAsset(u["raw"], "IMG_0012.DNG", instant("2019-06-13T10:00:00+00:00"),
                  original=b"II*\0 not decodable raw", original_ext="dng",
                  derivatives={"_1_100_o.jpeg": picture(12), "_1_105_c.jpeg": picture(22)}),
        FakeAsset(u["heic"], "IMG_0013.HEIC", instant("2019-06-14T10:00:00+00:00"),
                  original=heic(13), original_ext="heic"),
        FakeAsset(u["utc"], "IMG_0014.jpg", instant("2019-06-15T10:00:00+00:00"), None,
                  original=picture(14)),
        FakeAsset(u["wal-1"], "IMG_0015.jpg", instant("2019-06-16T10:00:00+00:00"),
                  original=picture(15), caption="only in the log"),
        FakeAsset(u["wal-2"], "IMG_0016.jpg", instant("2019-06-17T10:00:00+00:00"),
                  original=picture(16), keywords=["log"]),
    ]  # fmt: skip


ALBUMS = [
    FakeAlbum("Holidays"),
    FakeAlbum("Best", folder="2019"),
    FakeAlbum("Old", trashed=True),
    FakeAlbum("Smart one", kind=1507),
]


def merge_person(library: Path) -> None:
    db = sqlite3.connect(library / "database" / "Photos.sqlite")
    ana = db.execute("SELECT Z_PK FROM ZPERSON WHERE ZFULLNAME='Ana'").fetchone()[0]
    db.execute("UPDATE ZPERSON SET ZMERGETARGETPERSON=? WHERE ZFULLNAME='Old Ana'", (ana,))
    db.commit()
    db.close()


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(params=[PHOTOS_5, PHOTOS_9], ids=["photos5-macos10.15", "photos9-macos14.6"])
def library(request, tmp_path) -> Path:
    return write_library(
        tmp_path / "Photos Library.photoslibrary", request.param, assets(), ALBUMS, in_wal=2
    )


def by_uuid(lib: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for photo in ls_json(lib):
        found.setdefault(photo["meta"]["apple_photos_uuid"], []).append(photo)
    return found


def test_every_photo_photos_shows_once_with_the_databases_metadata(library, tmp_path):
    # The last assets live only in the log: reading the main file alone misses them.
    main_only = sqlite3.connect(f"{(library / 'database/Photos.sqlite').as_uri()}?immutable=1",
                                uri=True)  # fmt: skip
    table = "ZASSET" if "ZASSET" in {r[0] for r in main_only.execute(
        "SELECT name FROM sqlite_master")} else "ZGENERICASSET"  # fmt: skip
    assert main_only.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 14
    main_only.close()
    before = snapshot(library)
    lib = tmp_path / "lib"
    result = run_cli("extract", str(library), "--library", str(lib), check=False)
    assert snapshot(library) == before, "the Photos library is never written"
    assert result.returncode == 3, result.stderr
    assert f"IMG_0010.jpg ({UUIDS['nothing']}): not on this Mac" in result.stderr
    assert "left out by design: 1 burst frames Photos hides, 1 hidden, 1 shared by others, " \
        "1 trashed, 1 videos" in result.stdout  # fmt: skip
    photos = by_uuid(lib)
    u = UUIDS
    assert set(photos) == {u[n] for n in ("beach", "noplace", "large", "thumb", "edited", "raw",
                                          "heic", "utc", "wal-1", "wal-2")}  # fmt: skip
    (beach,) = photos[u["beach"]]
    meta = beach["meta"]
    assert meta["taken"] == "2019-06-02T01:30:00+02:00"
    assert meta["title"] == "At the beach" and meta["caption"] == "Swimming at dusk"
    assert meta["keywords"] == ["sea", "summer"]
    assert meta["albums"] == ["2019/Best", "Holidays"]
    assert meta["people"] == ["Ana", "Old Ana"]
    assert meta["favourite"] is True
    assert meta["gps"] == {"lat": 43.29551, "lon": 5.37376}
    assert meta["original_name"] == "IMG_0001.HEIC.jpg" and meta["camera"] == "iPhone 12"
    assert "derivative" not in meta
    (noplace,) = photos[u["noplace"]]
    assert "gps" not in noplace["meta"], "-180 in the database wins over the file's EXIF"
    assert noplace["meta"]["taken"] == "2019-06-03T10:00:00+00:00"
    assert photos[u["utc"]][0]["meta"]["taken"] == "2019-06-15T10:00:00Z"
    assert photos[u["large"]][0]["meta"]["derivative"] == "large"
    assert photos[u["thumb"]][0]["meta"]["derivative"] == "thumbnail"
    assert photos[u["raw"]][0]["meta"]["derivative"] == "large"
    assert (photos[u["raw"]][0]["width"], photos[u["raw"]][0]["height"]) == (240, 180)
    assert photos[u["heic"]][0]["format"] == "HEIF"
    assert photos[u["wal-1"]][0]["meta"]["caption"] == "only in the log"
    assert photos[u["wal-2"]][0]["meta"]["keywords"] == ["log"]
    original, edited = sorted(photos[u["edited"]], key=lambda p: bool(p["links"]))
    assert edited["links"] == {"edited_from": [original["id"]]}
    assert edited["meta"]["caption"] == original["meta"]["caption"] == "Before and after"
    assert edited["meta"]["albums"] == ["Holidays"]


def test_merged_people_and_unchanged_reruns(library, tmp_path):
    merge_person(library)
    lib = tmp_path / "lib"
    run_cli("extract", str(library), "--library", str(lib), check=False)
    (beach,) = by_uuid(lib)[UUIDS["beach"]]
    assert beach["meta"]["people"] == ["Ana"]
    again = run_cli("extract", str(library), "--library", str(lib), check=False)
    assert "0 new, 0 updated, 11 unchanged" in again.stdout
    # Photos changes a caption, in its log: the next run picks it up, and only it.
    db = sqlite3.connect(library / "database" / "Photos.sqlite")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("UPDATE ZASSETDESCRIPTION SET ZLONGDESCRIPTION='Swimming at night'"
               " WHERE ZLONGDESCRIPTION='Swimming at dusk'")  # fmt: skip
    db.commit()
    changed = run_cli("extract", str(library), "--library", str(lib), check=False)
    db.close()
    assert "0 new, 1 updated, 10 unchanged" in changed.stdout
    assert by_uuid(lib)[UUIDS["beach"]][0]["meta"]["caption"] == "Swimming at night"


def test_a_library_inside_a_folder_is_read_as_a_library(library, tmp_path):
    pictures = library.parent
    (pictures / "loose.jpg").write_bytes(picture(30))
    lib = tmp_path / "lib"
    run_cli("extract", str(pictures), "--library", str(lib), check=False)
    photos = ls_json(lib)
    names = sorted(p["meta"].get("original_name") for p in photos)
    assert len(photos) == 12 and "loose.jpg" in names
    assert not [p for p in photos if UUIDS["beach"] in p["meta"].get("original_name", "")]


def test_a_locked_database_is_read_and_the_next_run_has_everything(library, tmp_path):
    holder = sqlite3.connect(library / "database" / "Photos.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    (library / "database" / "Photos.sqlite.lock").write_bytes(b"bplist00 held by photolibraryd")
    lib = tmp_path / "lib"
    locked = run_cli("extract", str(library), "--library", str(lib), "-v", check=False)
    holder.execute("ROLLBACK")
    holder.close()
    (library / "database" / "Photos.sqlite.lock").unlink()
    assert locked.returncode == 3 and "Photos has this library open" in locked.stderr
    assert len(ls_json(lib)) == 11
    free = run_cli("extract", str(library), "--library", str(lib), check=False)
    assert "0 new" in free.stdout and len(ls_json(lib)) == 11


@pytest.mark.parametrize("damage", ["missing", "truncated", "not-sqlite"])
def test_a_missing_or_damaged_database_is_one_message(tmp_path, damage):
    library = write_library(tmp_path / "L.photoslibrary", PHOTOS_9, assets()[:2], ALBUMS)
    database = library / "database" / "Photos.sqlite"
    (library / "database" / "Photos.sqlite-wal").unlink(missing_ok=True)
    if damage == "missing":
        database.unlink()
    elif damage == "truncated":
        database.write_bytes(database.read_bytes()[:3000])
    else:
        database.write_bytes(b"not a database at all" * 100)
    result = run_cli("extract", str(library), "--library", str(tmp_path / "lib"), check=False)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert str(database) in result.stderr


def test_a_newer_model_version_is_read_with_a_warning(tmp_path):
    from dataclasses import replace

    newer = replace(PHOTOS_9, model_version=18500)
    library = write_library(tmp_path / "N.photoslibrary", newer, assets()[:2], ALBUMS)
    result = run_cli("extract", str(library), "--library", str(tmp_path / "lib"), "-v")
    assert "model version 18500 is newer" in result.stderr
    assert len(ls_json(tmp_path / "lib")) == 2


def test_a_referenced_original_outside_the_package(tmp_path):
    outside = tmp_path / "Elsewhere" / "DSC_0001.jpg"
    outside.parent.mkdir()
    asset = FakeAsset(UUIDS["beach"], "DSC_0001.jpg", instant("2020-01-01T12:00:00+00:00"),
                      original=picture(40), referenced=outside)  # fmt: skip
    library = write_library(tmp_path / "R.photoslibrary", PHOTOS_5, [asset], ALBUMS)
    run_cli("extract", str(library), "--library", str(tmp_path / "lib"))
    (photo,) = ls_json(tmp_path / "lib")
    assert photo["path"] == str(outside) and "derivative" not in photo["meta"]
    assert Image.open(photo["path"]).size == (240, 180)
