"""What the pages show of each photo, and how they are written, in-process: names, facts,
privacy, order and the writer that leaves unchanged files alone."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from jinja2 import DictLoader, UndefinedError

from photoseek.build_site import gallery
from photoseek.build_site.gallery import Entry, Privacy, Tile
from photoseek.build_site.output import SiteFolder
from photoseek.build_site.pages import ASSETS, PageWriter
from photoseek.library import Photo, Source

SITE_CODE = Path(__file__).resolve().parent.parent / "site"


def photo(pid: str = "a" * 40, name: str = "IMG_1.jpg", **meta: object) -> Photo:
    sources = [
        Source("lrprev:/home/ana/Pictures/Cat Previews.lrdata/1/abc.lrprev", "lightroom", {}),
        Source("zip:/mnt/dump/takeout-001.zip!Takeout/Google Photos/Trip/IMG_1.jpg", "takeout", {}),
    ]
    return Photo(pid, Path(f"/lib/{name}"), "JPEG", 3000, 2000, 1, sources, dict(meta))


def entry(p: Photo | None = None, size: tuple[int, int] = (3000, 2000), **options: object) -> Entry:
    p = p or photo()
    return Entry(p, p.id[:12], 0, p.name, size, **options)


def test_slugs_are_ascii_file_names_that_keep_names_apart():
    assert gallery.slug("Café ../Paris!").startswith("cafe-paris-")
    assert gallery.slug("Café") != gallery.slug("Cafe")
    assert gallery.slug("Café")[:-7] == gallery.slug("Cafe")[:-7] == "cafe"
    assert gallery.slug("東京").startswith("x-")
    assert len(gallery.slug("a" * 200)) == 60 + 7
    assert "/" not in gallery.slug("../../etc/passwd")


def test_short_ids_grow_by_two_until_every_id_is_unique():
    ids = ["0123456789abcdef", "0123456789abcdee", "fedcba9876543210"]
    assert gallery.short_ids(ids) == {i: i[:16] for i in ids}
    ids = ["0123456789abcXY", "0123456789abcZZ"]
    assert gallery.short_ids(ids) == {i: i[:14] for i in ids}
    assert gallery.short_ids(["abcdef" * 4, "abcdef" * 4]) == {"abcdef" * 4: "abcdef" * 2}
    # The length grows two at a time, so that a page's name changes only when it must.
    ids = ["0123456789abX0", "0123456789abY0"]
    assert gallery.short_ids(ids) == {i: i for i in ids}
    # Hundreds of ids (counts past the small integers Python shares) end the search too.
    many = [f"{n:012x}{n:028x}" for n in range(300)]
    assert gallery.short_ids(many) == {i: i[:12] for i in many}


def test_facts_in_reading_order_with_their_formats():
    meta = {
        "taken": "2021-06-12T08:30:00", "original_name": "DSC_1.NEF", "camera": "Nikon D850",
        "lens": "50mm", "aperture": 1.8, "shutter": "1/250", "iso": 400, "focal_length": 50.0,
        "rating": 3, "pick": -1, "colour_label": "Red", "favourite": True,
    }  # fmt: skip
    assert entry(photo(**meta)).facts() == [
        ("Taken", "2021-06-12 08:30:00"),
        ("Original", "DSC_1.NEF"),
        ("Camera", "Nikon D850"),
        ("Lens", "50mm"),
        ("Exposure", "f/1.8, 1/250 s, ISO 400, 50 mm"),
        ("Rating", "★★★☆☆"),
        ("Pick", "rejected"),
        ("Colour label", "Red"),
        ("Favourite", "yes"),
        ("Size", "3000 × 2000 px"),
    ]
    assert entry(photo(pick=1, shutter="2")).facts() == [
        ("Exposure", "2 s"), ("Pick", "picked"), ("Size", "3000 × 2000 px")
    ]  # fmt: skip
    assert entry(photo(pick=0, rating=0, favourite=False)).facts() == [("Size", "3000 × 2000 px")]
    assert ("Rating", "★★☆☆☆") in entry(photo(rating=2)).facts()


def test_sources_show_the_file_name_only_unless_paths_are_asked_for():
    assert entry().sources() == [
        "Lightroom preview: abc.lrprev in Cat Previews.lrdata",
        "Google Takeout: Trip/IMG_1.jpg in takeout-001.zip",
    ]
    assert entry(privacy=Privacy(show_paths=True)).sources() == [
        "Lightroom preview: /home/ana/Pictures/Cat Previews.lrdata/1/abc.lrprev",
        "Google Takeout: /mnt/dump/takeout-001.zip!Takeout/Google Photos/Trip/IMG_1.jpg",
    ]
    assert gallery.source_text("scanner", "file:/a/b.jpg", False) == "scanner: a/b.jpg"
    assert gallery.source_text("folder", "file:/b.jpg", False) == "Folder: b.jpg"
    assert gallery.source_text("lightroom", "lrprev:/x/1/abc.lrprev", False) == (
        "Lightroom preview: abc.lrprev"
    )
    photos = "photos:/Users/ana/Pictures/Photos Library.photoslibrary!3F2A-11/IMG_7.HEIC"
    assert gallery.source_text("apple_photos", photos, False) == (
        "Apple Photos: IMG_7.HEIC in Photos Library.photoslibrary"
    )
    unpacked = "takeout:/home/ana/Takeout/Google Photos/Trip 2021/IMG_1.jpg"
    assert gallery.source_text("takeout", unpacked, False) == "Google Takeout: Trip 2021/IMG_1.jpg"


def test_copies_found_in_two_albums_of_two_zip_parts_are_told_apart():
    sources = [
        Source("zip:/d/takeout-001.zip!Takeout/Google Photos/Trip/PXL_1.jpg", "takeout", {}),
        Source("zip:/d/takeout-002.zip!Takeout/Google Photos/Beach/PXL_1.jpg", "takeout", {}),
    ]
    p = Photo("c" * 40, Path("/lib/PXL_1.jpg"), "JPEG", 10, 10, 1, sources, {})
    shown = entry(p).sources()
    assert shown == [
        "Google Takeout: Trip/PXL_1.jpg in takeout-001.zip",
        "Google Takeout: Beach/PXL_1.jpg in takeout-002.zip",
    ]
    assert not any("/d/" in line for line in shown)


def test_places_and_paths_are_published_only_as_the_privacy_settings_allow():
    p = photo(gps={"lat": -33.8567844, "lon": 151.2152867}, original_path="/home/ana/x.jpg")
    assert entry(p).place == (-33.85678, 151.21529)
    assert "original_path" not in entry(p).meta
    assert ("Original", "/home/ana/x.jpg") in entry(p, privacy=Privacy(show_paths=True)).facts()
    stripped = entry(p, privacy=Privacy(strip_location=True))
    assert stripped.place is None and "gps" not in stripped.meta
    assert entry(photo(_internal=1)).meta == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        Privacy().strip_location = True  # type: ignore[misc]


def test_text_read_in_the_picture_is_shown_only_when_kept_public():
    p = photo(ocr="STOP\nAHEAD")
    assert entry(p).text == "STOP\nAHEAD"
    assert entry(p).alt == "Text in the picture: STOP / AHEAD"
    assert entry(p, privacy=Privacy(ocr=False)).text == ""
    assert entry(p, privacy=Privacy(ocr=False)).alt == "Photo IMG_1.jpg"
    assert "ocr" not in entry(p, privacy=Privacy(ocr=False)).meta


def test_alternative_text_prefers_caption_then_title_then_text_then_keywords():
    assert entry(photo(caption="A", title="B", ocr="C")).alt == "A"
    assert entry(photo(title="B", ocr="C", keywords=["k"])).alt == "B"
    tagged = entry(photo(keywords=["dog", "beach"]), tags=["sunset"])
    assert tagged.alt == "Photo: dog, beach, sunset"
    assert entry(photo(), tags=["sunset"]).alt == "Photo: sunset"
    assert entry(photo(caption="x" * 300)).alt == "x" * 300
    long = entry(photo(caption="y" * 301)).alt
    assert long == "y" * 299 + "…" and len(long) == gallery.ALT_MAX


def test_heading_and_title_prefer_the_photos_own_names():
    assert entry(photo(title="Harbour at dawn")).heading == "Harbour at dawn"
    assert entry(photo()).heading == "IMG_1.jpg"
    assert photo(original_name="DSC_2.NEF").name == "DSC_2.NEF"
    named = photo(original_name="DSC_2.NEF", virtual_copy_name="Copy 1")
    assert named.name == "Copy 1"


def test_tiles_point_at_their_rendition_and_full_falls_back_to_large():
    e = entry()
    assert e.tile() == Tile(e.sid, f"img/thumb/aa/{e.sid}.jpg", 320, 213, "Photo IMG_1.jpg")
    assert e.tile("full").src == f"img/full/aa/{e.sid}.jpg"
    assert (e.tile("full").width, e.tile("full").height) == (3000, 2000)
    for small in (entry(size=(1600, 900)), entry(full_size=False)):
        tile = small.tile("full")
        assert tile.src == f"img/large/aa/{small.sid}.jpg"
        assert (tile.width, tile.height) == (1600, 900 if small.size[0] == 1600 else 1067)
    # A small picture's larger renditions are its medium one: no copies of the same pixels.
    small = entry(size=(600, 400))
    assert small.tile("large") == small.tile("full") == small.tile("medium")
    assert small.tile("medium").src == f"img/medium/aa/{small.sid}.jpg"
    assert (small.tile("full").width, small.tile("thumb").width) == (600, 320)


def test_search_text_puts_the_name_first_and_each_word_once():
    p = photo(caption="Lake", title="Lake", keywords=["water"], albums=["Trip"], people=["Ana"])
    assert entry(p).search_parts() == [
        ("n", "IMG_1.jpg"), ("c", "Lake"), ("k", "water"), ("a", "Trip"), ("p", "Ana")
    ]  # fmt: skip
    both = photo(title="Ana", keywords=["Ana", "Bo"], people=["Bo", "Cy"], albums=["Cy"])
    assert entry(both).search_parts() == [
        ("n", "IMG_1.jpg"), ("t", "Ana"), ("k", "Bo"), ("a", "Cy")
    ]  # fmt: skip


def test_order_is_newest_first_then_undated_by_name():
    photos = [
        photo("1" * 40, taken="2020-01-01"),
        photo("2" * 40, original_name="b.jpg"),
        photo("3" * 40, taken="2022-05-05"),
        photo("4" * 40, original_name="a.jpg"),
        photo("0" * 40, taken="2022-05-05"),
    ]
    assert [p.id[0] for p in gallery.order(photos)] == ["3", "0", "1", "4", "2"]


@pytest.fixture
def writer(tmp_path):
    folder = SiteFolder(tmp_path / "site")
    yield PageWriter(folder, {"site_title": "T"})
    folder.release()


def test_the_writer_leaves_unchanged_files_alone_and_rewrites_changed_ones(writer):
    writer.write("a/b.txt", "one")
    path = writer.folder.path("a/b.txt")
    os.utime(path, (1, 1))
    writer.write("a/b.txt", "one")
    assert (writer.written, writer.unchanged, path.stat().st_mtime) == (1, 1, 1)
    writer.write("a/b.txt", "two")  # the same size, other bytes
    assert (writer.written, path.read_text()) == (2, "two")
    writer.write("a/b.txt", "one")  # the same size again, bytes that sort before
    assert (writer.written, path.read_text()) == (3, "one")
    writer.write("a/b.txt", "three")
    assert (writer.written, path.read_text()) == (4, "three")
    # A page-sized file (sizes past the small integers Python shares) is left alone too.
    writer.write("a/page.html", "x" * 5000)
    writer.write("a/page.html", "x" * 5000)
    assert (writer.written, writer.unchanged) == (5, 2)


def test_pages_link_relative_to_their_own_folder_and_escape_what_they_show(writer):
    writer.env.loader = DictLoader({"x.html": "{{ root }}|{{ site_title }}|{{ words }}"})
    writer.page("index.html", "x.html", words="<b>")
    writer.page("photo/ab/cd.html", "x.html", words="a & b")
    assert writer.folder.path("index.html").read_text() == "|T|&lt;b&gt;"
    assert writer.folder.path("photo/ab/cd.html").read_text() == "../../|T|a &amp; b"


def test_template_tags_leave_no_blank_lines_or_indentation_behind(writer):
    writer.env.loader = DictLoader(
        {"x.html": "<ul>\n  {% for i in items %}\n  <li>{{ i }}\n  {% endfor %}\n</ul>\n"}
    )
    writer.page("x.html", "x.html", items=[1, 2])
    assert writer.folder.path("x.html").read_text() == "<ul>\n  <li>1\n  <li>2\n</ul>"


def test_a_missing_value_in_a_template_is_an_error_not_a_blank(writer):
    with pytest.raises(UndefinedError):
        writer.env.from_string("{{ nothing }}").render()


def test_the_browser_code_is_copied_whole(writer):
    writer.copy_assets()
    for name in ASSETS:
        assert writer.folder.path(f"assets/{name}").read_bytes() == (SITE_CODE / name).read_bytes()
    # Every script and style there is; the WebAssembly kernels travel inside textmodel's data.
    shipped = [p.name for p in SITE_CODE.iterdir() if p.suffix in (".js", ".css", ".svg")]
    assert sorted(ASSETS) == sorted(shipped)
