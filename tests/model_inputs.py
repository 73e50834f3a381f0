"""The texts, pictures and tolerance the model parity tests share (no torch imported here)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from photoseek import samples

HARD_TEXTS = [
    "",
    "a photo of a dog",
    "Mount Fuji from a plane",
    "Crème brûlée à la française, naïve café",
    "ÅNGSTRÖM ǅ ﬁ ligatures and ＦＵＬＬＷＩＤＴＨ",
    "🐶🔥 emoji!! 👨‍👩‍👧",
    "東京タワーの夜景",
    "서울의 밤",
    "don't it's we'll I'M",
    "  lots   of\tspaces\n and\r\nnewlines ",
    "<|endoftext|> inside <|startoftext|>",
    "numbers 1234567 and 3.14159",
    "bokeh, long-exposure; HDR... (memes) [screenshots] {documents}",
    " ".join(f"word{i % 17}" for i in range(300)),
]

# Measured: at most 6.4e-7 on every checkpoint here (sharpened random weights, see
# reference_models); the bound is three times that, so a slip in any layer shows.
PARITY = 2e-6


def features(output) -> np.ndarray:  # noqa: ANN001 - a tensor or a transformers output
    """Unit-length rows of a model's features, from a tensor or an output that pools them."""
    vectors = getattr(output, "pooler_output", output).detach().numpy()
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def sample_images() -> list[Image.Image]:
    """Pictures in every mode a library holds: RGB, grey, palette, with alpha, CMYK, tiny."""
    base = samples.picture(4, (300, 200))
    rgba = base.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(base.size))
    return [
        base,
        samples.picture(5, (120, 260)),
        base.convert("L"),
        base.convert("P", palette=Image.Palette.ADAPTIVE, colors=32),
        rgba,
        base.convert("CMYK"),
        samples.picture(6, (64, 64)),
    ]
