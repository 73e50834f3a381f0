"""Extraction of Lightroom catalogs, Takeout dumps and folders, checked through `photoseek ls`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import piexif
from PIL import Image

from photoseek import jpeg, samples
from photoseek.extract.icc import profile_for
from photoseek.extract.sidecars import candidates, match_folder

from .conftest import ls_json, run_cli


def _catalog(tmp_path: Path):
    pics = samples.demo_pictures(4)
    images = [
        samples.CatalogImage(
            samples.sample_uuid(0),
            samples.sample_digest(0),
            "IMG_0001",
            extension="CR2",
            folder="2019/05/",
            capture_time="2019-05-04T12:34:56.12",
            rating=4,
            pick=1,
            colour_label="Red",
            keywords=["lake", "dog"],
            collections=["Best of 2019"],
            caption="Rex <script>alert(1)</script>",
            title="Rex at the lake",
            camera="Canon EOS 5D Mark IV",
            lens="EF24-70mm f/2.8L II USM",
            aperture_apex=4.0,
            shutter_apex=7.0,
            iso=400,
            focal_length=35.0,
            gps=(46.2, 6.15),
        ),
        samples.CatalogImage(
            samples.sample_uuid(1), samples.sample_digest(1), "IMG_0002", keywords=["mountain"]
        ),
        samples.CatalogImage(samples.sample_uuid(2), samples.sample_digest(2), "IMG_0003"),
        samples.CatalogImage(
            samples.sample_uuid(3),
            samples.sample_digest(3),
            "IMG_0001",
            master_of=1,
            copy_name="Copy 1",
            keywords=["bw"],
        ),
    ]
    return samples.lightroom_catalog(tmp_path / "lr", "Family", images, pics), pics


def _by_name(photos: list[dict]) -> dict[str, dict]:
    return {p["meta"].get("virtual_copy_name", p["meta"].get("original_name")): p for p in photos}


def test_lightroom_catalog_join(tmp_path):
    lrdata, pics = _catalog(tmp_path)
    library = tmp_path / "lib"
    result = run_cli("extract", str(lrdata), "--library", str(library))
    assert "4 found: 4 new" in result.stdout
    photos = ls_json(library)
    assert len(photos) == 4
    first = _by_name(photos)["IMG_0001.CR2"]
    meta = first["meta"]
    assert meta["original_path"] == "/Volumes/Photos/2019/05/IMG_0001.CR2"
    assert meta["taken"] == "2019-05-04T12:34:56.120000"
    assert (meta["rating"], meta["pick"], meta["colour_label"]) == (4, 1, "Red")
    assert meta["keywords"] == ["dog", "lake"]
    assert meta["albums"] == ["Best of 2019"]
    assert meta["caption"] == "Rex <script>alert(1)</script>"
    assert meta["title"] == "Rex at the lake"
    assert meta["camera"] == "Canon EOS 5D Mark IV"
    assert meta["lens"] == "EF24-70mm f/2.8L II USM"
    assert (meta["aperture"], meta["shutter"], meta["iso"], meta["focal_length"]) == (
        4.0,
        "1/128",
        400,
        35.0,
    )
    assert meta["gps"] == {"lat": 46.2, "lon": 6.15}
    assert meta["colour_profile"] == "AdobeRGB"
    assert meta["lightroom_uuid"] == samples.sample_uuid(0)
    # The written picture: the preview's own pixels, an AdobeRGB profile, and EXIF.
    data = Path(first["path"]).read_bytes()
    levels, _ = samples.pyramid(pics[0])
    assert jpeg.content_id(data) == jpeg.content_id(levels[-1]) == first["id"]
    assert jpeg.icc_profile(data) == profile_for("AdobeRGB")
    exif = piexif.load(data)
    assert exif["Exif"][piexif.ExifIFD.DateTimeOriginal] == b"2019:05:04 12:34:56"
    assert exif["0th"][piexif.ImageIFD.DocumentName] == b"IMG_0001.CR2"
    assert exif["0th"][piexif.ImageIFD.ImageDescription].decode() == meta["caption"]
    assert exif["GPS"][piexif.GPSIFD.GPSLatitudeRef] == b"N"
    assert Path(first["path"]).is_relative_to(library)


def test_virtual_copy_stays_linked_to_its_original(tmp_path):
    lrdata, _ = _catalog(tmp_path)
    library = tmp_path / "lib"
    run_cli("extract", str(lrdata), "--library", str(library))
    photos = _by_name(ls_json(library))
    copy = photos["Copy 1"]
    assert copy["links"] == {"virtual_copy_of": [photos["IMG_0001.CR2"]["id"]]}
    assert copy["meta"]["keywords"] == ["bw"]
    assert copy["meta"]["original_path"] == photos["IMG_0001.CR2"]["meta"]["original_path"]


def test_single_preview_file_is_joined_to_its_catalog(tmp_path):
    lrdata, _ = _catalog(tmp_path)
    single = next(lrdata.rglob(f"{samples.sample_uuid(1)}-*.lrprev"))
    run_cli("extract", str(single), "--library", str(tmp_path / "lib"))
    (photo,) = ls_json(tmp_path / "lib")
    assert photo["meta"]["original_name"] == "IMG_0002.CR2"
    assert photo["meta"]["keywords"] == ["mountain"]


def test_catalog_given_separately_and_previews_without_catalog(tmp_path):
    lrdata, _ = _catalog(tmp_path)
    moved = tmp_path / "elsewhere.lrdata"
    lrdata.rename(moved)
    bare = run_cli("extract", str(moved), "--library", str(tmp_path / "bare"))
    assert "4 new" in bare.stdout
    assert all("original_path" not in p["meta"] for p in ls_json(tmp_path / "bare"))
    run_cli(
        "extract",
        str(moved),
        "--catalog",
        str(tmp_path / "lr" / "Family.lrcat"),
        "--library",
        str(tmp_path / "joined"),
    )
    assert {p["meta"].get("original_name") for p in ls_json(tmp_path / "joined")} == {
        "IMG_0001.CR2",
        "IMG_0002.CR2",
        "IMG_0003.CR2",
    }


def _takeout_dump() -> tuple[dict[str, bytes], list[Image.Image]]:
    pics = samples.demo_pictures(8)
    top = "Takeout/Google Fotos"
    long_name = "a-very-long-file-name-from-a-camera-app-2019-06-01.jpg"
    files = {
        f"{top}/Photos from 2019/old.jpg": samples.jpeg_bytes(pics[0]),
        f"{top}/Photos from 2019/old.jpg.json": samples.sidecar(
            "old.jpg", 1_560_000_000, description="Old style"
        ),
        f"{top}/Photos from 2019/new.jpg": samples.jpeg_bytes(pics[1]),
        f"{top}/Photos from 2019/new.jpg.supplemental-metadata.json": samples.sidecar(
            "new.jpg", 1_560_100_000, lat=48.85, lon=2.35, people=["Ana", "Bo"], favorited=True
        ),
        f"{top}/Photos from 2019/{long_name}": samples.jpeg_bytes(pics[2]),
        f"{top}/Photos from 2019/{long_name[:46]}.json": samples.sidecar(long_name, 1_560_200_000),
        f"{top}/Photos from 2019/image(1).jpg": samples.jpeg_bytes(pics[3]),
        f"{top}/Photos from 2019/image.jpg(1).json": samples.sidecar("image.jpg", 1_560_300_000),
        f"{top}/Photos from 2019/IMG_2367(1).HEIC": samples.jpeg_bytes(pics[4]),
        f"{top}/Photos from 2019/IMG_2367.HEIC(1).supplemental-metadata.json": samples.sidecar(
            "IMG_2367.HEIC", 1_560_400_000
        ),
        f"{top}/Photos from 2019/new-bearbeitet.jpg": samples.jpeg_bytes(pics[1].rotate(90)),
        f"{top}/Photos from 2019/20030616": samples.jpeg_bytes(pics[5]),
        f"{top}/Photos from 2019/20030616.json": samples.sidecar("20030616", 1_056_000_000),
        f"{top}/Photos from 2019/renamed by hand.jpg": samples.jpeg_bytes(pics[6]),
        f"{top}/Photos from 2019/something else.json": samples.sidecar(
            "renamed by hand.jpg", 1_560_500_000
        ),
        f"{top}/Photos from 2019/broken.jpg": samples.jpeg_bytes(pics[7]),
        f"{top}/Photos from 2019/broken.jpg.json": b"{not json",
        # The album repeats two photos byte for byte.
        f"{top}/Lake days/old.jpg": samples.jpeg_bytes(pics[0]),
        f"{top}/Lake days/old.jpg.json": samples.sidecar("old.jpg", 1_560_000_000),
        f"{top}/Lake days/new.jpg": samples.jpeg_bytes(pics[1]),
        f"{top}/Lake days/new.jpg.supplemental-metadat.json": samples.sidecar(
            "new.jpg", 1_560_100_000
        ),
        f"{top}/Lake days/metadata.json": json.dumps({"title": "Lake days ☀"}).encode(),
        f"{top}/Other album/new.jpg": samples.jpeg_bytes(pics[1]),
    }
    return files, pics


def _check_takeout(photos: list[dict]) -> None:
    # An edit takes its original's sidecar, title included: leave edits out of the names.
    by_name = {p["meta"].get("original_name"): p for p in photos if not p["links"]}
    assert len(photos) == 9
    old = by_name["old.jpg"]
    assert old["meta"]["caption"] == "Old style"
    assert old["meta"]["taken"] == "2019-06-08T13:20:00"
    assert sorted(old["meta"]["albums"]) == ["Lake days ☀"]
    new = by_name["new.jpg"]
    assert sorted(new["meta"]["albums"]) == ["Lake days ☀", "Other album"]
    assert len(new["sources"]) == 3
    assert new["meta"]["gps"] == {"lat": 48.85, "lon": 2.35, "alt": 0.0}
    assert new["meta"]["people"] == ["Ana", "Bo"]
    assert new["meta"]["favourite"] is True
    edited = [p for p in photos if p["links"].get("edited_from")]
    assert len(edited) == 1 and edited[0]["links"]["edited_from"] == [new["id"]]
    assert edited[0]["meta"]["taken"] == new["meta"]["taken"]
    assert "a-very-long-file-name-from-a-camera-app-2019-06-01.jpg" in by_name
    assert by_name["image.jpg"]["meta"]["taken"] == "2019-06-12T00:40:00"
    assert by_name["IMG_2367.HEIC"]["meta"]["taken"] == "2019-06-13T04:26:40"
    assert by_name["20030616"]["meta"]["taken"] == "2003-06-19T05:20:00"
    hand = by_name["renamed by hand.jpg"]
    assert hand["sources"][0]["meta"]["takeout_sidecar_match"] == "title"
    broken = [p for p in photos if p["sources"][0]["locator"].endswith("broken.jpg")]
    assert broken and "taken" not in broken[0]["meta"]


def test_takeout_unpacked(tmp_path):
    files, _ = _takeout_dump()
    samples.write_tree(tmp_path / "dump", files)
    result = run_cli("extract", str(tmp_path / "dump"), "--library", str(tmp_path / "lib"), "-v")
    assert "broken.jpg.json ignored" in result.stderr
    photos = ls_json(tmp_path / "lib")
    _check_takeout(photos)
    # Unpacked pictures stay where they are.
    assert all(not Path(p["path"]).is_relative_to(tmp_path / "lib") for p in photos)


def test_takeout_zip_parts_split_photo_and_sidecar(tmp_path):
    files, _ = _takeout_dump()
    parts = samples.write_zips(tmp_path / "zips", files, parts=3)
    run_cli("extract", str(parts[0]), "--library", str(tmp_path / "lib"))
    photos = ls_json(tmp_path / "lib")
    _check_takeout(photos)
    old = next(p for p in photos if p["meta"].get("original_name") == "old.jpg")
    data = Path(old["path"]).read_bytes()
    assert Path(old["path"]).is_relative_to(tmp_path / "lib")
    assert piexif.load(data)["0th"][piexif.ImageIFD.ImageDescription] == b"Old style"


def test_sidecar_candidates_follow_takeout_rules():
    assert candidates("IMG_1.jpg")[:2] == ["IMG_1.jpg.supplemental-metadata.json", "IMG_1.jpg.json"]
    long = "x" * 60 + ".jpg"
    assert all(len(c) <= 51 for c in candidates(long))
    assert "image.jpg(1).json" in candidates("image(1).jpg")
    assert "image.jpg.supplemental-metadata(1).json" in candidates("image(1).jpg")
    assert "PXL_1.MP.jpg.json" in candidates("PXL_1.MP")
    assert "IMG.jpg.json" in candidates("IMG~2.jpg")
    long_new = "abcdefghijklmnopqrstuvwxyz0123.jpg"
    assert candidates(long_new)[0] == f"{long_new}.supplementa.json"
    assert len(candidates(long_new)[0]) == 51
    assert match_folder(["a-effects.jpg", "a.jpg"], {"a.jpg.json": "a.jpg"}) == {
        "a.jpg": ("a.jpg.json", "name"),
        "a-effects.jpg": ("a.jpg.json", "edited"),
    }


def test_plain_folder_formats_and_own_exif(tmp_path):
    folder = tmp_path / "memes"
    folder.mkdir()
    pic = samples.picture(5)
    exif = piexif.dump(
        {
            "0th": {piexif.ImageIFD.Make: b"Canon", piexif.ImageIFD.Model: b"EOS R5"},
            "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2021:02:03 04:05:06"},
        }
    )
    pic.save(folder / "camera.jpg", exif=exif)
    samples.picture(6).save(folder / "a.png")
    samples.picture(7).save(folder / "b.webp", lossless=True)
    samples.picture(8).save(folder / "c.gif")
    samples.picture(9).save(folder / "d.heic")
    samples.picture(6).save(folder / "same-pixels.webp", lossless=True)
    (folder / "notes.txt").write_text("not a picture")
    run_cli("extract", str(folder), "--library", str(tmp_path / "lib"))
    photos = {p["meta"]["original_name"]: p for p in ls_json(tmp_path / "lib")}
    assert set(photos) == {"camera.jpg", "a.png", "b.webp", "c.gif", "d.heic"}
    assert {p["format"] for p in photos.values()} == {"JPEG", "PNG", "WEBP", "GIF", "HEIF"}
    assert photos["camera.jpg"]["meta"]["camera"] == "Canon EOS R5"
    assert photos["camera.jpg"]["meta"]["taken"] == "2021-02-03T04:05:06"
    # Same decoded pixels in PNG and lossless WebP: stored once, both places remembered.
    assert len(photos["a.png"]["sources"]) == 2
    assert photos["camera.jpg"]["path"] == str(folder / "camera.jpg")


def test_exact_duplicates_by_bytes_and_by_pixels(tmp_path):
    folder = tmp_path / "pics"
    folder.mkdir()
    data = samples.jpeg_bytes(samples.picture(1))
    (folder / "one.jpg").write_bytes(data)
    (folder / "copy.jpg").write_bytes(data)
    restamped = io.BytesIO()
    piexif.insert(piexif.dump({"0th": {piexif.ImageIFD.Artist: b"someone"}}), data, restamped)
    (folder / "retagged.jpg").write_bytes(restamped.getvalue())
    result = run_cli("extract", str(folder), "--library", str(tmp_path / "lib"))
    assert "3 found: 1 new, 0 updated, 0 unchanged, 2 duplicates" in result.stdout
    (photo,) = ls_json(tmp_path / "lib")
    assert sorted(Path(s["locator"]).name for s in photo["sources"]) == [
        "copy.jpg",
        "one.jpg",
        "retagged.jpg",
    ]


def test_ls_lists_photos_and_explains_a_missing_library(tmp_path):
    folder = tmp_path / "pics"
    folder.mkdir()
    samples.picture(1).save(folder / "one.jpg")
    run_cli("extract", str(folder), "--library", str(tmp_path / "lib"))
    listing = run_cli("ls", "--library", str(tmp_path / "lib")).stdout.split()
    assert listing[1:] == ["320x240", "one.jpg"] and len(listing[0]) == 32
    result = run_cli("ls", "--library", str(tmp_path / "nothing"), check=False)
    assert result.returncode == 1
    assert "not a photoseek library" in result.stderr
    assert "photoseek extract" in result.stderr
