"""What the read queries return: frozen plain records, never ORM objects (the UI and CLI depend on these).

Re-exported by kb.read.queries, which is where callers import them from.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Optional


@dataclass(frozen=True)
class SourceRef:
    """One article reporting a claim (or a stance): where to read it."""

    article_id: int
    title: Optional[str]
    url: Optional[str]
    outlet: Optional[str]  # where we read it
    original_outlet: Optional[str]  # who first published it (None when it is the original)
    published_at: Optional[datetime]
    evidence: str = ""  # this article's sentence
    start: int = 0
    end: int = 0
    reported_by: Optional[str] = None
    hedged: bool = False


@dataclass(frozen=True)
class ClaimHit:
    """A score claim with its provenance; reporter/hedged/evidence come from its first source."""

    claim_id: int
    model: str
    org: Optional[str]
    benchmark: str
    value: float
    unit: Optional[str]
    qualifier: Optional[str]
    reported_by: Optional[str]
    reporter_kind: Optional[str]
    hedged: bool
    corroboration: int
    first_reported_at: datetime
    evidence: str
    sources: tuple[SourceRef, ...] = ()
    claim_key: str = ""
    disputed: bool = False  # an independent reporter gives another value (same model, benchmark, setting)
    undated: bool = False  # no source has a publication date: first_reported_at is when aikb first saw it

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class ArticleHit:
    article_id: int
    title: Optional[str]
    url: Optional[str]
    outlet: Optional[str]
    original_outlet: Optional[str]
    published_at: Optional[datetime]
    snippet: str  # the start of the text (plain text, never HTML)

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class LeaderRow:
    """The best value reported for one model (and setting) on a benchmark, as of a date."""

    rank: int
    model: str
    org: Optional[str]
    qualifier: Optional[str]
    value: float
    unit: Optional[str]
    first_reported_at: datetime
    source_count: int
    corroboration: int
    claim_id: int
    sources: tuple[SourceRef, ...] = ()
    disputed: bool = False
    undated: bool = False

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class Disagreement:
    """One model, benchmark and setting reported with different values; each value with its sources."""

    model: str
    benchmark: str
    qualifier: Optional[str]
    claims: tuple[ClaimHit, ...]  # one per distinct value, highest first

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(c.value for c in self.claims)

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class TimelineEvent:
    """One stance event of an organization, from the news or from reference data."""

    event_id: int
    org: Optional[str]
    model: Optional[str]
    stance: str  # open | closed
    license: Optional[str]
    planned: bool
    origin: str  # news | reference
    reference_source: Optional[str]
    occurred_at: Optional[datetime]
    evidence: Optional[str]
    article_id: Optional[int]
    article_title: Optional[str]
    article_url: Optional[str]
    is_shift: bool  # stance differs from the org's previous (non-planned) stance

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class RoleRow:
    person: str
    org: Optional[str]
    role: Optional[str]
    seen_at: Optional[datetime]
    article_id: Optional[int]
    article_title: Optional[str]
    article_url: Optional[str]
    evidence: Optional[str]


@dataclass(frozen=True)
class ModelPage:
    model_id: int
    name: str
    org: Optional[str]
    family: Optional[str]
    aliases: tuple[str, ...]
    stances: tuple[TimelineEvent, ...]
    scores: tuple[ClaimHit, ...]
    people: tuple[RoleRow, ...]  # people of its org, or named in articles about it
    article_count: int

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class PersonPage:
    person_id: int
    name: str
    aliases: tuple[str, ...]
    roles: tuple[RoleRow, ...]  # in time order

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class OrgPage:
    org_id: int
    name: str
    aliases: tuple[str, ...]
    models: tuple[str, ...]
    timeline: tuple[TimelineEvent, ...]
    people: tuple[RoleRow, ...]

    def to_json(self) -> dict:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class EntityRow:
    entity_id: int
    kind: str
    name: str
    org: Optional[str]
    origin: str
    aliases: tuple[str, ...]
    merged_into: Optional[str] = None


def _jsonable(value):
    """Dates as ISO strings, tuples as lists: what json.dumps and CSV writers accept."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
