"""Stage 2: embed photos and text with CLIP or SigLIP in MLX, index the vectors, and read
the text in pictures."""

from .blas import blas_kernels, load_blas
from .cachedir import cache_base
from .embedder import Embedder, load_embedder, model_key
from .faces import INSTALL as FACES_INSTALL
from .faces import FaceReader, FacesUnavailable
from .fusion import Fusion, announce_if_unfused, fusion
from .hub import DEFAULT_MODEL, FALLBACK_MODEL, ModelUnavailable, is_cached
from .index import VectorIndex
from .ocr import INSTALL as OCR_INSTALL
from .ocr import OcrUnavailable, TextReader
from .read_faces import FacesSummary, find_faces
from .read_text import ReadSummary, read_library
from .run import EmbedSummary, embed_library, embed_texts_cached
from .runtime import cpu_streams, mlx_core
from .texttower import TextTower, text_tower

__all__ = [
    "DEFAULT_MODEL",
    "FALLBACK_MODEL",
    "OCR_INSTALL",
    "EmbedSummary",
    "Embedder",
    "FACES_INSTALL",
    "FaceReader",
    "FacesSummary",
    "FacesUnavailable",
    "Fusion",
    "ModelUnavailable",
    "OcrUnavailable",
    "ReadSummary",
    "TextReader",
    "TextTower",
    "VectorIndex",
    "announce_if_unfused",
    "cache_base",
    "cpu_streams",
    "embed_library",
    "embed_texts_cached",
    "find_faces",
    "fusion",
    "is_cached",
    "blas_kernels",
    "load_blas",
    "load_embedder",
    "mlx_core",
    "model_key",
    "read_library",
    "text_tower",
]
