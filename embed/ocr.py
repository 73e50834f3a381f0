"""Text in pictures: RapidOCR's PP-OCRv6 detection and recognition (ONNX Runtime), set for photos.

The engine's defaults scale a picture's short side up to 736 pixels before looking for
text, which makes small photos slow and merges their lines; photoseek looks at most 640
pixels along the long side, and keeps a line only when the recogniser is sure of it and it
holds two characters or more (single characters in textures and fur are its usual
mistakes on photos without text). benchmarks/bench_ocr.py measures both against the
defaults.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from PIL import Image, ImageOps

from .preprocess import to_rgb

# Bump when the settings below change, so that every photo is read again.
SETTINGS_VERSION = 1
DETECT_SIDE = 640
MIN_SCORE = 0.8
# Pictures are read at most this large: memory stays bounded whatever the original's size.
MAX_SIDE = 2000
INSTALL = "pip install 'photoseek[ocr]'"


class OcrUnavailable(Exception):
    """No OCR engine is installed; the message says how to install one."""


def engine_settings(defaults: bool = False) -> dict[str, object]:
    """RapidOCR parameters: photoseek's, or (`defaults`) the engine's own, quietened."""
    quiet: dict[str, object] = {"Global.log_level": "critical"}
    if defaults:
        return quiet
    return {**quiet, "Det.limit_type": "max", "Det.limit_side_len": DETECT_SIDE}


class TextReader:
    """Reads the text of a picture, line by line in reading order."""

    def __init__(self, defaults: bool = False) -> None:
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
        self.engine = RapidOCR(params=engine_settings(defaults))
        # RapidOCR logs through its own logger at import, whatever the settings say.
        logging.getLogger("RapidOCR").setLevel(logging.CRITICAL)
        self.defaults = defaults
        settings = "defaults" if defaults else f"det{DETECT_SIDE}-score{MIN_SCORE}"
        self.key = f"rapidocr-{engine_version}/{settings}/v{SETTINGS_VERSION}"

    def read(self, image: Image.Image) -> str:
        """The picture's text, lines separated by newlines; empty when it shows none."""
        # Transparency goes onto white: dark text on a transparent background stays legible.
        image = to_rgb(ImageOps.exif_transpose(image))
        if max(image.size) > MAX_SIDE:
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        result = self.engine(image)
        lines = []
        for text, score in zip(result.txts or (), result.scores or (), strict=False):
            text = " ".join(text.split())
            if self.defaults or (score >= MIN_SCORE and len(text) >= 2):
                lines.append(text)
        return "\n".join(lines)
