"""Takeout dumps read in-process: sidecars written out by hand as the format reference
describes them (shared/reference/google-takeout.md), not by photoseek's samples; the
unpacked folder and the zip parts; albums, edits, fingerprints and what each item loads."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from photoseek.extract import takeout
from photoseek.extract.detect import detect
from photoseek.extract.folder import Walker
from photoseek.extract.items import Item, Loaded, Report, Skip
from photoseek.extract.takeout import TakeoutSource, sidecar_meta, takeout_zips, zip_parts
from photoseek.facts import Invalid

# A sidecar as a 2024 export writes it: every field the reference lists, times as strings.
REAL_SIDECAR = {
    "title": "IMG_1234.JPG",
    "description": "Harbour at dawn",
    "imageViews": "17",
    "creationTime": {"timestamp": "1560600000", "formatted": "15 Jun 2019, 12:00:00 UTC"},
    "photoTakenTime": {"timestamp": "1560000000", "formatted": "8 Jun 2019, 13:20:00 UTC"},
    "photoLastModifiedTime": {"timestamp": "1700000000", "formatted": "14 Nov 2023, 22:13:20 UTC"},
    # geoData may be the user's edit, geoDataExif the camera's: the edit wins.
    "geoData": {
        "latitude": -33.8568,
        "longitude": 151.2153,
        "altitude": 12.5,
        "latitudeSpan": 0.0,
        "longitudeSpan": 0.0,
    },
    "geoDataExif": {
        "latitude": -33.9,
        "longitude": 151.3,
        "altitude": 3.0,
        "latitudeSpan": 0.0,
        "longitudeSpan": 0.0,
    },
    "people": [{"name": "Ana"}, {"name": "Bo"}],
    "url": "https://photos.google.com/photo/AF1Qip",
    "googlePhotosOrigin": {
        "mobileUpload": {"deviceType": "IOS_PHONE", "deviceFolder": {"localFolderName": ""}}
    },
    "favorited": True,
}
NO_PLACE = {"latitude": 0.0, "longitude": 0.0, "altitude": 0.0, "latitudeSpan": 0.0}
EXPORT = "takeout-20240101T000000Z"


def test_every_sidecar_field_the_reference_lists_is_read_to_its_value():
    assert sidecar_meta(REAL_SIDECAR) == {
        "original_name": "IMG_1234.JPG",
        "caption": "Harbour at dawn",
        "taken": "2019-06-08T13:20:00",
        "people": ["Ana", "Bo"],
        "favourite": True,
        "google_photos_url": "https://photos.google.com/photo/AF1Qip",
        "gps": {"lat": -33.8568, "lon": 151.2153, "alt": 12.5},
        "device": "IOS_PHONE",
    }
    flags = {"title": "a.jpg", "archived": True, "trashed": True}
    assert sidecar_meta(flags) == {"original_name": "a.jpg", "archived": True, "trashed": True}
    # Flags are written only when true; an explicit false is still what the sidecar says.
    assert sidecar_meta({"favorited": False}) == {"favourite": False}


def test_the_time_taken_wins_and_the_upload_time_stands_in_only_when_it_is_absent():
    taken = {"photoTakenTime": {"timestamp": "1056000000"}}
    uploaded = {"creationTime": {"timestamp": "1560600000", "formatted": "..."}}
    assert sidecar_meta({**uploaded, **taken})["taken"] == "2003-06-19T05:20:00"
    assert sidecar_meta(uploaded)["taken"] == "2019-06-15T12:00:00"
    no_stamp = {"photoTakenTime": {"formatted": "8 Jun 2019"}}
    assert sidecar_meta({**no_stamp, **uploaded})["taken"] == "2019-06-15T12:00:00"
    assert sidecar_meta({"photoTakenTime": "1560000000", **uploaded})["taken"] == (
        "2019-06-15T12:00:00"
    )
    # The epoch itself is a time, and a number is read as well as a string.
    assert sidecar_meta({"photoTakenTime": {"timestamp": "0"}})["taken"] == "1970-01-01T00:00:00"
    assert sidecar_meta({"photoTakenTime": {"timestamp": 86399}})["taken"] == (
        "1970-01-01T23:59:59"
    )
    assert "taken" not in sidecar_meta({"title": "a.jpg"})


@pytest.mark.parametrize("stamp", ["soon", "1e300", "99999999999999999999", "1.5"])
def test_an_unreadable_time_is_invalid_with_its_reason_and_no_upload_time_replaces_it(stamp):
    data = {"photoTakenTime": {"timestamp": stamp}, "creationTime": {"timestamp": "1560600000"}}
    taken = sidecar_meta(data)["taken"]
    assert isinstance(taken, Invalid)
    assert repr(stamp) in taken.reason


def test_a_place_is_the_first_that_is_not_zero_with_its_sign_kept():
    exif_only = {"geoData": NO_PLACE, "geoDataExif": {"latitude": 40.7, "longitude": -74.0}}
    assert sidecar_meta(exif_only)["gps"] == {"lat": 40.7, "lon": -74.0, "alt": 0.0}
    # On the equator or the prime meridian one of the two is zero, and it is still a place.
    equator = {"geoData": {"latitude": 0.0, "longitude": -78.5, "altitude": 2850.0}}
    assert sidecar_meta(equator)["gps"] == {"lat": 0.0, "lon": -78.5, "alt": 2850.0}
    greenwich = {"geoData": {"latitude": 51.48, "longitude": 0.0, "altitude": -2.0}}
    assert sidecar_meta(greenwich)["gps"] == {"lat": 51.48, "lon": 0.0, "alt": -2.0}
    assert "gps" not in sidecar_meta({"geoData": NO_PLACE, "geoDataExif": NO_PLACE})
    not_a_place = {"geoData": [1.0, 2.0], "geoDataExif": {"latitude": -1.5, "longitude": 2.5}}
    assert sidecar_meta(not_a_place)["gps"] == {"lat": -1.5, "lon": 2.5, "alt": 0.0}


def test_people_without_a_name_and_empty_values_are_left_out():
    people = [{"name": "Ana"}, {"name": ""}, "Bo", {"id": 3}, {"name": "Cy"}]
    assert sidecar_meta({"people": people}) == {"people": ["Ana", "Cy"]}
    assert sidecar_meta({"people": None, "description": "", "title": 42, "url": None}) == {}
    shared = {"googlePhotosOrigin": {"fromSharedAlbum": {}}}
    assert sidecar_meta(shared) == {}
    assert sidecar_meta({"googlePhotosOrigin": {"mobileUpload": {"deviceType": ""}}}) == {}
    assert sidecar_meta({"googlePhotosOrigin": {"mobileUpload": "IOS_PHONE"}}) == {}
    assert sidecar_meta({"googlePhotosOrigin": "web"}) == {}


# -- zip parts ---------------------------------------------------------------------------------


def touch(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"")
    return paths


def test_a_part_brings_every_part_of_its_export_and_no_other(tmp_path):
    one, two, three = touch(tmp_path, f"{EXPORT}-002.zip", f"{EXPORT}-001.zip", f"{EXPORT}-003.zip")
    touch(tmp_path, "takeout-20240202T000000Z-001.zip", f"{EXPORT}-01.zip", f"{EXPORT}-001.txt")
    (tmp_path / f"{EXPORT}-004.zip").mkdir()
    assert zip_parts(one) == [two, one, three]
    assert zip_parts(three) == [two, one, three]


def test_parts_named_in_capitals_or_with_pattern_characters_are_found(tmp_path):
    parts = touch(tmp_path, "TAKEOUT-2024[1]*-001.ZIP", "TAKEOUT-2024[1]*-002.ZIP")
    touch(tmp_path, "TAKEOUT-20241-001.ZIP", "TAKEOUT-2024[1]*-002.zip.part")
    assert zip_parts(parts[1]) == parts


def test_a_zip_not_named_as_a_part_is_read_alone(tmp_path):
    (alone,) = touch(tmp_path, "photos.zip")
    touch(tmp_path, "photos-001.zip")
    assert zip_parts(alone) == [alone]


def test_a_folder_of_zips_gives_the_takeout_ones_of_every_export(tmp_path):
    found = touch(tmp_path, "Takeout-1.ZIP", f"{EXPORT}-001.zip", "takeout-2025-001.zip")
    touch(tmp_path, "photos.zip", "takeout-notes.txt", "my-takeout-001.zip", "takeout-1.zst")
    (tmp_path / "takeout-folder.zip").mkdir()
    assert takeout_zips(tmp_path) == sorted(found)


# -- a dump, unpacked and zipped ---------------------------------------------------------------


def jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (seed * 40 % 256, 90, 200 - seed)).save(buffer, "JPEG")
    return buffer.getvalue()


def sidecar(title: str, **fields: object) -> bytes:
    return json.dumps({"title": title, **fields}).encode()


# The reference's layout, below the (localised) Google Photos folder.
DUMP = {
    "Photos from 2019/b.jpg": jpeg(1),
    "Photos from 2019/b.jpg.json": sidecar("b.jpg", description="Old style"),
    "Photos from 2019/a.jpg": jpeg(2),
    "Photos from 2019/a.jpg.supplemental-metadata.json": sidecar("a.jpg", favorited=True),
    "Photos from 2019/a-edited.jpg": jpeg(3),
    "Photos from 2019/clip.mp4": b"\0\0\0\x18ftypmp42",
    "Photos from 2019/clip.mp4.json": sidecar("clip.mp4"),
    "Photos from 2019/notes.txt": b"not a picture",
    "Photos from 2019/20030616": jpeg(4),
    "Photos from 2019/20030616.json": sidecar("20030616"),
    "Photos from 2019/lonely.jpg": jpeg(5),
    "Photos from 1875/scan.png": jpeg(6),
    "Lake days/metadata.json": json.dumps({"title": "  Lake days ☀ ", "access": "protected"}),
    "Lake days/a.jpg": jpeg(2),
    "Lake days/a.jpg.json": sidecar("a.jpg"),
    "Lake days/more/c.jpg": jpeg(7),
    "Trip/renamed by hand.jpg": jpeg(8),
    "Trip/something else.json": sidecar("renamed by hand.jpg", description="By title"),
}
ORDER = [
    "Lake days/a.jpg",
    "Lake days/more/c.jpg",
    "Photos from 1875/scan.png",
    "Photos from 2019/20030616",
    "Photos from 2019/a-edited.jpg",
    "Photos from 2019/a.jpg",
    "Photos from 2019/b.jpg",
    "Photos from 2019/lonely.jpg",
    "Trip/renamed by hand.jpg",
]


def write_tree(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def write_zip(path: Path, files: dict[str, bytes | str], top: str = "Takeout/Google Fotos") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{top}/{name}", data)
    return path


def test_parts_in_capitals_given_one_by_one_or_as_their_folder_are_one_dump(tmp_path):
    picture = {"Photos from 2019/a.jpg": b"\xff\xd8"}
    parts = [write_zip(tmp_path / f"TAKEOUT-2024-00{n}.ZIP", picture) for n in (1, 2)]
    for given in (parts[1], tmp_path):
        (source,) = detect([given], None, Report())
        assert isinstance(source, TakeoutSource) and source.roots == parts


def read(
    source: TakeoutSource, walk: Callable[[Path], Iterator[Path]] | None = None
) -> list[tuple[Item, Loaded]]:
    items = list(source.items(walk or Walker(source.report, exclude=[])))
    return [(item, item.load()) for item in items]


def by_path(root: Path) -> dict[str, tuple[Item, Loaded]]:
    """Each item of a dump and what it loads, by its path in the dump."""
    loaded = read(TakeoutSource([root], Report()))
    return {got.meta["takeout_path"]: (item, got) for item, got in loaded}


def stat(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def test_an_unpacked_dump_gives_each_picture_once_in_order_with_its_sidecar_and_album(tmp_path):
    root = write_tree(tmp_path / "Takeout" / "Google Fotos", DUMP)
    source = TakeoutSource([root], Report())
    loaded = read(source)
    assert [item.locator for item, _ in loaded] == [f"takeout:{root / n}" for n in ORDER]
    assert all(item.kind == "takeout" for item, _ in loaded)
    found = {got.meta["takeout_path"]: (item, got) for item, got in loaded}
    assert list(found) == ORDER
    for name, (_, got) in found.items():
        assert got.data == DUMP[name]
        assert got.on_disk == root / name

    item, got = found["Photos from 2019/a.jpg"]
    assert got.meta == {
        "takeout_path": "Photos from 2019/a.jpg",
        "original_name": "a.jpg",
        "favourite": True,
        "takeout_sidecar": "a.jpg.supplemental-metadata.json",
    }
    assert (got.link, got.warnings) == (None, [])
    sidecar_path = root / "Photos from 2019/a.jpg.supplemental-metadata.json"
    assert item.fingerprint == f"{stat(root / 'Photos from 2019/a.jpg')}|{stat(sidecar_path)}"

    _, old = found["Photos from 2019/b.jpg"]
    assert (old.meta["caption"], old.meta["takeout_sidecar"]) == ("Old style", "b.jpg.json")
    _, bare = found["Photos from 2019/20030616"]
    assert bare.meta["takeout_sidecar"] == "20030616.json"

    # An album's title comes from its metadata.json, and that file is in the fingerprint.
    item, got = found["Lake days/a.jpg"]
    assert got.meta["albums"] == ["Lake days ☀"]
    assert (
        item.fingerprint
        == "|".join(stat(root / name) for name in ("Lake days/a.jpg", "Lake days/a.jpg.json"))
        + f"|{stat(root / 'Lake days/metadata.json')}"
    )
    # Year folders and folders below an album are no albums.
    for name in ("Lake days/more/c.jpg", "Photos from 1875/scan.png", "Photos from 2019/b.jpg"):
        assert "albums" not in found[name][1].meta, name
    assert found["Trip/renamed by hand.jpg"][1].meta["albums"] == ["Trip"]


def test_a_picture_without_a_sidecar_is_kept_and_says_so(tmp_path):
    root = write_tree(tmp_path / "Google Photos", DUMP)
    item, lonely = by_path(root)["Photos from 2019/lonely.jpg"]
    assert lonely.meta == {"takeout_path": "Photos from 2019/lonely.jpg"}
    assert lonely.warnings == ["no sidecar JSON found"]
    assert item.fingerprint == f"{stat(root / 'Photos from 2019/lonely.jpg')}|-"


def test_an_edit_takes_its_originals_sidecar_and_links_to_it(tmp_path):
    root = write_tree(tmp_path / "Google Photos", DUMP)
    loaded = by_path(root)
    original, _ = loaded["Photos from 2019/a.jpg"]
    _, edited = loaded["Photos from 2019/a-edited.jpg"]
    assert edited.link == ("edited_from", original.locator)
    assert edited.meta["takeout_sidecar"] == "a.jpg.supplemental-metadata.json"
    assert edited.meta["takeout_sidecar_match"] == "edited"
    assert edited.meta["original_name"] == "a.jpg"
    # An edit whose original is not in the folder has no link.
    lone = write_tree(tmp_path / "other", {"Photos from 2020/x-edited.jpg": jpeg(9)})
    ((_, got),) = read(TakeoutSource([lone], Report()))
    assert got.link is None


def test_the_closest_title_is_found_by_reading_sidecars_only_when_a_name_rule_fails(
    tmp_path, monkeypatch
):
    reads: list[str] = []
    read_file = takeout.read_file

    def counted(path: Path, limit: int) -> bytes:
        reads.append(path.name)
        return read_file(path, limit)

    monkeypatch.setattr(takeout, "read_file", counted)
    named = {k: v for k, v in DUMP.items() if k.startswith("Photos from 2019/")}
    del named["Photos from 2019/lonely.jpg"]
    root = write_tree(tmp_path / "named", named)
    items = list(TakeoutSource([root], Report()).items(Walker(Report(), exclude=[])))
    assert reads == [] and len(items) == 4

    root = write_tree(tmp_path / "titled", {k: v for k, v in DUMP.items() if k.startswith("Trip/")})
    ((item, got),) = read(TakeoutSource([root], Report()))
    assert reads == ["something else.json", "renamed by hand.jpg", "something else.json"]
    assert got.meta["takeout_sidecar"] == "something else.json"
    assert got.meta["takeout_sidecar_match"] == "title"
    assert got.meta["caption"] == "By title"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "Expecting property name"),
        (b'["a.jpg"]', "not a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"\xff{}", "can't decode byte 0xff"),
    ],
)
def test_a_sidecar_that_cannot_be_read_is_a_warning_and_the_picture_stays(
    tmp_path, content, reason
):
    root = write_tree(tmp_path / "Google Photos", {"Photos from 2019/a.jpg": jpeg(1)})
    (root / "Photos from 2019/a.jpg.json").write_bytes(content)
    ((_, got),) = read(TakeoutSource([root], Report()))
    assert got.meta == {"takeout_path": "Photos from 2019/a.jpg"}
    (warning,) = got.warnings
    assert warning.startswith("sidecar a.jpg.json ignored: ") and reason in warning


def test_a_sidecar_is_read_up_to_16_mib_and_ignored_past_it(tmp_path):
    limit = 16 << 20
    content = json.dumps({"title": "a.jpg", "description": "big"}).encode()
    root = write_tree(tmp_path / "Google Photos", {"Photos from 2019/a.jpg": jpeg(1)})
    sidecar_path = root / "Photos from 2019/a.jpg.json"
    sidecar_path.write_bytes(content + b" " * (limit - len(content)))
    ((_, got),) = read(TakeoutSource([root], Report()))
    assert (got.meta["caption"], got.warnings) == ("big", [])
    sidecar_path.write_bytes(content + b" " * (limit + 1 - len(content)))
    ((_, got),) = read(TakeoutSource([root], Report()))
    assert "caption" not in got.meta
    assert got.warnings == [
        f"sidecar a.jpg.json ignored: {limit + 1} bytes, over the {limit} byte limit"
    ]


@pytest.mark.parametrize(
    ("metadata", "warned"),
    [
        (b"{broken", True),
        (b'"Lake days"', True),
        (json.dumps({"title": "   "}).encode(), False),
        (json.dumps({"title": ["Lake"]}).encode(), False),
        (json.dumps({"description": "no title"}).encode(), False),
    ],
)
def test_an_album_without_a_usable_title_is_named_after_its_folder(tmp_path, metadata, warned):
    root = write_tree(
        tmp_path / "Google Photos",
        {
            "Lake days/a.jpg": jpeg(1),
            "Lake days/b.jpg": jpeg(2),
            "Lake days/metadata.json": metadata,
        },
    )
    loaded = read(TakeoutSource([root], Report()))
    assert [got.meta["albums"] for _, got in loaded] == [["Lake days"], ["Lake days"]]
    for _, got in loaded:
        album_warnings = [w for w in got.warnings if w != "no sidecar JSON found"]
        assert len(album_warnings) == warned
        assert all(w.startswith("album metadata metadata.json ignored: ") for w in album_warnings)


def test_zip_parts_are_read_as_one_dump_with_photo_and_sidecar_in_different_parts(tmp_path):
    first = {k: v for k, v in DUMP.items() if not k.endswith(".json")}
    second = {k: v for k, v in DUMP.items() if k.endswith(".json")}
    parts = [
        write_zip(tmp_path / f"{EXPORT}-001.zip", first),
        write_zip(tmp_path / f"{EXPORT}-002.zip", second, top="Google Photos"),
    ]
    source = TakeoutSource(parts, Report())
    loaded = read(source)
    assert [item.locator for item, _ in loaded] == [
        f"zip:{parts[0]}!Takeout/Google Fotos/{name}" for name in ORDER
    ]
    found = {got.meta["takeout_path"]: (item, got) for item, got in loaded}
    for name, (_, got) in found.items():
        assert (got.data, got.on_disk) == (DUMP[name], None)
    item, got = found["Lake days/a.jpg"]
    assert got.meta["albums"] == ["Lake days ☀"]
    assert got.meta["takeout_sidecar"] == "a.jpg.json"
    infos = {
        info.filename.removeprefix("Takeout/Google Fotos/").removeprefix("Google Photos/"): info
        for part in parts
        for info in zipfile.ZipFile(part).infolist()
    }
    assert item.fingerprint == "|".join(
        f"{infos[n].file_size}:{infos[n].CRC:08x}"
        for n in ("Lake days/a.jpg", "Lake days/a.jpg.json", "Lake days/metadata.json")
    )
    _, edited = found["Photos from 2019/a-edited.jpg"]
    assert edited.link == ("edited_from", found["Photos from 2019/a.jpg"][0].locator)
    assert source.describe() == f"Google Takeout, 2 zip parts ({EXPORT}-001.zip, ...)"
    source.close()
    assert all(archive.fp is None for archive in source.archives)
    assert source.report.problems == []


def test_zip_members_outside_the_photos_folder_are_not_read(tmp_path):
    part = tmp_path / f"{EXPORT}-001.zip"
    with zipfile.ZipFile(part, "w") as archive:
        archive.writestr("Takeout/Google Photos/Photos from 2019/", b"")
        archive.writestr("Takeout/Google Photos/Photos from 2019/in.jpg", jpeg(1))
        archive.writestr("Takeout/Google Photos/../Photos from 2019/up.jpg", jpeg(2))
        archive.writestr("Takeout/Google Photos/Photos from 2019/../../up.jpg", jpeg(3))
        archive.writestr("Takeout/archive_browser.html", b"<html>")
        archive.writestr("Takeout/loose.jpg", jpeg(4))
        archive.writestr("Google Photos/Photos from 2019/no-takeout-folder.jpg", jpeg(5))
        archive.writestr("Zdjęcia Google/Photos from 2019/pl.jpg", jpeg(6))
        archive.writestr("Takeout/Google Photos/top.jpg", jpeg(7))
    loaded = read(TakeoutSource([part], Report()))
    assert [got.meta["takeout_path"] for _, got in loaded] == [
        "top.jpg",
        "Photos from 2019/in.jpg",
        "Photos from 2019/no-takeout-folder.jpg",
        "Photos from 2019/pl.jpg",
    ]


def test_a_part_that_is_no_zip_is_reported_and_the_others_are_read(tmp_path):
    good = write_zip(tmp_path / f"{EXPORT}-001.zip", {"Photos from 2019/a.jpg": jpeg(1)})
    bad = tmp_path / f"{EXPORT}-002.zip"
    bad.write_bytes(b"PK\3\4 cut short")
    report = Report()
    loaded = read(TakeoutSource([bad, good], report))
    assert [got.data for _, got in loaded] == [jpeg(1)]
    ((where, reason, _),) = report.problems
    assert (where, reason) == (str(bad), "unreadable zip")


def member_reader(
    path: Path, data: bytes, method: int = zipfile.ZIP_STORED
) -> Callable[[int], bytes]:
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("Takeout/Google Photos/Photos from 2019/a.jpg", data)
    archive = zipfile.ZipFile(path)
    (info,) = archive.infolist()
    return takeout._zip_reader(archive, info)


def test_a_zip_member_is_read_up_to_its_limit_and_refused_past_it(tmp_path):
    data = jpeg(1)
    read_member = member_reader(tmp_path / "a.zip", data, zipfile.ZIP_DEFLATED)
    assert read_member(len(data)) == data
    with pytest.raises(Skip, match=rf"^{len(data)} bytes unpacked, over the {len(data) - 1} limit"):
        read_member(len(data) - 1)


def test_a_zip_directory_that_lies_about_a_size_never_gives_more(tmp_path):
    data = bytes(range(256)) * 64
    path = tmp_path / "a.zip"
    member_reader(path, data)
    # The central directory's uncompressed size (offset 24 of its entry) says 100 bytes.
    content = bytearray(path.read_bytes())
    entry = content.rindex(b"PK\1\2")
    content[entry + 24 : entry + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(content))
    archive = zipfile.ZipFile(path)
    (info,) = archive.infolist()
    assert info.file_size == 100
    with pytest.raises(Skip) as caught:
        takeout._zip_reader(archive, info)(len(data))
    assert caught.value.reason == "corrupt zip member"


def test_a_damaged_zip_member_is_a_skip_not_a_crash(tmp_path):
    data = jpeg(1)
    path = tmp_path / "a.zip"
    read_member = member_reader(path, data)
    content = bytearray(path.read_bytes())
    at = content.index(data) + len(data) // 2
    content[at] ^= 0xFF
    path.write_bytes(bytes(content))
    with pytest.raises(Skip) as caught:
        read_member(len(data))
    assert caught.value.reason == "corrupt zip member"
    assert "CRC" in str(caught.value)


def test_a_file_gone_before_it_is_read_is_reported_and_the_walk_goes_on(tmp_path):
    root = write_tree(tmp_path / "Google Photos", {"Photos from 2019/a.jpg": jpeg(1)})
    gone = root / "Photos from 2019" / "gone.jpg"
    report = Report()
    source = TakeoutSource([root], report)
    loaded = read(source, walk=lambda top: iter([gone, top / "Photos from 2019" / "a.jpg"]))
    assert [got.data for _, got in loaded] == [jpeg(1)]
    ((where, reason, _),) = report.problems
    assert (where, reason) == (str(gone), "unreadable file")
    assert source.describe() == f"Google Takeout {root}"


def test_a_name_that_is_not_utf8_is_read_but_not_used_in_place(tmp_path):
    root = tmp_path / "Google Photos"
    folder = root / "Photos from 2019"
    folder.mkdir(parents=True)
    name = os.fsdecode(b"caf\xe9.jpg")
    (folder / name).write_bytes(jpeg(1))
    ((item, got),) = read(TakeoutSource([root], Report()))
    assert item.locator == f"takeout:{folder}/caf\\xe9.jpg"
    assert (got.data, got.on_disk) == (jpeg(1), None)
