"""The declared facts, value by value: each kind's bounds (inclusive), limits and warnings.

Fast and in-process, so that a mutation tester can run it for every mutant of facts.py.
"""

from __future__ import annotations

import math

import pytest

from photoseek.facts import (
    FACTS,
    LIST_MAX,
    LOCATION,
    NAME_MAX,
    PAGE_MAX,
    PATH,
    PICTURE_TEXT,
    TEXT_MAX,
    CleanMeta,
    Invalid,
    clean_meta,
    converted,
    public_meta,
)


def clean(meta: dict) -> tuple[dict, list[str]]:
    warnings: list[str] = []
    return dict(clean_meta(meta, warnings.append)), warnings


@pytest.mark.parametrize(
    ("name", "value", "kept"),
    [
        ("rating", 0, 0),
        ("rating", 5, 5),
        ("rating", 5.0, 5),
        ("rating", 6, None),
        ("rating", -1, None),
        ("rating", 2.5, None),
        ("rating", True, None),
        ("rating", "3", None),
        ("pick", -1, -1),
        ("pick", 1, 1),
        ("pick", -2, None),
        ("pick", 2, None),
        ("iso", 1, 1),
        ("iso", 0, None),
        ("iso", 10_000_000, 10_000_000),
        ("iso", 10_000_001, None),
        ("aperture", 0.1, 0.1),
        ("aperture", 0.09, None),
        ("aperture", 1000, 1000.0),
        ("aperture", 1000.5, None),
        ("aperture", math.nan, None),
        ("aperture", math.inf, None),
        ("focal_length", 35, 35.0),
        ("focal_length", "fifty", None),
        ("original_width", 1, 1),
        ("original_width", 0, None),
        ("original_width", 1_000_000, 1_000_000),
        ("original_width", 1_000_001, None),
        ("favourite", True, True),
        ("favourite", 1, None),
        ("favourite", "yes", None),
        ("caption", "  hello \x00world\x07 ", "hello world"),
        ("caption", "   ", None),
        ("caption", 5, None),
        ("title", "t" * (NAME_MAX + 10), "t" * NAME_MAX),
        ("caption", "c" * (TEXT_MAX + 10), "c" * TEXT_MAX),
        ("ocr", "o" * PAGE_MAX, "o" * PAGE_MAX),
        ("ocr", "o" * (PAGE_MAX + 1), "o" * PAGE_MAX),
        ("taken", "2019-06-01T14:00:00", "2019-06-01T14:00:00"),
        ("taken", "2019-06-01T14:00:00+02:00", "2019-06-01T14:00:00+02:00"),
        ("taken", "2019-06-01T14:00:00Z", "2019-06-01T14:00:00Z"),
        ("taken", "2019-06-01T14:00:00.250", "2019-06-01T14:00:00.250"),
        ("taken", "1826-01-01T00:00:00", "1826-01-01T00:00:00"),
        ("taken", "1825-12-31T23:59:59", None),
        ("taken", "2200-12-31T23:59:59", "2200-12-31T23:59:59"),
        ("taken", "2201-01-01T00:00:00", None),
        ("taken", "2019-13-01T00:00:00", None),
        ("taken", "2019-06-01 14:00:00", None),
        ("taken", "../../X-aaTaaaaaaaa", None),
        ("taken", 1560000000, None),
        ("gps", {"lat": 90, "lon": 180}, {"lat": 90.0, "lon": 180.0}),
        ("gps", {"lat": -90, "lon": -180}, {"lat": -90.0, "lon": -180.0}),
        ("gps", {"lat": 90.01, "lon": 0}, None),
        ("gps", {"lat": 0, "lon": 180.01}, None),
        ("gps", {"lat": "47.1", "lon": 8.5}, None),
        ("gps", {"lat": 1.0}, None),
        ("gps", [1.0, 2.0], None),
        ("gps", {"lat": 1, "lon": 2, "alt": 100}, {"lat": 1.0, "lon": 2.0, "alt": 100.0}),
        ("gps", {"lat": 1, "lon": 2, "alt": -20_000}, {"lat": 1.0, "lon": 2.0, "alt": -20000.0}),
        ("gps", {"lat": 1, "lon": 2, "alt": -20_001}, {"lat": 1.0, "lon": 2.0}),
        ("gps", {"lat": 1, "lon": 2, "alt": 100_001}, {"lat": 1.0, "lon": 2.0}),
        ("gps", {"lat": 1, "lon": 2, "alt": "high"}, {"lat": 1.0, "lon": 2.0}),
        ("preview_levels", [{"width": 110, "height": 75}], [{"width": 110, "height": 75}]),
        ("preview_levels", [{"width": 0, "height": 75}], None),
        ("preview_levels", [{"width": 110}], None),
        ("preview_levels", [[110, 75]], None),
    ],
)
def test_each_kind_keeps_exactly_its_valid_values(name, value, kept):
    result, warnings = clean({name: value})
    assert result.get(name) == kept
    assert (name in result) == (kept is not None)
    assert type(result.get(name)) is type(kept)
    if kept is None:
        assert len(warnings) == 1 and warnings[0].startswith(f"{name}: ")


def test_lists_are_cleaned_item_by_item_and_deduplicated():
    result, warnings = clean({"keywords": ["a", 3, "a", " b ", None, "b"], "people": "Ana"})
    assert result == {"keywords": ["a", "b"]}
    assert warnings == [
        "keywords: item 3 is not a valid name; dropped",
        "keywords: item None is not a valid name; dropped",
        "people: expected a list, got 'Ana'; dropped",
    ]


def test_long_lists_are_cut_with_a_warning():
    result, warnings = clean({"albums": [f"a{i}" for i in range(LIST_MAX + 5)]})
    assert result["albums"] == [f"a{i}" for i in range(LIST_MAX)]
    assert warnings == [f"albums: {LIST_MAX + 5} items, only the first {LIST_MAX} kept"]
    exact, quiet = clean({"albums": [f"a{i}" for i in range(LIST_MAX)]})
    assert len(exact["albums"]) == LIST_MAX and quiet == []


def test_empty_lists_vanish_quietly():
    assert clean({"keywords": []}) == ({}, [])
    assert clean({"keywords": [7]})[0] == {}


def test_cut_text_is_reported_and_short_text_is_not():
    assert clean({"caption": "c" * TEXT_MAX})[1] == []
    assert clean({"caption": "c" * (TEXT_MAX + 1)})[1] == [
        f"caption: {TEXT_MAX + 1} characters, cut to {TEXT_MAX}"
    ]
    assert clean({"title": "t" * (NAME_MAX + 1)})[1] == [
        f"title: {NAME_MAX + 1} characters, cut to {NAME_MAX}"
    ]


def test_unknown_none_false_and_private_notes():
    result, warnings = clean(
        {"shoe_size": 42, "caption": None, "favourite": False, "_orientation": 6}
    )
    assert result == {"_orientation": 6}
    assert warnings == ["shoe_size: not a known fact; dropped"]


def test_invalid_values_carry_their_reason():
    result, warnings = clean({"taken": Invalid("1e300 is too far"), "rating": 4})
    assert result == {"rating": 4}
    assert warnings == ["taken: 1e300 is too far; dropped"]


def test_converted_keeps_a_failure_to_its_field():
    assert converted(int, "12") == 12
    assert converted(lambda a, b: a / b, 1, 4) == 0.25
    for bad in (lambda: converted(int, "x"), lambda: converted(lambda v: 1 / v, 0)):
        failure = bad()
        assert isinstance(failure, Invalid)
    assert converted(int, "x").reason == (
        "'x' cannot be read (ValueError: invalid literal for int() with base 10: 'x')"
    )


def test_long_values_are_shown_short_in_warnings():
    _, warnings = clean({"rating": "9" * 100})
    shown = warnings[0].split(": ", 1)[1].split(" is not")[0]
    assert len(shown) == 60 and shown.endswith("...")
    _, warnings = clean({"rating": "9" * 58})
    assert "9" * 58 in warnings[0]


def test_clean_meta_is_not_done_twice():
    once = clean_meta({"rating": 3})
    assert isinstance(once, CleanMeta)
    assert clean_meta(once) is once
    assert type(clean_meta({"rating": 3})) is CleanMeta


def test_public_meta_by_privacy_class():
    meta = {
        "gps": {"lat": 1.0, "lon": 2.0},
        "original_path": "/home/me/a.jpg",
        "takeout_path": "Photos from 2019/a.jpg",
        "takeout_sidecar": "a.jpg.json",
        "google_photos_url": "https://photos.google.com/x",
        "caption": "c",
        "ocr": "EXIT",
        "invented": "?",
        "_note": 1,
    }
    published = {"gps": meta["gps"], "caption": "c", "ocr": "EXIT"}
    assert public_meta(meta, frozenset({PATH})) == published
    assert public_meta(meta, frozenset({PATH, LOCATION})) == {"caption": "c", "ocr": "EXIT"}
    assert public_meta(meta, frozenset({PATH, PICTURE_TEXT})) == {
        "gps": meta["gps"],
        "caption": "c",
    }
    shown = public_meta(meta, frozenset())
    assert shown.keys() == {
        "gps", "original_path", "takeout_path", "takeout_sidecar", "google_photos_url",
        "caption", "ocr", "invented",
    }  # fmt: skip
    assert public_meta(meta, frozenset({LOCATION})).keys() == shown.keys() - {"gps"}


def test_the_declarations():
    assert FACTS["gps"].private == "location"
    paths = {name for name, fact in FACTS.items() if fact.private == "path"}
    assert paths == {"original_path", "takeout_path", "takeout_sidecar", "google_photos_url"}
    assert {name for name, fact in FACTS.items() if fact.kind == "names"} == {
        "keywords",
        "albums",
        "people",
    }


# The README's numbers, written out: a change to a declaration must change this table too.
BOUNDS = {
    "rating": (0, 5),
    "pick": (-1, 1),
    "iso": (1, 10_000_000),
    "aperture": (0.1, 1000),
    "focal_length": (0.1, 100_000),
    "original_width": (1, 1_000_000),
    "original_height": (1, 1_000_000),
    "cropped_width": (1, 1_000_000),
    "cropped_height": (1, 1_000_000),
    "lightroom_image_id": (0, 2**63 - 1),
}


def test_every_number_has_its_stated_bounds():
    numbers = {n for n, f in FACTS.items() if f.kind in ("int", "float")}
    assert numbers == set(BOUNDS)
    for name, (low, high) in BOUNDS.items():
        step = 1 if FACTS[name].kind == "int" else 0.01
        assert clean({name: low})[0] == {name: low}, name
        assert clean({name: high})[0] == {name: high}, name
        assert clean({name: low - step})[0] == {}, name
        assert clean({name: high + step})[0] == {}, name


def test_the_stated_limits():
    assert clean({"caption": "c" * 2000})[0]["caption"] == "c" * 2000
    assert len(clean({"caption": "c" * 2001})[0]["caption"]) == 2000
    assert len(clean({"title": "t" * 301})[0]["title"]) == 300
    assert clean({"title": "t" * 300})[1] == []
    # Text read in a picture: a screenshot of a document can hold pages of it.
    assert clean({"ocr": "o" * 20_000})[0]["ocr"] == "o" * 20_000
    assert len(clean({"ocr": "o" * 20_001})[0]["ocr"]) == 20_000
    assert len(clean({"keywords": [str(i) for i in range(501)]})[0]["keywords"]) == 500
    assert clean({"caption": "short"})[1] == []


def test_places_at_and_past_every_edge():
    for lat, lon, ok in [(-90.01, 0, False), (0, -180.01, False), (-89.99, -179.99, True)]:
        assert ("gps" in clean({"gps": {"lat": lat, "lon": lon}})[0]) is ok, (lat, lon)
    assert clean({"gps": {"lat": 1, "lon": 2, "alt": 100_000}})[0]["gps"]["alt"] == 100_000


def test_sizes_at_their_edges():
    assert clean({"preview_levels": [{"width": 1, "height": 1_000_000}]})[0]
    assert clean({"preview_levels": [{"width": 1_000_001, "height": 5}]})[0] == {}
    assert clean({"preview_levels": [{"width": 2.5, "height": 5}]})[0] == {}


def test_a_zero_is_no_boolean():
    assert clean({"favourite": 0}) == ({}, ["favourite: 0 is not a valid bool; dropped"])


def test_private_notes_never_stop_the_rest():
    assert clean({"_note": 1, "rating": 2}) == ({"_note": 1, "rating": 2}, [])


def test_a_value_shown_in_a_warning_is_at_most_60_characters():
    _, warnings = clean({"rating": "9" * 59})  # its repr is 61 characters
    assert "'" + "9" * 56 + "..." in warnings[0]


def test_declarations_cannot_change_at_run_time():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        FACTS["rating"].high = 100
    with pytest.raises(dataclasses.FrozenInstanceError):
        Invalid("x").reason = "y"
    # What to hide has no default: a caller must say it.
    with pytest.raises(TypeError):
        public_meta({})  # type: ignore[call-arg]


def test_false_is_quiet_only_for_booleans():
    assert clean({"archived": False}) == ({}, [])
    assert clean({"rating": False}) == ({}, ["rating: False is not a valid int; dropped"])


@pytest.mark.parametrize("bad", [{"city": 5}, {"code": "JP"}, "Kyoto", {"city": " "}])
def test_a_place_fact_without_a_name_is_dropped(bad):
    from photoseek.facts import clean_meta

    said = []
    assert "place" not in clean_meta({"place": bad}, said.append)
    assert said and said[0].startswith("place:")


def test_a_place_facts_parts_are_checked():
    from photoseek.facts import clean_meta

    clean = clean_meta({"place": {"city": " Kyoto\x00 ", "code": "jp", "population": -1,
                                  "other": "x"}})  # fmt: skip
    assert clean["place"] == {"city": "Kyoto"}
