"""Where a score table sits in the clean text, what introduces it, and who reports its numbers.

kb/nlp/tables.py reads a table on its own; this module ties it back to the document: the table's
rows found in doc.text (so evidence offsets point there and prose rules skip the flattened rows),
tables written as "cell | cell" lines in a text copy of a page, the caption or preceding heading as
context, and the reporter a caption names ("Results reported by Artificial Analysis").
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from bs4 import BeautifulSoup, Tag

from kb.nlp.records import ScoreClaim

CONTEXT_ATTR = "data-aikb-context"  # set by ingest.metadata.data_tables: the heading before the table
MAX_CONTEXT = 240
MAX_NAME_CELLS = 5000  # a table's cells read for model names: enough for any real table, bounded for a hostile one
PIPE_ROW = re.compile(r"^[^\n|]*\|[^\n]*$")
REPORTER = re.compile(
    r"(?i:\b(?:reported|measured|evaluated|run|compiled|independently verified|verified|provided|published)\s+by"
    r"|\baccording to|\bsource:|\bdata from)\s+(?:the\s+)?(?P<org>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})"
    r"|(?P<org2>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})['\u2019]s?\s+(?:own\s+|independent\s+)?"
    r"(?:results|evaluations?|measurements|numbers|leaderboard|testing|runs)\b"
    r"|\b(?i:numbers|results|scores|figures)\s+(?:that\s+)?(?P<org3>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2})\s+"
    r"(?:published|reported|released|shared|posted)\b")


@dataclass
class PlacedTable:
    """One table: its HTML, its context line, and where its rows sit in the clean text (if they do)."""

    html: str
    context: str = ""
    caption: str = ""
    span: Optional[tuple[int, int]] = None  # the rows' extent in doc.text
    rows: LineIndex = field(default_factory=dict)  # normalised cell text -> (start, end) of its row's line


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9%.]+", "", text.lower())


def text_tables(text: str) -> list[tuple[int, int, str]]:
    """Tables written as runs of 'cell | cell' lines (a text copy of a page): (start, end, html)."""
    out = []
    lines: list[tuple[int, int, list[str]]] = []  # (start, end, cells) of the current run
    pos = 0

    def flush() -> None:
        widths = {len(c) for _, _, c in lines}
        if len(lines) >= 2 and len(widths) == 1 and widths.pop() >= 2:
            rows = [c for _, _, c in lines]
            head = "".join(f"<th>{html_lib.escape(c)}</th>" for c in rows[0])
            body = "".join("<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in r) + "</tr>"
                           for r in rows[1:])
            out.append((lines[0][0], lines[-1][1], f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"))
        lines.clear()

    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        if PIPE_ROW.match(stripped) and len(stripped) < 400 and not re.fullmatch(r"[|:\-\s]+", stripped):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if lines and len(cells) != len(lines[-1][2]):
                flush()
            lines.append((pos, end, cells))
        elif stripped and not (lines and re.fullmatch(r"[|:\-\s]+", stripped)):
            flush()  # cleaners put blank lines between rows; only a line of prose ends the table
        pos = end + 1
    flush()
    return out


CELL_LINE = re.compile(r"^[^.!?;]{1,60}$")  # a short line with no sentence punctuation (decimals aside)
MAX_FLAT_COLS = 8
MAX_FLAT_LINES = 400


def _is_value(line: str) -> bool:
    from kb.nlp.table_labels import parse_value

    return parse_value(line) is not None or line.strip() in ("-", "\u2013", "\u2014", "n/a")


def _flat_table(cells: list[str]) -> Optional[list[list[str]]]:
    """Lines that are a table flattened one cell per line (a header of K labels, then rows of one label
    and K-1 values) -> its rows; None when no width K reads every line that way."""
    for k in range(MAX_FLAT_COLS, 2, -1):  # widest first: a narrower width may also fit by chance
        if len(cells) % k or len(cells) // k < 3:
            continue
        rows = [cells[i:i + k] for i in range(0, len(cells), k)]
        if any(_is_value(c) for c in rows[0]):
            continue
        if all(not _is_value(r[0]) and all(_is_value(c) for c in r[1:]) for r in rows[1:]):
            return rows
    return None


def flat_tables(text: str) -> list[tuple[int, int, str]]:
    """Tables flattened to one cell per line (a text copy of a page whose table lost its layout):
    (start, end, html) for each run of short lines that reads as a header row and 2+ data rows."""
    out = []
    run: list[tuple[int, int, str]] = []
    pos = 0

    def flush() -> None:
        cells = [c for _, _, c in run]
        # try the longest tail of the run that reads as a table (a heading line may precede it)
        for skip in range(0, min(3, len(cells))):
            rows = _flat_table(cells[skip:])
            if rows:
                head = "".join(f"<th>{html_lib.escape(c)}</th>" for c in rows[0])
                body = "".join("<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in r) + "</tr>"
                               for r in rows[1:])
                out.append((run[skip][0], run[-1][1],
                            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"))
                break
        run.clear()

    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        if stripped and "|" not in stripped and CELL_LINE.match(re.sub(r"(?<=\d)\.(?=\d)", "", stripped)):
            if len(run) >= MAX_FLAT_LINES:
                flush()
            run.append((pos, end, stripped))
        elif stripped:
            flush()
        pos = end + 1
    flush()
    return out


def _row_cells(soup: Tag) -> list[list[str]]:
    rows = []
    for tr in soup.find_all("tr"):
        cells = [re.sub(r"\s+", " ", td.get_text(" ", strip=True)) for td in tr.find_all(["td", "th"])]
        cells = [c for c in cells if c]
        if cells:
            rows.append(cells)
    return rows


def table_model_names(table_html: str, resolve: Callable[[str], Optional[str]]) -> list[str]:
    """Models a table names in a cell of their own, whatever the table holds: a model-zoo or download
    table ("| SFT | Vela-3-7B-SFT | Vela-3-32B-SFT |") names models without scoring them. A cell counts
    only when its whole text is a model's name (RESOLVE: the gazetteer or a family's name shape)."""
    soup = BeautifulSoup(table_html, "lxml")
    names: dict[str, None] = {}
    seen: set[str] = set()
    for cell in soup.find_all(["td", "th"], limit=MAX_NAME_CELLS):
        text = re.sub(r"\s+", " ", cell.get_text(" ", strip=True))
        if text in seen or len(text) > 80 or not re.search(r"[A-Za-z]", text):
            continue  # a value, or a label already read
        seen.add(text)
        name = resolve(text)
        if name:
            names.setdefault(name)
    return list(names)


def place_table(table_html: str, text: str, line_index: Optional[LineIndex] = None) -> PlacedTable:
    """Caption, context and the location of a table's rows in TEXT (the clean text)."""
    soup = BeautifulSoup(table_html, "lxml")
    table = soup.find("table")
    placed = PlacedTable(html=table_html)
    if table is None:
        return placed
    cap = table.find("caption")
    placed.caption = re.sub(r"\s+", " ", cap.get_text(" ", strip=True)) if cap else ""
    before = re.sub(r"\s+", " ", str(table.get(CONTEXT_ATTR) or "")).strip()
    placed.context = " ".join(x for x in (placed.caption, before) if x)[:MAX_CONTEXT]
    lines = line_index if line_index is not None else index_lines(text)
    found = []
    for cells in _row_cells(table):
        want = _key("".join(cells))
        if len(want) < 4:
            continue
        hit = lines.get(want)
        if hit:
            found.append(hit)
            for c in cells:
                placed.rows.setdefault(_key(c), hit)
    if len(found) >= 2:
        placed.span = (min(s for s, _ in found), max(e for _, e in found))
    else:
        placed.rows = {}
    return placed


LineIndex = dict[str, tuple[int, int]]  # normalised line text -> (start, end)


def index_lines(text: str) -> LineIndex:
    """Normalised line text -> (start, end) for every line of TEXT (first occurrence)."""
    out: LineIndex = {}
    pos = 0
    for line in text.split("\n"):
        key = _key(line)
        if key and key not in out:
            start = pos + len(line) - len(line.lstrip())
            out[key] = (start, pos + len(line.rstrip()))
        pos += len(line) + 1
    return out


def row_location(placed: PlacedTable, evidence: str) -> Optional[tuple[int, int]]:
    """Offsets of the line holding the table row a claim's evidence renders ("<row label>: ...")."""
    label = evidence.split(": ", 1)[0]
    return placed.rows.get(_key(label)) if placed.rows else None


def caption_reporter(context: str) -> Optional[str]:
    """The organisation a caption or heading names as the source of the numbers, if any."""
    m = REPORTER.search(context or "")
    if not m:
        return None
    name = (m.group("org") or m.group("org2") or m.group("org3") or "").strip(" .,;:")
    # a name ends at a preposition, whatever its case: a caption run into the byline after it
    # ("... reported by Acme AI By Jo Smith") names Acme AI
    name = re.sub(r"\s+(?i:on|in|for|with|and|using|as|at|by|from|via)\b.*$", "", name)
    return name if name and name.lower() not in {"our", "we", "the", "table", "results"} else None


# ---- a table row named by a size alone --------------------------------------------------------

SIZE_LABEL = re.compile(r"\d+(?:\.\d+)?[BMK]", re.I)


def by_size(resolve: Callable[[str], Optional[str]], known: set[str]) -> Callable[[str], Optional[str]]:
    """RESOLVE, and a label that is only a size ("311M" in a "311M (native)" row) read as the one model of
    the document (KNOWN names) whose name carries that size ("xyz-embed-311m-r2"); None when several do."""
    def call(text: str) -> Optional[str]:
        name = resolve(text)
        if name or not SIZE_LABEL.fullmatch(text.strip()):
            return name
        size = re.compile(rf"(?<![\w.]){re.escape(text.strip())}(?![\w.])", re.I)
        hits = {k for k in known if size.search(k)}
        return hits.pop() if len(hits) == 1 else None
    return call


# ---- one claim once: prose and tables that state the same number ----------------------------------

def _squash(text: Optional[str]) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def _bench_key(claim: ScoreClaim) -> tuple[str, float]:
    """A claim's benchmark spelled loosely ("MATH500" = "MATH-500", "XBench (agentic)" = "XBench") and value."""
    return _squash(re.sub(r"\s*[(\[][^()\[\]]*[)\]]", "", claim.benchmark)), claim.value


def _short_form(short: str, full: str) -> bool:
    """SHORT names FULL up to a word boundary ("Wren 2.5" of "Wren2.5-8B", "Kestrel K2" of "Kestrel K2 Chat";
    not "Wren-4" of "Wren-4o")."""
    want, seen = _squash(short), 0
    if not want or len(want) >= len(_squash(full)):
        return False
    for i, ch in enumerate(full.lower()):
        if ch.isalnum():
            if seen == len(want):
                return not full[i - 1].isalnum()
            if ch != want[seen]:
                return False
            seen += 1
    return False


def _without_org(name: str, is_org: Callable[[str], bool]) -> str:
    """'Acme m1-mini' -> 'm1-mini' when the first word is an organisation's name."""
    first, _, rest = name.partition(" ")
    return rest if rest and is_org(first) else name


def merge_claims(prose: list[ScoreClaim], tables: list[list[ScoreClaim]],
                 is_org: Callable[[str], bool]) -> list[ScoreClaim]:
    """The prose's claims and each table's, every number once.

    A table claim the prose or an earlier table states is dropped (the prose keeps its sentence): the same
    model, or across tables the same model behind an organisation's name ("Acme m1-mini" / "m1-mini"), with
    the same value for the same benchmark loosely spelled. A prose claim whose model is a short form of the
    one table claim with its benchmark and value ("Kestrel K2" of "Kestrel K2 Chat") gives way to it.
    """
    in_tables: dict[tuple[str, float], set[str]] = {}
    for claims in tables:
        for c in claims:
            in_tables.setdefault(_bench_key(c), set()).add(c.model)
    out = [p for p in prose if not ((full := in_tables.get(_bench_key(p), set())) and p.model not in full
                                    and len(full) == 1 and _short_form(p.model, next(iter(full))))]
    stated = {(c.model, c.benchmark, c.value) for c in out}
    seen: dict[tuple[str, float], set[str]] = {}
    for c in out:
        seen.setdefault(_bench_key(c), set()).add(_squash(_without_org(c.model, is_org)))
    for claims in tables:
        for c in claims:
            if (c.model, c.benchmark, c.value) in stated or _squash(_without_org(c.model, is_org)) in seen.get(
                    _bench_key(c), set()):
                continue
            stated.add((c.model, c.benchmark, c.value))
            out.append(c)
        for c in claims:  # claims of one table never merge with each other
            seen.setdefault(_bench_key(c), set()).add(_squash(_without_org(c.model, is_org)))
    return out
