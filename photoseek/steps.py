"""The stages as the command line runs them: each step runs one stage, prints its outcome
(photoseek.outcome) and returns its summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from photoseek.outcome import show


def extract_step(
    sources: list[Path],
    library_dir: Path,
    catalog: Path | None,
    progress: bool | None,
    verbose: bool = False,
    workers: int | None = None,
):  # noqa: ANN201 - extract.Summary
    """Extract SOURCES into the library, and report it."""
    from photoseek.extract import SourceError, extract

    try:
        summary = extract(
            sources,
            library_dir,
            catalog=catalog,
            progress=progress,
            workers=workers,
            on_start=lambda msg: click.echo(msg, err=True),
        )
    except SourceError as err:
        raise click.UsageError(str(err)) from err
    show(summary.outcome(), verbose)
    return summary


def embed_step(
    library_dir: Path,
    embedder: Any,
    progress: bool | None,
    batch_size: int = 32,
    workers: int | None = None,
    searchable: bool = False,
):  # noqa: ANN201 - embed.EmbedSummary
    """Embed every photo the model has not embedded yet, and report it; `searchable` also
    says how many photos the index now holds."""
    from photoseek.embed import VectorIndex, embed_library
    from photoseek.library import Library

    summary = embed_library(
        library_dir, embedder, batch_size=batch_size, progress=progress, workers=workers
    )
    outcome = summary.outcome()
    if searchable:
        with Library(library_dir, readonly=True) as library:
            index = VectorIndex.of_library(library, embedder.name)
        kind = "exact search" if index.exact else "HNSW index"
        outcome.lines[-1] += f"; {len(index)} photos searchable ({kind})"
    show(outcome)
    return summary


def ocr_step(
    library_dir: Path, progress: bool | None, required: bool, workers: int | None = None
) -> bool:
    """Read the text in pictures not read yet; without an engine, say how to get one
    (an error when `required`, else a note). Returns whether pictures were skipped."""
    from photoseek.embed import OcrUnavailable, TextReader, read_library
    from photoseek.outcome import Outcome

    try:
        reader = TextReader(workers=workers)
    except OcrUnavailable as err:
        if required:
            raise click.ClickException(str(err)) from err
        show(Outcome([], notes=[f"text in pictures is not read; {err} (or --no-ocr)"]))
        return False
    summary = read_library(library_dir, reader, progress=progress)
    show(summary.outcome())
    return bool(summary.failed)


def faces_step(
    library_dir: Path, progress: bool | None, required: bool, workers: int | None = None
) -> bool:
    """Find the faces in photos not read yet and group them into persons; without the face
    models, say how to get them (an error when `required`, else a note). Returns whether
    pictures were skipped."""
    from photoseek.embed import FaceReader, FacesUnavailable, find_faces
    from photoseek.outcome import Outcome

    try:
        reader = FaceReader(workers=workers)
    except FacesUnavailable as err:
        if required:
            raise click.ClickException(str(err)) from err
        show(Outcome([], notes=[f"faces are not looked for; {err} (or --no-faces)"]))
        return False
    summary = find_faces(library_dir, reader, progress=progress)
    show(summary.outcome())
    return bool(summary.failed)


def caption_step(
    library_dir: Path, model: str | None, task: str | None, progress: bool | None
) -> bool:
    """Describe every photo the model and task have not described, and report it; returns
    whether pictures were skipped."""
    from photoseek.embed import DESCRIBE_MODEL, DESCRIBE_TASK, Describer, describe_library

    describer = Describer(model or DESCRIBE_MODEL, task or DESCRIBE_TASK)
    summary = describe_library(library_dir, describer, progress=progress)
    show(summary.outcome())
    return bool(summary.failed)


def site_step(
    library_dir: Path,
    out: Path,
    embedder: Any,
    options: Any,
    progress: bool | None,
    workers: int | None,
    sources: list[Path] = (),
    say_library: bool = False,
) -> bool:
    """Generate the site with `options` (a SiteOptions) and report it, with where its
    library is when `say_library`; returns whether pictures were skipped."""
    from photoseek.build_site import build_site

    summary = build_site(
        library_dir,
        out,
        embedder,
        options,
        progress=progress,
        workers=workers,
        sources=list(sources),
    )
    outcome = summary.outcome()
    if say_library:
        outcome.lines.append(f"library: {library_dir.absolute()}")
    outcome.lines.append(f"open {(out / 'index.html').absolute().as_uri()}")
    show(outcome)
    return outcome.incomplete
