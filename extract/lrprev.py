"""The Lightroom `.lrprev` container: `AgHg` sections read by their declared lengths."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from photoseek import jpeg

from .luatable import LuaSyntaxError, parse_assignments

MAGIC = b"AgHg"
HEADER_SIZE = 32
# A preview is a handful of JPEGs; no real section comes near this.
MAX_SECTION = 1 << 30


class LrprevError(ValueError):
    """The file is not a readable Lightroom preview."""


@dataclass
class Preview:
    """The largest picture in a preview file and the facts of its header."""

    jpeg: bytes
    level: str
    header: dict[str, Any]
    repaired_end: bool
    warnings: list[str] = field(default_factory=list)


def sections(data: bytes) -> list[tuple[str, int, int]]:
    """The sections as (name, data start, data end), checked against the file's size."""
    found = []
    pos = 0
    size = len(data)
    while pos < size:
        if size - pos < HEADER_SIZE:
            if data[pos:].strip(b"\x00"):
                raise LrprevError(f"truncated section header at byte {pos}")
            break
        if data[pos : pos + 4] != MAGIC:
            if pos == 0:
                raise LrprevError("not a Lightroom preview (no AgHg magic at the start)")
            raise LrprevError(f"section at byte {pos} lacks the AgHg magic")
        # Bytes 4-8 are the header's length (32) by one reading, an opaque tag by another: the
        # data starts 32 bytes in either way, so they are not read.
        length, padding = struct.unpack_from(">QQ", data, pos + 8)
        name = data[pos + 24 : pos + 32].split(b"\x00", 1)[0].decode("ascii", "replace")
        start = pos + HEADER_SIZE
        # Also refuses a length whose upper 32 bits are set, as other readers do.
        if length > MAX_SECTION or padding > MAX_SECTION:
            raise LrprevError(f"section {name!r} declares an absurd length ({length} bytes)")
        if start + length > size:
            raise LrprevError(
                f"section {name!r} declares {length} bytes but the file ends "
                f"{size - start} bytes later (truncated file)"
            )
        found.append((name, start, start + length))
        pos = start + length + padding
    return found


def read(data: bytes) -> Preview:
    """Take the largest JPEG level out of a preview file's bytes."""
    if not data:
        raise LrprevError("empty file")
    found = sections(data)
    header: dict[str, Any] = {}
    warnings: list[str] = []
    levels = [(name, start, end) for name, start, end in found if name.startswith("level_")]
    for name, start, end in found:
        if name == "header":
            text = data[start:end].rstrip(b"\x00").decode("utf-8", "replace")
            try:
                header = parse_assignments(text).get("pyramid", {})
            except LuaSyntaxError as err:
                warnings.append(f"unreadable header ({err}); pictures recovered without it")
            if not isinstance(header, dict):
                header = {}
    if not levels:
        raise LrprevError("no preview level in the file")

    def level_number(item: tuple[str, int, int]) -> int:
        suffix = item[0][len("level_") :]
        return int(suffix) if suffix.isdigit() else -1

    failures = []
    for name, start, end in sorted(levels, key=level_number, reverse=True):
        body, repaired = jpeg.repair_end(data[start:end])
        try:
            jpeg.dimensions(body)
        except jpeg.JpegError as err:
            failures.append(f"{name}: {err}")
            continue
        if failures:
            warnings.append("larger levels unusable: " + "; ".join(failures))
        return Preview(body, name, header, repaired, warnings)
    raise LrprevError("no level holds a JPEG (" + "; ".join(failures) + ")")
