"""The search filters' data, in process (fast enough for mutation testing)."""

from __future__ import annotations

from pathlib import Path

from photoseek.build_site.facets import facets
from photoseek.build_site.gallery import Entry
from photoseek.library import Photo


def _entry(index: int, **meta: object) -> Entry:
    photo = Photo(f"{index:032x}", Path("p.jpg"), "JPEG", 10, 10, 1, [], dict(meta))
    return Entry(photo, f"{index:012x}", index, "p.jpg", (10, 10))


def test_each_photo_has_its_day_rating_favourite_camera_and_people_by_position():
    entries = [
        _entry(0, taken="2021-06-12T10:15:00", rating=4, favourite=True, camera="X100V",
               people=["Bo", "Ana"]),
        _entry(1, taken="2019-01-02", camera="EOS R6", people=["Bo"]),
        _entry(2, rating=0),
        _entry(3, taken="2020-02-29T23:59:59+02:00", camera="X100V", rating=5),
    ]  # fmt: skip
    assert facets(entries) == {
        "taken": [20210612, 20190102, 0, 20200229],
        "rating": [4, 0, 0, 5],
        "favourite": [1, 0, 0, 0],
        # Named once, sorted; each photo holds positions (-1: no camera).
        "cameras": ["EOS R6", "X100V"],
        "camera": [1, 0, -1, 1],
        "people": ["Ana", "Bo"],
        "person": [[0, 1], [1], [], []],
    }


def test_a_date_without_a_whole_day_counts_as_undated():
    odd = ["2021-06", "circa 1990", "", "2021061210"]
    assert facets([_entry(i, taken=text) for i, text in enumerate(odd)])["taken"] == [0, 0, 0, 0]


def test_places_are_named_once_the_largest_first_and_each_photo_holds_its_own():
    paris = {"city": "Paris", "region": "Île-de-France", "country": "France", "population": 2138551}
    texas = {"city": "Paris", "region": "Texas", "country": "United States", "population": 24782}
    kyoto = {"city": "Kyoto", "country": "Japan"}
    entries = [_entry(0, place=texas), _entry(1, place=paris), _entry(2), _entry(3, place=kyoto),
               _entry(4, place=paris)]  # fmt: skip
    found = facets(entries)
    assert found["places"] == [
        ["Paris", "Île-de-France", "France", 2138551],
        ["Paris", "Texas", "United States", 24782],
        ["Kyoto", "", "Japan", 0],
    ]
    assert found["place"] == [1, 0, -1, 2, 0]
    assert "places" not in facets([_entry(0), _entry(1)]), "nothing to filter by, no bytes"
    assert "place" not in facets([_entry(0)])
