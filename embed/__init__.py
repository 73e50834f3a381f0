"""Stage 2: embed photos and text with CLIP or SigLIP in MLX, and index the vectors."""

from .embedder import Embedder, load_embedder, model_key
from .hub import DEFAULT_MODEL, FALLBACK_MODEL, ModelUnavailable
from .index import VectorIndex
from .run import EmbedSummary, embed_library, embed_texts_cached
from .texttower import TextTower, text_tower

__all__ = [
    "DEFAULT_MODEL",
    "FALLBACK_MODEL",
    "EmbedSummary",
    "Embedder",
    "ModelUnavailable",
    "TextTower",
    "VectorIndex",
    "embed_library",
    "embed_texts_cached",
    "load_embedder",
    "model_key",
    "text_tower",
]
