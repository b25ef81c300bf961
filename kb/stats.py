"""Store counts for `aikb stats` and the UI's header: sources, articles, stories, fetches, claims, entities."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from kb.models import (Article, ClaimSource, Entity, FetchLog, PersonRole, ScoreClaim, Sighting, Source,
                       StanceEvent, Story)


def _count(session: Session, column, *where) -> int:
    query = select(func.count(column))
    for condition in where:
        query = query.where(condition)
    return int(session.exec(query).one())


def collect_stats(session: Session) -> dict:
    """Counts of the store: sources, articles, stories, fetches and their errors, claims, entities."""
    return {
        "sources": _count(session, Source.id),
        "articles": _count(session, Article.id),
        "stories": _count(session, Story.id),
        "fetch_errors": _count(session, FetchLog.id, FetchLog.outcome == "error"),
        "fetches": _count(session, FetchLog.id),
        "failing_sources": _count(session, Source.id, Source.failure_count > 0),
        # provenance (issue 13): feed sightings of articles, articles whose page is still to be read
        "sightings": _count(session, Sighting.id),
        "articles_feed_text_only": _count(session, Article.id, Article.feed_text_only),
        "single_page_articles": _count(session, Article.id, Article.source_id.is_(None)),
        **_knowledge_stats(session),
    }


def _knowledge_stats(session: Session) -> dict:
    """The knowledge base's counts: claims and their sources, stance events, entities by kind."""
    by_kind = dict(session.exec(select(Entity.kind, func.count(Entity.id))
                                .where(Entity.merged_into_id.is_(None)).group_by(Entity.kind)).all())
    return {
        "claims": _count(session, ScoreClaim.id),
        "claims_disputed": _count(session, ScoreClaim.id, ScoreClaim.disputed),
        "claims_undated": _count(session, ScoreClaim.id, ScoreClaim.undated),
        "claim_sources": _count(session, ClaimSource.id),
        "stance_events": _count(session, StanceEvent.id),
        "stance_events_news": _count(session, StanceEvent.id, StanceEvent.origin == "news"),
        "person_roles": _count(session, PersonRole.id),
        # flat keys, so the table output and alerts on counts need no nesting
        **{f"entities_{kind}": int(by_kind.get(kind, 0)) for kind in ("model", "org", "person", "benchmark")},
    }
