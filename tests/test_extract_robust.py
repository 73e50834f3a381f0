"""Bad input, re-runs and killed runs: nothing stops the run, nothing is lost or doubled."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from photoseek import samples

from .conftest import ls_json, run_cli


def _lrdata_with_bad_files(root: Path) -> Path:
    lrdata = root / "Bad Previews.lrdata"
    good = []
    for seed in range(2):
        levels, sizes = samples.pyramid(samples.picture(seed))
        good.append(samples.lrprev(samples.sample_uuid(seed), "d", levels, sizes))
    levels, _ = samples.pyramid(samples.picture(2))
    bare_levels = b"".join(samples.section(f"level_{i + 1}", lv) for i, lv in enumerate(levels))
    files = {
        "0/0000/good-0.lrprev": good[0],
        "0/0000/good-1.lrprev": good[1],
        "0/0000/no-header.lrprev": bare_levels,
        "0/0000/bad-header.lrprev": samples.section("header", b"pyramid = { levels = {")
        + samples.section("level_1", samples.jpeg_bytes(samples.picture(3))),
        "1/1111/zero.lrprev": b"",
        "1/1111/magic.lrprev": b"GIF89a" + good[0][6:],
        "1/1111/truncated.lrprev": good[0][: len(good[0]) // 2],
        "1/1111/absurd.lrprev": good[0][:8] + struct.pack(">Q", 1 << 40) + good[0][16:],
        "1/1111/notjpeg.lrprev": samples.section("header", b"pyramid = {}")
        + samples.section("level_1", b"\x89PNG not a jpeg"),
    }
    samples.write_tree(lrdata, files)
    return lrdata


def _bomb_png() -> bytes:
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _bomb_jpeg() -> bytes:
    data = bytearray(samples.jpeg_bytes(samples.picture(1)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    return bytes(data)


def test_bad_input_is_reported_and_never_stops_the_run(tmp_path):
    lrdata = _lrdata_with_bad_files(tmp_path)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "fine.jpg").write_bytes(samples.jpeg_bytes(samples.picture(10)))
    (folder / "random.jpg").write_bytes(os.urandom(500))
    (folder / "empty.png").write_bytes(b"")
    (folder / "bomb.png").write_bytes(_bomb_png())
    (folder / "bomb.jpg").write_bytes(_bomb_jpeg())
    (folder / "truncated.jpg").write_bytes(samples.jpeg_bytes(samples.picture(11))[:60])
    os.symlink(folder, folder / "loop")
    os.symlink(tmp_path / "missing.jpg", folder / "dangling.jpg")
    name = os.fsdecode(b"caf\xe9-latin1.jpg")
    (folder / name).write_bytes(samples.jpeg_bytes(samples.picture(12)))
    files = {
        "Takeout/Google Photos/Photos from 2020/ok.jpg": samples.jpeg_bytes(samples.picture(13)),
        "Takeout/Google Photos/Photos from 2020/bad.jpg": samples.jpeg_bytes(samples.picture(14)),
        "Takeout/Google Photos/Photos from 2020/../../escape.jpg": b"x",
    }
    (zip_path,) = samples.write_zips(tmp_path / "zips", files, parts=1)
    _corrupt_member(zip_path, "Takeout/Google Photos/Photos from 2020/bad.jpg")
    library = tmp_path / "lib"
    result = run_cli(
        "extract", str(lrdata), str(folder), str(zip_path), "--library", str(library), check=False
    )
    assert result.returncode == 3, result.stderr
    err = result.stderr
    for fragment in (
        "zero.lrprev: bad preview: empty file",
        "magic.lrprev: bad preview: not a Lightroom preview",
        "truncated.lrprev: bad preview: ",
        "absurd.lrprev: bad preview: section 'header' declares an absurd length",
        "notjpeg.lrprev: bad preview: no level holds a JPEG",
        "random.jpg: not a picture",
        "empty.png: empty file",
        "bomb.png: decompression bomb",
        "bomb.jpg: decompression bomb",
        "truncated.jpg: broken JPEG",
        "loop: symlink loop",
        "dangling.jpg: broken link",
        "bad.jpg: corrupt zip member",
    ):
        assert fragment in err, f"{fragment!r} not reported in:\n{err}"
    assert "skipped by reason:" in result.stdout
    photos = ls_json(library)
    names = sorted(Path(p["sources"][0]["locator"].split("!")[-1]).name for p in photos)
    assert names == [
        "bad-header.lrprev",
        "caf\\xe9-latin1.jpg",
        "fine.jpg",
        "good-0.lrprev",
        "good-1.lrprev",
        "no-header.lrprev",
        "ok.jpg",
    ]
    latin = next(p for p in photos if "latin1" in p["sources"][0]["locator"])
    assert Path(latin["path"]).is_relative_to(library), "non-UTF-8 names are copied in"
    assert not (tmp_path / "escape.jpg").exists()


def _corrupt_member(zip_path: Path, member: str) -> None:
    with zipfile.ZipFile(zip_path) as archive:
        info = archive.getinfo(member)
    data = bytearray(zip_path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + 40):
        data[i] ^= 0x5A
    zip_path.write_bytes(bytes(data))


def test_metadata_never_chooses_where_files_go(tmp_path):
    files = {
        "Takeout/Google Photos/Photos from 2020/a.jpg": samples.jpeg_bytes(samples.picture(1)),
        "Takeout/Google Photos/Photos from 2020/a.jpg.json": samples.sidecar(
            "../../../../outside.jpg", 1_600_000_000
        ),
        "Takeout/Google Photos/Photos from 2020/metadata.json": b'{"title": "../../up"}',
    }
    (zip_path,) = samples.write_zips(tmp_path / "zips", files, parts=1)
    before = set(tmp_path.rglob("*"))
    run_cli("extract", str(zip_path), "--library", str(tmp_path / "lib"))
    created = set(tmp_path.rglob("*")) - before
    assert created and all(p.is_relative_to(tmp_path / "lib") for p in created)
    (photo,) = ls_json(tmp_path / "lib")
    assert photo["meta"]["original_name"] == "../../../../outside.jpg"


def test_rerun_touches_only_what_changed(tmp_path):
    pics = samples.demo_pictures(3)
    images = [
        samples.CatalogImage(
            samples.sample_uuid(i), samples.sample_digest(i), f"IMG_{i}", caption=f"caption {i}"
        )
        for i in range(3)
    ]
    lrdata = samples.lightroom_catalog(tmp_path / "lr", "Cat", images, pics)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(samples.jpeg_bytes(samples.picture(20)))
    library = tmp_path / "lib"
    first = run_cli("extract", str(lrdata), str(folder), "--library", str(library))
    assert "4 found: 4 new, 0 updated, 0 unchanged" in first.stdout
    again = run_cli("extract", str(lrdata), str(folder), "--library", str(library))
    assert "4 found: 0 new, 0 updated, 4 unchanged, 0 duplicates, 0 skipped" in again.stdout
    (folder / "b.jpg").write_bytes(samples.jpeg_bytes(samples.picture(21)))
    added = run_cli("extract", str(lrdata), str(folder), "--library", str(library))
    assert "5 found: 1 new, 0 updated, 4 unchanged" in added.stdout
    # A caption edited in the catalog reaches the library and the picture's EXIF.
    with sqlite3.connect(tmp_path / "lr" / "Cat.lrcat") as db:
        db.execute("UPDATE AgLibraryIPTC SET caption='new words' WHERE image=1")
    os.utime(tmp_path / "lr" / "Cat.lrcat", ns=(time.time_ns() + 10**9,) * 2)
    edited = run_cli("extract", str(lrdata), str(folder), "--library", str(library))
    assert "5 found: 0 new, 3 updated, 2 unchanged" in edited.stdout
    photo = next(p for p in ls_json(library) if p["meta"].get("caption") == "new words")
    assert b"new words" in Path(photo["path"]).read_bytes()


def _snapshot(library: Path) -> dict:
    """Everything a run leaves: catalog rows (minus timestamps) and every file's hash."""
    with sqlite3.connect(library / "library.db") as db:
        photos = db.execute(
            "SELECT id, file, managed, format, width, height, size, origin FROM photos ORDER BY id"
        ).fetchall()
        sources = db.execute(
            "SELECT locator, kind, photo_id, fingerprint, meta, link_relation,"
            " link_locator FROM sources ORDER BY locator"
        ).fetchall()
    files = {
        str(p.relative_to(library)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((library / "photos").rglob("*"))
        if p.is_file()
    }
    leftovers = [p.name for p in (library / "tmp").iterdir()]
    return {"photos": photos, "sources": sources, "files": files, "tmp": leftovers}


def test_killed_runs_complete_to_the_uninterrupted_state(tmp_path):
    count = 900
    pics = [samples.picture(i, (200, 150)) for i in range(count // 3)]
    lrdata = tmp_path / "Kill Previews.lrdata"
    files = {}
    for i in range(count):
        levels, sizes = samples.pyramid(pics[i % len(pics)].rotate(i // len(pics) * 90), 2)
        files[f"{i % 16:X}/{i:04d}/{i:04d}-x.lrprev"] = samples.lrprev(
            f"{i:04d}", "x", levels, sizes
        )
    samples.write_tree(lrdata, files)
    reference = tmp_path / "reference"
    started = time.monotonic()
    run_cli("extract", str(lrdata), "--library", str(reference))
    duration = time.monotonic() - started
    expected = _snapshot(reference)
    assert len(expected["photos"]) == count and not expected["tmp"]

    library = tmp_path / "lib"
    kills = 0
    for fraction in (0.25, 0.5, 0.7, 0.9):
        proc = subprocess.Popen(
            [sys.executable, "-m", "photoseek", "extract", str(lrdata), "--library", str(library)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * fraction)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 2, "the run finished before it could be killed; make the sample larger"
    final = run_cli("extract", str(lrdata), "--library", str(library))
    assert f"{count} found" in final.stdout
    assert _snapshot(library) == expected
