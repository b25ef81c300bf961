"""CSV text for the UI's download buttons: one function, so every download is written the same way.

(Issue 16's safe writer, which neutralises cells a spreadsheet would run as formulas, belongs here:
every download of the workbench goes through `csv_text`.)
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any, Iterable, Sequence


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None:
        return ""
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """HEADER and ROWS as CSV text (dates ISO, None empty)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    return out.getvalue()
