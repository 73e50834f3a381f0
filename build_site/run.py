"""Generate the static gallery from a library and one model's vectors."""

from __future__ import annotations

import calendar
import functools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from photoseek.concurrency import default_workers
from photoseek.embed import Embedder, VectorIndex, embed_texts_cached, text_tower
from photoseek.library import Library

from . import searchdata
from .facets import facets
from .gallery import Entry, Privacy, order, short_ids, slug, title_of
from .output import SiteFolder, check_out
from .pages import PageWriter
from .pictures import render_all, rendition_kinds, rendition_path
from .tags import auto_tags
from .textmodel import TextModelFiles, export
from .vocabulary import THEMES, concepts, prompt

PER_PAGE = 200
# Timeline page names are made of these digits alone, never of other metadata.
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}")
SIMILAR = 12
# Cosine similarity above which two different files count as near duplicates.
NEAR_DUPLICATE = {"colour": 0.985}
NEAR_DUPLICATE_DEFAULT = 0.95
# The places page's thumbnails: alternative text shortened, since every located photo has one.
PLACE_ALT_MAX = 80
LINK_LABELS = {"edited_from": "Edited from", "virtual_copy_of": "Virtual copy of"}


@dataclass
class SiteSummary:
    """What a site build did."""

    photos: int = 0
    pictures_failed: list[tuple[str, str]] = field(default_factory=list)
    pages_written: int = 0
    pages_unchanged: int = 0
    concepts: int = 0
    removed: int = 0
    data_bytes: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The closing lines, as printed."""
        per_photo = sum(self.data_bytes.get(k, 0) for k in ("vectors", "photos"))
        per_photo /= max(self.photos, 1)
        lines = [
            f"{self.photos} photos, {self.pages_written} pages written, "
            f"{self.pages_unchanged} unchanged, {self.removed} stale files removed, "
            f"{len(self.pictures_failed)} pictures unreadable",
            f"search data: {per_photo:.0f} bytes per photo, plus "
            f"{self.data_bytes.get('concepts', 0) / 1e6:.1f} MB for {self.concepts} concepts "
            "(loaded only when search is used)",
        ]
        photos = max(self.photos, 1)
        if "text model" in self.data_bytes:
            lines.append(
                f"text model: {self.data_bytes['text model'] / 1e6:.1f} MB, and "
                f"{self.data_bytes['fine'] / photos:.0f} bytes per photo to rank with it "
                "(loaded only when a search needs words the vocabulary lacks; "
                "--no-text-model leaves it out)"
            )
        if "ocr" in self.data_bytes:
            lines.append(
                f"text in pictures: {self.data_bytes['ocr'] / photos:.0f} bytes per photo "
                "(--ocr-private leaves it out)"
            )
        return lines + [f"note: {note}" for note in self.notes]


LIBRARY_WORD_KINDS = {"keywords": "keyword", "albums": "album", "people": "person"}


def _library_words(entries: list[Entry]) -> dict[str, str]:
    """Words of the library itself worth searching for, each with where it came from."""
    found: dict[str, str] = {}
    for entry in entries:
        meta = entry.meta
        for key, kind in LIBRARY_WORD_KINDS.items():
            for word in meta.get(key, []):
                found.setdefault(str(word), kind)
        caption = meta.get("caption")
        if caption and len(str(caption).split()) <= 12:
            found.setdefault(str(caption), "caption")
    return found


def _vocabulary(entries: list[Entry], queries: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(search entries, their kinds, the text embedded for each)."""
    texts, kinds, embedded = [], [], []
    seen: set[str] = set()
    for text, kind in [
        *((q, "query") for q in queries),
        *_library_words(entries).items(),
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


def _groups(entries: list[Entry]) -> dict[str, dict[str, list[Entry]]]:
    groups: dict[str, dict[str, list[Entry]]] = {kind: defaultdict(list) for kind in GROUP_HEADINGS}
    for entry in entries:
        for person in entry.meta.get("people", []):
            groups["people"][str(person)].append(entry)
        if entry.meta.get("favourite"):
            groups["favourites"][FAVOURITES].append(entry)
        if entry.meta.get("rating"):
            groups["ratings"][str(entry.meta["rating"])].append(entry)
        if entry.meta.get("camera"):
            groups["cameras"][str(entry.meta["camera"])].append(entry)
        for keyword in entry.meta.get("keywords", []):
            groups["keywords"][str(keyword)].append(entry)
        for album in entry.meta.get("albums", []):
            groups["albums"][str(album)].append(entry)
        for tag in entry.tags:
            groups["tags"][tag].append(entry)
        if DATE_PREFIX.match(entry.date):
            groups["timeline"][entry.date[:4]].append(entry)
            groups["timeline"][entry.date[:7]].append(entry)
        else:
            groups["timeline"][UNDATED].append(entry)
    return groups


def _sections(entries: list[Entry], dated: bool) -> list[dict[str, Any]]:
    """Runs of tiles under a heading each: the month they were taken, when `dated`."""
    sections: list[dict[str, Any]] = []
    for entry in entries:
        heading = (
            (_period(entry.date[:7]) if DATE_PREFIX.match(entry.date) else UNDATED) if dated else ""
        )
        if not sections or sections[-1]["heading"] != heading:
            sections.append({"heading": heading, "tiles": []})
        sections[-1]["tiles"].append(entry.tile())
    return sections


def _home_page(page: int) -> str:
    """The file of page `page` of the home grid."""
    return "index.html" if page == 1 else f"page-{page}.html"


def _page_name(stem: str, page: int) -> str:
    """The file of page `page` of a paged group: the first has no number."""
    return f"{stem}.html" if page == 1 else f"{stem}-{page}.html"


def _paged(
    writer: PageWriter,
    entries: list[Entry],
    name: Callable[[int], str],
    context: str = "",
    dated: bool = False,
    **view: Any,
) -> None:
    """A list of photos as grid pages of PER_PAGE, under month headings when `dated`. A named
    `context` (a group) also gets the list itself as data, so that its photos step through
    it and Escape comes back to it."""
    pages = max(1, -(-len(entries) // PER_PAGE))
    for page in range(1, pages + 1):
        chunk = entries[(page - 1) * PER_PAGE : page * PER_PAGE]
        writer.page(
            name(page),
            "grid_page.html",
            sections=_sections(chunk, dated),
            page=page,
            pages=pages,
            link=lambda n: name(n).rsplit("/", 1)[-1],
            context=context,
            **view,
        )
    if context:
        payload = {"ids": [e.sid for e in entries], "per_page": PER_PAGE}
        writer.write(f"data/in/{context}.js", searchdata.js_payload(f"in/{context}", payload))


def _pictures(
    photos: list,
    folder: SiteFolder,
    workers: int,
    progress: bool | None,
    summary: SiteSummary,
    privacy: Privacy,
    full_size: bool,
) -> list[Entry]:
    """Make the renditions; photos whose picture cannot be read are left out, and reported."""
    sids = short_ids([p.id for p in photos])
    by_sid = {sids[p.id]: p for p in photos}
    sizes: dict[str, tuple[int, int]] = {}
    jobs = [(p.path, sids[p.id]) for p in photos]
    for sid, size, error in render_all(jobs, folder.out, workers, progress, full_size):
        if size is None:
            summary.pictures_failed.append((str(by_sid[sid].path), error))
        else:
            sizes[sid] = size
            for kind in rendition_kinds(*size, full=full_size):
                folder.path(rendition_path(kind, sid))
    kept = [p for p in photos if sids[p.id] in sizes]
    return [
        Entry(p, sids[p.id], i, title_of(p), sizes[sids[p.id]], privacy, full_size=full_size)
        for i, p in enumerate(kept)
    ]


def _search_entries(
    library_root: Path,
    embedder: Embedder,
    entries: list[Entry],
    queries: list[str],
    progress: bool | None,
) -> tuple[list[str], list[str], np.ndarray]:
    """The search vocabulary the model can place: texts, kinds and vectors."""
    texts, kinds, embedded = _vocabulary(entries, queries)
    vectors = embed_texts_cached(library_root, embedder, embedded, progress=progress)
    usable = np.linalg.norm(vectors, axis=1) > 0 if len(texts) else np.zeros(0, bool)
    keep = [i for i, ok in enumerate(usable) if ok]
    return [texts[i] for i in keep], [kinds[i] for i in keep], vectors[keep]


def _tag(
    entries: list[Entry],
    vectors: np.ndarray,
    texts: list[str],
    kinds: list[str],
    text_vectors: np.ndarray,
) -> None:
    """Give entries their automatic tags, from the single-word built-in concepts."""
    words = {w.replace("_", " ") for theme in THEMES.values() for w in theme.split()}
    rows = [
        i
        for i, (t, k) in enumerate(zip(texts, kinds, strict=True))
        if k == "concept" and t in words
    ]
    for entry, found in zip(
        entries, auto_tags(vectors, [texts[i] for i in rows], text_vectors[rows]), strict=True
    ):
        entry.tags = found


def _photo_pages(
    writer: PageWriter,
    entries: list[Entry],
    neighbours: dict[str, list[tuple[str, float]]],
    near: float,
) -> list[list[dict[str, Any]]]:
    """A page per photo; returns the groups of near duplicates, each listed once."""
    by_id = {e.photo.id: e for e in entries}
    near_groups = []
    for entry in entries:
        similar = [
            (by_id[pid], score) for pid, score in neighbours.get(entry.photo.id, []) if pid in by_id
        ]
        duplicates = [e for e, score in similar if score >= near]
        # A group is listed from its first photo only.
        if duplicates and all(e.index > entry.index for e in duplicates):
            near_groups.append([entry.tile()] + [e.tile() for e in duplicates])
        view = {
            "index": entry.index,
            "sid": entry.sid,
            # The page of the home grid that shows this photo, for Escape.
            "home": _home_page(entry.index // PER_PAGE + 1),
            "title": entry.heading,
            "alt": entry.alt,
            "caption": entry.meta.get("caption"),
            "text": entry.text,
            "facts": entry.facts(),
            "place": entry.place,
            "keywords": [{"name": k, "slug": slug(str(k))} for k in entry.meta.get("keywords", [])],
            "albums": [{"name": a, "slug": slug(str(a))} for a in entry.meta.get("albums", [])],
            "people": [{"name": n, "slug": slug(str(n))} for n in entry.meta.get("people", [])],
            "tags": [{"name": t, "slug": slug(t)} for t in entry.tags],
            "links": [
                (LINK_LABELS.get(rel, rel), by_id[target].sid)
                for rel, targets in entry.photo.links.items()
                for target in targets
                if target in by_id
            ],
            "sources": entry.sources(),
            "similar": [e.tile() for e, score in similar if score < near],
            "duplicates": [e.tile() for e in duplicates],
        }
        for kind in ("medium", "large", "full"):
            tile = entry.tile(kind)
            view[kind] = tile["thumb"]
            view[f"{kind}_width"], view[f"{kind}_height"] = tile["width"], tile["height"]
        position = entry.index
        writer.page(
            f"photo/{entry.sid}.html",
            "photo.html",
            p=view,
            prev=entries[position - 1].sid if position else None,
            next=entries[position + 1].sid if position + 1 < len(entries) else None,
        )
    return near_groups


GROUP_HEADINGS = {
    "keywords": ("Keywords", "Keyword:"),
    "albums": ("Albums", "Album:"),
    "tags": ("Automatic tags", "Tag:"),
    "timeline": ("Timeline", "Taken in"),
    "people": ("People", "Person:"),
    "favourites": ("Favourites", ""),
    "ratings": ("Ratings", "Rated"),
    "cameras": ("Cameras", "Camera:"),
}
FAVOURITES = "Favourites"
UNDATED = "Undated"
MONTH = re.compile(r"\d{4}-\d{2}")


def _period(key: str) -> str:
    """A timeline key as people say it: "2010", "July 2010"."""
    if MONTH.fullmatch(key):
        return f"{calendar.month_name[int(key[5:])]} {key[:4]}"
    return key


GROUP_EMPTY = {
    "keywords": "No keywords in this library.",
    "albums": "No albums.",
    "tags": "No automatic tags: every photo needs a vector.",
    "timeline": "No photos.",
    "people": "No named people in this library.",
    "favourites": "No favourites.",
    "ratings": "No rated photos.",
    "cameras": "No camera is known.",
}


def _group_name(kind: str, key: str) -> tuple[str, str]:
    """A group's page name (never from metadata alone) and the name people read."""
    if kind == "timeline":
        return key, _period(key)
    if kind == "ratings":
        stars = int(key)
        return f"stars-{stars}", "★" * stars + "☆" * (5 - stars)
    if kind == "favourites":
        return "favourites", key
    return slug(key), key


def _group_pages(writer: PageWriter, entries: list[Entry]) -> None:
    """A page per keyword, album, tag, period, person, rating and camera, the favourites, and an
    index page for each kind."""
    for kind, groups in _groups(entries).items():
        listing = []
        if kind == "timeline":
            # Newest year first, each year before its months, newest first; undated last.
            ordered = sorted(
                groups.items(),
                reverse=True,
                key=lambda item: (
                    item[0] != UNDATED,
                    item[0][:4],
                    not MONTH.fullmatch(item[0]),
                    item[0],
                ),
            )
        elif kind == "ratings":
            ordered = sorted(groups.items(), reverse=True)
        else:
            ordered = sorted(groups.items(), key=lambda item: item[0].lower())
        for key, members in ordered:
            page_slug, name = _group_name(kind, key)
            label = GROUP_HEADINGS[kind][1]
            _paged(
                writer,
                members,
                functools.partial(_page_name, f"{kind}/{page_slug}"),
                f"{kind}/{page_slug}",
                heading=name if key == UNDATED or not label else f"{label} {name}",
                note="",
            )
            tile = members[0].tile()
            listing.append(
                {
                    "name": name,
                    "month": kind == "timeline" and MONTH.fullmatch(key) is not None,
                    "href": f"{page_slug}.html",
                    "count": len(members),
                    "thumb": tile["thumb"],
                    "width": tile["width"],
                    "height": tile["height"],
                }
            )
        writer.page(
            f"{kind}/index.html",
            "index_page.html",
            heading=GROUP_HEADINGS[kind][0],
            groups=listing,
            empty=GROUP_EMPTY[kind],
        )


def _text_model(embedder: Embedder, summary: SiteSummary) -> TextModelFiles | None:
    """The text tower's gallery files, or None for a model without one (colour) or one
    whose sizes the browser's kernel cannot run (said in the summary)."""
    if not embedder.has_text:
        return None
    try:
        return export(text_tower(embedder))
    except ValueError as err:
        summary.notes.append(f"the gallery has no text model: {err}")
        return None


def build_site(
    library_root: Path,
    out: Path,
    embedder: Embedder,
    *,
    strip_location: bool = False,
    show_paths: bool = False,
    title: str = "Photos",
    text_model: bool = True,
    full_size: bool = True,
    ocr: bool = True,
    queries: list[str] | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    sources: list[Path] = (),
) -> SiteSummary:
    """Write (or update) the gallery for the library at `out`.

    Raises SiteError when `out` is not photoseek's to write. A build that is
    stopped leaves a site the next build completes.
    """
    check_out(out, library=library_root, sources=list(sources))
    folder = SiteFolder(out)
    try:
        summary = _build(
            library_root,
            folder,
            embedder,
            strip_location=strip_location,
            show_paths=show_paths,
            title=title,
            text_model=text_model,
            full_size=full_size,
            ocr=ocr,
            queries=queries or [],
            progress=progress,
            workers=default_workers(workers),
        )
        summary.removed = folder.finish()
    except BaseException:
        folder.abandon()
        raise
    finally:
        folder.release()
    return summary


def _build(
    library_root: Path,
    folder: SiteFolder,
    embedder: Embedder,
    *,
    strip_location: bool,
    show_paths: bool,
    title: str,
    text_model: bool,
    full_size: bool,
    ocr: bool,
    queries: list[str],
    progress: bool | None,
    workers: int,
) -> SiteSummary:
    summary = SiteSummary()
    with Library(library_root, readonly=True) as library:
        photos = order(list(library.photos()))
        index = VectorIndex.of_library(library, embedder.name)
    privacy = Privacy(strip_location=strip_location, show_paths=show_paths, ocr=ocr)
    entries = _pictures(photos, folder, workers, progress, summary, privacy, full_size)
    summary.photos = len(entries)
    vectors = np.zeros((len(entries), embedder.dim), dtype=np.float32)
    for entry in entries:
        if entry.photo.id in index.position:
            vectors[entry.index] = index.vector(entry.photo.id)
    texts, kinds, text_vectors = _search_entries(library_root, embedder, entries, queries, progress)
    summary.concepts = len(texts)
    _tag(entries, vectors, texts, kinds, text_vectors)
    model_files = _text_model(embedder, summary) if text_model else None
    texts_read = [e.text for e in entries]
    located = [e for e in entries if e.place]

    writer = PageWriter(
        folder,
        {
            "site_title": title.strip()[:200] or "Photos",
            "photo_count": len(entries),
            "model": embedder.name,
            "text_search": embedder.has_text,
            "text_model_bytes": model_files.bytes if model_files else 0,
            "picture_text": any(texts_read),
            "places": bool(located),
        },
    )
    projection = searchdata.Projection.fit(vectors)
    data = {
        "vectors": searchdata.photo_vectors_js(projection, vectors),
        "concepts": searchdata.concepts_js(
            projection, texts, text_vectors, kinds, searchdata.exact_top(text_vectors, vectors)
        ),
        "photos": searchdata.js_payload(
            "photos", {"ids": [e.sid for e in entries], "text": [e.search_text() for e in entries]}
        ),
    }
    if model_files:
        data["fine"] = searchdata.fine_js(projection, vectors)
        data.update(model_files.files)
    filters = facets(entries)
    data["facets"] = searchdata.js_payload("facets", filters)
    if located:
        data["places"] = searchdata.js_payload(
            "places",
            {
                "ids": [e.sid for e in located],
                "lat": [e.place[0] for e in located],
                "lon": [e.place[1] for e in located],
                "alt": [e.alt[:PLACE_ALT_MAX] for e in located],
            },
        )
    if any(texts_read):
        # Loaded with the search data; a photo without text costs two bytes.
        data["ocr"] = searchdata.js_payload("ocr", {"texts": texts_read})
    for name, text in data.items():
        writer.write(f"data/{name}.js", text)
        summary.data_bytes[name] = len(text.encode())
    if model_files:
        summary.data_bytes["text model"] = model_files.bytes

    _paged(
        writer,
        entries,
        _home_page,
        dated=True,
        heading="All photos",
        note="",
    )
    neighbours = index.neighbours(SIMILAR) if len(index) > 1 else {}
    near = NEAR_DUPLICATE.get(embedder.name, NEAR_DUPLICATE_DEFAULT)
    near_groups = _photo_pages(writer, entries, neighbours, near)
    _group_pages(writer, entries)
    exact = [
        {"tile": e.tile(), "title": e.title, "places": e.sources()}
        for e in entries
        if len(e.photo.sources) > 1
    ]
    writer.page("duplicates.html", "duplicates.html", exact=exact, near=near_groups)
    writer.page(
        "search.html",
        "search.html",
        cameras=filters["cameras"],
        people=filters["people"],
        rated=any(filters["rating"]),
        favourites=any(filters["favourite"]),
        dated=any(filters["taken"]),
    )
    if located:
        writer.page("places.html", "places.html", located=len(located))
    writer.copy_assets()
    summary.pages_written, summary.pages_unchanged = writer.written, writer.unchanged
    return summary
