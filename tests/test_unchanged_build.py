"""A build whose inputs have not changed since the last complete build keeps the site as it is,
without reading a picture or rendering a page; any change to what a site is made from (the
library's rows or pictures, the options, photoseek's code, the site's own files) builds again.
In-process and small, so that a mutation tester can run it for stamp.py and output.py."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoseek import samples
from photoseek.build_site import SiteOptions, build_site, stamp
from photoseek.build_site.output import SiteFolder
from photoseek.embed import embed_library, load_embedder
from photoseek.extract import extract
from photoseek.library import Library

from .conftest import pictures, run_cli

OPTIONS = SiteOptions(title="Same", full_size=False)
KEPT = "nothing changed since the last build, so every file was kept as it was"


@pytest.fixture
def library(tmp_path) -> Path:
    """Four pictures, extracted and embedded by the colour model."""
    pics = pictures(tmp_path / "pics", 4, (400, 300))
    extract([pics], tmp_path / "lib", progress=False)
    embed_library(tmp_path / "lib", load_embedder("colour"), progress=False)
    return tmp_path / "lib"


def build(library: Path, out: Path, options: SiteOptions = OPTIONS):  # noqa: ANN201
    return build_site(library, out, load_embedder("colour"), options, progress=False, workers=1)


def files(out: Path) -> dict[str, tuple[int, int]]:
    """Each file of the site but photoseek's own markers, with its size and modification time."""
    return {
        str(path.relative_to(out)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in out.rglob("*")
        if path.is_file() and not path.name.startswith(".photoseek")
    }


def built(summary) -> bool:  # noqa: ANN001 - a SiteSummary
    """Whether the build went through its stages rather than keeping the site."""
    return "renditions" in summary.timings and KEPT not in summary.notes


def test_a_build_with_nothing_changed_writes_nothing_and_says_so(library, tmp_path):
    out = tmp_path / "site"
    first = build(library, out)
    assert built(first) and first.pages_written > 4
    before = files(out)
    again = build(library, out)
    assert not built(again) and again.timings == {}
    assert files(out) == before, "not one file of the site was touched"
    assert again.photos == first.photos == 4
    assert (again.pages_written, again.pages_unchanged) == (0, first.pages_written)
    assert (again.concepts, again.data_bytes) == (first.concepts, first.data_bytes)
    assert again.removed == 0 and again.pictures_failed == []
    assert again.lines()[0] == f"4 photos, 0 pages written, {first.pages_written} unchanged, " \
        "0 stale files removed, 0 pictures unreadable"  # fmt: skip
    assert again.lines()[-1] == f"note: {KEPT}"
    marker = json.loads((out / ".photoseek-site").read_text())
    assert marker["state"] == "complete"
    # What the site publishes about its build: counts, no path of this machine.
    assert str(tmp_path) not in (out / ".photoseek-site").read_text()
    # A third build keeps it again: keeping does not lose what the next build compares with.
    assert not built(build(library, out)) and files(out) == before


def test_a_new_photo_builds_again(library, tmp_path):
    out = tmp_path / "site"
    build(library, out)
    extra = tmp_path / "more"
    extra.mkdir()
    samples.picture(7, (400, 300)).save(extra / "new.jpg")
    extract([extra], library, progress=False)
    embed_library(library, load_embedder("colour"), progress=False)
    again = build(library, out)
    assert built(again) and again.photos == 5


def test_text_read_in_a_picture_builds_again(library, tmp_path):
    out = tmp_path / "site"
    build(library, out)
    with Library(library) as opened:
        opened.put_ocr("test-engine", [(opened.photo_ids()[0], "EXIT")])
    assert built(build(library, out))


def test_other_options_build_again(library, tmp_path):
    out = tmp_path / "site"
    build(library, out)
    again = build(library, out, SiteOptions(title="Other", full_size=False))
    assert built(again)
    assert "· Other</title>" in (out / "index.html").read_text()
    # Pages took the new title, the data files did not change: both counts are kept whole.
    assert again.pages_written and again.pages_unchanged
    kept = build(library, out, SiteOptions(title="Other", full_size=False))
    assert not built(kept)
    assert kept.pages_unchanged == again.pages_written + again.pages_unchanged


@pytest.mark.parametrize("change", ["damaged", "deleted"])
def test_a_picture_changed_in_the_library_builds_again(library, tmp_path, change):
    out = tmp_path / "site"
    build(library, out)
    with Library(library, readonly=True) as opened:
        path = next(opened.picture_paths())
    if change == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"damaged")
    again = build(library, out)
    assert built(again) and [p for p, _ in again.pictures_failed] == [str(path)]
    # A build that could not read a picture is never kept: the next one tries it again.
    assert built(build(library, out))


@pytest.mark.parametrize("change", ["deleted", "edited", "touched"])
def test_a_site_file_changed_since_builds_again_and_mends_it(library, tmp_path, change):
    out = tmp_path / "site"
    build(library, out)
    page = out / "index.html"
    text = page.read_text()
    if change == "deleted":
        page.unlink()
    elif change == "edited":
        # The same size: only its modification time tells.
        page.write_text(text.replace("<title>", "<TITLE>", 1))
    else:
        stat = page.stat()
        os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    again = build(library, out)
    assert built(again) and page.read_text() == text


def test_a_stopped_build_is_not_kept(library, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(library, out)

    def stop(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyboardInterrupt

    monkeypatch.setattr("photoseek.build_site.run.write_photo_pages", stop)
    with pytest.raises(KeyboardInterrupt):
        build(library, out, SiteOptions(title="Stopped", full_size=False))
    monkeypatch.undo()
    assert built(build(library, out, SiteOptions(title="Stopped", full_size=False)))


def test_the_stamp_follows_the_code_and_the_libraries(library, tmp_path, monkeypatch):
    with Library(library, readonly=True) as opened:
        first = stamp.build_stamp(opened, "colour", {}, OPTIONS)
        assert stamp.build_stamp(opened, "colour", {}, OPTIONS) == first
        assert stamp.build_stamp(opened, "other", {}, OPTIONS) != first
        assert stamp.build_stamp(opened, "colour", {"folder": "/models/b"}, OPTIONS) != first
        # What is said about the model, not the order it was said in.
        assert stamp.build_stamp(opened, "c", {"a": 1, "b": 2}, OPTIONS) == stamp.build_stamp(
            opened, "c", {"b": 2, "a": 1}, OPTIONS
        )
        # A template changed by an upgrade of photoseek.
        templates = tmp_path / "templates"
        shutil.copytree(Path(stamp.resources.files("photoseek.templates")), templates)
        page = templates / "photo.html"
        page.write_text(page.read_text() + " ")
        real = stamp.resources.files
        monkeypatch.setattr(
            stamp.resources,
            "files",
            lambda name: templates if name == "photoseek.templates" else real(name),
        )
        assert stamp.build_stamp(opened, "colour", {}, OPTIONS) != first
        monkeypatch.undo()
        assert stamp.build_stamp(opened, "colour", {}, OPTIONS) == first
        # Another version of a library that shapes the pages.
        version = stamp.metadata.version
        monkeypatch.setattr(
            stamp.metadata,
            "version",
            lambda name: "99" if name == "jinja2" else version(name),
        )
        assert stamp.build_stamp(opened, "colour", {}, OPTIONS) != first

        # A library uninstalled is a change too, not an error.
        def without_hnswlib(name: str) -> str:
            if name == "hnswlib":
                raise stamp.metadata.PackageNotFoundError(name)
            return version(name)

        monkeypatch.setattr(stamp.metadata, "version", without_hnswlib)
        assert stamp.build_stamp(opened, "colour", {}, OPTIONS) not in (first, None)


def test_the_library_digest_is_its_rows_not_its_file(library, tmp_path):
    with Library(library, readonly=True) as opened:
        first = opened.content_digest()
    # The same rows in a file laid out anew.
    copy = tmp_path / "copy"
    shutil.copytree(library, copy)
    db = sqlite3.connect(copy / "library.db")
    db.execute("VACUUM")
    db.close()
    with Library(copy, readonly=True) as opened:
        assert opened.content_digest() == first
    # The cache of text vectors is made again from the model alone: not content.
    with Library(copy) as opened:
        ((model, dim),) = opened.models().items()
        opened.put_text_vectors(model, ["sunrise"], np.ones((1, dim), dtype=np.float32))
    with Library(copy, readonly=True) as opened:
        assert opened.content_digest() == first
    # A photo's vector embedded again differently (the last table by name).
    with Library(copy) as opened:
        ((model, dim),) = opened.models().items()
        opened.put_vectors(model, opened.photo_ids()[:1], np.full((1, dim), 0.5, np.float32))
    with Library(copy, readonly=True) as opened:
        changed = opened.content_digest()
        assert changed != first
    with Library(copy) as opened:
        opened.put_ocr("test-engine", [(opened.photo_ids()[0], "EXIT")])
    with Library(copy, readonly=True) as opened:
        assert opened.content_digest() not in (first, changed)


def test_a_picture_kept_inside_the_library_is_followed_too(tmp_path):
    # A Takeout zip's pictures are copied into the library, not read where they lie.
    files = {}
    for n in range(2):
        out = io.BytesIO()
        samples.picture(n, (64, 48)).save(out, "JPEG")
        files[f"Takeout/Google Photos/Photos from 2019/IMG_{n}.jpg"] = out.getvalue()
    (dump,) = samples.write_zips(tmp_path / "zips", files, parts=1)
    extract([dump], tmp_path / "lib", progress=False)
    embed_library(tmp_path / "lib", load_embedder("colour"), progress=False)
    with Library(tmp_path / "lib", readonly=True) as opened:
        paths = list(opened.picture_paths())
    assert len(paths) == 2
    assert all(p.is_file() and p.is_relative_to(tmp_path / "lib") for p in paths)
    out = tmp_path / "site"
    build(tmp_path / "lib", out)
    assert not built(build(tmp_path / "lib", out))
    paths[1].write_bytes(b"damaged")
    assert built(build(tmp_path / "lib", out))


def test_a_site_made_before_stamps_builds_and_is_stamped(library, tmp_path):
    out = tmp_path / "site"
    build(library, out)
    marker = out / ".photoseek-site"
    marker.write_text(json.dumps({"photoseek": True, "kind": "site", "state": "complete"}))
    assert built(build(library, out))
    assert not built(build(library, out))


def test_the_files_digest_needs_every_file(tmp_path):
    (tmp_path / "a").write_text("1")
    assert stamp.files_digest(tmp_path, {"a"}) is not None
    assert stamp.files_digest(tmp_path, {"a", "b"}) is None
    folder = SiteFolder(tmp_path / "site")
    assert folder.unchanged("anything") is None
    folder.release()


def test_photoseek_build_run_again_on_the_same_folder_keeps_the_site(tmp_path):
    # Every step of `build` (extract, embed, text in pictures, faces) must leave the library's
    # rows as they were when nothing is new, or no re-run would ever keep the site.
    pics = pictures(tmp_path / "pics", 3, (400, 300))
    args = ["build", str(pics), "--out", str(tmp_path / "site"), "--model", "colour"]
    first = run_cli(*args)
    assert KEPT not in first.stdout
    again = run_cli(*args)
    assert f"note: {KEPT}" in again.stdout
    assert "3 photos, 0 pages written" in again.stdout
    samples.picture(9, (400, 300)).save(pics / "p9.jpg")
    third = run_cli(*args)
    assert KEPT not in third.stdout and "4 photos" in third.stdout
