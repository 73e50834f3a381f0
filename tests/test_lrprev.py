"""The .lrprev container, its header, JPEG repair and colour profiles."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import Image, ImageCms

from photoseek import jpeg, samples
from photoseek.extract import icc, lrprev
from photoseek.extract.luatable import LuaSyntaxError, parse_assignments


def _levels(seed: int = 1):
    return samples.pyramid(samples.picture(seed, (400, 300)))


def test_reads_largest_level_by_section_lengths():
    levels, sizes = _levels()
    data = samples.lrprev("AAAA-1", "ff00", levels, sizes)
    preview = lrprev.read(data)
    assert preview.level == "level_3"
    assert preview.jpeg == levels[-1]
    assert preview.header["uuid"] == "AAAA-1"
    assert preview.header["levels"][2] == {"height": 300, "width": 400}
    assert not preview.repaired_end


def test_embedded_end_markers_inside_levels_do_not_mislead():
    # A level whose bytes contain FFD9 early (e.g. in a thumbnail) must still be
    # sliced by the section length, never by scanning for markers.
    levels, sizes = _levels()
    trick = levels[-1][:2] + b"\xff\xfe\x00\x06\xff\xd9\xff\xd9" + levels[-1][2:]
    data = samples.lrprev("U", "D", levels[:-1] + [trick], sizes)
    assert lrprev.read(data).jpeg == trick


def test_missing_end_marker_is_repaired():
    levels, sizes = _levels()
    data = samples.lrprev("U", "D", levels, sizes, drop_end_marker=True)
    preview = lrprev.read(data)
    assert preview.repaired_end
    assert preview.jpeg == levels[-1]
    Image.open(io.BytesIO(preview.jpeg)).load()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: b"", "empty"),
        (lambda d: b"XXXX" + d[4:], "no AgHg magic"),
        (lambda d: b"0000" + d[4:], "no AgHg magic"),
        (lambda d: d[:40], "truncated"),
        (lambda d: d[:8] + struct.pack(">Q", 1 << 40) + d[16:], "absurd"),
        (lambda d: d[:8] + struct.pack(">Q", (1 << 29)) + d[16:], "truncated"),
        (lambda d: d[:20], "truncated section header"),
    ],
)
def test_bad_containers_are_rejected_with_a_reason(mutate, message):
    levels, sizes = _levels()
    data = samples.lrprev("U", "D", levels, sizes)
    with pytest.raises(lrprev.LrprevError, match=message):
        lrprev.read(mutate(data))


def test_level_that_is_not_a_jpeg_falls_back_to_the_next():
    levels, sizes = _levels()
    data = samples.lrprev("U", "D", levels[:-1] + [b"not a jpeg at all"], sizes)
    preview = lrprev.read(data)
    assert preview.level == "level_2"
    assert any("level_3" in w for w in preview.warnings)


def test_no_usable_level():
    data = samples.section("header", b"pyramid = {}") + samples.section("level_1", b"junk")
    with pytest.raises(lrprev.LrprevError, match="no level holds a JPEG"):
        lrprev.read(data)


def test_broken_header_keeps_the_picture():
    levels, sizes = _levels()
    data = samples.section("header", b"pyramid = { uuid = ") + b"".join(
        samples.section(f"level_{i + 1}", level) for i, level in enumerate(levels)
    )
    preview = lrprev.read(data)
    assert preview.header == {}
    assert preview.jpeg == levels[-1]
    assert "unreadable header" in preview.warnings[0]


def test_lua_tables():
    parsed = parse_assignments(
        'pyramid = { a = 1, b = -2.5, c = "x\\"y", d = { { w = 1 }, { w = 2 } }, e = true,'
        ' ["k k"] = nil, f = 0x10 }'
    )
    assert parsed == {
        "pyramid": {
            "a": 1,
            "b": -2.5,
            "c": 'x"y',
            "d": [{"w": 1}, {"w": 2}],
            "e": True,
            "k k": None,
            "f": 16,
        }
    }
    with pytest.raises(LuaSyntaxError):
        parse_assignments("pyramid = { a = }")
    with pytest.raises(LuaSyntaxError, match="deeply"):
        parse_assignments("x = " + "{" * 100 + "}" * 100)


def test_content_id_ignores_metadata_but_not_pixels():
    image = samples.picture(3)
    plain = samples.jpeg_bytes(image)
    with_profile = jpeg.with_metadata(plain, icc=icc.profile_for("AdobeRGB"))
    assert jpeg.content_id(plain) == jpeg.content_id(with_profile)
    other = samples.jpeg_bytes(image, quality=60)
    assert jpeg.content_id(plain) != jpeg.content_id(other)


def _srgb_from_adobe(rgb: np.ndarray) -> np.ndarray:
    linear = (rgb / 255.0) ** (563 / 256)
    adobe_to_xyz = np.array(
        [[0.5767, 0.1856, 0.1882], [0.2973, 0.6274, 0.0753], [0.0270, 0.0707, 0.9913]]
    )
    xyz_to_srgb = np.array(
        [[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]]
    )
    srgb = np.clip(xyz_to_srgb @ adobe_to_xyz @ linear, 0, 1)
    encoded = np.where(srgb <= 0.0031308, 12.92 * srgb, 1.055 * srgb ** (1 / 2.4) - 0.055)
    return encoded * 255


@pytest.mark.parametrize("colour", [(128, 128, 128), (40, 160, 60), (200, 60, 30), (20, 40, 200)])
def test_adobe_rgb_profile_converts_like_the_standard(colour):
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc.profile_for("AdobeRGB")))
    srgb = ImageCms.createProfile("sRGB")
    image = Image.new("RGB", (1, 1), colour)
    converted = ImageCms.profileToProfile(image, profile, srgb, outputMode="RGB")
    expected = _srgb_from_adobe(np.array(colour, dtype=float))
    assert np.abs(np.array(converted.getpixel((0, 0))) - expected).max() <= 3


def test_profile_survives_in_written_jpeg():
    original = samples.jpeg_bytes(samples.picture(1))
    data = jpeg.with_metadata(original, icc=icc.profile_for("AdobeRGB"))
    image = Image.open(io.BytesIO(data))
    assert image.info["icc_profile"] == icc.profile_for("AdobeRGB")
    assert jpeg.icc_profile(data) == icc.profile_for("AdobeRGB")
    assert icc.profile_for("sRGB") is None
    with pytest.raises(KeyError):
        icc.profile_for("Martian RGB")


def test_metadata_replacement_keeps_everything_else():
    import piexif

    original = samples.jpeg_bytes(samples.picture(2))
    first = jpeg.with_metadata(original, exif=piexif.dump({"0th": {piexif.ImageIFD.Artist: b"a"}}))
    second = jpeg.with_metadata(
        first,
        exif=piexif.dump({"0th": {piexif.ImageIFD.Artist: b"b"}}),
        icc=icc.profile_for("AdobeRGB"),
    )
    assert piexif.load(second)["0th"][piexif.ImageIFD.Artist] == b"b"
    assert second.count(b"Exif\x00\x00") == 1
    assert second[2:4] == b"\xff\xe0", "JFIF APP0 stays first"
    assert jpeg.content_id(second) == jpeg.content_id(original)
    assert Image.open(io.BytesIO(second)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def _file(*sections: tuple[str, bytes], align: int = 16) -> bytes:
    return b"".join(samples.section(name, body, align) for name, body in sections)


def test_the_header_is_read_and_unknown_sections_are_passed_over():
    levels, sizes = _levels()
    preview = lrprev.read(samples.lrprev("U", "D", levels, sizes, colour_profile="Display P3"))
    assert preview.header["colorProfile"] == "Display P3" and preview.header["uuid"] == "U"
    assert preview.level == "level_3" and preview.warnings == []
    data = _file(("color", b"{ not lua"), ("header", b"pyramid = { a = 1 }"),
                 ("level_1", levels[0]))  # fmt: skip
    preview = lrprev.read(data)
    assert preview.header == {"a": 1} and preview.warnings == []


def test_sections_need_not_be_aligned():
    levels, _ = _levels()
    data = _file(("header", b"pyramid = { b = 2 }"), ("level_1", levels[0]),
                 ("level_2", levels[1] + b"\x00"), ("level_3", levels[2]), align=1)  # fmt: skip
    preview = lrprev.read(data)
    assert preview.level == "level_3" and preview.jpeg == levels[2] and preview.header == {"b": 2}


def test_levels_are_ranked_by_number_and_an_unnumbered_one_comes_last():
    levels, _ = _levels()
    data = _file(("level_x", levels[2]), ("level_1", levels[0]), ("level_10", levels[1]))
    assert lrprev.read(data).level == "level_10"
    assert lrprev.read(_file(("level_x", levels[2]), ("level_1", levels[0]))).level == "level_1"
    assert lrprev.read(_file(("level_x", levels[2]), ("level_0", levels[0]))).level == "level_0"


def test_trailing_zeros_are_padding_and_trailing_bytes_a_cut_header():
    levels, _ = _levels()
    whole = _file(("level_1", levels[0]))
    assert lrprev.read(whole + b"\x00" * 31).jpeg == levels[0]
    with pytest.raises(lrprev.LrprevError) as caught:
        lrprev.read(whole + b"\x00AgHg")
    assert str(caught.value) == f"truncated section header at byte {len(whole)}"
    # Unaligned, and ending 2 bytes short of a multiple of 32, so that the 5 bytes left over
    # reach past it: what is left is the difference of the sizes, not a bitwise mix.
    pad = next(n for n in range(32) if (len(levels[0]) + n + 32) % 32 == 30)
    odd = _file(("level_1", levels[0] + b"\x00" * pad), align=1)
    with pytest.raises(lrprev.LrprevError, match=f"truncated section header at byte {len(odd)}$"):
        lrprev.read(odd + b"AgHg\x00")
    # Exactly one header's worth left over is a section, here an empty level.
    preview = lrprev.read(whole + samples.section("level_9", b""))
    assert preview.level == "level_1" and "level_9" in preview.warnings[0]


@pytest.mark.parametrize(
    ("length", "padding", "message"),
    [
        (1 << 30, 0, "section 'level_1' declares 1073741824 bytes but the file ends {} bytes "
                     "later (truncated file)"),
        ((1 << 30) + 1, 0, "section 'level_1' declares an absurd length (1073741825 bytes)"),
        (10, (1 << 30) + 1, "section 'level_1' declares an absurd length (10 bytes)"),
        ((1 << 32) + 10, 0, "section 'level_1' declares an absurd length (4294967306 bytes)"),
    ],
)  # fmt: skip
def test_declared_lengths_are_checked_against_the_file(length, padding, message):
    """The bounds are 1 GiB for a section's data and for its padding."""
    levels, _ = _levels()
    data = _file(("level_1", levels[0]))
    data = data[:8] + struct.pack(">QQ", length, padding) + data[24:]
    with pytest.raises(lrprev.LrprevError) as caught:
        lrprev.read(data)
    assert str(caught.value) == message.format(len(data) - 32)


def test_a_length_one_byte_past_the_end_is_a_truncated_file():
    levels, _ = _levels()
    # Padded so that the declared length and the data's start (32) share a bit: the end is
    # their sum, not a bitwise mix.
    pad = next(n for n in range(64) if (len(levels[0]) + n + 1) & 32)
    data = _file(("level_1", levels[0] + b"\x00" * pad), align=1)
    assert (len(data) - 31) & 32
    cut = data[:8] + struct.pack(">Q", len(data) - 31) + data[16:]
    with pytest.raises(lrprev.LrprevError) as caught:
        lrprev.read(cut)
    assert str(caught.value) == (
        f"section 'level_1' declares {len(data) - 31} bytes but the file ends "
        f"{len(data) - 32} bytes later (truncated file)"
    )


def test_the_largest_declared_padding_ends_the_file():
    levels, _ = _levels()
    data = _file(("level_1", levels[0]))
    data = data[:16] + struct.pack(">Q", 1 << 30) + data[24:]
    assert lrprev.read(data).jpeg == levels[0]


def test_a_later_section_without_the_magic_is_named_by_its_place():
    levels, _ = _levels()
    first = _file(("level_1", levels[0]))
    with pytest.raises(lrprev.LrprevError) as caught:
        lrprev.read(first + b"XXXX" + _file(("level_2", levels[1]))[4:])
    assert str(caught.value) == f"section at byte {len(first)} lacks the AgHg magic"
