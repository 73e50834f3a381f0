"""Items from a Lightroom preview folder (`*.lrdata`) or single `.lrprev` files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from photoseek import locators
from photoseek.facts import converted

from . import icc, lrprev
from .catalog import Catalog, CatalogError, cocoa_time
from .items import Item, Loaded, Report, Skip, path_text, read_file, stat_fingerprint

_NAME = re.compile(r"^(?P<uuid>[0-9A-Fa-f-]{8,})-(?P<digest>[0-9A-Fa-f]+)\.lrprev$")


def header_meta(header: dict[str, Any]) -> dict[str, Any]:
    """The facts of a preview header worth keeping."""
    levels = header.get("levels")
    meta = {
        "lightroom_uuid": header.get("uuid"),
        "lightroom_digest": header.get("digest"),
        "colour_profile": header.get("colorProfile"),
        "cropped_width": header.get("croppedWidth"),
        "cropped_height": header.get("croppedHeight"),
        "preview_quality": header.get("quality"),
        "preview_levels": levels if isinstance(levels, list) else None,
    }
    stamp = header.get("fileTimeStamp")
    if isinstance(stamp, (int, float)):
        meta["file_time"] = converted(cocoa_time, stamp)
    return {k: v for k, v in meta.items() if v is not None}


class LightroomSource:
    """A preview folder, joined to its catalog when there is one."""

    kind = "lightroom"

    def __init__(self, root: Path, catalog: Path | None, report: Report):
        self.root = root
        self.files: list[Path] | None = [root] if root.is_file() else None
        # A single preview sits two folders below its .lrdata (<U>/<UUUU>/<uuid>.lrprev).
        folders = [root] if root.is_dir() else [root.parent.parent.parent, root.parent]
        folder = next((f for f in folders if (f / "previews.db").is_file()), folders[-1])
        previews_db = folder / "previews.db"
        self.catalog_path = catalog
        self.report = report
        signature = []
        for db in (previews_db, catalog):
            if db and db.exists():
                signature.append(stat_fingerprint(db))
        self.signature = "|".join(signature)
        self.catalog_unreadable = False
        try:
            self.catalog: Catalog | None = Catalog(previews_db, catalog)
        except CatalogError as err:
            report.skip(catalog or previews_db, "unreadable catalog", str(err))
            self.catalog = None
            self.catalog_unreadable = True

    def close(self) -> None:
        """Close the catalog and record what it could not answer, once for the whole run."""
        if self.catalog is not None:
            for warning in self.catalog.warnings:
                self.report.warn(self.describe(), warning)
            self.catalog.close()

    def describe(self) -> str:
        """One line for the run's opening message."""
        joined = f", joined to {self.catalog_path.name}" if self.catalog_path else ""
        return f"Lightroom previews {self.root}{joined}"

    def items(self, walk: Any) -> Iterator[Item]:
        """An item per `.lrprev` file."""
        paths = (
            self.files
            if self.files is not None
            else (p for p in walk(self.root) if p.suffix.lower() == ".lrprev")
        )
        for path in paths:
            try:
                fingerprint = f"{stat_fingerprint(path)}|{self.signature}"
            except OSError as err:
                self.report.skip(path, "unreadable file", str(err))
                continue
            yield Item(
                locators.for_file("lrprev", path_text(path)),
                self.kind,
                fingerprint,
                lambda path=path: self.load(path),
            )

    def load(self, path: Path) -> Loaded:
        """Read a preview's largest level and everything known about it."""
        data = read_file(path)
        try:
            preview = lrprev.read(data)
        except lrprev.LrprevError as err:
            raise Skip("bad preview", str(err)) from err
        meta = header_meta(preview.header)
        meta["preview_level"] = preview.level
        if preview.repaired_end:
            meta["repaired_end_marker"] = True
        warnings = list(preview.warnings)
        name = _NAME.match(path.name)
        uuid = meta.get("lightroom_uuid") or (name.group("uuid") if name else None)
        digest = meta.get("lightroom_digest") or (name.group("digest") if name else None)
        link = None
        if self.catalog and uuid:
            image_id = self.catalog.image_id(uuid, digest)
            if image_id is not None and self.catalog.lrcat is not None:
                meta.update(self.catalog.metadata(image_id))
                master = meta.pop("_master_image_id", None)
                master_name = self.catalog.preview_name(master) if master else None
                if master_name:
                    master_path = path.parent.parent.parent / master_name[0] / master_name[:4]
                    target = locators.for_file("lrprev", path_text(master_path / master_name))
                    link = ("virtual_copy_of", target)
            elif image_id is None and self.catalog.previews is not None:
                warnings.append("preview not listed in previews.db")
        profile = None
        space = meta.get("colour_profile")
        if space:
            try:
                profile = icc.profile_for(space)
            except KeyError:
                warnings.append(f"unknown colour profile {space!r}; colours kept as stored")
        unread = self.catalog.failed if self.catalog else self.catalog_unreadable
        return Loaded(
            preview.jpeg, meta, icc_profile=profile, link=link, warnings=warnings, incomplete=unread
        )
