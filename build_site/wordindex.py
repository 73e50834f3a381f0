"""The words of the photos' own text as an index, for galleries too large to download whole.

The search page matches a word at the start of a word of a photo's text (core.js's
textMatches, on text folded as its `folded` does: accents off, lower case). A word of that
text is a run of letters and digits; the index maps each to the photos holding it, in
shards by the word's first letters. A shard grows a letter deeper when it would hold more
than `SHARD_WORDS` words, so a query loads the shards its words can begin in and, from the
photos they name, the record blocks (records.py) that confirm the match.
"""

from __future__ import annotations

import base64
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from .searchdata import js_payload

# Words a shard holds before it splits by one more letter (unless all are that one word).
SHARD_WORDS = 2048
# A shard's key is at most this many letters long: deeper, its words stay together.
DEEPEST = 12


def folded(text: str) -> str:
    """core.js's folded(): decomposed, combining marks dropped, then lower case."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()


def words_of(text: str) -> set[str]:
    """The runs of letters and digits of the folded text."""
    found: set[str] = set()
    run: list[str] = []
    for char in folded(text) + " ":
        if unicodedata.category(char)[0] in "LN":
            run.append(char)
        elif run:
            found.add("".join(run))
            run = []
    return found


def _varints(numbers: Iterable[int]) -> bytes:
    out = bytearray()
    for n in numbers:
        while n >= 0x80:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)
    return bytes(out)


def _shards(postings: dict[str, list[int]]) -> dict[str, list[str]]:
    """Shard key -> its words, sorted. A key that splits keeps only the word equal to it."""
    done: dict[str, list[str]] = {}
    by_key: dict[str, list[str]] = defaultdict(list)
    for word in sorted(postings):
        by_key[word[:2]].append(word)
    while by_key:
        key, words = by_key.popitem()
        if len(words) <= SHARD_WORDS or len(key) >= DEEPEST:
            done[key] = words
            continue
        # The word equal to the key, if any, is a shard of its own under the same key.
        for word in words:
            by_key[word[: len(key) + 1]].append(word)
    return done


def word_files(texts: list[str]) -> dict[str, str]:
    """`words` (the shards' keys, a shard's number its place there) and `words/N`: each
    word, how many photos hold it and their positions, as varint gaps in base64."""
    postings: dict[str, list[int]] = defaultdict(list)
    for position, text in enumerate(texts):
        for word in words_of(text):
            postings[word].append(position)
    shards = _shards(postings)
    keys = sorted(shards)
    files = {"words": js_payload("words", {"keys": keys})}
    for number, key in enumerate(keys):
        words = shards[key]
        gaps = bytearray()
        for word in words:
            found = postings[word]
            gaps += _varints([found[0], *(b - a for a, b in zip(found, found[1:], strict=False))])
        files[f"words/{number}"] = js_payload(
            f"words/{number}",
            {
                "words": words,
                "counts": [len(postings[word]) for word in words],
                "photos": base64.b64encode(bytes(gaps)).decode("ascii"),
            },
        )
    return files
