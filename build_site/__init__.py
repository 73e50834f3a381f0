"""Stage 3: generate the static gallery from the library and its vectors."""

from .output import SiteError, check_out
from .run import SiteSummary, build_site

__all__ = ["SiteError", "SiteSummary", "build_site", "check_out"]
