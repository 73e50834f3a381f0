"""The whole build, stage by stage: real photos through extract, embedding, text in
pictures, faces (when the extra is installed) and the site, each stage's share, peak
memory, and what 100,000 photos would take.

The library is the real photos of ../shared/data/photos, repeated and varied (each copy
after the first cropped, mirrored or not, its light changed, and scaled to --side pixels
along its long edge, as Lightroom's previews and phone photos are), with their EXIF dates
and places kept. The model is ViT-B/32 CLIP with random weights (no pretrained weights
exist here; speed does not depend on their values) and the real CLIP vocabulary. The
build runs as `photoseek build` does, in one process, on a fresh cache: the weights
are converted and the search vocabulary embedded as on a user's first build.

    .venv/bin/python benchmarks/bench_build.py [--photos 1000] [--side 2048]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_embed import peak_rss_mb  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "data" / "photos"
TARGET = 100_000
# Parts of the site whose work does not grow with the library: made once per model.
ONCE_PER_MODEL = ("search words and tags", "text model")


def make_photos(folder: Path, count: int, side: int) -> None:
    """`count` JPEG files from the real photos: copies after the first are varied."""
    from PIL import Image, ImageEnhance, ImageOps

    sources = sorted(PHOTOS.iterdir())
    folder.mkdir(parents=True)
    rng = random.Random(7)
    for i in range(count):
        with Image.open(sources[i % len(sources)]) as original:
            exif = original.info.get("exif", b"")
            image = ImageOps.exif_transpose(original).convert("RGB")
        if i >= len(sources):
            width, height = image.size
            keep = rng.uniform(0.8, 0.95)
            left = rng.uniform(0, 1 - keep) * width
            top = rng.uniform(0, 1 - keep) * height
            image = image.crop((left, top, left + keep * width, top + keep * height))
            if rng.random() < 0.5:
                image = ImageOps.mirror(image)
            image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.8, 1.2))
        if side:
            scale = side / max(image.size)
            size = (round(image.width * scale), round(image.height * scale))
            image = image.resize(size, Image.Resampling.BICUBIC)
        # The picture is stored upright, so its orientation tag must not turn it again.
        tags = Image.Exif()
        if exif:
            tags.load(exif)
        tags.pop(0x0112, None)
        image.save(folder / f"photo_{i:05d}.jpg", quality=88, exif=tags.tobytes())


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every core, child processes too)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and waiting for I/O
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def build(inputs: Path, work: Path, checkpoint: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Run each stage as `photoseek build` does: seconds per stage and per site part, and
    the share of the cores each stage kept busy."""
    from photoseek.build_site import SiteOptions, build_site
    from photoseek.embed import (
        FaceReader,
        FacesUnavailable,
        TextReader,
        embed_library,
        find_faces,
        load_embedder,
        read_library,
    )
    from photoseek.extract import extract

    library, out = work / "site-library", work / "site"
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    embedder = load_embedder(str(checkpoint))
    seconds["model loaded"] = time.perf_counter() - started

    busy: dict[str, float] = {}
    cores = os.cpu_count() or 1

    def stage(name: str, run) -> object:  # noqa: ANN001 - a callable
        begun, cpu = time.perf_counter(), busy_seconds()
        result = run()
        seconds[name] = time.perf_counter() - begun
        busy[name] = (busy_seconds() - cpu) / (seconds[name] * cores)
        return result

    stage("extract", lambda: extract([inputs], library, progress=False))
    stage("embed", lambda: embed_library(library, embedder, progress=False))
    stage("text in pictures", lambda: read_library(library, TextReader(), progress=False))
    try:
        faces = FaceReader()
    except FacesUnavailable:
        print("faces are not looked for: the faces extra is not installed")
    else:
        stage("faces", lambda: find_faces(library, faces, progress=False))
    site = stage("site", lambda: build_site(library, out, embedder, SiteOptions(), progress=False))
    seconds.update({f"site: {part}": s for part, s in site.timings.items()})
    return seconds, busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--side", type=int, default=2048, help="long edge; 0 keeps each size")
    args = parser.parse_args()
    if not PHOTOS.is_dir():
        sys.exit(f"real photos not found at {PHOTOS}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["PHOTOSEEK_CACHE"] = str(work / "cache")
        from tests import reference_models as ref
        from tests.clip_vocab import real_or_generated

        checkpoint = work / "checkpoint"
        ref.clip_checkpoint(checkpoint, real_or_generated(), ref.CLIP_B32)
        make_photos(work / "photos", args.photos, args.side)
        seconds, busy = build(work / "photos", work, checkpoint)
    peak = peak_rss_mb()
    stages = ["model loaded", "extract", "embed", "text in pictures", "faces", "site"]
    stages = [s for s in stages if s in seconds]
    total = sum(seconds[s] for s in stages)
    count = args.photos
    size = f"{args.side} px long edge" if args.side else "their own sizes"
    from photoseek.embed import blas_kernels

    print(f"{count} photos ({size}), ViT-B/32 CLIP, {os.cpu_count()} cores, fresh cache")
    print(f"BLAS kernels: {blas_kernels()}")
    for name, value in seconds.items():
        indent = "    " if name.startswith("site: ") else ""
        cores = f"  cores busy {100 * busy[name]:3.0f}%" if name in busy else ""
        print(
            f"{indent}{name:<42s} {value:8.1f} s  {100 * value / total:5.1f}%  "
            f"{1000 * value / count:7.1f} ms/photo{cores}"
        )
    print(f"{'whole build':<42s} {total:8.1f} s  peak RSS {peak:.0f} MB")
    embed = seconds["embed"] / count
    once = sum(seconds.get(f"site: {part}", 0.0) for part in ONCE_PER_MODEL)
    print(
        f"whole build / embedding, per photo: {total / count / embed:.2f} (target <= 2); "
        f"without the work made once per model ({once:.0f} s): "
        f"{(total - once - seconds['model loaded']) / count / embed:.2f}"
    )
    # Everything but the once-per-model work grows with the library, taken as linear.
    projected = (
        once + seconds["model loaded"] + (total - once - seconds["model loaded"]) * (TARGET / count)
    )
    print(
        f"projected for {TARGET:,} photos on this machine: {projected / 3600:.2f} h (target < 2 h)"
    )


if __name__ == "__main__":
    main()
