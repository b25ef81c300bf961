"""Feed health as the UI's Sources page and `aikb feeds list` show it (read-only; kb.store.sources writes)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import func
from sqlmodel import Session, select

from kb.models import Article, Source


@dataclass(frozen=True)
class SourceHealth:
    """One row of `aikb feeds list` and the UI's Sources page."""

    id: int
    url: str
    title: Optional[str]
    kind: str
    enabled: bool
    last_fetched_at: Optional[datetime]
    last_success_at: Optional[datetime]
    last_status: Optional[int]
    last_error: Optional[str]
    failure_count: int
    next_fetch_at: Optional[datetime]
    articles: int

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        for key in ("last_fetched_at", "last_success_at", "next_fetch_at"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def sources_health(session: Session) -> list[SourceHealth]:
    """Every source with its fetch health and article count, in the order they were added; articles
    ingested one by one (`aikb ingest --article`) last, as a "single pages" source (id 0)."""
    counts = dict(session.exec(select(Article.source_id, func.count(Article.id)).group_by(Article.source_id)).all())
    out = []
    for s in session.exec(select(Source).order_by(Source.id)).all():
        out.append(SourceHealth(
            id=s.id, url=s.url, title=s.title, kind=s.kind, enabled=s.enabled, last_fetched_at=s.last_fetched_at,
            last_success_at=s.last_success_at, last_status=s.last_status, last_error=s.last_error,
            failure_count=s.failure_count, next_fetch_at=s.next_fetch_at, articles=counts.get(s.id, 0),
        ))
    if counts.get(None):  # `aikb ingest --article`: counted under a "single pages" source of their own
        out.append(SourceHealth(
            id=0, url="", title=SINGLE_PAGES, kind="pages", enabled=True, last_fetched_at=None,
            last_success_at=None, last_status=None, last_error=None, failure_count=0, next_fetch_at=None,
            articles=counts[None]))
    return out


SINGLE_PAGES = "single pages"
