"""Pictures into model input, as the reference image processors make it."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pillow_heif
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


@dataclass(frozen=True)
class Preprocess:
    """Resize, crop and normalise settings from a checkpoint's preprocessor_config.json."""

    shortest_edge: int | None
    size: tuple[int, int] | None
    crop: tuple[int, int] | None
    resample: int
    rescale: float
    mean: tuple[float, ...]
    std: tuple[float, ...]

    def __post_init__(self) -> None:
        if (self.shortest_edge is None) == (self.size is None):
            raise ValueError("a resize needs exactly one of a shortest edge and a size")

    @classmethod
    def from_config(cls, folder: Path, model_type: str, image_size: int) -> Preprocess:
        """Read the checkpoint's settings, with the model family's defaults for what is missing."""
        path = folder / "preprocessor_config.json"
        config = json.loads(path.read_text()) if path.is_file() else {}
        return cls.from_settings(config, model_type, image_size, path)

    @classmethod
    def from_settings(
        cls, config: dict, model_type: str, image_size: int, path: Path | str = "the settings"
    ) -> Preprocess:
        """The image processor's settings as a dict, with the model family's defaults for what
        is missing; `path` names where they came from in errors."""
        clip = model_type == "clip"
        size = config.get(
            "size",
            {"shortest_edge": image_size} if clip else {"height": image_size, "width": image_size},
        )
        if isinstance(size, int):
            size = {"shortest_edge": size} if clip else {"height": size, "width": size}
        if "shortest_edge" not in size and not {"height", "width"} <= size.keys():
            raise ValueError(
                f"{path}: the resize size {size} names neither a shortest edge nor a height "
                "and width; photoseek reads only those two forms"
            )
        crop = config.get("crop_size", {"height": image_size, "width": image_size})
        if isinstance(crop, int):
            crop = {"height": crop, "width": crop}
        do_crop = config.get("do_center_crop", clip)
        return cls(
            shortest_edge=None if "height" in size else size["shortest_edge"],
            size=(size["height"], size["width"]) if "height" in size else None,
            crop=(crop["height"], crop["width"]) if do_crop else None,
            resample=int(config.get("resample", Image.Resampling.BICUBIC)),
            rescale=float(config.get("rescale_factor", 1 / 255)),
            mean=tuple(config.get("image_mean", CLIP_MEAN if clip else (0.5, 0.5, 0.5))),
            std=tuple(config.get("image_std", CLIP_STD if clip else (0.5, 0.5, 0.5))),
        )

    def target_size(self, width: int, height: int) -> tuple[int, int]:
        """(width, height) after the resize step."""
        if self.size is not None:
            return self.size[1], self.size[0]
        edge = cast(int, self.shortest_edge)  # set whenever size is not (__post_init__)
        short, long = (width, height) if width <= height else (height, width)
        new_short, new_long = edge, int(edge * long / short)
        return (new_short, new_long) if width <= height else (new_long, new_short)

    def open(self, source: Path | bytes, *, draft: bool = True) -> Image.Image:
        """Open a picture upright and in RGB; `draft` lets JPEG decode at a reduced scale."""
        image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        if draft and image.format == "JPEG":
            # The DCT can halve the size up to three times for free; stop while still
            # at least as large as the model's input, so only the last resize differs.
            need = self.size[::-1] if self.size else (cast(int, self.shortest_edge),) * 2
            orientation = image.getexif().get(0x0112, 1)
            if orientation in (5, 6, 7, 8):
                need = need[::-1]
            image.draft(None, (need[0], need[1]))
        image = ImageOps.exif_transpose(image)
        return to_rgb(image)

    def __call__(self, image: Image.Image) -> np.ndarray:
        """HWC float32 model input from an RGB picture."""
        image = image.resize(self.target_size(*image.size), resample=self.resample)
        pixels = np.asarray(image)
        if self.crop is not None:
            height, width = pixels.shape[:2]
            crop_h, crop_w = self.crop
            if height < crop_h or width < crop_w:
                padded = np.zeros((max(height, crop_h), max(width, crop_w), 3), dtype=np.uint8)
                # The odd pixel of padding goes before the picture, as the reference pads.
                top = (padded.shape[0] - height + 1) // 2
                left = (padded.shape[1] - width + 1) // 2
                padded[top : top + height, left : left + width] = pixels
                pixels, height, width = padded, padded.shape[0], padded.shape[1]
            top, left = (height - crop_h) // 2, (width - crop_w) // 2
            pixels = pixels[top : top + crop_h, left : left + crop_w]
        scaled = pixels.astype(np.float32) * np.float32(self.rescale)
        return (scaled - np.array(self.mean, np.float32)) / np.array(self.std, np.float32)

    def load(self, source: Path | bytes, *, draft: bool = True) -> np.ndarray:
        """Model input straight from a file or its bytes."""
        return self(self.open(source, draft=draft))


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB, with any transparency composited onto white, as the reference processors do."""
    if image.mode == "RGB":
        return image
    if "A" in image.getbands() or image.info.get("transparency") is not None:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
