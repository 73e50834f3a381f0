"""Text in pictures with the real engine: read once, found by search, shown, kept private.

The pictures are real photos with text drawn over them (tests/text_pictures.py): meme
captions, screenshots, rotated and small text, German and Spanish accents, Chinese; and
real photos that show no text.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from photoseek.library import Library
from photoseek.textmatch import best_matches

from . import text_pictures
from .conftest import (
    SHARED_DATA,
    axe_violations,
    ls_json,
    machine_without,
    needs_chromium,
    run_cli,
)

pytest.importorskip("rapidocr", reason="needs the OCR extra: pip install 'photoseek[ocr]'")
PHOTOS = SHARED_DATA / "photos"
pytestmark = pytest.mark.skipif(
    not PHOTOS.is_dir() or not text_pictures.CJK.is_file(),
    reason="needs the real photos in ../shared/data and the WenQuanYi font (.ci/run)",
)
PER_KIND = 5
PLAIN = 40


def _queries(lines: list[str]) -> list[str]:
    """Two to four consecutive words (characters, for Chinese) from the start and the end."""
    words = " ".join(lines).split()
    if len(words) == 1:
        chars = words[0]
        return [chars[:4], chars[-3:]]
    return [" ".join(words[:3]), " ".join(words[-2:])]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ocr")
    photos = text_pictures.without_text(sorted(PHOTOS.iterdir()))
    inputs = folder / "inputs"
    inputs.mkdir()
    expected = {}
    for i, picture in enumerate(text_pictures.make(photos[PLAIN:], PER_KIND)):
        name = f"pic_{i:03d}.jpg"
        picture.image.save(inputs / name, quality=92)
        expected[name] = picture
    plain = []
    for path in photos[:PLAIN]:
        shutil.copy(path, inputs / path.name)
        plain.append(path.name)
    site = folder / "site"
    out = run_cli("build", str(inputs), "--out", str(site), "--model", "colour", "--ocr").stdout
    names = {}
    for photo in ls_json(folder / "site-library"):
        names[Path(photo["sources"][0]["locator"].split(":", 1)[-1]).name] = photo
    return {
        "site": site,
        "library": folder / "site-library",
        "expected": expected,
        "plain": plain,
        "photos": names,
        "out": out,
    }


def test_each_picture_is_read_once_and_its_text_stored(built):
    assert re.search(
        rf"text in pictures \(rapidocr-[^)]+\): {PER_KIND * 6 + PLAIN} read", built["out"]
    )
    again = run_cli("ocr", "--library", str(built["library"])).stdout
    assert f"0 read, 0 with text, {PER_KIND * 6 + PLAIN} already read" in again


def test_screenshots_are_read_character_for_character(built):
    for name, picture in built["expected"].items():
        if picture.kind != "screenshot":
            continue
        got = built["photos"][name]["meta"].get("ocr", "")
        accuracy = difflib.SequenceMatcher(None, got, "\n".join(picture.lines)).ratio()
        assert accuracy >= 0.97, (got, picture.lines)


def test_pictures_without_text_get_none(built):
    with_text = [n for n in built["plain"] if built["photos"][n]["meta"].get("ocr")]
    assert len(with_text) <= 0.05 * len(built["plain"]), with_text


def _wait_for_results(browser) -> None:  # noqa: ANN001 - a selenium driver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results img"))


def _rates(found_in_top3: dict[str, list[bool]]) -> tuple[float, dict[str, float]]:
    every = [hit for hits in found_in_top3.values() for hit in hits]
    return sum(every) / len(every), {k: sum(v) / len(v) for k, v in found_in_top3.items()}


def test_photoseek_search_finds_pictures_by_words_of_their_text(built):
    with Library(built["library"], readonly=True) as library:
        texts = library.ocr_texts()
    found: dict[str, list[bool]] = {}
    for name, picture in built["expected"].items():
        target = built["photos"][name]["id"]
        for query in _queries(picture.lines):
            top = [pid for pid, _ in best_matches(query, texts, 3)]
            found.setdefault(picture.kind, []).append(target in top)
    overall, per_kind = _rates(found)
    assert overall >= 0.9 and min(per_kind.values()) >= 0.75, per_kind

    name, picture = next((n, p) for n, p in built["expected"].items() if p.kind == "meme")
    query = _queries(picture.lines)[0].lower()
    lines = run_cli(
        "search", "--library", str(built["library"]), query, "--json", "-k", "3"
    ).stdout.splitlines()
    first = json.loads(lines[0])
    assert first["id"] == built["photos"][name]["id"]
    assert first["text_match"] == query.split()


@needs_chromium
def test_the_gallery_finds_them_too_and_shows_the_text(built, browser):
    from selenium.webdriver.common.by import By

    site = built["site"]
    browser.get((site / "search.html").as_uri())
    found: dict[str, list[bool]] = {}
    for name, picture in built["expected"].items():
        sid = built["photos"][name]["id"][:12]
        for query in _queries(picture.lines):
            links = browser.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "photoseek.search(arguments[0]).then(done, e => done(['error: ' + e]));",
                query,
            )
            found.setdefault(picture.kind, []).append(
                any(f"photo/{sid}" in link for link in links[:3])
            )
    overall, per_kind = _rates(found)
    assert overall >= 0.9 and min(per_kind.values()) >= 0.75, per_kind

    name, picture = next((n, p) for n, p in built["expected"].items() if p.kind == "meme")
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1]; photoseek.search(arguments[0]).then(done);",
        picture.lines[1].lower(),
    )
    shown = browser.find_element(By.CSS_SELECTOR, "#results li .matched").text
    assert picture.lines[1] in shown
    # Words found in a picture are not reported as not understood.
    assert "Not among the gallery's words" not in browser.find_element(By.ID, "used").text

    sid = built["photos"][name]["id"][:12]
    browser.get((site / "photo" / f"{sid}.html").as_uri())
    assert browser.find_element(By.CSS_SELECTOR, ".picture-text .ocr").text == "\n".join(
        picture.lines
    )
    alt = browser.find_element(By.CSS_SELECTOR, "img.large").get_attribute("alt")
    assert alt == "Text in the picture: " + " / ".join(picture.lines)
    # The text on the page and the matched lines under results pass WCAG 2.2 A/AA.
    assert axe_violations(browser) == []
    browser.get((site / "search.html").as_uri() + "?q=" + picture.lines[1].lower())
    _wait_for_results(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#results .matched")
    assert axe_violations(browser) == []


def test_kept_private_the_text_stays_out_of_the_site(built, tmp_path):
    site = tmp_path / "site"
    run_cli("site", "--library", str(built["library"]), "--out", str(site), "--ocr-private")
    published = "".join(p.read_text(errors="replace") for p in site.rglob("*.html"))
    published += "".join(p.read_text() for p in (site / "data").rglob("*.js"))
    assert not (site / "data" / "ocr.js").exists()
    for picture in built["expected"].values():
        assert picture.lines[0] not in published
    # Still found on this machine.
    with Library(built["library"], readonly=True) as library:
        assert library.ocr_texts()


def test_no_ocr_neither_reads_nor_publishes(tmp_path):
    photo = text_pictures.make(text_pictures.without_text(sorted(PHOTOS.iterdir())), 1)[0]
    inputs = tmp_path / "in"
    inputs.mkdir()
    photo.image.save(inputs / "meme.jpg")
    site = tmp_path / "site"
    out = run_cli("build", str(inputs), "--out", str(site), "--model", "colour", "--no-ocr")
    assert "text in pictures" not in out.stdout + out.stderr
    assert not (site / "data" / "ocr.js").exists()
    assert all("ocr" not in p["meta"] for p in ls_json(tmp_path / "site-library"))


def test_an_unreadable_picture_is_skipped_with_its_reason_and_a_huge_one_is_read(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    huge = Image.new("RGB", (9000, 6000), (235, 235, 230))
    font = ImageFont.truetype(str(text_pictures.BOLD), 600)
    ImageDraw.Draw(huge).text((400, 2500), "GIANT POSTER", font=font, fill=(10, 10, 10))
    huge.save(inputs / "huge.jpg", quality=80)
    Image.new("RGB", (300, 200), "white").save(inputs / "later.jpg")
    library = tmp_path / "library"
    run_cli("extract", str(inputs), "--library", str(library))
    broken = next(p["path"] for p in ls_json(library) if p["width"] == 300)
    Path(broken).write_bytes(b"not a picture any more")
    done = run_cli("ocr", "--library", str(library), check=False)
    assert done.returncode == 3
    assert "1 read, 1 with text" in done.stdout and f"skipped {broken}: " in done.stderr
    texts = {p["width"]: p["meta"].get("ocr") for p in ls_json(library)}
    assert texts[9000] == "GIANT POSTER"


def test_without_the_engine_one_message_says_how_to_get_it(tmp_path):
    env, inputs = machine_without("rapidocr", tmp_path)
    library = tmp_path / "library"
    args = [sys.executable, "-m", "photoseek"]
    done = subprocess.run(
        [*args, "ocr", "--library", str(library)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    assert done.stderr.count("pip install 'photoseek[ocr]'") == 1
    built = subprocess.run(
        [*args, "build", str(inputs), "--out", str(tmp_path / "site"), "--model", "colour"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert built.returncode == 0, built.stderr
    assert built.stderr.count("note: text in pictures is not read") == 1
    doctor = subprocess.run([*args, "doctor"], capture_output=True, text=True, env=env)
    assert re.search(r"text in pictures +not read: .*pip install 'photoseek\[ocr\]'", doctor.stdout)


def test_a_killed_run_loses_nothing_and_the_next_reads_only_the_rest(tmp_path):
    import signal
    import sqlite3
    import time

    inputs = tmp_path / "in"
    inputs.mkdir()
    photos = text_pictures.without_text(sorted(PHOTOS.iterdir()))
    for path in photos[:60]:
        shutil.copy(path, inputs / path.name)
    library = tmp_path / "library"
    run_cli("extract", str(inputs), "--library", str(library))
    process = subprocess.Popen(
        [sys.executable, "-m", "photoseek", "ocr", "--library", str(library)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    read = 0
    while read == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        with sqlite3.connect(f"file:{library / 'library.db'}?mode=ro", uri=True) as db:
            read = db.execute("SELECT count(*) FROM ocr").fetchone()[0]
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < read < 60, "killed after the first batch and before the end"
    done = run_cli("ocr", "--library", str(library)).stdout
    counts = re.search(r"(\d+) read, \d+ with text, (\d+) already read", done)
    assert counts and int(counts[1]) + int(counts[2]) == 60 and int(counts[2]) >= read


def test_dark_text_on_a_transparent_background_is_read():
    from photoseek.embed.ocr import TextReader

    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    font = ImageFont.truetype(str(text_pictures.BOLD), 48)
    ImageDraw.Draw(image).text((20, 60), "Dark words here", font=font, fill=(0, 0, 0, 255))
    assert TextReader().read(image) == "Dark words here"


def test_the_small_pass_lets_text_through_and_keeps_most_plain_photos_from_the_full_read(
    tmp_path,
):
    from photoseek.embed.ocr import TextReader

    reader = TextReader()
    full_reads = []
    read_all = reader._read_all
    reader._read_all = lambda image: full_reads.append(image.size) or read_all(image)
    photos = text_pictures.without_text(sorted(PHOTOS.iterdir()))
    # Every kind at a camera's size, saved sideways with an EXIF orientation: the small
    # pass must find small labels in a 12-megapixel picture, upright.
    made = text_pictures.make(photos[PLAIN:], 10)
    # Every small label (a gate at 256 pixels misses one), and one picture of each other kind.
    others = [next(p for p in made if p.kind == kind) for kind in text_pictures.KINDS]
    pictures = [p for p in made if p.kind == "small"] + [p for p in others if p.kind != "small"]
    for i, picture in enumerate(pictures):
        big = picture.image.convert("RGB")
        big = big.resize((4000, round(4000 * big.height / big.width)), Image.Resampling.LANCZOS)
        exif = Image.Exif()
        exif[0x0112] = 6  # shown after turning 90 degrees clockwise
        path = tmp_path / f"camera_{i}.jpg"
        big.transpose(Image.Transpose.ROTATE_90).save(path, quality=90, exif=exif)
        found = reader.read_file(path).splitlines()
        for line in picture.lines:
            best = max(difflib.SequenceMatcher(None, line, f).ratio() for f in found or [""])
            assert best > 0.8, (picture.kind, line, found)
        # Decoded at a reduced scale: at least 2000 pixels, under the 4000 or more stored.
        assert 2000 <= max(full_reads[-1]) < 4000
    full_reads.clear()
    for path in photos[:PLAIN]:
        assert reader.read_file(path) == ""
    assert len(full_reads) < PLAIN / 2
    # A strip a few pixels high still has a row once made small: no text, no error.
    Image.new("RGB", (8000, 8), "white").save(tmp_path / "strip.jpg")
    assert reader.read_file(tmp_path / "strip.jpg") == ""
