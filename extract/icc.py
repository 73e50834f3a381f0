"""ICC profiles for the colour spaces Lightroom names in a preview header.

Lightroom previews rarely embed a profile; their header says which space the
pixels are in instead. Browsers read an embedded ICC profile, so we build a
matrix/TRC profile with the published primaries and attach it, leaving the
compressed image untouched. The profiles are computed here, not copied from
Adobe's files.
"""

from __future__ import annotations

import struct
from functools import cache

import numpy as np

_D50 = np.array([0.9642, 1.0, 0.8249])
_BRADFORD = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)


def _xyz(x: float, y: float) -> np.ndarray:
    return np.array([x / y, 1.0, (1 - x - y) / y])


def _colorants(
    primaries: tuple[tuple[float, float], ...], white: tuple[float, float]
) -> np.ndarray:
    """RGB->XYZ matrix columns, chromatically adapted to the ICC's D50 (Bradford)."""
    prim = np.stack([_xyz(*p) for p in primaries], axis=1)
    scale = np.linalg.solve(prim, _xyz(*white))
    to_xyz = prim * scale
    src = _BRADFORD @ _xyz(*white)
    dst = _BRADFORD @ _D50
    adapt = np.linalg.inv(_BRADFORD) @ np.diag(dst / src) @ _BRADFORD
    return adapt @ to_xyz


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _tag_xyz(xyz: np.ndarray) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in xyz)


def _tag_text(text: str) -> bytes:
    return b"text\0\0\0\0" + text.encode("ascii") + b"\0"


def _tag_desc(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + b"\0" * 8  # no Unicode description
        + b"\0" * 3  # no ScriptCode description
        + b"\0" * 67
    )


def _tag_gamma(gamma: float) -> bytes:
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"


def build_profile(
    name: str,
    primaries: tuple[tuple[float, float], ...],
    white: tuple[float, float],
    gamma: float,
) -> bytes:
    """A version 2 RGB display profile from chromaticities and a pure-gamma curve."""
    matrix = _colorants(primaries, white)
    curve = _tag_gamma(gamma)
    tags = [
        (b"desc", _tag_desc(name)),
        (b"cprt", _tag_text("No copyright, use freely")),
        (b"wtpt", _tag_xyz(_D50)),
        (b"rXYZ", _tag_xyz(matrix[:, 0])),
        (b"gXYZ", _tag_xyz(matrix[:, 1])),
        (b"bXYZ", _tag_xyz(matrix[:, 2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = [struct.pack(">I", len(tags))]
    body = []
    for signature, data in tags:
        padded = data + b"\0" * (-len(data) % 4)
        table.append(signature + struct.pack(">II", offset, len(data)))
        body.append(padded)
        offset += len(padded)
    header = (
        struct.pack(">I", offset)
        + b"\0\0\0\0"
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2001, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + b"".join(_s15(v) for v in _D50)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + b"".join(table) + b"".join(body)


_SPACES = {
    "adobergb": (
        "Adobe RGB (1998) compatible",
        ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06)),
        (0.3127, 0.3290),
        563 / 256,
    ),
    "prophotorgb": (
        "ProPhoto RGB compatible",
        ((0.7347, 0.2653), (0.1596, 0.8404), (0.0366, 0.0001)),
        (0.3457, 0.3585),
        1.8,
    ),
}
_ALIASES = {"adobe rgb": "adobergb", "adobe rgb (1998)": "adobergb", "prophoto": "prophotorgb"}
SRGB_NAMES = {"srgb", "srgb iec61966-2.1", "srgb iec61966-2-1"}


@cache
def profile_for(colour_profile: str) -> bytes | None:
    """The ICC profile for a Lightroom `colorProfile` name; None for sRGB.

    Raises KeyError for a space we do not know, so the caller can report it.
    """
    key = colour_profile.strip().lower()
    if key in SRGB_NAMES:
        return None
    key = _ALIASES.get(key, key.replace(" ", ""))
    return build_profile(*_SPACES[key])
