"""Match Google Takeout media files to their sidecar JSON, quirks and all."""

from __future__ import annotations

import difflib
import re

# Takeout caps a sidecar's whole name at 51 characters, ".json" included.
NAME_LIMIT = 51
SUPPLEMENTAL = ".supplemental-metadata"
EDITED_SUFFIXES = (
    "-edited",
    "-bearbeitet",
    "-modifié",
    "-編集済み",
    "-edytowane",
    "-bewerkt",
    "-modificato",
    "-ha editado",
    "-editat",
    "-effects",
    "-smile",
    "-mix",
)
_COUNTER = re.compile(r"^(?P<stem>.*?)(?P<counter>\(\d+\))$")
_TILDE = re.compile(r"^(?P<stem>.*?)~\d+$")
FALLBACK_RATIO = 0.6


def split_name(name: str) -> tuple[str, str]:
    """Split a media name into stem and extension (with its dot; '' when there is none)."""
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], name[dot:]


def edited_original(name: str) -> str | None:
    """The name of the original an edited variant was made from, if the name marks an edit."""
    stem, ext = split_name(name)
    lowered = stem.lower()
    for suffix in EDITED_SUFFIXES:
        if lowered.endswith(suffix):
            return stem[: -len(suffix)] + ext
    return None


def _fit(base: str, counter: str = "") -> str:
    room = NAME_LIMIT - len(".json") - len(counter)
    return base[:room] + counter + ".json"


def candidates(name: str) -> list[str]:
    """Sidecar names Takeout may have given a media file, most likely first."""
    stem, ext = split_name(name)
    counter = ""
    match = _COUNTER.match(stem)
    if match:
        stem, counter = match.group("stem"), match.group("counter")
    plain = stem + ext
    bases = [plain + SUPPLEMENTAL, plain]
    found: list[str] = []
    for base in bases:
        if counter:
            found.append(_fit(base, counter))
            found.append(_fit(plain + counter + SUPPLEMENTAL))
            found.append(_fit(base + counter))
        else:
            found.append(_fit(base))
    # Pixel motion photos: "X.MP" described by "X.MP.jpg.json"; "~2" copies by the plain name.
    if ext.upper() == ".MP":
        found.extend(_fit(plain + ".jpg" + s) for s in (SUPPLEMENTAL, ""))
    tilde = _TILDE.match(stem)
    if tilde:
        found.extend(candidates(tilde.group("stem") + ext))
    return list(dict.fromkeys(found))


def match_folder(media: list[str], sidecars: dict[str, str | None]) -> dict[str, tuple[str, str]]:
    """Pair media with sidecars in one folder.

    `sidecars` maps each sidecar name to the `title` inside it (None when it
    has none). Returns media name -> (sidecar name, how it was matched): by
    name rule, through the unedited original, by exact title, or by the
    closest title among sidecars nothing else claimed.
    """
    result: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    lookup = {name.lower(): name for name in sidecars}

    def by_rule(name: str) -> str | None:
        for candidate in candidates(name):
            hit = lookup.get(candidate.lower())
            if hit is not None:
                return hit
        return None

    pending = []
    for name in media:
        hit = by_rule(name)
        if hit is None and (original := edited_original(name)):
            hit = by_rule(original)
            if hit is not None:
                result[name] = (hit, "edited")
                continue
        if hit is None:
            pending.append(name)
        else:
            result[name] = (hit, "name")
            used.add(hit)
    titles: dict[str, list[str]] = {}
    for sidecar, title in sidecars.items():
        if title:
            titles.setdefault(title, []).append(sidecar)
    for name in list(pending):
        free = [s for s in titles.get(name, []) if s not in used]
        if free:
            result[name] = (free[0], "title")
            used.add(free[0])
            pending.remove(name)
    for name in pending:
        free = {s: t for s, t in sidecars.items() if s not in used and t}
        best = difflib.get_close_matches(name, list(free.values()), n=1, cutoff=FALLBACK_RATIO)
        if best:
            sidecar = next(s for s, t in free.items() if t == best[0])
            result[name] = (sidecar, "closest title")
            used.add(sidecar)
    return result
