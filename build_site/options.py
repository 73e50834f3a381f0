"""The gallery's options, declared once: each with its default, its flag and its help text.

The command line makes its `site`, `build` and `demo` options from these declarations, the
README's table of options is checked against them, and the build reads one `SiteOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .gallery import Privacy


def _option(default: Any, flag: str, text: str, *, metavar: str = "") -> Any:
    """A field of SiteOptions: its default, the command-line flag that sets it, and its help
    text."""
    return field(default=default, metadata={"flag": flag, "help": text, "metavar": metavar})


@dataclass(frozen=True)
class SiteOptions:
    """What a gallery holds and shows; the defaults are those of `photoseek site`."""

    title: str = _option("Photos", "--title", "The gallery's name, shown on every page.")
    strip_location: bool = _option(
        False,
        "--strip-location",
        "Keep every trace of GPS out of the site (pages, data, pictures).",
    )
    show_paths: bool = _option(
        False,
        "--show-paths",
        "Show where each photo lies on this machine (for a gallery that stays on your own "
        "disk; by default a site shows only each source's kind and file name).",
    )
    full_size: bool = _option(
        True,
        "--full-size/--no-full-size",
        "Also publish each picture larger than 1600 px at its own size, for the viewer's "
        "zoom and to download (no metadata, sRGB). --no-full-size keeps the site small.",
    )
    text_model: bool = _option(
        True,
        "--text-model/--no-text-model",
        "Ship the model's text tower (int8, about 97 MB on disk for ViT-B/32; loaded only "
        "when a search needs it) so that the gallery understands any words, not only its "
        "phrase vocabulary.",
    )
    ocr_private: bool = _option(
        False,
        "--ocr-private",
        "Keep the text read in pictures out of the site: it stays searchable with "
        "`photoseek search` on this machine only.",
    )
    captions_private: bool = _option(
        False,
        "--captions-private",
        "Keep the descriptions a model wrote (`photoseek caption`) out of the site: they stay "
        "searchable with `photoseek search` on this machine only.",
    )
    people_private: bool = _option(
        False,
        "--people-private",
        "Keep every person out of the site (names from the sources and recognised faces "
        "alike): they stay searchable with `photoseek search` on this machine only.",
    )
    publish_unnamed_people: bool = _option(
        False,
        "--publish-unnamed-people",
        "Also publish the persons recognised in photos whom nobody named, as 'Person N' "
        "(by default only named persons appear).",
    )
    queries: tuple[str, ...] = _option(
        (),
        "--queries",
        "A text file of extra search phrases, one per line ('#' starts a comment line).",
        metavar="FILE",
    )

    def __post_init__(self) -> None:
        # The name is shown on every page: bounded, and never empty.
        object.__setattr__(self, "title", self.title.strip()[:200] or "Photos")
        object.__setattr__(self, "queries", tuple(q.strip() for q in self.queries if q.strip()))

    @property
    def privacy(self) -> Privacy:
        """What the site leaves out, as the pages apply it."""
        return Privacy(
            strip_location=self.strip_location,
            show_paths=self.show_paths,
            ocr=not self.ocr_private,
            people=not self.people_private,
            descriptions=not self.captions_private,
            unnamed_people=self.publish_unnamed_people,
        )


def declared() -> list[tuple[str, str, str, Any, str]]:
    """Each option as (field name, flag, help, default, metavar), in declaration order."""
    return [
        (f.name, f.metadata["flag"], f.metadata["help"], f.default, f.metadata["metavar"])
        for f in fields(SiteOptions)
    ]
