"""The pages by kind, in-process and rendered with the real templates: grids and their
paging, group pages and their indexes, photo pages with similar photos and near duplicates,
and the duplicates page. Fast, so that a mutation tester can run it for every mutant of
grids.py, groups.py and photo_pages.py."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from photoseek.build_site import gallery, grids, groups, nearcopies, photo_pages, shapes
from photoseek.build_site.gallery import Entry
from photoseek.build_site.output import SiteFolder
from photoseek.build_site.pages import PageWriter
from photoseek.library import Photo, Source


def photo(n: int, sources: int = 1, **meta: object) -> Photo:
    pid = f"{n:040x}"
    found = [Source(f"file:/in/{n}-{i}.jpg", "folder", {}) for i in range(sources)]
    return Photo(pid, Path(f"/in/{n}.jpg"), "JPEG", 400, 300, 1, found, dict(meta))


def entries_of(photos: list[Photo]) -> list[Entry]:
    return [Entry(p, p.id[-12:], i, p.name, (400, 300)) for i, p in enumerate(photos)]


class Recorder(PageWriter):
    """The real writer, which also keeps what each page was given."""

    def __init__(self, folder: SiteFolder) -> None:
        super().__init__(
            folder,
            {"site_title": "T", "photo_count": 0, "model": "m", "text_search": False,
             "text_model_bytes": 0, "picture_text": False, "places": False, "nav": []},
        )  # fmt: skip
        self.views: dict[str, dict] = {}

    def page(self, relative: str, template: str, **context: object) -> None:
        self.views[relative] = context
        super().page(relative, template, **context)


@pytest.fixture
def writer(tmp_path):
    folder = SiteFolder(tmp_path / "site")
    yield Recorder(folder)
    folder.release()


def html(writer: Recorder, relative: str) -> str:
    return (writer.folder.out / relative).read_text()


def test_the_declared_numbers():
    assert grids.PER_PAGE == 200
    assert photo_pages.SIMILAR == 12


def unlike(entries: list) -> np.ndarray:
    """No photo similar to any other: each row of similar photos empty (-1)."""
    return np.full((len(entries), photo_pages.SIMILAR), -1, dtype=np.int32)


def test_what_pages_read_cannot_change_under_them(writer):
    entries = entries_of([photo(1, sources=2)])
    values = [
        grids.Section("June 2021", []),
        groups.GroupLink("Trip", "trip.html", 1, False, entries[0].tile()),
        photo_pages.Chip("a", "a-1"),
        photo_pages.ExactDuplicate(entries[0].tile(), "x", []),
    ]
    photo_pages.write_photo_pages(writer, entries, unlike(entries), [])
    values.append(writer.views[f"photo/{entries[0].sid}.html"]["p"])
    for value in values:
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.sid = "other"  # type: ignore[misc]


def test_periods_and_page_names():
    assert grids.period("2010-07") == "July 2010"
    assert grids.period("2010-12") == "December 2010"
    assert grids.period("2010") == "2010"
    assert grids.period(grids.UNDATED) == "Undated"
    assert [grids.home_page(n) for n in (1, 2, 3)] == ["index.html", "page-2.html", "page-3.html"]
    assert grids.page_name("albums/x", 1) == "albums/x.html"
    assert grids.page_name("albums/x", 2) == "albums/x-2.html"


def test_sections_run_under_the_month_taken_and_undated_last():
    entries = entries_of(
        [photo(1, taken="2021-07-30T10:00:00"), photo(2, taken="2021-07-01T10:00:00"),
         photo(3, taken="2021-06-12T10:00:00"), photo(6, taken="2021-01-12T10:00:00"),
         photo(4), photo(5)]
    )  # fmt: skip
    runs = grids.sections(entries, dated=True)
    assert [(r.heading, [t.sid for t in r.tiles]) for r in runs] == [
        ("July 2021", [entries[0].sid, entries[1].sid]),
        ("June 2021", [entries[2].sid]),
        ("January 2021", [entries[3].sid]),
        ("Undated", [entries[4].sid, entries[5].sid]),
    ]
    undated = grids.sections(entries, dated=False)
    assert [(r.heading, len(r.tiles)) for r in undated] == [("", 6)]
    assert grids.sections([], dated=True) == []


def _shown(view: dict) -> list[str]:
    return [t.sid for s in view["sections"] for t in s.tiles]


def test_a_grid_is_paged_at_per_page_and_a_group_gets_its_list(writer):
    entries = entries_of([photo(n) for n in range(2 * grids.PER_PAGE + 1)])
    grids.write_grid(writer, entries, grids.home_page, dated=True, heading="All", note="")
    pages = [writer.views[name] for name in ("index.html", "page-2.html", "page-3.html")]
    assert [(v["page"], v["pages"]) for v in pages] == [(1, 3), (2, 3), (3, 3)]
    assert "page-4.html" not in writer.views
    sids = [e.sid for e in entries]
    per = grids.PER_PAGE
    assert [_shown(v) for v in pages] == [sids[:per], sids[per : 2 * per], sids[2 * per :]]
    first, second = pages[0], pages[1]
    assert first["link"](2) == "page-2.html" and second["link"](1) == "index.html"
    assert 'rel="next" href="page-2.html"' in html(writer, "index.html")
    assert not (writer.folder.out / "data" / "in").exists(), "the home grid has no list"

    members = entries[:3]
    name = lambda n: grids.page_name("albums/trip", n)  # noqa: E731
    grids.write_grid(writer, members, name, "albums/trip", heading="Album: Trip", note="")
    assert writer.views["albums/trip.html"]["pages"] == 1
    assert writer.views["albums/trip.html"]["link"](1) == "trip.html"
    data = (writer.folder.out / "data" / "in" / "albums" / "trip.js").read_text()
    payload = json.loads(re.fullmatch(r'photoseekData\("in/albums/trip",(.*)\);\n', data)[1])
    assert payload == {"ids": [e.sid for e in members], "per_page": grids.PER_PAGE}
    assert "?in=albums/trip" in html(writer, "albums/trip.html")


def test_a_full_page_is_one_page(writer):
    entries = entries_of([photo(n) for n in range(grids.PER_PAGE)])
    grids.write_grid(writer, entries, grids.home_page, dated=True, heading="All", note="")
    assert list(writer.views) == ["index.html"] and writer.views["index.html"]["pages"] == 1


def test_an_empty_grid_is_one_page(writer):
    grids.write_grid(writer, [], grids.home_page, dated=True, heading="All", note="")
    assert (writer.views["index.html"]["page"], writer.views["index.html"]["pages"]) == (1, 1)
    assert list(writer.views) == ["index.html"]


def _library() -> list[Entry]:
    return entries_of(
        [photo(1, taken="2021-07-30T10:00:00", people=["Ana", "Bo"], favourite=True, rating=5,
               camera="X100V", keywords=["sea"], albums=["Trip"]),
         photo(2, taken="2021-06-12T10:00:00", people=["Ana"], rating=3,
               albums=["Trip", "zoo", "Apple", "1999-12"]),
         photo(3, taken="2019-01-01T10:00:00", camera="X100V", keywords=["Sea"], rating=2),
         photo(4)]
    )  # fmt: skip


def test_groups_gather_each_kind_in_the_entries_order():
    entries = _library()
    e1, e2, e3, e4 = entries
    found = groups.groups(entries)
    assert list(found) == list(groups.GROUP_HEADINGS)
    assert found["people"] == {"Ana": [e1, e2], "Bo": [e1]}
    assert found["favourites"] == {groups.FAVOURITES: [e1]}
    assert found["ratings"] == {"5": [e1], "3": [e2], "2": [e3]}
    assert found["cameras"] == {"X100V": [e1, e3]}
    assert found["keywords"] == {"sea": [e1], "Sea": [e3]}
    assert found["albums"] == {"Trip": [e1, e2], "zoo": [e2], "Apple": [e2], "1999-12": [e2]}
    assert found["timeline"] == {
        "2021": [e1, e2], "2021-07": [e1], "2021-06": [e2], "2019": [e3], "2019-01": [e3],
        grids.UNDATED: [e4],
    }  # fmt: skip
    e3.tags = ["beach"]
    assert groups.groups(entries)["tags"] == {"beach": [e3]}


def test_group_names_never_come_from_metadata_alone():
    assert groups.group_name("timeline", "2021-07") == ("2021-07", "July 2021")
    assert groups.group_name("ratings", "3") == ("stars-3", "★★★☆☆")
    assert groups.group_name("ratings", "1") == ("stars-1", "★☆☆☆☆")
    assert groups.group_name("ratings", "2") == ("stars-2", "★★☆☆☆")
    for kind in ("tags", "keywords", "people", "cameras", "albums"):
        assert groups.group_name(kind, "2021-07") == (gallery.slug("2021-07"), "2021-07")
    assert groups.group_name("favourites", groups.FAVOURITES) == ("favourites", "Favourites")
    assert groups.group_name("albums", "../Trip") == (gallery.slug("../Trip"), "../Trip")


def test_group_pages_and_their_indexes(writer):
    entries = _library()
    entries[2].tags = ["zebra", "Ant"]
    entries[3].tags = ["zebra"]
    groups.write_group_pages(writer, groups.groups(entries))
    tags = writer.views["tags/index.html"]["groups"]
    assert [(g.name, g.count) for g in tags] == [("Ant", 1), ("zebra", 2)]
    for entry in entries:
        entry.tags = []
    groups.write_group_pages(writer, groups.groups(entries))
    for kind in groups.GROUP_HEADINGS:
        index = writer.views[f"{kind}/index.html"]
        assert index["heading"] == groups.GROUP_HEADINGS[kind][0]
        assert index["empty"] == groups.GROUP_EMPTY[kind]
    timeline = writer.views["timeline/index.html"]["groups"]
    assert [(g.name, g.count, g.month) for g in timeline] == [
        ("2021", 2, False), ("July 2021", 1, True), ("June 2021", 1, True),
        ("2019", 1, False), ("January 2019", 1, True), ("Undated", 1, False),
    ]  # fmt: skip
    assert timeline[0].href == "2021.html" and timeline[1].cover == entries[0].tile()
    assert timeline[0].cover == entries[0].tile(), "a group shows its first photo"
    ratings = writer.views["ratings/index.html"]["groups"]
    assert [(g.name, g.href) for g in ratings] == [
        ("★★★★★", "stars-5.html"),
        ("★★★☆☆", "stars-3.html"),
        ("★★☆☆☆", "stars-2.html"),
    ]
    albums = writer.views["albums/index.html"]["groups"]
    assert [g.name for g in albums] == ["1999-12", "Apple", "Trip", "zoo"], "case ignored"
    assert not any(g.month for g in albums), "only the timeline has months"
    assert writer.views["tags/index.html"]["groups"] == []
    assert "No automatic tags" in html(writer, "tags/index.html")
    assert writer.views[f"albums/{gallery.slug('zoo')}.html"]["heading"] == "Album: zoo"
    assert [s.heading for s in writer.views[f"albums/{gallery.slug('zoo')}.html"]["sections"]] == [
        ""
    ], "a group's grid has no month headings"
    trip = f"albums/{gallery.slug('Trip')}"
    assert writer.views[f"{trip}.html"]["heading"] == "Album: Trip"
    assert writer.views[f"{trip}.html"]["context"] == trip
    assert writer.views["favourites/favourites.html"]["heading"] == "Favourites"
    assert writer.views["timeline/Undated.html"]["heading"] == "Undated"
    assert writer.views["timeline/2021-07.html"]["heading"] == "Taken in July 2021"
    assert writer.views["ratings/stars-3.html"]["heading"] == "Rated ★★★☆☆"
    assert f'src="../{entries[0].tile().src}"' in html(writer, "timeline/index.html")


def test_photo_pages_split_near_duplicates_from_similar_photos(writer):
    entries = entries_of(
        [photo(1, caption="Sea", keywords=["a b"], albums=["Trip"], people=["Ana"]),
         photo(2), photo(3), photo(4, sources=2)]
    )  # fmt: skip
    entries[0].tags = ["beach"]
    # Photos 1 and 3 are copies by their pixels; by meaning, 1's neighbours are 2, 3 and 4,
    # best first; -1 ends a row.
    similar = np.full((4, 5), -1, dtype=np.int32)
    similar[0, :3] = [1, 2, 3]
    similar[1, 0] = 0
    copies = [nearcopies.NearGroup((0, 2), 2, False)]
    photo_pages.write_photo_pages(writer, entries, similar, copies)
    view = writer.views[f"photo/{entries[0].sid}.html"]["p"]
    assert [t.sid for t in view.duplicates] == [entries[2].sid]
    assert [t.sid for t in view.similar] == [entries[1].sid, entries[3].sid]
    third = writer.views[f"photo/{entries[2].sid}.html"]["p"]
    assert [t.sid for t in third.duplicates] == [entries[0].sid] and third.similar == []
    second = writer.views[f"photo/{entries[1].sid}.html"]["p"]
    assert second.duplicates == [] and [t.sid for t in second.similar] == [entries[0].sid]
    assert (view.caption, view.title, view.home) == ("Sea", "1.jpg", "index.html")
    assert view.keywords == [photo_pages.Chip("a b", gallery.slug("a b"))]
    assert view.albums[0].name == "Trip" and view.people[0].name == "Ana"
    assert view.tags == [photo_pages.Chip("beach", gallery.slug("beach"))]
    assert (view.medium.width, view.large.width, view.full.width) == (400, 400, 400)
    steps = [
        (writer.views[f"photo/{e.sid}.html"]["prev"], writer.views[f"photo/{e.sid}.html"]["next"])
        for e in entries
    ]
    sids = [e.sid for e in entries]
    assert steps == [(None, sids[1]), (sids[0], sids[2]), (sids[1], sids[3]), (sids[2], None)]


def test_a_photo_page_shows_a_few_of_a_large_groups_near_duplicates(writer):
    entries = entries_of([photo(n) for n in range(1, 41)])
    everyone = nearcopies.NearGroup(tuple(range(40)), 3, False)
    photo_pages.write_photo_pages(writer, entries, unlike(entries), [everyone])
    view = writer.views[f"photo/{entries[5].sid}.html"]["p"]
    shown = [e.sid for e in entries if e.sid != entries[5].sid][: photo_pages.NEAR_SHOWN]
    assert [t.sid for t in view.duplicates] == shown and photo_pages.NEAR_SHOWN == 24
    assert view.more_duplicates == 39 - 24
    assert "15 more on the duplicates page" in html(writer, f"photo/{entries[5].sid}.html")
    small = writer.views[f"photo/{entries[0].sid}.html"]["p"]
    assert small.more_duplicates == 15
    single = entries_of([photo(1), photo(2)])
    photo_pages.write_photo_pages(
        writer, single, unlike(single), [nearcopies.NearGroup((0, 1), 0, False)]
    )
    assert writer.views[f"photo/{single[0].sid}.html"]["p"].more_duplicates == 0


def test_a_photo_page_links_its_edits_and_returns_to_its_home_page(writer):
    photos = [photo(n) for n in range(grids.PER_PAGE + 1)]
    edited = Photo(**{**photos[-1].__dict__, "links": {"edited_from": [photos[0].id, "gone"]}})
    entries = entries_of(photos[:-1] + [edited])
    photo_pages.write_photo_pages(writer, entries, unlike(entries), [])
    view = writer.views[f"photo/{entries[-1].sid}.html"]["p"]
    assert view.home == "page-2.html"
    assert view.links == [("Edited from", entries[0].sid)]
    assert writer.views[f"photo/{entries[0].sid}.html"]["p"].home == "index.html"


def test_the_duplicates_page_lists_photos_found_in_several_places(writer):
    entries = entries_of([photo(1), photo(2, sources=3), photo(3, sources=2)])
    groups_ = [nearcopies.NearGroup((0, 1), 0, False), nearcopies.NearGroup((0, 2), 5, True)]
    photo_pages.write_duplicates_page(writer, entries, groups_)
    view = writer.views["duplicates.html"]
    assert view["exact"] == [
        photo_pages.ExactDuplicate(e.tile(), e.title, e.sources()) for e in entries[1:]
    ]
    assert [len(d.places) for d in view["exact"]] == [3, 2]
    assert view["near"] == [
        photo_pages.DuplicateGroup([entries[0].tile(), entries[1].tile()], "pixel hashes equal"),
        photo_pages.DuplicateGroup(
            [entries[0].tile(), entries[2].tile()],
            "pixel hashes at most 5 of 63 bits apart, one turned or mirrored",
        ),
    ]
    page = html(writer, "duplicates.html")
    assert "found in 3 places" in page and "Group 2: 2 photos, pixel hashes at most 5" in page


def test_the_header_links_only_to_pages_that_show_something():
    entries = _library()
    found = groups.groups(entries)
    everything = groups.navigation(found, places="places.html", duplicates=True)
    assert everything == [
        ("Timeline", "timeline/index.html"), ("Albums", "albums/index.html"),
        ("Places", "places.html"), ("People", "people/index.html"),
        ("Favourites", "favourites/index.html"), ("Ratings", "ratings/index.html"),
        ("Cameras", "cameras/index.html"), ("Keywords", "keywords/index.html"),
        ("Duplicates", "duplicates.html"),
    ]  # fmt: skip
    plain = groups.groups(entries_of([photo(1), photo(2)]))
    assert groups.navigation(plain, places=None, duplicates=False) == [
        ("Timeline", "timeline/index.html")
    ]
    named = groups.navigation(plain, places="places/index.html", duplicates=False)
    assert named[1] == ("Places", "places/index.html")
    assert groups.navigation(groups.groups([]), places=None, duplicates=False) == []


def test_duplicates_exist_when_a_photo_has_two_places_or_a_pair_is_near():
    entries = entries_of([photo(1), photo(2), photo(3)])
    assert not photo_pages.has_duplicates(entries, [])
    assert photo_pages.has_duplicates(entries, [nearcopies.NearGroup((0, 1), 3, False)])
    assert photo_pages.has_duplicates(entries_of([photo(1, sources=2)]), [])


def test_shapes_give_each_picture_its_aspect_ratio_within_a_quarter_percent():
    reach = shapes.REACH
    assert shapes.STEP**reach == pytest.approx(4, rel=0.003)
    assert shapes.shape(100, 100) == reach and shapes.ratio(reach) == 1
    worst = max(
        abs(shapes.ratio(shapes.shape(w, h)) / (w / h) - 1)
        for w in range(30, 330, 7)
        for h in range(30, 330, 11)
        if 0.25 <= w / h <= 4
    )
    assert 0.002 < worst <= 0.0025
    assert shapes.shape(320, 213) > shapes.shape(320, 240) > reach > shapes.shape(240, 320)
    assert (shapes.shape(10_000, 1), shapes.shape(1, 10_000), shapes.shape(5, 0)) == (
        2 * reach, 0, 2 * reach
    )  # fmt: skip
    rules = shapes.stylesheet().splitlines()[1:]
    assert len(rules) == 2 * reach + 1
    assert rules[reach] == f".s{reach}{{--r:1.00000}}"
    assert rules[0] == f".s0{{--r:{shapes.ratio(0):.5f}}}" and rules[0].endswith("0.24994}")
    tile = entries_of([photo(1)])[0].tile()
    assert tile.shape == shapes.shape(tile.width, tile.height)


def _placed() -> list[Entry]:
    kyoto = {"city": "Kyoto", "region": "Kyoto", "country": "Japan", "population": 1463723}
    paris_tx = {"city": "Paris", "region": "Texas", "country": "United States"}
    austin = {"city": "Austin", "region": "Texas", "country": "United States"}
    paris_ky = {"city": "Paris", "region": "Kentucky", "country": "United States"}
    return entries_of([
        photo(1, place=kyoto), photo(2, place=paris_tx), photo(3), photo(4, place=austin),
        photo(5, place=paris_tx), photo(6, place=kyoto), photo(7, place=paris_ky),
        photo(8, place={"region": "Bavaria", "country": "Germany"}),
    ])  # fmt: skip


def test_place_pages_list_countries_then_towns_then_photos(writer):
    from photoseek.build_site import placepages

    entries = _placed()
    found = placepages.towns(entries)
    placepages.write_place_pages(writer, found)
    countries = writer.views["places/index.html"]["groups"]
    # The most photographed first, then by name; each shows its first photo.
    assert [(g.name, g.count) for g in countries] == [
        ("United States", 4), ("Japan", 2), ("Germany", 1)]  # fmt: skip
    us = gallery.slug("United States")
    assert [g.href for g in countries] == [f"{us}.html", f"{gallery.slug('Japan')}.html",
                                           f"{gallery.slug('Germany')}.html"]  # fmt: skip
    assert countries[0].cover == entries[1].tile(), "its most photographed town's first photo"
    towns = writer.views[f"places/{us}.html"]
    assert towns["heading"] == "Places in United States"
    # Two towns named Paris stay apart, told by their region.
    assert [(g.name, g.count) for g in towns["groups"]] == [
        ("Paris", 2), ("Austin", 1), ("Paris", 1)]  # fmt: skip
    assert towns["groups"][0].href == f"{us}/{gallery.slug('Paris, Texas')}.html"
    assert towns["groups"][2].href == f"{us}/{gallery.slug('Paris, Kentucky')}.html"
    assert towns["links"] == [("All countries", "index.html"), ("The map", "../places.html")]
    texas = writer.views[f"places/{us}/{gallery.slug('Paris, Texas')}.html"]
    assert texas["heading"] == "Taken in Paris, United States"
    assert texas["note"] == "In Texas."
    assert texas["links"] == [
        ("United States", f"../{us}.html"),
        ("All countries", "../index.html"),
    ]
    assert [t.sid for s in texas["sections"] for t in s.tiles] == [entries[1].sid, entries[4].sid]
    assert texas["context"] == f"places/{us}/{gallery.slug('Paris, Texas')}"
    kyoto = writer.views[f"places/{gallery.slug('Japan')}/{gallery.slug('Kyoto, Kyoto')}.html"]
    assert kyoto["note"] == "", "a region named like its town is not said twice"
    assert not any(g.month for g in countries + towns["groups"]), "no month marks"
    bavaria = writer.views[f"places/{gallery.slug('Germany')}.html"]["groups"]
    assert [g.name for g in bavaria] == ["Bavaria"], "a place without a town by its region"
    assert writer.views["places/index.html"]["links"] == [("The map", "../places.html")]
    assert '<a href="../places.html">The map</a>' in html(writer, "places/index.html")
    placepages.write_place_pages(writer, found, with_map=False)
    assert writer.views["places/index.html"]["links"] == [], "no map to link to"
    assert writer.views[f"places/{us}.html"]["links"] == [("All countries", "index.html")]


def test_a_photo_page_names_its_town_and_links_to_it(writer):
    entries = _placed()
    photo_pages.write_photo_pages(writer, entries, unlike(entries), [])
    view = writer.views[f"photo/{entries[1].sid}.html"]["p"]
    us = gallery.slug("United States")
    assert view.town == ("Paris, United States", f"places/{us}/{gallery.slug('Paris, Texas')}.html")
    assert writer.views[f"photo/{entries[2].sid}.html"]["p"].town is None
    assert 'id="town">Paris, United States</a>' in html(writer, f"photo/{entries[1].sid}.html")
    assert writer.views[f"photo/{entries[7].sid}.html"]["p"].town[0] == "Bavaria, Germany"
    hidden = dataclasses.replace(entries[1], privacy=gallery.Privacy(strip_location=True))
    assert photo_pages._view(hidden, {}, [], []).town is None


def test_places_of_equal_counts_go_by_name_and_a_region_is_said_when_it_differs(writer):
    from photoseek.build_site import placepages

    # Names as JSON gives them: equal strings, never the same object.
    kyoto = "".join(["Ky", "oto"])
    entries = entries_of([
        photo(1, place={"city": "Zermatt", "region": "Valais", "country": "Switzerland"}),
        photo(2, place={"city": "Kyoto", "region": kyoto, "country": "Japan"}),
    ])  # fmt: skip
    placepages.write_place_pages(writer, placepages.towns(entries))
    assert [g.name for g in writer.views["places/index.html"]["groups"]] == ["Japan", "Switzerland"]
    zermatt = f"places/{gallery.slug('Switzerland')}/{gallery.slug('Zermatt, Valais')}.html"
    assert writer.views[zermatt]["note"] == "In Valais."
    town = f"places/{gallery.slug('Japan')}/{gallery.slug('Kyoto, Kyoto')}.html"
    assert writer.views[town]["note"] == ""
