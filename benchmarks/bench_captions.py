"""Descriptions: photoseek's Florence-2 in MLX against transformers on PyTorch, the same
model, pictures and prompt in the same run: photos/s, time per token, peak memory, and the
projected time for 10,000 photos on this machine.

The model is Florence-2 base in its real architecture with random weights (no pretrained
weights can be downloaded here; speed does not depend on their values), greedy, at most 64
new tokens, as `photoseek caption` runs it; random weights rarely stop early, so most
photos take all 64 tokens. Each engine runs in a process of its own, so that its memory is
its own.

    .venv/bin/python benchmarks/bench_captions.py [--photos 6] [--tokens 64] [--tiny]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_embed import USER_ENV, peak_rss_mb  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "data" / "photos"
TARGET = 10_000


def inputs(folder: Path, count: int) -> tuple:  # noqa: ANN001 - numpy arrays
    """The model input of `count` photos (the shared real ones, else generated pictures) at
    the side the model's sizes call for, and the prompt's ids."""
    import numpy as np
    from PIL import Image

    from photoseek.embed.describe import IMAGENET_MEAN, IMAGENET_STD
    from photoseek.embed.preprocess import Preprocess

    config = json.loads((folder / "config.json").read_text())
    stride = int(np.prod(config["vision_config"]["patch_stride"]))
    side = 768 if stride == 32 else 64
    preprocess = Preprocess.from_settings(
        {"size": {"height": side, "width": side}, "image_mean": IMAGENET_MEAN,
         "image_std": IMAGENET_STD, "resample": 3}, "florence2", side,
    )  # fmt: skip
    if PHOTOS.is_dir():
        pictures = [preprocess.load(path) for path in sorted(PHOTOS.iterdir())[:count]]
    else:
        rng = np.random.default_rng(0)
        pictures = [
            preprocess(Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)))
            for _ in range(count)
        ]
    ids = [config["image_token_id"]] * ((side // stride) ** 2 + 1) + [0, 5, 17, 42, 2]
    return np.stack(pictures), np.array([ids])


def run_ours(folder: Path, count: int, tokens: int) -> dict:
    """As `photoseek caption` runs: a few pictures at a time (read_descriptions.py)."""
    from photoseek.embed import florence
    from photoseek.embed.heap import model_memory
    from photoseek.embed.read_descriptions import describe_library

    model, decoding = florence.load(folder, tokens)
    pictures, ids = inputs(folder, count)
    mx = florence.mx
    batch = describe_library.__kwdefaults__["batch_size"]
    started = time.perf_counter()
    written = 0
    with model_memory():
        for start in range(0, count, batch):
            part = pictures[start : start + batch]
            prompts = mx.array(ids.repeat(len(part), axis=0))
            rows = florence.generate_batch(model, mx.array(part), prompts, decoding)
            written += sum(len(row) for row in rows)
    return {"seconds": time.perf_counter() - started, "tokens": written}


def run_torch(folder: Path, count: int, tokens: int, batch: int) -> dict:
    """transformers' generate, `batch` pictures a call."""
    import torch
    from transformers import Florence2ForConditionalGeneration

    model = Florence2ForConditionalGeneration.from_pretrained(str(folder)).eval()
    pictures, ids = inputs(folder, count)
    started = time.perf_counter()
    written = 0
    with torch.no_grad():
        for start in range(0, count, batch):
            part = pictures[start : start + batch].transpose(0, 3, 1, 2).copy()
            out = model.generate(
                input_ids=torch.from_numpy(ids.repeat(len(part), axis=0)),
                pixel_values=torch.from_numpy(part),
                max_new_tokens=tokens,
                do_sample=False,
                num_beams=1,
            )
            written += out.shape[0] * out.shape[1]
    return {"seconds": time.perf_counter() - started, "tokens": written}


def child(
    engine: str, folder: str, count: int, tokens: int, batch: int = 1, kept: bool = False
) -> dict:
    """Run one engine in its own process, with glibc told to keep freed memory as
    photoseek's model runs do when `kept`; its figures as a dict."""
    from photoseek.embed import heap

    # What model_memory() sets, as glibc reads it from the environment.
    kept_env = {
        "MALLOC_MMAP_MAX_": str(heap.MMAP_MAX_WHILE_RUNNING),
        "MALLOC_TRIM_THRESHOLD_": str(heap.KEPT_WHILE_RUNNING),
    }
    env = USER_ENV | {"PHOTOSEEK_CACHE": os.environ["PHOTOSEEK_CACHE"]} | (kept_env if kept else {})
    done = subprocess.run(
        [sys.executable, __file__, "--engine", engine, "--folder", folder,
         "--photos", str(count), "--tokens", str(tokens), "--batch", str(batch)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--engine", choices=["photoseek", "torch"])
    parser.add_argument("--folder")
    parser.add_argument("--batch", type=int, default=1, help="transformers' pictures a call")
    parser.add_argument("--tiny", action="store_true", help="the tests' tiny sizes, for a check")
    args = parser.parse_args()
    if args.engine:
        if args.engine == "photoseek":
            result = run_ours(Path(args.folder), args.photos, args.tokens)
        else:
            result = run_torch(Path(args.folder), args.photos, args.tokens, args.batch)
        print(json.dumps(result | {"peak_mb": peak_rss_mb()}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PHOTOSEEK_CACHE"] = str(Path(tmp) / "cache")
        from tests.reference_models import FLORENCE_TINY, florence_reference
        from tests.test_florence import BASE

        folder = Path(tmp) / "florence-2-base"
        florence_reference(folder, FLORENCE_TINY if args.tiny else BASE, seed=1)
        # The first run converts and caches the weights, as a user's first caption does.
        child("photoseek", str(folder), 1, 2)
        ours = child("photoseek", str(folder), args.photos, args.tokens)
        # transformers one picture a call, as usually called, and as many as photoseek takes.
        from photoseek.embed.read_descriptions import describe_library

        batch = describe_library.__kwdefaults__["batch_size"]
        one = child("torch", str(folder), args.photos, args.tokens)
        many = child("torch", str(folder), args.photos, args.tokens, batch)
        kept = child("torch", str(folder), args.photos, args.tokens, batch, kept=True)
    sizes = "tiny sizes" if args.tiny else "base"
    print(
        f"Florence-2 {sizes} (random weights), {args.photos} photos, {args.tokens} tokens at most"
    )
    theirs = min(one, many, key=lambda result: result["seconds"])
    engines = (
        ("photoseek (MLX)", ours),
        ("transformers, 1 a call", one),
        (f"transformers, {batch} a call", many),
        ("the same, memory kept", kept),
    )
    for name, result in engines:
        rate = args.photos / result["seconds"]
        per_token = 1000 * result["seconds"] / result["tokens"]
        print(
            f"{name:<24s} {rate:6.3f} photos/s  {per_token:6.1f} ms a token "
            f"({result['tokens']} tokens)  peak {result['peak_mb']:.0f} MB"
        )
    speed = theirs["seconds"] / ours["seconds"]
    print(f"photoseek / transformers' best: {speed:.2f} times as fast (target at least 1.5)")
    print(
        f"photoseek / transformers with freed memory kept as photoseek keeps it: "
        f"{kept['seconds'] / ours['seconds']:.2f}"
    )
    hours = TARGET * ours["seconds"] / args.photos / 3600
    print(f"projected for {TARGET:,} photos on this machine: {hours:.1f} h")


if __name__ == "__main__":
    main()
