"""Generate the static gallery from a library and one model's vectors.

The build in order: renditions (pictures.py), the search vocabulary and automatic tags
(words.py), the data files (datafiles.py), then the pages by kind: the home grid (grids.py),
a page per photo and the duplicates (photo_pages.py), and the group pages (groups.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from photoseek.concurrency import default_workers
from photoseek.embed import Embedder, VectorIndex
from photoseek.gazetteer import ATTRIBUTION
from photoseek.library import Library, Photo
from photoseek.wherewhen import MONTH_CHOICES, SEASON_CHOICES

from .datafiles import data_files
from .facecrops import person_covers
from .facets import facets
from .gallery import Entry, order, short_ids
from .grids import home_page, write_grid
from .groups import groups, navigation, write_group_pages
from .nearcopies import NearGroup, near_groups
from .options import SiteOptions
from .output import SiteFolder, check_out
from .pages import PageWriter
from .photo_pages import SIMILAR, has_duplicates, write_duplicates_page, write_photo_pages
from .pictures import render_all, rendition_kinds, rendition_path
from .placepages import INDEX as PLACES_INDEX
from .placepages import towns, write_place_pages
from .searchdata import Projection
from .searchlists import PhotoLists, list_files, uses_lists
from .stamp import build_stamp
from .summary import SiteSummary
from .textmodel import TextModelFiles, export_kept
from .words import search_words, tag_entries


def build_site(
    library_root: Path,
    out: Path,
    embedder: Embedder,
    options: SiteOptions = SiteOptions(),  # noqa: B008 - frozen, so one shared default is safe
    *,
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
        with Library(library_root, readonly=True) as library:
            stamp = build_stamp(library, embedder.name, embedder.info, options)
        record = folder.unchanged(stamp)
        if record is not None:
            folder.keep()
            return SiteSummary.unchanged(record)
        summary = _build(
            library_root, folder, embedder, options, progress, default_workers(workers)
        )
        # A picture that could not be read may be readable next time: such a build is not
        # one to keep as it is.
        kept = stamp if not summary.pictures_failed else None
        summary.removed = folder.finish(kept, summary.record())
    except BaseException:
        folder.abandon()
        raise
    finally:
        folder.release()
    return summary


def _entries(
    photos: list[Photo],
    folder: SiteFolder,
    options: SiteOptions,
    workers: int,
    progress: bool | None,
    summary: SiteSummary,
) -> tuple[list[Entry], list[tuple[int, ...] | None]]:
    """Make the renditions; photos whose picture cannot be read are left out, and reported.
    Returns the entries and each one's pixel hash."""
    sids = short_ids([p.id for p in photos])
    by_sid = {sids[p.id]: p for p in photos}
    sizes: dict[str, tuple[int, int]] = {}
    hashes: dict[str, tuple[int, ...] | None] = {}
    jobs = [(p.path, sids[p.id]) for p in photos]
    for sid, size, error, found in render_all(
        jobs, folder.out, workers, progress, options.full_size
    ):
        if size is None:
            summary.pictures_failed.append((str(by_sid[sid].path), error))
        else:
            sizes[sid] = size
            hashes[sid] = found
            for kind in rendition_kinds(*size, full=options.full_size):
                folder.path(rendition_path(kind, sid))
    kept = [p for p in photos if sids[p.id] in sizes]
    privacy = options.privacy
    entries = [
        Entry(p, sids[p.id], i, p.name, sizes[sids[p.id]], privacy, full_size=options.full_size)
        for i, p in enumerate(kept)
    ]
    return entries, [hashes[e.sid] for e in entries]


def _gallery_vectors(
    entries: list[Entry], ids: list[str], stored: np.ndarray, dim: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each entry's vector in the entries' order (zeros for a photo not embedded yet), and
    which entries have one."""
    position = {pid: i for i, pid in enumerate(ids)}
    rows = np.array([position.get(e.photo.id, -1) for e in entries], dtype=np.int64)
    embedded = rows >= 0
    vectors = np.zeros((len(entries), dim), dtype=np.float32)
    vectors[embedded] = stored[rows[embedded]]
    return vectors, embedded


def _similar(
    library_root: Path,
    model: str,
    entries: list[Entry],
    vectors: np.ndarray,
    embedded: np.ndarray,
) -> np.ndarray:
    """Each entry's most similar photos by meaning, as positions in `entries`, best first,
    -1 where there are fewer. The index shares the gallery's vectors when every photo has one."""
    at = np.flatnonzero(embedded)
    if len(at) < 2:
        return np.full((len(entries), SIMILAR), -1, dtype=np.int32)
    ids = [entries[i].photo.id for i in at]
    shared = vectors if len(at) == len(entries) else vectors[at]
    found = VectorIndex.saved_in(library_root, model, ids, shared).neighbours(SIMILAR)
    similar = np.full((len(entries), SIMILAR), -1, dtype=np.int32)
    # The index's positions are those of `at`; -1 stays -1.
    similar[at] = np.where(found >= 0, at[found], -1)
    return similar


def _near_groups(hashes: list[tuple[int, ...] | None], similar: np.ndarray) -> list[NearGroup]:
    """Near duplicates by their pixels; the embedding's neighbours are candidates only."""
    rows, columns = np.nonzero(similar >= 0)
    also = zip(rows.tolist(), similar[rows, columns].tolist(), strict=True)
    return near_groups(hashes, also)


def _written(writer: PageWriter, summary: SiteSummary, name: str, text: str, part: str) -> None:
    """Write one data file and count its bytes under `part`."""
    writer.write(f"data/{name}.js", text)
    summary.data_bytes[part] = summary.data_bytes.get(part, 0) + len(text.encode())


def _text_model(embedder: Embedder, summary: SiteSummary) -> TextModelFiles | None:
    """The text tower's gallery files, or None for a model without one (colour) or one
    whose sizes the browser's kernel cannot run (said in the summary)."""
    if not embedder.has_text:
        return None
    try:
        return export_kept(embedder)
    except ValueError as err:
        summary.notes.append(f"the gallery has no text model: {err}")
        return None


def _build(
    library_root: Path,
    folder: SiteFolder,
    embedder: Embedder,
    options: SiteOptions,
    progress: bool | None,
    workers: int,
) -> SiteSummary:
    summary = SiteSummary()
    with summary.timed("renditions"):
        with Library(library_root, readonly=True) as library:
            photos = order(list(library.photos()))
            ids, stored = library.vectors(embedder.name)
        entries, fingerprints = _entries(photos, folder, options, workers, progress, summary)
    summary.photos = len(entries)
    vectors, embedded = _gallery_vectors(entries, ids, stored, embedder.dim)
    del ids, stored
    with summary.timed("search words and tags"):
        words = search_words(library_root, embedder, entries, options.queries, progress)
        summary.concepts = len(words.texts)
        tag_entries(entries, vectors, words)
    with summary.timed("text model"):
        model_files = _text_model(embedder, summary) if options.text_model else None
    writer = PageWriter(folder, {})
    with summary.timed("data files"):
        filters = facets(entries)
        projection = Projection.fit(vectors)
        lists = PhotoLists.fit(vectors) if uses_lists(len(entries)) else None
        # Each file is written as it is made: a million photos' data is never held at once.
        for name, text in data_files(
            entries, vectors, words, filters, model_files, projection, lists
        ):
            # A folder of files (record blocks, word shards, map tiles) counts as one part.
            _written(writer, summary, name, text, name.split("/")[0])
        if lists:
            for name, text in list_files(projection, lists, vectors, fine=bool(model_files)):
                part = "residuals" if name.startswith("fine/") else "lists"
                _written(writer, summary, name, text, part)
    if model_files:
        summary.data_bytes["text model"] = model_files.bytes
    shipped = summary.data_bytes

    with summary.timed("similar photos and near duplicates"):
        similar = _similar(library_root, embedder.name, entries, vectors, embedded)
        near = _near_groups(fingerprints, similar)
    found = groups(entries)
    named = towns(entries)
    writer.common.update(
        {
            "site_title": options.title,
            "photo_count": len(entries),
            "model": embedder.name,
            "text_search": embedder.has_text,
            "text_model_bytes": model_files.bytes if model_files else 0,
            "picture_text": "ocr" in shipped,
            "places": "places" in shipped,
            "nav": navigation(
                found,
                places=PLACES_INDEX if named else "places.html" if "places" in shipped else None,
                duplicates=has_duplicates(entries, near),
            ),
            "place_credit": ATTRIBUTION if named else "",
        },
    )
    with summary.timed("pages"):
        write_grid(writer, entries, home_page, dated=True, heading="All photos", note="")
        write_photo_pages(writer, entries, similar, near)
        covers = person_covers(folder, found["people"], options.publish_unnamed_people)
        write_group_pages(writer, found, covers)
        if named:
            write_place_pages(writer, named, with_map="places" in shipped)
        write_duplicates_page(writer, entries, near)
        writer.page(
            "search.html",
            "search.html",
            cameras=filters["cameras"],
            people=filters["people"],
            rated=any(filters["rating"]),
            favourites=any(filters["favourite"]),
            dated=any(filters["taken"]),
            months=MONTH_CHOICES,
            seasons=SEASON_CHOICES,
            place_example=next(name for name in filters["places"][0][:3] if name)
            if "places" in filters
            else "",
        )
        if "places" in shipped:
            writer.page(
                "places.html",
                "places.html",
                located=sum(1 for e in entries if e.place),
                named=bool(named),
            )
        writer.copy_assets()
    summary.pages_written, summary.pages_unchanged = writer.written, writer.unchanged
    return summary
