"""The site's renditions, made in-process from real JPEGs: sizes, orientation, colour, metadata,
what is made again, and the workers' lives."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import piexif
import pytest
from PIL import Image, ImageCms

from photoseek import jpeg, samples
from photoseek.build_site import nearcopies, pictures
from photoseek.extract import icc

from .conftest import processes_naming


def _jpeg(image: Image.Image, **options: object) -> bytes:
    return samples.jpeg_bytes(image, quality=95, **options)


def _rendition(out: Path, kind: str, photo_id: str) -> Path:
    return out / pictures.rendition_path(kind, photo_id)


def test_renditions_are_named_by_the_photo_id_alone():
    assert pictures.rendition_path("thumb", "ab12cd") == "img/thumb/ab/ab12cd.jpg"
    assert pictures.rendition_path("full", "0f9e") == "img/full/0f/0f9e.jpg"


def test_rendition_sizes_keep_the_aspect_and_never_enlarge():
    assert pictures.rendition_size("thumb", 4000, 3000) == (320, 240)
    assert pictures.rendition_size("medium", 3000, 4000) == (540, 720)
    assert pictures.rendition_size("large", 1601, 801) == (1600, 800)
    assert pictures.rendition_size("large", 1000, 500) == (1000, 500)
    # A sliver keeps at least one pixel across, on either side.
    assert pictures.rendition_size("thumb", 5000, 4) == (320, 1)
    assert pictures.rendition_size("thumb", 4, 5000) == (1, 320)
    assert pictures.rendition_size("thumb", 5000, 10) == (320, 1)
    assert pictures.rendition_size("full", 5000, 10) == (5000, 10)


def test_only_pictures_larger_than_the_large_rendition_get_a_full_size_one():
    assert pictures.rendition_kinds(1600, 1600) == ["thumb", "medium", "large"]
    assert pictures.rendition_kinds(800, 600) == ["thumb", "medium", "large"]
    assert pictures.rendition_kinds(900, 1601) == ["thumb", "medium", "large", "full"]
    assert pictures.rendition_kinds(1601, 900, full=False) == ["thumb", "medium", "large"]


def test_no_rendition_repeats_a_smaller_one():
    # A picture no larger than a rendition's size would get a byte-identical copy of it.
    assert pictures.rendition_kinds(721, 500) == ["thumb", "medium", "large"]
    assert pictures.rendition_kinds(720, 500) == ["thumb", "medium"]
    assert pictures.rendition_kinds(500, 321) == ["thumb", "medium"]
    assert pictures.rendition_kinds(320, 320) == ["thumb"]
    assert pictures.rendition_kinds(1, 1) == ["thumb"]
    # Pages point at the largest rendition made, up to the one they ask for.
    made = ["thumb", "medium"]
    assert [pictures.nearest_kind(k, made) for k in ("thumb", "medium", "large", "full")] == [
        "thumb", "medium", "medium", "medium"
    ]  # fmt: skip
    every = ["thumb", "medium", "large", "full"]
    assert [pictures.nearest_kind(k, every) for k in every] == every


def test_a_small_picture_gets_only_the_renditions_it_needs(tmp_path):
    out = tmp_path / "site"
    small = tmp_path / "small.jpg"
    Image.new("RGB", (500, 400), (10, 200, 30)).save(small)
    assert pictures.render(small, "ef56", out) == ("ef56", (500, 400), "")
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg"))
    assert made == ["img/medium/ef/ef56.jpg", "img/thumb/ef/ef56.jpg"]


# EXIF orientation: where the stored picture's left edge is once upright.
LEFT_EDGE_GOES = {5: "top", 6: "top", 7: "bottom", 8: "bottom"}


@pytest.mark.parametrize("orientation", [6, 5, 7, 8])
def test_renditions_are_upright_at_their_sizes_and_the_full_one_is_every_pixel(
    tmp_path, orientation
):
    # Stored 2000 x 1000 with a red left edge, turned a quarter by its orientation: upright it
    # is 1000 x 2000 with the red edge on top or at the bottom.
    stored = Image.new("RGB", (2000, 1000), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 200, 1000))
    exif = piexif.dump({"0th": {piexif.ImageIFD.Orientation: orientation}})
    source = tmp_path / "rotated.jpg"
    source.write_bytes(_jpeg(stored, exif=exif))
    result = pictures.render(source, "ab12", tmp_path / "site")
    assert result == ("ab12", (1000, 2000), "")
    expected = {"thumb": (160, 320), "medium": (360, 720), "large": (800, 1600),
                "full": (1000, 2000)}  # fmt: skip
    for kind, size in expected.items():
        with Image.open(_rendition(tmp_path / "site", kind, "ab12")) as image:
            assert image.size == size, kind
            top = image.getpixel((size[0] // 2, size[1] // 40))
            bottom = image.getpixel((size[0] // 2, size[1] - 1 - size[1] // 40))
            red, blue = (top, bottom) if LEFT_EDGE_GOES[orientation] == "top" else (bottom, top)
            assert red[0] > 200 and red[2] < 60, (kind, red)
            assert blue[2] > 200 and blue[0] < 60, (kind, blue)
            # The views pages show are progressive; the full size at the higher quality.
            assert bool(image.info.get("progressive")) == (kind in ("medium", "large")), kind
    full = _rendition(tmp_path / "site", "full", "ab12").read_bytes()
    large = _rendition(tmp_path / "site", "large", "ab12").read_bytes()
    # The README's qualities: 90 for the full size, 82 for the others.
    with Image.open(io.BytesIO(full)) as image:
        assert image.quantization[0] == _quantization(90)
    with Image.open(io.BytesIO(large)) as image:
        assert image.quantization[0] == _quantization(82)


def test_a_picture_an_orientation_leaves_as_it_is_is_not_turned(tmp_path):
    for orientation in (1, 2, 3, 4):
        source = tmp_path / f"{orientation}.jpg"
        exif = piexif.dump({"0th": {piexif.ImageIFD.Orientation: orientation}})
        source.write_bytes(_jpeg(samples.picture(2, (400, 200)), exif=exif))
        assert pictures.render(source, f"{orientation:04x}", tmp_path / "site")[1] == (400, 200)


def test_a_large_jpeg_is_decoded_small_for_the_views_but_whole_for_the_full_size(tmp_path):
    source = tmp_path / "large.jpg"
    source.write_bytes(_jpeg(samples.picture(9, (3300, 3300))))
    out = tmp_path / "site"
    pictures.render(source, "aa00", out)
    assert Image.open(_rendition(out, "full", "aa00")).size == (3300, 3300)
    assert Image.open(_rendition(out, "large", "aa00")).size == (1600, 1600)
    # Only the full size missing: it is made from the whole picture again.
    _rendition(out, "full", "aa00").unlink()
    pictures.render(source, "aa00", out)
    assert Image.open(_rendition(out, "full", "aa00")).size == (3300, 3300)


def _quantization(quality: int) -> list[int]:
    encoded = io.BytesIO()
    Image.new("RGB", (8, 8)).save(encoded, "JPEG", quality=quality)
    return Image.open(encoded).quantization[0]


def test_no_full_size_rendition_when_not_asked(tmp_path):
    source = tmp_path / "big.jpg"
    source.write_bytes(_jpeg(samples.picture(1, (1700, 900))))
    result = pictures.render(source, "cd34", tmp_path / "site", full=False)
    assert result == ("cd34", (1700, 900), "")
    assert _rendition(tmp_path / "site", "large", "cd34").is_file()
    assert not _rendition(tmp_path / "site", "full", "cd34").exists()


def test_an_adobergb_picture_is_converted_to_srgb(tmp_path):
    # A saturated green in AdobeRGB numbers lies outside sRGB: read as sRGB it is another green.
    # Turned by its orientation too, which must not lose the profile on the way.
    colour = (30, 200, 60)
    source = tmp_path / "adobe.jpg"
    exif = piexif.dump({"0th": {piexif.ImageIFD.Orientation: 6}})
    plain = _jpeg(Image.new("RGB", (64, 64), colour), subsampling=0, exif=exif)
    source.write_bytes(jpeg.with_metadata(plain, icc=icc.profile_for("AdobeRGB")))
    pictures.render(source, "ef56", tmp_path / "site")
    adobe = ImageCms.ImageCmsProfile(io.BytesIO(icc.profile_for("AdobeRGB")))
    converted = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour), adobe, ImageCms.createProfile("sRGB")
    ).getpixel((0, 0))
    with Image.open(_rendition(tmp_path / "site", "thumb", "ef56")) as image:
        got = np.array(image.getpixel((32, 32)))
    assert np.abs(got - converted).max() <= 4, (got, converted)
    assert np.abs(np.array(converted) - colour).max() >= 20, "the colour must be one that moves"


def test_a_grey_picture_with_a_colour_profile_is_converted_too(tmp_path):
    source = tmp_path / "grey.jpg"
    plain = _jpeg(Image.new("L", (64, 64), 30))
    source.write_bytes(jpeg.with_metadata(plain, icc=icc.profile_for("AdobeRGB")))
    pictures.render(source, "ab01", tmp_path / "site")
    with Image.open(_rendition(tmp_path / "site", "thumb", "ab01")) as image:
        # AdobeRGB's 30 is sRGB's 24: its tone curve is a plain gamma of 2.2.
        assert all(abs(value - 24) <= 1 for value in image.getpixel((32, 32)))


def test_a_damaged_colour_profile_is_ignored_not_fatal(tmp_path):
    source = tmp_path / "bad-profile.jpg"
    plain = _jpeg(Image.new("RGB", (64, 64), (30, 200, 60)), subsampling=0)
    source.write_bytes(jpeg.with_metadata(plain, icc=b"\x00\x00\x01\x00not a profile" * 20))
    assert pictures.render(source, "ab02", tmp_path / "site") == ("ab02", (64, 64), "")
    with Image.open(_rendition(tmp_path / "site", "thumb", "ab02")) as image:
        got = np.array(image.getpixel((32, 32)))
    assert np.abs(got - (30, 200, 60)).max() <= 3, got


def test_a_cmyk_picture_becomes_rgb(tmp_path):
    source = tmp_path / "cmyk.jpg"
    source.write_bytes(_jpeg(Image.new("RGB", (64, 64), (200, 40, 40)).convert("CMYK")))
    assert pictures.render(source, "0a0b", tmp_path / "site")[2] == ""
    with Image.open(_rendition(tmp_path / "site", "thumb", "0a0b")) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((32, 32))
        assert red > 150 and green < 90 and blue < 90


def test_renditions_carry_no_metadata_at_all(tmp_path):
    gps = {piexif.GPSIFD.GPSLatitudeRef: b"S", piexif.GPSIFD.GPSLatitude: ((33, 1), (0, 1), (0, 1))}
    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: b"Phone"}, "GPS": gps})
    data = _jpeg(samples.picture(3, (1000, 750)), exif=exif, comment=b"at -33.86, 151.21")
    source = tmp_path / "private.jpg"
    source.write_bytes(jpeg.with_metadata(data, icc=icc.profile_for("AdobeRGB")))
    pictures.render(source, "1234", tmp_path / "site")
    for kind in ("thumb", "medium", "large"):
        written = _rendition(tmp_path / "site", kind, "1234").read_bytes()
        markers = {marker for marker, _, _ in jpeg.segments(written)[0]}
        # Only the JFIF header, tables, frame and scan markers: no APPn but APP0, no comment.
        assert markers <= {0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD}, (kind, sorted(map(hex, markers)))
        assert b"151.21" not in written and b"Phone" not in written


# The Huffman table libjpeg uses for luminance DC unless asked to optimise (JPEG's Annex K).
STANDARD_DC_TABLE = bytes([0x00, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])


def test_renditions_are_encoded_with_optimised_tables(tmp_path):
    source = tmp_path / "a.jpg"
    source.write_bytes(_jpeg(samples.picture(3, (400, 300))))
    pictures.render(source, "0c0d", tmp_path / "site")
    # The thumbnail is baseline (progressive JPEGs are always optimised): its own tables.
    thumb = _rendition(tmp_path / "site", "thumb", "0c0d").read_bytes()
    tables = b"".join(thumb[start + 4 : end] for marker, start, end in jpeg.segments(thumb)[0]
                      if marker == 0xC4)  # fmt: skip
    assert tables and STANDARD_DC_TABLE not in tables


def test_only_missing_or_cut_short_renditions_are_made_again(tmp_path):
    source = tmp_path / "a.jpg"
    source.write_bytes(_jpeg(samples.picture(4, (800, 600))))
    out = tmp_path / "site"
    pictures.render(source, "5678", out)
    thumb, medium, large = (_rendition(out, kind, "5678") for kind in ("thumb", "medium", "large"))
    # A thumbnail that ends properly is kept as it is; a medium one cut short is made again.
    thumb.write_bytes(b"kept as it is\xff\xd9")
    medium.write_bytes(medium.read_bytes()[:-100])
    large.unlink()
    assert pictures.render(source, "5678", out) == ("5678", (800, 600), "")
    assert thumb.read_bytes() == b"kept as it is\xff\xd9"
    assert medium.read_bytes().endswith(b"\xff\xd9")
    with Image.open(medium) as image:
        image.load()
        assert image.size == (720, 540)
    assert Image.open(large).size == (800, 600)
    assert not pictures.is_complete(tmp_path / "missing.jpg")
    for ending in (b"\xd9", b"\x00\x00", b"\xff\xda", b"\xff\xd8"):
        (tmp_path / "cut").write_bytes(b"\xff\xd8 data" + ending)
        assert not pictures.is_complete(tmp_path / "cut"), ending


def test_an_unreadable_picture_is_reported_not_raised(tmp_path):
    source = tmp_path / "broken.jpg"
    source.write_bytes(b"\xff\xd8\xff\xe0 not a picture")
    photo_id, size, error = pictures.render(source, "9abc", tmp_path / "site")
    assert (photo_id, size) == ("9abc", None)
    assert error.startswith(("UnidentifiedImageError:", "OSError:")), error
    assert not (tmp_path / "site").exists() or not list((tmp_path / "site").rglob("*.jpg"))


@pytest.mark.parametrize("workers", [1, 2])
def test_render_all_yields_every_result_in_the_jobs_order(tmp_path, workers):
    sources = []
    for seed in range(70):
        path = tmp_path / f"{seed}.jpg"
        path.write_bytes(_jpeg(samples.picture(seed, (40 + seed, 30))))
        sources.append(path)
    sources[5].write_bytes(b"broken")
    sources[6].write_bytes(_jpeg(samples.picture(6, (1700, 30))))
    jobs = [(path, f"{seed:04x}") for seed, path in enumerate(sources)]
    results = list(pictures.render_all(jobs, tmp_path / "site", workers, progress=False))
    assert [r[0] for r in results] == [pid for _, pid in jobs]
    sizes = [None if seed == 5 else (40 + seed, 30) for seed in range(70)]
    sizes[6] = (1700, 30)
    assert [r[1] for r in results] == sizes
    # Full-size renditions by default, for the one picture larger than the large one.
    assert [p.name for p in (tmp_path / "site" / "img" / "full").rglob("*.jpg")] == ["0006.jpg"]
    assert results[5][2] != "" and all(r[2] == "" for n, r in enumerate(results) if n != 5)
    # Each readable picture's pixel hash, in its eight orientations, from its thumbnail.
    assert results[5][3] is None
    assert all(len(r[3]) == 8 for n, r in enumerate(results) if n != 5)
    with Image.open(tmp_path / "site" / pictures.rendition_path("thumb", "0007")) as thumb:
        assert results[7][3] == nearcopies.fingerprint(thumb)


_WORKER_RUN = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from photoseek.build_site.pictures import render_all
    jobs = [(Path(p), f"{n:04x}") for n, p in enumerate(sys.argv[2:])]
    try:
        for _ in render_all(jobs, Path(sys.argv[1]), 2, progress=False):
            print("rendered", flush=True)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    """
)


def _pool(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    pics = tmp_path / "pics"
    pics.mkdir()
    for seed in range(8):
        samples.picture(seed, (1800, 1200)).save(pics / f"{seed}.jpg")
    out = tmp_path / "pool-test-site"
    sources = [str(pics / f"{seed % 8}.jpg") for seed in range(400)]
    process = subprocess.Popen(
        [sys.executable, "-c", _WORKER_RUN, str(out), *sources],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stdout.readline() == "rendered\n"
    return process, out


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_workers_die_with_their_parent(tmp_path):
    process, out = _pool(tmp_path)
    assert len(processes_naming(str(out))) == 3, "the run and its two workers"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while processes_naming(str(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_naming(str(out)) == []


def test_ctrl_c_is_the_parents_to_handle(tmp_path):
    process, out = _pool(tmp_path)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert stdout.rstrip().endswith("stopped")
    assert "KeyboardInterrupt" not in stderr, stderr
    # The queued pictures were dropped, not rendered on the way out.
    assert len(list((out / "img" / "thumb").rglob("*.jpg"))) < 200


def _between_scans(data: bytes, segment: bytes) -> bytes:
    """The progressive JPEG with `segment` put before its second scan."""
    first = data.index(b"\xff\xda")
    second = data.index(b"\xff\xda", first + 2)
    return data[:second] + segment + data[second:]


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body


def test_an_upright_jpeg_is_its_own_full_size_without_any_of_its_metadata(tmp_path):
    gps = {piexif.GPSIFD.GPSLatitudeRef: b"S", piexif.GPSIFD.GPSLatitude: ((33, 1), (0, 1), (0, 1))}
    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: b"Phone", piexif.ImageIFD.Orientation: 1},
                        "GPS": gps})  # fmt: skip
    picture = samples.picture(5, (1800, 1200))
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", quality=85, progressive=True, exif=exif, comment=b"at 151.21")
    data = _between_scans(encoded.getvalue(), _segment(0xFE, b"between scans: 151.21"))
    xmp = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Secret Beach</x:xmpmeta>")
    iptc = _segment(0xED, b"Photoshop 3.0\x008BIM Secret Beach")
    data = data[:2] + xmp + iptc + data[2:] + b"a motion photo's video after the end"
    source = tmp_path / "upright.jpg"
    source.write_bytes(data)
    assert pictures.render(source, "fa11", tmp_path / "site") == ("fa11", (1800, 1200), "")
    full = _rendition(tmp_path / "site", "full", "fa11").read_bytes()
    # The original's own pixels, not a second generation's: decoded, every value the same.
    with Image.open(source) as original, Image.open(io.BytesIO(full)) as copy:
        assert np.array_equal(np.asarray(original), np.asarray(copy))
        assert copy.quantization == original.quantization
    for private in (b"Phone", b"151.21", b"Secret Beach", b"xmpmeta", b"video", b"Exif"):
        assert private not in full, private
    assert full.endswith(b"\xff\xd9") and len(full) < len(data)
    assert {m for m, _, _ in jpeg.segments(full)[0]} <= {0xDB, 0xC4, 0xC2}
    with Image.open(_rendition(tmp_path / "site", "large", "fa11")) as large:
        assert large.size == (1600, 1067)


@pytest.mark.parametrize("unlike", ["finer than quality 90", "turned", "a colour profile",
                                    "CMYK"])  # fmt: skip
def test_a_jpeg_unlike_what_the_site_shows_is_encoded_again_at_full_size(tmp_path, unlike):
    picture = samples.picture(6, (1800, 1200))
    options: dict = {"quality": 96 if unlike == "finer than quality 90" else 85}
    if unlike == "turned":
        options["exif"] = piexif.dump({"0th": {piexif.ImageIFD.Orientation: 6}})
    if unlike == "CMYK":
        picture = picture.convert("CMYK")
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", **options)
    data = encoded.getvalue()
    if unlike == "a colour profile":
        data = jpeg.with_metadata(data, icc=icc.profile_for("AdobeRGB"))
    source = tmp_path / "source.jpg"
    source.write_bytes(data)
    size = pictures.render(source, "0f0f", tmp_path / "site")[1]
    with Image.open(_rendition(tmp_path / "site", "full", "0f0f")) as full:
        assert full.quantization[0] == _quantization(90) and full.mode == "RGB"
        assert full.size == size == ((1200, 1800) if unlike == "turned" else (1800, 1200))


def test_views_alone_are_decoded_at_the_scale_that_keeps_the_large_size(tmp_path, monkeypatch):
    from PIL import JpegImagePlugin

    decoded = []

    original = JpegImagePlugin.JpegImageFile.draft

    def record(image, mode, size):  # noqa: ANN001, ANN202 - Pillow's own signature
        found = original(image, mode, size)
        decoded.append(image.size)
        return found

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", record)
    for size, expected in (((4000, 3003), (2000, 1502)), ((3003, 4000), (1502, 2000)),
                           ((3300, 1000), (1650, 500)), ((2000, 1500), (2000, 1500))):  # fmt: skip
        source = tmp_path / f"{size[0]}.jpg"
        source.write_bytes(_jpeg(samples.picture(8, size)))
        decoded.clear()
        pictures.render(source, f"{size[0]:04x}", tmp_path / "site", full=False)
        assert decoded == [expected], size
        with Image.open(_rendition(tmp_path / "site", "large", f"{size[0]:04x}")) as large:
            assert max(large.size) == 1600


@pytest.mark.parametrize("case", ["grey", "no EXIF at all", "quality 90 exactly"])
def test_these_jpegs_are_their_own_full_size_too(tmp_path, case):
    picture = samples.picture(9, (1800, 1200))
    if case == "grey":
        picture = picture.convert("L")
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", quality=90 if case == "quality 90 exactly" else 85)
    source = tmp_path / "source.jpg"
    source.write_bytes(encoded.getvalue())
    pictures.render(source, "0e0e", tmp_path / "site")
    full = _rendition(tmp_path / "site", "full", "0e0e").read_bytes()
    assert full == jpeg.picture_only(encoded.getvalue())


def test_a_picture_that_is_not_a_jpeg_is_encoded_at_full_size(tmp_path):
    source = tmp_path / "source.png"
    samples.picture(10, (1800, 1200)).save(source)
    pictures.render(source, "0d0d", tmp_path / "site")
    with Image.open(_rendition(tmp_path / "site", "full", "0d0d")) as full:
        assert full.format == "JPEG" and full.quantization[0] == _quantization(90)


@pytest.mark.parametrize("full", [True, False])
def test_a_strip_a_few_pixels_high_gets_its_views(tmp_path, full):
    # Scaled to the large size's long edge, its short edge rounds to no pixels at all.
    source = tmp_path / "strip.jpg"
    Image.new("RGB", (8000, 4), (200, 30, 30)).save(source, quality=85)
    assert pictures.render(source, "5e5e", tmp_path / "site", full=full) == (
        "5e5e",
        (8000, 4),
        "",
    )
    with Image.open(_rendition(tmp_path / "site", "large", "5e5e")) as large:
        assert large.size == (1600, 1)
