"""Read benchmark score tables from HTML launch posts into ScoreClaim records.

A table is expanded into a grid (rowspan/colspan copied into every cell they cover), split into header
rows, label columns and numeric data cells, and read in the orientation whose axes the resolvers (or
generic name shapes) recognise: benchmarks as rows and models as columns, or the reverse. Only a table
with benchmarks on one axis, models on the other and numeric values yields claims, so pricing, spec,
survey and feature tables yield nothing.

Every claim has `start = end = 0` and `reported_by = None`: this module sees only the table, so the
caller maps offsets to where the table sits in the clean text and decides who reports the numbers.
`evidence` is the row as text: "<row label>: <column header> <cell>; ..." (e.g. "XBench Hard:
Wren 3 89.2%; Kestrel 2 88.1%").

Also read: checkpoint ids under a "Model" header ("xyz-embed-base"; 2+ such rows make a one-benchmark
table readable), a "Next best" cell "Wren 2 - 86.2 %" (the value and its model), negative scores.

Not read: values split across two cells of one row by a footnote, charts drawn as images or divs,
"a / b" pairs beyond the first value, free text in a cell ("second best after Wren (55.8 %)"), and
tables whose only model is an unseen name beside a single benchmark with no "Model" header (too weak to
tell from a survey or pricing table).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from itertools import islice
from typing import Callable, Iterator, Optional

from bs4 import BeautifulSoup, NavigableString, Tag

from kb.nlp.records import ScoreClaim
from kb.nlp.table_labels import (
    BENCH_WORDS, FOOTNOTE, MODEL_ROLES, NUMBERISH, PARAM_SIZE, SCORE_HEADER, SETTING_PHRASE, SETTING_ROLES, Axis, identify,
    Parsed, Resolvers, is_empty, is_setting, looks_like_benchmark, parse_value, pick, role_of, word_set,
)

log = logging.getLogger(__name__)

Resolver = Callable[[str], Optional[str]]

# Guards against absurd spans in broken or hostile HTML (a colspan of 10**9 must not allocate).
MAX_COLSPAN, MAX_ROWSPAN, MAX_ROWS, MAX_COLS = 60, 300, 1500, 80
LINE_BREAK = "\u2028"
SUP_FOOTNOTE = re.compile(r"[\[(]?\s*(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4}|[*\u2020\u2021\u00a7\u00b6#^]+)"
                          r"(?:\s*,\s*(?:\d{1,2}|[a-zA-Z]|[*\u2020\u2021]+))*\s*[\])]?|")
NAMED_VALUE = re.compile(r"(?P<name>[A-Z][\w.\u2011 -]{1,46}?)\s+[-\u2013\u2014]\s+(?P<value>\d+(?:\.\d+)?\s*%?)")
SHOTS_HEADER = re.compile(r"(?i)(?<![\w-])shots?\b")
MAX_HTML_CHARS = 2_000_000  # parsing alone would take seconds; launch-post score tables are a few KB


@dataclass
class _Cell:
    text: str
    lines: tuple[str, ...]
    header: bool  # a <th> or a cell inside <thead>
    thead: bool
    origin: int  # shared by the copies a rowspan/colspan makes
    parsed: Optional[Parsed] = None  # parse_value() of the cell, computed once


def extract_table_scores(table_html: str, resolve_model: Resolver, resolve_benchmark: Resolver,
                         context: str = "", subject: Optional[str] = None) -> list[ScoreClaim]:
    """Read score claims from the benchmark table(s) in an HTML fragment; [] for any other table.

    Args:
        table_html: a `<table>` element (or a fragment holding several).
        resolve_model / resolve_benchmark: text -> canonical display name, or None when not one.
        context: nearby text (caption, heading); its settings ("pass@1", "no tools") and "%" apply
            to claims that carry none of their own.
        subject: the model the document is about; a "Benchmark | Score" table that names no model
            holds that model's scores (a model card's results table).
    Returns:
        ScoreClaims with reported_by=None and start=end=0 (the caller maps both).
    """
    if len(table_html or "") > MAX_HTML_CHARS:
        log.debug("table HTML of %d characters skipped: no score table is that large", len(table_html))
        return []
    try:
        soup = BeautifulSoup(table_html or "", "lxml")
        res = {"model": _memo(resolve_model), "benchmark": _memo(resolve_benchmark)}
        tables = soup.find_all("table")
        found: list[list[ScoreClaim]] = [[] for _ in tables]
        # Innermost first, each removed once read, so a layout table never swallows a nested score table.
        for i in reversed(range(len(tables))):
            found[i] = _read_table(tables[i], res, context, subject)
            tables[i].decompose()
        return list(dict.fromkeys(c for claims in found for c in claims))  # a repeated table counts once
    except Exception:  # malformed input must never break an extraction run
        log.debug("table could not be read", exc_info=True)
        return []


def _memo(fn: Resolver) -> Resolver:
    cache: dict[str, Optional[str]] = {}

    def call(text: str) -> Optional[str]:
        if text not in cache:
            cache[text] = fn(text) if text else None
        return cache[text]
    return call


# ---- 1. HTML -> grid -------------------------------------------------------------------------

def _cell_lines(cell: Tag) -> tuple[str, ...]:
    if any(isinstance(child, Tag) for child in cell.children):  # most cells are plain text: skip the search
        for tag in cell.find_all(["sub"]):
            # "DocQA<sub>test</sub>": a subscript names the split or setting, read as "(test)".
            tag.replace_with(f" ({tag.get_text(' ', strip=True)})" if tag.get_text(strip=True) else "")
        for tag in cell.find_all(["sup", "br", "p", "div", "li"]):
            if tag.decomposed:
                continue  # inside a footnote removed before it
            if tag.name == "sup":
                nxt = tag.next_sibling
                # A superscript glued to a word ("tau<sup>2</sup>-bench") is part of a name; a short mark
                # ("1", "*", "[a]") is a footnote; longer text set small ("<sup>Model X</sup>") is text.
                if (isinstance(nxt, NavigableString) and re.match(r"[\w-]", str(nxt))) or \
                        not SUP_FOOTNOTE.fullmatch(tag.get_text("").strip()):
                    tag.unwrap()
                else:
                    tag.decompose()
            elif tag.name == "br":
                tag.replace_with(LINE_BREAK)
            else:
                tag.append(LINE_BREAK)
    # Only <br> and blocks break lines; a newline in the HTML source is just a space.
    raw = cell.get_text("").replace("\u00a0", " ").replace("\n", " ")
    lines = (re.sub(r"\s+", " ", line).strip() for line in raw.split(LINE_BREAK))
    return tuple(FOOTNOTE.sub("", line).strip() for line in lines if line)


def _span(cell: Tag, attr: str, cap: int) -> int:
    m = re.match(r"\s*(\d+)", str(cell.get(attr) or ""))
    return max(1, min(int(m.group(1)), cap)) if m else 1


def _build_grid(table: Tag) -> list[list[_Cell]]:
    rows = list(islice((tr for tr in table.find_all("tr") if tr.find_parent("table") is table), MAX_ROWS))
    grid: dict[tuple[int, int], _Cell] = {}
    origin = 0
    for r, tr in enumerate(rows):
        c = 0
        thead = tr.find_parent("thead") is not None
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            if c >= MAX_COLS:
                break
            lines = _cell_lines(cell)
            text = " ".join(lines)
            named = NAMED_VALUE.fullmatch(text)
            if named:  # "Wren 2 – 86.2 %" in a "Next best" column: read as "86.2 % (Wren 2)", a value and its model
                text = f"{named.group('value')} ({named.group('name')})"
                lines = (text,)
            item = _Cell(text, lines, cell.name == "th" or thead, thead, origin, parse_value(text, lines))
            origin += 1
            for dr in range(_span(cell, "rowspan", MAX_ROWSPAN)):
                for dc in range(_span(cell, "colspan", MAX_COLSPAN)):
                    if r + dr < len(rows) and c + dc < MAX_COLS:
                        grid[(r + dr, c + dc)] = item
            c += _span(cell, "colspan", MAX_COLSPAN)
    width = max((c for _, c in grid), default=-1) + 1
    blank = _Cell("", (), False, False, -1)
    return [[grid.get((r, c), blank) for c in range(width)] for r in range(len(rows))]


def _drop_title_rows(grid: list[list[_Cell]]) -> tuple[list[list[_Cell]], str]:
    """Leading rows holding one text cell ("Pre-trained models |  |  |") title the table: they become
    context and the next row is the header."""
    title = []
    while len(grid) > 2:
        full = [c for c in grid[0] if not is_empty(c.text)]
        if len({c.origin for c in full}) != 1 or full[0].parsed is not None:
            break
        nxt = {c.origin for c in grid[1] if not is_empty(c.text)}
        if len(nxt) < 2:
            break
        title.append(full[0].text)
        grid = grid[1:]
    return grid, " ".join(title)


def _unstack_rows(grid: list[list[_Cell]]) -> list[list[_Cell]]:
    """A row whose cells stack N rows with line breaks ("XBench 2024<br>XBench 2025" beside "74.3<br>79.2")
    becomes N rows; a one-line cell beside them (a category) covers all N, like a rowspan."""
    out = []
    next_origin = max((c.origin for row in grid for c in row), default=0) + 1
    for row in grid:
        counts = {len(c.lines) for c in row if len(c.lines) > 1}
        n = counts.pop() if len(counts) == 1 else 0
        stacked_values = [c for c in row if len(c.lines) == n and all(parse_value(x) for x in c.lines)]
        stacked_labels = [c for c in row if len(c.lines) == n and not any(parse_value(x) for x in c.lines)]
        if not n or not stacked_values or not stacked_labels:
            out.append(row)
            continue
        split: dict[int, list[_Cell]] = {}
        for c in row:
            if len(c.lines) == n and c.origin not in split:
                split[c.origin] = []
                for line in c.lines:
                    split[c.origin].append(_Cell(line, (line,), c.header, c.thead, next_origin, parse_value(line)))
                    next_origin += 1
        for i in range(n):
            out.append([split[c.origin][i] if c.origin in split else c for c in row])
    return out


# ---- 2. table -> claims ------------------------------------------------------------------------

def _layout(grid: list[list[_Cell]]) -> tuple[int, list[int], list[int], set[int]]:
    """Header row count, label columns, data columns, section rows."""
    def numeric(cell: _Cell) -> bool:
        return cell.parsed is not None

    n = len(grid)
    if any(cell.thead for cell in grid[0]):
        head = next((i for i, row in enumerate(grid) if not any(c.thead for c in row)), n)
    elif all(c.header for c in grid[0]):
        head = next((i for i, row in enumerate(grid) if not all(c.header for c in row)), n)
    else:
        head = next((i for i, row in enumerate(grid) if any(numeric(c) for c in row)), n)
    head = min(head, 4)
    sections = set()
    for r in range(head, n):
        full = [c for c in grid[r] if not is_empty(c.text)]
        if full and len({c.origin for c in full}) == 1 and not any(numeric(c) for c in grid[r]):
            sections.add(r)
    body = [r for r in range(head, n) if r not in sections]
    labels, data = [], []
    for c in range(len(grid[0]) if grid else 0):
        cells = [grid[r][c] for r in body if not is_empty(grid[r][c].text)]
        nums = sum(numeric(cell) for cell in cells)
        # "# Shots" heads a column of shot counts; "Zero-Shot Top-1" heads scores taken in that setting.
        shots = any(SHOTS_HEADER.search(grid[h][c].text) for h in range(head))
        # Cells that start like a number ("1.4x", "72% / 79%") still mark a data column.
        nums = max(nums, sum(bool(NUMBERISH.match(cell.text)) and not is_setting(cell.text) for cell in cells))
        sizes = sum(bool(PARAM_SIZE.match(re.sub(r"\s*[(\[].*$", "", cell.text))) for cell in cells)  # "7B (base)"
        if (cells and nums * 2 < len(cells)) or (shots and cells) or (cells and sizes * 2 > len(cells)):
            # "# Shots: 5" is a setting and "Size: 7B" part of a model's identity, not a score
            labels.append(c)
        elif nums:
            data.append(c)
    return head, labels, data, sections


def _read_table(table: Tag, res: Resolvers, context: str, subject: Optional[str] = None) -> list[ScoreClaim]:
    caption = table.find("caption")
    context = f"{caption.get_text(' ', strip=True) if caption else ''} {context}".strip()
    grid = _build_grid(table)
    if len(grid) < 2 or not grid[0]:
        return []
    grid, title = _drop_title_rows(grid)
    context = f"{title} {context}".strip()
    grid = _unstack_rows(grid)
    head, labels, data, sections = _layout(grid)
    if not head or not labels or not data:
        return []

    def role(c: int) -> str:
        # The top header cell names a label column; a lower one ("Setting") may name a header row.
        return next((grid[h][c].text for h in range(head) if grid[h][c].text), "")

    def col_items(c: int) -> list[tuple[str, str, tuple[str, ...]]]:
        out, seen = [], set()
        for h in range(head):
            cell = grid[h][c]
            if cell.origin not in seen:
                seen.add(cell.origin)
                # A corner cell like "Setting" on a lower header row says what that row holds.
                corner = next((grid[h][lc].text for lc in labels if h and grid[h][lc] is not grid[h - 1][lc]
                               and role_of(grid[h][lc].text) in SETTING_ROLES), "")
                out.append((cell.text, corner, cell.lines))
        return out

    body = [r for r in range(head, len(grid)) if r not in sections]
    row_items = {r: [(grid[r][c].text, role(c), grid[r][c].lines) for c in labels] for r in body}
    best: tuple[int, list[ScoreClaim]] = (0, [])
    for row_kind, col_kind in (("benchmark", "model"), ("model", "benchmark")):
        rows = {r: pick(row_items[r], row_kind, res) for r in body}
        cols = {c: pick(col_items(c), col_kind, res) for c in data}
        if row_kind == "benchmark" and subject and len(data) == 1 and not any(a.name for a in cols.values()):
            # "Benchmark | Score" in a model card: the one value column is the document's own model.
            c = data[0]
            header = " ".join(t for t, _, _ in col_items(c))
            if word_set(header) <= SCORE_HEADER and word_set(header):
                cols[c] = Axis(subject, True, (), "%" if "%" in header else None, header)
        bench, model = (rows, cols) if row_kind == "benchmark" else (cols, rows)
        _name_subsets(bench, context, res)
        n_bench = sum(a.strict for a in bench.values())
        n_model = sum(a.strict for a in model.values())
        lenient_models = sum(a.name is not None for a in model.values())
        # Both axes must be recognised; an unseen model name alone is trusted only beside 2+ benchmarks,
        # or as one of 2+ rows under a "Model" header.
        listed = row_kind == "model" and lenient_models >= 2 and any(role_of(role(c)) in MODEL_ROLES for c in labels)
        if n_bench < 1 or not (n_model >= 1 or (n_bench >= 2 and lenient_models >= 1) or listed):
            continue
        if n_bench + n_model > best[0]:
            _name_sizes(model)
            best = (n_bench + n_model, _claims(grid, rows, cols, sections, head, row_kind, context, res))
    return best[1]


def _context_benchmark(context: str, res: Resolvers) -> Optional[str]:
    """The benchmark a table's heading names ("Multi-lingual CodeEval" -> "CodeEval"), longest first."""
    words = re.findall(r"[\w+#.'-]+", context or "")[:40]
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            cand = " ".join(words[i:i + n]).strip(".'-")
            # only a name with a benchmark's own vocabulary: a heading's other acronyms ("NVIDIA") are not
            if len(cand) > 2 and BENCH_WORDS.search(cand) and res["benchmark"](cand) and looks_like_benchmark(cand):
                return cand
    return None


def _name_subsets(bench: dict[int, Axis], context: str, res: Resolvers) -> None:
    """Columns that split one benchmark ("Python | C++ | Java" under a "Multi-lingual CodeEval" heading)
    are named "<benchmark> (<column>)" when most of them are no benchmark on their own."""
    named = [a for a in bench.values() if a.name]
    if len(named) < 2 or sum(not a.strict for a in named) * 2 < len(named):
        return
    parent = _context_benchmark(context if len(context or "") <= 240 else "", res)
    if not parent:
        return
    for key, a in bench.items():
        if a.name and a.name.lower() != parent.lower():
            bench[key] = replace(a, name=f"{parent} ({a.name})", strict=True)


def _name_sizes(models: dict[int, Axis]) -> None:
    """When a "Size" column tells apart rows of one model ("Coder-Base | 7B", "Coder-Base | 33B"), the
    size is part of each model's name in that table; a size column beside distinct names is a spec."""
    names = [(a.name, a.text) for a in models.values() if a.name]
    if len(names) == len(set(names)):
        return
    for key, a in models.items():
        if a.name and a.size and a.size.lower() not in a.name.lower():
            models[key] = replace(a, name=f"{a.name} {a.size}")


def _claims(grid: list[list[_Cell]], rows: dict[int, Axis], cols: dict[int, Axis], sections: set[int], head: int,
            row_kind: str,
            context: str, res: Optional[Resolvers] = None) -> list[ScoreClaim]:
    # Only a caption-sized context is read: a whole paragraph ("we are thinking about...") would mislead.
    context = context if len(context or "") <= 240 else ""
    ctx_quals = tuple(m.group(0) for m in SETTING_PHRASE.finditer(context))
    ctx_unit = "%" if re.search(r"\(%\)|\bin %|\bpercent", context, re.I) else None
    # A unit written in one cell ("74.3%") holds for the benchmark's other cells in the table.
    bench_units: dict[int, str] = {}
    for r in rows:
        for c in cols:
            parsed = grid[r][c].parsed
            if parsed and parsed[1]:
                bench_units.setdefault(r if row_kind == "benchmark" else c, parsed[1])
    out: list[ScoreClaim] = []
    section_quals: tuple[str, ...] = ()
    for r in range(head, len(grid)):
        if r in sections:
            text = next(c.text for c in grid[r] if not is_empty(c.text))
            section_quals = (text,) if is_setting(text) else ()
            continue
        row = rows[r]
        if row.name is None:
            continue
        parts = [(c, cols[c], grid[r][c]) for c in cols if not is_empty(grid[r][c].text)
                 and (cols[c].name or (row_kind == "benchmark" and _cell_model(grid[r][c].text, res)))]
        evidence = f"{row.text}: " + "; ".join(f"{col.text} {cell.text}" for _, col, cell in parts)
        for c, col, cell, bench, parsed in _split_pairs(parts, row, row_kind, res):
            value, cell_unit, cell_qual = parsed
            model = col if row_kind == "benchmark" else row
            model = _cell_model(cell.text, res) or model
            if model.name is None or bench.name is None:
                continue  # (never: the cells read here have both a model and a benchmark)
            quals = bench.quals + section_quals + model.quals + ((cell_qual,) if cell_qual else ())
            quals = quals or ctx_quals
            label_text = f"{row.text} {col.text} {bench.name}"
            unit = (cell_unit or bench_units.get(r if row_kind == "benchmark" else c) or bench.unit or model.unit
                    or ("%" if "%" in label_text else None) or ("Elo" if re.search(r"(?i)\belo\b|lmarena|\barena\b(?![- ]hard)", label_text) else None)
                    or ctx_unit or "score")
            out.append(ScoreClaim(model=model.name, benchmark=bench.name, value=value, unit=unit,
                                  qualifier=_join(quals), evidence=evidence))
    return out


PAIR_CELL = re.compile(r"\s*([^/]+?)\s*/\s*([^/]+?)\s*")
PAIR_LABEL = re.compile(r"(?<![\w/])([\w.>@-]+)/([\w.>@-]+)(?![\w/])")


def _split_pairs(parts: list[tuple[int, Axis, _Cell]], row: Axis, row_kind: str,
                 res: Optional[Resolvers]) -> Iterator[tuple[int, Axis, _Cell, Axis, Parsed]]:
    """(column, column axis, cell, benchmark axis, parsed value) for each value of a row's cells. A cell
    "51.1/44.7" under a benchmark written "MMMU (val/test)" holds two claims, "MMMU (val)" and
    "MMMU (test)"; "36.6/-" holds the first only. Other cells give their one parsed value."""
    for c, col, cell in parts:
        bench = row if row_kind == "benchmark" else col
        pair = PAIR_CELL.fullmatch(cell.text)
        label = bench.label or bench.text
        split = PAIR_LABEL.search(label) if pair and res is not None else None
        if split and pair and res is not None:
            for value_text, part in ((pair.group(1), split.group(1)), (pair.group(2), split.group(2))):
                parsed = parse_value(value_text)
                axis = identify(label[:split.start()] + part + label[split.end():], "benchmark", res)
                if parsed is not None and axis is not None and axis.name:
                    yield c, col, cell, replace(axis, quals=axis.quals or (part,)) if axis.name == bench.name else axis, parsed
            continue
        if cell.parsed is not None:
            yield c, col, cell, bench, cell.parsed


def _cell_model(text: str, res: Optional[Resolvers]) -> Optional[Axis]:
    """'61.0% (Wren 2)' in a column of best results: the value belongs to the model the cell names."""
    m = re.search(r"[(\[]([^()\[\]]{2,48})[)\]]\s*$", text)
    if not m or res is None or is_setting(m.group(1)):
        return None
    axis = identify(m.group(1).strip(), "model", res)
    return axis if axis and axis.strict else None


def _join(parts: tuple[str, ...]) -> Optional[str]:
    seen: dict[str, str] = {}
    for p in parts:
        p = re.sub(r"\s+", " ", p).strip(" ,;:()[]")
        if p[1:] == p[1:].lower():
            p = p[:1].lower() + p[1:]  # "No tools" (a section title) is the same setting as "no tools"
        if p and p.lower() not in seen:
            seen[p.lower()] = p
    return ", ".join(seen.values()) or None
