"""Faces in pictures: dlib's HOG face detector, its 5-point landmarks and its ResNet face
descriptor (128 numbers a face; two faces of one person lie within about 0.6 of each other).

The models are Davis King's, published in the public domain (CC0) and shipped inside the
`face-recognition-models` wheel; `dlib-bin` runs them with no system library. The wheel
also holds a 68-point landmark model, trained on data that forbids commercial use:
photoseek never loads it.

A picture is decoded at a reduced JPEG scale and searched at DETECT_SIDE pixels along its
long edge: the detector's window is 80 pixels, so a face smaller than about an eighth of
the picture's long edge is not found. Measured on the shared real faces
(benchmarks/bench_faces.py): every face of 100 pixels or more in pictures up to 1,024
pixels is found at 640 and at 800; 800 keeps the faces of group photos a little smaller.

dlib runs one picture at a time on one core and holds Python's lock while it does (and its
detector is not safe to share between threads), so a reader of several workers runs one
process each.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from photoseek.concurrency import default_workers
from photoseek.jpeg import draft_long_edge

from .preprocess import to_rgb

# Bump when the settings below change, so that every photo is read again.
SETTINGS_VERSION = 1
DETECT_SIDE = 800
# dlib's own threshold for the detector's score: on the 192 shared photos without a face it
# found one false face (benchmarks/bench_faces.py).
MIN_SCORE = 0.0
DESCRIPTOR_SIZE = 128
INSTALL = "pip install 'photoseek[faces]'"
LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
DESCRIPTOR_FILE = "dlib_face_recognition_resnet_model_v1.dat"


class FacesUnavailable(Exception):
    """No face models are installed; the message says how to install them."""


@dataclass(frozen=True)
class Face:
    """One face: its box (left, top, width, height) and its 5 landmarks (x, y), both as
    fractions of the upright picture, the detector's score, and its descriptor."""

    box: tuple[float, float, float, float]
    landmarks: tuple[tuple[float, float], ...]
    score: float
    descriptor: np.ndarray


def models_folder() -> Path:
    """Where the installed face models lie; FacesUnavailable when they are not installed."""
    try:
        import dlib  # noqa: F401 - only its presence is checked here
    except ImportError as err:
        raise FacesUnavailable(f"finding faces needs dlib and its models: {INSTALL}") from err
    # Found without importing the package: its __init__ needs setuptools' pkg_resources.
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise FacesUnavailable(f"finding faces needs dlib's face models: {INSTALL}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "models"
    missing = [name for name in (LANDMARKS_FILE, DESCRIPTOR_FILE) if not (folder / name).is_file()]
    if missing:
        raise FacesUnavailable(
            f"dlib's face models are incomplete ({', '.join(missing)} missing in {folder}): "
            f"pip install --force-reinstall face-recognition-models"
        )
    return folder


def model_key() -> str:
    """What the stored faces were made with: library versions and settings."""
    try:
        dlib_version = version("dlib-bin")
    except PackageNotFoundError:
        try:
            dlib_version = version("dlib")
        except PackageNotFoundError:
            dlib_version = "unknown"
    return f"dlib-{dlib_version}/hog{DETECT_SIDE}-5pt-resnet_v1/v{SETTINGS_VERSION}"


class FaceFinder:
    """dlib's three models, for one thread."""

    def __init__(self) -> None:
        folder = models_folder()
        import dlib

        self._detector = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(str(folder / LANDMARKS_FILE))
        self._descriptor = dlib.face_recognition_model_v1(str(folder / DESCRIPTOR_FILE))

    def find(self, image: Image.Image) -> list[Face]:
        """The faces in the picture, upright, largest first."""
        picture = upright(image, DETECT_SIDE)
        pixels = np.asarray(picture)
        width, height = picture.size
        boxes, scores, _ = self._detector.run(pixels, 0, MIN_SCORE)
        faces = []
        for rect, score in zip(boxes, scores, strict=True):
            # The detector may reach past the picture's edge; the box stays inside it.
            left, top = max(rect.left(), 0), max(rect.top(), 0)
            right, bottom = min(rect.right() + 1, width), min(rect.bottom() + 1, height)
            if right <= left or bottom <= top:
                continue
            shape = self._landmarks(pixels, rect)
            descriptor = self._descriptor.compute_face_descriptor(pixels, shape, 0)
            faces.append(
                Face(
                    box=(
                        left / width,
                        top / height,
                        (right - left) / width,
                        (bottom - top) / height,
                    ),
                    landmarks=tuple(
                        (shape.part(i).x / width, shape.part(i).y / height)
                        for i in range(shape.num_parts)
                    ),
                    score=float(score),
                    descriptor=np.asarray(descriptor, dtype=np.float32),
                )
            )
        return sorted(faces, key=lambda f: -f.box[2] * f.box[3])

    def find_file(self, path: Path) -> list[Face]:
        """The faces in the picture at `path`, decoded no larger than the search needs."""
        with Image.open(path) as image:
            draft_long_edge(image, DETECT_SIDE)
            return self.find(image)


def upright(image: Image.Image, side: int) -> Image.Image:
    """The picture upright, in RGB, at most `side` pixels along its long edge."""
    image = to_rgb(ImageOps.exif_transpose(image))
    if max(image.size) > side:
        scale = side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BILINEAR)
    return image


_worker_finder: FaceFinder | None = None


def _start_worker() -> None:
    global _worker_finder
    # The parent stops the run on an interrupt; a worker finishes its picture quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_finder = FaceFinder()


def _find_in_worker(path: Path) -> list[Face]:
    assert _worker_finder is not None
    return _worker_finder.find_file(path)


class FaceReader:
    """Finds the faces of many pictures, on `workers` processes (one dlib each)."""

    def __init__(self, workers: int | None = None) -> None:
        models_folder()
        self.workers = default_workers(workers)
        self.key = model_key()

    def read_files(self, paths: Iterable[Path]) -> Iterator[tuple[Path, Future[list[Face]]]]:
        """Each path with the future of its faces, in order, a few pictures ahead."""
        if self.workers == 1:
            finder = FaceFinder()
            for path in paths:
                future: Future[list[Face]] = Future()
                try:
                    future.set_result(finder.find_file(path))
                except Exception as err:  # noqa: BLE001 - reported per picture by the caller
                    future.set_exception(err)
                yield path, future
            return
        # Spawned, not forked: the parent may hold MLX's and BLAS's threads.
        context: Any = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker)
        pending: list[tuple[Path, Future[list[Face]]]] = []
        try:
            for path in paths:
                pending.append((path, pool.submit(_find_in_worker, path)))
                if len(pending) >= 2 * self.workers:
                    yield pending.pop(0)
            while pending:
                yield pending.pop(0)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
