"""Photos by their own words, in-process: the word-start rule of the gallery's textMatches
and matchedParts (site/core.js, tests/js/core.test.js has the same cases), and the search
of photoseek search that puts them before the text in pictures and meaning."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from photoseek.fieldmatch import folded, matched_parts, search_parts
from photoseek.library import Photo
from photoseek.searching import MEANING, PICTURE_TEXT, find

PARTS = [("n", "IMG_1.jpg"), ("c", "Red door"), ("a", "Trip"), ("k", "sea"), ("p", "Ana"),
         ("t", "Café du Port")]  # fmt: skip


def test_each_word_must_start_a_word_of_some_part_and_says_which():
    assert matched_parts(PARTS, "ana red") == [("person", "Ana"), ("caption", "Red door")]
    assert matched_parts(PARTS, "CAFE") == [("title", "Café du Port")]
    assert matched_parts(PARTS, "door red") == [("caption", "Red door")]
    assert matched_parts(PARTS, "img trip sea") == [
        ("name", "IMG_1.jpg"), ("album", "Trip"), ("keyword", "sea")
    ]  # fmt: skip
    assert matched_parts(PARTS, "oor") == [], "a word must start a word of the text"
    assert matched_parts(PARTS, "red zebra") == [], "every word must be found"
    assert matched_parts(PARTS, "jpg") == [("name", "IMG_1.jpg")], "after a dot, a word starts"
    assert matched_parts([("n", "a_b.jpg")], "b") == [("name", "a_b.jpg")]
    assert matched_parts([("n", "ab.jpg")], "b") == []
    assert folded("Ça Été") == "ca ete"


def test_a_photos_parts_come_once_each_name_first():
    meta = {"title": "Ana", "caption": "Sea", "keywords": ["Ana", "Bo"], "albums": ["Cy"],
            "people": ["Bo", "Cy", "Di"]}  # fmt: skip
    assert search_parts("IMG_1.jpg", meta) == [
        ("n", "IMG_1.jpg"), ("c", "Sea"), ("t", "Ana"), ("k", "Bo"), ("a", "Cy"), ("p", "Di")
    ]  # fmt: skip
    assert search_parts("x.jpg", {}) == [("n", "x.jpg")]


def photo(n: int, **meta: object) -> Photo:
    return Photo(f"{n:040x}", Path(f"/in/{n}.jpg"), "JPEG", 4, 3, 1, [], dict(meta))


def test_words_then_text_in_pictures_then_meaning_strong_first():
    photos = [
        photo(0, caption="red door"),
        photo(1),
        photo(2),
        photo(3, taken="2020-01-01T00:00:00"),
    ]
    photos += [photo(n) for n in range(4, 30)]
    ids = [p.id for p in photos]
    rng = np.random.default_rng(1)
    vectors = rng.normal(0, 0.05, (len(ids), 4))
    vectors[3] = [1, 0, 0, 0]
    query = np.array([1.0, 0, 0, 0])
    hits = find(photos, {ids[2]: "RED SALE"}, ids, vectors, query, "red", top=6)
    assert [h.photo.id for h in hits[:3]] == [ids[0], ids[2], ids[3]]
    assert hits[0].matched == [("caption", "red door")] and hits[0].score is None
    assert hits[1].matched == [(PICTURE_TEXT, "red")]
    assert hits[2].matched == [(MEANING, "")] and hits[2].score == 1.0
    assert [h.strong for h in hits] == [True, True, True, False, False, False]
    assert len(find(photos, {}, ids, vectors, query, "red", top=2)) == 2
    # By date: strong ones newest first (the dated before the undated), weaker ones likewise.
    dated = find(photos, {ids[2]: "RED SALE"}, ids, vectors, query, "red", top=6, by_date=True)
    weak = [h.photo.id for h in hits[3:]]
    assert [h.photo.id for h in dated] == [ids[3], ids[0], ids[2], *weak]
    # No vector for the words: matches of words alone.
    assert [h.photo.id for h in find(photos, {}, ids, vectors, None, "red", top=6)] == [ids[0]]


def test_each_stage_stops_at_top_and_lists_a_photo_once():
    import dataclasses

    import pytest

    photos = [photo(n, caption="red") for n in range(5)] + [photo(n) for n in range(5, 12)]
    ids = [p.id for p in photos]
    vectors = np.eye(len(ids), 4)
    query = np.array([1.0, 0, 0, 0])
    # Five photos by their words, but three asked for.
    assert [h.photo.id for h in find(photos, {}, ids, vectors, query, "red", top=3)] == ids[:3]
    # Text in pictures: a photo already found by its words is not listed again, nor is a
    # photo the library no longer holds; the stage stops at top too.
    texts = {ids[0]: "RED", ids[6]: "RED", ids[7]: "RED", "gone": "RED"}
    hits = find(photos[5:], texts, ids, vectors, None, "red", top=2)
    assert [(h.photo.id, h.matched[0][0]) for h in hits] == [
        (ids[6], PICTURE_TEXT),
        (ids[7], PICTURE_TEXT),
    ]
    # Found by their words first, the text in pictures fills only the places left.
    both = find(photos, texts, ids, vectors, None, "red", top=7)
    assert [h.photo.id for h in both] == ids[:5] + [ids[6], ids[7]]
    one_left = find(photos, texts, ids, vectors, None, "red", top=6)
    assert [h.photo.id for h in one_left] == ids[:5] + [ids[6]]
    # By meaning: photo 0 ranks first but was found by its words; the rest still follow.
    hits = find(photos, {}, ids, vectors, query, "red", top=7)
    assert [h.photo.id for h in hits] == ids[:5] + [ids[5], ids[6]]
    assert len({h.photo.id for h in hits}) == 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        hits[0].strong = False  # type: ignore[misc]


def test_a_score_at_the_floor_is_strong_as_in_the_gallery():
    photos = [photo(n) for n in range(4)]
    ids = [p.id for p in photos]
    # Scores 0, 0, 0 and 1: the median and its deviation are 0, so 0 is the floor.
    vectors = np.array([[0.0, 1], [0, 1], [0, 1], [1, 0]])
    hits = find(photos, {}, ids, vectors, np.array([1.0, 0]), "zzz", top=4)
    assert [h.strong for h in hits] == [True] * 4


def test_a_photo_is_found_by_its_original_name_and_the_newest_come_first():
    older = Photo("a" * 40, Path("/lib/aa.jpg"), "JPEG", 4, 3, 1, [],
                  {"original_name": "DSC_1.NEF", "taken": "2019-01-01T00:00:00"})  # fmt: skip
    newer = Photo("b" * 40, Path("/lib/bb.jpg"), "JPEG", 4, 3, 1, [],
                  {"original_name": "DSC_2.NEF", "taken": "2021-01-01T00:00:00"})  # fmt: skip
    hits = find([older, newer], {}, [], np.zeros((0, 4)), None, "dsc", top=5, by_date=True)
    assert [(h.photo.id[0], h.matched) for h in hits] == [
        ("b", [("name", "DSC_2.NEF")]), ("a", [("name", "DSC_1.NEF")])
    ]  # fmt: skip
    assert find([older], {}, [], np.zeros((0, 4)), None, "aa", top=5) == []
    # A virtual copy is called by its own name, as the gallery calls it.
    named = {"original_name": "DSC_1.NEF", "virtual_copy_name": "Black and white"}
    copy = Photo("c" * 40, Path("/lib/cc.jpg"), "JPEG", 4, 3, 1, [], named)
    found = find([copy], {}, [], np.zeros((0, 4)), None, "black", top=5)
    assert [h.matched for h in found] == [[("name", "Black and white")]]


PARIS = {"city": "Paris", "region": "Île-de-France", "country": "France", "population": 2138551}
TEXAS = {"city": "Paris", "region": "Texas", "country": "United States", "population": 24782}
KYOTO = {"city": "Kyoto", "region": "Kyoto", "country": "Japan", "population": 1463723}


def _placed() -> list[Photo]:
    return [
        photo(0, place=TEXAS, taken="2021-07-02T10:00:00"),
        photo(1, place=PARIS, taken="2019-07-14T10:00:00"),
        photo(2, place=PARIS, taken="2021-07-20T10:00:00"),
        photo(3, place=KYOTO, taken="2019-04-05T10:00:00"),
        photo(4, caption="Paris poster", taken="2021-07-03T10:00:00"),
        photo(5, place=KYOTO),
        photo(6, place=PARIS, taken="2021-07-20T10:00:00"),
    ]


def test_place_names_come_largest_first_and_narrowing_lists_the_largest_place_first():
    from photoseek.searching import narrowed, place_names, understood

    photos = _placed()
    names = place_names(photos)
    assert names[:3] == ["Paris", "Île-de-France", "France"]
    assert names.index("Kyoto") < names.index("Texas")
    ids = lambda found: [p.id[-1] for p in found]  # noqa: E731
    # Paris, France before Paris, Texas; each newest first (ties by id, as the gallery).
    assert ids(narrowed(photos, understood(photos, "paris"))) == ["6", "2", "1", "0"]
    assert ids(narrowed(photos, understood(photos, "july 2021"))) == ["6", "2", "4", "0"]
    assert ids(narrowed(photos, understood(photos, "2019"))) == ["1", "3"]
    assert ids(narrowed(photos, understood(photos, "KYOTO"))) == ["3", "5"]
    assert ids(narrowed(photos, understood(photos, "kyoto 2019"))) == ["3"]
    assert ids(narrowed(photos, understood(photos, "april"))) == ["3"]
    assert ids(narrowed(photos, understood(photos, "texas july"))) == ["0"]
    assert ids(narrowed(photos, understood(photos, "2020"))) == []
    # The first and the last day of a period are in it.
    edges = [
        photo(10, taken="2019-12-31T23:59:59"),
        photo(11, taken="2019-01-01T00:00:00"),
        photo(12, taken="2018-12-31T23:59:59"),
        photo(13, taken="2019-10-01T08:00:00"),
    ]
    assert ids(narrowed(edges, understood(edges, "2019"))) == ["a", "d", "b"]
    assert ids(narrowed(edges, understood(edges, "december"))) == ["a", "c"]
    assert ids(narrowed(edges, understood(edges, "october"))) == ["d"]


def test_meaning_within_the_narrowing_then_words_outside_it():
    from photoseek.searching import DATE, PLACE, understood

    photos = _placed()
    ids = [p.id for p in photos]
    vectors = np.zeros((len(ids), 4))
    vectors[:, 3] = np.arange(len(ids)) * 0.1
    vectors[0] = [1, 0, 0, 0]
    vectors[2] = [0.9, 0, 0, 0]
    said = understood(photos, "red paris")
    assert said.words == "red"
    hits = find(photos, {}, ids, vectors, np.array([1.0, 0, 0, 0]), "red paris", 10, said=said)
    assert [h.photo.id[-1] for h in hits[:2]] == ["0", "2"], "by meaning, within Paris"
    assert hits[0].matched[0] == (PLACE, "Paris, United States")
    assert {h.photo.id[-1] for h in hits} == {"0", "1", "2", "6"}
    # Nothing left but the place: its photos, then a photo outside whose words say it.
    only = find(photos, {}, ids, vectors, None, "paris", 10, said=understood(photos, "paris"))
    assert [h.photo.id[-1] for h in only] == ["6", "2", "1", "0", "4"]
    assert only[-1].matched == [("caption", "Paris poster")] and only[-1].strong
    full = find(photos, {}, ids, vectors, None, "paris", 4, said=understood(photos, "paris"))
    assert len(full) == 4, "none past the top"
    assert only[0].matched == [(PLACE, "Paris, France")] and only[0].strong
    plain = find(photos, {}, ids, vectors, None, "poster", 10, said=understood(photos, "poster"))
    assert plain == find(photos, {}, ids, vectors, None, "poster", 10), "no place, no date"
    dated = find(photos, {}, ids, vectors, None, "2019", 1, said=understood(photos, "2019"))
    assert [(h.photo.id[-1], h.matched) for h in dated] == [("1", [(DATE, "2019-07-14")])]
