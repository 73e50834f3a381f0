"""Locators: the stable name of each place a photo was found, `scheme:path[!member]`.

Schemes: `file:` (a picture in a folder), `takeout:` (a file of an unpacked
Takeout dump), `zip:` (a member of a Takeout zip part, `zip:PART!MEMBER`),
`lrprev:` (a Lightroom preview) and `photos:` (an asset of an Apple Photos
library, `photos:LIBRARY!UUID/NAME`). Every stage reads them through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SCHEMES = ("file", "takeout", "zip", "lrprev", "photos")
# The schemes whose place is a member inside a container: PATH!MEMBER.
MEMBER_SCHEMES = ("zip", "photos")
# The schemes whose path is a file of its own on disk (a zip member is not).
FILE_SCHEMES = ("file", "takeout", "lrprev")


@dataclass(frozen=True)
class Locator:
    """A parsed locator."""

    scheme: str
    path: str
    member: str | None = None

    def __str__(self) -> str:
        return f"{self.scheme}:{self.path}" + (f"!{self.member}" if self.member else "")

    @property
    def display(self) -> str:
        """The place without its scheme, as reports show it."""
        return str(self)[len(self.scheme) + 1 :]

    @property
    def file_name(self) -> str:
        """The file's own name, without the folders of the machine it was found on."""
        if self.member is not None:
            return PurePosixPath(self.member).name
        return Path(self.path).name


def parse(locator: str) -> Locator:
    """Split a locator into its scheme, path and (for zip members) member."""
    scheme, _, rest = locator.partition(":")
    if scheme in MEMBER_SCHEMES and "!" in rest:
        path, _, member = rest.partition("!")
        return Locator(scheme, path, member)
    return Locator(scheme, rest)


def for_file(scheme: str, path: str) -> str:
    """The locator of a file on disk."""
    return str(Locator(scheme, path))


def for_member(scheme: str, container: str, member: str) -> str:
    """The locator of a member of a container: a zip part's file, a Photos library's asset."""
    return str(Locator(scheme, container, member))
