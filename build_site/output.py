"""The site folder: photoseek's own (a marker), one writer at a time, and nothing stale left.

A site is written only into a new or empty folder, or one photoseek made. The
files of each build are listed in a manifest, so that the next build removes
exactly the files it made before and no longer makes (the page of a photo
that left the library), and never a file the owner put there.
"""

from __future__ import annotations

from pathlib import Path

from photoseek.ownership import (
    LOCK_NAME,
    PART_PREFIX,
    OwnershipError,
    WriterLock,
    contained,
    inside,
    is_empty,
    read_marker,
    write_marker,
    write_whole,
)

from .stamp import files_digest

MARKER_NAME = ".photoseek-site"
MANIFEST_NAME = ".photoseek-files"


class SiteError(OwnershipError):
    """The site cannot be written there; the message says why and what to do."""


def is_site(folder: Path) -> bool:
    """Whether the folder is a gallery photoseek made."""
    marker = read_marker(folder, MARKER_NAME)
    return marker is not None and marker.get("kind") == "site"


def default_library(out: Path) -> Path:
    """Where `build` keeps a site's library unless told otherwise: SITE-library beside it."""
    return out.with_name(out.name + "-library")


def check_out(out: Path, *, library: Path | None = None, sources: list[Path] = ()) -> None:
    """Refuse an output folder that would overwrite or re-import the user's own files."""
    resolved = out.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise SiteError(f"--out {out} is a whole disk or home folder; give a folder of its own.")
    if not is_empty(out) and read_marker(out, MARKER_NAME) is None:
        raise SiteError(
            f"{out} is not empty and was not made by photoseek; photoseek writes a site "
            "only into a new or empty folder or one it made, so that it never overwrites "
            "your files. Choose another --out."
        )
    others = [("the source", s) for s in sources]
    if library is not None:
        others.insert(0, ("the library", library))
    for name, other in others:
        if inside(out, other) or inside(other, out):
            raise SiteError(
                f"--out {out} overlaps {name} {other}: the site would be read back as photos or "
                "overwrite them. Give a folder outside it."
            )


class SiteFolder:
    """The folder a build writes, locked for the build, with the list of what it made."""

    def __init__(self, out: Path) -> None:
        self.out = out
        check_out(out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            self.lock = WriterLock(out, "site")
        except PermissionError as err:
            raise SiteError(
                f"{out} cannot be written ({err.strerror}); choose another --out."
            ) from err
        self.previous = self._manifest()
        self.produced: set[str] = set()
        self.before = read_marker(out, MARKER_NAME) or {}
        write_marker(out, MARKER_NAME, {"kind": "site", "state": "building"})

    def _manifest(self) -> set[str]:
        try:
            text = (self.out / MANIFEST_NAME).read_text(encoding="utf-8")
        except OSError:
            return set()
        return {line for line in text.splitlines() if line}

    def path(self, relative: str) -> Path:
        """Where a file of the site goes, refused outside the folder; it counts as made."""
        target = contained(self.out, relative)
        self.produced.add(relative)
        return target

    def _write_manifest(self, names: set[str]) -> None:
        write_whole(self.out / MANIFEST_NAME, "".join(f"{n}\n" for n in sorted(names)).encode())

    def unchanged(self, stamp: str) -> dict | None:
        """What the last build recorded (its `record`), when it completed from the inputs
        `stamp` names and every file it made is as it left it; else None."""
        # Only a build that completed leaves a stamp.
        if self.before.get("stamp") != stamp:
            return None
        files = files_digest(self.out, self.previous)
        if files is None or files != self.before.get("files"):
            return None
        return self.before.get("record")

    def keep(self) -> None:
        """End a build that had nothing to do: the site stays as the last build left it."""
        write_marker(
            self.out, MARKER_NAME, {k: v for k, v in self.before.items() if k != "photoseek"}
        )

    def finish(self, stamp: str | None = None, record: dict | None = None) -> int:
        """Remove what earlier builds made and this one did not; mark the site complete.

        With a `stamp` (stamp.py) the marker keeps it, the `record` of the build (published
        with the site: counts, never paths) and the state of every file made, so that a build
        from the same inputs can keep the site as it is."""
        removed = 0
        keep = {MARKER_NAME, MANIFEST_NAME, LOCK_NAME}
        for relative in sorted(self.previous - self.produced - keep):
            try:
                path = contained(self.out, relative)
                path.unlink()
                removed += 1
            except (OSError, OwnershipError):
                continue
            # The folders it was in go too once empty (rmdir refuses any that are not).
            for folder in path.parents:
                if folder == self.out:
                    break
                try:
                    folder.rmdir()
                except OSError:
                    break
        # Files a killed run was writing (each under a name of its own) are never reused.
        for leftover in self.out.rglob(f"{PART_PREFIX}*.part"):
            leftover.unlink(missing_ok=True)
        self._write_manifest(self.produced)
        marker = {"kind": "site", "state": "complete"}
        if stamp is not None:
            files = files_digest(self.out, self.produced)
            marker.update(stamp=stamp, files=files, record=record or {})
        write_marker(self.out, MARKER_NAME, marker)
        return removed

    def abandon(self) -> None:
        """After a stopped build: remember everything made so far, for the next build to settle."""
        self._write_manifest(self.previous | self.produced)

    def release(self) -> None:
        """Let the next build in."""
        self.lock.release()
