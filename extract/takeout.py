"""Items from a Google Photos Takeout dump, unpacked or as its original zip parts."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from photoseek import locators
from photoseek.facts import Invalid, converted

from . import sidecars
from .images import PICTURE_SUFFIXES
from .items import (
    MAX_FILE,
    Item,
    Loaded,
    Report,
    Skip,
    is_utf8,
    path_text,
    read_file,
    stat_fingerprint,
)

YEAR_FOLDER = re.compile(r"^Photos from (18|19|20)\d\d$")
ZIP_PART = re.compile(r"^(?P<stem>.*)-\d{3}\.zip$", re.IGNORECASE)
MAX_SIDECAR = 16 << 20


@dataclass
class Entry:
    """A file inside the dump: where it is, how to read it, and a cheap fingerprint."""

    path: PurePosixPath
    locator: str
    fingerprint: str
    read: Callable[[int], bytes]  # bytes, at most the given number or a Skip
    on_disk: Path | None = None


def zip_parts(path: Path) -> list[Path]:
    """All parts of the export a zip belongs to (`takeout-...-001.zip`, `-002.zip`, ...)."""
    stem = _part_stem(path)
    if stem is None:
        return [path]
    return sorted(p for p in path.parent.iterdir() if _part_stem(p) == stem and p.is_file())


def takeout_zips(folder: Path) -> list[Path]:
    """The Takeout zips in a folder (`takeout-*.zip`, any case), of every export there."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.lower().startswith("takeout-") and p.suffix.lower() == ".zip" and p.is_file()
    )


def _part_stem(path: Path) -> str | None:
    # Names keep the case the user's tools gave them: `.ZIP` is as good as `.zip`.
    match = ZIP_PART.match(path.name)
    return match.group("stem") if match else None


def _relative(parts: tuple[str, ...]) -> PurePosixPath | None:
    """The path below the 'Google Photos' folder (its name is localised), or None."""
    if parts and parts[0] == "Takeout":
        parts = parts[1:]
    if len(parts) < 2:
        return None
    return PurePosixPath(*parts[1:])


def _zip_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[int], bytes]:
    def read(limit: int) -> bytes:
        if info.file_size > limit:
            raise Skip("too large", f"{info.file_size} bytes unpacked, over the {limit} limit")
        try:
            with archive.open(info) as member:
                # zipfile stops at the size the directory gives and checks the CRC there, so a
                # directory that lies cannot make a small zip inflate into gigabytes of memory.
                return member.read()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as err:
            raise Skip("corrupt zip member", str(err)) from err

    return read


def sidecar_meta(data: dict[str, Any]) -> dict[str, Any]:
    """The library's fields from a Takeout sidecar."""

    def when(field: str) -> str | Invalid | None:
        value = data.get(field)
        stamp = value.get("timestamp") if isinstance(value, dict) else None
        if stamp is None:
            return None
        return converted(
            lambda text: dt.datetime.fromtimestamp(int(text), dt.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%S"
            ),
            str(stamp),
        )

    meta: dict[str, Any] = {
        "original_name": data.get("title") if isinstance(data.get("title"), str) else None,
        "caption": data.get("description") or None,
        "taken": when("photoTakenTime") or when("creationTime"),
        "people": [
            p["name"] for p in data.get("people") or [] if isinstance(p, dict) and p.get("name")
        ],
        "favourite": data.get("favorited"),
        "archived": data.get("archived"),
        "trashed": data.get("trashed"),
        "google_photos_url": data.get("url"),
    }
    for field in ("geoData", "geoDataExif"):
        geo = data.get(field)
        if isinstance(geo, dict):
            lat, lon = geo.get("latitude") or 0.0, geo.get("longitude") or 0.0
            if lat or lon:
                meta["gps"] = {"lat": lat, "lon": lon, "alt": geo.get("altitude") or 0.0}
                break
    origin = data.get("googlePhotosOrigin")
    if isinstance(origin, dict):
        upload = origin.get("mobileUpload")
        if isinstance(upload, dict) and upload.get("deviceType"):
            meta["device"] = upload["deviceType"]
    return {k: v for k, v in meta.items() if v not in (None, [], "")}


class TakeoutSource:
    """A Takeout dump: its unpacked 'Google Photos' folder, or the zip parts of one export."""

    kind = "takeout"

    def __init__(self, roots: list[Path], report: Report) -> None:
        self.roots = roots
        self.report = report
        self.archives: list[zipfile.ZipFile] = []

    def describe(self) -> str:
        """One line for the run's opening message."""
        if len(self.roots) > 1:
            return f"Google Takeout, {len(self.roots)} zip parts ({self.roots[0].name}, ...)"
        return f"Google Takeout {self.roots[0]}"

    def close(self) -> None:
        """Close the zip parts."""
        for archive in self.archives:
            archive.close()

    def _entries(self, walk: Callable[[Path], Iterator[Path]]) -> Iterator[Entry]:
        for root in self.roots:
            if root.is_dir():
                yield from self._folder_entries(root, walk)
            else:
                yield from self._zip_entries(root)

    def _folder_entries(
        self, root: Path, walk: Callable[[Path], Iterator[Path]]
    ) -> Iterator[Entry]:
        for path in walk(root):
            try:
                fingerprint = stat_fingerprint(path)
            except OSError as err:
                self.report.skip(path, "unreadable file", str(err))
                continue
            yield Entry(
                PurePosixPath(*path.relative_to(root).parts),
                locators.for_file("takeout", path_text(path)),
                fingerprint,
                lambda limit, path=path: read_file(path, limit),
                path if is_utf8(path) else None,
            )

    def _zip_entries(self, root: Path) -> Iterator[Entry]:
        try:
            archive = zipfile.ZipFile(root)
        except (zipfile.BadZipFile, OSError) as err:
            self.report.skip(root, "unreadable zip", str(err))
            return
        self.archives.append(archive)
        for info in archive.infolist():
            if info.is_dir():
                continue
            rel = _relative(PurePosixPath(info.filename).parts)
            if rel is None or ".." in rel.parts:
                continue
            yield Entry(
                rel,
                locators.for_member("zip", path_text(root), info.filename),
                f"{info.file_size}:{info.CRC:08x}",
                _zip_reader(archive, info),
            )

    def items(self, walk: Callable[[Path], Iterator[Path]]) -> Iterator[Item]:
        """An item per picture, with its sidecar and albums found across all parts."""
        folders: dict[PurePosixPath, dict[str, Entry]] = {}
        for entry in self._entries(walk):
            folders.setdefault(entry.path.parent, {})[entry.path.name] = entry
        for folder, entries in sorted(folders.items()):
            yield from self._folder_items(folder, entries)

    def _json(self, entry: Entry, what: str, warnings: list[str]) -> dict[str, Any] | None:
        try:
            data = json.loads(entry.read(MAX_SIDECAR))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            return data
        except (Skip, ValueError) as err:
            warnings.append(f"{what} {entry.path.name} ignored: {err}")
        except RecursionError:
            warnings.append(f"{what} {entry.path.name} ignored: nested too deeply")
        return None

    def _folder_items(self, folder: PurePosixPath, entries: dict[str, Entry]) -> Iterator[Item]:
        album_entry = entries.get("metadata.json")
        album: str | None = None
        folder_warnings: list[str] = []
        if folder.name and not YEAR_FOLDER.match(folder.name) and len(folder.parts) == 1:
            album = folder.name
            if album_entry is not None:
                data = self._json(album_entry, "album metadata", folder_warnings)
                if data and isinstance(data.get("title"), str) and data["title"].strip():
                    album = data["title"].strip()
        json_names = [n for n in entries if n.lower().endswith(".json") and n != "metadata.json"]
        # Videos and JSON have suffixes of their own; a picture may have none (`20030616`).
        media = [n for n in entries if PurePosixPath(n).suffix.lower() in {*PICTURE_SUFFIXES, ""}]
        # Titles are read only when a name rule fails, so most sidecars are read once.
        titles: dict[str, str | None] = {n: None for n in json_names}
        matched = sidecars.match_folder(media, titles)
        if len(matched) < len(media):
            for name in json_names:
                data = self._json(entries[name], "sidecar", [])
                titles[name] = data.get("title") if data else None
            matched = sidecars.match_folder(media, titles)
        for name in sorted(media):
            entry = entries[name]
            sidecar = entries[matched[name][0]] if name in matched else None
            original = sidecars.edited_original(name)
            link = None
            if original in entries:
                link = ("edited_from", entries[original].locator)
            parts = [entry.fingerprint, sidecar.fingerprint if sidecar else "-"]
            if album_entry is not None:
                parts.append(album_entry.fingerprint)
            load = functools.partial(
                self._load, entry, sidecar, album, link, matched.get(name), folder_warnings
            )
            yield Item(entry.locator, self.kind, "|".join(parts), load)

    def _load(
        self,
        entry: Entry,
        sidecar: Entry | None,
        album: str | None,
        link: tuple[str, str] | None,
        how: tuple[str, str] | None,
        folder_warnings: list[str],
    ) -> Loaded:
        data = entry.read(MAX_FILE)
        warnings = list(folder_warnings)
        meta: dict[str, Any] = {"takeout_path": str(entry.path)}
        if sidecar is None:
            warnings.append("no sidecar JSON found")
        else:
            parsed = self._json(sidecar, "sidecar", warnings)
            if parsed is not None:
                meta.update(sidecar_meta(parsed))
                meta["takeout_sidecar"] = sidecar.path.name
                if how and how[1] != "name":
                    meta["takeout_sidecar_match"] = how[1]
        if album:
            meta["albums"] = [album]
        return Loaded(data, meta, on_disk=entry.on_disk, link=link, warnings=warnings)
