"""Which model a command uses: the one asked for, else the one the library was embedded with."""

from __future__ import annotations

from pathlib import Path

import click

from photoseek.library import CATALOG_NAME, Library


def load_model(model: str):  # noqa: ANN201 - an embed.Embedder
    """Load a model; a failure is a ModelUnavailable that says what failed and what to do."""
    from photoseek.embed import load_embedder

    return load_embedder(model)


def library_model(library: Library, model: str | None) -> str:
    """The key of the model whose vectors to use: the one asked for, or the library's only
    one."""
    models = library.models()
    if model is not None:
        from photoseek.embed import model_key

        key = model_key(model)
        if key not in models:
            raise click.ClickException(
                f"{library.root} has no vectors of {model}; run: photoseek embed --library "
                f"{library.root} --model {model}"
            )
        return key
    if len(models) == 1:
        return next(iter(models))
    if not models:
        raise click.ClickException(
            f"{library.root} has no vectors yet; run: photoseek embed --library {library.root}"
        )
    raise click.ClickException(
        f"{library.root} holds vectors of several models ({', '.join(models)}); choose one "
        "with --model"
    )


def model_source(library: Library, model: str | None) -> str:
    """What to load for an open library: the model asked for, else the one it was embedded
    with (its repo id or folder, as recorded with its vectors)."""
    key = library_model(library, model)
    return model or library.model_info(key).get("source", key)


def model_of(library_dir: Path, model: str | None) -> str:
    """What to load for a library: the model asked for, else the one it was embedded with."""
    with Library(library_dir, readonly=True) as library:
        return model_source(library, model)


def kept_model(library_dir: Path) -> str | None:
    """The model a library was embedded with, if it exists and was; `build` keeps it."""
    if not (library_dir / CATALOG_NAME).exists():
        return None
    with Library(library_dir, readonly=True) as library:
        return model_source(library, None) if library.models() else None
