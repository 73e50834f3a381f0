"""Finding photos by their own words (name, caption, title, keywords, albums, people, and
the description a model wrote, ranked last), and
saying which of them matched: `photoseek search` by these rules, the gallery by their twin
in site/core.js (textMatches, matchedParts).

Every word of the query must start a word of one of the photo's parts, case and accents
ignored: "red" finds "Red door", not "haired"; "cafe" finds "Café".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# What each part of a photo's text is, by the letter the search data gives it.
KINDS = {
    "n": "name",
    "c": "caption",
    "t": "title",
    "k": "keyword",
    "a": "album",
    "p": "person",
    "d": "description",
}


def search_parts(name: str, meta: dict[str, Any]) -> list[tuple[str, str]]:
    """A photo's searchable parts, each text once with its kind's letter, the name first."""
    parts = [
        ("n", name),
        ("c", meta.get("caption")),
        ("t", meta.get("title")),
        *(("k", k) for k in meta.get("keywords", [])),
        *(("a", a) for a in meta.get("albums", [])),
        *(("p", p) for p in meta.get("people", [])),
        ("d", (meta.get("description") or {}).get("text")),
    ]
    found: dict[str, str] = {}
    for kind, text in parts:
        if text:
            found.setdefault(str(text), kind)
    return [(kind, text) for text, kind in found.items()]


def folded(text: str) -> str:
    """Lower case without accents."""
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).lower()


def matched_parts(parts: list[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """(kind, text) of the part each word of `query` starts a word of, each part once; [] when
    some word starts none."""
    found: list[tuple[str, str]] = []
    hay = [folded(text) for _, text in parts]
    for word in folded(query).split():
        pattern = re.compile(r"(?:^|[^\w]|_)" + re.escape(word))
        at = next((n for n, text in enumerate(hay) if pattern.search(text)), None)
        if at is None:
            return []
        kind, text = parts[at]
        if (KINDS[kind], text) not in found:
            found.append((KINDS[kind], text))
    return found
