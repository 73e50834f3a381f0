"""Near duplicates judged by their pixels, in-process: copies turned, mirrored, resized and
recompressed are found, distinct pictures never grouped; on the shared real photographs
too when they are here."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from photoseek import samples
from photoseek.build_site import nearcopies


def thumb(image: Image.Image) -> Image.Image:
    """As the site hashes a picture: its 320 px rendition, through JPEG."""
    small = image.convert("RGB")
    small.thumbnail((320, 320))
    data = io.BytesIO()
    small.save(data, "JPEG", quality=82)
    return Image.open(io.BytesIO(data.getvalue()))


def copies(image: Image.Image) -> dict[str, Image.Image]:
    """Every way a copy of a picture turns up, recompressed at a low quality."""
    made = {
        "turned 90": image.rotate(90, expand=True),
        "turned 180": image.rotate(180),
        "turned 270": image.rotate(270, expand=True),
        "mirrored": ImageOps.mirror(image),
        "upside down": ImageOps.flip(image),
        "transposed": image.transpose(Image.Transpose.TRANSPOSE),
        "transversed": image.transpose(Image.Transpose.TRANSVERSE),
        "halved": image.resize((image.width // 2, image.height // 2)),
    }
    for name, copy in made.items():
        data = io.BytesIO()
        copy.convert("RGB").save(data, "JPEG", quality=55)
        made[name] = Image.open(io.BytesIO(data.getvalue()))
    return made


def test_each_orientation_of_a_copy_is_found_and_said_to_be_turned():
    original = samples.picture(3, (600, 400))
    base = nearcopies.fingerprint(thumb(original))
    assert len(base) == 8 and all(0 <= h < 2**63 for h in base)
    for name, copy in copies(original).items():
        bits, turn = nearcopies.distance(base, nearcopies.fingerprint(thumb(copy)))
        assert bits <= nearcopies.NEAR_BITS, name
        assert (turn != 0) == (name != "halved"), name
    assert nearcopies.distance(base, base) == (0, 0)


def test_distinct_pictures_are_far_apart_and_never_grouped():
    hashes = [
        nearcopies.fingerprint(thumb(samples.picture(seed, (400, 300)))) for seed in range(40)
    ]
    assert nearcopies.near_groups(hashes) == []
    closest = min(
        nearcopies.distance(a, b)[0] for i, a in enumerate(hashes) for b in hashes[i + 1 :]
    )
    assert closest > nearcopies.NEAR_BITS


def test_copies_form_one_group_each_in_the_order_of_their_first_member():
    pictures = [samples.picture(seed, (500, 350)) for seed in (11, 12, 13)]
    hashes = [nearcopies.fingerprint(thumb(p)) for p in pictures]
    hashes.append(nearcopies.fingerprint(thumb(copies(pictures[2])["turned 90"])))
    hashes.append(None)  # a picture that could not be read
    hashes.append(nearcopies.fingerprint(thumb(copies(pictures[0])["halved"])))
    hashes.append(nearcopies.fingerprint(thumb(copies(pictures[0])["mirrored"])))
    found = nearcopies.near_groups(hashes)
    assert [g.members for g in found] == [(0, 5, 6), (2, 3)]
    assert [g.turned for g in found] == [True, True]
    assert all(0 <= g.bits <= nearcopies.NEAR_BITS for g in found)
    only_halved = nearcopies.near_groups(hashes[:6])
    assert [(g.members, g.turned) for g in only_halved] == [((0, 5), False), ((2, 3), True)]


def test_candidates_from_the_embedding_are_checked_by_their_pixels():
    a, b = (nearcopies.fingerprint(thumb(samples.picture(s, (300, 300)))) for s in (1, 2))
    # Neighbours by meaning are never near duplicates unless their pixels agree.
    assert nearcopies.near_groups([a, b], also=[(0, 1), (1, 0), (1, 1)]) == []
    # A copy whose hash shares no 16-bit block with the original's is found through `also`.
    far = tuple(h ^ 0x0001_0001_0001_0001 for h in a)
    assert nearcopies.distance(a, far)[0] == 4
    assert nearcopies.near_groups([a, far]) == []
    assert [g.members for g in nearcopies.near_groups([a, far], also=[(1, 0)])] == [(0, 1)]


def test_no_false_group_among_the_real_photographs_and_their_copies_found(shared_photos):
    images = [ImageOps.exif_transpose(Image.open(f)).convert("RGB") for f in shared_photos]
    hashes = [nearcopies.fingerprint(thumb(image)) for image in images]
    assert nearcopies.near_groups(hashes) == []
    extra = [nearcopies.fingerprint(thumb(c)) for c in copies(images[7]).values()]
    found = nearcopies.near_groups(hashes + extra)
    assert [g.members for g in found] == [(7, *range(len(images), len(images) + len(extra)))]


def test_a_crowded_block_value_costs_pairs_in_proportion_and_its_copies_still_meet():
    import numpy as np

    # 2,000 copies of one picture (each a bit or two off) and 2,000 others sharing one block.
    rng = np.random.default_rng(5)
    base = int(rng.integers(0, 2**62))
    copies = [base ^ (1 << int(rng.integers(16, 63))) for _ in range(2000)]
    others = [(int(rng.integers(0, 2**46)) << 16) | (base & 0xFFFF) for _ in range(2000)]
    hashes = [(h,) * 8 for h in copies + others]
    pairs = nearcopies._candidates(*nearcopies._table(hashes))
    assert len(pairs) <= len(hashes) * 8 * 4 * nearcopies.BUCKET_HEAD
    groups = nearcopies.near_groups(hashes)
    assert groups[0].members == tuple(range(2000)), "the copies meet in one group"
    assert all(min(g.members) >= 2000 for g in groups[1:])
