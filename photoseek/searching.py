"""`photoseek search`: photos by their own words, by the text in their pictures, then by
meaning; each hit says what matched and whether it is a strong match (photoseek.relevance),
strong ones first, by relevance or by date."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photoseek.fieldmatch import matched_parts, search_parts
from photoseek.library import Photo
from photoseek.relevance import strong_threshold
from photoseek.textmatch import best_matches

PICTURE_TEXT = "text in the picture"
MEANING = "meaning"


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
) -> list[Hit]:
    """The `top` best hits for `text` (its vector `query`, None when the model cannot place
    it) among `photos`, whose vectors are `vectors` in the order of `ids`."""
    hits: list[Hit] = []
    for photo in photos:
        found = matched_parts(search_parts(photo.name, photo.meta), text)
        if found and len(hits) < top:
            hits.append(Hit(photo, None, found, True))
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
