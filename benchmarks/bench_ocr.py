"""Text in pictures: speed with and without text, search quality, against the engine's defaults.

Draws text over the real photos in ../shared/data/photos (tests/text_pictures.py: memes,
screenshots, rotated and small text, accents, Chinese), takes the real photos that show
no text, and reads both with photoseek's settings and with RapidOCR's own defaults in the
same run, one picture at a time as `photoseek ocr` does. Last, photos without text as
camera-sized JPEG files, read from disk with the small pass that decides a picture shows
no text and with every picture read in full.

    .venv/bin/python benchmarks/bench_ocr.py [--per-kind 10] [--plain 100]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photoseek.embed.ocr import TextReader  # noqa: E402
from photoseek.textmatch import best_matches  # noqa: E402
from tests import text_pictures  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "data" / "photos"


def queries(lines: list[str]) -> list[str]:
    """Two to four consecutive words (characters, for Chinese), from the start and the end."""
    words = " ".join(lines).split()
    if len(words) == 1:
        return [words[0][:4], words[0][-3:]]
    return [" ".join(words[:3]), " ".join(words[-2:])]


def measure(reader: TextReader, pictures: list, plain: list) -> dict:
    """Seconds per picture, texts found, and the search and accuracy figures."""
    reader.read(plain[0])
    started = time.perf_counter()
    texts = [reader.read(p.image) for p in pictures]
    with_text = (time.perf_counter() - started) / len(pictures)
    started = time.perf_counter()
    empty = [reader.read(image) for image in plain]
    without = (time.perf_counter() - started) / len(plain)
    library = {f"t{i}": t for i, t in enumerate(texts)}
    library.update({f"p{i}": t for i, t in enumerate(empty)})
    found: dict[str, list[bool]] = {}
    for i, picture in enumerate(pictures):
        for query in queries(picture.lines):
            top = [pid for pid, _ in best_matches(query, library, 3)]
            found.setdefault(picture.kind, []).append(f"t{i}" in top)
    screens = [
        difflib.SequenceMatcher(None, t, "\n".join(p.lines)).ratio()
        for t, p in zip(texts, pictures, strict=True)
        if p.kind == "screenshot"
    ]
    every = [hit for hits in found.values() for hit in hits]
    return {
        "with_text": with_text,
        "without": without,
        "top3": sum(every) / len(every),
        "per_kind": {k: sum(v) / len(v) for k, v in found.items()},
        "no_text": sum(not t for t in empty) / len(empty),
        "screens": float(np.mean(screens)),
        "texts": texts,
    }


class ReadEverything(TextReader):
    """photoseek's settings without the small pass: every picture decoded and read in full."""

    def may_show_text(self, image) -> bool:  # noqa: ANN001, ARG002 - a PIL image, unused
        return True


def files_per_second(reader: TextReader, files: list[Path]) -> float:
    """Pictures read from disk per second, one at a time."""
    reader.read_file(files[0])
    started = time.perf_counter()
    for path in files:
        reader.read_file(path)
    return len(files) / (time.perf_counter() - started)


def camera_sized(images: list, folder: Path) -> list[Path]:
    """The pictures as 4000-pixel JPEG files (12 megapixels at 4:3), as a camera writes them."""
    from PIL import Image

    files = []
    for i, image in enumerate(images):
        scale = 4000 / max(image.size)
        size = (round(image.width * scale), round(image.height * scale))
        files.append(folder / f"camera_{i}.jpg")
        image.resize(size, Image.Resampling.BICUBIC).save(files[-1], quality=90)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--plain", type=int, default=100)
    args = parser.parse_args()
    from PIL import Image

    photos = text_pictures.without_text(sorted(PHOTOS.iterdir()))
    plain = [Image.open(p).convert("RGB") for p in photos[: args.plain]]
    pictures = text_pictures.make(photos[args.plain :] or photos, args.per_kind)
    print(
        f"{len(pictures)} pictures with text ({args.per_kind} of each of "
        f"{len(text_pictures.KINDS)} kinds), {len(plain)} real photos without text; "
        f"{os.cpu_count()} cores, one picture at a time"
    )
    results = {}
    for label, defaults in (("photoseek", False), ("engine defaults", True)):
        results[label] = result = measure(TextReader(defaults=defaults), pictures, plain)
        kinds = ", ".join(f"{k} {v:.2f}" for k, v in result["per_kind"].items())
        print(
            f"{label:16s} with text {1 / result['with_text']:.1f} photos/s, without text "
            f"{1 / result['without']:.1f} photos/s; 2-4 words in the top 3: "
            f"{result['top3']:.3f} ({kinds}); no text found where there is none: "
            f"{result['no_text']:.3f}; screenshots' characters {result['screens']:.3f}"
        )
    ours, theirs = results["photoseek"], results["engine defaults"]
    print(
        f"speed photoseek / defaults: with text {theirs['with_text'] / ours['with_text']:.2f}, "
        f"without text {theirs['without'] / ours['without']:.2f}"
    )
    # 10,000 photos, a fifth with text (the share among the shared real photos).
    share = 45 / 200
    hours = 10_000 * (share * ours["with_text"] + (1 - share) * ours["without"]) / 3600
    print(f"a 10,000-photo library, a fifth with text: {hours:.2f} h (target < 1 h)")
    with tempfile.TemporaryDirectory() as tmp:
        files = camera_sized(plain, Path(tmp))
        gated = files_per_second(TextReader(), files)
        everything = files_per_second(ReadEverything(), files)
    print(
        f"{len(files)} photos without text as 12-megapixel JPEG files: {gated:.1f} photos/s "
        f"with the small pass, {everything:.1f} reading each in full ({gated / everything:.2f}x)"
    )
    texts = ours["texts"] + [""] * round(len(ours["texts"]) * (1 - share) / share)
    size = len(json.dumps(texts, ensure_ascii=False).encode()) / len(texts)
    print(
        f"gallery search data for it: {size:.1f} bytes per photo, "
        f"{size * 100_000 / 1e6:.1f} MB at 100,000 photos"
    )


if __name__ == "__main__":
    main()
