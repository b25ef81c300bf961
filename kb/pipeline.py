"""The ingest orchestrator: feeds -> items -> pages -> clean text -> stored articles -> claims -> alerts.

`run_once` reads as the numbered steps of one run. Every failure is recorded where it happened
(a FetchLog row, Source.last_error) and the run goes on; each article is stored with its claims in
one transaction, so a crash leaves no half-written article.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session

from ingest.budget import BudgetExceeded, DocumentRefused, time_budget
from ingest.feeds import is_feed_content_type, parse_feed
from ingest.fetch import HostPacer, fetch, fetch_file, make_client
from ingest.items import item_draft, local_page_allowed, page_url_for
from ingest.records import ArticleDraft, FeedItem, FetchResult
from ingest.robots import RobotsCache
from ingest.ssrf import origin
from kb import articles
from kb import sources as source_store
from kb.db import session_scope, utcnow
from kb.errors import InputError
from kb.ingest_lock import ingest_lock
from kb.models import Source
from kb.settings import DATA_DIR, Settings, document_limits

log = logging.getLogger(__name__)
SAMPLE_DIR = DATA_DIR / "sample"
Progress = Callable[[int, int, str], None]  # (done, total, message)
CLAIM_BATCH = 10  # sources leased at a time


@dataclass
class RunSummary:
    """What one run did; `line()` is the one-line summary `aikb ingest` ends with."""

    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    new: int = 0
    duplicate: int = 0
    clustered: int = 0
    claims_stored: int = 0
    page_errors: int = 0
    store_failed: int = 0  # articles not stored because the database failed (retried by the next run)
    repaired: int = 0  # stored articles without claims that this run extracted
    errors: list[str] = field(default_factory=list)

    def add(self, other: "RunSummary") -> None:
        for name in ("fetched", "not_modified", "failed", "new", "duplicate", "clustered", "claims_stored",
                     "page_errors", "store_failed", "repaired"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    def line(self) -> str:
        line = (f"sources: {self.fetched} fetched, {self.not_modified} not modified, {self.failed} failed; "
                f"articles: {self.new} new, {self.duplicate} duplicate, {self.clustered} clustered")
        if self.repaired:
            line += f", {self.repaired} extracted late"
        if self.store_failed:
            line += f"; {self.store_failed} NOT STORED (database errors; the next run retries them)"
        return line


class _Run:
    """Shared state of one run: the HTTP client, politeness, the near-duplicate index, the extractor."""

    def __init__(self, engine: Engine, settings: Settings, nlp) -> None:
        self.engine, self.settings, self.nlp = engine, settings, nlp
        self.limits = document_limits(settings)
        self.client = make_client(settings)
        self.pacer = HostPacer(settings.host_delay)
        self.robots = RobotsCache()
        with Session(engine) as session:
            self.index = articles.load_story_index(session)
        self.extract, self.store_extraction, self.version = _extractor(nlp)
        self.summary = RunSummary()


def _extractor(nlp):
    """The extractor and the claims writer, if the NLP stream's modules and a model are present."""
    if nlp is None:
        return None, None, None
    try:
        from kb.claims import store_extraction
        from kb.nlp import extract as extract_module
    except ImportError as exc:
        log.warning("extraction skipped: %s", exc)
        return None, None, None
    version = getattr(extract_module, "EXTRACTOR_VERSION", None) or getattr(extract_module, "VERSION", "0")
    return extract_module.extract, store_extraction, str(version)


def run_once(engine: Engine, settings: Settings, nlp=None, sources: Iterable[str] | None = None,
             progress: Progress | None = None, *, due_only: bool = False, owner: str | None = None,
             limit: int = 100_000) -> RunSummary:
    """Fetch every enabled source (or only the due ones, or only SOURCES_), store new articles.

    Args:
        nlp: the spaCy pipeline; None stores articles without extracting claims.
        sources: URLs or files of the sources to fetch (all enabled ones when None).
        progress: called after each source with (done, total, message).
        due_only: only sources whose next_fetch_at has come (worker mode).
        owner: the lease owner name (a worker's id).
    """
    owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    with ingest_lock(engine):
        run = _Run(engine, settings, nlp)
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
            # 8. alerts over what this run stored
            if run.extract is not None and (run.summary.new or run.summary.clustered or run.summary.repaired):
                _evaluate_alerts(engine, settings)
        finally:
            run.client.close()
    return run.summary


def _process_source_safely(run: _Run, source_id: int) -> str:
    """_process_source, with an unexpected failure recorded against the source instead of ending the run."""
    try:
        return _process_source(run, source_id)
    except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the others
        if isinstance(exc, (OperationalError, InterfaceError)):
            # the database failed us (a dropped connection): one line, and the run must not end "ok";
            # the source keeps its old validators, so the next run fetches it in full again
            log.warning("ingest of source %s failed: database error: %s", source_id, _first_line(exc))
            run.summary.store_failed += 1
            exc = f"database error: {_first_line(exc)}"
        else:
            log.exception("ingest of source %s failed", source_id)
        with session_scope(run.engine) as session:
            source = session.get(Source, source_id)
            if source is not None:
                source_store.mark_fetched(session, source, status=source.last_status, error=f"internal error: {exc}",
                                     max_backoff_hours=run.settings.max_failures_backoff_hours)
        run.summary.failed += 1
        run.summary.errors.append(f"source {source_id}: internal error: {exc}")
        return f"source {source_id}: internal error"


def _first_line(exc: Exception) -> str:
    """A database error's own message, one line (without the SQL statement SQLAlchemy appends)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:200]


def _process_source(run: _Run, source_id: int) -> str:
    with Session(run.engine) as session:
        source = session.get(Source, source_id)
        url, etag, last_modified, kind = source.url, source.etag, source.last_modified, source.kind
        started = utcnow()
        # 2. fetch, conditionally: an unchanged feed answers 304 and costs nothing more
        if kind == "file":
            result = fetch_file(url, run.settings, last_modified=last_modified)
        else:
            result = fetch(url, run.settings, client=run.client, etag=etag, last_modified=last_modified,
                           kind="feed", trusted_origin=origin(url), pacer=run.pacer)
        if result.not_modified:
            articles.record_fetch(session, result, source_id=source_id, kind="feed", started_at=started)
            source_store.mark_fetched(session, source, status=304, error=None, not_modified=True,
                                 max_backoff_hours=run.settings.max_failures_backoff_hours)
            session.commit()
            run.summary.not_modified += 1
            return f"{url}: not modified"
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
        source_store.mark_fetched(session, source, status=result.status, error=error, etag=etag,
                                  last_modified=last_modified, feed=feed,
                                  max_backoff_hours=run.settings.max_failures_backoff_hours)
        session.commit()
        feed_title = source.title
    if error:
        run.summary.failed += 1
        run.summary.errors.append(f"{url}: {error}")
    else:
        run.summary.fetched += 1
    stored = 0
    items = feed.items if feed else ()
    known: set[int] = set()
    if items:
        # items stored before (an unchanged feed served without validators) cost no cleaning at all
        with Session(run.engine) as session:
            known = articles.known_items(session, source_id, items)
        run.summary.duplicate += len(known)
    failed_before = run.summary.store_failed
    for position, item in enumerate(items):
        if position not in known:
            stored += _process_item(run, source_id, url, kind, feed_title, item)
    if run.summary.store_failed > failed_before:
        # an item the database did not take must come back next run: keep the old validators
        return f"{url}: {run.summary.store_failed - failed_before} items not stored (database error)"
    if not error:  # a failed or malformed fetch keeps the old validators: the next run refetches it
        with session_scope(run.engine) as session:
            source = session.get(Source, source_id)
            source.etag, source.last_modified = result.headers.get("etag"), result.headers.get("last-modified")
    return f"{url}: {error or 'ok'}" + (f" ({stored} new)" if stored else "")


def _process_item(run: _Run, source_id: int, feed_url: str, source_kind: str, feed_title, item: FeedItem) -> int:
    # 4. pages: a summary-only item is completed from its page (robots.txt, SSRF rules apply),
    # unless the item is already stored: a second run fetches no pages
    page = None
    page_url = page_url_for(item)
    if page_url:
        with Session(run.engine) as session:
            if articles.is_known(session, source_id=source_id, url=item.link, guid=item.guid):
                run.summary.duplicate += 1
                return 0
        page = _fetch_page(run, source_id, feed_url, source_kind, page_url)
    # 5. clean, within the document limits (a hostile page is cut or refused, and recorded)
    draft = _draft(run, source_id, item, feed_title, page, page_url or item.link or item.guid or feed_url)
    if draft is None:
        return 0
    return _store(run, draft, source_id, feed_title)


def _draft(run: _Run, source_id: int, item: FeedItem, feed_title, page, where: str) -> Optional[ArticleDraft]:
    """item_draft under the run's document limits and time budget; refusals and cuts are recorded."""
    try:
        with time_budget(run.limits.time_budget, "cleaning the page"):
            draft = item_draft(item, feed_title, page, limits=run.limits)
    except DocumentRefused as exc:
        _record_document(run, source_id, where, str(exc), refused=True)
        if page is None or not page.ok:
            return None
        try:  # the page was the problem: keep the feed's summary, as when a page cannot be fetched
            with time_budget(run.limits.time_budget, "cleaning the summary"):
                draft = item_draft(item, feed_title, None, limits=run.limits)
        except DocumentRefused as again:
            _record_document(run, source_id, item.link or where, str(again), refused=True)
            return None
    if draft is not None and draft.doc.limits_hit:
        _record_document(run, source_id, draft.url or where, "capped: " + "; ".join(draft.doc.limits_hit),
                         refused=False)
    return draft


def _record_document(run: _Run, source_id: Optional[int], where: str, message: str, *, refused: bool) -> None:
    """A FetchLog row (kind "clean") for a document the limits refused ("error") or cut ("skipped")."""
    with session_scope(run.engine) as session:
        articles.record_fetch(session, FetchResult(url=where, final_url=where), source_id=source_id, kind="clean",
                              outcome="error" if refused else "skipped", error=message)
    if refused:
        run.summary.page_errors += 1
    run.summary.errors.append(f"{where}: {message}")


def _fetch_page(run: _Run, source_id: int, feed_url: str, source_kind: str, page_url: str):
    started = utcnow()
    if page_url.startswith("file:"):
        if source_kind == "file" and local_page_allowed(page_url, feed_url):
            page = fetch_file(page_url, run.settings)
        else:
            from ingest.records import FetchResult

            page = FetchResult(url=page_url, final_url=page_url,
                               error="refused: a file: link outside the local feed's folder")
    else:
        trusted = origin(feed_url) if source_kind != "file" else None
        page = fetch(page_url, run.settings, client=run.client, kind="page", trusted_origin=trusted,
                     pacer=run.pacer, robots=run.robots)
    with session_scope(run.engine) as session:
        articles.record_fetch(session, page, source_id=source_id, kind="page", started_at=started)
        while run.robots.fetched:
            # robots.txt requests are logged too, but a missing or unreachable one is not an error
            # of its own (the page fetch that follows reports any real failure)
            robots = run.robots.fetched.pop()
            articles.record_fetch(session, robots, source_id=source_id, kind="robots",
                                  outcome="ok" if robots.ok else "skipped", started_at=started)
    if page.error:
        run.summary.page_errors += 1
        run.summary.errors.append(f"{page_url}: {page.error}")
    return page


def _store(run: _Run, draft: ArticleDraft, source_id: Optional[int], outlet: Optional[str]) -> int:
    keys = articles.draft_keys(draft)
    with Session(run.engine) as session:
        if articles.is_duplicate(session, keys, source_id):
            run.summary.duplicate += 1
            return 0
    # 7a. extract outside the transaction (pure, the slow part), within the time budget; a failing
    # extractor loses no article, but a document over its budget is refused like an over-deep page
    extraction = None
    if run.extract is not None:
        try:
            with time_budget(run.limits.time_budget, "extraction"):
                extraction = run.extract(run.nlp, draft.doc)
        except BudgetExceeded as exc:
            _record_document(run, source_id, draft.url or draft.guid or "document", str(exc), refused=True)
            return 0
        except Exception as exc:  # noqa: BLE001 - one bad text must not stop the run
            log.warning("extraction failed for %s: %s", draft.url, exc)
            run.summary.errors.append(f"{draft.url}: extraction failed: {exc}")
    # 6 + 7b. the article and its claims in one transaction; a dropped connection (a terminated
    # backend, a restarted server) is retried once on a fresh one, and otherwise stores nothing:
    # the item stays unknown, so the next run stores it with its claims
    broken = 0
    while True:
        try:
            outcome = _store_transaction(run, draft, keys, source_id, outlet, extraction)
            break
        except IntegrityError:  # another worker stored the same URL a moment ago
            run.summary.duplicate += 1
            return 0
        except (OperationalError, InterfaceError) as exc:
            broken += 1
            log.warning("storing %s failed (attempt %d): %s", draft.url, broken, _first_line(exc))
            if broken >= 2:
                run.summary.store_failed += 1
                run.summary.errors.append(f"{draft.url}: not stored, database error: {_first_line(exc)}")
                return 0
        except Exception as exc:  # noqa: BLE001 - a claims-writer bug must not lose the article
            if extraction is None:
                raise
            log.warning("storing claims failed for %s (%s); storing the article alone", draft.url, exc)
            run.summary.errors.append(f"{draft.url}: claims not stored: {exc}")
            extraction = None  # stored without claims: a later run's repair step extracts it again
    if outcome.status == "duplicate":
        run.summary.duplicate += 1
        return 0
    run.index.add(keys.simhash, outcome.story_id)
    if outcome.status == "clustered":
        run.summary.clustered += 1
    else:
        run.summary.new += 1
    return 1


def _store_transaction(run: _Run, draft: ArticleDraft, keys, source_id, outlet, extraction):
    with session_scope(run.engine) as session:
        outcome = articles.store_article(session, draft, source_id=source_id, outlet=outlet,
                                         index=run.index, keys=keys, checked=True)
        if outcome.article is not None and extraction is not None:
            result = run.store_extraction(session, outcome.article, extraction, extractor_version=run.version)
            outcome.article.extractor_version = run.version
            outcome.article.extracted_at = utcnow()
            run.summary.claims_stored += len(getattr(result, "claim_ids", ()))
    return outcome


REPAIR_LIMIT = 100  # articles without claims extracted per run


def _repair_unextracted(run: _Run) -> None:
    """Extract stored articles that have no claims from any extractor yet (extractor_version NULL)."""
    if run.extract is None:
        return
    from kb.claims import reextract_articles

    try:
        result = reextract_articles(lambda: Session(run.engine), run.nlp, only_missing=True, limit=REPAIR_LIMIT)
    except (OperationalError, InterfaceError) as exc:
        run.summary.store_failed += 1
        run.summary.errors.append(f"extracting articles stored without claims: database error: {_first_line(exc)}")
        return
    run.summary.repaired += result.articles
    run.summary.errors += result.errors


def _evaluate_alerts(engine: Engine, settings: Settings) -> None:
    """Evaluate alert rules over what was stored, then send what is due (inbox, webhook, e-mail).

    Delivering here, not only in `aikb watch`, is what makes a plain `aikb ingest` notify analysts;
    a failed delivery stays pending and is retried by the next run.
    """
    from kb.alerts import run_alerts

    run_alerts(engine, settings)


def ingest_article(engine: Engine, settings: Settings, target: str, nlp=None) -> RunSummary:
    """Store one page or text file (a path or a URL) through the same cleaning and dedup as feeds."""
    from ingest.documents import decode_bytes, read_document

    with ingest_lock(engine):
        run = _Run(engine, settings, nlp)
        try:
            if target.startswith(("http://", "https://")):
                started = utcnow()
                page = fetch(target, settings, client=run.client, kind="page", trusted_origin=origin(target))
                with session_scope(engine) as session:
                    articles.record_fetch(session, page, source_id=None, kind="page", started_at=started)
                if page.error:
                    run.summary.failed += 1
                    run.summary.errors.append(f"{target}: {page.error}")
                    return run.summary
                run.summary.fetched += 1
                try:
                    with time_budget(run.limits.time_budget, "cleaning the page"):
                        draft = item_draft(FeedItem(link=page.final_url), None, page, limits=run.limits)
                except DocumentRefused as exc:
                    _record_document(run, None, target, str(exc), refused=True)
                    return run.summary
                if draft is not None and draft.doc.limits_hit:
                    _record_document(run, None, target, "capped: " + "; ".join(draft.doc.limits_hit), refused=False)
            else:
                path = Path(target)
                try:  # raises InputError for a file the user must fix (a refused document included)
                    with time_budget(run.limits.time_budget, f"cleaning {path.name}"):
                        doc = read_document(path, limits=run.limits)
                except BudgetExceeded as exc:
                    raise InputError(f"{path}: {exc}") from None
                data = path.read_bytes()
                kind = "html" if path.suffix.lower() in (".html", ".htm") else "text"
                draft = ArticleDraft(url=path.resolve().as_uri(), guid=None, doc=doc,
                                     raw=decode_bytes(data).encode("utf-8"), raw_kind=kind)
            if draft is not None:
                _store(run, draft, None, None)
            if run.extract is not None and (run.summary.new or run.summary.clustered):
                _evaluate_alerts(engine, settings)
        finally:
            run.client.close()
    return run.summary


def ingest_sample(engine: Engine, settings: Settings, nlp=None, progress: Progress | None = None) -> RunSummary:
    """Ingest the bundled offline corpus (data/sample): its feed files, then its standalone articles."""
    feed_files = sorted(p for p in (SAMPLE_DIR / "feeds").iterdir() if p.is_file())
    with session_scope(engine) as session:
        urls = [source_store.add_feed(session, str(p)).url for p in feed_files]
    summary = run_once(engine, settings, nlp, urls, progress)
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
    import time

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
