"""Folders photoseek owns: a marker says it made them, a lock admits one writer at a time.

photoseek deletes or overwrites only inside folders that carry its marker, and
refuses a non-empty folder that does not. The lock is an advisory `flock`
released by the kernel when its holder dies, so a killed run never leaves a
folder locked; it names the process that holds it.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import sys
import tempfile
from pathlib import Path

LOCK_NAME = ".photoseek-lock"
# Files being written get names of their own that start so: `{PART_PREFIX}*.part`.
PART_PREFIX = ".photoseek-"


class OwnershipError(Exception):
    """A folder photoseek must not write to, or one another photoseek is writing to."""


class FolderBusy(OwnershipError):
    """Another process holds the folder's writer lock."""


def read_marker(folder: Path, name: str) -> dict | None:
    """The marker's content, or None when there is none (or it is not photoseek's)."""
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("photoseek") else None


def write_marker(folder: Path, name: str, content: dict) -> None:
    """Write the marker atomically."""
    write_whole(folder / name, json.dumps({"photoseek": True, **content}, indent=1).encode())


def is_empty(folder: Path) -> bool:
    """Whether the folder is missing or holds nothing."""
    try:
        return next(folder.iterdir(), None) is None
    except FileNotFoundError:
        return True


def inside(path: Path, root: Path) -> bool:
    """Whether `path` is `root` or lies below it, links resolved."""
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def contained(root: Path, relative: str) -> Path:
    """root/relative, refused if it would land outside root (.., absolute parts, links)."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()) or Path(relative).is_absolute():
        raise OwnershipError(f"refusing to write {relative!r}: it is not inside {root}")
    return root / relative


@functools.cache
def _umask() -> int:
    """The process's umask, read without changing it where the system tells it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode `cp` gives a new file under the user's umask (0644 under 022): mkstemp's
    0600 would keep a site from every web server that runs as another user."""
    return 0o666 & ~_umask()


def new_file(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """A new file under a name no other run shares, open for writing, with file_mode()."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    os.fchmod(fd, file_mode())
    return fd, tmp


def write_whole(path: Path, data: bytes) -> None:
    """Write under a name no other run shares, then rename into place: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = new_file(path.parent, PART_PREFIX, ".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class WriterLock:
    """The one-writer lock of a folder photoseek owns."""

    def __init__(self, folder: Path, what: str) -> None:
        self.path = folder / LOCK_NAME
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 4096, 0).decode("utf-8", "replace").strip()
            os.close(self.fd)
            raise FolderBusy(
                f"{folder} is in use by another photoseek ({holder or 'process unknown'}); "
                f"wait for it to finish, or stop it, then run this again. Only one run may "
                f"write to a {what} at a time."
            ) from None
        os.ftruncate(self.fd, 0)
        # Which process, and which command: never its arguments, since a site is published.
        os.pwrite(self.fd, f"pid {os.getpid()}: photoseek {' '.join(sys.argv[1:2])}".encode(), 0)

    def release(self) -> None:
        """Let the next writer in."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
