"""Feed management that needs ingest: local feed files checked, OPML read and written, the next fetch scheduled.

The store (kb.store.sources) keeps the rows; these functions hand it what ingest worked out.
"""
from __future__ import annotations

from sqlmodel import Session

from ingest.localfile import check_local_file
from ingest.opml import OpmlFeed, parse_opml, write_opml
from ingest.schedule import next_fetch_time
from kb.models import Source
from kb.read.sources import feed_list
from kb.store import sources


def add_feed(session: Session, url: str, title: str | None = None, *, site_url: str | None = None,
             remote_only: bool = False) -> Source:
    """Add a feed (an http(s) URL, or a local file that must exist and be a regular file) unless it is there.

    REMOTE_ONLY refuses anything but an http(s) URL (what the web UI passes)."""
    return sources.add_feed(session, url, title, site_url=site_url, remote_only=remote_only,
                            check_file=check_local_file)


def import_opml(session: Session, text: str | bytes) -> int:
    """Add every http(s) feed an OPML document lists (local paths skipped); returns how many were new."""
    return sources.add_feeds(session, ((f.url, f.title, f.site_url) for f in parse_opml(text)))


def export_opml(session: Session) -> str:
    """All feeds as an OPML 2.0 document."""
    return write_opml([OpmlFeed(url=url, title=title, site_url=site) for url, title, site in feed_list(session)])


def mark_fetched(session: Session, source: Source, *, max_backoff_hours: float = 24.0, **fetch_state) -> None:
    """kb.store.sources.mark_fetched, then the source's next due time (ttl, skipHours, back-off on failures)."""
    sources.mark_fetched(session, source, **fetch_state)
    assert source.last_fetched_at is not None  # mark_fetched has just stamped it
    sources.schedule(session, source, next_fetch_time(
        source.last_fetched_at, ttl_minutes=source.ttl_minutes, skip_hours=sources.skip_hours(source),
        failure_count=source.failure_count, max_backoff_hours=max_backoff_hours))
