"""Never lose, overwrite or leak: foreign folders, hostile metadata and archives, kills,
concurrent runs, and what a published gallery may contain.

Every test here is a defect that once existed (or its kin from another source):
each fails when the guard it names is taken out.
"""

from __future__ import annotations

import fcntl
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import piexif
import pytest

from photoseek import samples
from photoseek.build_site.gallery import Privacy
from photoseek.facts import clean_meta, public_meta
from photoseek.library import Library
from photoseek.schema import SCHEMA_VERSION

from .conftest import ls_json, mount, processes_naming, read_only_media, run_cli

PLACE = (43.2888, 5.3801)


def jpeg(seed: int, size: tuple[int, int] = (160, 120), **save: object) -> bytes:
    buffer = io.BytesIO()
    samples.picture(seed, size).save(buffer, "JPEG", quality=85, **save)
    return buffer.getvalue()


def folder_of(path: Path, count: int, start: int = 0) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for seed in range(start, start + count):
        (path / f"p{seed:03d}.jpg").write_bytes(jpeg(seed))
    return path


def embedded(tmp_path: Path, pictures: Path | int) -> Path:
    """A library of `pictures` (a folder, or that many generated ones), embedded by colour."""
    if isinstance(pictures, int):
        pictures = folder_of(tmp_path / "pics", pictures)
    library = tmp_path / "lib"
    run_cli("extract", str(pictures), "--library", str(library))
    run_cli("embed", "--library", str(library), "--model", "colour")
    return library


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def segments(data: bytes) -> list[int]:
    """The JPEG markers before the image data."""
    found, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        found.append(marker)
        if marker == 0xDA:
            break
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return found


def takeout_dump(root: Path, sidecar: dict | bytes, name: str = "IMG_0001.jpg") -> Path:
    folder = root / "Takeout" / "Google Photos" / "Photos from 2020"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(jpeg(7))
    raw = sidecar if isinstance(sidecar, bytes) else json.dumps(sidecar).encode()
    (folder / f"{name}.json").write_bytes(raw)
    return root


# -- 1. a foreign folder is never a library, and nothing photoseek did not make is deleted ----


def test_extract_refuses_a_foreign_folder_and_deletes_nothing(tmp_path):
    pics = tmp_path / "pics"
    (pics / "photos" / "2019").mkdir(parents=True)
    (pics / "photos" / "2019" / "wedding.jpg").write_bytes(jpeg(1))
    (pics / "tmp").mkdir()
    (pics / "tmp" / "thesis.txt").write_text("four years of work")
    before = tree(pics)
    result = run_cli("extract", str(pics), "--library", str(pics), check=False)
    assert result.returncode == 1
    assert "is not empty and is not a photoseek library" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(pics) == before


def test_a_foreign_database_named_like_the_catalog_is_refused(tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    sqlite3.connect(folder / "library.db").execute("CREATE TABLE mine(x)").connection.commit()
    before = tree(folder)
    result = run_cli("extract", str(folder_of(tmp_path / "p", 1)), "--library", str(folder),
                     check=False)  # fmt: skip
    assert result.returncode == 1 and "photoseek did not write" in result.stderr
    assert tree(folder) == before


def test_a_library_never_deletes_files_it_did_not_make(tmp_path):
    library = tmp_path / "lib"
    run_cli("extract", str(folder_of(tmp_path / "pics", 2)), "--library", str(library))
    mine = {
        library / "photos" / "notes.txt": b"mine",
        library / "photos" / "ab" / "holiday.jpg": jpeg(3),
        library / "tmp" / "keep.txt": b"mine too",
    }
    for path, data in mine.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    run_cli("extract", str(folder_of(tmp_path / "more", 1, start=5)), "--library", str(library))
    assert all(path.read_bytes() == data for path, data in mine.items())


def test_a_library_from_before_the_marker_is_still_opened(tmp_path):
    library = tmp_path / "lib"
    run_cli("extract", str(folder_of(tmp_path / "pics", 2)), "--library", str(library))
    (library / ".photoseek-library").unlink()
    run_cli("extract", str(folder_of(tmp_path / "more", 1, start=4)), "--library", str(library))
    assert len(ls_json(library)) == 3
    assert (library / ".photoseek-library").is_file()


# -- 2. no file name comes from metadata ------------------------------------------------------


def test_no_page_name_comes_from_metadata(tmp_path):
    pics = tmp_path / "work" / "pics"
    pics.mkdir(parents=True)
    hostile = {
        "0th": {piexif.ImageIFD.ImageDescription: b"../../../escape"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"../../X:aaaaaaaaaaaa"},
    }
    (pics / "a.jpg").write_bytes(jpeg(1, exif=piexif.dump(hostile)))
    takeout_dump(tmp_path / "work" / "dump", {"title": "b.jpg", "photoTakenTime": {
        "timestamp": "1"}, "people": [{"name": "../../../../people"}]}, "b.jpg")  # fmt: skip
    out = tmp_path / "work" / "site"
    before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(out)}
    result = run_cli("build", str(pics), str(tmp_path / "work" / "dump"), "--out", str(out),
                     "--model", "colour", check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    made = {p for p in tmp_path.rglob("*")} - before
    library = tmp_path / "work" / "site-library"
    assert all(p.is_relative_to(out) or p.is_relative_to(library) for p in made)
    assert not [p for p in out.rglob("*") if "X" in p.name or "escape" in p.name]
    photo = next(p for p in ls_json(library) if p["meta"].get("caption"))
    assert "taken" not in photo["meta"]


def test_a_site_path_outside_the_site_is_refused(tmp_path):
    from photoseek.build_site.output import SiteFolder
    from photoseek.ownership import OwnershipError

    folder = SiteFolder(tmp_path / "site")
    try:
        for name in ("../x.html", "/etc/x.html", "a/../../x.html"):
            with pytest.raises(OwnershipError):
                folder.path(name)
    finally:
        folder.release()


# -- 3. one writer, and workers die with their parent -----------------------------------------


def test_a_killed_site_build_leaves_no_worker_running(tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    for seed in range(200):
        samples.picture(seed, (1600, 1200)).save(pics / f"{seed}.jpg")
    library = embedded(tmp_path, pics)
    out = tmp_path / "unique-site-name"
    process = subprocess.Popen(
        [sys.executable, "-m", "photoseek", "site", "--library", str(library), "--out", str(out),
         "--progress"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    seen = ""
    while "pictures" not in seen:
        seen += process.stderr.read(1) or "!"
        assert not seen.endswith("!"), seen
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(1.5)
    assert processes_naming(str(out)) == []
    # The next run completes, and no half-written picture is left under a final name.
    run_cli("site", "--library", str(library), "--out", str(out))
    renditions = list((out / "img").rglob("*.jpg"))
    assert len(renditions) == 600
    assert all(p.read_bytes().endswith(b"\xff\xd9") for p in renditions)
    assert not list(out.rglob("*.part"))


def test_a_second_writer_is_told_who_holds_the_folder(tmp_path):
    library = tmp_path / "lib"
    run_cli("extract", str(folder_of(tmp_path / "pics", 1)), "--library", str(library))
    with open(library / ".photoseek-lock", "r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.truncate()
        held.write("pid 4242: photoseek extract")
        held.flush()
        started = time.monotonic()
        result = run_cli("extract", str(tmp_path / "pics"), "--library", str(library),
                         check=False)  # fmt: skip
        waited = time.monotonic() - started
        embed = run_cli("embed", "--library", str(library), "--model", "colour", check=False)
    assert result.returncode == 1 and embed.returncode == 1
    assert "in use by another photoseek (pid 4242: photoseek extract)" in result.stderr
    assert waited < 30
    # Readers are not writers: they go on while it is held.
    assert len(ls_json(library)) == 1


def test_two_builds_on_one_site_never_both_write(tmp_path):
    library = embedded(tmp_path, 3)
    out = tmp_path / "site"
    run_cli("site", "--library", str(library), "--out", str(out))
    with open(out / ".photoseek-lock", "r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        second = run_cli("site", "--library", str(library), "--out", str(out), check=False)
    assert second.returncode == 1 and "in use by another photoseek" in second.stderr


# -- 4, 9, 15. outside data is checked field by field: a bad field goes, the photo stays -------


def test_malformed_sidecar_values_are_dropped_and_every_later_build_works(tmp_path):
    sidecar = {
        "title": "IMG_0001.jpg",
        "description": "kept",
        "photoTakenTime": {"timestamp": "100000000000000"},
        "geoData": {"latitude": "47.1", "longitude": 8.5},
        "people": [{"name": 5}, {"name": "Ana"}],
        "favorited": "yes please",
    }
    dump = takeout_dump(tmp_path / "dump", sidecar)
    out = tmp_path / "site"
    first = run_cli("build", str(dump), "--out", str(out), "--model", "colour", "--no-progress",
                    check=False)  # fmt: skip
    assert first.returncode == 0, first.stderr
    (photo,) = ls_json(tmp_path / "site-library")
    meta = photo["meta"]
    assert meta["caption"] == "kept" and meta["people"] == ["Ana"]
    assert not {"gps", "taken", "favourite"} & set(meta)
    again = run_cli("site", "--library", str(tmp_path / "site-library"), "--out", str(out))
    assert again.returncode == 0


def test_values_stored_by_an_older_photoseek_are_checked_on_reading_and_on_upgrade(tmp_path):
    library = tmp_path / "lib"
    run_cli("extract", str(folder_of(tmp_path / "pics", 1)), "--library", str(library))
    db = sqlite3.connect(library / "library.db")
    bad = {"gps": {"lat": "47.1", "lon": 8}, "people": [5], "rating": 1e8, "aperture": 1e999}
    db.execute("UPDATE sources SET meta=?", (json.dumps(bad),))
    # An older photoseek's catalog: schema 1, whose facts were checked less.
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    listing = run_cli("ls", "--library", str(library), "--json").stdout
    assert "Infinity" not in listing
    assert json.loads(listing)["meta"].keys() & bad.keys() == set()
    run_cli("embed", "--library", str(library), "--model", "colour")
    # Opened for writing, the catalog was upgraded and its facts checked once, for good.
    db = sqlite3.connect(library / "library.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [json.loads(m) for (m,) in db.execute("SELECT meta FROM sources")] == [{}]
    db.close()
    run_cli("site", "--library", str(library), "--out", str(tmp_path / "site"))


def test_one_bad_field_never_drops_a_lightroom_photo(tmp_path):
    pictures = samples.demo_pictures(2)
    images = [
        samples.CatalogImage(samples.sample_uuid(i), samples.sample_digest(i), f"IMG_{i}",
                             caption=f"caption {i}", focal_length=35.0, rating=3)
        for i in range(2)
    ]  # fmt: skip
    lrdata = samples.lightroom_catalog(tmp_path / "lr", "Cat", images, pictures)
    db = sqlite3.connect(tmp_path / "lr" / "Cat.lrcat")
    db.execute("UPDATE AgHarvestedExifMetadata SET focalLength='fifty', aperture='wide'")
    db.execute("UPDATE Adobe_images SET rating=1e8, captureTime='not a time'")
    db.commit()
    db.close()
    # Preview headers whose file time is 1e300 seconds.
    for preview in lrdata.rglob("*.lrprev"):
        data = preview.read_bytes()
        hostile = data.replace(b"fileTimeStamp = 645111123", b"fileTimeStamp = 1e300    ")
        assert hostile != data
        preview.write_bytes(hostile)
    library = tmp_path / "lib"
    result = run_cli("extract", str(lrdata), "--library", str(library), "-v", check=False)
    assert result.returncode == 0, result.stderr
    photos = ls_json(library)
    assert len(photos) == 2
    assert sorted(p["meta"]["caption"] for p in photos) == ["caption 0", "caption 1"]
    assert not any({"focal_length", "rating", "file_time"} & p["meta"].keys() for p in photos)
    assert "focal_length: 'fifty' is not a valid float; dropped" in result.stderr
    assert "cannot be read (OverflowError" in result.stderr


@pytest.mark.parametrize("depth", [200_000])
def test_a_sidecar_nested_beyond_reason_is_a_warning(tmp_path, depth):
    dump = takeout_dump(tmp_path / "dump", b"[" * depth + b"]" * depth)
    album = dump / "Takeout" / "Google Photos" / "Trip"
    album.mkdir()
    (album / "IMG_0002.jpg").write_bytes(jpeg(8))
    (album / "metadata.json").write_bytes(b'{"a":' * depth + b"1" + b"}" * depth)
    result = run_cli("extract", str(dump), "--library", str(tmp_path / "lib"), "-v")
    assert "nested too deeply" in result.stderr
    assert len(ls_json(tmp_path / "lib")) == 2


def test_text_and_numbers_that_metadata_can_make_huge_are_bounded(tmp_path):
    sidecar = {"title": "IMG_0001.jpg", "description": "x" * 4_000_000}
    dump = takeout_dump(tmp_path / "dump", sidecar)
    out = tmp_path / "site"
    run_cli("build", str(dump), "--out", str(out), "--model", "colour")
    (photo,) = ls_json(tmp_path / "site-library")
    assert len(photo["meta"]["caption"]) == 2000
    size = sum(p.stat().st_size for p in out.rglob("*.html"))
    assert size < 2_000_000, size


def test_declared_facts_keep_their_bounds():
    warnings: list[str] = []
    clean = clean_meta(
        {"rating": 5, "pick": -1, "iso": 0, "aperture": float("nan"), "unknown": 1,
         "gps": {"lat": -33.9, "lon": 151.2}, "taken": "2019-06-01T14:00:00+02:00",
         "keywords": ["a", "a", 3]},
        warnings.append,
    )  # fmt: skip
    assert clean == {
        "rating": 5,
        "pick": -1,
        "gps": {"lat": -33.9, "lon": 151.2},
        "taken": "2019-06-01T14:00:00+02:00",
        "keywords": ["a"],
    }
    assert len(warnings) == 4
    assert clean_meta({"taken": "1700-01-01T00:00:00", "rating": 6}) == {}


# -- 5. a catalog locked during a run is read on the next one ---------------------------------


def test_a_locked_catalog_is_read_once_it_is_free(tmp_path):
    pictures = samples.demo_pictures(2)
    images = [
        samples.CatalogImage(samples.sample_uuid(i), samples.sample_digest(i), f"IMG_{i}",
                             caption=f"caption {i}")
        for i in range(2)
    ]  # fmt: skip
    lrdata = samples.lightroom_catalog(tmp_path / "lr", "Cat", images, pictures)
    library = tmp_path / "lib"
    holder = sqlite3.connect(tmp_path / "lr" / "Cat.lrcat", isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    locked = run_cli("extract", str(lrdata), "--library", str(library), check=False)
    holder.execute("ROLLBACK")
    holder.close()
    assert locked.returncode == 3 and "unreadable catalog" in locked.stderr
    assert not any("caption" in p["meta"] for p in ls_json(library))
    free = run_cli("extract", str(lrdata), "--library", str(library))
    assert "2 updated" in free.stdout
    assert sorted(p["meta"]["caption"] for p in ls_json(library)) == ["caption 0", "caption 1"]


# -- 6, 7. renditions carry nothing but pixels, and stale or broken ones are made again --------


def test_strip_location_leaves_no_place_in_pictures_or_pages(tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    gps = {
        piexif.GPSIFD.GPSLatitudeRef: b"N",
        piexif.GPSIFD.GPSLatitude: ((43, 1), (17, 1), (1968, 100)),
        piexif.GPSIFD.GPSLongitudeRef: b"E",
        piexif.GPSIFD.GPSLongitude: ((5, 1), (22, 1), (4836, 100)),
    }
    data = jpeg(4, exif=piexif.dump({"GPS": gps}))
    comment = f"GPS {PLACE[0]},{PLACE[1]}".encode()
    # A comment segment right after SOI, as cameras and editors write them.
    data = data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]
    (pics / "here.jpg").write_bytes(data)
    out = tmp_path / "site"
    run_cli("build", str(pics), "--out", str(out), "--model", "colour", "--strip-location")
    (photo,) = ls_json(tmp_path / "site-library")
    assert round(photo["meta"]["gps"]["lat"], 4) == PLACE[0]
    for path in out.rglob("*"):
        if path.suffix == ".jpg":
            # Only the JFIF header, tables and image data: no EXIF, no profile, no comment.
            assert set(segments(path.read_bytes())) <= {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA}
        elif path.is_file():
            text = path.read_text(errors="replace")
            assert "43.28" not in text and "5.380" not in text, path


def test_pages_of_photos_that_left_the_library_are_removed(tmp_path):
    lib_a, lib_b = tmp_path / "a", tmp_path / "b"
    run_cli("extract", str(folder_of(tmp_path / "pa", 3)), "--library", str(lib_a))
    run_cli("extract", str(folder_of(tmp_path / "pb", 2)), "--library", str(lib_b))
    for library in (lib_a, lib_b):
        run_cli("embed", "--library", str(library), "--model", "colour")
    out = tmp_path / "site"
    run_cli("site", "--library", str(lib_a), "--out", str(out))
    (out / "CNAME").write_text("photos.example.org")
    gone = {p.id for p in Library(lib_a, readonly=True).photos()}
    gone -= {p.id for p in Library(lib_b, readonly=True).photos()}
    run_cli("site", "--library", str(lib_b), "--out", str(out))
    names = [p.name for p in out.rglob("*")]
    assert not [n for n in names for pid in gone if pid[:12] in n]
    assert len(list((out / "photo").iterdir())) == 2
    assert (out / "CNAME").read_text() == "photos.example.org"


def test_a_rendition_cut_short_is_made_again(tmp_path):
    library = embedded(tmp_path, 2)
    out = tmp_path / "site"
    run_cli("site", "--library", str(library), "--out", str(out))
    victim = next((out / "img" / "thumb").rglob("*.jpg"))
    whole = victim.read_bytes()
    victim.write_bytes(whole[: len(whole) // 3])
    run_cli("site", "--library", str(library), "--out", str(out))
    assert victim.read_bytes() == whole


def test_a_published_site_shows_no_path_of_the_building_machine(tmp_path):
    pics = folder_of(tmp_path / "secret-folder-name" / "pics", 2)
    out = tmp_path / "site"
    run_cli("build", str(pics), "--out", str(out), "--model", "colour")
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".jpg":
            assert "secret-folder-name" not in path.read_text(), path
    assert "Folder: pics/p000.jpg" in "".join(p.read_text() for p in (out / "photo").iterdir())
    shown = tmp_path / "shown"
    run_cli("build", str(pics), "--out", str(shown), "--model", "colour", "--show-paths",
            "--library", str(tmp_path / "site-library"))  # fmt: skip
    assert "secret-folder-name" in "".join(p.read_text() for p in (shown / "photo").iterdir())


def test_public_meta_follows_the_declarations():
    meta = {"gps": {"lat": 1.0, "lon": 2.0}, "original_path": "/home/me/x.jpg", "caption": "c"}
    hidden = lambda **privacy: Privacy(**privacy).hidden  # noqa: E731
    assert public_meta(meta, hidden()) == {"gps": meta["gps"], "caption": "c"}
    assert public_meta(meta, hidden(strip_location=True)) == {"caption": "c"}
    assert public_meta(meta, hidden(strip_location=True, show_paths=True)).keys() == {
        "original_path",
        "caption",
    }


# -- 8. --out never overwrites the user's files or reads the site back ------------------------


@pytest.mark.parametrize("where", ["own-files", "root", "inside-source", "is-library"])
def test_out_is_guarded(tmp_path, where):
    pics = folder_of(tmp_path / "pics", 2)
    out = {
        "own-files": tmp_path / "mine",
        "root": Path("/"),
        "inside-source": pics / "site",
        "is-library": tmp_path / "site-library",
    }[where]
    if where == "own-files":
        out.mkdir()
        (out / "index.html").write_text("my homepage")
    before = tree(tmp_path)
    args = ["build", str(pics), "--out", str(out), "--model", "colour"]
    if where == "is-library":
        args += ["--library", str(out)]
    result = run_cli(*args, check=False)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert tree(tmp_path) == before


# -- 10. a zip never inflates into memory beyond a bound --------------------------------------


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path):
    dump = tmp_path / "takeout-20240101T000000Z-001.zip"
    with zipfile.ZipFile(dump, "w", zipfile.ZIP_DEFLATED) as archive:
        member = "Takeout/Google Photos/Photos from 2020/bomb.jpg"
        with archive.open(member, "w", force_zip64=True) as handle:
            block = b"\0" * (1 << 20)
            for _ in range(600):
                handle.write(block)
        archive.writestr("Takeout/Google Photos/Photos from 2020/ok.jpg", jpeg(2))
    assert dump.stat().st_size < 2_000_000
    code = (
        "import resource, subprocess, sys\n"
        f"r = subprocess.run([sys.executable, '-m', 'photoseek', 'extract', {str(dump)!r},"
        f" '--library', {str(tmp_path / 'lib')!r}], capture_output=True, text=True)\n"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "print(r.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    status, peak_kb = map(int, result.stdout.split("\n", 1)[0].split())
    assert status == 3, result.stdout
    assert "too large" in result.stdout
    assert peak_kb < 400_000, peak_kb
    assert len(ls_json(tmp_path / "lib")) == 1


# -- 12, 13, 16. messages, not tracebacks; read-only commands write nothing; exit statuses ----


def test_read_only_commands_write_nothing_to_the_library(tmp_path):
    library = embedded(tmp_path, 3)

    # SQLite's own -wal and -shm files come and go with any connection; nothing else may change.
    def state() -> dict:
        files = [p for p in library.rglob("*") if not p.name.endswith(("-wal", "-shm"))]
        return {p: p.stat().st_mtime_ns for p in files}

    before = state()
    photo = ls_json(library)[0]["id"]
    run_cli("search", "--library", str(library), "red")
    run_cli("similar", "--library", str(library), photo[:8])
    run_cli("export", "--library", str(library), "--out", str(tmp_path / "v.npz"))
    assert state() == before


def test_a_library_on_read_only_media_is_read_by_every_reading_command(tmp_path):
    library = embedded(tmp_path, 3)
    with read_only_media(library, tmp_path / "media") as media:
        photo = ls_json(media)[0]["id"]
        run_cli("search", "--library", str(media), "red")
        run_cli("similar", "--library", str(media), photo[:8])
        run_cli("export", "--library", str(media), "--out", str(tmp_path / "v.npz"))
        run_cli("site", "--library", str(media), "--out", str(tmp_path / "site"))
        writing = run_cli("extract", str(tmp_path / "pics"), "--library", str(media), check=False)
    assert writing.returncode == 1 and "Traceback" not in writing.stderr
    assert "cannot be written" in writing.stderr


def test_a_full_disk_stops_the_site_with_a_message_and_the_next_run_repairs_it(tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    for seed in range(12):
        samples.picture(seed, (1600, 1200)).save(pics / f"{seed}.jpg", quality=95)
    library = embedded(tmp_path, pics)
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk))
    try:
        full = run_cli("site", "--library", str(library), "--out", str(disk / "s"), check=False)
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        again = run_cli("site", "--library", str(library), "--out", str(disk / "s"), check=False)
        renditions = list((disk / "s" / "img").rglob("*.jpg"))
        whole = all(p.read_bytes().endswith(b"\xff\xd9") for p in renditions)
        leftovers = list((disk / "s").rglob("*.part"))
    finally:
        subprocess.run(["umount", str(disk)], check=False)
    assert full.returncode == 1, full.stdout + full.stderr
    assert "disk is full" in full.stderr and "Traceback" not in full.stderr
    assert again.returncode == 0, again.stderr
    assert len(renditions) == 36 and whole and leftovers == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["export", "--out", "{tmp}/missing/v.npz"], "does not exist"),
        (["site", "--out", "{tmp}/site", "--queries", "{tmp}/latin1.txt"], "not UTF-8"),
        (["search", "red", "-k", "-3"], "-3 is not in the range"),
    ],
)
def test_bad_arguments_are_messages(tmp_path, args, says):
    library = embedded(tmp_path, 2)
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    result = run_cli(*[a.format(tmp=tmp_path) for a in args], "--library", str(library),
                     check=False)  # fmt: skip
    assert result.returncode in (1, 2)
    assert says in result.stderr and "Traceback" not in result.stderr


def test_an_empty_source_builds_an_empty_gallery(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("build", str(empty), "--out", str(tmp_path / "site"), "--model", "colour",
                     check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "0 photos" in result.stdout
    assert (tmp_path / "site" / "index.html").is_file()


def test_site_exits_3_when_a_picture_is_skipped(tmp_path):
    pics = folder_of(tmp_path / "pics", 2)
    library = embedded(tmp_path, pics)
    (pics / "p001.jpg").write_bytes(b"gone bad")
    result = run_cli("site", "--library", str(library), "--out", str(tmp_path / "s"), check=False)
    assert result.returncode == 3
    assert "p001.jpg" in result.stderr


def test_a_jpeg_that_cannot_be_decoded_is_not_stored(tmp_path):
    pics = folder_of(tmp_path / "pics", 1)
    whole = jpeg(9, (400, 300), progressive=True)
    (pics / "cut.jpg").write_bytes(whole[: len(whole) // 2])
    # A motion photo carries its video after the picture's end: it is whole.
    (pics / "MVIMG_0001.jpg").write_bytes(jpeg(10) + b"\x00\x00\x00\x18ftypmp42" + bytes(4000))
    result = run_cli("extract", str(pics), "--library", str(tmp_path / "lib"), check=False)
    assert result.returncode == 3 and "cut.jpg: broken JPEG" in result.stderr
    names = sorted(p["meta"]["original_name"] for p in ls_json(tmp_path / "lib"))
    assert names == ["MVIMG_0001.jpg", "p000.jpg"]


def test_the_library_stores_nothing_invalid_whoever_calls_it(tmp_path):
    library = Library(tmp_path / "lib", create=True)
    picture = tmp_path / "p.jpg"
    picture.write_bytes(jpeg(1))
    library.begin()
    library.add_photo("ab" * 16, picture, managed=False, fmt="JPEG", width=160, height=120,
                      size=1, origin="file:p")  # fmt: skip
    bad = {"rating": 1e8, "gps": {"lat": "47.1", "lon": 8}, "people": [5, "Ana"], "_note": 1}
    library.put_source("file:p", "folder", "ab" * 16, "f", bad)
    library.commit()
    (stored,) = library.db.execute("SELECT meta FROM sources").fetchone()
    library.close()
    assert json.loads(stored) == {"people": ["Ana"]}
