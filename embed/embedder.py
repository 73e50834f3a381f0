"""Embedders: a model's image and text towers behind one small interface."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from . import hub
from .colour import ColourEmbedder
from .preprocess import Preprocess
from .runtime import cpu_streams, mlx_core

mx = mlx_core()


class Embedder(Protocol):
    """What the rest of photoseek needs of a model."""

    name: str
    dim: int
    has_text: bool
    info: dict[str, Any]
    # Where its text vectors are kept for every library (textcache.py), or None.
    text_cache: Path | None

    def prepare(self, source: Path | bytes) -> np.ndarray:
        """Model input for one picture (safe to call from worker threads)."""

    def embed_prepared(self, batch: list[np.ndarray]) -> np.ndarray:
        """Normalised float32 vectors for prepared pictures."""

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors for texts."""


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class MLXEmbedder:
    """A CLIP or SigLIP checkpoint running in MLX."""

    has_text = True
    # Its towers are compiled (mx.compile): element-wise work is fused where MLX can.
    fuses = True

    def __init__(self, name: str, folder: Path, *, source: str = "", draft: bool = True) -> None:
        from . import weights
        from .clip import CLIPModel
        from .siglip import SiglipModel
        from .textcache import cache_file
        from .tokenizer import ClipTokenizer, SiglipTokenizer, tokenizer_files

        config = json.loads((folder / "config.json").read_text())
        model_type = config.get("model_type")
        families = {"clip": (CLIPModel, ClipTokenizer), "siglip": (SiglipModel, SiglipTokenizer)}
        if model_type not in families:
            raise hub.ModelUnavailable(
                f"{name}: model type {model_type!r} is not supported; photoseek runs CLIP "
                "and SigLIP checkpoints (model_type 'clip' or 'siglip'), or --model colour "
                "without one.",
                reason=f"model type {model_type!r} is not supported",
            )
        model_class, tokenizer_class = families[model_type]
        self.model = model_class(config)
        self.model.load_weights(list(weights.load(folder).items()), strict=True)
        self.text_cache = cache_file(weights.cache_folder(folder), tokenizer_files(folder))
        self.model.eval()
        mx.eval(self.model.parameters())
        self.tokenizer = tokenizer_class(folder, self.model.text_length)
        self.preprocess = Preprocess.from_config(folder, model_type, self.model.image_size)
        self.name = name
        self.dim = self.model.dim
        self.draft = draft
        # `source` is what to pass to load_embedder() to get this model back.
        self.info = {"type": model_type, "folder": str(folder), "source": source or str(folder)}
        self._images = mx.compile(self.model.encode_image)
        self._texts = mx.compile(self.model.encode_text)
        self._streams = [mx.new_stream(mx.default_device()) for _ in range(cpu_streams())]

    def _run(self, function: Any, inputs: np.ndarray) -> np.ndarray:
        """Run a tower over the batch split across the streams, and normalise the result."""
        parts = np.array_split(inputs, min(len(self._streams), len(inputs)))
        outputs = []
        for stream, part in zip(self._streams, parts, strict=False):
            with mx.stream(stream):
                outputs.append(function(mx.array(part)))
        mx.eval(outputs)
        return _normalise(np.concatenate([np.array(o) for o in outputs]))

    def prepare(self, source: Path | bytes) -> np.ndarray:
        """Model input for one picture (safe to call from worker threads)."""
        return self.preprocess.load(source, draft=self.draft)

    def prepare_image(self, image: Image.Image) -> np.ndarray:
        """Model input for an already opened RGB picture."""
        return self.preprocess(image)

    def embed_prepared(self, batch: list[np.ndarray]) -> np.ndarray:
        """Normalised float32 vectors for prepared pictures."""
        return self._run(self._images, np.stack(batch))

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors for texts."""
        return self._run(self._texts, self.tokenizer(texts))


def model_key(model: str, revision: str | None = None) -> str:
    """The name a model's vectors are stored under in a library, without loading it."""
    if model in (hub.FALLBACK_MODEL, "color"):
        return ColourEmbedder.name
    local = Path(model).expanduser()
    if local.is_dir():
        from .weights import cache_key, checkpoint_files

        # A local checkpoint is named by its contents, so retrained weights never mix.
        folder = local.resolve()
        return f"local:{folder.name}@{cache_key(folder, checkpoint_files(folder))[:8]}"
    return f"{model}@{revision}" if revision else model


def load_embedder(model: str = hub.DEFAULT_MODEL, revision: str | None = None) -> Embedder:
    """The embedder a `--model` value names: a hub id, a local checkpoint folder, or `colour`."""
    if model in (hub.FALLBACK_MODEL, "color"):
        return ColourEmbedder()
    folder = hub.resolve(model, revision)
    local = Path(model).expanduser().is_dir()
    fix = (
        "Use a complete CLIP or SigLIP checkpoint as transformers saves it (config.json, "
        "weights, tokenizer files), or --model colour to work without one."
    )
    try:
        return MLXEmbedder(
            model_key(model, revision), folder, source=str(folder) if local else model
        )
    except hub.ModelUnavailable:
        raise
    except KeyError as err:
        raise hub.ModelUnavailable(
            f"{model}: its config.json lacks {err}, needed to build the model. {fix}",
            reason=f"config.json lacks {err}",
        ) from err
    except (ValueError, OSError, RuntimeError, ImportError) as err:
        raise hub.ModelUnavailable(
            f"{model} cannot be loaded from {folder}: {err}. {fix}", reason=str(err)
        ) from err
