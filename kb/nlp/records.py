"""What the extractor produces: plain frozen records, no database. kb/claims.py stores them.

Offsets (start, end) are character offsets into the text handed to the extractor (the article's
clean text); `evidence` is the sentence (or table row rendered as text) the item came from.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class ModelMention:
    name: str  # canonical display name when linked to the gazetteer, else the surface form
    org: Optional[str] = None
    family: Optional[str] = None  # "Llama" for "Llama 4 Maverick"
    known: bool = False  # found in the gazetteer
    focal: bool = False  # the article's main subject
    mentions: int = 1


@dataclass(frozen=True)
class OrgMention:
    name: str
    kind: Optional[str] = None  # lab | company | evaluator | outlet
    mentions: int = 1


@dataclass(frozen=True)
class PersonRole:
    name: str
    org: Optional[str] = None
    role: Optional[str] = None
    evidence: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class ScoreClaim:
    model: str
    benchmark: str
    value: float
    unit: Optional[str] = None  # "%", "score", "Elo", ...
    qualifier: Optional[str] = None  # "with tools", "pass@1", "Contemplating mode"
    reported_by: Optional[str] = None  # the vendor, an evaluator, or the outlet
    reporter_kind: Optional[str] = None  # vendor | evaluator | outlet
    hedged: bool = False
    evidence: str = ""
    start: int = 0  # offsets of the evidence sentence in the text
    end: int = 0
    in_title: bool = False  # stated only in the title: evidence is the title, offsets are 0, 0
    in_table: bool = False  # read from a table; offsets are 0, 0 when its rows are not in the text


@dataclass(frozen=True)
class StanceEvent:
    org: Optional[str]
    model: Optional[str]  # a model or a family ("Llama")
    stance: str  # open | closed
    license: Optional[str] = None
    planned: bool = False
    evidence: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Extraction:
    title: str = ""
    models: tuple[ModelMention, ...] = ()
    orgs: tuple[OrgMention, ...] = ()
    people: tuple[PersonRole, ...] = ()
    scores: tuple[ScoreClaim, ...] = ()
    stances: tuple[StanceEvent, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The shape `aikb extract --format json` prints for one document (without "file")."""
        return {
            "title": self.title,
            "models": [{"name": m.name, "org": m.org} for m in self.models],
            "orgs": [{"name": o.name} for o in self.orgs],
            "people": [{"name": p.name, "org": p.org, "role": p.role} for p in self.people],
            "scores": [asdict(s) for s in self.scores],
            "stances": [asdict(s) for s in self.stances],
        }
