"""Finding a photo by the text read in its picture, forgiving what OCR gets wrong.

The same rules run in the gallery (site/core.js, textInPictures); tests/textmatch_cases.json
holds the cases both must answer alike. A query matches a picture's text when:

- the query without spaces is in the text without spaces (a phrase, or words OCR ran
  together in bold capitals: "when the printer" finds WHENTHEPRINTER); or
- every word of the query is found, in any order: at the start of a word of the text, or
  (4 letters or more, or any Chinese, Japanese or Korean) inside the text without spaces,
  or (5 letters or more) as a word of the text with one letter wrong, missing or extra.
  Words of one or two letters count only when the query has nothing else.

Case and accents never matter ("cafe" finds "Café", "strasse" finds "Straße").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
PHRASE, ALL_WORDS, FORGIVEN = 3, 2, 1


def fold(text: str) -> str:
    """Lower case, no accents, letters and digits only, single spaces."""
    text = unicodedata.normalize("NFKD", text).lower().replace("ß", "ss")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category.startswith("M"):
            continue
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


def _close(word: str, other: str) -> bool:
    """At most one letter changed, missing or extra."""
    if abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        return sum(a != b for a, b in zip(word, other, strict=True)) <= 1
    short, long = sorted((word, other), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _long_enough(word: str, size: int) -> bool:
    return len(word) >= size or (len(word) >= 2 and _CJK.search(word) is not None)


@dataclass(frozen=True)
class TextMatch:
    """How well a query matched a picture's text, and the query words found."""

    score: int
    words: tuple[str, ...]


def match(query: str, text: str) -> TextMatch | None:
    """Whether (and how well) `query` matches `text`; None when it does not."""
    words = fold(query).split()
    folded = fold(text)
    if not words or not folded:
        return None
    squashed = folded.replace(" ", "")
    phrase = "".join(words)
    if _long_enough(phrase, 4) and phrase in squashed:
        return TextMatch(PHRASE, tuple(words))
    text_words = folded.split()
    needed = [w for w in words if _long_enough(w, 3)] or words
    score = ALL_WORDS
    for word in needed:
        if any(t.startswith(word) for t in text_words):
            continue
        inside = _long_enough(word, 4) and word in squashed
        if not (inside or len(word) >= 5 and any(_close(word, t) for t in text_words)):
            return None
        score = FORGIVEN
    return TextMatch(score, tuple(needed))


def best_matches(query: str, texts: dict[str, str], limit: int) -> list[tuple[str, TextMatch]]:
    """The photos whose text matches, best first (then by id), at most `limit`."""
    found = [(pid, m) for pid, text in texts.items() if (m := match(query, text))]
    found.sort(key=lambda item: (-item[1].score, item[0]))
    return found[:limit]
