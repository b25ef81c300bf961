"""Which stance events are shifts: a change an analyst would call news, not model-by-model churn.

An organization that ships open small models beside closed flagships takes both stances every month;
counting each change between consecutive events made dozens of "shifts" out of reference data that
never changed course. Two rules instead:

1. **Family change**: the org's stance for the same model family differs from the last stance it took
   for that family ("Lumen 2" open, later "Lumen Prism" closed). The family is the model's recorded
   family, else its name without version and size tokens ("Llama 3.1 405B" -> "llama"), so
   "gpt-oss" (open) is a family of its own beside "GPT-4" (closed).
2. **Break with the prevailing stance**: a news event differs both from the stance most of the org's
   earlier events took (ties: the most recent of them) and from the org's latest news stance before
   it, e.g. an open-weights lab's first closed model (reported again later, it is no new shift).

Planned events ("will open the weights") never count and never change what the org's stance is.
Pure functions over plain values: kb.read.pages.timeline feeds them rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from typing import Optional, Sequence

_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)  # runs of letters: "Qwen2.5-Max" -> qwen, max
# words that name a size or a variant of a release rather than a line of models
_VARIANT_WORDS = frozenset({"instruct", "chat", "base", "preview", "it", "hf", "exp", "experimental", "latest",
                            "beta", "alpha"})


@lru_cache(maxsize=65536)  # pure; the openness of a board's models asks it of the same names thousands of times
def family_key(model: Optional[str], family: Optional[str] = None) -> str:
    """The family (line of models) a stance event is about: the model's name without versions and sizes.

    "Qwen2.5-Max" and "Qwen3-Max" are one line, "Qwen2.5-VL-72B" another: a gazetteer family such as
    "Qwen" holds an org's open and closed lines alike, so it is only used when no model is named.
    "" when the event names neither (an org-wide statement), which is a family of its own.
    """
    text = model or family or ""
    words = [w for w in (t.casefold() for t in _TOKEN.findall(text)) if len(w) > 1 and w not in _VARIANT_WORDS]
    if not words and text:  # a name made of versions only ("o1"): keep it whole
        return re.sub(r"\W+", "", text.casefold())
    return " ".join(words)


@dataclass(frozen=True)
class StanceStep:
    """One event of one org, in time order, as the rules need it."""

    stance: str
    planned: bool
    origin: str
    family: str
    when: Optional[datetime] = None  # events of one instant (one article) never shift each other


def shift_flags(steps: Sequence[StanceStep]) -> list[bool]:
    """For STEPS (one org's events, oldest first): True where the event is a shift (see module doc)."""
    flags = [False] * len(steps)
    by_family: dict[str, tuple[str, Optional[datetime]]] = {}  # family -> (last stance, when)
    earlier: list[StanceStep] = []  # non-planned steps before the current instant
    last_news: set[str] = set()  # the stances the org's latest earlier news instant reported
    instant: list[StanceStep] = []
    for i, step in enumerate(steps):
        if instant and step.when != instant[0].when:  # a new instant: what came before is history now
            earlier.extend(instant)
            news = [s for s in instant if s.origin == "news"]
            last_news = {s.stance for s in news} if news else last_news
            instant = []
        if step.planned:
            continue
        before = by_family.get(step.family)
        if before is not None and before[0] != step.stance and before[1] != step.when:
            flags[i] = True
        by_family[step.family] = (step.stance, step.when)
        if step.origin == "news" and step.stance not in last_news:
            prevailing = prevailing_stance(earlier)
            if prevailing is not None and prevailing != step.stance:
                flags[i] = True
        instant.append(step)
    return flags


def prevailing_stance(steps: Sequence[StanceStep]) -> Optional[str]:
    """The stance most of STEPS took; on a tie the one taken last. None for no steps."""
    if not steps:
        return None
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.stance] = counts.get(step.stance, 0) + 1
    top = max(counts.values())
    return next(s.stance for s in reversed(steps) if counts[s.stance] == top)
