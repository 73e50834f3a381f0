"""`photoseek search`: photos by their own words, by the text in their pictures, then by
meaning; each hit says what matched and whether it is a strong match (photoseek.relevance),
strong ones first, by relevance or by date. Places and dates in the words
(photoseek.wherewhen) narrow the search, and the photos they name come first."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photoseek.facts import PLACE_PARTS
from photoseek.fieldmatch import KINDS, matched_parts, search_parts
from photoseek.library import Photo
from photoseek.relevance import strong_threshold
from photoseek.textmatch import best_matches, fold
from photoseek.wherewhen import Understood, understand

PICTURE_TEXT = "text in the picture"
MEANING = "meaning"
PLACE = "place"
DATE = "date"
DESCRIBED = KINDS["d"]


@dataclass(frozen=True)
class Hit:
    """A photo found: its score by meaning (None for a match of words), what matched as
    (kind, text) pairs, and whether it is a strong match."""

    photo: Photo
    score: float | None
    matched: list[tuple[str, str]]
    strong: bool


def find(
    photos: list[Photo],
    texts_read: dict[str, str],
    ids: list[str],
    vectors: np.ndarray,
    query: np.ndarray | None,
    text: str,
    top: int,
    by_date: bool = False,
    said: Understood | None = None,
) -> list[Hit]:
    """The `top` best hits for `text` (its vector `query`, None when the model cannot place
    it) among `photos`, whose vectors are `vectors` in the order of `ids`. With the places
    and dates `said` reads in `text`, only the photos they name, `query` being the vector of
    the words left."""
    if said is not None and said.narrows:
        # Within the photos `said` names, the words left; with none left, those photos.
        # Then the photos outside whose own words match all of `text`.
        inside = narrowed(photos, said)
        if said.words.strip():
            found = find(inside, texts_read, ids, vectors, query, said.words, top, by_date)
        else:
            found = [Hit(photo, None, [], True) for photo in inside[:top]]
        listed: list[Hit] = []
        for hit in found:
            where = [(PLACE, _place_text(hit.photo))] if said.places else []
            when = [(DATE, str(hit.photo.meta["taken"])[:10])] if said.start or said.months else []
            listed.append(Hit(hit.photo, hit.score, where + when + hit.matched, hit.strong))
        seen = {hit.photo.id for hit in listed}
        for photo in photos:
            if len(listed) >= top:
                break
            if photo.id not in seen and (
                parts := matched_parts(search_parts(photo.name, photo.meta), text)
            ):
                listed.append(Hit(photo, None, parts, True))
        return listed
    hits: list[Hit] = []
    described: list[Hit] = []
    for photo in photos:
        found = matched_parts(search_parts(photo.name, photo.meta), text)
        if found and len(hits) + len(described) < top:
            # A photo found only by what a model wrote of it comes after the user's words.
            only_described = all(kind == DESCRIBED for kind, _ in found)
            (described if only_described else hits).append(Hit(photo, None, found, True))
    hits += described
    seen = {hit.photo.id for hit in hits}
    by_id = {photo.id: photo for photo in photos}
    # The text read in the pictures of the photos not found by their words.
    unseen = {pid: read for pid, read in texts_read.items() if pid in by_id and pid not in seen}
    for pid, match in best_matches(text, unseen, top - len(hits)):
        seen.add(pid)
        hits.append(Hit(by_id[pid], None, [(PICTURE_TEXT, " ".join(match.words))], True))
    if query is not None and len(ids):
        scores = vectors @ query
        floor = float(strong_threshold(scores))
        for at in np.argsort(-scores, kind="stable"):
            if len(hits) >= top:
                break
            pid = ids[at]
            if pid in seen or pid not in by_id:
                continue
            score = float(scores[at])
            hits.append(Hit(by_id[pid], score, [(MEANING, "")], score >= floor))
    strong = [hit for hit in hits if hit.strong]
    weak = [hit for hit in hits if not hit.strong]
    if by_date:
        strong, weak = _newest_first(strong), _newest_first(weak)
    return strong + weak


def _newest_first(hits: list[Hit]) -> list[Hit]:
    """Dated photos newest first, then the undated in the order they came."""

    def taken(hit: Hit) -> str:
        return str(hit.photo.meta.get("taken") or "")

    dated = sorted((hit for hit in hits if taken(hit)), key=taken, reverse=True)
    return dated + [hit for hit in hits if not taken(hit)]


def place_names(photos: list[Photo]) -> list[str]:
    """Every town, region and country the photos were taken in, each once, larger towns
    first."""
    places = sorted(
        (p.meta["place"] for p in photos if p.meta.get("place")),
        key=lambda place: -int(place.get("population") or 0),
    )
    names = (place.get(part) for place in places for part in PLACE_PARTS)
    return list(dict.fromkeys(name for name in names if name))


def understood(photos: list[Photo], text: str) -> Understood:
    """The places and dates of `text`, among the photos' places."""
    return understand(text, place_names(photos))


def _in_place(photo: Photo, wanted: set[str]) -> bool:
    place = photo.meta.get("place") or {}
    return any(fold(str(place.get(part) or "")) in wanted for part in PLACE_PARTS)


def _in_period(photo: Photo, said: Understood) -> bool:
    day = str(photo.meta.get("taken") or "")[:10]
    if not day:
        return False
    if said.start and not said.start <= day <= str(said.end):
        return False
    return not said.months or int(day[5:7]) in said.months


def _place_text(photo: Photo) -> str:
    place = photo.meta["place"]
    return ", ".join(str(place[part]) for part in ("city", "country") if place.get(part))


def narrowed(photos: list[Photo], said: Understood) -> list[Photo]:
    """The photos taken where and when `said` says: the largest place of a name first (Paris,
    France before Paris, Texas), each place's photos newest first, as the gallery lists them."""
    wanted = {fold(name) for name in said.places}
    inside = [
        photo
        for photo in photos
        if (not wanted or _in_place(photo, wanted))
        and (not (said.start or said.months) or _in_period(photo, said))
    ]

    def size(photo: Photo) -> int:
        place = photo.meta.get("place") or {}
        return -int(place.get("population") or 0) if wanted else 0

    newest = sorted(
        inside, key=lambda photo: (str(photo.meta.get("taken") or ""), photo.id), reverse=True
    )
    return sorted(newest, key=size)
