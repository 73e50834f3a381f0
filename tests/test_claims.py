"""README claims that had no test: signs, order, directives, colours, re-run triggers, naming
quirks, exit statuses, automatic tags, pagination and extra search phrases.

Each test checks values and directions against something computed independently of
the code under test (published matrices, hand-written fixtures, the site's own grid).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import piexif
import pytest
from PIL import Image

from photoseek import samples
from photoseek.build_site.tags import auto_tags
from photoseek.extract.sidecars import EDITED_SUFFIXES

from . import reference_models as ref
from .conftest import clip_vocab, ls_json, run_cli


def jpeg(image: Image.Image, **save: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, **save)
    return buffer.getvalue()


def sidecar(title: str, **fields: object) -> bytes:
    return json.dumps({"title": title, "photoTakenTime": {"timestamp": "1560000000"}, **fields})


def dump(root: Path, files: dict[str, bytes | str]) -> Path:
    for rel, data in files.items():
        path = root / "Takeout" / "Google Photos" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


# -- places keep their hemisphere, read and written ------------------------------------------


def _dms(value: float) -> tuple:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 1000)
    return ((degrees, 1), (minutes, 1), (seconds, 1000))


def test_southern_and_western_places_keep_their_sign(tmp_path):
    sydney, rio = (-33.8568, 151.2153), (-22.9519, -43.2105)
    gps = {
        piexif.GPSIFD.GPSLatitudeRef: b"S",
        piexif.GPSIFD.GPSLatitude: _dms(rio[0]),
        piexif.GPSIFD.GPSLongitudeRef: b"W",
        piexif.GPSIFD.GPSLongitude: _dms(rio[1]),
    }
    pics = tmp_path / "pics"
    pics.mkdir()
    (pics / "rio.jpg").write_bytes(jpeg(samples.picture(1), exif=piexif.dump({"GPS": gps})))
    # From a zip, so the picture is written out with its place in EXIF.
    (root,) = samples.write_zips(tmp_path / "zips", {
        "Takeout/Google Photos/Photos from 2019/syd.jpg": jpeg(samples.picture(2)),
        "Takeout/Google Photos/Photos from 2019/syd.jpg.json": sidecar(
            "syd.jpg", geoData={"latitude": sydney[0], "longitude": sydney[1]}).encode(),
    }, parts=1)  # fmt: skip
    library = tmp_path / "lib"
    run_cli("extract", str(pics), str(root), "--library", str(library))
    places = {p["meta"]["original_name"]: p["meta"]["gps"] for p in ls_json(library)}
    assert places["rio.jpg"]["lat"] == pytest.approx(rio[0], abs=1e-4)
    assert places["rio.jpg"]["lon"] == pytest.approx(rio[1], abs=1e-4)
    assert places["syd.jpg"]["lat"] == pytest.approx(sydney[0], abs=1e-6)
    # The Takeout picture is written out with its place in EXIF: read back by Pillow.
    (written,) = (library / "photos").rglob("*.jpg")
    exif = Image.open(written).getexif().get_ifd(0x8825)
    assert exif[1] == "S" and exif[3] == "E"
    latitude = sum(float(v) / 60**i for i, v in enumerate(exif[2]))
    assert latitude == pytest.approx(-sydney[0], abs=1e-4)


# -- previous and next follow the home grid, newest first -------------------------------------


def test_previous_and_next_follow_the_home_order(tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    for day in range(1, 6):
        stamp = f"2021:03:{day:02d} 10:00:00".encode()
        exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal: stamp}})
        (pics / f"d{day}.jpg").write_bytes(jpeg(samples.picture(day), exif=exif))
    out = tmp_path / "site"
    run_cli("build", str(pics), "--out", str(out), "--model", "colour")
    home = re.findall(r'<a href="photo/([0-9a-f]+)\.html"><img', (out / "index.html").read_text())
    days = []
    for sid in home:
        page = (out / "photo" / f"{sid}.html").read_text()
        days.append(re.search(r"2021-03-(\d\d)", page).group(1))
    assert days == ["05", "04", "03", "02", "01"], "newest first"
    for position, sid in enumerate(home):
        page = (out / "photo" / f"{sid}.html").read_text()
        prev = re.search(r'id="prev" rel="prev" href="([0-9a-f]+)\.html"', page)
        after = re.search(r'id="next" rel="next" href="([0-9a-f]+)\.html"', page)
        assert (prev.group(1) if prev else None) == (home[position - 1] if position else None)
        assert (after.group(1) if after else None) == (
            home[position + 1] if position + 1 < len(home) else None
        )


# -- every page carries a strict Content Security Policy --------------------------------------


def test_every_page_forbids_inline_and_foreign_code(tmp_path):
    out = tmp_path / "site"
    run_cli("build", str(samples_folder(tmp_path)), "--out", str(out), "--model", "colour")
    pages = list(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text()
        (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'"
        for name in ("script-src", "style-src", "img-src"):
            sources = directives[name].split()
            assert set(sources) <= {"'self'", "file:"}, (page, name, sources)
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        assert "<script>" not in text and " on" + "click=" not in text
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), page


def samples_folder(tmp_path: Path) -> Path:
    pics = tmp_path / "pics"
    pics.mkdir()
    for seed in range(4):
        (pics / f"s{seed}.jpg").write_bytes(jpeg(samples.picture(seed)))
    return pics


# -- an AdobeRGB preview is shown in sRGB -----------------------------------------------------

# Published primaries and white (D65) of Adobe RGB (1998) and sRGB, as XYZ matrices.
ADOBE_TO_XYZ = np.array(
    [[0.5767309, 0.1855540, 0.1881852], [0.2973769, 0.6273491, 0.0752741],
     [0.0270343, 0.0706872, 0.9911085]]
)  # fmt: skip
XYZ_TO_SRGB = np.array(
    [[3.2404542, -1.5371385, -0.4985314], [-0.9692660, 1.8760108, 0.0415560],
     [0.0556434, -0.2040259, 1.0572252]]
)  # fmt: skip


def adobe_to_srgb(rgb: tuple[int, int, int]) -> np.ndarray:
    linear = (np.array(rgb) / 255) ** (563 / 256)
    srgb = np.clip(XYZ_TO_SRGB @ ADOBE_TO_XYZ @ linear, 0, 1)
    encoded = np.where(srgb <= 0.0031308, 12.92 * srgb, 1.055 * srgb ** (1 / 2.4) - 0.055)
    return encoded * 255


def test_adobe_rgb_previews_are_converted_to_srgb_renditions(tmp_path):
    colour = (190, 60, 40)
    flat = Image.new("RGB", (200, 150), colour)
    levels, sizes = samples.pyramid(flat, 2)
    uuid, digest = samples.sample_uuid(1), samples.sample_digest(1)
    lrdata = tmp_path / "Cat Previews.lrdata"
    preview = lrdata / uuid[0] / uuid[:4] / f"{uuid}-{digest}.lrprev"
    preview.parent.mkdir(parents=True)
    preview.write_bytes(samples.lrprev(uuid, digest, levels, sizes, colour_profile="AdobeRGB"))
    out = tmp_path / "site"
    run_cli("build", str(lrdata), "--out", str(out), "--model", "colour")
    (thumb,) = (out / "img" / "thumb").rglob("*.jpg")
    shown = np.array(Image.open(thumb).convert("RGB"), dtype=float).reshape(-1, 3).mean(axis=0)
    expected = adobe_to_srgb(colour)
    assert np.abs(shown - expected).max() < 3, (shown, expected)
    assert np.abs(shown - np.array(colour)).max() > 20, "the colours were converted"


# -- re-runs notice what changed ------------------------------------------------------------


def test_an_edited_sidecar_and_a_changed_zip_part_are_read_again(tmp_path):
    root = dump(tmp_path / "dump", {
        "Photos from 2019/a.jpg": jpeg(samples.picture(1)),
        "Photos from 2019/a.jpg.json": sidecar("a.jpg", description="before"),
    })  # fmt: skip
    library = tmp_path / "lib"
    run_cli("extract", str(root), "--library", str(library))
    json_path = root / "Takeout/Google Photos/Photos from 2019/a.jpg.json"
    json_path.write_bytes(sidecar("a.jpg", description="after").encode())
    again = run_cli("extract", str(root), "--library", str(library))
    assert "1 updated" in again.stdout
    assert ls_json(library)[0]["meta"]["caption"] == "after"

    parts = tmp_path / "zips"
    files = {"Takeout/Google Photos/Photos from 2019/b.jpg": jpeg(samples.picture(2))}
    (first,) = samples.write_zips(parts, files, parts=1)
    zlib = tmp_path / "zlib"
    run_cli("extract", str(first), "--library", str(zlib))
    with zipfile.ZipFile(first, "a") as archive:
        archive.writestr("Takeout/Google Photos/Photos from 2019/c.jpg", jpeg(samples.picture(3)))
    changed = run_cli("extract", str(first), "--library", str(zlib))
    assert "1 new" in changed.stdout and "1 unchanged" in changed.stdout


# -- Takeout's naming quirks -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", EDITED_SUFFIXES)
def test_every_edited_suffix_links_to_its_original(tmp_path, suffix):
    original = samples.picture(4)
    root = dump(tmp_path / "dump", {
        "Photos from 2019/IMG_1.jpg": jpeg(original),
        "Photos from 2019/IMG_1.jpg.json": sidecar("IMG_1.jpg", description="the trip"),
        f"Photos from 2019/IMG_1{suffix}.jpg": jpeg(original.rotate(90)),
    })  # fmt: skip
    run_cli("extract", str(root), "--library", str(tmp_path / "lib"))
    photos = ls_json(tmp_path / "lib")
    (edited,) = [p for p in photos if p["links"]]
    (original,) = [p for p in photos if not p["links"]]
    assert edited["links"] == {"edited_from": [original["id"]]}
    assert edited["sources"][0]["locator"].endswith(f"IMG_1{suffix}.jpg")
    # The edit shares its original's sidecar.
    assert edited["meta"]["caption"] == "the trip"


def test_a_sidecar_found_only_by_its_title(tmp_path):
    root = dump(tmp_path / "dump", {
        "Photos from 2019/PXL_20190101_000000001.jpg": jpeg(samples.picture(5)),
        "Photos from 2019/unrelated-name(3).json": sidecar(
            "PXL_20190101_000000001.jpg", description="matched by title"),
    })  # fmt: skip
    run_cli("extract", str(root), "--library", str(tmp_path / "lib"))
    (photo,) = ls_json(tmp_path / "lib")
    assert photo["meta"]["caption"] == "matched by title"
    assert photo["sources"][0]["meta"]["takeout_sidecar_match"] != "name"


# -- exit statuses ------------------------------------------------------------------------------


def test_usage_errors_exit_2_and_say_what_is_wrong(tmp_path):
    for args in (["extract", "--library", str(tmp_path)], ["search"], ["build", "--nope"]):
        result = run_cli(*args, check=False)
        assert result.returncode == 2, args
        assert "Usage:" in result.stderr and "Error:" in result.stderr


# -- automatic tags -----------------------------------------------------------------------------


def test_automatic_tags_follow_the_z_score_rule():
    rng = np.random.default_rng(0)
    photos = rng.normal(size=(200, 16))
    tags = np.eye(16)[:4]
    # Photo 0 stands far above the library on tags 0 and 1, photo 1 a little above on tag 2.
    photos[0, :2] = [12, 11]
    photos[1, 2] = 1.5
    photos /= np.linalg.norm(photos, axis=1, keepdims=True)
    found = auto_tags(photos, ["a", "b", "c", "d"], tags)
    assert found[0] == ["a", "b"]
    scores = photos @ tags.T
    z = (scores - scores.mean(0)) / scores.std(0)
    for row, names in zip(z, found, strict=True):
        strong = [n for n, v in sorted(zip("abcd", row, strict=True), key=lambda t: -t[1])[:3]
                  if v >= 2.5]  # fmt: skip
        assert names == strong


# -- pagination and extra phrases ---------------------------------------------------------------


def test_the_home_grid_is_paginated_at_200(tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    for seed in range(410):
        samples.picture(seed, (40, 30)).save(pics / f"{seed:03d}.jpg")
    out = tmp_path / "site"
    run_cli("build", str(pics), "--out", str(out), "--model", "colour")
    pages = ["index.html", "page-2.html", "page-3.html"]
    counts = [
        len(re.findall(r'<li class="s\d+" id="p-[0-9a-f]+"><a href="photo/', (out / p).read_text()))
        for p in pages
    ]
    assert counts == [200, 200, 10]
    assert not (out / "page-4.html").exists()
    assert 'rel="next" href="page-2.html"' in (out / "index.html").read_text()
    assert 'rel="prev" href="index.html"' in (out / "page-2.html").read_text()


def test_extra_search_phrases_join_the_vocabulary(tmp_path):
    model = tmp_path / "tiny-clip"
    ref.clip_checkpoint(model, clip_vocab(), ref.CLIP_TINY)
    queries = tmp_path / "queries.txt"
    queries.write_text("# a comment\nsunrise over the harbour\n\n")
    out = tmp_path / "site"
    run_cli("build", str(samples_folder(tmp_path)), "--out", str(out), "--model", str(model),
            "--queries", str(queries))  # fmt: skip
    texts = json.loads(
        (out / "data" / "concepts.js").read_text().split(",", 1)[1].rsplit(");", 1)[0]
    )["texts"]
    assert texts[0] == "sunrise over the harbour"
    assert not [t for t in texts if "comment" in t]
