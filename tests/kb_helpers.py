"""Builders for knowledge-base tests: stored Article rows and hand-made Extraction records (no spaCy)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

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
