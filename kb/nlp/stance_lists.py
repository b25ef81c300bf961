"""Stances stated by a document's structure rather than a sentence: a newsletter's list under an "open
source" heading, a line ending in a Hugging Face link list, a model card's licence field, an API-only launch
(tables: kb/nlp/stance_tables.py).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterator, Optional

from kb.nlp.mentions import DocMentions
from kb.text.keys import name_key
from kb.nlp.pipeline import read_patterns
from kb.nlp.records import StanceEvent
from kb.nlp.stance_items import coordinated, extends, family_members, item_name
from kb.nlp.stance_rules import LICENSE_EXTRA, StanceRules, model_use


# A newsletter's list under a short heading: "- Open Source LLMs" then "- Vendor - Heron 2 - a 7B model (X, HF)".
# A heading is a short line (a list item or not) without a model, a parenthesis or a colon.
LIST_ITEM = re.compile(r"^\s*[-*\u2022]\s+")
SECTION_CUES = [(re.compile(r["regex"], re.I), r["stance"]) for r in read_patterns("stance_sections")
                if r["kind"] == "heading"]
ITEM_COMPARED = re.compile(r"\b(?:on|than|vs\.?|versus|beats?|matches|rivals?|like|from|over|of)\s+(?:\S+\s+){0,2}$",
                           re.I)


# the item's link list names code but no weights page: "(Paper, Github)"
CODE_ONLY_LINKS = re.compile("|".join(r["regex"] for r in read_patterns("stance_sections") if r["kind"] == "skip_item"))
SIZE_SUFFIX = re.compile(r"[\s-]\d+(?:\.\d+)?[BMT]$")
# the line's link list names the weights page: "Heron 2 - a 7B reasoning model (X, HF, Blog)"
WEIGHTS_LINKS = [(re.compile(r["regex"], re.I), r["stance"]) for r in read_patterns("stance_sections")
                 if r["kind"] == "weights_link"]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _heading(line: str, has_model: bool) -> bool:
    body = LIST_ITEM.sub("", line).strip()
    return (bool(body) and not has_model and len(body.split()) <= 7 and not re.search(r"[(:.!?]|\d", body))


# A sentence that introduces a list and ends in a colon (a footnote mark may follow): "the history of its major
# open models is as follows:"
INTRO_END = re.compile(r":\s*(?:\d+\s*)?(?:\{[^{}]*\}\s*)?$")


def _intro_stance(line: str, has_model: bool, rules: StanceRules) -> Optional[str]:
    """The stance a list-introducing sentence without a model name states for its items ("open models ...:")."""
    if has_model or LIST_ITEM.match(line) or not INTRO_END.search(line) or any(rx.search(line) for rx in rules.plans):
        return None
    stances = {c[2] for c in rules.cues_in(line)}
    return stances.pop() if len(stances) == 1 else None


def section_stances(text: str, mentions: DocMentions, rules: StanceRules) -> list[StanceEvent]:
    """The first model of each list item under a short heading that names open releases is open:
    "- Open Source LLMs / - Orrin - Heron 2 - 7B reasoning model (X, HF) / - Big Labs + APIs" gives Heron 2.
    Under a sentence that introduces the list ("Its major open models, in order:") an item must start with
    its model. The section ends at the next heading or at a line that is not a list item; a model named after a
    comparison word ("beats Kite 5") is not the item's subject."""
    out, stance, intro = [], None, False
    for start, line in _lines(text):
        end = start + len(line)
        names = [m for m in mentions.models if start <= m.start_char and m.end_char <= end]
        if _heading(line, bool(names)):
            stance, intro = next((st for rx, st in SECTION_CUES if rx.search(line)), None), False
            continue
        if not line.strip():
            continue
        item = LIST_ITEM.match(line)
        if item is None:
            stance = _intro_stance(line, bool(names), rules)
            intro = stance is not None
            continue
        if stance is None or CODE_ONLY_LINKS.search(line):
            continue  # "Text2Lora - adapters (Github)": code, not weights
        if intro and not any(m.start_char == start + item.end() for m in names):
            continue  # "- Released May 3 ...": under an introducing sentence the item starts with its model
        weights = any(rx.search(line) for rx, _ in WEIGHTS_LINKS)
        out += [StanceEvent(org=org, model=model, stance=stance, evidence=line.strip(), start=start, end=end)
                for model, org in _item_subjects(text, start, end, mentions, by_shape=weights)]
    return out


# what may stand before an item's first name for the item to name its releases: a maker and a dash
ITEM_HEAD = re.compile(r"\s*(?:[-*\u2022]\s+)?(?:[\w.&'\u2019-]+(?:\s[\w.&'\u2019-]+){0,2}\s+[-\u2013\u2014]\s+)?")


def _item_subjects(text: str, start: int, end: int, mentions: DocMentions,
                   by_shape: bool) -> list[tuple[str, Optional[str]]]:
    """(name, org) of the releases a list item names: its first model, the names coordinated with it at the
    item's head ("Orrin - Heron 2 & Heron 2 Mini (X, HF)"), the members listed after a family name, or the
    fuller name the item's shape gives ("Tessaly Lumen World Model 1.0 launches ..." for "Lumen World"). With
    BY_SHAPE an item whose model no mention caught is read from its shape ("Orrin - Heron Vision - 8B (HF)")."""
    line = text[start:end]
    written = item_name(line)
    names = sorted((m for m in mentions.models if start <= m.start_char and m.end_char <= end),
                   key=lambda m: m.start_char)
    first = next((m for m in names if model_use(m, text) and not ITEM_COMPARED.search(text[start:m.start_char])),
                 None)
    if first is None:
        return [(written, None)] if by_shape and written else []
    members = family_members(text, first, names)
    if members is None:
        head = ITEM_HEAD.fullmatch(text[start:first.start_char])
        members = coordinated(text, first, names) if head else [first]
        if len(members) == 1 and written and extends(written, first.name):
            return [(written, mentions.model_orgs.get(first.name))]
    return [(_without_size(m.name, mentions), mentions.model_orgs.get(m.name)) for m in members]


def _line_subject(text: str, start: int, end: int, mentions: DocMentions) -> Optional[tuple[str, Optional[str]]]:
    """(name, org) of the first model a line speaks of (not one named after a comparison word); the name
    without a size suffix."""
    names = sorted((m for m in mentions.models if start <= m.start_char and m.end_char <= end),
                   key=lambda m: m.start_char)
    subject = next((m for m in names if model_use(m, text) and not ITEM_COMPARED.search(text[start:m.start_char])),
                   None)
    if subject is None:
        return None
    return _without_size(subject.name, mentions), mentions.model_orgs.get(subject.name)


def link_list_stances(text: str, mentions: DocMentions, rules: StanceRules) -> list[StanceEvent]:
    """A line (a headline or a list item) ending in a link list that names a Hugging Face page states that the
    line's first model has published weights: "Orrin ships Heron 2, a 7B reasoning model (X, HF, Blog)".
    A line that also says closed or API-only is left to the sentence rules."""
    out = []
    for start, line in _lines(text):
        hit = next(((rx, st) for rx, st in WEIGHTS_LINKS if rx.search(line)), None)
        if hit is None or any(c[2] == "closed" for c in rules.cues_in(line)):
            continue
        said_open = any(c[2] == "open" for c in rules.cues_in(line))  # the line itself calls the release open
        out += [StanceEvent(org=org, model=model, stance=hit[1], evidence=line.strip(), start=start,
                            end=start + len(line))
                for model, org in _item_subjects(text, start, start + len(line), mentions, by_shape=said_open)]
    return out


LICENCE_FIELD = [(re.compile(r["regex"], re.I), r["stance"]) for r in read_patterns("stance_sections")
                 if r["kind"] == "licence_field"]


CARD_HEAD = 400  # the card's model is named in its title or opening lines, not only in a usage section further down


def licence_field_stances(text: str, mentions: DocMentions, rules: StanceRules) -> list[StanceEvent]:
    """A model card's licence field ("- License: Apache 2.0") speaks of the model the line names, else of the
    card's model when the document is about one model (its focal model has at least half the mentions and is
    named in the opening lines)."""
    out = []
    counts = Counter(m.name for m in mentions.models)
    focal = mentions.focal if mentions.focal and counts.get(mentions.focal, 0) * 2 >= sum(counts.values()) and any(
        m.name == mentions.focal and m.start_char < CARD_HEAD for m in mentions.models) else None
    for start, line in _lines(text):
        hit = next(((m, st) for rx, st in LICENCE_FIELD for m in [rx.match(line)] if m), None)
        if hit is None:
            continue
        value, stance = hit[0].group("value"), hit[1]
        lic = rules.license_re.search(value)
        name = rules.license_names.get(lic.group(0), lic.group(0)) if lic else None
        if re.fullmatch(r"\W*(?:proprietary|closed(?:[- ](?:source|weights))?)\W*", value, re.I):
            stance, name = "closed", None  # "License: Proprietary"
        elif any(c[2] == "closed" for c in rules.cues_in(line)) or not (
                name and rules.open_licences.get(name)) and not (lic is None and LICENSE_EXTRA.search(value)):
            continue  # "License: see terms": no licence that lets weights out
        subject = _line_subject(text, start, start + len(line), mentions)
        model = subject[0] if subject else focal
        if focal and model and model != focal and name_key(focal).startswith(name_key(model)):
            model = focal  # "Use of Heron 3 is governed by ..." in the card of Heron 3-Vision: the card's model
        if model:
            extra = LICENSE_EXTRA.search(value) if stance == "open" else None
            out.append(StanceEvent(org=mentions.model_orgs.get(model), model=model, stance=stance,
                                   license=name or (extra.group(0) if extra else None),
                                   evidence=line.strip(), start=start, end=start + len(line)))
    return out


API_LAUNCH = [(re.compile(r["regex"], re.I), r["stance"]) for r in read_patterns("stance_sections")
              if r["kind"] == "api_launch"]


def api_launch_stances(text: str, mentions: DocMentions, rules: StanceRules) -> list[StanceEvent]:
    """A vendor's launch post that offers its model through its own API or app and says nothing open anywhere
    ("Here we introduce Heron-MT via the Orrin API."): the model named in that sentence is closed."""
    # the plain words first: the cue scan of the whole text is the costly test
    if re.search(r"(?i)hugging ?face|\bweights\b|download", text) or any(c[2] == "open" for c in rules.cues_in(text)):
        return []
    for rx, stance in API_LAUNCH:
        for m in rx.finditer(text):
            names = [n for n in mentions.models if m.start() <= n.start_char and n.end_char <= m.end()
                     and model_use(n, text)]
            if names:
                n = names[0]
                return [StanceEvent(org=mentions.model_orgs.get(n.name), model=n.name, stance=stance,
                                    evidence=text[m.start():m.end()], start=m.start(), end=m.end())]
    return []


def _without_size(name: str, mentions: DocMentions) -> str:
    """"Heron-M2 456B" in a list item is Heron-M2: a size written apart is a description, not the name (one
    joined by a hyphen, "Heron-72B", is kept unless the document also names the model without it)."""
    if re.search(r"\s\d+(?:\.\d+)?[BMT]$", name) and re.search(r"\d|[a-z][A-Z]", SIZE_SUFFIX.sub("", name)):
        return SIZE_SUFFIX.sub("", name)
    short = name_key(SIZE_SUFFIX.sub("", name))
    return next((m.name for m in mentions.models if short != name_key(name) and name_key(m.name) == short), name)
