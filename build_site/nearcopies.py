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
    """How many bits `a` as it is differs from `b` in its closest orientation, and which (the
    first of equals)."""
    bits, turns = _distances(np.array([a, b], dtype=np.uint64), np.array([0]), np.array([1]))
    return int(bits[0]), int(turns[0])


@dataclass(frozen=True)
class NearGroup:
    """Pictures whose pixels agree: their positions, the most bits any pair of them differ
    by, and whether one of them is turned or mirrored against another."""

    members: tuple[int, ...]
    bits: int
    turned: bool


# Set bits of every byte value, for counting the bits two hashes differ by, many at a time.
_POPCOUNT = np.array([bin(value).count("1") for value in range(256)], dtype=np.uint8)
# Pairs whose distances are counted at once (about 13 MB of work arrays).
_CHUNK = 200_000


def _table(hashes: list[tuple[int, ...] | None]) -> tuple[np.ndarray, np.ndarray]:
    """The hashes as rows of eight orientations, and the positions of the pictures that have
    one."""
    table = np.zeros((len(hashes), 8), dtype=np.uint64)
    for i, found in enumerate(hashes):
        if found is not None:
            table[i] = found
    return table, np.array([i for i, found in enumerate(hashes) if found is not None], np.int64)


def _candidates(table: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Pairs (i < j, as i * len(table) + j) of the pictures at `owners` that share a 16-bit
    block in some orientation, each picture paired with at most BUCKET_HEAD of the pictures
    holding that block value (the first by position)."""
    size = len(table)
    found = [np.zeros(0, dtype=np.int64)]
    for block in range(BLOCKS):
        shift, mask = np.uint64(16 * block), np.uint64(0xFFFF)
        keys = (table[owners, 0] >> shift) & mask
        order = np.argsort(keys, kind="stable")
        held, holders = keys[order], owners[order]
        wanted = (table[owners] >> shift) & mask
        first = np.searchsorted(held, wanted, "left")
        last = np.searchsorted(held, wanted, "right")
        asking = np.broadcast_to(owners[:, None], wanted.shape)
        for step in range(BUCKET_HEAD):
            at = first + step
            inside = at < last
            if not inside.any():
                break
            other = holders[np.minimum(at, len(holders) - 1)]
            keep = inside & (other != asking)
            low = np.minimum(asking, other)[keep]
            high = np.maximum(asking, other)[keep]
            found.append(np.unique(low * size + high))
    return np.unique(np.concatenate(found))


def _distances(table: np.ndarray, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each pair, the bits the first picture as it is differs from the second in its
    closest orientation, and which orientation (the first of equals)."""
    bits = np.empty(len(first), dtype=np.int64)
    turns = np.empty(len(first), dtype=np.int64)
    for start in range(0, len(first), _CHUNK):
        stop = start + _CHUNK
        apart = table[first[start:stop], 0][:, None] ^ table[second[start:stop]]
        counts = _POPCOUNT[apart.view(np.uint8)].reshape(len(apart), 8, 8).sum(axis=2)
        turns[start:stop] = counts.argmin(axis=1)
        bits[start:stop] = counts.min(axis=1)
    return bits, turns


def near_groups(
    hashes: list[tuple[int, ...] | None], also: Iterable[tuple[int, int]] = ()
) -> list[NearGroup]:
    """Groups of pictures (positions in `hashes`) at NEAR_BITS or fewer from another member;
    `also` adds candidate pairs (the embedding's neighbours). Ordered by first member."""
    size = len(hashes)
    table, owners = _table(hashes)
    extra = [min(i, j) * size + max(i, j) for i, j in also if i != j]
    codes = np.union1d(_candidates(table, owners), np.array(extra, dtype=np.int64))
    first, second = codes // max(size, 1), codes % max(size, 1)
    hashed = np.zeros(size, dtype=bool)
    hashed[owners] = True
    keep = hashed[first] & hashed[second]
    first, second = first[keep], second[keep]
    bits, turns = _distances(table, first, second)
    close = bits <= NEAR_BITS
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    near = list(
        zip(
            first[close].tolist(),
            second[close].tolist(),
            bits[close].tolist(),
            turns[close].tolist(),
            strict=True,
        )
    )
    for i, j, _bits, _turn in near:
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
