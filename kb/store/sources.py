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
from typing import Iterable, Optional
from urllib.parse import urlsplit

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ingest.opml import OpmlFeed, parse_opml, write_opml
from ingest.records import ParsedFeed
from ingest.schedule import next_fetch_time
from kb.db import utcnow
from kb.errors import InputError
from kb.models import Source

LEASE = timedelta(minutes=10)  # a worker on another host that dies frees its sources after this


def normalize_source_url(url: str, *, remote_only: bool = False, check: bool = True) -> tuple[str, str]:
    """(url, kind): http(s) URLs as given, local files as absolute file: URLs.

    REMOTE_ONLY (the web UI, OPML entries): http(s) URLs only, whatever exists on this machine, so
    that neither a browser nor a shared OPML file can make aikb read a local file or learn which exist.
    CHECK=False only spells a local path the way it is stored (to look a source up), without
    requiring the file to be there and regular now (fetching it then records the problem).

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
    from ingest.localfile import check_local_file

    path = Path(parts.path) if scheme == "file" else Path(url).expanduser()
    if not check:
        return path.resolve().as_uri(), "file"
    return check_local_file(path).as_uri(), "file"


def add_feed(session: Session, url: str, title: str | None = None, *, site_url: str | None = None,
             remote_only: bool = False) -> Source:
    """Add a feed (URL or local file) unless it is already there; returns its Source row (flushed).

    REMOTE_ONLY refuses anything but an http(s) URL (what the web UI passes)."""
    url, kind = normalize_source_url(url, remote_only=remote_only)
    existing = session.exec(select(Source).where(Source.url == url)).first()
    if existing is not None:
        if title and not existing.title:
            existing.title = title
        return existing
    source = Source(url=url, kind=kind, title=title, site_url=site_url, added_at=utcnow())
    session.add(source)
    session.flush()
    return source


def import_opml(session: Session, text: str | bytes) -> int:
    """Add every http(s) feed an OPML document lists; returns how many were new.

    Entries naming local paths or file: URLs are skipped whether or not they exist: a feed list is
    shared text, and only the user names local files (`aikb feeds add PATH`)."""
    added = 0
    for feed in parse_opml(text):
        try:
            url, _kind = normalize_source_url(feed.url, remote_only=True)
        except InputError:
            continue  # an OPML entry we will not fetch (a local path, an odd scheme) is skipped
        if session.exec(select(Source.id).where(Source.url == url)).first() is None:
            add_feed(session, url, feed.title, site_url=feed.site_url)
            added += 1
    return added


def export_opml(session: Session) -> str:
    """All feeds as an OPML 2.0 document."""
    rows = session.exec(select(Source).where(Source.kind != "article").order_by(Source.id)).all()
    return write_opml([OpmlFeed(url=s.url, title=s.title, site_url=s.site_url) for s in rows])


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
        wanted = [normalize_source_url(u, check=False)[0] for u in urls]
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
        query = query.where(Source.url.in_([normalize_source_url(u, check=False)[0] for u in urls]))
    return int(session.exec(query).one())


def mark_fetched(session: Session, source: Source, *, status: Optional[int], error: Optional[str],
                 not_modified: bool = False, etag: str | None = None, last_modified: str | None = None,
                 feed: ParsedFeed | None = None, max_backoff_hours: float = 24.0) -> None:
    """Update a source after a fetch: health, validators, ttl/skipHours, the next due time; free its lease."""
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
    skip = json.loads(source.skip_hours) if source.skip_hours else ()
    source.next_fetch_at = next_fetch_time(now, ttl_minutes=source.ttl_minutes, skip_hours=skip,
                                           failure_count=source.failure_count,
                                           max_backoff_hours=max_backoff_hours)
    source.lease_owner = None
    source.lease_until = None
    session.add(source)


def release(session: Session, source_id: int) -> None:
    """Drop a lease without fetching (the run stopped early)."""
    source = session.get(Source, source_id)
    if source is not None:
        source.lease_owner = None
        source.lease_until = None
