"""The one shape in which every step of a command reports what it did, and its one printer.

extract, embed, ocr and site each return a summary of their own; each summary's `outcome()`
turns it into this shape, and the command line prints every step with `show`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click


@dataclass
class Outcome:
    """What one step did: closing lines, files skipped (each with its reason), warnings per
    file, and notes on what was left undone and how to get it."""

    lines: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        """Whether some file was skipped: the command then exits 3."""
        return bool(self.skipped)


def show(outcome: Outcome, verbose: bool = False) -> None:
    """Print a step's outcome: skipped files, warnings and notes on stderr, the lines on
    stdout. Warnings are listed with `verbose`, else counted."""
    for path, reason in outcome.skipped:
        click.echo(f"skipped {path}: {reason}", err=True)
    if verbose:
        for path, message in outcome.warnings:
            click.echo(f"warning {path}: {message}", err=True)
    elif outcome.warnings:
        click.echo(f"{len(outcome.warnings)} warnings (show them with --verbose)", err=True)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    for line in outcome.lines:
        click.echo(line)
