"""Who reported each value of a sentence (issue 12 item 7), on top of ReportRules (kb/nlp/score_rules.py).

- One sentence can carry two reporters' numbers ("M scored 71.2 on B in E's run, below the 74.0 its
  maker reported"). The sentence is cut into clauses at separators (data/patterns/reporting.jsonl kind
  "clause"); when its clauses name different reporters, a value takes the reporter of its own clause,
  else the one reporter a number-free clause names ("According to E, ..."), else the sentence's.
- An independent evaluator the gazetteer does not know is recognised by the shape the text presents it
  in (kind "evaluator_shape": "Z, an independent evaluation group", "independent testers at Z",
  "Z's leaderboard"), never by its name; known labs, outlets, models and benchmarks are not evaluators.
- "the independent result was 77.0%" (kind "evaluator_anaphor") is the document's one evaluator.
- A model's maker the mentions did not link is read from the possessive "Org's Model" in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from kb.nlp.names import gazetteer, org_kind, resolve_model_name, resolve_org_name
from kb.nlp.pipeline import read_patterns
from kb.nlp.score_rules import NUMBER, ReportRules
from kb.text.keys import name_key
from kb.text.lexicon import ORG_END

# a capitalised name of up to five words ("OpenBench Collective", "Center for Model Audits")
NAME = r"(?-i:[A-Z][\w&.-]*(?:\s(?:(?:of|for|&)\s)?[A-Z0-9][\w&.-]*){0,4})"
NOT_EVALUATORS = ("lab", "company", "outlet", "university")

Reported = tuple[Optional[str], Optional[str], bool]


@dataclass(frozen=True)
class Clause:
    text: str
    start: int
    end: int
    numbers: bool  # holds a number


def _with_names(regex: str) -> str:
    """REGEX with each {name} a named group of its own (name0, name1, ...)."""
    parts = regex.split("{name}")
    return "".join(p + (f"(?P<name{i}>{NAME})" if i < len(parts) - 1 else "") for i, p in enumerate(parts))


class ReportScope:
    """Per-value reporters and unknown evaluators; the data is read once."""

    def __init__(self, rules: ReportRules) -> None:
        self.rules = rules
        rows = read_patterns("reporting")
        self.separator = re.compile("|".join(r["regex"] for r in rows if r["kind"] == "clause"), re.I)
        self.shapes = [re.compile(_with_names(r["regex"]), re.I) for r in rows if r["kind"] == "evaluator_shape"]
        self.anaphor = re.compile("|".join(r["regex"] for r in rows if r["kind"] == "evaluator_anaphor"), re.I)

    def clauses(self, sentence: str) -> list[Clause]:
        out, at = [], 0
        for m in [*self.separator.finditer(sentence), None]:
            end = m.start() if m else len(sentence)
            if end > at:
                text = sentence[at:end]
                out.append(Clause(text, at, end, bool(NUMBER.search(text))))
            at = m.end() if m else at
        return out

    def shaped(self, text: str, not_these: set[str]) -> list[str]:
        """Organisations TEXT presents as independent evaluators, known or not (NOT_THESE: the outlet, makers)."""
        found: list[str] = []
        for rx in self.shapes:
            for m in rx.finditer(text):
                raw = next((v for k, v in m.groupdict().items() if k.startswith("name") and v), None)
                name = re.sub(r"^(?:The|the)\s+|[.\s]+$", "", raw or "")
                if name and name not in found and self._may_evaluate(name, not_these):
                    found.append(resolve_org_name(name) or name)
        return found

    @staticmethod
    def _may_evaluate(name: str, not_these: set[str]) -> bool:
        known = resolve_org_name(name)
        if known and org_kind(known) == "evaluator":
            return True
        return not (len(name) < 3 or name.casefold() in not_these or (known and known.casefold() in not_these)
                    or org_kind(known or name) in NOT_EVALUATORS or resolve_model_name(name)
                    or gazetteer().bench_index.get(name_key(name)))  # a known benchmark, not a "...Bench" shape

    def document_evaluators(self, text: str, org_names: list[str], not_these: set[str]) -> tuple[str, ...]:
        """The evaluators of a document: those its text presents by shape, and the gazetteer's it names."""
        known = [o for o in org_names if org_kind(o) == "evaluator"]
        return tuple(dict.fromkeys([*self.shaped(text, not_these), *known]))

    def named(self, text: str, maker: Optional[str], orgs: tuple[str, ...], evaluators: tuple[str, ...],
              not_these: set[str]) -> Optional[tuple[str, str, bool]]:
        """The reporter TEXT names: ReportRules', an evaluator by shape, or 'the independent result'."""
        named = self.rules.named(text, maker, orgs, evaluators)
        if named or self.rules.credit.search(text):
            return named
        hedged = bool(self.rules.hedge.search(text))
        shaped = self.shaped(text, not_these)
        if len(shaped) == 1:
            return shaped[0], "evaluator", hedged
        if not shaped and len(evaluators) == 1 and self.anaphor.search(text):
            return evaluators[0], "evaluator", hedged
        return None

    def reporter(self, sentence: str, value: float, maker: Optional[str], focal_maker: Optional[str],
                 outlet: Optional[str], orgs: tuple[str, ...] = (), evaluators: tuple[str, ...] = ()) -> Reported:
        """(reported_by, reporter_kind, hedged) of VALUE in SENTENCE: its clause's reporter when the
        sentence's clauses name different reporters, else the sentence's."""
        not_these = {x.casefold() for x in (outlet, resolve_org_name(outlet or ""), maker) if x}
        clauses = self.clauses(sentence)
        named = [self.named(c.text, maker, orgs, evaluators, not_these) for c in clauses]
        if len({n[:2] for n in named if n}) >= 2:
            at = value_at(sentence, value)
            mine = next((i for i, c in enumerate(clauses) if at is not None and c.start <= at < c.end), None)
            own = named[mine] if mine is not None else None
            if own:
                return own
            free = {n for n, c in zip(named, clauses) if n and not c.numbers}
            if mine is not None and len(free) == 1:
                return free.pop()
        whole = self.named(sentence, maker, orgs, evaluators, not_these)
        if whole and whole[1] == "evaluator" and not self.rules.evaluator_of(sentence, evaluators):
            return whole  # an evaluator only its shape names
        return self.rules.reporter(sentence, maker, focal_maker, outlet, orgs, evaluators)


def value_at(sentence: str, value: float) -> Optional[int]:
    """Where VALUE is written in SENTENCE, when it is written once."""
    at = [m.start() for m in NUMBER.finditer(sentence) if _number(m.group()) == value]
    return at[0] if len(at) == 1 else None


def _number(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return float("nan")


def possessive_maker(text: str, model: str, orgs: list[str]) -> Optional[str]:
    """The maker of MODEL the text names in 'Org's Model' ("Northwind AI's Halo 2"), of the organisations ORGS."""
    if not re.search(rf"['\u2019]s\s+(?:new\s+|latest\s+)?{re.escape(model)}(?![\w-])", text):
        return None  # no "'s Model" at all: skip the per-organisation searches (most claims)
    for org in orgs:
        if org not in text or org_kind(org) in ("evaluator", "outlet", "university"):
            continue
        m = re.search(rf"(?<![\w-])(?P<org>{re.escape(org)}(?:\s+(?:{ORG_END})\.?)?)['\u2019]s\s+"
                      rf"(?:new\s+|latest\s+)?{re.escape(model)}(?![\w-])", text)
        if m:  # the name as written in full ("Northwind AI", where the mentions hold "Northwind")
            return resolve_org_name(m["org"]) or resolve_org_name(org) or m["org"].rstrip(".")
    return None
