"""Stage 1: recover pictures and metadata from Lightroom previews, Takeout dumps and folders."""

from .detect import SourceError
from .run import Summary, extract

__all__ = ["SourceError", "Summary", "extract"]
