"""Extraction throughput against a plain copy of the same bytes, with peak memory.

Both are timed until their files are on disk: extraction flushes before it commits.

Builds a preview folder of N `.lrprev` files wrapping the real photos in
../shared/data/photos (cycled, each made unique), then in the same run:
copies every file with shutil, and extracts them with `photoseek extract`.

    .venv/bin/python benchmarks/bench_extract.py [--count 10000]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from photoseek import samples

PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"


def build_previews(root: Path, count: int) -> int:
    """Write `count` previews; every one differs (a comment makes the bytes unique)."""
    sources = sorted(PHOTOS.iterdir())
    levels_by_photo = []
    for path in sources:
        image = Image.open(path).convert("RGB")
        small = samples.jpeg_bytes(
            image.resize((max(1, image.width // 4), max(1, image.height // 4)))
        )
        levels_by_photo.append((small, path.read_bytes(), image.size))
    total = 0
    for i in range(count):
        small, large, (w, h) = levels_by_photo[i % len(sources)]
        unique = large[:2] + b"\xff\xfe\x00\x0a" + i.to_bytes(8, "big") + large[2:]
        if i >= len(sources):
            # Same pixels under different bytes would be duplicates: vary one scan byte.
            unique = unique[:-3] + bytes([(unique[-3] + i // len(sources)) % 256]) + unique[-2:]
        data = samples.lrprev(f"{i:08X}-0000", "d", [small, unique], [(w // 4, h // 4), (w, h)])
        target = root / f"{i % 16:X}" / f"{i % 4096:04X}" / f"{i:08X}-0000-d.lrprev"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        total += len(data)
    return total


def _timed_copy(src: Path, dst: Path) -> float:
    """A plain copy made as durable as extraction makes its pictures (flushed to disk)."""
    os.sync()
    started = time.perf_counter()
    shutil.copytree(src, dst)
    os.sync()
    return time.perf_counter() - started


def _timed_extract(src: Path, library: Path) -> tuple[float, str]:
    os.sync()
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "photoseek",
            "extract",
            str(src),
            "--library",
            str(library),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.exit(proc.stdout + proc.stderr)
    return time.perf_counter() - started, proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not PHOTOS.is_dir():
        sys.exit(f"real photos not found at {PHOTOS}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lrdata = work / "Bench Previews.lrdata"
        size = build_previews(lrdata, args.count)
        mb = size / 1e6
        print(f"{args.count} previews, {mb:.0f} MB, {args.rounds} rounds (median)")
        copies, extracts = [], []
        # Alternate the two so that both see the same state of the disk's write cache.
        for round_ in range(args.rounds):
            copies.append(_timed_copy(lrdata, work / f"copy{round_}"))
            seconds, report = _timed_extract(lrdata, work / f"lib{round_}")
            extracts.append(seconds)
            shutil.rmtree(work / f"copy{round_}")
            if round_ < args.rounds - 1:
                shutil.rmtree(work / f"lib{round_}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        copy_s, extract_s = statistics.median(copies), statistics.median(extracts)
        started = time.perf_counter()
        _timed_extract(lrdata, work / f"lib{args.rounds - 1}")
        rerun_s = time.perf_counter() - started

        print(
            f"plain copy:  {copy_s:6.2f} s  {args.count / copy_s:8.0f} files/s  "
            f"{mb / copy_s:6.0f} MB/s"
        )
        print(
            f"extract:     {extract_s:6.2f} s  {args.count / extract_s:8.0f} previews/s  "
            f"{mb / extract_s:6.0f} MB/s  peak RSS {peak_mb:.0f} MB"
        )
        print(f"re-run with nothing changed: {rerun_s:.2f} s")
        print(f"extract speed / copy speed: {copy_s / extract_s:.2f} (target >= 0.5)")
        print(report)


if __name__ == "__main__":
    main()
