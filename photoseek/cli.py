"""The `photoseek` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from photoseek.library import Library, LibraryError

EXIT_SKIPPED = 3

library_option = click.option(
    "--library",
    "library_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The library folder (created by `photoseek extract`).",
)


def open_library(path: Path) -> Library:
    """Open an existing library or stop with a message that says what to do."""
    try:
        return Library(path)
    except LibraryError as err:
        raise click.ClickException(str(err)) from err


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="photoseek")
def main() -> None:
    """Recover a photo library, embed it, and search it in a static gallery.

    The usual path is one command, `photoseek build SOURCE... --out SITE`.
    The stages can also be run one by one: extract, embed, site.
    """


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@library_option
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The Lightroom .lrcat to join previews to, when it is not beside them.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: when writing to a terminal).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list warnings for each file.")
def extract(
    sources: tuple[Path, ...],
    library_dir: Path,
    catalog: Path | None,
    progress: bool | None,
    verbose: bool,
) -> None:
    """Recover pictures and metadata from SOURCES into a library.

    Each SOURCE is recognised by what it is: a Lightroom preview folder
    (`*.lrdata`, joined to the `.lrcat` beside it), a single `.lrprev`, a
    Google Takeout dump (unpacked, or its `.zip` parts), or any folder of
    JPEG, PNG, WebP, GIF or HEIC pictures. A re-run only reads what is new
    or changed. Exit status: 0 when every file was extracted, 3 when some
    were skipped (each is listed with its reason).
    """
    summary = run_extract(list(sources), library_dir, catalog, progress, verbose)
    if summary.interrupted:
        sys.exit(130)
    if summary.skipped:
        sys.exit(EXIT_SKIPPED)


@main.command(name="ls")
@library_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line and per photo.")
def list_photos(library_dir: Path, as_json: bool) -> None:
    """List the photos of a library."""
    with open_library(library_dir) as library:
        for photo in library.photos():
            if as_json:
                click.echo(json.dumps(photo.to_json(), ensure_ascii=False))
            else:
                name = photo.meta.get("original_name", photo.path.name)
                click.echo(f"{photo.id}  {photo.width}x{photo.height}  {name}")


def run_extract(
    sources: list[Path],
    library_dir: Path,
    catalog: Path | None,
    progress: bool | None,
    verbose: bool = False,
):  # noqa: ANN201 - extract.Summary
    """Run an extraction and report it: each skipped file, warnings, the summary."""
    from photoseek.extract import SourceError, extract

    try:
        summary = extract(
            sources,
            library_dir,
            catalog=catalog,
            progress=progress,
            on_start=lambda msg: click.echo(msg, err=True),
        )
    except SourceError as err:
        raise click.UsageError(str(err)) from err
    for path, reason, detail in summary.problems:
        click.echo(f"skipped {path}: {reason}: {detail}", err=True)
    if verbose:
        for path, message in summary.warnings:
            click.echo(f"warning {path}: {message}", err=True)
    elif summary.warnings:
        click.echo(f"{len(summary.warnings)} warnings (show them with --verbose)", err=True)
    for line in summary.lines():
        click.echo(line)
    return summary


def run_embed(
    library_dir: Path,
    embedder,
    progress: bool | None,  # noqa: ANN001, ANN201
    batch_size: int = 32,
):
    """Run an embedding and report each unreadable picture; returns its summary."""
    from photoseek.embed import embed_library

    summary = embed_library(library_dir, embedder, batch_size=batch_size, progress=progress)
    for path, reason in summary.failed:
        click.echo(f"skipped {path}: {reason}", err=True)
    return summary


def load_model(model: str):  # noqa: ANN201 - an embed.Embedder
    """Load a model or stop with the loader's message (what failed, and what to do)."""
    from photoseek.embed import ModelUnavailable, load_embedder

    try:
        return load_embedder(model)
    except ModelUnavailable as err:
        raise click.ClickException(str(err)) from err


def library_model(library: Library, model: str | None) -> str:
    """The model whose vectors to use: the one asked for, or the library's only one."""
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


model_option = click.option(
    "--model",
    default=None,
    help="A Hugging Face CLIP or SigLIP repo id, a local checkpoint folder, or `colour` "
    "(no download; colour and layout only). Default: openai/clip-vit-base-patch32 for "
    "embed, else the model the library was embedded with.",
)


@main.command()
@library_option
@model_option
@click.option("--batch-size", default=32, show_default=True, help="Pictures per model call.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
def embed(library_dir: Path, model: str | None, batch_size: int, progress: bool | None) -> None:
    """Embed every photo not yet embedded by the model, and update its index.

    Vectors are committed batch by batch: a killed run resumes where it
    stopped. Vectors of different models are kept apart.
    """
    from photoseek.embed import DEFAULT_MODEL, VectorIndex

    open_library(library_dir).close()
    embedder = load_model(model or DEFAULT_MODEL)
    summary = run_embed(library_dir, embedder, progress, batch_size)
    with open_library(library_dir) as library:
        index = VectorIndex.of_library(library, embedder.name)
    kind = "exact search" if index.exact else "HNSW index"
    click.echo(f"{summary.line()}; {len(index)} photos searchable ({kind})")
    if summary.failed:
        sys.exit(EXIT_SKIPPED)


def hits_options(function):  # noqa: ANN001, ANN201 - a click decorator
    """-k and --json, for the commands that list photos by score."""
    function = click.option(
        "--json", "as_json", is_flag=True, help="One JSON object per line: id, score, path."
    )(function)
    return click.option(
        "-k", "--top", default=24, show_default=True, help="How many photos to show."
    )(function)


def _print_hits(hits: list[tuple[str, float]], library: Library, as_json: bool) -> None:
    photos = {p.id: p for p in library.photos([pid for pid, _ in hits])}
    for pid, score in hits:
        photo = photos[pid]
        if as_json:
            click.echo(json.dumps({"id": pid, "score": round(score, 6), "path": str(photo.path)}))
        else:
            click.echo(f"{score:.4f}  {pid}  {photo.path}")


@main.command()
@library_option
@click.argument("text")
@model_option
@hits_options
def search(library_dir: Path, text: str, model: str | None, top: int, as_json: bool) -> None:
    """Find photos by what TEXT describes."""
    from photoseek.embed import VectorIndex

    with open_library(library_dir) as library:
        key = library_model(library, model)
        embedder = load_model(model or library.model_info(key).get("source", key))
        if not embedder.has_text:
            click.echo(
                f"note: {key} has no text model; only colour names are understood "
                "(embed with a CLIP or SigLIP model for search by meaning)",
                err=True,
            )
        query = embedder.embed_texts([text])
        if not query.any():
            raise click.ClickException(f"{key} cannot turn {text!r} into a query")
        hits = VectorIndex.of_library(library, key).search(query, top)[0]
        _print_hits(hits, library, as_json)


@main.command()
@library_option
@click.argument("photo")
@model_option
@hits_options
def similar(library_dir: Path, photo: str, model: str | None, top: int, as_json: bool) -> None:
    """Find the photos most like PHOTO (an id, an id prefix, or a file path)."""
    from photoseek.embed import VectorIndex

    with open_library(library_dir) as library:
        key = library_model(library, model)
        if Path(photo).exists():
            found = library.photo_by_path(Path(photo))
            if found is None:
                raise click.ClickException(f"{photo} is not in {library.root}; extract it first")
        else:
            try:
                found = library.photo(photo)
            except LibraryError as err:
                raise click.ClickException(str(err)) from err
        index = VectorIndex.of_library(library, key)
        if found.id not in index.position:
            raise click.ClickException(f"{found.id} has no {key} vector yet; run photoseek embed")
        hits = index.search(index.vector(found.id), top + 1)[0]
        _print_hits([h for h in hits if h[0] != found.id][:top], library, as_json)


@main.command()
@library_option
@model_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .npz file to write.",
)
def export(library_dir: Path, model: str | None, out: Path) -> None:
    """Write photo ids and their vectors for one model to an .npz file."""
    import numpy as np

    with open_library(library_dir) as library:
        key = library_model(library, model)
        ids, vectors = library.vectors(key)
    np.savez(out, ids=np.array(ids), vectors=vectors, model=np.array(key))
    click.echo(f"{len(ids)} vectors of {key} (dimension {vectors.shape[1]}) written to {out}")


def _queries(path: Path | None) -> list[str]:
    if path is None:
        return []
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


site_options = [
    click.option(
        "--strip-location",
        is_flag=True,
        help="Keep every trace of GPS out of the site (pages, data, pictures).",
    ),
    click.option(
        "--queries",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="A text file of extra search phrases, one per line.",
    ),
    click.option("--progress/--no-progress", default=None, help="Show progress bars."),
]


def with_site_options(function):  # noqa: ANN001, ANN201 - a click decorator
    """Add the options every site-writing command shares."""
    for option in reversed(site_options):
        function = option(function)
    return function


def _write_site(
    library_dir: Path,
    out: Path,
    embedder,
    strip_location: bool,  # noqa: ANN001
    queries: Path | None,
    progress: bool | None,
) -> None:
    from photoseek.build_site import build_site

    summary = build_site(
        library_dir,
        out,
        embedder,
        strip_location=strip_location,
        queries=_queries(queries),
        progress=progress,
    )
    for path, reason in summary.pictures_failed:
        click.echo(f"skipped {path}: {reason}", err=True)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"open {(out / 'index.html').absolute().as_uri()}")


@main.command()
@library_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the site to.",
)
@model_option
@with_site_options
def site(
    library_dir: Path,
    out: Path,
    model: str | None,
    strip_location: bool,
    queries: Path | None,
    progress: bool | None,
) -> None:
    """Generate the static gallery from an embedded library."""
    with open_library(library_dir) as library:
        key = library_model(library, model)
        source = model or library.model_info(key).get("source", key)
    _write_site(library_dir, out, load_model(source), strip_location, queries, progress)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the site to.",
)
@click.option(
    "--library",
    "library_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the library lives (default: OUT-library beside the site).",
)
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The Lightroom .lrcat, when it is not beside the previews.",
)
@model_option
@with_site_options
def build(
    sources: tuple[Path, ...],
    out: Path,
    library_dir: Path | None,
    catalog: Path | None,
    model: str | None,
    strip_location: bool,
    queries: Path | None,
    progress: bool | None,
) -> None:
    """Extract, embed and generate the gallery in one go; a re-run redoes only what changed."""
    from photoseek.embed import DEFAULT_MODEL

    library_dir = library_dir or out.with_name(out.name + "-library")
    embedder = load_model(model or DEFAULT_MODEL)
    summary = run_extract(list(sources), library_dir, catalog, progress)
    embedded = run_embed(library_dir, embedder, progress)
    click.echo(embedded.line())
    _write_site(library_dir, out, embedder, strip_location, queries, progress)
    if summary.skipped or embedded.failed:
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.option(
    "--out",
    default="photoseek-demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to put the sample inputs, library and site.",
)
@model_option
def demo(out: Path, model: str | None) -> None:
    """Make a sample Lightroom catalog and Takeout dump, and build their gallery.

    Uses the default CLIP model when it can be had, else the model-free colour
    embedding, and says which.
    """
    from photoseek.demo import make_sample
    from photoseek.embed import DEFAULT_MODEL, FALLBACK_MODEL, ModelUnavailable, load_embedder

    sources = make_sample(out / "inputs")
    click.echo(f"sample inputs written to {out / 'inputs'}")
    try:
        embedder = load_embedder(model or DEFAULT_MODEL)
    except ModelUnavailable as err:
        if model:
            raise click.ClickException(str(err)) from err
        click.echo(
            f"note: {DEFAULT_MODEL} cannot be had here ({str(err).split('(')[0].strip()}"
            f"); using the model-free '{FALLBACK_MODEL}' embedding instead: similar "
            "photos by colour and layout, search by names, captions and colours."
        )
        embedder = load_embedder(FALLBACK_MODEL)
    library_dir = out / "library"
    run_extract(sources, library_dir, None, progress=False)
    click.echo(run_embed(library_dir, embedder, progress=False).line())
    _write_site(library_dir, out / "site", embedder, False, None, None)
