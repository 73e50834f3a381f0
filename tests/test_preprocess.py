"""Pictures into model input, in-process, against transformers' own image processors over the
settings checkpoints use: sizes, crops, padding, resampling, scales, and decoding at a reduced
scale."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import numpy as np
import piexif
import pytest
from PIL import Image

from photoseek import samples
from photoseek.embed.preprocess import CLIP_MEAN, CLIP_STD, Preprocess, to_rgb

from .kept import kept_folder, kept_key

# Pictures of every shape: landscape, portrait, square, and smaller than every model input.
SHAPES = [(300, 200), (120, 260), (64, 64), (57, 31), (24, 45), (401, 399)]

PROCESSORS = {
    "clip, the crop inside the resize": (
        "clip", "CLIPImageProcessorPil", {"size": {"shortest_edge": 40}, "crop_size": 32}
    ),
    "clip, the crop larger than the resize (padded)": (
        "clip", "CLIPImageProcessorPil",
        {"size": {"shortest_edge": 24}, "crop_size": {"height": 32, "width": 30}},
    ),
    "clip, the crop more than twice the resize (padded on all sides)": (
        "clip", "CLIPImageProcessorPil",
        {"size": {"shortest_edge": 12}, "crop_size": {"height": 32, "width": 33}},
    ),
    "clip, the same with an odd number of rows of padding": (
        "clip", "CLIPImageProcessorPil",
        {"size": {"shortest_edge": 12}, "crop_size": {"height": 33, "width": 32}},
    ),
    "clip, nearest and its own scales": (
        "clip", "CLIPImageProcessorPil",
        {"size": 36, "crop_size": 36, "resample": 0, "rescale_factor": 1 / 200,
         "image_mean": [0.1, 0.2, 0.3], "image_std": [0.5, 0.25, 2.0]},
    ),
    "siglip, square": ("siglip", "SiglipImageProcessorPil", {"size": {"height": 32, "width": 32}}),
    "siglip, not square, bilinear": (
        "siglip", "SiglipImageProcessorPil", {"size": {"height": 24, "width": 40}, "resample": 2}
    ),
}  # fmt: skip


def _reference_outputs() -> dict[str, tuple[str, list[np.ndarray]]]:
    """Each processor's saved config and its model input for every test picture.

    Computed by transformers and kept in the temporary folder under a key of its version and
    these settings, so that repeated runs (a mutation tester's) skip importing it.
    """
    key = kept_key(PROCESSORS, SHAPES, packages=("transformers",))

    def make(folder: Path) -> None:
        import transformers

        arrays = {}
        for n, (_, class_name, settings) in enumerate(PROCESSORS.values()):
            processor = getattr(transformers, class_name)(**settings)
            processor.save_pretrained(folder / str(n))
            config = (folder / str(n) / "preprocessor_config.json").read_text()
            arrays[f"config{n}"] = np.frombuffer(config.encode(), dtype=np.uint8)
            pictures = [samples.picture(seed, shape) for seed, shape in enumerate(SHAPES)]
            pixels = processor(pictures, return_tensors="np")["pixel_values"]
            for seed, picture_pixels in enumerate(pixels):
                arrays[f"pixels{n}_{seed}"] = picture_pixels.transpose(1, 2, 0)
        np.savez(folder / "outputs.npz", **arrays)

    cache = kept_folder(f"photoseek-tests-preprocess-{key}", make) / "outputs.npz"
    with np.load(cache, allow_pickle=False) as stored:
        return {
            name: (
                stored[f"config{n}"].tobytes().decode(),
                [stored[f"pixels{n}_{seed}"] for seed in range(len(SHAPES))],
            )
            for n, name in enumerate(PROCESSORS)
        }


@pytest.fixture(scope="module")
def reference_outputs():
    return _reference_outputs()


@pytest.mark.parametrize("name", PROCESSORS)
def test_model_input_matches_the_reference_processor(tmp_path, name, reference_outputs):
    model_type = PROCESSORS[name][0]
    config, expected = reference_outputs[name]
    (tmp_path / "preprocessor_config.json").write_text(config)
    ours = Preprocess.from_config(tmp_path, model_type, 99)
    for seed, shape in enumerate(SHAPES):
        got = ours(samples.picture(seed, shape))
        assert got.shape == expected[seed].shape, (shape, got.shape, expected[seed].shape)
        np.testing.assert_allclose(got, expected[seed], atol=1e-5, err_msg=str(shape))


def test_without_a_config_each_family_gets_its_defaults(tmp_path):
    # OpenAI's published normalisation for CLIP.
    openai_mean = (0.48145466, 0.4578275, 0.40821073)
    openai_std = (0.26862954, 0.26130258, 0.27577711)
    assert (openai_mean, openai_std) == (CLIP_MEAN, CLIP_STD)
    clip = Preprocess.from_config(tmp_path, "clip", 224)
    assert clip == Preprocess(224, None, (224, 224), Image.Resampling.BICUBIC, 1 / 255,
                              openai_mean, openai_std)  # fmt: skip
    siglip = Preprocess.from_config(tmp_path, "siglip", 384)
    assert siglip == Preprocess(None, (384, 384), None, Image.Resampling.BICUBIC, 1 / 255,
                                (0.5, 0.5, 0.5), (0.5, 0.5, 0.5))  # fmt: skip


def test_sizes_given_as_plain_numbers(tmp_path):
    (tmp_path / "preprocessor_config.json").write_text(json.dumps({"size": 50, "crop_size": 40}))
    clip = Preprocess.from_config(tmp_path, "clip", 224)
    assert (clip.shortest_edge, clip.size, clip.crop) == (50, None, (40, 40))
    siglip = Preprocess.from_config(tmp_path, "siglip", 224)
    assert (siglip.shortest_edge, siglip.size, siglip.crop) == (None, (50, 50), None)
    (tmp_path / "preprocessor_config.json").write_text(json.dumps({"do_center_crop": True}))
    assert Preprocess.from_config(tmp_path, "siglip", 64).crop == (64, 64)


def test_a_size_of_another_form_is_a_clear_error(tmp_path):
    for size in ({"longest_edge": 9}, {"height": 9}, {}):
        (tmp_path / "preprocessor_config.json").write_text(json.dumps({"size": size}))
        with pytest.raises(ValueError, match="names neither a shortest edge nor a height and"):
            Preprocess.from_config(tmp_path, "clip", 224)
    (tmp_path / "preprocessor_config.json").write_text(
        json.dumps({"size": {"height": 9, "width": 8, "longest_edge": 9}})
    )
    assert Preprocess.from_config(tmp_path, "siglip", 224).size == (9, 8)
    with pytest.raises(ValueError, match="exactly one of a shortest edge and a size"):
        Preprocess(None, None, None, 3, 1 / 255, CLIP_MEAN, CLIP_STD)
    with pytest.raises(ValueError, match="exactly one of a shortest edge and a size"):
        Preprocess(8, (8, 8), None, 3, 1 / 255, CLIP_MEAN, CLIP_STD)
    settings = Preprocess(8, None, None, 3, 1 / 255, CLIP_MEAN, CLIP_STD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.rescale = 1.0  # type: ignore[misc]


def test_the_short_side_goes_to_the_edge_and_the_long_side_is_rounded_down():
    clip = Preprocess(224, None, (224, 224), 3, 1 / 255, CLIP_MEAN, CLIP_STD)
    assert clip.target_size(640, 480) == (298, 224)
    assert clip.target_size(480, 640) == (224, 298)
    assert clip.target_size(100, 100) == (224, 224)
    siglip = Preprocess(None, (24, 40), None, 3, 1 / 255, (0.5,) * 3, (0.5,) * 3)
    assert siglip.target_size(640, 480) == (40, 24)


def _jpeg(size: tuple[int, int], orientation: int = 1) -> bytes:
    exif = piexif.dump({"0th": {piexif.ImageIFD.Orientation: orientation}})
    return samples.jpeg_bytes(samples.picture(1, size), exif=exif)


def test_jpeg_decodes_at_the_smallest_scale_still_as_large_as_the_input():
    square = Preprocess(64, None, (64, 64), 3, 1 / 255, CLIP_MEAN, CLIP_STD)
    assert square.open(_jpeg((1000, 800))).size == (125, 100)
    assert square.open(_jpeg((1000, 800)), draft=False).size == (1000, 800)
    assert square.open(_jpeg((600, 500))).size == (150, 125)
    # A tall input (64 wide, 128 high) of a picture stored on its side: the stored picture
    # must keep 128 pixels across, which is its height once upright.
    tall = Preprocess(None, (128, 64), None, 3, 1 / 255, (0.5,) * 3, (0.5,) * 3)
    for orientation in (5, 6, 7, 8):
        assert tall.open(_jpeg((1024, 512), orientation=orientation)).size == (64, 128)
    assert tall.open(_jpeg((512, 1024))).size == (64, 128)
    assert tall.open(_jpeg((512, 1024), orientation=4)).size == (64, 128)


def test_transparency_is_composited_onto_white():
    rgba = Image.new("RGBA", (4, 4), (10, 20, 30, 0))
    rgba.putpixel((0, 0), (10, 20, 30, 255))
    rgb = to_rgb(rgba)
    assert rgb.mode == "RGB" and rgb.getpixel((1, 1)) == (255, 255, 255)
    assert rgb.getpixel((0, 0)) == (10, 20, 30)
    palette = Image.new("P", (2, 1))
    palette.putpalette([0, 0, 0, 200, 0, 0])
    palette.putpixel((1, 0), 1)
    palette.info["transparency"] = 0
    converted = to_rgb(palette)
    assert converted.getpixel((0, 0)) == (255, 255, 255)
    assert converted.getpixel((1, 0)) == (200, 0, 0)
    grey = Image.new("L", (1, 1), 7)
    assert to_rgb(grey).getpixel((0, 0)) == (7, 7, 7)
    plain = Image.new("RGB", (1, 1))
    assert to_rgb(plain) is plain


def test_load_reads_files_and_bytes_alike(tmp_path):
    data = _jpeg((300, 200), orientation=3)
    (tmp_path / "a.jpg").write_bytes(data)
    clip = Preprocess(32, None, (32, 32), 3, 1 / 255, CLIP_MEAN, CLIP_STD)
    from_file = clip.load(tmp_path / "a.jpg")
    np.testing.assert_array_equal(from_file, clip.load(data))
    upright = clip(to_rgb(Image.open(io.BytesIO(data)).rotate(180)))
    assert np.abs(from_file - upright).mean() < 0.1
    # Loading decodes at a reduced scale unless told not to.
    np.testing.assert_array_equal(from_file, clip(clip.open(data, draft=True)))
    assert not np.array_equal(from_file, clip.load(data, draft=False))
