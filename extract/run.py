"""One extraction run: every item of every source into the library, in crash-safe batches."""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from photoseek import jpeg
from photoseek.concurrency import default_workers, prefetch
from photoseek.facts import CleanMeta, clean_meta
from photoseek.library import Library
from photoseek.outcome import Outcome
from photoseek.progress import progress_bar

from . import exif, images
from .detect import detect
from .folder import Walker
from .items import Item, Loaded, Report, Skip
from .placenames import name_places

BATCH = 256


@dataclass
class Summary(Report):
    """What a run did, for the closing lines and the exit status."""

    found: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    interrupted: bool = False
    # Located photos given place names by the gazetteer in this run, and why none could be.
    places_named: int = 0
    places_note: str | None = None

    @property
    def skipped(self) -> Counter:
        """How many files were skipped, by reason."""
        return Counter(reason for _, reason, _ in self.problems)

    def lines(self) -> list[str]:
        """The closing summary, as printed."""
        skipped = sum(self.skipped.values())
        head = (
            f"{self.found} found: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.duplicates} duplicates, {skipped} skipped"
        )
        out = [("interrupted after " if self.interrupted else "") + head]
        if self.places_named:
            out.append(f"place names given to {self.places_named} located photos (GeoNames)")
        if self.left_out:
            out.append(
                "left out by design: "
                + ", ".join(f"{n} {reason}" for reason, n in sorted(self.left_out.items()))
            )
        if self.skipped:
            out.append(
                "skipped by reason: "
                + ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
            )
        return out

    def outcome(self) -> Outcome:
        """The run as the command line reports it."""
        return Outcome(
            self.lines(),
            skipped=[(path, f"{reason}: {detail}") for path, reason, detail in self.problems],
            warnings=list(self.warnings),
            notes=[self.places_note] if self.places_note else [],
        )


@dataclass
class Prepared:
    """An item read, identified and, when it must be written out, staged in tmp/."""

    loaded: Loaded
    picture: images.Picture
    meta: dict
    staged: Path | None
    size: int


def _picture_bytes(loaded: Loaded, picture: images.Picture, meta: dict) -> bytes:
    """The bytes written for a picture that exists only inside a preview or a zip."""
    if picture.format != "JPEG":
        return loaded.data
    profile = None
    if loaded.icc_profile is not None and jpeg.icc_profile(loaded.data) is None:
        profile = loaded.icc_profile
    return jpeg.with_metadata(loaded.data, exif=exif.encode(meta, picture.exif), icc=profile)


def _write_atomic(library: Library, target: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so no half-written picture is ever visible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(library.folder.stage(data), target)


def _prepare(library: Library, item: Item) -> Prepared:
    """The thread-safe part of an item's work: read, identify, and stage what must be written.

    Staging here lets file creation, the slow part on most file systems, run on
    the worker threads; the main thread only renames or discards.
    """
    loaded = item.load()
    try:
        picture = images.inspect(loaded.data)
    except images.PictureError as err:
        raise Skip(err.reason, str(err)) from err
    meta = clean_meta({**picture.meta, **loaded.meta}, loaded.warnings.append)
    if loaded.on_disk is not None:
        return Prepared(loaded, picture, meta, None, len(loaded.data))
    data = _picture_bytes(loaded, picture, meta)
    return Prepared(loaded, picture, meta, library.folder.stage(data), len(data))


def _store(library: Library, item: Item, prepared: Prepared) -> str:
    """Record one prepared item; returns 'new', 'updated' or 'duplicate'."""
    picture, loaded = prepared.picture, prepared.loaded
    owner = library.photo_origin(picture.content_id)
    if owner is None:
        if prepared.staged is None:
            path, managed = loaded.on_disk, False
        else:
            path, managed = library.folder.picture_path(picture.content_id, picture.extension), True
            path.parent.mkdir(exist_ok=True)
            os.replace(prepared.staged, path)
        library.add_photo(
            picture.content_id,
            path,
            managed=managed,
            fmt=picture.format,
            width=picture.width,
            height=picture.height,
            size=prepared.size,
            origin=item.locator,
        )
    elif prepared.staged is not None:
        prepared.staged.unlink()
    seen_before = library.source_fingerprint(item.locator) is not None
    meta = CleanMeta((k, v) for k, v in prepared.meta.items() if not k.startswith("_"))
    # A source read only in part (its catalog was locked, say) is read again next time.
    fingerprint = item.fingerprint + ("|incomplete" if loaded.incomplete else "")
    library.put_source(item.locator, item.kind, picture.content_id, fingerprint, meta, loaded.link)
    if owner is None:
        return "new"
    return "updated" if seen_before else "duplicate"


def _refresh_exif(library: Library, photo_ids: set[str]) -> None:
    """Rewrite the EXIF of managed pictures whose sources changed, from all their metadata."""
    if not photo_ids:
        return
    for photo in library.photos(photo_ids):
        if not photo.path.is_relative_to(library.root) or photo.format != "JPEG":
            continue
        data = photo.path.read_bytes()
        own = images.inspect(data).exif
        rewritten = jpeg.with_metadata(data, exif=exif.encode(photo.meta, own))
        if rewritten != data:
            _write_atomic(library, photo.path, rewritten)
            library.update_size(photo.id, len(rewritten))


def extract(
    sources: list[Path],
    library_root: Path,
    *,
    catalog: Path | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    on_start: Callable[[str], None] | None = None,
) -> Summary:
    """Extract every picture of the given sources into the library; returns what happened."""
    workers = default_workers(workers)
    summary = Summary()
    # Sources are recognised before the library is made: a wrong SOURCE leaves no folder behind.
    found = detect(sources, catalog, summary)
    try:
        library = Library(library_root, create=True)
    except BaseException:
        for source in found:
            source.close()
        raise
    walker = Walker(summary, exclude=[library.root])
    library.folder.clean_tmp()
    for source in found:
        if on_start:
            on_start(f"reading {source.describe()}")

    def todo() -> Iterator[Item]:
        for source in found:
            for item in source.items(walker):
                summary.found += 1
                if library.source_fingerprint(item.locator) == item.fingerprint:
                    summary.unchanged += 1
                    bar.update()
                    continue
                yield item

    touched: set[str] = set()

    def settle() -> None:
        _refresh_exif(library, touched)
        touched.clear()
        library.folder.flush_files()
        library.commit()

    bar = progress_bar("extracting", "photos", progress)
    in_batch = 0
    library.begin()
    try:
        work = functools.partial(_prepare, library)
        for item, future in prefetch(work, todo(), workers, ahead=4 * workers + 8):
            try:
                prepared = future.result()
                status = _store(library, item, prepared)
                if status != "new":
                    touched.add(prepared.picture.content_id)
            except Skip as err:
                summary.skip(item.display, err.reason, str(err))
            except Exception as err:  # noqa: BLE001 - one odd file must not stop the run
                summary.skip(item.display, "unexpected error", repr(err))
            else:
                if status == "new":
                    summary.new += 1
                elif status == "updated":
                    summary.updated += 1
                else:
                    summary.duplicates += 1
                for warning in prepared.loaded.warnings:
                    summary.warn(item.display, warning)
            bar.update()
            in_batch += 1
            if in_batch >= BATCH:
                settle()
                library.begin()
                in_batch = 0
        settle()
    except KeyboardInterrupt:
        # Everything stored so far is kept; the rest is picked up by the next run.
        settle()
        summary.interrupted = True
    except BaseException:
        library.rollback()
        raise
    finally:
        bar.close()
        for source in found:
            source.close()
    if not summary.interrupted:
        library.remove_orphans()
        summary.places_named, summary.places_note = name_places(library)
    library.close()
    return summary
