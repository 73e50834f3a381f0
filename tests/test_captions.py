"""Descriptions written by Florence-2 (a tiny checkpoint with random weights, made by
transformers), through `photoseek caption`, the library, search and the gallery."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from photoseek.library import Library

from .conftest import ls_json, run_cli

pytest.importorskip("transformers")

WRITER_TASK = "<MORE_DETAILED_CAPTION>"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    from .reference_models import florence_checkpoint

    folder = tmp_path_factory.mktemp("florence")
    florence_checkpoint(folder)
    return folder


@pytest.fixture
def library(tmp_path) -> Path:
    """Four pictures in a folder, extracted."""
    folder = tmp_path / "pictures"
    folder.mkdir()
    for index, colour in enumerate(["red", "navy", "olive", "white"]):
        picture = Image.new("RGB", (90 + 10 * index, 70), colour)
        picture.paste("black", (10 * index, 5, 40 + 10 * index, 40))
        picture.save(folder / f"p{index}.jpg")
    target = tmp_path / "lib"
    run_cli("extract", str(folder), "--library", str(target), "--no-progress")
    return target


def described(library: Path) -> dict[str, dict]:
    return {Path(p["path"]).name: p["meta"].get("description") for p in ls_json(library)}


def test_caption_writes_what_the_describer_writes_and_a_rerun_writes_nothing(checkpoint, library):
    from photoseek.embed import Describer

    done = run_cli("caption", "--library", str(library), "--model", str(checkpoint))
    assert "4 written, 0 already written, 0 unreadable" in done.stdout
    found = described(library)
    describer = Describer(str(checkpoint))
    # At most 64 new tokens a photo, as the README says.
    assert describer.decoding.max_new_tokens == 64 and describer.key.endswith("|greedy64")
    for name, description in found.items():
        expected = describer.describe_file(library.parent / "pictures" / name).text
        assert description == {"text": expected, "model": str(checkpoint), "task": WRITER_TASK}
    assert len({d["text"] for d in found.values()}) >= 3
    again = run_cli("caption", "--library", str(library), "--model", str(checkpoint))
    assert "0 written, 4 already written" in again.stdout
    # Another task describes every photo again, in place of the first description.
    other = run_cli(
        "caption", "--library", str(library), "--model", str(checkpoint),
        "--caption-task", "<CAPTION>",
    )  # fmt: skip
    assert "4 written, 0 already written" in other.stdout
    assert {d["task"] for d in described(library).values()} == {"<CAPTION>"}


def test_an_unreadable_picture_is_skipped_with_its_reason(checkpoint, library):
    broken = library.parent / "pictures" / "p1.jpg"
    broken.write_bytes(b"not a picture")
    done = run_cli("caption", "--library", str(library), "--model", str(checkpoint), check=False)
    assert done.returncode == 3
    assert "3 written" in done.stdout and "1 unreadable" in done.stdout
    assert "p1.jpg" in done.stderr


def test_a_model_that_is_not_florence_is_one_message(library, tmp_path):
    folder = tmp_path / "clip"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "clip"}))
    done = run_cli("caption", "--library", str(library), "--model", str(folder), check=False)
    assert done.returncode == 1
    assert "not Florence-2" in done.stderr and "Traceback" not in done.stderr
    offline = run_cli(
        "caption", "--library", str(library), "--model", "florence-community/Florence-2-base",
        check=False,
    )  # fmt: skip
    assert offline.returncode == 1 and "cannot be downloaded now" in offline.stderr


def write(library: Path, texts: dict[str, str]) -> None:
    """Store descriptions by file name, as `caption` does."""
    ids = {Path(p["path"]).name: p["id"] for p in ls_json(library)}
    with Library(library) as opened:
        rows = [(ids[name], text) for name, text in texts.items()]
        opened.put_descriptions("test|<CAPTION>|greedy64", "test-model", "<CAPTION>", rows)


def test_search_finds_a_photo_by_its_description_after_the_users_own_words(library, tmp_path):
    write(library, {"p0.jpg": "A brown dog runs on a sandy beach.", "p2.jpg": "A red kite."})
    run_cli("embed", "--library", str(library), "--model", "colour", "--no-progress")
    out = run_cli("search", "sandy beach", "--library", str(library), "--json").stdout
    hits = [json.loads(line) for line in out.splitlines()]
    assert Path(hits[0]["path"]).name == "p0.jpg"
    assert {"kind": "description", "text": "A brown dog runs on a sandy beach."} in hits[0][
        "matched"
    ]


def test_the_gallery_shows_the_description_as_a_models_and_keeps_it_private_on_request(
    library, tmp_path
):
    write(library, {"p0.jpg": "A brown dog runs on a sandy beach."})
    run_cli("embed", "--library", str(library), "--model", "colour", "--no-progress")
    shown, private = tmp_path / "shown", tmp_path / "private"
    run_cli("site", "--library", str(library), "--out", str(shown), "--no-progress")
    run_cli(
        "site", "--library", str(library), "--out", str(private), "--no-progress",
        "--captions-private",
    )  # fmt: skip
    pages = {p.read_text(encoding="utf-8") for p in (shown / "photo").glob("*.html")}
    described_pages = [text for text in pages if "Described by a model" in text]
    assert len(described_pages) == 1
    page = described_pages[0]
    said = r"<h2>Described by a model</h2><p>A brown dog runs on a sandy beach\.</p>"
    assert re.search(said, page)
    assert "Written by test-model" in page
    # The alt text of a photo with no caption or title.
    assert 'alt="A brown dog runs on a sandy beach."' in page
    data = "".join(p.read_text(encoding="utf-8") for p in (shown / "data").glob("*.js"))
    assert "sandy beach" in data
    everything = "".join(
        p.read_text(encoding="utf-8") for p in private.rglob("*") if p.suffix in (".html", ".js")
    )
    assert "sandy" not in everything
    # Kept private, it is still found on this machine.
    out = run_cli("search", "sandy", "--library", str(library), "--json").stdout
    assert Path(json.loads(out.splitlines()[0])["path"]).name == "p0.jpg"


def test_photos_found_by_their_own_words_come_before_those_found_by_a_description():
    import numpy as np

    from photoseek.library import Photo
    from photoseek.searching import find

    def photo(pid: str, meta: dict) -> Photo:
        return Photo(pid, Path(f"/{pid}.jpg"), "JPEG", 10, 10, 1, [], meta)

    described = {"text": "a dog on a sandy beach", "model": "m", "task": "<CAPTION>"}
    photos = [
        photo("a", {"description": described}),
        photo("b", {"caption": "Sandy beach at dawn"}),
        photo("c", {"description": described, "keywords": ["Beach"]}),
    ]
    hits = find(photos, {}, [], np.zeros((0, 4)), None, "sandy beach", 10)
    assert [hit.photo.id for hit in hits] == ["b", "c", "a"]
    assert hits[2].matched == [("description", "a dog on a sandy beach")]


def test_the_gallerys_search_lists_a_description_match_after_the_users_own_words(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from photoseek import samples

    # The newest photo is found only by its description; an older one by its own caption.
    files = {}
    for index, (name, caption) in enumerate([("old.jpg", "Sandy beach at dawn"), ("new.jpg", "")]):
        path = f"Takeout/Google Photos/Photos from 2020/{name}"
        files[path] = samples.jpeg_bytes(samples.picture(index, (90, 60)))
        files[path + ".json"] = samples.sidecar(
            name, 1_580_000_000 + 86_400 * index, description=caption
        )
    zips = samples.write_zips(tmp_path / "zips", files, parts=1)
    library = tmp_path / "lib"
    run_cli("extract", *map(str, zips), "--library", str(library), "--no-progress")
    ids = {p["meta"]["original_name"]: p["id"] for p in ls_json(library)}
    with Library(library) as opened:
        rows = [(ids["new.jpg"], "A dog on a sandy beach.")]
        opened.put_descriptions("test|<CAPTION>|greedy64", "test-model", "<CAPTION>", rows)
    run_cli("embed", "--library", str(library), "--model", "colour", "--no-progress")
    site = tmp_path / "site"
    run_cli("site", "--library", str(library), "--out", str(site), "--no-progress")
    pages = {
        name: next(
            p.stem for p in (site / "photo").glob("*.html")
            if (f"<h1>{name}</h1>" in p.read_text(encoding="utf-8"))
        )
        for name in ("old.jpg", "new.jpg")
    }  # fmt: skip
    browser.get((site / "search.html").as_uri() + "?q=sandy+beach")
    WebDriverWait(browser, 15).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) == 2
    )
    shown = [
        Path(a.get_attribute("href").split("?")[0]).stem
        for a in browser.find_elements(By.CSS_SELECTOR, "#results a")
    ]
    assert shown == [pages["old.jpg"], pages["new.jpg"]]


def test_a_model_folder_given_relative_is_kept_by_its_full_path(checkpoint, library):
    done = run_cli(
        "caption", "--library", str(library), "--model", checkpoint.name, cwd=checkpoint.parent
    )
    assert "4 written" in done.stdout
    assert {d["model"] for d in described(library).values()} == {str(checkpoint.resolve())}
    # From elsewhere, by its full path: the same writer, nothing written again.
    again = run_cli("caption", "--library", str(library), "--model", str(checkpoint))
    assert "0 written, 4 already written" in again.stdout


def test_batches_of_any_size_describe_every_photo_and_count_the_ones_before(checkpoint, library):
    from photoseek.embed import Describer, describe_library

    describer = Describer(str(checkpoint))
    first = describe_library(library, describer, batch_size=3, progress=False)
    assert (first.described, first.already, first.failed) == (4, 0, [])
    folder = library.parent / "pictures"
    Image.new("RGB", (70, 90), "teal").save(folder / "p9.jpg")
    run_cli("extract", str(folder), "--library", str(library), "--no-progress")
    second = describe_library(library, describer, batch_size=3, progress=False)
    assert (second.described, second.already) == (1, 4)
    texts = described(library)
    assert len(texts) == 5 and all(d and d["text"] for d in texts.values())
