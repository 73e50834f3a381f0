"""Stage 2: embed photos and text with CLIP or SigLIP in MLX, index the vectors, read the
text in pictures and find the faces.

Each public name is loaded from its module on first use, so that a process that needs one
part never loads the rest: a face-finding worker never imports MLX (nor announces its BLAS).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Bound now: a name its module shares would be shadowed by the module once that is imported.
from .fusion import fusion

if TYPE_CHECKING:
    from .blas import blas_kernels, load_blas
    from .cachedir import cache_base
    from .describe import DEFAULT_MODEL as DESCRIBE_MODEL
    from .describe import DEFAULT_TASK as DESCRIBE_TASK
    from .describe import TASKS as DESCRIBE_TASKS
    from .describe import Describer
    from .embedder import Embedder, load_embedder, model_key
    from .faces import INSTALL as FACES_INSTALL
    from .faces import FaceReader, FacesUnavailable
    from .faces import model_key as face_model_key
    from .faces import models_folder as face_models_folder
    from .fusion import Fusion, announce_if_unfused
    from .hub import DEFAULT_MODEL, FALLBACK_MODEL, ModelUnavailable, is_cached
    from .index import VectorIndex
    from .ocr import INSTALL as OCR_INSTALL
    from .ocr import OcrUnavailable, TextReader
    from .read_descriptions import DescribeSummary, describe_library
    from .read_faces import FacesSummary, find_faces
    from .read_text import ReadSummary, read_library
    from .run import EmbedSummary, embed_library, embed_texts_cached
    from .runtime import cpu_streams, mlx_core
    from .texttower import TextTower, text_tower

# Each public name: its module, and its name there when it differs.
_WHERE: dict[str, tuple[str, str | None]] = {
    "DESCRIBE_MODEL": ("describe", "DEFAULT_MODEL"),
    "DESCRIBE_TASK": ("describe", "DEFAULT_TASK"),
    "DESCRIBE_TASKS": ("describe", "TASKS"),
    "DescribeSummary": ("read_descriptions", None),
    "Describer": ("describe", None),
    "describe_library": ("read_descriptions", None),
    "announce_if_unfused": ("fusion", None),
    "blas_kernels": ("blas", None),
    "cache_base": ("cachedir", None),
    "cpu_streams": ("runtime", None),
    "DEFAULT_MODEL": ("hub", None),
    "embed_library": ("run", None),
    "embed_texts_cached": ("run", None),
    "Embedder": ("embedder", None),
    "EmbedSummary": ("run", None),
    "FaceReader": ("faces", None),
    "FACES_INSTALL": ("faces", "INSTALL"),
    "face_model_key": ("faces", "model_key"),
    "face_models_folder": ("faces", "models_folder"),
    "FacesSummary": ("read_faces", None),
    "FacesUnavailable": ("faces", None),
    "FALLBACK_MODEL": ("hub", None),
    "find_faces": ("read_faces", None),
    "Fusion": ("fusion", None),
    "fusion": ("fusion", None),
    "is_cached": ("hub", None),
    "load_blas": ("blas", None),
    "load_embedder": ("embedder", None),
    "mlx_core": ("runtime", None),
    "model_key": ("embedder", None),
    "ModelUnavailable": ("hub", None),
    "OCR_INSTALL": ("ocr", "INSTALL"),
    "OcrUnavailable": ("ocr", None),
    "read_library": ("read_text", None),
    "ReadSummary": ("read_text", None),
    "text_tower": ("texttower", None),
    "TextReader": ("ocr", None),
    "TextTower": ("texttower", None),
    "VectorIndex": ("index", None),
}
__all__ = [
    "DESCRIBE_MODEL",
    "DESCRIBE_TASK",
    "DESCRIBE_TASKS",
    "DescribeSummary",
    "Describer",
    "describe_library",
    "announce_if_unfused",
    "blas_kernels",
    "cache_base",
    "cpu_streams",
    "DEFAULT_MODEL",
    "embed_library",
    "embed_texts_cached",
    "Embedder",
    "EmbedSummary",
    "FaceReader",
    "FACES_INSTALL",
    "face_model_key",
    "face_models_folder",
    "FacesSummary",
    "FacesUnavailable",
    "FALLBACK_MODEL",
    "find_faces",
    "Fusion",
    "fusion",
    "is_cached",
    "load_blas",
    "load_embedder",
    "mlx_core",
    "model_key",
    "ModelUnavailable",
    "OCR_INSTALL",
    "OcrUnavailable",
    "read_library",
    "ReadSummary",
    "text_tower",
    "TextReader",
    "TextTower",
    "VectorIndex",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, inside = _WHERE[name]
    value = getattr(importlib.import_module(f".{module}", __name__), inside or name)
    globals()[name] = value
    return value
