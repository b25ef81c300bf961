"""Plain-text output shared by the commands: one table printer, one cell formatter."""
from __future__ import annotations

from datetime import datetime

import click


def plain(value) -> str:
    """A cell as plain text: dates as ISO days, floats short, no control characters from untrusted input."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return "".join(ch if ch.isprintable() else " " for ch in str(value))


def print_table(headers: list[str], rows: list[list], *, max_width: int | None = 60) -> None:
    """Print rows under headers in aligned columns, each cell cut at MAX_WIDTH (None: never cut)."""
    cells = [[plain(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if max_width is not None:
        widths = [min(w, max_width) for w in widths]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in cells:
        click.echo("  ".join(c[:w].ljust(w) for c, w in zip(row, widths)).rstrip())
