"""The library's folder: its marker, the one writer's lock, and the files photoseek keeps
there (managed pictures in photos/, staged files in tmp/). The catalog inside it is
photoseek.library's."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys
from pathlib import Path

from photoseek.ownership import WriterLock, new_file, read_marker, write_marker

PICTURES_DIR = "photos"
TMP_DIR = "tmp"
MARKER_NAME = ".photoseek-library"
# What photoseek itself names files in photos/ and tmp/; nothing else there is ever deleted.
_MANAGED_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{16,64}\.[a-z0-9]{2,5}$")
_STAGED_PREFIX, _STAGED_SUFFIX = "photoseek-", ".part"
_STAGED_NAME = re.compile(rf"^{_STAGED_PREFIX}[A-Za-z0-9_]+\{_STAGED_SUFFIX}$")

# syncfs flushes one filesystem, where os.sync would flush every disk on the machine.
_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform.startswith("linux") else None


class LibraryFolder:
    """A library folder's files, for the one writer that holds its lock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock: WriterLock | None = None

    @property
    def marked(self) -> bool:
        """Whether the folder carries photoseek's marker."""
        return read_marker(self.root, MARKER_NAME) is not None

    def open_for_writing(self) -> None:
        """Make the folders, and take the writer's lock (OwnershipError when another holds
        it)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = WriterLock(self.root, "library")
        (self.root / PICTURES_DIR).mkdir(exist_ok=True)
        (self.root / TMP_DIR).mkdir(exist_ok=True)

    def mark(self, schema: int) -> None:
        """Put photoseek's marker in the folder, if it has none (libraries made before the
        marker existed are recognised by their catalog)."""
        if not self.marked:
            write_marker(self.root, MARKER_NAME, {"kind": "library", "schema": schema})

    def release(self) -> None:
        """Let the next writer in."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def tmp_dir(self) -> Path:
        """Where files are written before they are renamed into place."""
        return self.root / TMP_DIR

    def stage(self, data: bytes) -> Path:
        """Write bytes to a fresh file in tmp/, invisible until renamed into place."""
        fd, tmp = new_file(self.tmp_dir, _STAGED_PREFIX, _STAGED_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp)

    def picture_path(self, photo_id: str, extension: str) -> Path:
        """Where a managed picture of this id lives; names come from the id alone."""
        return self.root / PICTURES_DIR / photo_id[:2] / f"{photo_id}{extension}"

    def clean_tmp(self) -> int:
        """Remove the files a killed run left half-written in tmp/; return how many."""
        removed = 0
        for entry in self.tmp_dir.iterdir():
            if _STAGED_NAME.match(entry.name) and entry.is_file():
                entry.unlink(missing_ok=True)
                removed += 1
        return removed

    def flush_files(self) -> None:
        """Make every picture written so far durable, before the catalog names it."""
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if _LIBC is not None and _LIBC.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
        os.sync()

    def remove_unnamed(self, named: set[str]) -> int:
        """Delete the managed pictures whose file (relative to the folder) is not `named`."""
        removed = 0
        pictures = self.root / PICTURES_DIR
        for folder in pictures.iterdir():
            if not folder.is_dir():
                continue
            for picture in folder.iterdir():
                name = picture.relative_to(pictures).as_posix()
                if _MANAGED_NAME.match(name) and f"{PICTURES_DIR}/{name}" not in named:
                    picture.unlink(missing_ok=True)
                    removed += 1
        return removed
