"""A newsletter list item's own model names, read from the item's shape rather than from the gazetteer.

A roundup item names its release in a few fixed shapes: "Orrin - Heron Vision - 8B & 32B (X, HF)",
"Heron-Edge: ternary models for phones (Blog, HF)", "Orrin drops heron-guard - open safety models (X, HF)",
"Orrin - Heron 2 & Heron 2 Mini (X, HF)". kb/nlp/stance_lists.py uses these readers for items whose model the
mention pass did not catch, or caught only in part, and for items that list two releases; kb/nlp/extract.py drops
the short names a longer name of the same stance makes redundant (`drop_redundant`).
"""
from __future__ import annotations

import re
from typing import Optional

from kb.nlp.doc_spans import Mention
from kb.nlp.names import resolve_org_name
from kb.nlp.pipeline import read_patterns
from kb.nlp.records import StanceEvent
from kb.text.keys import name_key

_ROWS = read_patterns("stance_sections")
# description words that end a name written in an item ("Heron 3 SOTA, fully open ..." is Heron 3)
NAME_STOP = {w.lower() for r in _ROWS if r.get("kind") == "item_name_stop" for w in r["words"]}
# a release verb between the maker and the name, or after the name ("Orrin drops X", "X launches as ...")
RELEASE_VERB = re.compile(r"\s+(?:" + "|".join(r["regex"] for r in _ROWS if r.get("kind") == "item_verb") + r")\s+",
                          re.I)
THINGS = "|".join(w for r in read_patterns("stance_non_models") if r["kind"] == "thing" for w in r["words"])
# a description that names something other than a model ("a $299 open-source desktop robot")
NOT_A_MODEL = re.compile(rf"\b(?:{THINGS})\b", re.I)
MODEL_WORD = re.compile(r"\b(?:models?|LLMs?|weights|checkpoints?)\b", re.I)
# a description of a family or series: the item's members are the releases, not the family's name
FAMILY_DESC = re.compile(r"\b(?:family|series)\b", re.I)
# a heading's words, not a release's name ("Open Source LLMs: the week in review")
GENERIC_NAME = re.compile(r"\bopen[- ]?(?:source|weights?)\b|\b(?:models?|LLMs?)$", re.I)
LIST_MARK = re.compile(r"^\s*[-*\u2022]\s+")
TRAILING_LINKS = re.compile(r"\s*\([^()]*\)\s*$")
SEGMENT_BREAK = re.compile(r"\s+[-\u2013\u2014]\s+|:\s+|\s*\u2014\s*")
SIZE = re.compile(r"\d+(?:\.\d+)?[BMT]")
NAME_TOKEN = re.compile(r"[A-Z0-9][\w.+'-]*|[a-z][\w.]*(?:-[\w.]+|\d[\w.]*)+|\[[\w.-]+\]")


def _marked(token: str) -> bool:
    """A token only a name has: a digit, a hyphen or a capital inside it ("Heron-Edge", "v2", "HeronLM")."""
    return bool(re.search(r"\d|\w-\w|[a-z][A-Z]|^\[", token))


def _ends_name(word: str) -> bool:
    """A description word or a size ("Heron 3 SOTA", "Heron 3 106B MoE"): the name ends before it."""
    return word.lower() in NAME_STOP or bool(SIZE.fullmatch(word))


def _without_maker(words: list[str]) -> list[str]:
    """"Orrin Heron 2" -> "Heron 2": a known maker written before the name is not part of it."""
    for k in (2, 1):
        if len(words) > k and resolve_org_name(" ".join(words[:k])):
            return words[k:]
    return words


def _name_of(candidate: str, whole_segment: bool) -> Optional[str]:
    """The name at the start of CANDIDATE, or None when it does not look like one."""
    words = _without_maker(candidate.split())
    taken: list[str] = []
    for w in words:
        if _ends_name(w) or not NAME_TOKEN.fullmatch(w):
            break
        taken.append(w)
    if not taken or len(taken) > 5 or (len(taken) < len(words) and not _ends_name(words[len(taken)])):
        return None  # "Heron ships today for phones": the words after the name are not a description
    if not any(_marked(w) for w in taken) and not (whole_segment and len(taken) >= 2):
        return None  # a plain word ("Psyche") is too weak a name; two capitalised words filling a segment are one
    name = " ".join(taken)
    return None if resolve_org_name(name) or GENERIC_NAME.search(name) else name


def item_name(line: str) -> Optional[str]:
    """The release a newsletter item names by its shape: "Maker - Name - description", "Name: description",
    "Maker drops Name - description", "Name launches as ...", each with a link list at the end."""
    body = LIST_MARK.sub("", line)
    while TRAILING_LINKS.search(body):
        body = TRAILING_LINKS.sub("", body)
    segments = [s.strip() for s in SEGMENT_BREAK.split(body) if s.strip()]
    if not segments:
        return None
    first = segments[0]
    if len(segments) >= 2 and (resolve_org_name(first) or (len(segments) >= 3 and len(first.split()) == 1)):
        segments = segments[1:]  # "Orrin - Heron Vision - 8B & 32B": the maker first
    head = segments[0]
    rest = " ".join(segments[1:])
    verb = RELEASE_VERB.search(head)
    if verb:
        before, after = head[:verb.start()], head[verb.end():]
        if resolve_org_name(before):
            head, whole = re.split(r",\s|\s\(", after)[0], False  # "Orrin drops heron-guard, ..."
        else:
            head, rest, whole = before, after + " " + rest, True  # "Heron 3 launches as an open model"
    else:
        parts = re.split(r",\s|\s\(", head)
        head, whole = parts[0], True
        rest = " ".join(parts[1:] + [rest])
    name = _name_of(head, whole)
    if name is None or FAMILY_DESC.search(rest) or (NOT_A_MODEL.search(rest) and not MODEL_WORD.search(rest)):
        return None
    return name


def extends(longer: str, shorter: str) -> bool:
    """Whether LONGER is SHORTER with more words ("Heron World Model 1.0" of "Heron World")."""
    return longer != shorter and name_key(longer).startswith(name_key(shorter)) and len(longer) > len(shorter) and \
        bool(re.match(re.escape(shorter.split()[0]), longer, re.I))


# "A & B", "A and B", "A, B and C": names coordinated at the head of an item
COORDINATION = re.compile(r"\s*(?:,|&|\band\b|,\s*and\b)\s*")


def coordinated(text: str, first: Mention, names: list[Mention]) -> list[Mention]:
    """FIRST and the names coordinated right after it ("Heron 2 Large & Heron 2 Mini (X, HF)")."""
    out = [first]
    for m in sorted((n for n in names if n.start_char > first.start_char), key=lambda n: n.start_char):
        if not COORDINATION.fullmatch(text[out[-1].end_char:m.start_char]):
            break
        out.append(m)
    return out


def family_members(text: str, first: Mention, names: list[Mention]) -> Optional[list[Mention]]:
    """"Heron 3 family - Large 3 and Heron Mini 3, Apache 2.0": the members the item lists after a family
    name and a dash (those the mention pass knows), or None when FIRST is not named as a family."""
    head = re.match(r"\s+(?:family|series)\s*(?:[-:\u2013\u2014]\s*)", text[first.end_char:first.end_char + 20])
    if head is None:
        return None
    after = [n for n in names if n.start_char >= first.end_char + head.end()]
    return coordinated(text, after[0], after) if after else []


# what a longer name may add to a shorter one and still be another release: a size or a version number alone, or a
# tier of the family ("Heron 3" and "Heron 3 Mini", "Heron" and "Heron Lite 2" are two releases)
OTHER_RELEASE = re.compile(r"\s(?:\d+(?:\.\d+)?[BMT]|v?\d+(?:\.\d+)*|(?:Mini|Small|Medium|Large|Nano|Pro|Max|Ultra|"
                           r"Flash|Lite|Plus|Base|Instruct|Chat|Air|Turbo)\b.*)")


def drop_redundant(events: list[StanceEvent]) -> list[StanceEvent]:
    """A short name whose longer form has the same stance adds nothing ("Heron Flash" beside "Heron Flash
    Thinking"): the longer, more specific name is kept. A version number alone makes another generation ("Heron"
    and "Heron 2" are two releases); a size written after a name is a description ("Heron-4 14B" beside "Heron-4"),
    so there the name without it is kept. A name written with its maker ("Orrin-M2") is kept beside the bare one.
    """
    def same(a: StanceEvent, b: StanceEvent) -> bool:
        return a is not b and bool(a.model and b.model) and a.stance == b.stance and a.planned == b.planned

    def longer_form(short: str, o: StanceEvent) -> bool:
        long = str(o.model)
        return long.lower().startswith(short.lower() + " ") and not OTHER_RELEASE.fullmatch(long[len(short):])

    def with_maker(short: str, o: StanceEvent) -> bool:  # "Heron" beside "Orrin-Heron": the maker's full name
        maker = re.fullmatch(rf"(\S+)[\s-]{re.escape(short)}", str(o.model), re.I)
        return bool(maker and resolve_org_name(maker.group(1)))

    out = []
    for ev in events:
        if ev.model and any(same(ev, o) and (longer_form(str(ev.model), o) or with_maker(str(ev.model), o))
                            for o in events):
            continue
        sized = re.search(r"\s\d+(?:\.\d+)?[BMT]$", ev.model or "")
        if sized and any(same(ev, o) and name_key(o.model) == name_key(str(ev.model)[:sized.start()]) for o in events):
            continue
        out.append(ev)
    return out
