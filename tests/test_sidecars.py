"""Takeout's sidecar naming, in-process, on the names real exports use (the quirks listed in
shared/reference/google-takeout.md, each seen in real dumps), written out by hand here rather
than made by photoseek's own samples."""

from __future__ import annotations

import pytest

from photoseek.extract.sidecars import candidates, edited_original, match_folder, split_name

# Media name -> the sidecar a real export gave it.
REAL_PAIRS = {
    "IMG_1234.JPG": "IMG_1234.JPG.json",
    "IMG_1235.JPG": "IMG_1235.JPG.supplemental-metadata.json",
    "image(1).jpg": "image.jpg(1).json",
    "image(2).jpg": "image.jpg.supplemental-metadata(2).json",
    "IMG_2367(1).HEIC": "IMG_2367.HEIC(1).supplemental-metadata.json",
    "20030616": "20030616.json",
    "PXL_20230101_120000000.MP": "PXL_20230101_120000000.MP.jpg.json",
    "IMG_0042~2.jpg": "IMG_0042.jpg.json",
    # 51 characters at most: the old style cuts the media name before ".json" (a 48-character
    # name keeps 46)...
    "Screenshot_20200101-123456_Some Long AppName.jpg": (
        "Screenshot_20200101-123456_Some Long AppName.j.json"
    ),
    # ...the new style cuts its suffix first, to the lengths the reference lists (21, 16, 6
    # and 2 characters for names of 25, 30, 40 and 44).
    "IMG_20230514_09301512.jpg": "IMG_20230514_09301512.jpg.supplemental-metadat.json",
    "PXL_20230514_093015123_TOP.jpg": "PXL_20230514_093015123_TOP.jpg.supplemental-me.json",
    "Photo from Ana and Bo in Lisbon 2019.jpg": (
        "Photo from Ana and Bo in Lisbon 2019.jpg.suppl.json"
    ),
    "A very long name that fills all of it up.jpg": (
        "A very long name that fills all of it up.jpg.s.json"
    ),
}  # fmt: skip


@pytest.mark.parametrize("media", REAL_PAIRS)
def test_every_real_naming_quirk_finds_its_sidecar(media):
    sidecar = REAL_PAIRS[media]
    assert len(sidecar) <= 51
    assert match_folder([media], {sidecar: media}) == {media: (sidecar, "name")}


def test_the_newer_style_is_tried_first_and_names_never_pass_51_characters():
    assert candidates("IMG_1.jpg") == ["IMG_1.jpg.supplemental-metadata.json", "IMG_1.jpg.json"]
    assert candidates("image(1).jpg") == [
        "image.jpg.supplemental-metadata(1).json",
        "image.jpg(1).supplemental-metadata.json",
        "image.jpg(1).json",
    ]
    # Only motion photos get the ".MP.jpg" forms.
    assert candidates("a.png") == ["a.png.supplemental-metadata.json", "a.png.json"]
    for name in [*REAL_PAIRS, "x" * 80 + ".jpeg", "y" * 60 + "(3).png", "z" * 60 + ".MP"]:
        assert all(len(c) <= 51 for c in candidates(name)), name


def test_names_split_at_their_last_dot_only_when_it_starts_an_extension():
    assert split_name("IMG_1.2.jpg") == ("IMG_1.2", ".jpg")
    assert split_name("20030616") == ("20030616", "")
    assert split_name(".hidden") == (".hidden", "")
    assert split_name("a.") == ("a", ".")


@pytest.mark.parametrize(
    "suffix",
    ["-edited", "-bearbeitet", "-modifié", "-編集済み", "-edytowane", "-bewerkt", "-modificato",
     "-ha editado", "-editat", "-effects", "-smile", "-mix"],
)  # fmt: skip
def test_edited_variants_in_every_language_take_the_originals_sidecar(suffix):
    edited = f"IMG_7{suffix}.jpg"
    assert edited_original(edited) == "IMG_7.jpg"
    assert edited_original(f"IMG_7{suffix.upper()}.jpg") == "IMG_7.jpg"
    pairs = match_folder([edited, "IMG_7.jpg"], {"IMG_7.jpg.json": "IMG_7.jpg"})
    assert pairs == {"IMG_7.jpg": ("IMG_7.jpg.json", "name"), edited: ("IMG_7.jpg.json", "edited")}


def test_a_name_that_only_contains_an_edit_word_is_not_an_edit():
    assert edited_original("edited-IMG_7.jpg") is None
    assert edited_original("IMG_7.jpg") is None


def test_names_match_sidecars_whatever_their_case():
    assert match_folder(["img_9.jpg"], {"IMG_9.JPG.json": None}) == {
        "img_9.jpg": ("IMG_9.JPG.json", "name")
    }


def test_no_rule_then_the_exact_title_then_the_closest_unclaimed_one():
    sidecars = {
        "renamed-by-takeout.json": "Harbour at dawn.jpg",
        "IMG_1.jpg.json": "IMG_1.jpg",
        "other.json": "Harbor at dawm.jpeg",
        "untitled.json": None,
        "far.json": "completely different.png",
    }
    media = ["IMG_1.jpg", "Harbour at dawn.jpg", "Harbour at dawn 2.jpg", "nothing like it.gif"]
    assert match_folder(media, sidecars) == {
        "IMG_1.jpg": ("IMG_1.jpg.json", "name"),
        "Harbour at dawn.jpg": ("renamed-by-takeout.json", "title"),
        "Harbour at dawn 2.jpg": ("other.json", "closest title"),
    }


def test_a_sidecar_claimed_by_name_is_not_given_again_by_title():
    sidecars = {"IMG_1.jpg.json": "IMG_1.jpg", "IMG_2.jpg.json": "IMG_1.jpg"}
    # IMG_1.jpg(1) copies: the first by name, the title then finds only the free sidecar.
    assert match_folder(["IMG_1.jpg", "IMG_1 copy.jpg"], sidecars) == {
        "IMG_1.jpg": ("IMG_1.jpg.json", "name"),
        "IMG_1 copy.jpg": ("IMG_2.jpg.json", "closest title"),
    }
    two_titles = {"a.json": "same.jpg", "b.json": "same.jpg"}
    assert match_folder(["same.jpg", "x.png"], two_titles) == {"same.jpg": ("a.json", "title")}
    # The one a title claimed is the one taken out of the closest-title pass.
    assert match_folder(["same.jpg", "same.jpeg"], two_titles) == {
        "same.jpg": ("a.json", "title"),
        "same.jpeg": ("b.json", "closest title"),
    }


def test_the_closest_title_names_its_own_sidecar_whatever_the_others_are_called():
    sidecars = {"a.json": "Aaa.jpg", "z.json": "zzz.jpg", "b.json": "Harbor at dawm.jpeg"}
    assert match_folder(["Harbour at dawn.jpg"], sidecars) == {
        "Harbour at dawn.jpg": ("b.json", "closest title")
    }
