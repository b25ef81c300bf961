"""One text normalisation before anything reads a document, with a map back to the original offsets.

Web text writes the same thing many ways: a model name with a non-breaking hyphen (U+2011) or an en
dash, a score with a narrow no-break space before its "%", a possessive with a curly apostrophe, an
invisible zero-width space inside a name, an HTML entity the feed escaped twice ("Luna&#8217;s").
Every rule downstream reads the normalised text, so each rule only needs the plain ASCII spelling.

Most replacements are one character for one character; zero-width characters are dropped, entities
shrink to one character and glued em dashes get spaces. `Normalised.span` maps every span of the
normalised text back into the original, so the records' offsets and evidence keep pointing into
the text the caller handed in (`remap_extraction`).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from typing import Optional, TypeVar

from kb.nlp.records import Extraction, PersonRole, ScoreClaim, StanceEvent

# One character for one character.
_CHAR_MAP = {
    **{chr(c): "-" for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2212, 0xFE63, 0xFF0D)},
    **{chr(c): " " for c in (0x00A0, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
                             0x202F, 0x205F, 0x3000)},
    **{chr(c): "'" for c in (0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0xFF07)},
    **{chr(c): '"' for c in (0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0xFF02)},
}
_DROP = {chr(c) for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}  # zero-width, soft hyphen
_LONG_DASHES = {"\u2014", "\u2015"}  # em dash, horizontal bar: punctuation between words
_ENTITY = r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_SPECIAL = re.compile("|".join([_ENTITY, "[" + re.escape("".join([*_CHAR_MAP, *_DROP, *_LONG_DASHES])) + "]"]))
_CHARS_ONLY = re.compile("[" + re.escape("".join([*_CHAR_MAP, *_DROP, *_LONG_DASHES])) + "]")


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, for each of its characters, the original span it came from."""

    text: str
    original: str
    starts: Optional[tuple[int, ...]] = None  # None: same length, same offsets
    ends: Optional[tuple[int, ...]] = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of the normalised span [START, END)."""
        if self.starts is None or self.ends is None:
            return start, end
        n = len(self.text)
        a = self.starts[start] if start < n else len(self.original)
        b = self.ends[end - 1] if 0 < end <= n and end > start else a
        return a, b


def _replacement(token: str, text: str, start: int, end: int) -> str:
    if token in _DROP:
        return ""
    if token in _LONG_DASHES:
        left = " " if start > 0 and not text[start - 1].isspace() else ""
        right = " " if end < len(text) and not text[end].isspace() else ""
        return f"{left}-{right}"
    if token.startswith("&"):
        decoded = html.unescape(token)
        if decoded == token or len(decoded) != 1:
            return token  # not an entity we know: leave it as written
        if decoded in ("<", ">"):
            return token  # markup escapes stay escaped: the text is data, never markup
        return _replacement(decoded, text, start, end) if (
            decoded in _CHAR_MAP or decoded in _DROP or decoded in _LONG_DASHES) else decoded
    return _CHAR_MAP.get(token, token)


def normalise(text: str, entities: bool = True) -> Normalised:
    """Dashes to '-', unusual spaces to ' ', curly quotes to straight ones, zero-width characters out,
    HTML entities decoded (unless ENTITIES is False, for HTML that a parser will decode itself)."""
    rx = _SPECIAL if entities else _CHARS_ONLY
    if not rx.search(text):
        return Normalised(text, text)
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    same_length = True
    for m in rx.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
            starts.extend(range(pos, m.start()))
            ends.extend(range(pos + 1, m.start() + 1))
        new = _replacement(m.group(0), text, m.start(), m.end())
        same_length = same_length and len(new) == m.end() - m.start()
        starts.extend([m.start()] * len(new))
        ends.extend([m.end()] * len(new))
        parts.append(new)
        pos = m.end()
    parts.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    out = "".join(parts)
    if same_length:
        return Normalised(out, text)  # one character for one: the offsets are the original's
    return Normalised(out, text, tuple(starts), tuple(ends))


def normalise_html(fragment: str) -> str:
    """The character part of the normalisation for an HTML fragment (a table): entities are the parser's."""
    return normalise(fragment, entities=False).text


_Located = TypeVar("_Located", ScoreClaim, StanceEvent, PersonRole)  # records with evidence and offsets


def _remap(rec: _Located, norm: Normalised, title: Optional[tuple[str, str]] = None) -> _Located:
    """One record with offsets and evidence moved back into the original text."""
    start, end = getattr(rec, "start", 0), getattr(rec, "end", 0)
    if getattr(rec, "in_title", False) and title and rec.evidence == title[0]:
        return replace(rec, evidence=title[1])
    if end <= start:
        return rec
    a, b = norm.span(start, end)
    if rec.evidence == norm.text[start:end]:
        return replace(rec, start=a, end=b, evidence=norm.original[a:b])
    return replace(rec, start=a, end=b)


def remap_extraction(ex: Extraction, norm: Normalised, title: Optional[Normalised] = None) -> Extraction:
    """An Extraction read from NORM.text with every offset and evidence pointing into NORM.original."""
    pair = (title.text, title.original) if title is not None else None
    if norm.text == norm.original and (pair is None or pair[0] == pair[1]):
        return ex
    return replace(ex, scores=tuple(_remap(s, norm, pair) for s in ex.scores),
                   stances=tuple(_remap(s, norm, pair) for s in ex.stances),
                   people=tuple(_remap(p, norm, pair) for p in ex.people))
