"""Feed management and health: adding feeds, OPML import/export, due-source leases, fetch state.

Several `aikb ingest --worker` processes may share one PostgreSQL database: each claims due sources
with SELECT ... FOR UPDATE SKIP LOCKED and writes a lease (owner "host:pid:nonce", until) so that
no source is fetched by two workers at once. A lease left by a killed process is taken over at
once on the same host (its pid is gone) and after LEASE from other hosts. On SQLite the ingest
file lock makes a run the only one, so leases are ignored there.
"""
from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable, Optional

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ingest.records import ParsedFeed
from kb.db import utcnow
from kb.errors import InputError
from kb.models import Source
from kb.read.sources import normalize_source_url

LEASE = timedelta(minutes=10)  # a worker on another host that dies frees its sources after this


def add_feed(session: Session, url: str, title: str | None = None, *, site_url: str | None = None,
             remote_only: bool = False, check_file: Optional[Callable[[Path], Path]] = None) -> Source:
    """Add a feed unless it is already there; returns its Source row (flushed).

    REMOTE_ONLY refuses anything but an http(s) URL (what the web UI passes); a local file is added
    through kb.pipeline.feeds.add_feed, which checks that it is there (CHECK_FILE)."""
    url, kind = normalize_source_url(url, remote_only=remote_only, check_file=check_file)
    existing = session.exec(select(Source).where(Source.url == url)).first()
    if existing is not None:
        if title and not existing.title:
            existing.title = title
        return existing
    source = Source(url=url, kind=kind, title=title, site_url=site_url, added_at=utcnow())
    session.add(source)
    session.flush()
    return source


def add_feeds(session: Session, feeds: Iterable[tuple[str, Optional[str], Optional[str]]]) -> int:
    """Add every http(s) feed of FEEDS, (url, title, site_url) rows of a shared feed list; returns how many
    were new.

    Entries naming local paths or file: URLs are skipped whether or not they exist: a feed list is
    shared text, and only the user names local files (`aikb feeds add PATH`)."""
    added = 0
    for feed_url, title, site_url in feeds:
        try:
            url, _kind = normalize_source_url(feed_url, remote_only=True)
        except InputError:
            continue  # an entry we will not fetch (a local path, an odd scheme) is skipped
        if session.exec(select(Source.id).where(Source.url == url)).first() is None:
            add_feed(session, url, title, site_url=site_url)
            added += 1
    return added


def _orphaned_leases(session: Session, now: datetime) -> list[int]:
    """Sources leased by a process of this host that no longer exists (killed mid-run): free to take."""
    host = socket.gethostname()
    rows = session.exec(select(Source.id, Source.lease_owner).where(
        Source.lease_until >= now, Source.lease_owner.like(f"{host}:%"))).all()
    orphaned = []
    for source_id, owner in rows:
        parts = owner.split(":")
        if len(parts) >= 2 and parts[1].isdigit() and not _alive(int(parts[1])):
            orphaned.append(source_id)
    return orphaned


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_due_sources(session: Session, owner: str, *, urls: Iterable[str] | None = None,
                      limit: int = 1000, now: datetime | None = None, due_only: bool = True,
                      fetched_before: datetime | None = None, ignore_leases: bool = False) -> list[int]:
    """Lease due sources to OWNER and return their ids (commits, so other workers see the lease).

    Args:
        urls: only these sources, due or not (an explicit `--source`).
        due_only: only sources whose next_fetch_at has come (else every enabled, unleased source).
        limit: at most this many (workers take a few at a time to share the work).
        fetched_before: skip sources fetched since then (a run claiming in batches skips its own).
        ignore_leases: take leased sources too (SQLite: the ingest file lock already makes this run
            the only one, so a lease left by a killed run must not hide its sources).
    """
    now = now or utcnow()
    query = select(Source).where(Source.enabled == True)  # noqa: E712 - SQL boolean
    if not ignore_leases:
        orphaned = _orphaned_leases(session, now)
        query = query.where(or_(Source.lease_until.is_(None), Source.lease_until < now, Source.id.in_(orphaned)))
    if urls is not None:
        wanted = [normalize_source_url(u)[0] for u in urls]
        query = query.where(Source.url.in_(wanted))
    elif due_only:
        query = query.where(or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now))
    if fetched_before is not None:
        query = query.where(or_(Source.last_fetched_at.is_(None), Source.last_fetched_at < fetched_before))
    query = query.order_by(Source.next_fetch_at.is_not(None), Source.next_fetch_at, Source.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sources = session.exec(query).all()
    for source in sources:
        source.lease_owner = owner
        source.lease_until = now + LEASE
    ids = [s.id for s in sources]
    session.commit()
    return ids


def count_enabled(session: Session, urls: Iterable[str] | None = None) -> int:
    """How many enabled sources a run over URLS (or over all) would fetch at most."""
    query = select(func.count(Source.id)).where(Source.enabled == True)  # noqa: E712 - SQL boolean
    if urls is not None:
        query = query.where(Source.url.in_([normalize_source_url(u)[0] for u in urls]))
    return int(session.exec(query).one())


def mark_fetched(session: Session, source: Source, *, status: Optional[int], error: Optional[str],
                 not_modified: bool = False, etag: str | None = None, last_modified: str | None = None,
                 feed: ParsedFeed | None = None) -> None:
    """Update a source after a fetch: health, validators, ttl/skipHours; free its lease.

    The next due time is the caller's (kb.pipeline.feeds.mark_fetched, from ingest's schedule): set it
    with `schedule`."""
    now = utcnow()
    source.last_fetched_at = now
    source.last_status = status
    if feed is not None:
        source.title = source.title or feed.title
        source.site_url = source.site_url or feed.site_url
        source.ttl_minutes = feed.ttl_minutes
        source.skip_hours = json.dumps(list(feed.skip_hours)) if feed.skip_hours else None
    if error:
        source.last_error = error
        source.failure_count = (source.failure_count or 0) + 1
    else:
        source.last_error = None
        source.failure_count = 0
        source.last_success_at = now
        if not not_modified:
            # validators only change with a full response; a 304 keeps the ones that produced it
            source.etag = etag
            source.last_modified = last_modified
    source.lease_owner = None
    source.lease_until = None
    session.add(source)


def skip_hours(source: Source) -> tuple[int, ...]:
    """The hours (UTC) the feed asked not to be fetched in (its skipHours)."""
    return tuple(json.loads(source.skip_hours)) if source.skip_hours else ()


def schedule(session: Session, source: Source, when: datetime) -> None:
    """Make SOURCE due again at WHEN."""
    source.next_fetch_at = when
    session.add(source)


def release(session: Session, source_id: int) -> None:
    """Drop a lease without fetching (the run stopped early)."""
    source = session.get(Source, source_id)
    if source is not None:
        source.lease_owner = None
        source.lease_until = None
