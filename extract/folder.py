"""Items from a plain folder of pictures, and the safe directory walk every source uses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from photoseek import locators

from .applephotos import PhotosLibrarySource, is_photos_library
from .images import PICTURE_SUFFIXES
from .items import Item, Loaded, Report, is_utf8, path_text, read_file, stat_fingerprint


class Walker:
    """Walks folders in a stable order, following links but never looping, reporting problems."""

    def __init__(self, report: Report, exclude: list[Path]) -> None:
        self.report = report
        self.exclude = {p.resolve() for p in exclude}
        # Photos libraries met on the way: read as libraries, never walked as loose files.
        self.photos_libraries: list[Path] = []

    def __call__(self, root: Path) -> Iterator[Path]:
        """Every file below root."""
        seen: set[tuple[int, int]] = set()
        yield from self._walk(root, seen)

    def _walk(self, folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path]:
        try:
            st = folder.stat()
        except OSError as err:
            self.report.skip(folder, "unreadable folder", str(err))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            self.report.skip(folder, "symlink loop", "folder already visited")
            return
        seen.add(key)
        if folder.resolve() in self.exclude:
            return
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: os.fsencode(e.name))
        except OSError as err:
            self.report.skip(folder, "unreadable folder", err.strerror or str(err))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as err:
                self.report.skip(path, "unreadable file", str(err))
                continue
            if is_dir and is_photos_library(path):
                self.photos_libraries.append(path)
            elif is_dir:
                yield from self._walk(path, seen)
            elif is_file:
                yield path
            elif entry.is_symlink():
                self.report.skip(path, "broken link", "the link points nowhere")


class FolderSource:
    """Any folder: its pictures stay where they are."""

    kind = "folder"

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.report = report

    def describe(self) -> str:
        """One line for the run's opening message."""
        return f"folder {self.root}"

    def items(self, walk: Walker) -> Iterator[Item]:
        """An item per picture file."""
        paths = [self.root] if self.root.is_file() else walk(self.root)
        for path in paths:
            if path.suffix.lower() not in PICTURE_SUFFIXES:
                continue
            try:
                fingerprint = stat_fingerprint(path)
            except OSError as err:
                self.report.skip(path, "unreadable file", str(err))
                continue
            locator = locators.for_file("file", path_text(path))
            yield Item(locator, self.kind, fingerprint, lambda path=path: self.load(path))
        while walk.photos_libraries:
            library = PhotosLibrarySource(walk.photos_libraries.pop(0), self.report)
            yield from library.items(walk)

    def close(self) -> None:
        """Nothing is held open."""

    def load(self, path: Path) -> Loaded:
        """The file's bytes; it is used in place when its name can be stored."""
        meta = {"original_name": path_text(path.name), "original_path": path_text(path)}
        return Loaded(read_file(path), meta, on_disk=path if is_utf8(path) else None)
