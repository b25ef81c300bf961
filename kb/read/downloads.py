"""CSV text for the workbench's download buttons: one function, so every download is written the same way,
through kb.csv_safe (which neutralises cells a spreadsheet would run as formulas)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable, Sequence


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None:
        return ""
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """HEADER and ROWS as CSV text (dates ISO, None empty), by kb.csv_safe's writer."""
    from kb.csv_safe import csv_text as safe_csv_text

    return safe_csv_text(list(header), ([_plain(v) for v in row] for row in rows))
