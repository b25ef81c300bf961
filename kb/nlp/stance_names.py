"""Which name a stance event carries: the series a sentence names ("the Heron3 family"), a family name widened
to the line it heads ("Heron Embedding models"), and one spelling per model ("Heron 3" / "Heron3").
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from kb.nlp.records import StanceEvent
from kb.nlp.stance_tables import CHECKPOINT_WORDS
from kb.text.keys import name_key

# "the code and weights of the Heron series", "all models in the Heron3 family": the sentence names its series
OWN_SERIES = re.compile(r"\b(?:[Tt]he|[Ii]ts|[Oo]ur|[Tt]heir)\s+(?P<name>[A-Z][\w.-]+(?:\s[A-Z0-9][\w.-]*)?)\s+"
                        r"(?:series|family)\b")
# a name shaped like a model's own (a version digit, a hyphenated part, an inner capital), not a plain word
MODEL_SHAPED = re.compile(r"\d|\w-\w|[a-z][A-Z]")
# "Heron Embedding models are ...": a capitalised word between a family's name and a class noun is the line's name
LINE_AFTER = r"\s+(?P<word>[A-Z][a-z][\w.-]*)\s+(?:[Mm]odels|series|[Ff]amily|Series)\b"


# "Base checkpoints (Heron-Base-Beta) are licensed ...", "Released Heron-3B-2T model under ...": a hyphenated name
# that labels the checkpoints or model the sentence speaks of (not "a Heron-3-based model": its last part is a word)
LABELLED = re.compile(r"\b(?:checkpoints?|models?|weights)\s*\(\s*(?P<a>[A-Z][\w.]*(?:-[\w.]+)+)\s*\)|"
                      r"(?<![\w.-])(?P<b>[A-Z][\w.]*(?:-[\w.]*\d[\w.]*)+)\s+models?\b")


def own_series(text: str) -> tuple[Optional[str], bool]:
    """(name, whether it is shaped like a model name) of the series the sentence names ("the X series/family"),
    or of the checkpoints it labels ("checkpoints (X)", "X model")."""
    m = OWN_SERIES.search(text)
    if m:
        return m.group("name"), bool(MODEL_SHAPED.search(m.group("name")))
    label = LABELLED.search(text)
    name = (label.group("a") or label.group("b")) if label else None
    if name and not re.search(r"-[a-z]+$", name):
        return name, True
    return None, False


def _count(name: str, text: str) -> int:
    return len(re.findall(r"(?<![\w.-])" + re.escape(name) + r"(?![\w-]|\.\w)", text))


def _variants(ev: StanceEvent) -> list[StanceEvent]:
    """"Heron Base and Heron Instruct are on Hugging Face": when every time the sentence names the model it names
    one of its released variants (a capitalised stage word after the name), the events are the variants'."""
    if not ev.model:
        return [ev]
    name = re.escape(ev.model)
    after = [m.group(1) for m in re.finditer(rf"(?<![\w.-]){name}(?![\w-]|\.\w)([\s-][A-Z][a-z]*)?", ev.evidence or "")]
    if not after or not all(w and w.strip(" -").lower() in CHECKPOINT_WORDS for w in after):
        return [ev]
    return [replace(ev, model=ev.model + w) for w in dict.fromkeys(after)]


def settle_names(events: list[StanceEvent], text: str) -> list[StanceEvent]:
    """Name each event's released variants, widen a family's name to the line its sentence names when the
    document writes that line again, then keep one event per model: spellings with one `name_key` (case,
    separators, apostrophes aside) are one model, written the way the document writes it most often."""
    widened = []
    for ev in (v for e in events for v in _variants(e)):
        line = re.search(r"(?<![\w.-])" + re.escape(ev.model) + LINE_AFTER, ev.evidence or "") if ev.model else None
        name = f"{ev.model} {line.group('word')}" if line else None
        widened.append(replace(ev, model=name) if name and _count(name, text) >= 2 else ev)
    best: dict[tuple[str, str, bool], str] = {}
    for ev in widened:
        if ev.model:
            key = (name_key(ev.model), ev.stance, ev.planned)
            if key not in best or _count(ev.model, text) > _count(best[key], text):
                best[key] = ev.model
    out, seen = [], set()
    for ev in widened:
        name = best.get((name_key(ev.model), ev.stance, ev.planned), ev.model) if ev.model else None
        if (name, ev.stance, ev.planned) not in seen:
            seen.add((name, ev.stance, ev.planned))
            out.append(replace(ev, model=name) if name != ev.model else ev)
    return out
