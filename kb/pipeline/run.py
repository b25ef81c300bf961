"""The ingest orchestrator: feeds -> items -> pages -> clean text -> stored articles -> claims -> alerts.

kb.pipeline is the only package that joins ingest, extraction (kb.nlp) and the store, and it owns
the transactions: the store's functions flush, the sessions are opened here (one item's path in
kb.pipeline.items, re-extraction in kb.pipeline.reextract).

`run_once` reads as the numbered steps of one run. Every failure is recorded where it happened
(a FetchLog row, Source.last_error) and the run goes on; each article is stored with its claims in
one transaction, so a crash leaves no half-written article.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Iterable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from ingest.budget import BudgetExceeded, DocumentRefused, time_budget
from ingest.documents import decode_bytes, parse_document
from ingest.feeds import is_feed_content_type, parse_feed
from ingest.fetch import fetch, fetch_file
from ingest.items import item_draft
from ingest.localfile import read_local_file
from ingest.records import ArticleDraft, FeedItem
from ingest.ssrf import origin, web_link
from kb.alerts import run_alerts
from kb.db import session_scope, utcnow
from kb.errors import InputError
from kb.models import FetchLog, Source
from kb.pipeline import feeds
from kb.pipeline.context import Progress, Run, RunSummary, first_line
from kb.pipeline.items import process_item, record_document, retry_pages, store_draft
from kb.pipeline.keys import item_keys
from kb.pipeline.lock import ingest_lock
from kb.pipeline.reextract import reextract_articles
from kb.settings import DATA_DIR, Settings
from kb.store import articles
from kb.store import sources as source_store

log = logging.getLogger(__name__)
SAMPLE_DIR = DATA_DIR / "sample"


CLAIM_BATCH = 10  # sources leased at a time


def run_once(engine: Engine, settings: Settings, nlp=None, sources: Iterable[str] | None = None,
             progress: Progress | None = None, *, due_only: bool = False, owner: str | None = None,
             limit: int = 100_000, page_mirror: dict[str, Path] | None = None) -> RunSummary:
    """Fetch every enabled source (or only the due ones, or only SOURCES_), store new articles.

    Args:
        nlp: the spaCy pipeline; None stores articles without extracting claims.
        sources: URLs or files of the sources to fetch (all enabled ones when None).
        progress: called after each source with (done, total, message).
        due_only: only sources whose next_fetch_at has come (worker mode).
        owner: the lease owner name (a worker's id).
        page_mirror: page URL -> local file to read instead of fetching it (the bundled sample's
            pages; the caller names these files, a feed never can).
    """
    owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    with ingest_lock(engine):
        run = Run(engine, settings, nlp)
        run.page_mirror = dict(page_mirror or {})
        try:
            # 1. due sources, leased a few at a time so that parallel workers never fetch one twice
            #    and no lease runs out while a long run works through the ones before it
            started = utcnow()
            urls = list(sources) if sources is not None else None
            with Session(engine) as session:
                total = min(limit, source_store.count_enabled(session, urls))
            done = 0
            while done < limit:
                with Session(engine) as session:
                    ids = source_store.claim_due_sources(session, owner, urls=urls, limit=min(CLAIM_BATCH, limit - done),
                                                    due_only=due_only, fetched_before=started,
                                                    ignore_leases=engine.dialect.name == "sqlite")
                if not ids:
                    break
                for source_id in ids:
                    done += 1
                    message = _process_source_safely(run, source_id)
                    if progress:
                        progress(done, max(total, done), message)
            # 7c. articles stored without claims (a claims-writer failure, a `--no-extract` run, an older
            #     crash) are extracted now, a bounded number per run
            _repair_unextracted(run)
            # 7d. pages that failed on an earlier run are tried again (the article kept the feed's text)
            retry_pages(run, urls)
            # 8. alerts over what this run stored
            if run.extract is not None and (run.summary.new or run.summary.clustered or run.summary.repaired
                                            or run.summary.replaced):
                _evaluate_alerts(engine, settings)
        finally:
            run.client.close()
    return run.summary


def _process_source_safely(run: Run, source_id: int) -> str:
    """_process_source, with an unexpected failure recorded against the source instead of ending the run."""
    try:
        return _process_source(run, source_id)
    except Exception as exc:  # one source's bug must not stop the others
        if isinstance(exc, (OperationalError, InterfaceError)):
            # the database failed us (a dropped connection): one line, and the run must not end "ok";
            # the source keeps its old validators, so the next run fetches it in full again
            log.warning("ingest of source %s failed: database error: %s", source_id, first_line(exc))
            run.summary.store_failed += 1
            problem = f"database error: {first_line(exc)}"
        else:
            log.exception("ingest of source %s failed", source_id)
            problem = str(exc)
        with session_scope(run.engine) as session:
            source = session.get(Source, source_id)
            if source is not None:
                feeds.mark_fetched(session, source, status=source.last_status, error=f"internal error: {problem}",
                                     max_backoff_hours=run.settings.max_failures_backoff_hours)
        run.summary.failed += 1
        run.summary.errors.append(f"source {source_id}: internal error: {problem}")
        return f"source {source_id}: internal error"


def _process_source(run: Run, source_id: int) -> str:
    clock = time.monotonic()
    url, kind, result, feed, error = _fetch_feed(run, source_id)
    if result.not_modified:
        run.summary.not_modified += 1
        return f"{url}: not modified"
    if error:
        run.summary.failed += 1
        run.summary.errors.append(f"{url}: {error}")
    else:
        run.summary.fetched += 1
    items = feed.items if feed else ()
    failed_before = run.summary.store_failed
    stored, capped = _store_items(run, source_id, url, kind, items, feed.site_url if feed else None, clock)
    if run.summary.store_failed > failed_before:
        # an item the database did not take must come back next run: keep the old validators
        return f"{url}: {run.summary.store_failed - failed_before} items not stored (database error)"
    if capped:
        _record_cap(run, source_id, url, capped)
    elif not error:  # a failed, malformed or capped fetch keeps the old validators: the next run refetches it
        with session_scope(run.engine) as session:
            source = session.get(Source, source_id)
            if source is not None:  # (None: the source was removed during the run)
                source.etag, source.last_modified = result.headers.get("etag"), result.headers.get("last-modified")
    return f"{url}: {error or 'ok'}" + (f" ({stored} new)" if stored else "") + (f"; {capped}" if capped else "")


def _fetch_feed(run: Run, source_id: int):
    """Steps 2-3: fetch the source conditionally, parse it, record the fetch; (url, kind, result, feed, error)."""
    with session_scope(run.engine) as session:
        source = session.get(Source, source_id)
        if source is None:
            raise LookupError(f"source {source_id} was removed during the run")
        url, etag, last_modified, kind = source.url, source.etag, source.last_modified, source.kind
        started = utcnow()
        # 2. fetch, conditionally: an unchanged feed answers 304 and costs nothing more
        if kind == "file":
            result = fetch_file(url, run.options, last_modified=last_modified)
        else:
            result = fetch(url, run.options, client=run.client, etag=etag, last_modified=last_modified,
                           kind="feed", trusted_origin=origin(url), pacer=run.pacer)
        backoff = run.settings.max_failures_backoff_hours
        if result.not_modified:
            articles.record_fetch(session, result, source_id=source_id, kind="feed", started_at=started)
            feeds.mark_fetched(session, source, status=304, error=None, not_modified=True, max_backoff_hours=backoff)
            return url, kind, result, None, None
        # 3. parse: a malformed feed is an error row, but the items feedparser recovered are kept
        feed = None
        error = result.error
        if error is None and not is_feed_content_type(result.content_type):
            error = f"not a feed: content type {result.content_type}"
        if error is None:
            feed = parse_feed(result.body, result.final_url, result.content_type)
            error = feed.error
        articles.record_fetch(session, result, source_id=source_id, kind="feed", error=error, started_at=started)
        # the old validators stay until every item is stored: a run killed half-way must refetch
        # the feed in full next time, not be told "304, nothing changed" and lose the rest
        feeds.mark_fetched(session, source, status=result.status, error=error, etag=etag,
                           last_modified=last_modified, feed=feed, max_backoff_hours=backoff)
    return url, kind, result, feed, error


def _store_items(run: Run, source_id: int, url: str, kind: str, items, site_url, clock: float):
    """Steps 4-7 for each item not seen before, within the per-source caps; (stored, cap message or None).

    A feed of 100,000 items or of slow pages cannot hold a run (or a worker's lease) for hours; what
    is left is taken up by the next run.
    """
    known: set[int] = set()
    if items:
        # items stored before (an unchanged feed served without validators) cost no cleaning at all
        with Session(run.engine) as session:
            known = articles.known_items(session, source_id, item_keys(items))
        run.summary.duplicate += len(known)
    pending = [position for position in range(len(items)) if position not in known]
    stored = 0
    for done, position in enumerate(pending):
        if done >= run.settings.max_items_per_source:
            return stored, f"item cap: {done} of {len(pending)} new items this run (max_items_per_source)"
        if done and time.monotonic() - clock > run.settings.max_seconds_per_source:
            return stored, (f"time cap: {done} of {len(pending)} new items in "
                            f"{run.settings.max_seconds_per_source:g} s (max_seconds_per_source)")
        stored += process_item(run, source_id, url, kind, items[position], site_url)
    return stored, None


def _record_cap(run: Run, source_id: int, url: str, message: str) -> None:
    """A capped source: a FetchLog row says so, and it is due again at once (its old validators stay,
    so the next run fetches the whole feed and carries on with the items not stored yet)."""
    with session_scope(run.engine) as session:
        session.add(FetchLog(source_id=source_id, url=url[:2048], kind="feed", started_at=utcnow(),
                             outcome="capped", error=message))
        source = session.get(Source, source_id)
        if source is not None:  # (None: the source was removed during the run)
            source.next_fetch_at = utcnow()
    run.summary.capped += 1


REPAIR_LIMIT = 100  # articles without claims extracted per run


def _repair_unextracted(run: Run) -> None:
    """Extract stored articles that have no claims from any extractor yet (extractor_version NULL)."""
    if run.extract is None:
        return
    try:
        result = reextract_articles(lambda: Session(run.engine), run.nlp, only_missing=True, limit=REPAIR_LIMIT,
                                     sites=run.sites)
    except (OperationalError, InterfaceError) as exc:
        run.summary.store_failed += 1
        run.summary.errors.append(f"extracting articles stored without claims: database error: {first_line(exc)}")
        return
    run.summary.repaired += result.articles
    run.summary.errors += result.errors


def _evaluate_alerts(engine: Engine, settings: Settings) -> None:
    """Evaluate alert rules over what was stored, then send what is due (inbox, webhook, e-mail).

    Delivering here, not only in `aikb watch`, is what makes a plain `aikb ingest` notify analysts;
    a failed delivery stays pending and is retried by the next run.
    """
    run_alerts(engine, settings)


def ingest_article(engine: Engine, settings: Settings, target: str, nlp=None) -> RunSummary:
    """Store one page or text file (a path or a URL) through the same cleaning and dedup as feeds."""
    with ingest_lock(engine):
        run = Run(engine, settings, nlp)
        try:
            if target.startswith(("http://", "https://")):
                if web_link(target, target) is None:
                    raise InputError(f"not a valid URL: {target}")
                started = utcnow()
                page = fetch(target, run.options, client=run.client, kind="page", trusted_origin=origin(target))
                with session_scope(engine) as session:
                    articles.record_fetch(session, page, source_id=None, kind="page", started_at=started)
                if page.error:
                    run.summary.failed += 1
                    run.summary.errors.append(f"{target}: {page.error}")
                    return run.summary
                run.summary.fetched += 1
                try:
                    with time_budget(run.limits.time_budget, "cleaning the page"):
                        draft = item_draft(FeedItem(link=page.final_url), page.final_url, page, sites=run.sites,
                                           limits=run.limits)
                except DocumentRefused as exc:
                    record_document(run, None, target, str(exc), refused=True)
                    return run.summary
                if draft is not None and draft.doc.limits_hit:
                    record_document(run, None, target, "capped: " + "; ".join(draft.doc.limits_hit), refused=False)
            else:
                path = Path(target)
                # a regular file under the body cap, read once; InputError for a file the user must fix
                # (a refused document included)
                data = read_local_file(path, settings.max_bytes)
                try:
                    with time_budget(run.limits.time_budget, f"cleaning {path.name}"):
                        doc = parse_document(path, data, run.limits, sites=run.sites)
                except BudgetExceeded as exc:
                    raise InputError(f"{path}: {exc}") from None
                kind = "html" if path.suffix.lower() in (".html", ".htm") else "text"
                draft = ArticleDraft(url=path.resolve().as_uri(), guid=None, doc=doc,
                                     raw=decode_bytes(data).encode("utf-8"), raw_kind=kind)
            if draft is not None:
                store_draft(run, draft, None, None)
            if run.extract is not None and (run.summary.new or run.summary.clustered):
                _evaluate_alerts(engine, settings)
        finally:
            run.client.close()
    return run.summary


def ingest_sample(engine: Engine, settings: Settings, nlp=None, progress: Progress | None = None) -> RunSummary:
    """Ingest the bundled offline corpus (data/sample): its feed files, then its standalone articles."""
    feed_files = sorted(p for p in (SAMPLE_DIR / "feeds").iterdir() if p.is_file())
    with session_scope(engine) as session:
        urls = [feeds.add_feed(session, str(p)).url for p in feed_files]
    # the summary-only items' pages, read from data/sample/pages instead of the (invented) web
    mirror = json.loads((SAMPLE_DIR / "pages" / "mirror.json").read_text(encoding="utf-8"))
    pages = {url: SAMPLE_DIR / "pages" / name for url, name in mirror.items()}
    summary = run_once(engine, settings, nlp, urls, progress, page_mirror=pages)
    for path in sorted((SAMPLE_DIR / "articles").glob("*")):
        if path.suffix.lower() in (".html", ".htm", ".txt", ".md"):
            summary.add(ingest_article(engine, settings, str(path), nlp))
    return summary


def run_worker(engine: Engine, settings: Settings, nlp=None, *, poll: float = 60.0, batch: int = 5,
               exit_when_idle: bool = False, progress: Progress | None = None,
               owner: str | None = None, max_rounds: int | None = None) -> RunSummary:
    """Keep claiming due sources BATCH at a time and processing them; sleep POLL seconds when idle.

    Several workers can share one PostgreSQL database (leases taken with SKIP LOCKED). On SQLite
    one worker holds the ingest lock per round, so a second one waits its turn (or says so).
    """
    owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    total = RunSummary()
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        summary = run_once(engine, settings, nlp, progress=progress, due_only=True, owner=owner, limit=batch)
        total.add(summary)
        worked = summary.fetched + summary.not_modified + summary.failed
        if worked == 0:
            if exit_when_idle:
                break
            time.sleep(poll)
    return total
