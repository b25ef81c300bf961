"""A budget per document: size caps checked before a page is parsed, and a time budget around the work.

A hostile page can cost far more than its bytes: 100,000 nested <div>s or 30,000 unclosed inline tags
make the tree walks of the cleaner quadratic (hours), and one table of a million cells takes a minute
and over a gigabyte to parse. So before BeautifulSoup or trafilatura see a page, `prepare_html` makes
one linear pass over its tags and

- cuts it to `max_chars` characters (at a tag boundary), after dropping scripts, styles and comments;
- keeps at most `max_tables` tables and `max_cells` cells in all (a table that runs over is cut after
  its last whole row that fits, the rest of the tables are dropped): tables only feed the score-table
  reader, so the text loses nothing;
- refuses a page nested deeper than `max_depth` (DocumentRefused): browsers cap their trees at about
  that depth too, and no real article comes near it.

Whatever was cut is returned as notes, which the caller records against the page's source.
`time_budget` then bounds the wall time of cleaning and extraction (a SIGALRM timer on the main
thread; elsewhere the size caps alone apply), raising BudgetExceeded, a DocumentRefused.

Measured with bench/hostile_docs.py (figures in the issue 16 report and docs/benchmarks.md).
"""
from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Iterator, NoReturn


@dataclass(frozen=True)
class DocumentLimits:
    """Caps on one document (a page, a feed item's HTML, a saved file); part of ingest.options.IngestOptions."""

    max_chars: int = 5_000_000  # characters of HTML read; the rest is cut
    max_depth: int = 512  # nesting of elements; deeper pages are refused
    max_tables: int = 50  # tables kept per page
    max_cells: int = 2_000  # table cells kept per page, all tables together
    time_budget: float = 30.0  # seconds for cleaning and extracting one document (0: none)


class DocumentRefused(ValueError):
    """The document breaks a limit that cannot be met by cutting it (too deep, over its time budget)."""


class BudgetExceeded(DocumentRefused):
    """Cleaning or extracting one document took longer than its time budget."""


_VOID = frozenset("area base br col embed hr img input link meta param source track wbr basefont bgsound "
                  "frame keygen image isindex spacer".split())
# elements whose end tag may be left out (the parser closes them): not counted as nesting
_OPTIONAL_END = frozenset("p li dt dd option optgroup tr td th thead tbody tfoot rt rp rb rtc colgroup "
                          "caption html head body".split())
# Every pattern stops at the next "<" ([^<>]; an unclosed script or comment runs to the end): one
# linear pass whatever the input ("<a" repeated, "<script>" never closed)
_TAGS = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(/?)>",
                   re.S | re.I)
# the cleaner's own rule (ingest.clean): JSON-LD scripts carry metadata and are kept
_BULK_MARKUP = re.compile(r"(?is)<script\b(?![^<>]*application/ld\+json)[^<>]*>.*?(?:</script\s*>|\Z)"
                          r"|<style\b[^<>]*>.*?(?:</style\s*>|\Z)|<!--.*?(?:-->|\Z)")
_TABLE_PART = re.compile(r"<(/?)(table|tr|td|th)\b[^<>]*>", re.I)
_TABLE_ONLY = re.compile(r"<(/?)(table)\b[^<>]*>", re.I)


def nesting_depth(html: str, stop_at: int | None = None) -> int:
    """The deepest nesting of elements in HTML, as a parser would build it (roughly, in one pass).

    Void elements and elements whose end tag is optional do not count; an end tag closes everything
    opened since its start tag; a stray end tag is ignored. Stops early once STOP_AT is passed.
    """
    stack: list[str] = []
    open_counts: dict[str, int] = {}
    deepest = 0
    for match in _TAGS.finditer(html):
        name = match.group(3)
        if name is None:
            continue  # a comment, script or style: its content is not markup
        name = name.lower()
        if name in _VOID or name in _OPTIONAL_END:
            continue
        if match.group(2):  # an end tag
            if open_counts.get(name):
                while stack:
                    top = stack.pop()
                    open_counts[top] -= 1
                    if top == name:
                        break
            continue
        if match.group(4):  # <x/>: self-closed
            continue
        stack.append(name)
        open_counts[name] = open_counts.get(name, 0) + 1
        if len(stack) > deepest:
            deepest = len(stack)
            if stop_at is not None and deepest > stop_at:
                return deepest
    return deepest


def _cut_chars(html: str, limit: int) -> str:
    cut = html.rfind("<", max(0, limit - 4096), limit)  # not inside a tag, when one starts near the cap
    return html[:cut if cut > 0 else limit]


def _trim_tables(html: str, limits: DocumentLimits) -> tuple[str, list[str]]:
    """HTML with at most max_tables tables and max_cells cells; notes of what was cut."""
    if not re.search(r"<table\b", html, re.I):
        return html, []
    out: list[str] = []
    pos = i = 0
    tables = cells = dropped = cut_tables = 0
    depth = 0
    start = 0  # where the outermost open table began (read only while depth > 0)
    row_start: int | None = None
    cut: int | None = None
    while True:
        # while a table is being cut, only its end matters: skip its rows and cells without looking
        pattern = _TABLE_ONLY if cut is not None else _TABLE_PART
        match = pattern.search(html, i)
        if match is None:
            break
        i = match.end()
        closing, name = bool(match.group(1)), match.group(2).lower()
        if name == "table":
            if not closing:
                depth += 1
                if depth == 1:
                    tables += 1
                    start, row_start, cut = match.start(), None, None
                    if tables > limits.max_tables or cells >= limits.max_cells:
                        cut = start  # the whole table goes
                continue
            if depth == 0:
                continue  # a stray </table>
            depth -= 1
            if depth == 0 and cut is not None:
                kept = _close_cut(out, html, pos, start, cut)
                cut_tables, dropped = cut_tables + kept, dropped + (not kept)
                pos, start, cut = match.end(), 0, None
            continue
        if depth == 0 or closing:
            continue
        if name == "tr":
            row_start = match.start()
        else:
            cells += 1
            if cells > limits.max_cells:
                cut = row_start if row_start is not None and row_start > start else start
    if cut is not None:  # a table left open at the end of the page
        kept = _close_cut(out, html, pos, start, cut)
        cut_tables, dropped = cut_tables + kept, dropped + (not kept)
        pos = len(html)
    if not (dropped or cut_tables):
        return html, []
    out.append(html[pos:])
    return "".join(out), _table_notes(limits, tables, cut_tables, dropped)


def _close_cut(out: list[str], html: str, pos: int, start: int, cut: int) -> bool:
    """Add to OUT the page from POS up to the CUT of the table opened at START, and its kept rows closed.

    True when rows were kept (the table was cut), False when the whole table went (dropped).
    """
    out.append(html[pos:cut])
    if cut > start:
        out.append("</table>")  # the rows kept, closed
        return True
    return False


def _table_notes(limits: DocumentLimits, tables: int, cut_tables: int, dropped: int) -> list[str]:
    """What _trim_tables cut, as notes the caller records against the page's source."""
    notes = []
    if cut_tables:
        notes.append(f"cells: a table cut at the limit of {limits.max_cells:,} cells per page")
    if dropped:
        notes.append(f"tables: {dropped:,} of {tables:,} dropped (limits: {limits.max_tables:,} tables, "
                     f"{limits.max_cells:,} cells per page)")
    return notes


def prepare_html(html: str, limits: DocumentLimits | None = None) -> tuple[str, tuple[str, ...]]:
    """HTML within LIMITS, and notes of what was cut.

    Raises:
        DocumentRefused: the page is nested deeper than limits.max_depth.
    """
    limits = limits or DocumentLimits()
    notes: list[str] = []
    if limits.max_chars and len(html) > limits.max_chars:
        html = _BULK_MARKUP.sub(" ", html)  # scripts, styles and comments first: none of it is text
    if limits.max_chars and len(html) > limits.max_chars:
        notes.append(f"characters: cut at {limits.max_chars:,} of {len(html):,}")
        html = _cut_chars(html, limits.max_chars)
    if limits.max_tables is not None and limits.max_cells is not None:
        html, table_notes = _trim_tables(html, limits)
        notes += table_notes
    if limits.max_depth:
        depth = nesting_depth(html, stop_at=limits.max_depth)
        if depth > limits.max_depth:
            raise DocumentRefused(f"refused: elements nested over {limits.max_depth:,} levels deep "
                                  f"(limit max_depth={limits.max_depth:,})")
    return html, tuple(notes)


@contextmanager
def time_budget(seconds: float | None, what: str = "document") -> Iterator[None]:
    """Raise BudgetExceeded in the block once SECONDS have passed (main thread only; else no limit).

    An interval timer already running (an outer budget, a test timeout) is left alone and this
    budget is not armed: the outer one is the bound then.
    """
    if (not seconds or seconds <= 0 or not hasattr(signal, "SIGALRM")
            or threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> NoReturn:  # the signal handler's signature
        raise BudgetExceeded(f"refused: {what} took over its time budget of {seconds:g}s (limit time_budget)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
