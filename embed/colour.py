"""A model-free embedding of colour and layout, for machines that cannot download a model."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from .preprocess import to_rgb

GRID = 4
LAYOUT = 8
HUE_BINS, CHROMA_BINS, GREY_BINS = 12, 3, 4

# Named colours (sRGB) that text search understands with this embedding.
COLOURS = {
    "red": (200, 30, 30),
    "orange": (240, 140, 20),
    "yellow": (240, 220, 40),
    "green": (40, 160, 60),
    "blue": (30, 80, 200),
    "purple": (120, 50, 160),
    "pink": (240, 150, 190),
    "brown": (120, 75, 40),
    "black": (15, 15, 15),
    "white": (245, 245, 245),
    "grey": (128, 128, 128),
    "gray": (128, 128, 128),
    "teal": (20, 128, 128),
    "turquoise": (64, 200, 200),
    "gold": (212, 175, 55),
    "beige": (225, 210, 180),
    "navy": (20, 30, 90),
    "cyan": (40, 200, 230),
    "magenta": (210, 40, 160),
    "violet": (140, 90, 200),
}


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab (D65) from sRGB in 0..255, for perceptual distances between colours."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array(
        [[0.4124, 0.2126, 0.0193], [0.3576, 0.7152, 0.1192], [0.1805, 0.0722, 0.9505]]
    )
    xyz /= np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def features(image: Image.Image) -> np.ndarray:
    """Colour grid, colour histogram and luminance layout of an RGB image."""
    small = np.asarray(image.resize((32, 32), Image.Resampling.BOX), dtype=np.float64)
    lab = _lab(small)
    grid = lab.reshape(GRID, 32 // GRID, GRID, 32 // GRID, 3).mean(axis=(1, 3))
    grid = (grid / np.array([100.0, 128.0, 128.0])).ravel()
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    hue = (np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360) / 360
    histogram = np.zeros(HUE_BINS * CHROMA_BINS + GREY_BINS)
    grey = chroma < 12
    levels = np.minimum((lab[..., 0][grey] / 100 * GREY_BINS).astype(int), GREY_BINS - 1)
    np.add.at(histogram, HUE_BINS * CHROMA_BINS + levels, 1)
    hue_bin = np.minimum((hue[~grey] * HUE_BINS).astype(int), HUE_BINS - 1)
    chroma_bin = np.minimum((chroma[~grey] / 40).astype(int), CHROMA_BINS - 1)
    np.add.at(histogram, hue_bin * CHROMA_BINS + chroma_bin, 1)
    histogram = np.sqrt(histogram / histogram.sum())
    layout = lab[..., 0].reshape(LAYOUT, 32 // LAYOUT, LAYOUT, 32 // LAYOUT).mean(axis=(1, 3))
    layout = (layout - layout.mean()).ravel() / 100
    return np.concatenate([grid * 1.0, histogram * 1.2, layout * 0.8]).astype(np.float32)


class ColourEmbedder:
    """Colour and layout similarity; text search understands colour names only."""

    name = "colour"
    has_text = False
    # Its text vectors cost nothing to make again.
    text_cache = None
    dim = GRID * GRID * 3 + HUE_BINS * CHROMA_BINS + GREY_BINS + LAYOUT * LAYOUT
    info: dict[str, Any] = {"type": "colour", "source": "colour", "colours": sorted(COLOURS)}

    def prepare(self, source: Path | bytes) -> np.ndarray:
        """Features of one picture, decoded at a small scale."""
        image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        if image.format == "JPEG":
            image.draft(None, (64, 64))
        return features(to_rgb(ImageOps.exif_transpose(image)))

    def embed_prepared(self, batch: list[np.ndarray]) -> np.ndarray:
        """Normalised vectors."""
        vectors = np.stack(batch)
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return (vectors / norms).astype(np.float32)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """The colours a text names ("red car" is red), as flat-colour pictures; else zeros."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z]+", text.lower())
            named = [COLOURS[w] for w in words if w in COLOURS]
            if named:
                vector = np.mean([features(Image.new("RGB", (32, 32), c)) for c in named], axis=0)
                out[row] = vector / np.linalg.norm(vector)
        return out
