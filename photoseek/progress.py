"""Progress bars for long work, the same in every stage."""

from __future__ import annotations

from tqdm import tqdm


def progress_bar(desc: str, unit: str, enabled: bool | None, total: int | None = None) -> tqdm:
    """A bar on stderr; `enabled` None means only when stderr is a terminal."""
    return tqdm(
        total=total,
        desc=desc,
        unit=f" {unit}",
        dynamic_ncols=True,
        leave=False,
        disable=None if enabled is None else not enabled,
    )
