"""The `photoseek` command."""

from __future__ import annotations

import dataclasses
import errno
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from photoseek import locators
from photoseek.build_site import SiteOptions
from photoseek.interrupt import EXIT_INTERRUPTED, say_interrupted, stop_promptly_on_ctrl_c
from photoseek.interrupt import pressed as interrupt_pressed
from photoseek.library import CATALOG_NAME, Library, LibraryError, Photo
from photoseek.model_choice import (
    kept_model,
    library_model,
    load_model,
    model_of,
    model_source,
)
from photoseek.ownership import OwnershipError
from photoseek.steps import (
    caption_step,
    embed_step,
    extract_step,
    faces_step,
    ocr_step,
    site_step,
)

EXIT_SKIPPED = 3


def command(function: Callable[..., Any]) -> Callable[..., Any]:
    """The one contract of every command: exit 0 done, 3 some files skipped (each listed),
    1 an error (said in one line, with what to do), 2 a usage error, 130 interrupted."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> None:
        from photoseek.embed import ModelUnavailable

        try:
            skipped = function(*args, **kwargs)
            # Written now, while a closed pipe can still be told apart from an error.
            sys.stdout.flush()
        except KeyboardInterrupt:
            _stop_interrupted()
        except BrokenPipeError:
            # The reader stopped (`photoseek ls | head`): not an error, and nothing to say.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as err:
            if interrupt_pressed():
                _stop_interrupted()
            if isinstance(err, LibraryError | OwnershipError | ModelUnavailable):
                raise click.ClickException(str(err)) from err
            if isinstance(err, OSError):
                raise click.ClickException(_os_problem(err)) from err
            raise
        if skipped:
            sys.exit(EXIT_SKIPPED)

    return run


def _stop_interrupted() -> NoReturn:
    say_interrupted()
    sys.exit(EXIT_INTERRUPTED)


def _os_problem(err: OSError) -> str:
    where = f" ({err.filename})" if err.filename else ""
    if err.errno == errno.ENOSPC:
        return f"the disk is full{where}; free some space and run the same command again"
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied{where}: {err.strerror}; choose a folder you can write to"
    return f"{err.strerror or err}{where}"


library_option = click.option(
    "--library",
    "library_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The library folder (created by `photoseek extract`).",
)


workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker threads or processes (default: $PHOTOSEEK_WORKERS, else every usable core).",
)


def open_library(path: Path) -> Library:
    """Open an existing library for reading (works on read-only media)."""
    return Library(path, readonly=True)


def _library_of_site(_ctx: click.Context, _param: click.Parameter, path: Path) -> Path:
    """A gallery given for --library leads to the library it was built from, where build
    keeps it (SITE-library); elsewhere, the message says which folder to give."""
    from photoseek.build_site import default_library, is_site

    if not is_site(path):
        return path
    library = default_library(path)
    if (library / CATALOG_NAME).is_file():
        click.echo(f"note: {path} is a gallery; reading its library {library}", err=True)
        return library
    raise click.BadParameter(
        f"{path} is a gallery photoseek built, not a library, and {library} is not its "
        "library; give the --library it was built with (build keeps it in SITE-library "
        "unless --library said otherwise)",
        param_hint="--library",
    )


reading_library_option = click.option(
    "--library",
    "library_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    callback=_library_of_site,
    help="The library folder (created by `photoseek extract` or `build`), or a gallery "
    "`build` made, whose library beside it is read.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="photoseek")
def main() -> None:
    """Recover a photo library, embed it, and search it in a static gallery.

    The usual path is one command, `photoseek build SOURCE... --out SITE`.
    The stages can also be run one by one: extract, embed, site.
    """
    stop_promptly_on_ctrl_c()


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
@workers_option
@command
def extract(
    sources: tuple[Path, ...],
    library_dir: Path,
    catalog: Path | None,
    progress: bool | None,
    verbose: bool,
    workers: int | None,
) -> bool:
    """Recover pictures and metadata from SOURCES into a library.

    Each SOURCE is recognised by what it is: a Lightroom preview folder
    (`*.lrdata`, joined to the `.lrcat` beside it), a single `.lrprev`, a
    Google Takeout dump (unpacked, or its `.zip` parts), or any folder of
    JPEG, PNG, WebP, GIF or HEIC pictures. A re-run only reads what is new
    or changed. Exit status: 0 when every file was extracted, 3 when some
    were skipped (each is listed with its reason).
    """
    summary = extract_step(list(sources), library_dir, catalog, progress, verbose, workers)
    if summary.interrupted:
        raise KeyboardInterrupt
    return bool(summary.skipped)


@main.command(name="ls")
@reading_library_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line and per photo.")
@command
def list_photos(library_dir: Path, as_json: bool) -> None:
    """List the photos of a library."""
    with open_library(library_dir) as library:
        for photo in library.photos():
            if as_json:
                click.echo(json.dumps(photo.to_json(), ensure_ascii=False, allow_nan=False))
            else:
                name = photo.meta.get("original_name", photo.path.name)
                click.echo(f"{photo.id}  {photo.width}x{photo.height}  {name}")


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
@click.option(
    "--batch-size",
    default=32,
    show_default=True,
    type=click.IntRange(min=1),
    help="Pictures per model call.",
)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
@workers_option
@command
def embed(
    library_dir: Path,
    model: str | None,
    batch_size: int,
    progress: bool | None,
    workers: int | None,
) -> bool:
    """Embed every photo not yet embedded by the model, and update its index.

    Vectors are committed batch by batch: a killed run resumes where it
    stopped. Vectors of different models are kept apart.
    """
    from photoseek.embed import DEFAULT_MODEL

    open_library(library_dir).close()
    embedder = load_model(model or DEFAULT_MODEL)
    summary = embed_step(library_dir, embedder, progress, batch_size, workers, searchable=True)
    return bool(summary.failed)


@main.command()
@library_option
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
@workers_option
@command
def ocr(library_dir: Path, progress: bool | None, workers: int | None) -> bool:
    """Read the text in every photo not read yet (memes, screenshots, documents, signs).

    The text is stored in the library (`ls --json` shows it as meta.ocr) and found by
    `search` and the gallery. Needs the OCR extra: pip install 'photoseek[ocr]'.
    """
    open_library(library_dir).close()
    return ocr_step(library_dir, progress, required=True, workers=workers)


@main.command()
@library_option
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
@workers_option
@command
def faces(library_dir: Path, progress: bool | None, workers: int | None) -> bool:
    """Find the faces in every photo not read yet, and group them into persons.

    Each face's box is shown by `ls --json` (meta.faces); persons are listed and named with
    `photoseek people`; a name a Takeout or Apple Photos source gave a photo goes to its
    person. Needs the faces extra: pip install 'photoseek[faces]'.
    """
    open_library(library_dir).close()
    return faces_step(library_dir, progress, required=True, workers=workers)


caption_model_option = click.option(
    "--caption-model",
    default=None,
    metavar="ID|FOLDER",
    help="The Florence-2 checkpoint that writes descriptions, in transformers' layout "
    "(default: florence-community/Florence-2-base; florence-community/Florence-2-large "
    "writes better ones, more slowly).",
)
caption_task_option = click.option(
    "--caption-task",
    type=click.Choice(["<CAPTION>", "<DETAILED_CAPTION>", "<MORE_DETAILED_CAPTION>"]),
    default=None,
    help="How much to write: a sentence, a detailed one, or a paragraph (the default).",
)


@main.command()
@library_option
@click.option(
    "--model",
    "--caption-model",
    "caption_model",
    default=None,
    metavar="ID|FOLDER",
    help="The Florence-2 checkpoint that writes descriptions, in transformers' layout "
    "(default: florence-community/Florence-2-base; florence-community/Florence-2-large "
    "writes better ones, more slowly).",
)
@caption_task_option
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
@command
def caption(
    library_dir: Path, caption_model: str | None, caption_task: str | None, progress: bool | None
) -> bool:
    """Describe in words every photo not yet described by the model and task (Florence-2,
    greedy, at most 64 tokens a photo).

    Each description is stored in the library (`ls --json` shows meta.description), found
    by `search` and the gallery, shown on the photo's page and used as its alt text.
    """
    open_library(library_dir).close()
    return caption_step(library_dir, caption_model, caption_task, progress)


@main.command()
@library_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line and per person.")
@click.option(
    "--name",
    "naming",
    nargs=2,
    type=(int, str),
    default=None,
    metavar="ID NAME",
    help="Name person ID; the name holds across every later run.",
)
@click.option(
    "--merge",
    "merging",
    multiple=True,
    type=int,
    metavar="ID",
    help="Merge persons into the first one named: --merge 3 --merge 7.",
)
@click.option(
    "--name-face",
    "naming_face",
    nargs=2,
    type=(int, str),
    default=None,
    metavar="FACE NAME",
    help="Put one face (its id in `ls --json`'s meta.faces) in the person named NAME, to "
    "correct a face grouped with the wrong person.",
)
@command
def people(
    library_dir: Path,
    as_json: bool,
    naming: tuple[int, str] | None,
    merging: tuple[int, ...],
    naming_face: tuple[int, str] | None,
) -> None:
    """List the persons whose faces were found (`photoseek faces`), and name or merge them."""
    from photoseek import facestore
    from photoseek.people import update_persons

    if len(merging) == 1:
        raise click.UsageError("--merge needs two persons or more: --merge 3 --merge 7")
    changing = naming or merging or naming_face
    with open_library(library_dir) if not changing else Library(library_dir) as library:
        read = facestore.photos_read(library)
        if not read:
            raise click.ClickException(
                f"no faces were looked for in {library.root} yet: photoseek faces --library "
                f"{library.root}"
            )
        # Names are checked before anything changes.
        name = _person_name(naming[1]) if naming else None
        face_name = _person_name(naming_face[1]) if naming_face else None
        if merging:
            facestore.merge_persons(library, merging[0], merging[1:])
        if naming and name:
            facestore.name_person(library, naming[0], name)
        if naming_face and face_name:
            facestore.name_face(library, naming_face[0], face_name)
        if changing:
            # The sources' names follow what the user settled.
            update_persons(library)
        found = facestore.persons(library)
        if not found:
            click.echo(f"note: no face was found in the {read} photos read", err=True)
        for person in found:
            if as_json:
                click.echo(json.dumps(person.to_json(), ensure_ascii=False))
            else:
                name = person.name or "(no name)"
                photos = f"{person.photos} photo{'s' if person.photos != 1 else ''}"
                faces = f"{person.faces} face{'s' if person.faces != 1 else ''}"
                click.echo(f"{person.id:>6}  {name}  {photos}, {faces}")


def _person_name(text: str) -> str:
    """A name the user gave, checked as the sources' names are (no control characters, at
    most 300 characters); an empty one is a usage error."""
    from photoseek.facts import clean_meta

    names = clean_meta({"people": [text]}).get("people")
    if not names:
        raise click.UsageError("a person's name cannot be empty")
    return names[0]


def hits_options(function):  # noqa: ANN001, ANN201 - a click decorator
    """-k and --json, for the commands that list photos by score."""
    function = click.option(
        "--json", "as_json", is_flag=True, help="One JSON object per line: id, score, path."
    )(function)
    return click.option(
        "-k",
        "--top",
        default=24,
        show_default=True,
        type=click.IntRange(min=1),
        help="How many photos to show.",
    )(function)


def _print_hits(hits: list[tuple[str, float]], library: Library, as_json: bool) -> None:
    """One line per photo: its score, id and file."""
    photos = {p.id: p for p in library.photos([pid for pid, _ in hits])}
    for pid, score in hits:
        if as_json:
            row = {"id": pid, "score": round(score, 6), "path": str(photos[pid].path)}
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{score:.4f}  {pid}  {photos[pid].path}")


@main.command()
@reading_library_option
@click.argument("text")
@model_option
@hits_options
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Strong and weaker matches each by relevance, or newest first.",
)
@command
def search(
    library_dir: Path, text: str, model: str | None, top: int, as_json: bool, sort: str
) -> None:
    """Find photos by their own words (name, caption, keywords, albums, people), by the text
    in their pictures (read by `photoseek ocr`), then by what TEXT means.

    Places and dates in TEXT narrow the search ("kyoto 2019", "beach luglio 2021": months
    and seasons in English, Italian, Spanish, French and German), and the photos they name
    come first. Each photo says what matched. Strong matches come first; the weaker ones,
    which the scores call noise, follow under "weaker matches".
    """
    from photoseek.embed import VectorIndex
    from photoseek.searching import find, understood

    with open_library(library_dir) as library:
        key = library_model(library, model)
        embedder = load_model(model_source(library, model))
        if not embedder.has_text:
            click.echo(
                f"note: {key} has no text model; only colour names are understood by meaning "
                "(embed with a CLIP or SigLIP model for search by meaning)",
                err=True,
            )
        photos = list(library.photos())
        said = understood(photos, text)
        words = said.words if said.narrows else text
        vector = embedder.embed_texts([words])[0] if words.strip() else None
        index = VectorIndex.of_library(library, key)
        query = vector if vector is not None and vector.any() else None
        texts_read = library.ocr_texts()
    if said.narrows:
        meaning = [f"by meaning: {said.words}"] if said.words.strip() else []
        click.echo("searched: " + " · ".join(said.said + meaning), err=True)
    hits = find(
        photos,
        texts_read,
        index.ids,
        index.vectors,
        query,
        text,
        top,
        by_date=sort == "date",
        said=said,
    )
    if not hits:
        where = f" (searched: {' · '.join(said.said)})" if said.narrows else ""
        raise click.ClickException(f"no photo matches {text!r}{where}; try other words")
    _print_found(hits, as_json)


def _print_found(hits: list, as_json: bool) -> None:  # noqa: ANN001 - searching.Hit
    """One line per photo, saying what matched; weaker matches after a line of their own."""
    told = False
    for hit in hits:
        if as_json:
            row = {"id": hit.photo.id, "score": None if hit.score is None else round(hit.score, 6)}
            row["path"] = str(hit.photo.path)
            row["matched"] = [{"kind": kind, "text": text} for kind, text in hit.matched]
            row["strong"] = hit.strong
            words = [text for kind, text in hit.matched if kind == "text in the picture"]
            if words:
                row["text_match"] = words[0].split()
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        if not hit.strong and not told:
            click.echo("weaker matches (their scores are within the noise):")
            told = True
        what = ", ".join(f"{kind}: {text}" if text else kind for kind, text in hit.matched)
        score = "" if hit.score is None else f"{hit.score:.4f} "
        click.echo(f"{score}{what}  {hit.photo.id[:16]}  {hit.photo.path}")


@main.command()
@reading_library_option
@click.argument("photo")
@model_option
@hits_options
@command
def similar(library_dir: Path, photo: str, model: str | None, top: int, as_json: bool) -> None:
    """Find the photos most like PHOTO: an id or id prefix, a file's path, or a file name
    (IMG_0001.jpg) as the photo was found."""
    from photoseek.embed import VectorIndex

    with open_library(library_dir) as library:
        key = library_model(library, model)
        found = _find_photo(library, photo)
        index = VectorIndex.of_library(library, key)
        if found.id not in index.position:
            raise click.ClickException(f"{found.id} has no {key} vector yet; run photoseek embed")
        hits = index.search(index.vector(found.id), top + 1)[0]
        _print_hits([h for h in hits if h[0] != found.id][:top], library, as_json)


def _names(photo: Photo) -> set[str]:
    """The file names a photo is known by: its picture's, its original's, each source's."""
    names = {photo.path.name, *(locators.parse(s.locator).file_name for s in photo.sources)}
    return names | {str(photo.meta["original_name"])} if "original_name" in photo.meta else names


def _find_photo(library: Library, text: str) -> Photo:
    """The photo a user means: a path to its file, an id or id prefix, or a file name."""
    if Path(text).exists():
        found = library.photo_by_path(Path(text))
        if found is None:
            raise click.ClickException(f"{text} is not in {library.root}; extract it first")
        return found
    try:
        return library.photo(text)
    except LibraryError:
        pass
    named = [p for p in library.photos() if text in _names(p)]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(p.id[:16] for p in named[:5])
        raise click.ClickException(
            f"{len(named)} photos in {library.root} are named {text} ({ids}); give the id of one"
        )
    raise click.ClickException(
        f"no photo in {library.root} has the id, path or file name {text!r}; "
        f"photoseek ls --library {library.root} lists them"
    )


@main.command()
@reading_library_option
@model_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .npz file to write.",
)
@command
def export(library_dir: Path, model: str | None, out: Path) -> None:
    """Write photo ids and their vectors for one model to an .npz file."""
    import numpy as np

    if not out.parent.is_dir():
        raise click.ClickException(
            f"{out.parent} does not exist; create it or choose another --out"
        )

    with open_library(library_dir) as library:
        key = library_model(library, model)
        ids, vectors = library.vectors(key)
    np.savez(out, ids=np.array(ids), vectors=vectors, model=np.array(key))
    click.echo(f"{len(ids)} vectors of {key} (dimension {vectors.shape[1]}) written to {out}")


def _read_queries(_ctx: click.Context, _param: click.Parameter, path: Path | None) -> tuple:
    """The phrases of a --queries file: one a line, '#' lines and blank lines left out."""
    if path is None:
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise click.BadParameter(
            f"{path} is not UTF-8 text (byte {err.start}); save it as UTF-8, one phrase a line"
        ) from err
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _site_option(name: str, flag: str, help_text: str, default: Any, metavar: str):  # noqa: ANN202
    """The click option of one SiteOptions field, as its declaration says."""
    if isinstance(default, tuple):
        return click.option(
            flag,
            name,
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            metavar=metavar,
            callback=_read_queries,
            help=help_text,
        )
    if isinstance(default, bool) and "/" not in flag:
        return click.option(flag, name, is_flag=True, default=default, help=help_text)
    return click.option(flag, name, default=default, show_default=True, help=help_text)


def with_site_options(function):  # noqa: ANN001, ANN201 - a click decorator
    """Add the gallery's options (build_site.SiteOptions), progress and workers."""
    from photoseek.build_site import declared_options

    function = workers_option(function)
    function = click.option("--progress/--no-progress", default=None, help="Show progress bars.")(
        function
    )
    for declaration in reversed(declared_options()):
        function = _site_option(*declaration)(function)
    return function


def site_options(values: dict[str, Any]) -> SiteOptions:
    """The SiteOptions of a command's parsed options."""
    return SiteOptions(**{f.name: values[f.name] for f in dataclasses.fields(SiteOptions)})


out_option = click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the site to: new, empty, or a site photoseek made.",
)


@main.command()
@library_option
@out_option
@model_option
@with_site_options
@command
def site(
    library_dir: Path,
    out: Path,
    model: str | None,
    progress: bool | None,
    workers: int | None,
    **options: Any,
) -> bool:
    """Generate the static gallery from an embedded library."""
    embedder = load_model(model_of(library_dir, model))
    return site_step(library_dir, out, embedder, site_options(options), progress, workers)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
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
@click.option(
    "--ocr/--no-ocr",
    default=None,
    help="Read the text in pictures (default: when the OCR extra is installed). --no-ocr "
    "neither reads it nor puts it in the site.",
)
@click.option(
    "--faces/--no-faces",
    default=None,
    help="Find faces and group them into persons (default: when the faces extra is "
    "installed). --no-faces skips the step; persons found before stay in the library.",
)
@click.option(
    "--captions",
    is_flag=True,
    help="Also describe every photo in words with Florence-2 (slow on a CPU: about a second "
    "a photo or more; descriptions written before are kept either way).",
)
@caption_model_option
@caption_task_option
@with_site_options
@command
def build(
    sources: tuple[Path, ...],
    out: Path,
    library_dir: Path | None,
    catalog: Path | None,
    model: str | None,
    ocr: bool | None,
    faces: bool | None,
    captions: bool,
    caption_model: str | None,
    caption_task: str | None,
    progress: bool | None,
    workers: int | None,
    **options: Any,
) -> bool:
    """Extract, embed and generate the gallery in one go; a re-run redoes only what changed.

    Without --model, a library that was embedded before keeps its model.
    """
    from photoseek.build_site import check_out, default_library
    from photoseek.embed import DEFAULT_MODEL

    check_out(out)
    library_dir = library_dir or default_library(out)
    check_out(out, library=library_dir, sources=list(sources))
    chosen = site_options(options)
    if ocr is False:
        # --no-ocr: neither read nor published, whatever an earlier run read.
        chosen = dataclasses.replace(chosen, ocr_private=True)
    embedder = load_model(model or kept_model(library_dir) or DEFAULT_MODEL)
    summary = extract_step(list(sources), library_dir, catalog, progress, False, workers)
    if summary.interrupted:
        raise KeyboardInterrupt
    embedded = embed_step(library_dir, embedder, progress, workers=workers)
    unread = ocr is not False and ocr_step(
        library_dir, progress, required=ocr is True, workers=workers
    )
    faceless = faces is not False and faces_step(
        library_dir, progress, required=faces is True, workers=workers
    )
    undescribed = captions and caption_step(library_dir, caption_model, caption_task, progress)
    skipped = site_step(
        library_dir, out, embedder, chosen, progress, workers, list(sources), say_library=True
    )
    return bool(summary.skipped or embedded.failed or unread or faceless or undescribed or skipped)


@main.command()
@click.option(
    "--out",
    default="photoseek-demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to put the sample inputs, library and site.",
)
@model_option
@command
def demo(out: Path, model: str | None) -> bool:
    """Make a sample Lightroom catalog and Takeout dump, and build their gallery.

    Uses the default CLIP model when it can be had, else the model-free colour
    embedding, and says which.
    """
    from photoseek.build_site import default_library
    from photoseek.demo import INSTALL_HINT, make_sample, photos_folder
    from photoseek.embed import DEFAULT_MODEL, FALLBACK_MODEL, ModelUnavailable, load_embedder

    sources, real = make_sample(out / "inputs")
    click.echo(f"sample inputs written to {out / 'inputs'}")
    if not real and photos_folder() is not None:
        click.echo(
            f"note: {out / 'inputs'} holds the generated pictures of an earlier demo; "
            "remove that folder for the demo's photographs."
        )
    elif not real:
        click.echo(
            f"note: the demo's photographs are not installed ({INSTALL_HINT} adds them); "
            "using generated pictures instead."
        )
    try:
        embedder = load_embedder(model or DEFAULT_MODEL)
    except ModelUnavailable as err:
        if model:
            raise click.ClickException(str(err)) from err
        click.echo(
            f"note: {DEFAULT_MODEL} cannot be had here ({err.reason}); using the model-free "
            f"'{FALLBACK_MODEL}' embedding instead: similar photos by colour and layout, "
            "search by names, captions and colours."
        )
        embedder = load_embedder(FALLBACK_MODEL)
    library_dir = default_library(out / "site")
    extracted = extract_step(sources, library_dir, None, progress=False)
    embedded = embed_step(library_dir, embedder, progress=False)
    options = SiteOptions(title="photoseek demo")
    skipped = site_step(library_dir, out / "site", embedder, options, None, None)
    return bool(extracted.skipped or embedded.failed or skipped)


@main.command()
@command
def doctor() -> bool:
    """Say what photoseek runs on: BLAS, MLX device, threads, model caches, browser.

    Exit status 3 when something makes photoseek slower than it should be.
    """
    from photoseek.doctor import diagnose

    report = diagnose()
    width = max(len(label) for label, _ in report.rows)
    for label, text in report.rows:
        click.echo(f"{label:<{width}}  {text}")
    for problem in report.problems:
        click.echo(f"\nproblem: {problem}", err=True)
    return bool(report.problems)
