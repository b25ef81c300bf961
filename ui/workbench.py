"""Pieces the workbench pages share (compare, benchmark filters, reader links), kept apart from ui.common.

Untrusted text reaches the page only as dataframe cells or through ui.common's md_escape/md_link;
links only through safe_url (http/https) or as the app's own page paths built here from ids.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from ui.common import md_escape, safe_url

DATE = st.column_config.DateColumn(format="YYYY-MM-DD")
SCORE_COLUMNS = {
    "value": st.column_config.NumberColumn(format="%.4g"),
    "reporter": st.column_config.TextColumn(help="vendor: the model's maker; independent: an evaluator; "
                                                 "outlet: the publication itself"),
    "outlets": st.column_config.NumberColumn(help="Corroboration: distinct original outlets reporting it"),
    "first reported": DATE,
    "source": st.column_config.LinkColumn(help="The first article that reported it"),
    "read": st.column_config.LinkColumn(display_text="read", help="The article with the claim highlighted"),
}


def reader_path(claim_id: Optional[int] = None, article_id: Optional[int] = None) -> Optional[str]:
    """The app's own link to the article reader for a claim (or an article); ids only, never text."""
    if claim_id is not None:
        return "/reader?" + urlencode({"claim": int(claim_id)})
    if article_id is not None:
        return "/reader?" + urlencode({"article": int(article_id)})
    return None


def linked(frame: pd.DataFrame) -> pd.DataFrame:
    """FRAME with its 'source' URLs made safe (http/https only) and a 'read' link per claim id."""
    out = frame.copy()
    if "source" in out:
        out["source"] = out["source"].map(safe_url)
    if "claim" in out:
        out["read"] = out["claim"].map(lambda c: reader_path(claim_id=c) if pd.notna(c) else None)
        out = out.drop(columns=["claim"])
    return out


# ---------------------------------------------------------------------------------------------
# The article reader's text: escaped, with the extracted items as coloured spans
# ---------------------------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"\n\s*\n")


def mark_colour(mark) -> str:
    """A mark's colour: claims orange, open stances green, closed red, planned ones violet, people blue."""
    if mark.kind == "claim":
        return "orange"
    if mark.kind == "person":
        return "blue"
    if mark.planned:
        return "violet"
    return "green" if mark.stance == "open" else "red"


def _piece(text: str, colour: Optional[str], bold: bool) -> str:
    """TEXT escaped (whitespace runs as one space), inside a background directive when COLOUR is set."""
    flat = re.sub(r"\s+", " ", text)
    core = md_escape(flat)
    if not core:
        return flat and " "
    lead = " " if flat[:1] == " " else ""
    trail = " " if flat[-1:] == " " else ""
    if bold:
        core = f"**{core}**"
    return f"{lead}:{colour}-background[{core}]{trail}" if colour else f"{lead}{core}{trail}"


def reader_markdown(text: str, marks, focus_claim: Optional[int] = None) -> str:
    """TEXT as safe Markdown paragraphs with each placed mark highlighted and numbered (badge after its span).

    Directives cannot nest, so the text is cut at every mark edge: each piece takes the colour of the
    innermost mark over it (a person's name inside a claim's sentence stays blue). The focused claim is bold.
    """
    placed = [(i, m) for i, m in enumerate(marks, 1) if 0 <= m.start < m.end <= len(text)]
    cuts = {0, len(text)}
    for _, m in placed:
        cuts.update((m.start, m.end))
    cuts.update(p for match in _PARAGRAPH.finditer(text) for p in match.span())
    edges = sorted(cuts)
    ends: dict[int, list] = {}
    for i, m in placed:
        ends.setdefault(m.end, []).append((i, m))
    paragraphs: list[str] = []
    current: list[str] = []
    breaks = {match.start(): match.end() for match in _PARAGRAPH.finditer(text)}
    pos_iter = iter(zip(edges, edges[1:]))
    for lo, hi in pos_iter:
        if lo in breaks and breaks[lo] == hi:  # a paragraph break
            paragraphs.append("".join(current))
            current = []
            continue
        covering = [m for _, m in placed if m.start <= lo and hi <= m.end]
        inner = min(covering, key=lambda m: m.end - m.start) if covering else None
        bold = any(m.kind == "claim" and m.claim_id == focus_claim and focus_claim is not None for m in covering)
        current.append(_piece(text[lo:hi], mark_colour(inner) if inner else None, bold))
        for i, m in ends.get(hi, []):
            current.append(f" :{mark_colour(m)}-badge[{i}] ")
    paragraphs.append("".join(current))
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())
