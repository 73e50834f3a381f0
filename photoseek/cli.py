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
    from photoseek.extract import SourceError
    from photoseek.extract import extract as run_extract

    try:
        summary = run_extract(
            list(sources),
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
