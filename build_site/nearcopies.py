"""Near duplicates judged by their pixels: a perceptual hash of each picture, compared under
the eight turns and flips, never embedding similarity alone.

The hash is the sign pattern of a picture's lowest spatial frequencies (a DCT of its 32 x 32
grey version, the 8 x 8 lowest coefficients but the mean, each against their median): what
resizing and recompression keep. Turning a picture a quarter transposes those coefficients
and flips negate every other one, so the eight orientations of one picture cost one DCT.
On the 200 real photographs of the project's checks, rotated, mirrored, halved and
recompressed copies differ from their original by at most 4 of the 63 bits, and distinct
photos by 14 or more: two pictures are near duplicates at NEAR_BITS or fewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PIL import Image

SIDE = 32
LOW = 8
BITS = LOW * LOW - 1
NEAR_BITS = 8
# Hashes are looked up by their four 16-bit blocks: two hashes at 3 bits or fewer apart share
# one; candidates from the embedding's neighbours cover the rest.
BLOCKS = 4
# A picture is paired with at most this many of the pictures that share a block value: a
# value thousands share (plain skies, white pages, a library of look-alike pictures) would
# pair them all with one another, pairs that grow with the square. Each of them is still
# paired with the same first few, so copies of one picture still meet.
BUCKET_HEAD = 16

_K = np.arange(SIDE)
_DCT = np.cos(np.pi * (2 * _K[None, :] + 1) * _K[:, None] / (2 * SIDE))
_ALTERNATE = (-1.0) ** np.arange(LOW)


def _bits(coefficients: np.ndarray) -> int:
    values = coefficients.flatten()[1:]
    above = values > np.median(values)
    return int(np.packbits(np.concatenate([[False], above])).view(">u8")[0])


def fingerprint(image: Image.Image) -> tuple[int, ...]:
    """The picture's hash in each of its eight orientations (the first as it is)."""
    grey = np.asarray(image.convert("L").resize((SIDE, SIDE), Image.Resampling.BOX), np.float64)
    low = (_DCT @ grey @ _DCT.T)[:LOW, :LOW]
    found = []
    for turned in (low, low.T):
        for rows in (1.0, _ALTERNATE[:, None]):
            for columns in (1.0, _ALTERNATE[None, :]):
                found.append(_bits(turned * rows * columns))
    return tuple(found)


def distance(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, int]:
    """How many bits `a` as it is differs from `b` in its closest orientation, and which."""
    return min(((a[0] ^ other).bit_count(), turn) for turn, other in enumerate(b))


@dataclass(frozen=True)
class NearGroup:
    """Pictures whose pixels agree: their positions, the most bits any pair of them differ
    by, and whether one of them is turned or mirrored against another."""

    members: tuple[int, ...]
    bits: int
    turned: bool


def _candidates(hashes: list[tuple[int, ...] | None]) -> set[tuple[int, int]]:
    """Pairs that share a 16-bit block in some orientation."""
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, found in enumerate(hashes):
        if found is not None:
            for block in range(BLOCKS):
                buckets.setdefault((block, found[0] >> (16 * block) & 0xFFFF), []).append(i)
    pairs = set()
    for i, found in enumerate(hashes):
        if found is None:
            continue
        for other in found:
            for block in range(BLOCKS):
                sharing = buckets.get((block, other >> (16 * block) & 0xFFFF), ())
                for j in sharing[:BUCKET_HEAD]:
                    if j != i:
                        pairs.add((min(i, j), max(i, j)))
    return pairs


def near_groups(
    hashes: list[tuple[int, ...] | None], also: Iterable[tuple[int, int]] = ()
) -> list[NearGroup]:
    """Groups of pictures (positions in `hashes`) at NEAR_BITS or fewer from another member;
    `also` adds candidate pairs (the embedding's neighbours). Ordered by first member."""
    pairs = _candidates(hashes) | {(min(i, j), max(i, j)) for i, j in also if i != j}
    parent = list(range(len(hashes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    near: list[tuple[int, int, int, int]] = []
    for i, j in sorted(pairs):
        if hashes[i] is None or hashes[j] is None:
            continue
        bits, turn = distance(hashes[i], hashes[j])
        if bits <= NEAR_BITS:
            near.append((i, j, bits, turn))
            parent[root(j)] = root(i)
    # Each group's members, widest pair and turns, gathered in one pass over the pairs.
    members: dict[int, set[int]] = {}
    widest: dict[int, int] = {}
    turned: dict[int, bool] = {}
    for i, j, bits, turn in near:
        group = root(i)
        members.setdefault(group, set()).update((i, j))
        widest[group] = max(widest.get(group, 0), bits)
        turned[group] = turned.get(group, False) or bool(turn)
    groups = [
        NearGroup(tuple(sorted(found)), widest[group], turned[group])
        for group, found in members.items()
    ]
    return sorted(groups, key=lambda g: g.members)
