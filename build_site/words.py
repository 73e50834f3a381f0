"""The gallery's search vocabulary: the user's phrases, the library's own words and the
built-in concepts, embedded by the model; the single-word concepts also tag the photos."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photoseek.embed import Embedder, embed_texts_cached

from .gallery import Entry
from .tags import auto_tags
from .vocabulary import THEMES, concepts, prompt

LIBRARY_WORD_KINDS = {"keywords": "keyword", "albums": "album", "people": "person"}
# A longer caption is a description, not something people type.
CAPTION_WORDS_MAX = 12


@dataclass(frozen=True)
class SearchWords:
    """The texts search can turn typed words into, where each came from, and their vectors."""

    texts: list[str]
    kinds: list[str]
    vectors: np.ndarray


def library_words(entries: list[Entry]) -> dict[str, str]:
    """Words of the library itself worth searching for, each with where it came from."""
    found: dict[str, str] = {}
    for entry in entries:
        meta = entry.meta
        for key, kind in LIBRARY_WORD_KINDS.items():
            for word in meta.get(key, []):
                found.setdefault(str(word), kind)
        caption = meta.get("caption")
        if caption and len(str(caption).split()) <= CAPTION_WORDS_MAX:
            found.setdefault(str(caption), "caption")
    return found


def vocabulary(
    entries: list[Entry], queries: tuple[str, ...]
) -> tuple[list[str], list[str], list[str]]:
    """(search entries, their kinds, the text embedded for each), each entry once."""
    texts, kinds, embedded = [], [], []
    seen: set[str] = set()
    for text, kind in [
        *((q, "query") for q in queries),
        *library_words(entries).items(),
        *((c, "concept") for c in concepts()),
    ]:
        key = text.strip().lower()
        if not key or key in seen:
            continue
        seen.add(key)
        texts.append(text.strip())
        kinds.append(kind)
        embedded.append(text.strip() if kind in ("caption", "query") else prompt(text.strip()))
    return texts, kinds, embedded


def search_words(
    library_root: Path,
    embedder: Embedder,
    entries: list[Entry],
    queries: tuple[str, ...],
    progress: bool | None,
) -> SearchWords:
    """The vocabulary the model can place (a text it turns into no vector is left out)."""
    texts, kinds, embedded = vocabulary(entries, queries)
    vectors = embed_texts_cached(library_root, embedder, embedded, progress=progress)
    usable = np.linalg.norm(vectors, axis=1) > 0 if len(texts) else np.zeros(0, bool)
    keep = [i for i, ok in enumerate(usable) if ok]
    return SearchWords([texts[i] for i in keep], [kinds[i] for i in keep], vectors[keep])


def tag_entries(entries: list[Entry], vectors: np.ndarray, words: SearchWords) -> None:
    """Give entries their automatic tags, from the single-word built-in concepts."""
    singles = {w.replace("_", " ") for theme in THEMES.values() for w in theme.split()}
    rows = [
        i
        for i, (text, kind) in enumerate(zip(words.texts, words.kinds, strict=True))
        if kind == "concept" and text in singles
    ]
    found = auto_tags(vectors, [words.texts[i] for i in rows], words.vectors[rows])
    for entry, tags in zip(entries, found, strict=True):
        entry.tags = tags
