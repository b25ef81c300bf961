"""Stances a table states: a licence or open-weights column or row beside the model names, a download
column (Hugging Face / ModelScope links) beside model rows, and a stance written into a model's header
("Kite-5-mini (closed source)").
"""
from __future__ import annotations

import html as html_lib
import re
from typing import Callable, Optional

from kb.nlp.pipeline import read_patterns
from kb.nlp.records import StanceEvent
from kb.nlp.stance_rules import StanceRules

_ROWS = read_patterns("stance_sections")
DOWNLOAD_HEADER = [(re.compile(r["regex"], re.I), r["stance"]) for r in _ROWS if r["kind"] == "download_column"]
DOWNLOAD_NONE = re.compile("|".join(r["regex"] for r in _ROWS if r["kind"] == "download_cell_none"), re.I)
CHECKPOINT_WORDS = frozenset(w for r in _ROWS if r["kind"] == "checkpoint_word" for w in r["words"])
HEADER_TAGS = [(re.compile(r["regex"], re.I), r["stance"]) for r in _ROWS if r["kind"] == "header_tag"]
# a parameter count ("7B", "1.8B", "A22B" active, "8x7B"), or a context length ("1M")
SIZE_PART = re.compile(r"(?i)A?\d+(?:\.\d+)?[BMKT]|\d+x\d+(?:\.\d+)?B")
TAGGED = re.compile(r"^(?P<name>.+?)\s*[(\[](?P<tag>[^()\[\]]{2,30})[)\]]\s*$")


LICENCE_HEADER = re.compile(r"(?i)\blicen[cs]e\b|\bweights\b|\bopen[- ]?(?:source|weights?)\b|\bavailability\b")
YES_CELL = re.compile(r"(?i)^(?:yes|open|open weights|open-weights|downloadable|\u2713|\u2714|\u2705)$")
NO_CELL = re.compile(r"(?i)^(?:no|closed|closed weights|proprietary|api(?:[- ]only)?|not released|"
                     r"\u2717|\u2718|\u274c)$")


def _table_rows(table_html: str) -> list[list[str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(table_html, "html.parser")
    rows = []
    for tr in soup.find_all("tr"):
        cells = [re.sub(r"\s+", " ", td.get_text(" ", strip=True)) for td in tr.find_all(["td", "th"])]
        if any(cells):
            rows.append(cells)
    return rows


def _cell_stance(cell: str, rules: StanceRules, header_says_weights: bool) -> tuple[Optional[str], Optional[str]]:
    """(stance, licence) a licence/weights cell states."""
    from kb.nlp.names import clean_label, resolve_license_name

    label = clean_label(cell)
    lic = resolve_license_name(label) or (rules.license_names.get(label) if label in rules.license_names else None)
    if lic:
        if rules.open_licences.get(lic):
            return "open", lic
        return ("closed", None) if lic == "proprietary" else (None, None)
    if re.fullmatch(r"(?i)proprietary|closed(?: weights)?", label):
        return "closed", None
    if header_says_weights and YES_CELL.match(label):
        return "open", None
    if header_says_weights and NO_CELL.match(label):
        return "closed", None
    return None, None


def table_stances(tables: list[tuple[str, Optional[tuple[int, int]]]], resolve_model: Callable[[str], Optional[str]],
                  rules: StanceRules, model_orgs: dict[str, Optional[str]], doc_text: str = "") -> list[StanceEvent]:
    """Stances a table states: a "License" (or "Open weights") column or row beside the model names.

    TABLES are (html, (start, end) or None) pairs. "| Lumen 4 | Apache 2.0 |" is open under Apache 2.0;
    "| Kite 5 | Proprietary |" is closed.
    """
    out = []
    for html, span in tables:
        try:
            rows = _table_rows(html)
        except Exception:  # noqa: BLE001 - a malformed table must not lose the document
            continue
        if len(rows) < 2:
            continue
        start, end = span or (0, 0)
        header = rows[0]
        pairs = []  # (model cell, licence cell, header says weights)
        lic_cols = [i for i, h in enumerate(header) if LICENCE_HEADER.search(h)]
        if lic_cols:  # models down the rows, a licence column
            col = lic_cols[0]
            says_weights = bool(re.search(r"(?i)weights|open", header[col]))
            for row in rows[1:]:
                model = next((m for c in row if c for m in [_label_model(c, resolve_model)] if m), None)
                if model and col < len(row):
                    pairs.append((model, row[col], says_weights or bool(re.search(r"(?i)licen", header[col]))))
        for row in rows:  # models across the columns, a licence row
            if row and LICENCE_HEADER.search(row[0]) and len(row) == len(header):
                for i in range(1, len(row)):
                    model = resolve_model(header[i]) if header[i] else None
                    if model:
                        pairs.append((model, row[i], True))
        for model, cell, says_weights in pairs:
            stance, lic = _cell_stance(cell, rules, says_weights)
            if stance:
                out.append(StanceEvent(org=model_orgs.get(model), model=model, stance=stance, license=lic,
                                       evidence=f"{model} | {cell}", start=start, end=end))
        context = html_lib.unescape(next(iter(re.findall(r'data-aikb-context="([^"]*)"', html)), ""))
        for model, stance, evidence in (_download_rows(rows, resolve_model, doc_text, context)
                                        + _tagged_labels(rows, resolve_model)):
            out.append(StanceEvent(org=model_orgs.get(model), model=model, stance=stance, evidence=evidence,
                                   start=start, end=end))
    return out


def _download_rows(rows: list[list[str]], resolve_model: Callable[[str], Optional[str]], doc_text: str,
                   context: str) -> list[tuple[str, str, str]]:
    """(model, stance, evidence) of a download table: a column headed "Download", "Hugging Face", "ModelScope"
    or "Checkpoint" beside model rows publishes each row's weights. A row is one checkpoint of a released model,
    and the event is that model's (_heading_series, _released_model)."""
    header = rows[0]
    cols = [i for i, h in enumerate(header) if h and any(rx.search(h) for rx, _ in DOWNLOAD_HEADER)]
    if not cols:
        return []
    stance = next(st for rx, st in DOWNLOAD_HEADER if any(rx.search(header[i]) for i in cols))
    found: list[tuple[str, str]] = []  # (model, its download cell)
    for row in rows[1:]:
        cells = [c for i, c in enumerate(row) if i not in cols]
        model = next((m for c in cells if c for m in [resolve_model(c)] if m), None)
        offered = [row[i] for i in cols if i < len(row) and not DOWNLOAD_NONE.search(row[i])]
        if model and offered:
            found.append((model, offered[0]))
    series = _heading_series(context, [m for m, _ in found], doc_text)
    sizes: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for model, _ in found:
        sizes.setdefault(_base(model), set()).add(tuple(w for w in _words(model) if SIZE_PART.fullmatch(w)))
    return [(series or _released_model(model, doc_text, len(sizes[_base(model)])), stance, f"{model} | {cell}")
            for model, cell in found]


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[-_\s]+", name.lower()) if w]


def _heading_series(context: str, models: list[str], doc_text: str) -> Optional[str]:
    """"Heron-R1-Mini Models" above rows that all extend that name (none being it): the rows are the
    checkpoints of the series the heading names."""
    head = re.fullmatch(r"\W*(?P<name>[\w.-]+(?:\s[\w.-]+){0,3}?)\s+(?:models?|series|family|checkpoints|weights|"
                        r"downloads?)\W*", context.split(":")[0].strip(), re.I)
    if not head or not models:
        return None
    key = _words(head.group("name"))
    if all(_words(m)[:len(key)] == key and len(_words(m)) > len(key) for m in models):
        return _written(head.group("name"), doc_text) or head.group("name")
    return None


def _base(name: str) -> tuple[str, ...]:
    """A checkpoint name without its sizes and stage or precision words: the series it belongs to."""
    return tuple(w for w in _words(name) if not (SIZE_PART.fullmatch(w) or w in CHECKPOINT_WORDS))


def _released_model(name: str, doc_text: str, sizes: int) -> str:
    """The model a checkpoint row speaks of, as the document writes it. Rows of one series in several sizes (SIZES
    > 1) are the series ("Heron2.5-7B-Chat" -> "Heron2.5"); otherwise a row is the longest written name it
    extends by stage or precision words only ("Kite-7B-SFT" -> "Kite-7B", "Kite-4.6-FP8" -> "Kite-4.6")."""
    words = _words(name)
    series = _written(" ".join(_base(name)), doc_text) if sizes > 1 and _base(name) else None
    if series:
        return series
    for cut in range(len(words) - 1, 0, -1):
        if words[cut] not in CHECKPOINT_WORDS:
            break
        written = _written(" ".join(words[:cut]), doc_text)
        if written:
            return written
    return name


def _written(name: str, doc_text: str) -> Optional[str]:
    """NAME as the document writes it on its own (separators and case aside), not only inside a longer name."""
    pattern = r"[-_\s]+".join(re.escape(w) for w in _words(name))
    m = re.search(r"(?<![\w.-])" + pattern + r"(?![\w-]|\.\w)", doc_text, re.I)
    return m.group(0) if m else None


def _label_model(cell: str, resolve_model: Callable[[str], Optional[str]]) -> Optional[str]:
    """The model a row label names, also with a setting after it: "Heron 2 instruct (32-shots)"."""
    tagged = TAGGED.match(cell)
    return resolve_model(cell) or (resolve_model(tagged.group("name")) if tagged else None)


def _tagged_labels(rows: list[list[str]], resolve_model: Callable[[str], Optional[str]]) -> list[tuple[str, str, str]]:
    """A model header or row label carrying a stance tag: "Kite-5-mini (closed source)"."""
    out = []
    for cell in rows[0] + [r[0] for r in rows[1:] if r]:
        tagged = TAGGED.match(cell or "")
        hit = next((st for rx, st in HEADER_TAGS if tagged and rx.match(tagged.group("tag").strip())), None)
        model = resolve_model(tagged.group("name")) if tagged and hit else None
        if model and hit:
            out.append((model, hit, cell))
    return out
