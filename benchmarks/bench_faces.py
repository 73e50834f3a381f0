"""Faces: photoseek's face step against dlib run as face_recognition runs it, and against
CLIP embedding, on the same real photos in one run; memory; and the quality figures on the
shared real faces (detection, false faces, grouping, naming).

The photos are the 69 real faces of ../shared/data/faces (14 people) and the 200 real
photos of ../shared/data/photos (8 of which show a face; any face found in the other 192
is a false one). The plain run is what `face_recognition` does with its defaults: the
picture decoded whole, the HOG detector with one upsampling, the 5-point landmarks and
the descriptor with one jitter, one picture at a time in one process. CLIP is ViT-B/32
with random weights (its speed does not depend on their values).

    .venv/bin/python benchmarks/bench_faces.py [--photos 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_embed import peak_rss_mb  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
# The shared ImageNet photos that show a person's face (checked by eye).
PHOTOS_WITH_FACES = {"Appenzeller", "academic_gown", "cowboy_hat", "hair_spray", "laptop",
                     "paper_towel", "pickelhaube", "trombone"}  # fmt: skip
# Faces in the group photos, by their README (the third face of obama-and-biden is small).
GROUP_FACES = {"two-people.jpg": 2, "obama-and-biden.jpg": 2, "kit-with-rose.jpg": 2}
# Who is in each group photo, by their README.
IN_GROUPS = {"two-people.jpg": {"person-10", "person-11"},
             "obama-and-biden.jpg": {"person-10", "person-11"},
             "kit-with-rose.jpg": {"person-12", "person-13"}}  # fmt: skip


def plain_dlib(files: list[Path]) -> float:
    """Seconds to find and describe every face as face_recognition does by default."""
    import dlib
    import numpy as np
    from PIL import Image

    from photoseek.embed.faces import DESCRIPTOR_FILE, LANDMARKS_FILE, models_folder

    folder = models_folder()
    detector = dlib.get_frontal_face_detector()
    landmarks = dlib.shape_predictor(str(folder / LANDMARKS_FILE))
    descriptor = dlib.face_recognition_model_v1(str(folder / DESCRIPTOR_FILE))
    started = time.perf_counter()
    for path in files:
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB"))
        for rect in detector(pixels, 1):
            descriptor.compute_face_descriptor(pixels, landmarks(pixels, rect), 1)
    return time.perf_counter() - started


def bcubed(found: list, truth: list) -> tuple[float, float]:
    """BCubed precision and recall of a grouping against the true labels."""
    both = Counter(zip(found, truth, strict=True))
    sizes, true_sizes = Counter(found), Counter(truth)
    precision = sum(n * n / sizes[f] for (f, _), n in both.items())
    recall = sum(n * n / true_sizes[t] for (_, t), n in both.items())
    return precision / len(found), recall / len(found)


def quality(library: Path) -> None:
    """Print detection, false faces, grouping and naming figures of a library's faces."""
    from photoseek import facestore
    from photoseek.library import Library
    from photoseek.people import names_from_sources

    with Library(library, readonly=True) as opened:
        photos = list(opened.photos())
        persons = facestore.photo_persons(opened)
    folder_of = {p.id: p.path.parent.name for p in photos}
    faces_of = {p.id: p.meta.get("faces", []) for p in photos}
    singles = [p for p in photos if folder_of[p.id].startswith("person-")]
    found = sum(bool(faces_of[p.id]) for p in singles)
    groups = [p for p in photos if p.path.name in GROUP_FACES]
    group_found = sum(min(len(faces_of[p.id]), GROUP_FACES[p.path.name]) for p in groups)
    expected = len(singles) + sum(GROUP_FACES.values())
    print(
        f"detection: {found + group_found} of {expected} faces of 100 px or more found "
        f"(recall {(found + group_found) / expected:.3f}, target >= 0.9)"
    )
    clean = [
        p for p in photos
        if folder_of[p.id] == "photos" and p.path.stem.split("_", 1)[1] not in PHOTOS_WITH_FACES
    ]  # fmt: skip
    false = sum(len(faces_of[p.id]) for p in clean)
    print(
        f"false faces: {false} in {len(clean)} photos without a face "
        f"({20 * false / len(clean):.2f} per 20 photos, target <= 1)"
    )
    labels, truth = [], []
    for photo in singles:
        if faces_of[photo.id]:
            largest = max(faces_of[photo.id], key=lambda f: f["box"][2] * f["box"][3])
            labels.append(largest["person"])
            truth.append(folder_of[photo.id])
    precision, recall = bcubed(labels, truth)
    print(
        f"grouping: {len(set(labels))} persons for {len(set(truth))} people, BCubed precision "
        f"{precision:.3f} (target >= 0.95), recall {recall:.3f} (target >= 0.85)"
    )
    # Each person named in the first two of their photos, as a Takeout sidecar would.
    by_folder: dict[str, list[str]] = defaultdict(list)
    for photo in sorted(singles, key=lambda p: p.path.name):
        by_folder[folder_of[photo.id]].append(photo.id)
    tagged = {pid: [name] for name, ids in by_folder.items() for pid in ids[:2]}
    names = names_from_sources(persons, tagged, {})
    given = {pid: {names[p] for p in persons.get(pid, []) if p in names} | set(tagged.get(pid, []))
             for pid in folder_of}  # fmt: skip
    reached = sum(folder_of[p.id] in given[p.id] for p in singles)
    truly_in = {p.id: IN_GROUPS.get(p.path.name, {folder_of[p.id]}) for p in photos}
    right = sum(len(names & truly_in[pid]) for pid, names in given.items())
    shown = sum(len(names) for names in given.values())
    print(
        f"naming from 2 photos each: reaches {reached / len(singles):.3f} of the persons' "
        f"photos (target >= 0.85), precision {right / max(shown, 1):.3f} (target >= 0.95): "
        f"{shown - right} of {shown} names on a photo of someone else"
    )


def grouping_speed(count: int) -> None:
    """Print how long grouping `count` new faces takes, in the library's way: a tenth
    already grouped, the rest new (generated descriptors of count // 20 people)."""
    import numpy as np

    from photoseek.people import group

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(max(1, count // 20), 128)).astype(np.float32) * 0.2
    who = rng.integers(len(centres), size=count)
    noise = rng.normal(size=(count, 128)).astype(np.float32)
    noise *= 0.2 / np.linalg.norm(noise, axis=1, keepdims=True)
    faces = centres[who] + noise
    known = count // 10
    started = time.perf_counter()
    found = group(faces[:known], who[:known].tolist(), faces[known:], len(centres))
    seconds = time.perf_counter() - started
    precision, recall = bcubed(found, who[known:].tolist())
    print(
        f"grouping {count - known:,} new faces beside {known:,} known ({len(centres):,} "
        f"people): {seconds:.1f} s, BCubed precision {precision:.3f}, recall {recall:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200, help="how many of the 200 photos")
    parser.add_argument("--faces", type=int, default=20_000, help="faces for the grouping speed")
    args = parser.parse_args()
    if not (DATA / "faces").is_dir() or not (DATA / "photos").is_dir():
        sys.exit(f"the real faces and photos were not found under {DATA}")
    from photoseek.embed import FaceReader, embed_library, find_faces, load_embedder
    from photoseek.extract import extract

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["PHOTOSEEK_CACHE"] = str(work / "cache")
        inputs = work / "in"
        (inputs / "photos").mkdir(parents=True)
        (inputs / "faces").symlink_to(DATA / "faces")
        photos = sorted((DATA / "photos").iterdir())[: args.photos]
        for photo in photos:
            (inputs / "photos" / photo.name).symlink_to(photo)
        library = work / "lib"
        extract([inputs / "faces", inputs / "photos"], library, progress=False)
        files = sorted((DATA / "faces").glob("*/*.jpg")) + photos
        count = len(files)
        reader = FaceReader()
        started = time.perf_counter()
        summary = find_faces(library, reader, progress=False)
        ours = time.perf_counter() - started
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        own_peak = peak_rss_mb()
        plain = plain_dlib(files)

        from tests import reference_models as ref
        from tests.clip_vocab import real_or_generated

        checkpoint = work / "checkpoint"
        ref.clip_checkpoint(checkpoint, real_or_generated(), ref.CLIP_B32)
        embedder = load_embedder(str(checkpoint))
        started = time.perf_counter()
        embed_library(library, embedder, progress=False)
        clip = time.perf_counter() - started

        print(f"{count} real photos ({summary.faces} faces found), {os.cpu_count()} cores")
        print(
            f"photoseek faces ({reader.workers} workers): {count / ours:6.1f} photos/s, "
            f"{1000 * ours / count:6.1f} ms a photo"
        )
        print(
            f"dlib as face_recognition runs it:  {count / plain:6.1f} photos/s, "
            f"{1000 * plain / count:6.1f} ms a photo  -> photoseek {plain / ours:.2f}x"
        )
        print(
            f"CLIP ViT-B/32 embedding:           {count / clip:6.1f} photos/s, "
            f"{1000 * clip / count:6.1f} ms a photo  -> faces / embedding {ours / clip:.2f} "
            "(target <= 1)"
        )
        print(f"peak memory: {own_peak:.0f} MB this process, {worker_peak:.0f} MB a worker")
        quality(library)
    grouping_speed(args.faces)


if __name__ == "__main__":
    main()
