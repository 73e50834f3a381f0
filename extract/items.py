"""What every source yields: items that can be fingerprinted cheaply and loaded on demand."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photoseek import locators

# No photo file is larger; a bound keeps a hostile source from filling memory.
MAX_FILE = 512 << 20


class Skip(Exception):
    """An item that cannot be extracted; `reason` groups it in the summary."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass
class Report:
    """What sources say back to the run: files skipped (with a reason) and warnings."""

    problems: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)

    def skip(self, where: Path | str, reason: str, detail: str) -> None:
        """A file or folder that could not be extracted; `reason` groups it in the summary."""
        self.problems.append((path_text(where), reason, detail))

    def warn(self, where: str, message: str) -> None:
        """Something lost on the way (a field, a sidecar) that did not stop the file."""
        self.warnings.append((where, message))

    def leave_out(self, reason: str, count: int = 1) -> None:
        """Items a source leaves out by design (trashed, hidden, videos): counted, not skipped."""
        self.left_out[reason] += count


@dataclass
class Loaded:
    """An item's picture bytes and what its source says about it."""

    data: bytes
    meta: dict[str, Any]
    on_disk: Path | None = None
    icc_profile: bytes | None = None
    link: tuple[str, str] | None = None
    warnings: list[str] = field(default_factory=list)
    # True when part of what the source knows could not be read this time.
    incomplete: bool = False


@dataclass
class Item:
    """One picture a source offers, identified by a stable locator."""

    locator: str
    kind: str
    fingerprint: str
    load: Callable[[], Loaded]

    @property
    def display(self) -> str:
        """The locator without its scheme, for reports."""
        return locators.parse(self.locator).display


def path_text(path: Path | str) -> str:
    """A path as text that SQLite can store, even when the name is not UTF-8."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_utf8(path: Path | str) -> bool:
    """Whether the path's name is valid UTF-8 (it can be stored and reopened as text)."""
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def stat_fingerprint(path: Path) -> str:
    """Size and modification time: enough to tell a file changed without reading it."""
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def read_file(path: Path, limit: int = MAX_FILE) -> bytes:
    """A file's bytes (at most `limit`), with I/O problems turned into a reportable skip."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise Skip("too large", f"{size} bytes, over the {limit} byte limit")
            # Asking for exactly what is there: a read of `limit` bytes would allocate them.
            data = handle.read(size + 1 if size else limit + 1)
        if len(data) > limit:
            raise Skip("too large", f"over the {limit} byte limit")
        return data
    except PermissionError as err:
        raise Skip("unreadable file", f"permission denied: {err.strerror}") from err
    except OSError as err:
        raise Skip("unreadable file", err.strerror or str(err)) from err
