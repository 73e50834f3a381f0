"""Faces grouped into persons and persons named: the grouping, the naming rules, how the
library keeps them, and the commands that show and change them.

The faces here are stored with descriptors the tests choose (no face model is needed);
tests/test_faces.py finds real faces with the real models.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoseek import facestore, people, samples
from photoseek.build_site import facecrops
from photoseek.library import Library, LibraryError

from .conftest import ls_json, machine_without, run_cli

MODEL = "test-faces/v1"


@dataclass(frozen=True)
class FakeFace:
    box: tuple[float, float, float, float]
    landmarks: tuple[tuple[float, float], ...]
    score: float
    descriptor: np.ndarray


def face(centre: np.ndarray, box=(0.1, 0.1, 0.3, 0.3), jitter: float = 0.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    offset = rng.normal(size=centre.shape)
    offset *= jitter / np.linalg.norm(offset)
    return FakeFace(box, ((0.2, 0.2),) * 5, 1.0, (centre + offset).astype(np.float32))


def centres(count: int, seed: int = 1) -> list[np.ndarray]:
    """Person centres at least 1.0 apart (descriptors of different people)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=128) * 0.2 for _ in range(count)]


# -- grouping ------------------------------------------------------------------


def test_faces_near_each_other_form_one_person_each():
    a, b, c = centres(3)
    assert min(np.linalg.norm(a - b), np.linalg.norm(a - c), np.linalg.norm(b - c)) > 1.5
    order = [a, b, a, c, b, a]
    new = np.stack([face(x, jitter=0.2, seed=i).descriptor for i, x in enumerate(order)])
    assert people.group(np.zeros((0, 128)), [], new, 7) == [7, 8, 7, 9, 8, 7]


def test_a_known_face_keeps_its_person_and_new_faces_join_it():
    a, b = centres(2)
    known = np.stack([face(a, jitter=0.2).descriptor, face(b, jitter=0.2, seed=1).descriptor])
    new = np.stack([face(b, jitter=0.2, seed=2).descriptor, face(a, jitter=0.2, seed=3).descriptor])
    assert people.group(known, [40, 3], new, 41) == [3, 40]


def test_the_face_just_past_the_threshold_starts_a_person():
    a = centres(1)[0]
    near = face(a, jitter=people.SAME_PERSON * 0.98).descriptor
    far = face(a, jitter=people.SAME_PERSON * 1.02, seed=5).descriptor
    known = np.stack([a.astype(np.float32)])
    assert people.group(known, [1], np.stack([near]), 2) == [1]
    assert people.group(known, [1], np.stack([far]), 2) == [2]


def test_the_person_with_most_close_faces_wins_over_the_nearest_face():
    a = centres(1)[0]
    direction = np.zeros(128)
    direction[0] = 1
    # Two faces of person 5 at 0.3 and 0.35, one of person 9 at 0.1: 5 has more votes.
    known = np.stack([a + 0.3 * direction, a - 0.35 * direction, a + 0.1 * direction[::-1]])
    assert people.group(known, [5, 5, 9], np.stack([a]), 10) == [5]
    # One vote each: the nearest face's person.
    assert people.group(known[1:], [5, 9], np.stack([a]), 10) == [9]


def test_two_faces_half_a_unit_apart_are_one_person_and_further_two():
    a = centres(1)[0].astype(np.float32)
    direction = np.zeros(128, dtype=np.float32)
    direction[5] = 1
    known = np.stack([a])
    assert people.group(known, [1], np.stack([a + 0.45 * direction]), 2) == [1]
    assert people.group(known, [1], np.stack([a + 0.55 * direction]), 2) == [2]


def test_a_face_identical_to_a_known_one_joins_its_person():
    # Two copies of one picture (a virtual copy, a re-encoded duplicate) give equal faces;
    # float rounding must not make their distance undefined.
    # This face's distance to itself, by the expansion used, rounds to -1e-6.
    a = centres(1, seed=0)[0].astype(np.float32)
    assert people.group(np.stack([a]), [3], np.stack([a]), 5) == [3]


def test_grouping_in_chunks_gives_the_same_persons(monkeypatch):
    rng = np.random.default_rng(4)
    people_centres = centres(6, seed=8)
    faces = np.stack(
        [face(people_centres[rng.integers(6)], jitter=0.2, seed=i).descriptor for i in range(45)]
    )
    for known in (0, 5):
        persons = people.group(np.zeros((0, 128)), [], faces[:known], 1) if known else []
        whole = people.group(faces[:known], persons, faces[known:], 10)
        monkeypatch.setattr(people, "CHUNK", 7)
        assert people.group(faces[:known], persons, faces[known:], 10) == whole
        monkeypatch.undo()
        assert len(set(persons) | set(whole)) == 6


# -- naming --------------------------------------------------------------------


def test_a_photo_of_one_face_and_one_name_names_its_person():
    names = people.names_from_sources({"p1": [1], "p2": [2]}, {"p1": ["Ana"]}, {})
    assert names == {1: "Ana"}


def test_with_several_faces_the_name_goes_to_the_face_no_other_name_claims():
    persons = {"solo": [1], "pair": [1, 2], "trio": [1, 2, 3]}
    sources = {"solo": ["Ana"], "pair": ["Ana", "Bo"], "trio": ["Bo", "Ana"]}
    # Ana from the solo photo, then Bo from the pair; the trio has one face too many.
    assert people.names_from_sources(persons, sources, {}) == {1: "Ana", 2: "Bo"}
    # Without the solo photo nothing settles the pair: no name at all.
    assert people.names_from_sources(persons, {"pair": ["Ana", "Bo"]}, {}) == {}


def test_a_photo_naming_fewer_or_more_people_than_faces_names_none():
    assert people.names_from_sources({"p": [1, 2]}, {"p": ["Ana"]}, {}) == {}
    assert people.names_from_sources({"p": [1]}, {"p": ["Ana", "Bo"]}, {}) == {}


def test_names_pass_along_a_chain_of_photos_of_any_length():
    # p0 shows person 0 alone, named A0; each next photo shows the last person and a new one.
    persons = {"p0": [0], **{f"p{i}": [i - 1, i] for i in range(1, 7)}}
    sources = {"p0": ["A0"], **{f"p{i}": [f"A{i - 1}", f"A{i}"] for i in range(1, 7)}}
    assert people.names_from_sources(persons, sources, {}) == {i: f"A{i}" for i in range(7)}


def test_most_photos_decide_and_the_users_name_is_never_replaced():
    persons = {f"p{i}": [1] for i in range(5)}
    sources = {"p0": ["Bo"], "p1": ["Ana"], "p2": ["Ana"], "p3": ["Bo"], "p4": ["Ana"]}
    assert people.names_from_sources(persons, sources, {}) == {1: "Ana"}
    assert people.names_from_sources(persons, sources, {1: "Bo"}) == {}
    # The user's name for person 1 settles the pair's other face.
    both = {"pair": [1, 2]}
    assert people.names_from_sources(both, {"pair": ["Cy", "Di"]}, {1: "Cy"}) == {2: "Di"}


# -- the library and the commands ------------------------------------------------


def takeout_library(tmp_path: Path, tags: dict[str, list[str]]) -> Path:
    """A library of one Takeout photo per entry of `tags` (file name -> people it names)."""
    files = {}
    for index, (name, names) in enumerate(tags.items()):
        base = f"Takeout/Google Photos/Photos from 2020/{name}"
        files[base] = samples.jpeg_bytes(samples.picture(index, (120, 90)))
        files[base + ".json"] = samples.sidecar(name, 1_580_000_000 + index, people=names)
    zips = samples.write_zips(tmp_path / "zips", files, parts=1)
    library = tmp_path / "lib"
    run_cli("extract", *map(str, zips), "--library", str(library), "--no-progress")
    return library


def listed(library: Path) -> list[dict]:
    """The persons as `photoseek people --json` prints them."""
    out = run_cli("people", "--library", str(library), "--json").stdout
    return [json.loads(line) for line in out.splitlines()]


def ids_by_name(library: Path) -> dict[str, str]:
    return {p["meta"]["original_name"]: p["id"] for p in ls_json(library)}


def store(library: Path, found: dict[str, list[FakeFace]], model: str = MODEL) -> None:
    ids = ids_by_name(library)
    with Library(library) as opened:
        facestore.put_faces(opened, model, [(ids[name], faces) for name, faces in found.items()])
        people.update_persons(opened)


@pytest.fixture
def family(tmp_path: Path) -> tuple[Path, list[np.ndarray]]:
    """Ana in a1-a4 (named by the sources in a1 only), Bo in b1-b3 (never named), both
    in pair.jpg (which names both), nobody in empty.jpg."""
    tags = {"a1.jpg": ["Ana"], "a2.jpg": [], "a3.jpg": [], "a4.jpg": [], "b1.jpg": [],
            "b2.jpg": [], "b3.jpg": [], "pair.jpg": ["Ana", "Bo"], "empty.jpg": []}  # fmt: skip
    library = takeout_library(tmp_path, tags)
    ana, bo = centres(2, seed=3)
    found = {f"a{i}.jpg": [face(ana, jitter=0.2, seed=i)] for i in range(1, 5)}
    found |= {f"b{i}.jpg": [face(bo, jitter=0.2, seed=10 + i)] for i in range(1, 4)}
    found["pair.jpg"] = [face(bo, (0.5, 0.1, 0.3, 0.3), 0.2, 20), face(ana, jitter=0.2, seed=21)]
    found["empty.jpg"] = []
    store(library, found)
    return library, [ana, bo]


def test_a_name_from_one_photo_reaches_every_photo_of_the_person(family):
    library, _ = family
    photos = {p["meta"]["original_name"]: p["meta"] for p in ls_json(library)}
    # Bo is named by the pair photo once Ana's face there is accounted for.
    assert {n: m.get("people") for n, m in photos.items()} == {
        "a1.jpg": ["Ana"], "a2.jpg": ["Ana"], "a3.jpg": ["Ana"], "a4.jpg": ["Ana"],
        "b1.jpg": ["Bo"], "b2.jpg": ["Bo"], "b3.jpg": ["Bo"], "pair.jpg": ["Ana", "Bo"],
        "empty.jpg": None,
    }  # fmt: skip
    pair = photos["pair.jpg"]["faces"]
    assert [f["name"] for f in pair] == ["Bo", "Ana"]
    assert pair[0]["box"] == [0.5, 0.1, 0.3, 0.3]
    assert "faces" not in photos["empty.jpg"]


def test_people_lists_persons_most_photos_first(family):
    library, _ = family
    found = [(p["name"], p["photos"], p["faces"]) for p in listed(library)]
    assert found == [("Ana", 5, 5), ("Bo", 4, 4)]
    text = run_cli("people", "--library", str(library)).stdout
    assert "Ana  5 photos, 5 faces" in text


def test_search_finds_every_photo_of_a_recognised_person(family):
    library, _ = family
    run_cli("embed", "--library", str(library), "--model", "colour", "--no-progress")
    out = run_cli("search", "Bo", "--library", str(library), "--json").stdout
    hits = [json.loads(line) for line in out.splitlines()]
    matched = {h["id"] for h in hits if any(m["text"] == "Bo" for m in h["matched"])}
    ids = ids_by_name(library)
    assert matched == {ids[n] for n in ("b1.jpg", "b2.jpg", "b3.jpg", "pair.jpg")}


def test_the_users_name_and_merge_hold_across_runs(family):
    library, _ = family
    ids = {p["name"]: p["id"] for p in listed(library)}
    run_cli("people", "--library", str(library), "--name", str(ids["Bo"]), "Bob")
    # A later run keeps the user's name: the sources' "Bo" of the pair does not rename him.
    store(library, {})
    photos = {p["meta"]["original_name"]: p["meta"] for p in ls_json(library)}
    assert photos["b1.jpg"]["people"] == ["Bob"]
    # The pair still names "Bo" itself, and recognises Bob.
    assert photos["pair.jpg"]["people"] == ["Ana", "Bo", "Bob"]
    # Merge Ana into Bob: every face is Bob's, and Bob keeps his name.
    merging = ["--merge", str(ids["Bo"]), "--merge", str(ids["Ana"])]
    run_cli("people", "--library", str(library), *merging)
    after = [(p["id"], p["name"], p["faces"]) for p in listed(library)]
    assert after == [(ids["Bo"], "Bob", 9)]


def test_naming_one_face_moves_it_and_it_stays(family):
    library, _ = family
    photos = {p["meta"]["original_name"]: p["meta"] for p in ls_json(library)}
    wrong = photos["a3.jpg"]["faces"][0]["id"]
    run_cli("people", "--library", str(library), "--name-face", str(wrong), "Cleo")
    store(library, {})
    photos = {p["meta"]["original_name"]: p["meta"] for p in ls_json(library)}
    assert photos["a3.jpg"]["people"] == ["Cleo"]
    assert photos["a2.jpg"]["people"] == ["Ana"]
    assert sorted((p["name"], p["faces"]) for p in listed(library)) == [
        ("Ana", 4),
        ("Bo", 4),
        ("Cleo", 1),
    ]


def test_a_new_model_keeps_the_persons_of_the_faces_it_finds_again(family):
    library, (ana, bo) = family
    ids = {p["name"]: p["id"] for p in listed(library)}
    run_cli("people", "--library", str(library), "--name", str(ids["Ana"]), "Anna")
    # The new model finds the pair's faces in slightly other boxes, with other descriptors.
    again = [face(ana, (0.12, 0.1, 0.3, 0.31), 0.9, 30), face(bo, (0.52, 0.1, 0.3, 0.3), 0.9, 31)]
    store(library, {"pair.jpg": again}, model="test-faces/v2")
    pair = next(p for p in ls_json(library) if p["meta"]["original_name"] == "pair.jpg")["meta"]
    assert [(f["box"][0], f["name"]) for f in pair["faces"]] == [(0.12, "Anna"), (0.52, "Bo")]
    with Library(library, readonly=True) as opened:
        unread = facestore.missing_photos(opened, "test-faces/v2")
    assert len(unread) == 8 and ids_by_name(library)["pair.jpg"] not in unread


def test_people_errors_say_what_to_do(family, tmp_path):
    library, _ = family
    result = run_cli("people", "--library", str(library), "--name", "999", "X", check=False)
    assert result.returncode == 1 and "no person 999" in result.stderr
    assert "photoseek people --library" in result.stderr
    result = run_cli("people", "--library", str(library), "--name-face", "999", "X", check=False)
    assert result.returncode == 1 and "ls --json" in result.stderr
    result = run_cli("people", "--library", str(library), "--merge", "1", check=False)
    assert result.returncode == 2 and "two persons" in result.stderr
    result = run_cli("people", "--library", str(library), "--name", "1", "  ", check=False)
    assert result.returncode == 2 and "cannot be empty" in result.stderr


def test_an_unknown_person_is_refused_by_the_store(family):
    library, _ = family
    with Library(library) as opened, pytest.raises(LibraryError, match="no person 77"):
        facestore.merge_persons(opened, 1, [77])


def site_text(out: Path) -> str:
    """Every text file of a built site, concatenated."""
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(out.rglob("*"))
        if path.suffix in (".html", ".js", ".json", ".txt")
    )


@pytest.fixture
def sites(family, tmp_path) -> dict[str, Path]:
    """The family's gallery built three ways: by default, with unnamed persons, private."""
    library, _ = family
    with Library(library) as opened:
        # A third person whom nobody named, in empty.jpg.
        ids = ids_by_name(library)
        stranger = face(centres(3, seed=3)[2], jitter=0.1)
        facestore.put_faces(opened, "test-faces/v1b", [(ids["empty.jpg"], [stranger])])
        people.update_persons(opened)
    run_cli("embed", "--library", str(library), "--model", "colour", "--no-progress")
    built = {}
    for kind, flags in (
        ("default", []),
        ("unnamed", ["--publish-unnamed-people"]),
        ("private", ["--people-private"]),
    ):
        out = tmp_path / f"site-{kind}"
        run_cli("site", "--library", str(library), "--out", str(out), "--no-progress", *flags)
        built[kind] = out
    return built


def test_the_gallery_shows_named_persons_by_their_face(sites):
    out = sites["default"]
    index = (out / "people" / "index.html").read_text(encoding="utf-8")
    names = re.findall(r"<span>([^<]+)</span> <small>(\d+)</small>", index)
    assert names == [("Ana", "5"), ("Bo", "4")]
    crops = re.findall(r'src="\.\./(img/face/[^"]+)"', index)
    assert len(crops) == 2
    for crop in crops:
        with Image.open(out / crop) as picture:
            assert picture.size == (facecrops.FACE_SIDE, facecrops.FACE_SIDE)
    bo = next((out / "people").glob("bo-*.html")).read_text(encoding="utf-8")
    assert len(set(re.findall(r'href="\.\./photo/(\w+)\.html', bo))) == 4
    # The search filter by person offers the recognised persons.
    search = (out / "search.html").read_text(encoding="utf-8")
    assert re.findall(r"<option>(\w+)</option>", search) == ["Ana", "Bo"]
    text = site_text(out)
    # The stranger has no name: not published; nothing of the faces' data ever is.
    assert not re.search(r"Person \d", text)
    assert "landmarks" not in text and '"faces"' not in text and "descriptor" not in text


def test_unnamed_persons_appear_only_when_asked(sites):
    index = (sites["unnamed"] / "people" / "index.html").read_text(encoding="utf-8")
    names = [n for n, _ in re.findall(r"<span>([^<]+)</span> <small>(\d+)</small>", index)]
    assert names[:2] == ["Ana", "Bo"] and len(names) == 3 and names[2].startswith("Person ")


def test_people_private_keeps_every_person_out_of_the_site(sites):
    out = sites["private"]
    text = site_text(out)
    assert [p.name for p in (out / "people").iterdir()] == ["index.html"]
    assert not (out / "img" / "face").exists()
    for name in ("Ana", "Bo"):
        assert not re.search(rf"\b{name}\b", text), name


def test_without_the_face_models_one_message_says_how_to_get_them(tmp_path):
    env, inputs = machine_without("dlib", tmp_path)
    library = tmp_path / "library"
    args = [sys.executable, "-m", "photoseek"]
    done = subprocess.run(
        [*args, "faces", "--library", str(library)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    assert done.stderr.count("pip install 'photoseek[faces]'") == 1
    site = ["--out", str(tmp_path / "site"), "--model", "colour", "--no-ocr"]
    built = subprocess.run(
        [*args, "build", str(inputs), *site], capture_output=True, text=True, env=env
    )
    assert built.returncode == 0, built.stderr
    assert built.stderr.count("note: faces are not looked for") == 1
    quiet = subprocess.run(
        [*args, "build", str(inputs), *site, "--no-faces"], capture_output=True, text=True, env=env
    )
    assert quiet.returncode == 0 and "faces" not in quiet.stderr
    doctor = subprocess.run([*args, "doctor"], capture_output=True, text=True, env=env)
    assert re.search(r"faces +not looked for: .*pip install 'photoseek\[faces\]'", doctor.stdout)
    listing = run_cli("people", "--library", str(library), check=False)
    assert listing.returncode == 1 and "photoseek faces --library" in listing.stderr


def test_boxes_overlap_by_intersection_over_union():
    assert facestore._overlap((0.1, 0.1, 0.2, 0.2), (0.1, 0.1, 0.2, 0.2)) == pytest.approx(1)
    # Half of each box shared: a third of their union.
    assert facestore._overlap((0.0, 0.0, 0.2, 0.2), (0.1, 0.0, 0.2, 0.2)) == pytest.approx(1 / 3)
    assert facestore._overlap((0.0, 0.0, 0.2, 0.4), (0.0, 0.1, 0.2, 0.2)) == pytest.approx(0.5)
    # Boxes whose left and top, width and height all differ.
    a, b, c = (0.1, 0.2, 0.3, 0.4), (0.25, 0.3, 0.3, 0.1), (0.2, 0.1, 0.1, 0.6)
    assert facestore._overlap(a, b) == pytest.approx(0.015 / 0.135)
    assert facestore._overlap(b, a) == pytest.approx(0.015 / 0.135)
    assert facestore._overlap(a, c) == pytest.approx(0.04 / 0.14)
    # Side by side, and apart either way: nothing shared.
    assert facestore._overlap((0.0, 0.0, 0.2, 0.2), (0.2, 0.0, 0.2, 0.2)) == 0
    assert facestore._overlap((0.0, 0.0, 0.2, 0.2), (0.5, 0.0, 0.2, 0.2)) == 0
    assert facestore._overlap((0.0, 0.0, 0.2, 0.2), (0.0, 0.5, 0.2, 0.2)) == 0


def test_boxes_are_kept_to_five_decimals(family):
    library, (ana, _bo) = family
    exact = face(ana, (0.123456789, 0.2, 0.3, 0.3), 0.1, 40)
    store(library, {"empty.jpg": [exact]}, model="test-faces/v3")
    kept = next(p for p in ls_json(library) if p["meta"]["original_name"] == "empty.jpg")
    assert kept["meta"]["faces"][0]["box"] == [0.12346, 0.2, 0.3, 0.3]


def test_a_merged_person_gives_the_users_name_to_an_unnamed_one(family):
    library, _ = family
    ids = {p["name"]: p["id"] for p in listed(library)}
    run_cli("people", "--library", str(library), "--name", str(ids["Ana"]), "Anna")
    # Into Bo (named by the sources only), from Ana (named by the user): the user's name wins.
    assert ids["Ana"] < ids["Bo"]
    run_cli(
        "people", "--library", str(library), "--merge", str(ids["Bo"]), "--merge", str(ids["Ana"])
    )
    after = [(p["id"], p["name"], p["faces"]) for p in listed(library)]
    assert after == [(ids["Bo"], "Anna", 9)]


def test_people_of_a_library_read_before_faces_existed_says_what_to_do(tmp_path):
    import sqlite3

    folder = tmp_path / "pics"
    folder.mkdir()
    Image.new("RGB", (30, 20), "red").save(folder / "a.jpg")
    library = tmp_path / "lib"
    run_cli("extract", str(folder), "--library", str(library), "--no-progress")
    db = sqlite3.connect(library / "library.db")
    db.execute("PRAGMA user_version=3")
    db.commit()
    db.close()
    done = run_cli("people", "--library", str(library), check=False)
    assert done.returncode == 1 and "no faces were looked for" in done.stderr


def test_a_face_crop_is_a_square_around_the_face_and_stays_inside_the_picture(tmp_path):
    picture = Image.new("RGB", (400, 200), "white")
    picture.paste((200, 0, 0), (300, 50, 340, 90))  # a "face" 40 px square, red
    picture.paste((0, 0, 200), (0, 0, 20, 20))  # a blue one in the corner
    path = tmp_path / "p.png"
    picture.save(path)

    def crop_of(box: list[float]) -> Image.Image:
        import io

        return Image.open(io.BytesIO(facecrops.crop(path, box))).convert("RGB")

    face = crop_of([300 / 400, 50 / 200, 40 / 400, 40 / 200])
    side = facecrops.FACE_SIDE
    assert face.size == (side, side)
    # The face fills the middle, with the margin around it: 40 px of a 68 px square.
    red = [face.getpixel((x, side // 2))[1] < 100 for x in range(side)]
    share = sum(red) / side
    assert abs(share - 1 / (1 + 2 * facecrops.MARGIN)) < 0.05
    assert face.getpixel((side // 2, side // 2))[1] < 100
    # At the corner the square is cut inside the picture: the face sits at its top left.
    corner = crop_of([0.0, 0.0, 20 / 400, 20 / 200])
    assert corner.size == (side, side)
    assert corner.getpixel((5, 5))[2] > 150 and corner.getpixel((side - 5, side - 5)) == (
        255,
        255,
        255,
    )


def test_the_largest_face_in_pixels_stands_for_a_person():
    from photoseek.build_site.gallery import Entry
    from photoseek.library import Photo

    def entry(pid: str, size: tuple[int, int], faces: list[dict]) -> Entry:
        photo = Photo(pid, Path(f"/{pid}.jpg"), "JPEG", *size, 1, [], {"faces": faces})
        return Entry(photo, pid, 0, pid, size)

    ana = {"id": 1, "box": [0, 0, 0.2, 0.2], "person": 1, "name": "Ana"}
    # The same fraction of a larger picture is a larger face.
    small, large = entry("s", (100, 100), [ana]), entry("l", (400, 300), [dict(ana, id=2)])
    unnamed = {"id": 3, "box": [0, 0, 0.5, 0.5], "person": 7, "name": None}
    other = entry("o", (1000, 1000), [unnamed, dict(ana, id=4, box=[0, 0, 0.01, 0.01])])
    found = facecrops.largest_faces({"Ana": [small, large, other]}, unnamed=False)
    assert {name: (e.sid, f["id"]) for name, (e, f) in found.items()} == {"Ana": ("l", 2)}
    found = facecrops.largest_faces({"Person 7": [other]}, unnamed=True)
    assert found["Person 7"][1]["id"] == 3
    assert facecrops.largest_faces({"Person 7": [other]}, unnamed=False) == {}


def test_merging_a_person_with_itself_changes_nothing(family):
    library, _ = family
    before = listed(library)
    person = str(before[0]["id"])
    run_cli("people", "--library", str(library), "--merge", person, "--merge", person)
    assert listed(library) == before
    # Into the person of the smaller id, this time.
    small, large = sorted(p["id"] for p in before)
    run_cli("people", "--library", str(library), "--merge", str(small), "--merge", str(large))
    assert [(p["id"], p["faces"]) for p in listed(library)] == [(small, 9)]


def test_a_failed_store_of_faces_leaves_the_library_as_it_was(family):
    import sqlite3

    library, (ana, _bo) = family
    before = ls_json(library)
    ids = ids_by_name(library)
    with Library(library) as opened:
        found = [(ids["a1.jpg"], [face(ana, seed=50)]), ("no-such-photo", [face(ana, seed=51)])]
        with pytest.raises(sqlite3.IntegrityError):
            facestore.put_faces(opened, "test-faces/v9", found)
        # The library goes on working, with nothing of the failed batch stored.
        assert facestore.missing_photos(opened, "test-faces/v9") == sorted(ids.values())
    assert ls_json(library) == before


def test_a_face_found_elsewhere_by_a_new_model_keeps_no_earlier_person(family):
    library, (ana, _bo) = family
    photos = {p["meta"]["original_name"]: p["meta"] for p in ls_json(library)}
    run_cli(
        "people",
        "--library",
        str(library),
        "--name-face",
        str(photos["a2.jpg"]["faces"][0]["id"]),
        "Cleo",
    )
    # The new model finds a2's face at the far corner, where no earlier face was: it is
    # grouped afresh (and joins Ana by its descriptor), never Cleo by an overlap.
    store(library, {"a2.jpg": [face(ana, (0.6, 0.6, 0.3, 0.3), 0.2, 60)]}, model="test-faces/v4")
    a2 = next(p for p in ls_json(library) if p["meta"]["original_name"] == "a2.jpg")["meta"]
    assert a2["faces"][0]["box"] == [0.6, 0.6, 0.3, 0.3] and a2["faces"][0]["name"] == "Ana"


def test_a_name_the_user_gives_is_checked_as_the_sources_names_are(family):
    library, _ = family
    person = str(listed(library)[0]["id"])
    run_cli("people", "--library", str(library), "--name", person, "  Zoë\x07 " + "x" * 400)
    name = listed(library)[0]["name"]
    assert name.startswith("Zoë x") and "\x07" not in name and len(name) == 300
