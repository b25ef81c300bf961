"""The records of mentions in a parsed doc, and the doc's text and entities read once.

Shared by the mention rules (kb/nlp/mentions.py, discover.py, name_extent.py, makers.py) and the readers
of claims (scores, stances, people).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Span


def doc_text(doc: Doc) -> str:
    """DOC's text, built once: spaCy's Doc.text joins every token on each access, and the rules read it often."""
    text = doc.user_data.get("aikb_text")
    if text is None:
        text = doc.user_data["aikb_text"] = "".join(t.text_with_ws for t in doc)
    return text


@dataclass
class Mention:
    kind: str  # MODEL | BENCHMARK | ORG | FAMILY
    name: str  # canonical display name
    start: int  # token index
    end: int
    start_char: int
    end_char: int
    known: bool = False


@dataclass
class DocMentions:
    models: list[Mention] = field(default_factory=list)
    benchmarks: list[Mention] = field(default_factory=list)
    orgs: list[Mention] = field(default_factory=list)
    families: list[Mention] = field(default_factory=list)
    focal: Optional[str] = None
    model_orgs: dict = field(default_factory=dict)

    def in_span(self, kind_list: list[Mention], start: int, end: int) -> list[Mention]:
        """Mentions of one kind whose tokens lie inside [start, end)."""
        return [m for m in kind_list if m.start >= start and m.end <= end]


class Ents:
    """A doc's entities, for `within(span)`: Span.ents re-reads the whole doc on every call, which
    made a long text quadratic (100 KB took over a minute; found by tests/test_hardening.py)."""

    def __init__(self, doc: Doc) -> None:
        self.ents = tuple(doc.ents)  # sorted by start, not overlapping
        self.starts = [e.start for e in self.ents]

    def within(self, span: Span) -> list[Span]:
        """The entities lying wholly inside SPAN, like span.ents."""
        i = bisect.bisect_left(self.starts, span.start)
        out = []
        while i < len(self.ents) and self.ents[i].start < span.end:
            if self.ents[i].end <= span.end:
                out.append(self.ents[i])
            i += 1
        return out

