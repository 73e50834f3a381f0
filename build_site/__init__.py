"""Stage 3: generate the static gallery from the library and its vectors."""

from .run import SiteSummary, build_site

__all__ = ["SiteSummary", "build_site"]
