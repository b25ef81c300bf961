"""Store counts for `aikb stats` and the UI's header; other streams add their keys here."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from kb.models import (Article, ClaimSource, Entity, FetchLog, PersonRole, ScoreClaim, Source, StanceEvent,
                       Story)


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
        **_knowledge_stats(session),
    }


def _knowledge_stats(session: Session) -> dict:
    """The knowledge base's counts: claims and their sources, stance events, entities by kind."""
    by_kind = dict(session.exec(select(Entity.kind, func.count(Entity.id))
                                .where(Entity.merged_into_id.is_(None)).group_by(Entity.kind)).all())
    return {
        "claims": _count(session, ScoreClaim.id),
        "claim_sources": _count(session, ClaimSource.id),
        "stance_events": _count(session, StanceEvent.id),
        "stance_events_news": _count(session, StanceEvent.id, StanceEvent.origin == "news"),
        "person_roles": _count(session, PersonRole.id),
        # flat keys, so the table output and alerts on counts need no nesting
        **{f"entities_{kind}": int(by_kind.get(kind, 0)) for kind in ("model", "org", "person", "benchmark")},
    }
