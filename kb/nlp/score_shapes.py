"""Local shapes around a number in a sentence: its parentheses, a heading line, and the models listed right
before or after it ("A and B, both at 57", "57 for both A and B")."""
from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Doc, Span

from kb.nlp.mentions import Mention, doc_text


def paren_bounds(sent: Span, i: int) -> Optional[tuple[int, int]]:
    """Token indices of the '(' and ')' around token i within the sentence, if any."""
    open_i = None
    for j in range(i - 1, max(sent.start, i - 12) - 1, -1):
        t = sent.doc[j].text
        if t == ")":
            return None
        if t == "(":
            open_i = j
            break
    if open_i is None:
        return None
    for j in range(i + 1, min(sent.end, i + 15)):
        if sent.doc[j].text == ")":
            return open_i, j
        if sent.doc[j].text == "(":
            return None
    return None


def heading_line(sent: Span) -> bool:
    """A short line of its own with no closing stop: a heading or a list item's title."""
    text = sent.text.strip().strip("*#").strip()
    after = doc_text(sent.doc)[sent.end_char:sent.end_char + 2]
    line_end = sent.text.rstrip(" ").endswith("\n") or after.startswith("\n") or not after
    return 0 < len(text) <= 90 and text[0].isalpha() and text[-1] not in ".!?:;," and line_end and not re.search(
        r"[{}|=<>\[\]]", text)  # not a line of code, markup or a table


def ending_at(mentions: list[Mention], end: int) -> Optional[Mention]:
    return next((m for m in mentions if m.end == end), None)


def coordinated_before(doc: Doc, models: list[Mention], i: int) -> list[Mention]:
    """Models listed right before token i: "Vega-5.4 and Orrery 3.1 Pro, both at 57"."""
    out: list[Mention] = []
    j = i
    while j > 0:
        while j > 0 and doc[j - 1].text in (",", "and", "or", "&"):
            j -= 1
        m = ending_at(models, j)
        if m is None:
            break
        out.insert(0, m)
        j = m.start
    return out


def coordinated_after(doc: Doc, models: list[Mention], first: Mention) -> list[Mention]:
    """'57 for both A and B', '61 for all of A, B and C': FIRST and the models listed right after it, when
    the words before FIRST say the value is shared ("both", "all", "each"); else FIRST alone."""
    j = first.start - 1
    while j > first.start - 3 and doc[j].is_lower and doc[j].lower_ not in ("both", "all", "each"):
        j -= 1
    if doc[j].lower_ not in ("both", "all", "each"):
        return [first]
    out = [first]
    while True:
        k = out[-1].end
        while k < len(doc) and doc[k].text in (",", "and", "&"):
            k += 1
        nxt = next((m for m in models if m.start == k and k > out[-1].end), None)
        if nxt is None:
            return out
        out.append(nxt)
