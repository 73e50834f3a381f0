"""End-to-end image embedding: photoseek (MLX) against transformers on PyTorch and against
ONNX Runtime (CPU, float32: the engine Immich runs), same run.

Each embeds the real photos in ../shared/data/photos, files in and vectors out,
with the same architecture (ViT-B/32 CLIP with random weights: no pretrained
weights exist here, and speed does not depend on their values) and batch size;
ONNX Runtime runs the same model exported from transformers, after the same
decoding and image processor as PyTorch's. Each side runs in its own process so
that peak memory is its own. The machine's float32 limit is its matrix-product
rate (numpy's OpenBLAS on every core, benchmarks/bench_blas.py) over the 8.8 GFLOP
one ViT-B/32 image costs.

    .venv/bin/python benchmarks/bench_embed.py [--batch-size 32] [--model clip|siglip]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT.parent / "shared" / "data" / "photos"
# One ViT-B/32 image through the image tower: 4.4 G multiply-adds.
GFLOP_PER_IMAGE = 8.8
SIDES = ("photoseek", "torch", "onnxruntime")
# The environment the benchmark was started in, for the peers' processes: photoseek's BLAS
# set-up holds OpenBLAS and MKL to one thread in its own process (embed/blas.py), and a
# child started after photoseek was imported would inherit that, single-threading
# PyTorch's MKL.
USER_ENV = dict(os.environ)


def run_photoseek(checkpoint: Path, files: list[Path], batch: int, library: Path) -> dict:
    """Extract the photos into a library, then time `embed_library` over it."""
    from photoseek.embed import blas_kernels, embed_library, load_blas, load_embedder
    from photoseek.extract import extract

    folder = library.parent / "photos"
    folder.mkdir()
    for path in files:
        (folder / path.name).symlink_to(path)
    extract([folder], library, progress=False)
    embedder = load_embedder(str(checkpoint))
    started = time.perf_counter()
    summary = embed_library(library, embedder, batch_size=batch, progress=False)
    seconds = time.perf_counter() - started
    return {
        "images": summary.embedded,
        "seconds": seconds,
        "blas": load_blas().source,
        "kernels": blas_kernels(),
    }


def run_torch(checkpoint: Path, files: list[Path], batch: int, model_type: str) -> dict:
    """The reference pipeline: PIL decode, the transformers image processor, the torch model."""
    import torch
    from PIL import Image, ImageOps
    from transformers import AutoModel

    if model_type == "clip":
        from transformers import CLIPImageProcessorPil as Processor
    else:
        from transformers import SiglipImageProcessorPil as Processor
    model = AutoModel.from_pretrained(str(checkpoint)).eval()
    processor = Processor.from_pretrained(str(checkpoint))
    started = time.perf_counter()
    count = 0
    with torch.inference_mode():
        for start in range(0, len(files), batch):
            images = [ImageOps.exif_transpose(Image.open(p)) for p in files[start : start + batch]]
            pixels = processor(images, return_tensors="pt")["pixel_values"]
            out = model.get_image_features(pixel_values=pixels)
            vectors = out if isinstance(out, torch.Tensor) else out.pooler_output
            torch.nn.functional.normalize(vectors, dim=-1).numpy()
            count += len(images)
    return {
        "images": count,
        "seconds": time.perf_counter() - started,
        "threads": torch.get_num_threads(),
    }


def _vision(model):  # noqa: ANN001, ANN202 - a transformers model; a torch module
    """The image tower alone, as a module ONNX export can trace: pixels in, features out."""
    import torch

    class Vision(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, pixel_values):  # noqa: ANN001, ANN202 - tensors
            out = self.model.get_image_features(pixel_values=pixel_values)
            return out if isinstance(out, torch.Tensor) else out.pooler_output

    return Vision().eval()


def export_onnx(checkpoint: Path, target: Path) -> None:
    """The checkpoint's image tower as an ONNX model (float32, any batch size)."""
    import torch
    from transformers import AutoConfig, AutoModel

    size = AutoConfig.from_pretrained(str(checkpoint)).vision_config.image_size
    model = AutoModel.from_pretrained(str(checkpoint)).eval()
    torch.onnx.export(
        _vision(model),
        (torch.zeros(1, 3, size, size),),
        str(target),
        input_names=["pixel_values"],
        output_names=["features"],
        dynamic_axes={"pixel_values": {0: "batch"}, "features": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    # The export must compute what transformers computes, or its speed means nothing.
    import onnxruntime

    pixels = torch.randn(2, 3, size, size)
    with torch.inference_mode():
        expected = _vision(model)(pixels).numpy()
    session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"pixel_values": pixels.numpy()})
    error = float(abs(got - expected).max())
    if error > 1e-3:
        sys.exit(f"the ONNX export differs from transformers by {error:.1e}")


def run_onnx(checkpoint: Path, files: list[Path], batch: int, model_type: str) -> dict:
    """The same decoding and image processor as run_torch, the model in ONNX Runtime."""
    import numpy as np
    import onnxruntime
    from PIL import Image, ImageOps

    if model_type == "clip":
        from transformers import CLIPImageProcessorPil as Processor
    else:
        from transformers import SiglipImageProcessorPil as Processor
    processor = Processor.from_pretrained(str(checkpoint))
    session = onnxruntime.InferenceSession(
        str(checkpoint / "vision.onnx"), providers=["CPUExecutionProvider"]
    )
    started = time.perf_counter()
    count = 0
    for start in range(0, len(files), batch):
        images = [ImageOps.exif_transpose(Image.open(p)) for p in files[start : start + batch]]
        pixels = processor(images, return_tensors="np")["pixel_values"].astype(np.float32)
        (features,) = session.run(None, {"pixel_values": pixels})
        features / np.linalg.norm(features, axis=-1, keepdims=True)
        count += len(images)
    return {
        "images": count,
        "seconds": time.perf_counter() - started,
        "version": onnxruntime.__version__,
    }


def fp32_limit() -> tuple[float, float]:
    """The machine's float32 matrix-product rate (GFLOP/s, every core) and the images/s it
    allows a ViT-B/32 at 8.8 GFLOP an image."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_blas import measure

    rate = measure("", 2.0)["numpy"]
    return rate, rate / GFLOP_PER_IMAGE


def child(args: argparse.Namespace) -> None:
    files = sorted(PHOTOS.iterdir())[: args.count]
    checkpoint = Path(args.checkpoint)
    if args.side == "photoseek":
        result = run_photoseek(checkpoint, files, args.batch_size, Path(args.work) / "lib")
    elif args.side == "onnxruntime":
        result = run_onnx(checkpoint, files, args.batch_size, args.model)
    else:
        result = run_torch(checkpoint, files, args.batch_size, args.model)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM starts afresh at exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_checkpoint(folder: Path, model_type: str) -> None:
    sys.path.insert(0, str(ROOT))
    from tests import reference_models as ref
    from tests.clip_vocab import real_or_generated

    if model_type == "clip":
        ref.clip_checkpoint(folder, real_or_generated(), ref.CLIP_B32)
    else:
        ref.siglip_checkpoint(folder, ref.SIGLIP_BASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side (best counts)")
    parser.add_argument("--model", choices=["clip", "siglip"], default="clip")
    parser.add_argument("--side", choices=SIDES)
    parser.add_argument("--checkpoint")
    parser.add_argument("--work")
    args = parser.parse_args()
    if args.side:
        child(args)
        return
    if not PHOTOS.is_dir():
        sys.exit(f"real photos not found at {PHOTOS}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        checkpoint = work / "checkpoint"
        make_checkpoint(checkpoint, args.model)
        export_onnx(checkpoint, checkpoint / "vision.onnx")
        env = {**USER_ENV, "PHOTOSEEK_CACHE": str(work / "cache")}

        def run(side: str, count: int, tag: str) -> dict:
            side_work = work / f"{side}-{tag}"
            side_work.mkdir()
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--side",
                    side,
                    "--checkpoint",
                    str(checkpoint),
                    "--work",
                    str(side_work),
                    "--batch-size",
                    str(args.batch_size),
                    "--count",
                    str(count),
                    "--model",
                    args.model,
                ],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            return json.loads(out.stdout.strip().splitlines()[-1])

        results: dict[str, dict] = {}
        for tag, side in enumerate(SIDES * args.rounds):
            result = run(side, args.count, str(tag))
            # Best of several runs each, interleaved: the machine is shared and noisy.
            if side not in results or result["seconds"] < results[side]["seconds"]:
                results[side] = result
        half = run("photoseek", args.count // 2, "half")
    gflops, limit = fp32_limit()
    arch = "ViT-B/32 CLIP" if args.model == "clip" else "SigLIP base/16"
    print(f"{args.count} real photos, {arch}, batch {args.batch_size}, {os.cpu_count()} cores")
    print(
        f"float32 limit: {gflops:.0f} GFLOP/s on every core (numpy's OpenBLAS, bench_blas.py) "
        f"/ {GFLOP_PER_IMAGE} GFLOP an image = {limit:.1f} images/s"
    )
    rates = {side: r["images"] / r["seconds"] for side, r in results.items()}
    for side, result in results.items():
        print(
            f"{side:11s} {rates[side]:6.2f} images/s  ({result['seconds']:.1f} s)  "
            f"{rates[side] / limit:.0%} of the limit  peak RSS {result['peak_rss_mb']:.0f} MB"
        )
    print(
        f"photoseek / torch throughput: {rates['photoseek'] / rates['torch']:.2f} (target >= 1.3); "
        f"photoseek / onnxruntime: {rates['photoseek'] / rates['onnxruntime']:.2f} "
        f"(onnxruntime {results['onnxruntime']['version']})"
    )
    print(
        f"photoseek peak RSS with {args.count // 2} photos: {half['peak_rss_mb']:.0f} MB, "
        f"with {args.count}: {results['photoseek']['peak_rss_mb']:.0f} MB"
    )
    ours = results["photoseek"]
    print(f"photoseek BLAS: {ours['blas']}; kernels: {ours['kernels']}")


if __name__ == "__main__":
    main()
