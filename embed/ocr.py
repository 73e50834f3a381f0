"""Text in pictures: RapidOCR's PP-OCRv6 detection and recognition (ONNX Runtime), set for photos.

The engine's defaults scale a picture's short side up to 736 pixels before looking for
text, which makes small photos slow and merges their lines; photoseek looks at most 640
pixels along the long side, and keeps a line only when the recogniser is sure of it and it
holds two characters or more (single characters in textures and fur are its usual
mistakes on photos without text). benchmarks/bench_ocr.py measures both against the
defaults.

Most photos show no text, and full detection and recognition cost more than embedding
them. So a picture is first decoded small (a JPEG at a reduced DCT scale) and searched
for text at GATE_SIDE pixels, where detection costs about half as much; only a picture in
which that pass finds a text box is decoded again at full size and read. Measured on
the shared real photos (benchmarks/bench_ocr.py): the gate lets through a quarter to a
third of the photos without text, and every one of the 60 pictures with text, at
their own size and at 1,600 pixels; at 256 pixels it began to miss small labels.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from photoseek.concurrency import default_workers
from photoseek.jpeg import draft_long_edge

from .preprocess import to_rgb

# Bump when the settings below change, so that every photo is read again.
SETTINGS_VERSION = 2
DETECT_SIDE = 640
GATE_SIDE = 400
MIN_SCORE = 0.8
# Pictures are read at most this large (the engine brings them down to it, with OpenCV, a
# third of what Pillow's filters cost); photoseek hands it at most twice as much, so memory
# stays bounded whatever the original's size.
MAX_SIDE = 2000
HANDED_SIDE = 2 * MAX_SIDE
INSTALL = "pip install 'photoseek[ocr]'"
# The engine keeps the steps of its last call: every call names all three.
GATE_STEPS = {"use_det": True, "use_cls": False, "use_rec": False}
READ_STEPS = {"use_det": True, "use_cls": True, "use_rec": True}


class OcrUnavailable(Exception):
    """No OCR engine is installed; the message says how to install one."""


def engine_settings(defaults: bool = False) -> dict[str, object]:
    """RapidOCR parameters: photoseek's, or (`defaults`) the engine's own, quietened; on
    one thread either way."""
    quiet: dict[str, object] = {
        "Global.log_level": "critical",
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    if defaults:
        return quiet
    return {
        **quiet,
        "Global.max_side_len": MAX_SIDE,
        "Det.limit_type": "max",
        "Det.limit_side_len": DETECT_SIDE,
    }


class TextReader:
    """Reads the text of a picture, line by line in reading order; safe to use from up to
    `workers` threads at once."""

    def __init__(self, defaults: bool = False, workers: int | None = None) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as err:
            raise OcrUnavailable(
                f"reading text in pictures needs RapidOCR and ONNX Runtime: {INSTALL}"
            ) from err
        try:
            engine_version = version("rapidocr")
        except PackageNotFoundError:
            engine_version = "unknown"
        self.workers = default_workers(workers)
        # One engine of one thread per worker: ONNX Runtime spreads one photo over two cores
        # poorly (on 60 photos of 2,048 pixels here, 11.6 photos/s on two threads and 11.1
        # on one), while two photos at once, one a core, read 19.
        self._engines: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(self.workers):
            self._engines.put(RapidOCR(params=engine_settings(defaults)))
        # RapidOCR logs through its own logger at import, whatever the settings say.
        logging.getLogger("RapidOCR").setLevel(logging.CRITICAL)
        self.defaults = defaults
        settings = "defaults" if defaults else f"gate{GATE_SIDE}-det{DETECT_SIDE}-score{MIN_SCORE}"
        self.key = f"rapidocr-{engine_version}/{settings}/v{SETTINGS_VERSION}"

    @contextmanager
    def _engine(self) -> Iterator[Any]:
        """An engine no other thread is using, for the length of the block."""
        engine = self._engines.get()
        try:
            yield engine
        finally:
            self._engines.put(engine)

    def may_show_text(self, image: Image.Image) -> bool:
        """Whether detection at GATE_SIDE pixels finds any text box in the picture."""
        small = _upright(image, GATE_SIDE, Image.Resampling.BILINEAR)
        with self._engine() as engine:
            found = engine(small, **GATE_STEPS)
        return found.boxes is not None and len(found.boxes) > 0

    def read(self, image: Image.Image) -> str:
        """The picture's text, lines separated by newlines; empty when it shows none."""
        if not self.defaults and not self.may_show_text(image):
            return ""
        return self._read_all(_upright(image, HANDED_SIDE, Image.Resampling.BILINEAR))

    def read_file(self, path: Path) -> str:
        """The text of the picture at `path`, decoding it at full size only when the small
        pass finds text in it."""
        if not self.defaults:
            with Image.open(path) as image:
                draft_long_edge(image, GATE_SIDE)
                if not self.may_show_text(image):
                    return ""
        with Image.open(path) as image:
            draft_long_edge(image, MAX_SIDE)
            return self._read_all(_upright(image, HANDED_SIDE, Image.Resampling.BILINEAR))

    def _read_all(self, image: Image.Image) -> str:
        with self._engine() as engine:
            result = engine(image, **READ_STEPS)
        lines = []
        for text, score in zip(result.txts or (), result.scores or (), strict=False):
            text = " ".join(text.split())
            if self.defaults or (score >= MIN_SCORE and len(text) >= 2):
                lines.append(text)
        return "\n".join(lines)


def _upright(image: Image.Image, side: int, resample: Image.Resampling) -> Image.Image:
    """The picture upright, in RGB, at most `side` pixels along its long edge."""
    # Transparency goes onto white: dark text on a transparent background stays legible.
    image = to_rgb(ImageOps.exif_transpose(image))
    if max(image.size) > side:
        scale = side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, resample)
    return image
