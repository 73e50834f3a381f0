"""JPEG work that needs no decoding: structure checks, content ids, repair, segments, a
picture's bytes without its metadata; and asking Pillow to decode one at a reduced scale."""

from __future__ import annotations

import hashlib
import re
import struct
from typing import Any

SOI = b"\xff\xd8"
EOI = b"\xff\xd9"
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# Frames every browser decodes: baseline, extended and progressive Huffman coding.
_BROWSER_FRAMES = {0xC0, 0xC1, 0xC2}
# Tables and the restart interval, before a scan or between two.
_TABLES = {0xC4, 0xDB, 0xDD}
# The end of a scan's compressed data: 0xFF (after any fill bytes) and a marker that is
# neither a stuffed zero nor a restart.
_SCAN_END = re.compile(rb"\xff+[^\x00\xd0-\xd7\xff]")


def draft_long_edge(image: Any, side: int) -> None:
    """Let a JPEG that Pillow has opened (not yet loaded) decode at the smallest DCT scale
    that keeps `side` pixels along its long edge; other formats and smaller pictures are
    left as they are."""
    if image.format != "JPEG" or max(image.size) <= side:
        return
    # Pillow divides the stored size by the one asked, rounding down: asking for the scaled
    # size rounded down keeps a 4000 x 3003 picture's half scale. An edge of at least one
    # pixel keeps a strip a few pixels high from asking for none.
    scale = side / max(image.size)
    image.draft("RGB", (max(1, int(image.width * scale)), max(1, int(image.height * scale))))


class JpegError(ValueError):
    """The bytes are not a usable JPEG."""


def segments(data: bytes | memoryview) -> tuple[list[tuple[int, int, int]], int]:
    """The marker segments before the scan as (marker, start, end), and the scan's offset."""
    view = memoryview(data)
    if bytes(view[:2]) != SOI:
        raise JpegError("does not start with a JPEG start-of-image marker")
    found: list[tuple[int, int, int]] = []
    pos = 2
    size = len(view)
    while pos + 4 <= size:
        if view[pos] != 0xFF:
            raise JpegError(f"broken marker structure at byte {pos}")
        marker = view[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", view, pos + 2)
        end = pos + 2 + length
        if length < 2 or end > size:
            raise JpegError(f"segment at byte {pos} runs past the end")
        if marker == 0xDA:
            return found, pos
        found.append((marker, pos, end))
        pos = end
    raise JpegError("no image data (the file ends before the scan)")


def dimensions(data: bytes | memoryview) -> tuple[int, int]:
    """Width and height from the frame header."""
    segs, _ = segments(data)
    view = memoryview(data)
    for marker, start, _end in segs:
        if marker in _SOF_MARKERS:
            height, width = struct.unpack_from(">HH", view, start + 5)
            if width == 0 or height == 0:
                raise JpegError("frame header declares an empty image")
            return width, height
    raise JpegError("no frame header")


def content_id(data: bytes | memoryview) -> str:
    """A stable id of what the JPEG shows: every byte except metadata (APPn and COM).

    Two files holding the same compressed image with different EXIF, ICC or
    comments decode to the same pixels and get the same id.
    """
    view = memoryview(data)
    segs, scan = segments(view)
    digest = hashlib.sha256(b"jpeg")
    for marker, start, end in segs:
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            digest.update(view[start:end])
    digest.update(view[scan:])
    return digest.hexdigest()[:32]


def check_complete(data: bytes | memoryview) -> None:
    """Refuse a JPEG cut short: its image data never reaches the end-of-image marker.

    Inside the compressed data every 0xFF byte is stuffed or a restart marker, so
    FF D9 after the first scan is the real end, wherever it stands (a motion photo
    carries a video after it). Costs a byte search, not a decode.
    """
    _, scan = segments(data)
    if bytes(data).find(EOI, scan) < 0:
        raise JpegError("the image data stops before its end (the file is cut short)")


def repair_end(data: bytes) -> tuple[bytes, bool]:
    """Add the end-of-image marker some Lightroom levels lack; say whether it was missing."""
    stripped = data.rstrip(b"\x00")
    if stripped.endswith(EOI):
        return stripped, False
    return stripped + EOI, True


def icc_profile(data: bytes | memoryview) -> bytes | None:
    """The embedded ICC profile, reassembled from its APP2 chunks, or None."""
    view = memoryview(data)
    segs, _ = segments(view)
    chunks: dict[int, bytes] = {}
    for marker, start, end in segs:
        body = view[start + 4 : end]
        if marker == 0xE2 and bytes(body[:12]) == b"ICC_PROFILE\x00":
            chunks[body[12]] = bytes(body[14:])
    return b"".join(chunks[k] for k in sorted(chunks)) if chunks else None


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def with_metadata(data: bytes, *, exif: bytes | None = None, icc: bytes | None = None) -> bytes:
    """The JPEG with its EXIF and/or ICC profile replaced, every other byte kept as it was.

    `exif` is a TIFF-structured block starting with b"Exif\\0\\0" (as piexif.dump makes).
    """
    segs, scan = segments(data)
    head = [SOI]
    if exif is not None:
        head.append(_segment(0xE1, exif))
    if icc is not None:
        limit = 65519 - 14
        parts = [icc[i : i + limit] for i in range(0, len(icc), limit)]
        for index, part in enumerate(parts, start=1):
            head.append(_segment(0xE2, b"ICC_PROFILE\x00" + bytes([index, len(parts)]) + part))
    view = memoryview(data)
    kept = []
    for marker, start, end in segs:
        body = view[start + 4 : start + 18]
        if exif is not None and marker == 0xE1 and bytes(body[:6]) == b"Exif\x00\x00":
            continue
        if icc is not None and marker == 0xE2 and bytes(body[:12]) == b"ICC_PROFILE\x00":
            continue
        kept.append(view[start:end])
    # JFIF's APP0 must stay first when present.
    if segs and segs[0][0] == 0xE0 and kept and bytes(kept[0][:2]) == b"\xff\xe0":
        head.insert(1, bytes(kept.pop(0)))
    return b"".join([*head, *kept, view[scan:]])


def picture_only(data: bytes) -> bytes | None:
    """The JPEG with nothing but what shows its picture, its compressed data byte for byte;
    None when it is not one every browser decodes (arithmetic or lossless coding) or its
    structure is not understood.

    Left out: every APPn but Adobe's colour-coding header, comments (EXIF, XMP, IPTC,
    ICC profiles, makers' notes, thumbnails, wherever they stand, between scans too), and
    whatever follows the end of the image (a motion photo's video).
    """
    try:
        segs, scan = segments(data)
    except JpegError:
        return None
    frames = {marker for marker, _, _ in segs} & _SOF_MARKERS
    if not frames or not frames <= _BROWSER_FRAMES:
        return None
    kept = [SOI]
    for marker, start, end in segs:
        if marker in _TABLES or marker in frames or _is_adobe(marker, data[start + 4 : end]):
            kept.append(data[start:end])
    pos = scan
    while pos + 2 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == EOI[1]:
            return b"".join([*kept, EOI])
        if pos + 4 > len(data):
            return None
        (length,) = struct.unpack_from(">H", data, pos + 2)
        end = pos + 2 + length
        if length < 2 or end > len(data):
            return None
        if marker == 0xDA:
            found = _SCAN_END.search(data, end)
            if found is None:
                return None
            kept.append(data[pos : found.end() - 2])
            pos = found.end() - 2
        elif marker in _TABLES:
            kept.append(data[pos:end])
            pos = end
        elif 0xE0 <= marker <= 0xEF or marker == 0xFE:
            pos = end
        else:
            return None
    return None


def _is_adobe(marker: int, body: bytes) -> bool:
    """Adobe's APP14 header (how the colours are coded, no payload): the one APPn kept."""
    return marker == 0xEE and body[:5] == b"Adobe" and len(body) == 12
