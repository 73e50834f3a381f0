"""Stage 3: generate the static gallery from the library and its vectors."""

from .options import SiteOptions
from .options import declared as declared_options
from .output import SiteError, check_out, default_library, is_site
from .run import build_site
from .summary import SiteSummary

__all__ = [
    "SiteError",
    "SiteOptions",
    "SiteSummary",
    "build_site",
    "check_out",
    "declared_options",
    "default_library",
    "is_site",
]
