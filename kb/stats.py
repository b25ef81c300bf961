"""Store counts for `aikb stats` and the UI's header; other streams add their keys here."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from kb.models import Article, FetchLog, Source, Story


def _count(session: Session, column, *where) -> int:
    query = select(func.count(column))
    for condition in where:
        query = query.where(condition)
    return int(session.exec(query).one())


def collect_stats(session: Session) -> dict:
    """Counts of the store: sources, articles, stories, fetch errors (and more as streams add them)."""
    return {
        "sources": _count(session, Source.id),
        "articles": _count(session, Article.id),
        "stories": _count(session, Story.id),
        "fetch_errors": _count(session, FetchLog.id, FetchLog.outcome == "error"),
        "fetches": _count(session, FetchLog.id),
        "failing_sources": _count(session, Source.id, Source.failure_count > 0),
    }
