"""What the pages show: each photo's title, facts and groups, from the library's records."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from photoseek import locators
from photoseek.facts import (
    DESCRIPTION,
    FACES,
    LOCATION,
    PATH,
    PEOPLE,
    PICTURE_TEXT,
    public_meta,
)
from photoseek.fieldmatch import search_parts
from photoseek.library import Photo

from .pictures import nearest_kind, rendition_kinds, rendition_path, rendition_size
from .shapes import shape

KIND_NAMES = {
    "lightroom": "Lightroom preview",
    "apple_photos": "Apple Photos",
    "takeout": "Google Takeout",
    "folder": "Folder",
}
PICK_NAMES = {1: "picked", -1: "rejected"}


def slug(name: str) -> str:
    """A file name for a keyword, album or tag page: ASCII, lower case, never a path."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
    # The digest keeps names apart that the ASCII form would merge ("Café", "Cafe").
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    return f"{text or 'x'}-{digest}"


def short_ids(ids: list[str], minimum: int = 12) -> dict[str, str]:
    """The shortest common prefix length (at least `minimum`) that keeps every id unique."""
    length = minimum
    while len({pid[:length] for pid in ids}) < len(set(ids)):
        length += 2
    return {pid: pid[:length] for pid in ids}


def _exposure(meta: dict[str, Any]) -> str | None:
    parts = []
    if meta.get("aperture"):
        parts.append(f"f/{meta['aperture']:g}")
    if meta.get("shutter"):
        parts.append(f"{meta['shutter']} s")
    if meta.get("iso"):
        parts.append(f"ISO {meta['iso']}")
    if meta.get("focal_length"):
        parts.append(f"{meta['focal_length']:g} mm")
    return ", ".join(parts) or None


@dataclass(frozen=True)
class Privacy:
    """What a published site leaves out: local paths unless asked, places when stripped,
    the text read in pictures and the people in photos when kept private, where faces
    are always, and persons without a name unless asked."""

    strip_location: bool = False
    show_paths: bool = False
    ocr: bool = True
    people: bool = True
    unnamed_people: bool = False
    descriptions: bool = True

    @property
    def hidden(self) -> frozenset[str]:
        """The privacy classes of facts (photoseek.facts) the site leaves out."""
        return frozenset(
            name
            for name, hide in (
                (LOCATION, self.strip_location),
                (PATH, not self.show_paths),
                (PICTURE_TEXT, not self.ocr),
                (PEOPLE, not self.people),
                (DESCRIPTION, not self.descriptions),
                (FACES, True),
            )
            if hide
        )


def unnamed_person(person: int) -> str:
    """How a site names a person nobody named, when it may show them."""
    return f"Person {person}"


def _told_apart(place: locators.Locator) -> str:
    """A file's name with what tells its copies apart and nothing more of the machine's
    paths: the folder it is in (an album, in a Takeout dump), and the zip part, preview
    folder or Photos library holding it."""
    inner = PurePosixPath(place.member) if place.member is not None else PurePosixPath(place.path)
    if place.scheme == "lrprev":
        previews = next((p.name for p in inner.parents if p.suffix == ".lrdata"), "")
        return f"{inner.name} in {previews}" if previews else inner.name
    # A Photos asset's folder is its UUID: nothing a person would recognise.
    folder = inner.parent.name if place.scheme != "photos" else ""
    name = f"{folder}/{inner.name}" if folder else inner.name
    if place.member is not None:
        name += f" in {PurePosixPath(place.path).name}"
    return name


def source_text(kind: str, locator: str, show_paths: bool) -> str:
    """Where a photo was recovered from, as shown on its page: by default its file name with
    what tells it from its copies, and the full place with `show_paths`."""
    place = locators.parse(locator)
    return f"{KIND_NAMES.get(kind, kind)}: {place.display if show_paths else _told_apart(place)}"


ALT_MAX = 300


@dataclass(frozen=True)
class Tile:
    """One rendition of a photo as a page shows it: where it is, its size, its alt text."""

    sid: str
    src: str
    width: int
    height: int
    alt: str

    @property
    def shape(self) -> int:
        """The aspect ratio's class in the justified grid (build_site/shapes.py)."""
        return shape(self.width, self.height)


@dataclass
class Entry:
    """One photo as the site presents it: only what the privacy settings let it publish."""

    photo: Photo
    sid: str
    index: int
    title: str
    size: tuple[int, int]
    privacy: Privacy = field(default_factory=Privacy)
    tags: list[str] = field(default_factory=list)
    full_size: bool = True

    @functools.cached_property
    def meta(self) -> dict[str, Any]:
        """The photo's merged metadata, less what may not be published."""
        meta = public_meta(self.photo.meta, self.privacy.hidden)
        if self.privacy.people and self.privacy.unnamed_people:
            unnamed = [
                unnamed_person(face["person"])
                for face in self.photo.meta.get("faces", [])
                if face["person"] is not None and not face["name"]
            ]
            if unnamed:
                meta["people"] = meta.get("people", []) + list(dict.fromkeys(unnamed))
        return meta

    def sources(self) -> list[str]:
        """Each place the photo was found, as its page shows it."""
        return [source_text(s.kind, s.locator, self.privacy.show_paths) for s in self.photo.sources]

    @property
    def date(self) -> str:
        """ISO date-time it was taken, or ''."""
        return str(self.meta.get("taken") or "")

    @property
    def heading(self) -> str:
        """What the photo's page is headed with: its title where it has one, else its name."""
        return str(self.meta.get("title") or self.title)

    @property
    def text(self) -> str:
        """The text read in the picture (lines separated by newlines), if it may be published."""
        return str(self.meta.get("ocr") or "")

    @property
    def description(self) -> tuple[str, str] | None:
        """What a model wrote of the photo and the model's name, if it may be published."""
        written = self.meta.get("description")
        return (written["text"], written["model"]) if written else None

    @property
    def alt(self) -> str:
        """Alternative text: what the photo shows as far as anything says."""
        words = self.meta.get("caption") or self.meta.get("title")
        if not words and self.description:
            words = self.description[0]
        if not words and self.text:
            words = "Text in the picture: " + " / ".join(self.text.splitlines())
        if not words and (self.tags or self.meta.get("keywords")):
            words = "Photo: " + ", ".join((self.meta.get("keywords") or []) + self.tags)
        text = str(words or f"Photo {self.title}")
        # Repeated on every grid that shows the photo: kept short, whatever the caption's size.
        return text if len(text) <= ALT_MAX else text[: ALT_MAX - 1] + "…"

    def tile(self, kind: str = "thumb") -> Tile:
        """The photo's rendition of this kind, as a page shows it: where the photo has none
        of its own of that kind (a small picture, no full size), the largest smaller one."""
        kind = nearest_kind(kind, rendition_kinds(*self.size, full=self.full_size))
        width, height = rendition_size(kind, *self.size)
        return Tile(self.sid, rendition_path(kind, self.sid), width, height, self.alt)

    def facts(self) -> list[tuple[str, str]]:
        """Label and text of each known fact, in reading order."""
        meta = self.meta
        rating = meta.get("rating")
        rows = [
            ("Taken", self.date.replace("T", " ") if self.date else None),
            ("Original", meta.get("original_path") or meta.get("original_name")),
            ("Camera", meta.get("camera")),
            ("Lens", meta.get("lens")),
            ("Exposure", _exposure(meta)),
            ("Rating", "★" * int(rating) + "☆" * (5 - int(rating)) if rating else None),
            ("Pick", PICK_NAMES.get(meta.get("pick") or 0)),
            ("Colour label", meta.get("colour_label")),
            ("Favourite", "yes" if meta.get("favourite") else None),
            ("Size", f"{self.photo.width} × {self.photo.height} px"),
        ]
        return [(label, str(value)) for label, value in rows if value]

    @property
    def place(self) -> tuple[float, float] | None:
        """Latitude and longitude where it was taken, if known and publishable."""
        gps = self.meta.get("gps")
        return (round(gps["lat"], 5), round(gps["lon"], 5)) if gps else None

    def search_parts(self) -> list[tuple[str, str]]:
        """What plain-text search looks through, each part once with its kind's letter
        (photoseek.fieldmatch): the name first, as it is shown."""
        return search_parts(self.title, self.meta)


def order(photos: list[Photo]) -> list[Photo]:
    """Newest first; photos with no date last, by name."""
    dated = sorted(
        (p for p in photos if p.meta.get("taken")),
        key=lambda p: (str(p.meta["taken"]), p.id),
        reverse=True,
    )
    undated = sorted((p for p in photos if not p.meta.get("taken")), key=lambda p: (p.name, p.id))
    return dated + undated
