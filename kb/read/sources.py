"""Feeds as the UI's Sources page and `aikb feeds list` show them, and how a feed's address is spelled.

Read-only; kb.store.sources writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, select

from kb.errors import InputError
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


def normalize_source_url(url: str, *, remote_only: bool = False,
                         check_file: Optional[Callable[[Path], Path]] = None) -> tuple[str, str]:
    """(url, kind): http(s) URLs as given, local files as absolute file: URLs.

    REMOTE_ONLY (the web UI, OPML entries): http(s) URLs only, whatever exists on this machine, so
    that neither a browser nor a shared OPML file can make aikb read a local file or learn which exist.
    CHECK_FILE (kb.pipeline.feeds passes ingest's check_local_file) is handed a local path and returns
    it resolved, or raises InputError; without it a local path is only spelled the way it is stored
    (to look a source up; fetching the file then records any problem).

    Raises:
        InputError: neither an http(s) URL nor an existing regular file.
    """
    url = url.strip()
    if not url:
        raise InputError("no feed address given: use an http(s) URL or a local file")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise InputError(f"not a valid feed URL ({exc}): {url}") from None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not host:
            raise InputError(f"not a feed URL (no host): {url}")
        return url, "feed"
    if remote_only:
        raise InputError(f"not an http(s) feed URL: {url} (add local files with `aikb feeds add PATH`)")
    if scheme not in ("", "file"):
        raise InputError(f"unsupported feed address {url!r}: use an http(s) URL or a local file")
    path = Path(parts.path) if scheme == "file" else Path(url).expanduser()
    return (check_file(path) if check_file else path.resolve()).as_uri(), "file"


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


def feed_list(session: Session) -> list[tuple[str, Optional[str], Optional[str]]]:
    """(url, title, site_url) of every feed, in the order they were added (what an OPML export lists)."""
    rows = session.exec(select(Source).where(Source.kind != "article").order_by(Source.id)).all()
    return [(s.url, s.title, s.site_url) for s in rows]
