"""The gallery's data files: what the browser's search, filters and map read (`data/*.js`,
script files, since browsers refuse `fetch` from file://)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from . import placetiles, records, searchdata, searchlists, wordindex
from .gallery import Entry
from .textmodel import TextModelFiles
from .words import SearchWords

# The places page's thumbnails: alternative text shortened, since every located photo has one.
PLACE_ALT_MAX = 80
# The filters' columns, a value per photo: with lists, one packed file apart from the names
# of cameras, people and places, which every query reads.
PER_PHOTO = ("taken", "rating", "favourite", "camera", "person", "place")


def data_files(
    entries: list[Entry],
    vectors: np.ndarray,
    words: SearchWords,
    filters: dict[str, Any],
    model_files: TextModelFiles | None,
    projection: searchdata.Projection,
    lists: searchlists.PhotoLists | None,
) -> Iterator[tuple[str, str]]:
    """Each data file's name (under data/, without .js) and text, one at a time. With
    `lists`, the photos' codes are in the lists' files (searchlists.list_files), not here, and
    their records come by block with an index of their words, the filters' columns and the
    text read in the pictures packed."""
    top, strong = searchdata.exact_best(words.vectors, vectors)
    parts = [e.search_parts() for e in entries]
    photos = {
        "ids": [e.sid for e in entries],
        "text": [" · ".join(text for _, text in found) for found in parts],
        # What each part of the text is (n name, c caption, t title, k keyword,
        # a album, p person), so that a result can say what matched.
        "kinds": ["".join(kind for kind, _ in found) for found in parts],
        # Each thumbnail's shape, so that result grids are justified as they load.
        "shape": [e.tile().shape for e in entries],
    }
    yield (
        "vectors",
        (
            searchlists.vectors_js(projection, lists, vectors)
            if lists
            else searchdata.photo_vectors_js(projection, vectors)
        ),
    )
    yield (
        "concepts",
        searchdata.concepts_js(projection, words.texts, words.vectors, words.kinds, top, strong),
    )
    yield from photo_files(photos, filters, large=lists is not None).items()
    del photos, parts
    if model_files:
        yield "fine", searchdata.fine_js(projection, vectors, with_codes=lists is None)
        yield from model_files.files.items()
    located = [e for e in entries if e.place]
    if located:
        places = {
            "ids": [e.sid for e in located],
            "lat": [e.place[0] for e in located],
            "lon": [e.place[1] for e in located],
            "alt": [e.alt[:PLACE_ALT_MAX] for e in located],
            "shape": [e.tile().shape for e in located],
        }
        if placetiles.uses_tiles(len(located)):
            lat, lon = np.array(places["lat"]), np.array(places["lon"])
            leaves = placetiles.tiles(lat, lon)
            yield "places", placetiles.overview_js(lat, lon, leaves)
            yield from placetiles.tile_files(leaves, places)
        else:
            yield "places", searchdata.js_payload("places", places)
    texts_read = [e.text for e in entries]
    if any(texts_read):
        # Loaded with the search data; a photo without text costs two bytes (packed, none).
        pack = records.packed if lists else searchdata.js_payload
        yield "ocr", pack("ocr", {"texts": texts_read})


def photo_files(photos: dict[str, list], filters: dict[str, Any], large: bool) -> dict[str, str]:
    """The photos' records (columns ids, text, kinds, shape) and the filters' data: one file
    each, or, for a `large` gallery, records by block with the index of their words and the
    filters' columns packed apart from the names every query reads."""
    if not large:
        return {
            "photos": searchdata.js_payload("photos", photos),
            "facets": searchdata.js_payload("facets", filters),
        }
    named = {k: v for k, v in filters.items() if k not in PER_PHOTO}
    return (
        records.record_files(photos)
        | wordindex.word_files(photos["text"])
        | {
            "facets": searchdata.js_payload("facets", named | {"columns": "facets/photos"}),
            "facets/photos": records.packed(
                "facets/photos", {k: v for k, v in filters.items() if k in PER_PHOTO}
            ),
        }
    )
