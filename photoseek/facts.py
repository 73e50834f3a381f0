"""The photo facts every stage shares, declared once: name, type, bounds, and privacy.

Sources (extract) write facts, the library stores them, the site shows them.
Whatever comes from outside is checked here, field by field: a value of the
wrong type or out of bounds is dropped with a warning, text is cut to a
bound, and the photo always survives. What the site may publish follows from
each fact's `private` class, not from checks scattered over the pages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Privacy classes: "location" is removed by --strip-location, "path" (where files sit on the
# building machine, or a private link) is never published unless the owner asks for it, and
# "picture text" (what OCR read in a picture) is left out by --ocr-private, "people" (who is
# in a photo) by --people-private, and "faces" (where faces are, and which person each one
# was grouped into) is never published as a fact; "description" (what a vision-language model
# wrote of the photo) is left out by --captions-private.
LOCATION = "location"
PATH = "path"
PICTURE_TEXT = "picture text"
PEOPLE = "people"
FACES = "faces"
DESCRIPTION = "description"

TEXT_MAX = 2000
NAME_MAX = 300
# A screenshot of a document can hold pages of text.
PAGE_MAX = 20_000
LIST_MAX = 500
TEXT_LIMITS = {"text": TEXT_MAX, "name": NAME_MAX, "page": PAGE_MAX}
YEAR_RANGE = (1826, 2200)  # From the first photograph to well past any camera clock.


@dataclass(frozen=True)
class Invalid:
    """A value a source could not convert; dropped at the boundary with its reason."""

    reason: str


def converted(convert: Callable[..., Any], value: Any, *more: Any) -> Any:
    """convert(value, ...), or Invalid when this one value cannot be converted.

    A source's converters may raise on hostile values (a time of 1e300 seconds,
    text where a number belongs); this keeps the failure to that field.
    """
    try:
        return convert(value, *more)
    except (ValueError, TypeError, OverflowError, OSError, ArithmeticError) as err:
        return Invalid(f"{_show(value)} cannot be read ({type(err).__name__}: {err})")


@dataclass(frozen=True)
class Fact:
    """One declared fact: its kind ('text', 'name', 'page', 'int', 'float', 'bool', 'date', 'gps',
    'place', 'names', 'sizes', 'found'), bounds for numbers, and privacy class."""

    kind: str
    low: float = -math.inf
    high: float = math.inf
    private: str | None = None


FACTS: dict[str, Fact] = {
    # What the photo shows and when.
    "taken": Fact("date"),
    "title": Fact("name"),
    "caption": Fact("text"),
    "keywords": Fact("names"),
    "albums": Fact("names"),
    "people": Fact("names", private=PEOPLE),
    "rating": Fact("int", 0, 5),
    "pick": Fact("int", -1, 1),
    "colour_label": Fact("name"),
    "favourite": Fact("bool"),
    "archived": Fact("bool"),
    "trashed": Fact("bool"),
    "gps": Fact("gps", private=LOCATION),
    # Where, in words (town, region, country), from the source or from the gazetteer.
    "place": Fact("place", private=LOCATION),
    # Camera.
    "camera": Fact("name"),
    "lens": Fact("name"),
    "aperture": Fact("float", 0.1, 1000),
    "shutter": Fact("name"),
    "iso": Fact("int", 1, 10_000_000),
    "focal_length": Fact("float", 0.1, 100_000),
    "device": Fact("name"),
    # Where it came from.
    "original_name": Fact("name"),
    "original_path": Fact("text", private=PATH),
    "original_format": Fact("name"),
    "original_width": Fact("int", 1, 1_000_000),
    "original_height": Fact("int", 1, 1_000_000),
    "virtual_copy_name": Fact("name"),
    "takeout_path": Fact("text", private=PATH),
    "takeout_sidecar": Fact("name", private=PATH),
    "takeout_sidecar_match": Fact("name"),
    "google_photos_url": Fact("text", private=PATH),
    "lightroom_image_id": Fact("int", 0, 2**63 - 1),
    "lightroom_global_id": Fact("name"),
    "lightroom_uuid": Fact("name"),
    "lightroom_digest": Fact("name"),
    "colour_profile": Fact("name"),
    "cropped_width": Fact("int", 1, 1_000_000),
    "cropped_height": Fact("int", 1, 1_000_000),
    "preview_quality": Fact("name"),
    "preview_levels": Fact("sizes"),
    "preview_level": Fact("name"),
    "file_time": Fact("date"),
    "repaired_end_marker": Fact("bool"),
    "apple_photos_uuid": Fact("name"),
    # Set when the picture is a derivative Photos made ("large", "thumbnail"), not the original.
    "derivative": Fact("name"),
    # The text read in the picture (`photoseek ocr`), lines separated by newlines.
    "ocr": Fact("page", private=PICTURE_TEXT),
    # The faces found in the picture (`photoseek faces`), with their persons.
    "faces": Fact("found", private=FACES),
    # What a vision-language model wrote of the photo (`photoseek caption`): text, model, task.
    "description": Fact("found", private=DESCRIPTION),
}

LIST_KINDS = ("names", "sizes")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    return _CONTROL.sub("", value).strip()[:limit] or None


def _in(value: Any, fact: Fact) -> bool:
    return _number(value) and math.isfinite(value) and fact.low <= value <= fact.high


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if YEAR_RANGE[0] <= parsed.year <= YEAR_RANGE[1] else None


def _gps(value: Any) -> dict[str, float] | None:
    if not isinstance(value, dict):
        return None
    lat, lon, alt = value.get("lat"), value.get("lon"), value.get("alt")
    if not (_in(lat, Fact("float", -90, 90)) and _in(lon, Fact("float", -180, 180))):
        return None
    place = {"lat": float(lat), "lon": float(lon)}
    if _in(alt, Fact("float", -20_000, 100_000)):
        place["alt"] = float(alt)
    return place


PLACE_PARTS = ("city", "region", "country")


def _place(value: Any) -> dict[str, Any] | None:
    """Town, region and country names (at least one), a two-letter country code and the
    town's population when known."""
    if not isinstance(value, dict):
        return None
    place: dict[str, Any] = {}
    for part in PLACE_PARTS:
        name = _text(value.get(part), NAME_MAX)
        if name:
            place[part] = name
    if not place:
        return None
    code = value.get("code")
    if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code):
        place["code"] = code
    population = _int(value.get("population"), Fact("int", 0, 100_000_000))
    if population is not None:
        place["population"] = population
    return place


def _int(value: Any, fact: Fact) -> int | None:
    return int(value) if _in(value, fact) and float(value).is_integer() else None


def _size(value: Any) -> dict[str, int] | None:
    side = Fact("int", 1, 1_000_000)
    if isinstance(value, dict):
        width, height = _int(value.get("width"), side), _int(value.get("height"), side)
        if width is not None and height is not None:
            return {"width": width, "height": height}
    return None


# Each kind's check: the clean value, or None when the value does not fit the fact.
_CHECKS: dict[str, Callable[[Any, Fact], Any]] = {
    "text": lambda value, _fact: _text(value, TEXT_LIMITS["text"]),
    "name": lambda value, _fact: _text(value, TEXT_LIMITS["name"]),
    "page": lambda value, _fact: _text(value, TEXT_LIMITS["page"]),
    "int": _int,
    "float": lambda value, fact: float(value) if _in(value, fact) else None,
    "bool": lambda value, _fact: True if value is True else None,
    "date": lambda value, _fact: _date(value),
    "gps": lambda value, _fact: _gps(value),
    "place": lambda value, _fact: _place(value),
    "size": lambda value, _fact: _size(value),
    # Found by photoseek in the picture, never taken from a source.
    "found": lambda _value, _fact: None,
}


def _scalar(value: Any, fact: Fact) -> Any:
    """The clean value, or None when it does not fit the fact."""
    return _CHECKS[fact.kind](value, fact)


def _list(value: Any, fact: Fact, warn: Callable[[str], None], name: str) -> list | None:
    if not isinstance(value, list):
        warn(f"{name}: expected a list, got {_show(value)}; dropped")
        return None
    item = Fact({"names": "name", "sizes": "size"}[fact.kind])
    kept = []
    for element in value[:LIST_MAX]:
        clean = _scalar(element, item)
        if clean is None:
            warn(f"{name}: item {_show(element)} is not a valid {item.kind}; dropped")
        elif clean not in kept:
            kept.append(clean)
    if len(value) > LIST_MAX:
        warn(f"{name}: {len(value)} items, only the first {LIST_MAX} kept")
    return kept or None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class CleanMeta(dict):
    """Facts that went through clean_meta: checking them again is skipped."""


def clean_meta(meta: dict[str, Any], warn: Callable[[str], None] | None = None) -> CleanMeta:
    """The declared, valid facts of `meta`; each dropped or cut value is reported to `warn`.

    Keys starting with '_' are a source's notes to the extractor and pass through.
    """
    if isinstance(meta, CleanMeta):
        return meta
    say = warn or (lambda _message: None)
    out = CleanMeta()
    for name, value in meta.items():
        if name.startswith("_"):
            out[name] = value
            continue
        fact = FACTS.get(name)
        if value is None or (value is False and fact is not None and fact.kind == "bool"):
            continue
        if fact is None:
            say(f"{name}: not a known fact; dropped")
            continue
        if isinstance(value, Invalid):
            say(f"{name}: {value.reason}; dropped")
            continue
        if fact.kind in LIST_KINDS:
            clean = _list(value, fact, say, name)
        else:
            clean = _scalar(value, fact)
            if clean is None:
                say(f"{name}: {_show(value)} is not a valid {fact.kind}; dropped")
            elif fact.kind in TEXT_LIMITS and len(value) > TEXT_LIMITS[fact.kind]:
                say(f"{name}: {len(value)} characters, cut to {len(clean)}")
        if clean is not None:
            out[name] = clean
    return out


def public_meta(meta: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """The facts a published site may show: none of the `hidden` privacy classes, and no
    undeclared fact (treated as a path)."""
    return {
        k: v
        for k, v in meta.items()
        if not k.startswith("_") and (FACTS[k].private if k in FACTS else PATH) not in hidden
    }
