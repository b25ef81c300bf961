"""The article reader's data: an article's cleaned text and where each extracted claim, stance and person
sits in it (read-only; plain records).

Offsets come from the extractor (the evidence sentence's place in the text). When they are missing
or no longer match the text (a title-only claim, a re-cleaned article), the evidence sentence is looked
up in the text; a claim whose sentence is not in the text is still listed, just not placed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from kb.models import (
    Article,
    ArticleEntity,
    ClaimSource,
    Entity,
    PersonRole,
    ScoreClaim,
    StanceEvent,
)
from kb.read.lookup import resolve
from kb.read.search import core_rows

MAX_MARKS = 200
_MODEL, _BENCH, _ORG, _PERSON = aliased(Entity), aliased(Entity), aliased(Entity), aliased(Entity)


@dataclass(frozen=True)
class Mark:
    """One extracted item and the span of the text that states it (start == end == -1: not placed)."""

    kind: str  # claim | stance | person
    start: int
    end: int
    label: str  # a short plain-text summary ("Aurora-2 Pro · CharXiv Reasoning · 86.4")
    model: Optional[str] = None
    benchmark: Optional[str] = None
    org: Optional[str] = None
    person: Optional[str] = None
    stance: Optional[str] = None  # open | closed, for a stance
    planned: bool = False
    reporter: Optional[str] = None  # vendor | evaluator | outlet, for a claim
    claim_id: Optional[int] = None


@dataclass(frozen=True)
class ReaderArticle:
    article_id: int
    title: Optional[str]
    url: Optional[str]
    outlet: Optional[str]
    original_outlet: Optional[str]
    published_at: Optional[datetime]
    text: str
    marks: tuple[Mark, ...]  # in text order, unplaced ones last
    focus_claim: Optional[int] = None


@dataclass(frozen=True)
class ArticleChoice:
    article_id: int
    title: Optional[str]
    outlet: Optional[str]
    published_at: Optional[datetime]


def _place(text: str, start: Optional[int], end: Optional[int], evidence: Optional[str]) -> tuple[int, int]:
    """The span of EVIDENCE in TEXT without surrounding whitespace (a sentence's offsets may take in the
    paragraph break after it), or (-1, -1)."""
    s, e = _find(text, start, end, evidence)
    while s >= 0 and e > s and text[e - 1].isspace():
        e -= 1
    while s >= 0 and s < e and text[s].isspace():
        s += 1
    return (s, e) if e > s else (-1, -1)


def _find(text: str, start: Optional[int], end: Optional[int], evidence: Optional[str]) -> tuple[int, int]:
    """The span of EVIDENCE in TEXT: the stored offsets when they hold it, else its first occurrence."""
    evidence = (evidence or "").strip()
    if start is not None and end is not None and 0 <= start < end <= len(text):
        if not evidence or " ".join(text[start:end].split()) == " ".join(evidence.split()):
            return start, end
    if evidence:
        at = text.find(evidence)
        if at >= 0:
            return at, at + len(evidence)
        flat = re.escape(" ".join(evidence.split())).replace(r"\ ", r"\s+")
        found = re.search(flat, text)
        if found:
            return found.span()
    return -1, -1


def _value(value: float) -> str:
    return f"{value:.10g}"


def reader_article(session: Session, article_id: Optional[int] = None, *,
                   claim_id: Optional[int] = None) -> Optional[ReaderArticle]:
    """The article ARTICLE_ID, or the one a claim was first reported in (original outlet first), with its marks.

    None when neither exists.
    """
    if article_id is None and claim_id is not None:
        article_id = _first_report(session, int(claim_id))
    if article_id is None:
        return None
    article = session.get(Article, int(article_id))
    if article is None:
        return None
    text = article.text or ""
    marks = _claim_marks(session, article.id, text) + _stance_marks(session, article.id, text) + \
        _person_marks(session, article.id, text)
    marks.sort(key=lambda m: (m.start < 0, m.start, m.end))
    return ReaderArticle(article_id=article.id, title=article.title, url=article.url, outlet=article.outlet,
                         original_outlet=article.original_outlet, published_at=article.published_at, text=text,
                         marks=tuple(marks), focus_claim=int(claim_id) if claim_id is not None else None)


def _first_report(session: Session, claim_id: int) -> Optional[int]:
    """The article a claim was first reported in, the original outlet's before a copy's; None without one."""
    rows = core_rows(session, select(ClaimSource.article_id, Article.original_outlet, Article.outlet,
                                     Article.published_at)
                     .join(Article, Article.id == ClaimSource.article_id)
                     .where(ClaimSource.claim_id == claim_id))
    if not rows:
        return None
    copy = lambda r: bool(r[1]) and r[1].casefold() != (r[2] or "").casefold()  # noqa: E731
    return min(rows, key=lambda r: (copy(r), r[3] is None, r[3] or datetime.max, r[0]))[0]


def _claim_marks(session: Session, article_id: int, text: str) -> list[Mark]:
    marks = []
    for (cid, start, end, evidence, kind, reported_by, value, unit, qualifier, model, bench) in core_rows(session, (
            select(ClaimSource.claim_id, ClaimSource.start, ClaimSource.end, ClaimSource.evidence,
                   ClaimSource.reporter_kind, ClaimSource.reported_by, ScoreClaim.value, ScoreClaim.unit,
                   ScoreClaim.qualifier, _MODEL.name, _BENCH.name)
            .join(ScoreClaim, ScoreClaim.id == ClaimSource.claim_id)
            .join(_MODEL, _MODEL.id == ScoreClaim.model_id).join(_BENCH, _BENCH.id == ScoreClaim.benchmark_id)
            .where(ClaimSource.article_id == article_id).order_by(ClaimSource.start, ClaimSource.id)
            .limit(MAX_MARKS))):
        s, e = _place(text, start, end, evidence)
        shown_unit = "" if unit in (None, "", "score") else unit
        label = " · ".join(x for x in (model, bench, _value(value) + (shown_unit if shown_unit == "%" else
                                                                      f" {shown_unit}" if shown_unit else ""),
                                       qualifier) if x)
        if reported_by:
            label += f" (reported by {reported_by})"
        marks.append(Mark(kind="claim", start=s, end=e, label=label, model=model, benchmark=bench,
                          reporter=kind, claim_id=cid))
    return marks


def _stance_marks(session: Session, article_id: int, text: str) -> list[Mark]:
    marks = []
    for (start, end, evidence, stance, planned, org, model, model_name) in core_rows(session, (
            select(StanceEvent.start, StanceEvent.end, StanceEvent.evidence, StanceEvent.stance, StanceEvent.planned,
                   _ORG.name, _MODEL.name, StanceEvent.model_name)
            .join(_ORG, _ORG.id == StanceEvent.org_id, isouter=True)
            .join(_MODEL, _MODEL.id == StanceEvent.model_id, isouter=True)
            .where(StanceEvent.article_id == article_id).order_by(StanceEvent.start, StanceEvent.id)
            .limit(MAX_MARKS))):
        s, e = _place(text, start, end, evidence)
        what = model or model_name
        label = " · ".join(x for x in (org, what, ("will be " if planned else "") + stance) if x)
        marks.append(Mark(kind="stance", start=s, end=e, label=label, model=model, org=org, stance=stance,
                          planned=bool(planned)))
    return marks


def _person_marks(session: Session, article_id: int, text: str) -> list[Mark]:
    marks = []
    for person, org, role, evidence in core_rows(session, (
            select(_PERSON.name, _ORG.name, PersonRole.role, PersonRole.evidence)
            .join(_PERSON, _PERSON.id == PersonRole.person_id).join(_ORG, _ORG.id == PersonRole.org_id, isouter=True)
            .where(PersonRole.article_id == article_id).order_by(PersonRole.id).limit(MAX_MARKS))):
        s, e = _name_span(text, person, evidence)
        label = person + (f", {role}" if role else "") + (f" at {org}" if org else "")
        marks.append(Mark(kind="person", start=s, end=e, label=label, person=person, org=org))
    return marks


def _name_span(text: str, name: str, evidence: Optional[str]) -> tuple[int, int]:
    """Where the person's NAME is stated: inside their evidence sentence if it is in the text, else anywhere."""
    s, e = _place(text, None, None, evidence)
    lo = s if s >= 0 else 0
    hi = e if s >= 0 else len(text)
    found = re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text[lo:hi])
    if found is None and s >= 0:
        found = re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text)
        lo = 0
    return (lo + found.start(), lo + found.end()) if found else (-1, -1)


def recent_articles(session: Session, *, limit: int = 200) -> list[ArticleChoice]:
    """The most recently published articles (for the reader's picker)."""
    rows = core_rows(session, select(Article.id, Article.title, Article.outlet, Article.published_at)
                     .order_by(Article.published_at.desc(), Article.id.desc()).limit(limit))
    return [ArticleChoice(article_id=i, title=t, outlet=o, published_at=p) for i, t, o, p in rows]


def entity_articles(session: Session, kind: str, name: str, *, limit: int = 20) -> list[ArticleChoice]:
    """The newest articles that mention the entity NAME of KIND (its merged names too)."""
    entity = resolve(session, kind, name)
    if entity is None:
        return []
    ids = [entity.id, *session.exec(select(Entity.id).where(Entity.merged_into_id == entity.id)).all()]
    rows = core_rows(session, select(Article.id, Article.title, Article.outlet, Article.published_at)
                     .join(ArticleEntity, ArticleEntity.article_id == Article.id)
                     .where(ArticleEntity.entity_id.in_(ids)).distinct()
                     .order_by(Article.published_at.desc(), Article.id.desc()).limit(limit))
    return [ArticleChoice(article_id=i, title=t, outlet=o, published_at=p) for i, t, o, p in rows]
