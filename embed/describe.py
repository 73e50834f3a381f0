"""Descriptions of pictures in words, by Florence-2 (florence.py): the prompt and the picture
made as transformers' Florence2Processor makes them, greedy decoding, and the words.

The default model is Florence-2 base in transformers' native layout, a conversion of
Microsoft's MIT-licensed model; any checkpoint of that layout (Florence-2 large, a local
folder) is read the same way.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer

from . import florence
from .hub import ModelUnavailable, resolve
from .preprocess import Preprocess

DEFAULT_MODEL = "florence-community/Florence-2-base"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The tasks that describe a whole picture, and the words the processor puts in their place.
TASKS = {
    "<CAPTION>": "What does the image describe?",
    "<DETAILED_CAPTION>": "Describe in detail what is shown in the image.",
    "<MORE_DETAILED_CAPTION>": "Describe with a paragraph what is shown in the image.",
}
DEFAULT_TASK = "<MORE_DETAILED_CAPTION>"
MAX_NEW_TOKENS = 64
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Description:
    """What a model wrote of a picture, with the model and task that wrote it."""

    text: str
    model: str
    task: str


def image_settings(folder: Path) -> dict[str, Any]:
    """The image processor's settings: preprocessor_config.json, else the processor's own
    file (where newer transformers keeps them)."""
    for name, inside in (
        ("preprocessor_config.json", None),
        ("processor_config.json", "image_processor"),
    ):
        path = folder / name
        if path.is_file():
            settings = json.loads(path.read_text(encoding="utf-8"))
            settings = settings.get(inside, {}) if inside else settings
            if settings:
                return settings
    return {}


class Describer:
    """Writes what a picture shows, with one Florence-2 checkpoint and one task."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        task: str = DEFAULT_TASK,
        max_new_tokens: int = MAX_NEW_TOKENS,
    ) -> None:
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; photoseek describes with {', '.join(TASKS)}")
        folder = resolve(model)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "florence2":
            raise ModelUnavailable(
                f"{model} is a {config.get('model_type') or 'unknown'} checkpoint, not "
                f"Florence-2 in transformers' layout; describe with {DEFAULT_MODEL}, "
                "florence-community/Florence-2-large or a folder of either"
            )
        if not (folder / "tokenizer.json").is_file():
            raise ModelUnavailable(
                f"{folder} has no tokenizer.json: download the whole checkpoint of {model}"
            )
        self.model, self.decoding = florence.load(folder, max_new_tokens)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        settings = image_settings(folder)
        side = settings.get("size", {}).get("height", 768)
        self.preprocess = Preprocess.from_settings(
            {"image_mean": IMAGENET_MEAN, "image_std": IMAGENET_STD, **settings},
            "florence2",
            side,
            folder,
        )
        stride = math.prod(config["vision_config"].get("patch_stride", (4, 2, 2, 2)))
        image_tokens = settings.get("image_seq_length", (side // stride) ** 2 + 1)
        text = config["text_config"]
        prompt = self.tokenizer.encode(TASKS[task], add_special_tokens=False).ids
        self.prompt = [config["image_token_id"]] * image_tokens + [
            text["bos_token_id"],
            *prompt,
            text["eos_token_id"],
        ]
        # A local folder is named by its full path, so that the key holds from any directory.
        self.name = str(folder) if Path(model).expanduser().is_dir() else model
        self.task = task
        self.key = f"{self.name}|{task}|greedy{max_new_tokens}"

    def ids(self, pictures: list[Any]) -> list[list[int]]:
        """The tokens written for each picture's model input (height, width, 3), together."""
        mx = florence.mx
        prompts = mx.array([self.prompt] * len(pictures))
        return florence.generate_batch(
            self.model, mx.array(np.stack(pictures)), prompts, self.decoding
        )

    def words(self, ids: list[int]) -> str:
        """The text of written tokens, special tokens and control characters left out, runs
        of white space as one space."""
        text = self.tokenizer.decode(ids, skip_special_tokens=True)
        return " ".join(_CONTROL.sub("", text).split())

    def describe_file(self, path: Path) -> Description:
        """The description of the picture at `path`."""
        return self.describe_files([path])[0]

    def describe_files(self, paths: list[Path]) -> list[Description]:
        """The descriptions of the pictures at `paths`, written together (OSError or
        ValueError when one cannot be read: read them one by one to tell which)."""
        pictures = [self.preprocess.load(path) for path in paths]
        return [Description(self.words(ids), self.name, self.task) for ids in self.ids(pictures)]
