"""Look at a picture's bytes: its format, size, content id and own metadata."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import Image, UnidentifiedImageError

from photoseek import jpeg

from . import exif

pillow_heif.register_heif_opener()

# Larger than any camera's frame; anything bigger is a decompression bomb.
MAX_PIXELS = 250_000_000
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "HEIF": ".heic"}
PICTURE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".heic", ".heif"}


class PictureError(ValueError):
    """The bytes are not a picture photoseek can keep; `reason` names the kind of problem."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class Picture:
    """What the library needs to know of a picture before storing it."""

    format: str
    width: int
    height: int
    content_id: str
    meta: dict[str, Any]
    exif: bytes | None

    @property
    def extension(self) -> str:
        """The file extension pictures of this format are written with."""
        return EXTENSIONS.get(self.format, ".bin")


def _check_size(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise PictureError(
            "decompression bomb",
            f"declares {width}x{height} pixels, over the {MAX_PIXELS:,}-pixel limit",
        )


def _jpeg_exif(data: bytes) -> bytes | None:
    segs, _ = jpeg.segments(data)
    for marker, start, end in segs:
        if marker == 0xE1 and data[start + 4 : start + 10] == b"Exif\x00\x00":
            return data[start + 4 : end]
    return None


def inspect(data: bytes) -> Picture:
    """Identify a picture without decoding a JPEG; other formats are decoded to hash pixels."""
    if not data:
        raise PictureError("empty file", "the file is empty")
    if data[:2] == jpeg.SOI:
        try:
            width, height = jpeg.dimensions(data)
            _check_size(width, height)
            jpeg.check_complete(data)
            raw_exif = _jpeg_exif(data)
            return Picture(
                "JPEG", width, height, jpeg.content_id(data), exif.read_meta(raw_exif), raw_exif
            )
        except jpeg.JpegError as err:
            raise PictureError("broken JPEG", str(err)) from err
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_size(*image.size)
            image.load()
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise PictureError("decompression bomb", str(err)) from err
    except UnidentifiedImageError as err:
        raise PictureError("not a picture", "not a format photoseek reads") from err
    except (OSError, ValueError, SyntaxError) as err:
        raise PictureError("broken picture", f"cannot decode: {err}") from err
    fmt = image.format or "UNKNOWN"
    digest = hashlib.sha256(f"pixels:{image.mode}:{image.size}".encode())
    digest.update(image.tobytes())
    raw_exif = image.info.get("exif")
    return Picture(
        fmt,
        image.width,
        image.height,
        digest.hexdigest()[:32],
        exif.read_meta(raw_exif if isinstance(raw_exif, bytes) else None),
        raw_exif,
    )
