"""The rest of the site build, in-process: its closing lines, the search vocabulary and the
automatic tags, the data files, and a whole build of a small library. Fast enough for a
mutation tester to run for every mutant of summary.py, words.py, datafiles.py and run.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from photoseek import samples
from photoseek.build_site import (
    SiteOptions,
    build_site,
    datafiles,
    photo_pages,
    run,
    searchdata,
    summary,
    words,
)
from photoseek.build_site.gallery import Entry
from photoseek.build_site.textmodel import TextModelFiles
from photoseek.embed import embed_library, load_embedder
from photoseek.extract import extract
from photoseek.library import Library, Photo


def photo(n: int, **meta: object) -> Photo:
    return Photo(f"{n:040x}", Path(f"/in/{n}.jpg"), "JPEG", 400, 300, 1, [], dict(meta))


def entries_of(photos: list[Photo]) -> list[Entry]:
    return [Entry(p, p.id[-12:], i, p.name, (400, 300)) for i, p in enumerate(photos)]


def test_the_closing_lines_say_what_the_build_did():
    done = summary.SiteSummary(
        photos=4, pages_written=10, pages_unchanged=2, concepts=7, removed=1,
        pictures_failed=[("/in/x.jpg", "OSError: cut")],
        data_bytes={"vectors": 300, "photos": 100, "concepts": 2_500_000},
    )  # fmt: skip
    assert done.lines() == [
        "4 photos, 10 pages written, 2 unchanged, 1 stale files removed, 1 pictures unreadable",
        "search data: 100 bytes per photo, plus 2.5 MB for 7 concepts (loaded only when search "
        "is used)",
    ]
    done.data_bytes |= {"text model": 97_000_000, "fine": 2064, "ocr": 40}
    done.notes.append("the gallery has no text model: too wide")
    lines = done.lines()
    assert lines[2] == (
        "text model: 97.0 MB, and 516 bytes per photo to rank with it (loaded only when a search "
        "needs words the vocabulary lacks; --no-text-model leaves it out)"
    )
    assert lines[3] == "text in pictures: 10 bytes per photo (--ocr-private leaves it out)"
    assert lines[4] == "note: the gallery has no text model: too wide"
    outcome = done.outcome()
    assert outcome.lines == lines and outcome.skipped == [("/in/x.jpg", "OSError: cut")]
    empty = summary.SiteSummary().lines()
    assert empty[1].startswith("search data: 0 bytes per photo, plus 0.0 MB for 0 concepts")
    # With lists (searchlists.py), their codes count as search data, their residuals as
    # what ranks with the text model.
    done.data_bytes |= {"lists": 800, "residuals": 2000}
    lines = done.lines()
    assert lines[1].startswith("search data: 300 bytes per photo,")
    assert lines[2] == "the photos' codes come as lists: a search loads only those its words reach"
    assert lines[3].startswith("text model: 97.0 MB, and 1016 bytes per photo to rank with it")


def test_the_vocabulary_holds_the_users_phrases_the_librarys_words_then_the_concepts():
    entries = entries_of(
        [photo(1, keywords=["Red door"], albums=["Trip"], people=["Ana"], caption="A boat"),
         photo(2, caption=" ".join(["word"] * 13), keywords=["red DOOR", "dog"])]
    )  # fmt: skip
    assert words.library_words(entries) == {
        "Red door": "keyword", "dog": "keyword", "red DOOR": "keyword", "Trip": "album",
        "Ana": "person", "A boat": "caption",
    }  # fmt: skip
    texts, kinds, embedded = words.vocabulary(entries, ("  sunrise  ", "", "dog"))
    assert texts[:6] == ["sunrise", "dog", "Red door", "Trip", "Ana", "A boat"]
    assert kinds[:6] == ["query", "query", "keyword", "album", "person", "caption"]
    # Phrases and captions are embedded as written, everything else as a photo of it.
    assert embedded[:6] == ["sunrise", "dog", "a photo of Red door", "a photo of Trip",
                            "a photo of Ana", "A boat"]  # fmt: skip
    assert len(texts) == len({t.lower() for t in texts}), "each entry once, whatever its case"
    assert set(kinds[6:]) == {"concept"} and "cat" in texts


def test_the_words_the_model_cannot_place_are_left_out_and_tags_come_from_single_words(tmp_path):
    Library(tmp_path / "lib", create=True).close()
    entries = entries_of([photo(1, keywords=["Red door"]), photo(2)])
    found = words.search_words(tmp_path / "lib", load_embedder("colour"), entries, ("red",), False)
    # The colour model places colour words only.
    assert found.texts[0] == "red" and "cat" not in found.texts
    assert len(found.texts) == len(found.kinds) == len(found.vectors)
    assert (np.linalg.norm(found.vectors, axis=1) > 0).all()
    vocabulary = words.SearchWords(
        ["dog", "cat", "dog on the beach", "sea"],
        ["concept", "concept", "concept", "keyword"],
        np.array([[1.0, 0, 0], [0, 1, 0], [0.9, 0, 0.1], [0, 0, 1]]),
    )
    vectors = np.array([[1.0, 0, 0]] + [[0, 0.2, 0.98]] * 9)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    tagged = entries_of([photo(n) for n in range(10)])
    words.tag_entries(tagged, vectors, vocabulary)
    assert tagged[0].tags == ["dog"], "single words only, built-in concepts only"
    assert all(e.tags == [] for e in tagged[1:])


def _payload(text: str) -> dict:
    return json.loads(re.fullmatch(r'photoseekData\("\w+",(.*)\);\n', text, re.S)[1])


def test_the_data_files_hold_only_what_the_gallery_has():
    located = photo(1, gps={"lat": -33.86, "lon": 151.2}, caption="x" * 100, ocr="EXIT")
    entries = entries_of([located, photo(2, keywords=["sea"])])
    vocabulary = words.SearchWords(["sea"], ["keyword"], np.array([[1.0, 0, 0, 0]]))
    vectors = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]], dtype=np.float32)
    filters = {"taken": [0, 0]}
    fitted = searchdata.Projection.fit(vectors)
    data = dict(datafiles.data_files(entries, vectors, vocabulary, filters, None, fitted, None))
    assert sorted(data) == ["concepts", "facets", "ocr", "photos", "places", "vectors"]
    photos = _payload(data["photos"])
    assert photos["ids"] == [e.sid for e in entries]
    assert photos["text"] == ["1.jpg · " + "x" * 100, "2.jpg · sea"]
    assert photos["kinds"] == ["nc", "nk"]
    assert photos["shape"] == [e.tile().shape for e in entries]
    places = _payload(data["places"])
    assert (places["ids"], places["lat"], places["lon"]) == ([entries[0].sid], [-33.86], [151.2])
    assert places["alt"] == ["x" * datafiles.PLACE_ALT_MAX]
    assert _payload(data["ocr"]) == {"texts": ["EXIT", ""]}
    assert _payload(data["facets"]) == filters
    plain = dict(
        datafiles.data_files(
            entries_of([photo(3)]), vectors[:1], vocabulary, filters, None, fitted, None
        )
    )
    assert sorted(plain) == ["concepts", "facets", "photos", "vectors"]
    model = TextModelFiles({"text/model": "m", "text/part-000": "p"})
    shipped = dict(datafiles.data_files(entries, vectors, vocabulary, filters, model, fitted, None))
    assert {"fine", "text/model", "text/part-000"} <= shipped.keys()
    assert shipped["text/model"] == "m"


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """Six pictures, one of them unreadable to the site, embedded by the colour model."""
    base = tmp_path_factory.mktemp("parts")
    pics = base / "pics"
    pics.mkdir()
    for seed in range(5):
        samples.picture(seed, (400, 300)).save(pics / f"p{seed}.jpg")
    samples.picture(9, (2000, 1500)).save(pics / "big.jpg")
    extract([pics], base / "lib", progress=False)
    embed_library(base / "lib", load_embedder("colour"), progress=False)
    return base / "lib"


def test_a_whole_build_in_process(library, tmp_path):
    out = tmp_path / "site"
    options = SiteOptions(title="Parts", queries=("sunrise",), full_size=False)
    done = build_site(library, out, load_embedder("colour"), options, progress=False, workers=1)
    assert done.photos == 6 and done.pictures_failed == [] and done.removed == 0
    assert done.pages_unchanged == 0 and done.pages_written > 6
    assert done.concepts > 1 and set(done.data_bytes) >= {"vectors", "photos", "concepts"}
    assert "text model" not in done.data_bytes, "the colour model has no text tower"
    # Each part's bytes are its file's (one file a part in a gallery this small).
    for part, size in done.data_bytes.items():
        assert size == (out / "data" / f"{part}.js").stat().st_size, part
    home = (out / "index.html").read_text()
    assert "<title>All photos · Parts</title>" in home
    assert not list((out / "img").glob("full/*/*.jpg")), "--no-full-size"
    big = next(p for p in (out / "img" / "large").rglob("*.jpg"))
    assert len(list((out / "photo").glob("*.html"))) == 6
    again = build_site(library, out, load_embedder("colour"), options, progress=False, workers=1)
    assert again.pages_written == 0 and again.pages_unchanged == done.pages_written
    assert big.is_file()
    # A picture that left: its pages and renditions go, and the summary counts them.
    with Library(library, readonly=True) as opened:
        gone = next(p for p in opened.photos() if p.path.name == "p0.jpg")
    gone.path.write_bytes(b"not a picture any more")
    third = build_site(library, out, load_embedder("colour"), options, progress=False, workers=1)
    assert third.photos == 5 and third.removed >= 2
    assert [path for path, _ in third.pictures_failed] == [str(gone.path)]


def test_each_photo_gets_its_most_similar_photos_by_position_in_the_gallery(tmp_path):
    entries = entries_of([photo(n) for n in range(6)])
    rng = np.random.default_rng(0)
    stored = rng.standard_normal((5, 8)).astype(np.float32)
    stored /= np.linalg.norm(stored, axis=1, keepdims=True)
    # The library's order is not the gallery's, and photo 3 has no vector yet.
    ids = [entries[i].photo.id for i in (5, 0, 4, 1, 2)]
    vectors, embedded = run._gallery_vectors(entries, ids, stored, 8)
    assert embedded.tolist() == [True, True, True, False, True, True]
    assert np.array_equal(vectors[[5, 0, 4, 1, 2]], stored) and not vectors[3].any()
    similar = run._similar(tmp_path, "m", entries, vectors, embedded)
    assert similar.shape == (6, photo_pages.SIMILAR) and (similar[3] == -1).all()
    scores = vectors @ vectors.T
    for at in (0, 1, 2, 4, 5):
        row = similar[at][similar[at] >= 0].tolist()
        others = [i for i in (0, 1, 2, 4, 5) if i != at]
        assert row == sorted(others, key=lambda i: -scores[at, i])
    # Near duplicates take the embedding's neighbours as candidates, by gallery position:
    # two hashes 4 bits apart, one in each 16-bit block, share no block to be paired by.
    near = 0x0123_4567_89AB_CDEF
    apart = near ^ (1 | 1 << 16 | 1 << 32 | 1 << 48)
    hashes = [None, (near,) * 8, (apart,) * 8] + [None] * 3
    assert run._near_groups(hashes, np.full((6, 3), -1, dtype=np.int32)) == []
    assert [g.members for g in run._near_groups(hashes, similar)] == [(1, 2)]
    alone = run._similar(tmp_path, "m", entries, vectors, np.eye(6, dtype=bool)[0])
    assert (alone == -1).all()
    # Two photos with vectors are each other's only similar photo.
    two = run._similar(tmp_path, "m", entries, vectors, np.isin(np.arange(6), (1, 4)))
    assert two[1, 0] == 4 and two[4, 0] == 1 and (two[:, 1:] == -1).all()
    assert (np.delete(two, (1, 4), axis=0) == -1).all()
