"""Find a model's files: a local folder, or a Hugging Face repo through the hub's own cache."""

from __future__ import annotations

from pathlib import Path

DEFAULT_MODEL = "openai/clip-vit-base-patch32"
FALLBACK_MODEL = "colour"
ALLOW = [
    "config.json",
    "generation_config.json",
    "preprocessor_config.json",
    "processor_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "merges.txt",
    "spiece.model",
]


class ModelUnavailable(RuntimeError):
    """A model could not be had; the message names it, says why and what to do.

    `reason` is the short why, for a one-line note (the demo's fallback).
    """

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


def _advice(model: str) -> str:
    return (
        f"To use {model}, run once on a machine with network access (it is cached in the "
        "Hugging Face cache, ~/.cache/huggingface), or pass a local folder holding the "
        f"checkpoint. To work without any download, use --model {FALLBACK_MODEL} "
        "(colour and layout similarity, no text search by meaning)."
    )


def _first_line(err: BaseException) -> str:
    """An error's own words, on one line: the hub's messages run to several."""
    lines = str(err).strip().splitlines()
    return (lines[0].removeprefix("Got: ") if lines else type(err).__name__)[:200]


def _why_not_now(err: BaseException) -> str:
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return "HF_HUB_OFFLINE is set"
    return f"the hub cannot be reached: {_first_line(err)}"


def is_cached(model: str) -> bool:
    """Whether a hub model's files are in the local Hugging Face cache (no network asked)."""
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model, "config.json"), str)


def resolve(model: str, revision: str | None = None) -> Path:
    """The folder holding `model`'s files, downloading them if needed and allowed."""
    local = Path(model).expanduser()
    if local.is_dir():
        if not (local / "config.json").is_file():
            raise ModelUnavailable(
                f"{local} has no config.json: not a Hugging Face checkpoint "
                "folder. " + _advice(model)
            )
        return local.resolve()
    if local.suffix or model.count("/") != 1:
        raise ModelUnavailable(
            f"model {model!r} is neither a folder nor a Hugging Face repo id "
            "like openai/clip-vit-base-patch32. " + _advice(DEFAULT_MODEL)
        )
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        # Prefer safetensors: fetch .bin weights only for repos that have nothing else.
        folder = Path(
            snapshot_download(model, revision=revision, allow_patterns=[*ALLOW, "*.safetensors"])
        )
        if not any(folder.glob("*.safetensors")):
            folder = Path(
                snapshot_download(
                    model, revision=revision, allow_patterns=[*ALLOW, "pytorch_model.bin"]
                )
            )
    except LocalEntryNotFoundError as err:
        raise ModelUnavailable(
            f"model {model} is not in the local Hugging Face cache and cannot be downloaded "
            f"now ({_why_not_now(err)}). " + _advice(model),
            reason="not in the local Hugging Face cache, and it cannot be downloaded now",
        ) from err
    except GatedRepoError as err:
        raise ModelUnavailable(
            f"model {model} is gated: accept its licence on the hub and "
            "log in with `hf auth login`. " + _advice(model)
        ) from err
    except (RepositoryNotFoundError, RevisionNotFoundError) as err:
        raise ModelUnavailable(
            f"model {model} (revision {revision or 'main'}) does not exist "
            "on the hub; check the spelling. " + _advice(DEFAULT_MODEL)
        ) from err
    except Exception as err:  # network stacks raise many kinds; all mean "not now"
        raise ModelUnavailable(
            f"model {model} could not be downloaded ({_first_line(err)}). " + _advice(model)
        ) from err
    return folder
