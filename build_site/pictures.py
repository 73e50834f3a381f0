"""Thumbnails and view-size pictures for the web: upright, sRGB, no metadata, made once."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
import itertools
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pillow_heif
from PIL import Image, ImageCms, ImageOps

from photoseek import jpeg
from photoseek.ownership import write_whole
from photoseek.progress import progress_bar

from .nearcopies import fingerprint

pillow_heif.register_heif_opener()

# The renditions' longer side; pages pick one per use and offer the others in srcset.
SIZES = {"thumb": 320, "medium": 720, "large": 1600}
# The picture at its own size, for the viewer's zoom and to download; only for pictures larger
# than "large", which is already the whole picture otherwise.
FULL = "full"
QUALITY = 82
FULL_QUALITY = 90
_SRGB = ImageCms.createProfile("sRGB")
_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG = 1


def rendition_path(kind: str, photo_id: str) -> str:
    """Path relative to the site root; named by the photo id, so it never goes stale."""
    return f"img/{kind}/{photo_id[:2]}/{photo_id}.jpg"


def rendition_kinds(width: int, height: int, full: bool = True) -> list[str]:
    """The renditions an upright picture of this size gets: each one larger than the one
    before it (a picture of 500 px has a thumbnail and its own size, never two copies)."""
    side = max(width, height)
    names = list(SIZES)
    # A kind is made when the picture is larger than the kind before it.
    kinds = [
        names[0],
        *(kind for before, kind in itertools.pairwise(names) if side > SIZES[before]),
    ]
    return [*kinds, FULL] if full and side > SIZES["large"] else kinds


def nearest_kind(kind: str, kinds: list[str]) -> str:
    """The rendition shown for `kind` among those made: itself, else the largest smaller one."""
    order = [*SIZES, FULL]
    return max((k for k in kinds if order.index(k) <= order.index(kind)), key=order.index)


def rendition_size(kind: str, width: int, height: int) -> tuple[int, int]:
    """The size of one rendition of an upright picture of this size (never enlarged)."""
    if kind == FULL:
        return width, height
    scale = min(1.0, SIZES[kind] / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert through the embedded ICC profile (AdobeRGB previews, wide-gamut phones)."""
    profile = image.info.get("icc_profile")
    if image.mode == "CMYK" or not profile:
        return image.convert("RGB")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(
            image.convert("RGB") if image.mode != "RGB" else image, source, _SRGB, outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image.convert("RGB")


def is_complete(path: Path) -> bool:
    """Whether a rendition exists whole: a JPEG cut short (a full disk) lacks its end marker."""
    try:
        with path.open("rb") as handle:
            handle.seek(-2, os.SEEK_END)
            return handle.read(2) == b"\xff\xd9"
    except OSError:
        return False


def _die_with_parent() -> None:
    """Worker initialiser: the kernel ends this worker when the run that started it dies."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    # Ctrl-C is the parent's to handle; a worker just stops when told.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def render(
    source: Path, photo_id: str, out: Path, full: bool = True
) -> tuple[str, tuple[int, int] | None, str]:
    """Write the missing renditions of one picture (the full-size one too, if `full`).

    Returns (photo id, upright size or None when only reading it failed, error or "").
    """
    try:
        with Image.open(source) as opened:
            swap = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            size = opened.size[::-1] if swap else opened.size
            wanted = {
                kind
                for kind in rendition_kinds(*size, full=full)
                if not is_complete(out / rendition_path(kind, photo_id))
            }
            if FULL in wanted:
                whole = _whole(opened, source)
                if whole is not None:
                    write_whole(out / rendition_path(FULL, photo_id), whole)
                    wanted.discard(FULL)
            if not wanted:
                return photo_id, size, ""
            if FULL not in wanted:
                jpeg.draft_long_edge(opened, SIZES["large"])
            # Turning keeps the picture's info, its colour profile included.
            image = _to_srgb(ImageOps.exif_transpose(opened))
        # No metadata at all (EXIF, profile, comments): sRGB is the web's default, and
        # nothing private in the original (a place written in a comment) reaches the site.
        image.info.clear()
        # Largest first, each made from the one before it: resampling a 1600-pixel picture
        # to 720 costs a third of doing it from a 4000-pixel one, for the same result.
        order = [*SIZES, FULL]
        made = image
        for kind in sorted(rendition_kinds(*size, full=full), key=order.index, reverse=True):
            target = rendition_size(kind, *image.size)
            if made.size != target:
                made = made.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
            if kind in wanted:
                write_whole(out / rendition_path(kind, photo_id), _encode(made, kind))
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        return photo_id, None, f"{type(err).__name__}: {err}"
    return photo_id, size, ""


def _whole(opened: Image.Image, source: Path) -> bytes | None:
    """The source's own bytes as the full size, its metadata left out (jpeg.picture_only),
    when they show what re-encoding it would: an upright RGB or grey JPEG without a colour
    profile, compressed no finer than FULL_QUALITY, so no larger than re-encoding makes it.
    Its pixels are then the original's, not a second generation's."""
    if opened.format != "JPEG" or opened.mode not in ("RGB", "L"):
        return None
    if opened.info.get("icc_profile") or opened.getexif().get(0x0112, 1) != 1:
        return None
    tables = getattr(opened, "quantization", None)
    if not tables or sum(tables[0]) < sum(_full_quality_table()):
        return None
    return jpeg.picture_only(source.read_bytes())


@functools.cache
def _full_quality_table() -> tuple[int, ...]:
    """The luminance quantisation table an encoding at FULL_QUALITY uses."""
    encoded = io.BytesIO()
    Image.new("L", (8, 8)).save(encoded, "JPEG", quality=FULL_QUALITY)
    with Image.open(encoded) as image:
        return tuple(image.quantization[0])


def _encode(image: Image.Image, kind: str) -> bytes:
    """A rendition as JPEG with optimised tables; the views that pages show are progressive,
    the thumbnail and the full size (for zoom and download) baseline, which costs a third
    of progressive encoding at full size."""
    encoded = io.BytesIO()
    quality = FULL_QUALITY if kind == FULL else QUALITY
    progressive = kind in ("medium", "large")
    image.save(encoded, "JPEG", quality=quality, optimize=True, progressive=progressive)
    return encoded.getvalue()


def render_and_fingerprint(
    source: Path, photo_id: str, out: Path, full: bool = True
) -> tuple[str, tuple[int, int] | None, str, tuple[int, ...] | None]:
    """render(), and the pixel hash of the thumbnail it made or found (nearcopies.py): the
    same small sRGB picture for every photo, made once."""
    photo_id, size, error = render(source, photo_id, out, full)
    if size is None:
        return photo_id, size, error, None
    try:
        with Image.open(out / rendition_path("thumb", photo_id)) as thumb:
            return photo_id, size, error, fingerprint(thumb)
    except OSError:
        return photo_id, size, error, None


def render_all(
    jobs: list[tuple[Path, str]],
    out: Path,
    workers: int,
    progress: bool | None = None,
    full: bool = True,
) -> Iterator[tuple[str, tuple[int, int] | None, str, tuple[int, ...] | None]]:
    """Render pictures on a pool of processes, yielding each result as
    render_and_fingerprint() gives it, in the jobs' order."""
    bar = progress_bar("pictures", "photos", progress, len(jobs))
    if workers <= 1 or len(jobs) < 64:
        results: Iterable = (render_and_fingerprint(source, pid, out, full) for source, pid in jobs)
        for result in results:
            bar.update()
            yield result
    else:
        pool = ProcessPoolExecutor(workers, initializer=_die_with_parent)
        try:
            sources, ids = zip(*jobs, strict=True)
            fulls = [full] * len(jobs)
            outs = [out] * len(jobs)
            for result in pool.map(render_and_fingerprint, sources, ids, outs, fulls, chunksize=8):
                bar.update()
                yield result
        finally:
            # On an interrupt, queued work is dropped and the workers finish their picture.
            pool.shutdown(wait=False, cancel_futures=True)
    bar.close()
