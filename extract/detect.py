"""Decide what each SOURCE given on the command line is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .applephotos import PhotosLibrarySource, is_photos_library
from .catalog import find_catalog
from .folder import FolderSource, Walker
from .items import Item, Report
from .lightroom import LightroomSource
from .takeout import YEAR_FOLDER, TakeoutSource, takeout_zips, zip_parts


class SourceError(ValueError):
    """A SOURCE argument that cannot be used at all."""


class Source(Protocol):
    """What extract needs of a source. Skipped files and warnings go to the run's Report."""

    kind: str

    def describe(self) -> str:
        """One line for the run's opening message."""

    def items(self, walk: Walker) -> Iterator[Item]:
        """An item per picture, cheap to fingerprint, loaded only when needed."""

    def close(self) -> None:
        """Release what the source holds open, and report what it learnt on the way."""


def _photos_folder(folder: Path) -> Path | None:
    """The folder of a Takeout dump that holds year and album folders, if this is a dump."""
    candidates = [folder]
    takeout = folder / "Takeout" if folder.name != "Takeout" else folder
    if takeout.is_dir():
        candidates += sorted(p for p in takeout.iterdir() if p.is_dir())
    for candidate in candidates:
        try:
            if any(YEAR_FOLDER.match(p.name) and p.is_dir() for p in candidate.iterdir()):
                return candidate
        except OSError:
            continue
    return None


def _lightroom(path: Path, catalog: Path | None, report: Report) -> LightroomSource:
    folder = path if path.is_dir() else path.parent.parent.parent
    if catalog is None and folder.suffix.lower() == ".lrdata":
        catalog = find_catalog(folder)
    return LightroomSource(path, catalog, report)


def detect(paths: list[Path], catalog: Path | None, report: Report) -> list[Source]:
    """One source object per SOURCE (zip parts of one export become one source)."""
    catalog = catalog.absolute() if catalog else None
    sources: list[Source] = []
    zips: list[Path] = []
    for path in (p.absolute() for p in paths):
        if not path.exists():
            raise SourceError(f"{path}: no such file or folder")
        suffix = path.suffix.lower()
        if suffix == ".lrcat":
            previews = path.with_name(path.stem + " Previews.lrdata")
            if not previews.is_dir():
                raise SourceError(
                    f"{path}: a catalog alone holds no pictures, and {previews.name} is not "
                    "beside it; give the preview folder as SOURCE and the catalog with --catalog"
                )
            sources.append(LightroomSource(previews, path, report))
        elif suffix == ".lrprev" or (
            path.is_dir() and (suffix == ".lrdata" or (path / "previews.db").is_file())
        ):
            sources.append(_lightroom(path, catalog, report))
        elif is_photos_library(path):
            sources.append(PhotosLibrarySource(path, report))
        elif suffix == ".zip":
            zips.extend(p for p in zip_parts(path) if p not in zips)
        elif path.is_dir() and (photos := _photos_folder(path)) is not None:
            sources.append(TakeoutSource([photos], report))
        elif path.is_dir() and (parts := takeout_zips(path)):
            zips.extend(p for p in parts if p not in zips)
        else:
            sources.append(FolderSource(path, report))
    if zips:
        sources.append(TakeoutSource(zips, report))
    if catalog is not None and not any(isinstance(s, LightroomSource) for s in sources):
        raise SourceError("--catalog was given but no SOURCE is a Lightroom preview folder")
    return sources
