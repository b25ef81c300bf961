"""Builders for knowledge-base tests: stored Article rows and hand-made Extraction records (no spaCy)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy import text
from sqlmodel import Session

from kb.db import utcnow
from kb.models import Article
from kb.nlp.records import Extraction, ModelMention, ScoreClaim, StanceEvent


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def add_article(session, slug: str, *, outlet: str, original: str | None = None, published: str = "2026-03-02",
                title: str | None = None, text: str = "") -> Article:
    """A stored article (flushed, so it has an id)."""
    article = Article(url=f"https://{outlet.lower().replace(' ', '')}.example/{slug}",
                      url_hash=hashlib.sha256(f"{outlet}/{slug}".encode()).hexdigest(),
                      content_hash=hashlib.sha256(text.encode()).hexdigest(), title=title or slug,
                      outlet=outlet, original_outlet=original, published_at=day(published),
                      fetched_at=utcnow(), text=text)
    session.add(article)
    session.flush()
    return article


def score(model: str, benchmark: str, value: float, evidence: str, **kw) -> ScoreClaim:
    return ScoreClaim(model=model, benchmark=benchmark, value=value, evidence=evidence,
                      start=0, end=len(evidence), **kw)


def extraction(*scores: ScoreClaim, models: tuple[ModelMention, ...] = (),
               stances: tuple[StanceEvent, ...] = (), people=(), orgs=()) -> Extraction:
    return Extraction(models=models, scores=scores, stances=stances, people=people, orgs=orgs)


def claims_by_url(engine) -> dict[str, list[tuple]]:
    """url -> the claims its article reports (model, benchmark, value), by names (ids differ per run)."""
    with Session(engine) as session:
        rows = session.connection().execute(text(
            "SELECT a.url, m.name, b.name, sc.value FROM claimsource cs JOIN article a ON a.id = cs.article_id "
            "JOIN scoreclaim sc ON sc.id = cs.claim_id JOIN entity m ON m.id = sc.model_id "
            "JOIN entity b ON b.id = sc.benchmark_id")).all()
    out: dict[str, list[tuple]] = {}
    for url, *claim in rows:
        out.setdefault(url, []).append(tuple(claim))
    return {url: sorted(claims) for url, claims in out.items()}
