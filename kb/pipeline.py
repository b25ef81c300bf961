"""The ingest orchestrator: feeds -> items -> pages -> clean text -> stored articles -> claims -> alerts.

`run_once` reads as the numbered steps of one run. Every failure is recorded where it happened
(a FetchLog row, Source.last_error) and the run goes on; each article is stored with its claims in
one transaction, so a crash leaves no half-written article.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session, select

from ingest.budget import BudgetExceeded, DocumentRefused, time_budget
from ingest.feeds import is_feed_content_type, parse_feed
from ingest.fetch import HostPacer, fetch, fetch_file, make_client
from ingest.items import item_draft, page_url_for, speaks_for
from ingest.records import ArticleDraft, FeedItem, FetchResult
from ingest.robots import RobotsCache
from ingest.ssrf import origin, web_link
from kb import articles
from kb import sources as source_store
from kb.db import session_scope, utcnow
from kb.errors import InputError
from kb.ingest_lock import ingest_lock
from kb.models import Article, Source
from kb.settings import DATA_DIR, Settings, ingest_options

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
    capped: int = 0  # sources that hit the per-source item or time cap (the rest comes next run)
    replaced: int = 0  # stored articles given a fuller copy's text (same site), re-extracted
    feed_text_only: int = 0  # articles stored from the feed's text because their page failed
    errors: list[str] = field(default_factory=list)

    def add(self, other: "RunSummary") -> None:
        for name in ("fetched", "not_modified", "failed", "new", "duplicate", "clustered", "claims_stored",
                     "page_errors", "store_failed", "repaired", "capped", "replaced", "feed_text_only"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    def line(self) -> str:
        line = (f"sources: {self.fetched} fetched, {self.not_modified} not modified, {self.failed} failed; "
                f"articles: {self.new} new, {self.duplicate} duplicate, {self.clustered} clustered")
        if self.replaced:
            line += f", {self.replaced} replaced by a fuller copy"
        if self.repaired:
            line += f", {self.repaired} extracted late"
        if self.capped:
            line += f"; {self.capped} sources capped, the rest next run"
        line += f"; pages: {self.page_errors} failed"
        if self.feed_text_only:
            line += f" ({self.feed_text_only} articles kept with feed text only, retried next run)"
        line += f"; claims stored: {self.claims_stored}"
        if self.store_failed:
            line += f"; {self.store_failed} NOT STORED (database errors; the next run retries them)"
        return line


class _Run:
    """Shared state of one run: the HTTP client, politeness, the near-duplicate index, the extractor."""

    def __init__(self, engine: Engine, settings: Settings, nlp) -> None:
        self.engine, self.settings, self.nlp = engine, settings, nlp
        self.options = ingest_options(settings)  # what ingest is told: limits, politeness, known sites
        self.limits = self.options.limits
        self.sites = self.options.sites()
        self.client = make_client(self.options)
        self.pacer = HostPacer(settings.host_delay)
        self.robots = RobotsCache()
        with Session(engine) as session:
            self.index = articles.load_story_index(session)
        self.extract, self.store_extraction, self.version = _extractor(nlp, self.sites)
        self.summary = RunSummary()
        self.page_mirror: dict[str, Path] = {}  # page URL -> local copy, given only by the sample run
        self.started = utcnow()


def _extractor(nlp, sites):
    """The extractor, the claims writer (told the known SITES) and the extractor's version; Nones without NLP."""
    if nlp is None:
        return None, None, None
    from kb.claims import store_extraction  # late: a run without extraction never loads the extractor
    from kb.nlp.extract import EXTRACTOR_VERSION, extract

    return extract, functools.partial(store_extraction, sites=sites), EXTRACTOR_VERSION


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
        run = _Run(engine, settings, nlp)
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
            _retry_pages(run, urls)
            # 8. alerts over what this run stored
            if run.extract is not None and (run.summary.new or run.summary.clustered or run.summary.repaired
                                            or run.summary.replaced):
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
    clock = time.monotonic()
    with Session(run.engine) as session:
        source = session.get(Source, source_id)
        url, etag, last_modified, kind = source.url, source.etag, source.last_modified, source.kind
        started = utcnow()
        # 2. fetch, conditionally: an unchanged feed answers 304 and costs nothing more
        if kind == "file":
            result = fetch_file(url, run.options, last_modified=last_modified)
        else:
            result = fetch(url, run.options, client=run.client, etag=etag, last_modified=last_modified,
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
    # 4-7 for each new item, within the per-source caps: a feed of 100,000 items or of slow pages
    # cannot hold a run (or a worker's lease) for hours; what is left is taken up by the next run
    failed_before = run.summary.store_failed
    pending = [position for position in range(len(items)) if position not in known]
    capped = None
    for done, position in enumerate(pending):
        if done >= run.settings.max_items_per_source:
            capped = f"item cap: {done} of {len(pending)} new items this run (max_items_per_source)"
            break
        if done and time.monotonic() - clock > run.settings.max_seconds_per_source:
            capped = (f"time cap: {done} of {len(pending)} new items in {run.settings.max_seconds_per_source:g} s "
                      "(max_seconds_per_source)")
            break
        stored += _process_item(run, source_id, url, kind, items[position], feed.site_url)
    if run.summary.store_failed > failed_before:
        # an item the database did not take must come back next run: keep the old validators
        return f"{url}: {run.summary.store_failed - failed_before} items not stored (database error)"
    if capped:
        _record_cap(run, source_id, url, capped)
    elif not error:  # a failed, malformed or capped fetch keeps the old validators: the next run refetches it
        with session_scope(run.engine) as session:
            source = session.get(Source, source_id)
            source.etag, source.last_modified = result.headers.get("etag"), result.headers.get("last-modified")
    return f"{url}: {error or 'ok'}" + (f" ({stored} new)" if stored else "") + (f"; {capped}" if capped else "")


def _record_cap(run: _Run, source_id: int, url: str, message: str) -> None:
    """A capped source: a FetchLog row says so, and it is due again at once (its old validators stay,
    so the next run fetches the whole feed and carries on with the items not stored yet)."""
    from kb.models import FetchLog

    with session_scope(run.engine) as session:
        session.add(FetchLog(source_id=source_id, url=url[:2048], kind="feed", started_at=utcnow(),
                             outcome="capped", error=message))
        source = session.get(Source, source_id)
        source.next_fetch_at = utcnow()
    run.summary.capped += 1


def _process_item(run: _Run, source_id: int, feed_url: str, source_kind: str, item: FeedItem,
                  feed_site: Optional[str] = None) -> int:
    trusted = source_kind == "file"  # a local feed file the user named speaks for every link
    own = speaks_for(item, feed_url, trusted)
    page_url = page_url_for(item)
    # 4a. one article, many sightings: a URL already stored is this feed's sighting of that article;
    #     a fuller copy from the article's own site replaces a teaser, a failed page is tried again
    with Session(run.engine) as session:
        existing = articles.find_article(session, item.link)
        existing_state = (existing.id, existing.feed_text_only) if existing is not None else None
    where = page_url or item.link or item.guid or feed_url
    if existing_state is not None:
        page = None
        if existing_state[1] and page_url:
            page = _fetch_page(run, source_id, feed_url, source_kind, page_url)
        draft = _draft(run, source_id, item, page, where, feed_url=feed_url, trusted=trusted, feed_site=feed_site)
        return _sighting(run, existing_state[0], draft, source_id, item.link, own)
    # 4b. pages: a summary-only item is completed from its page (robots.txt, SSRF rules apply)
    page = _fetch_page(run, source_id, feed_url, source_kind, page_url) if page_url else None
    # 5. clean, within the document limits (a hostile page is cut or refused, and recorded)
    draft = _draft(run, source_id, item, page, where, feed_url=feed_url, trusted=trusted, feed_site=feed_site)
    if draft is None:
        return 0
    return _store(run, draft, source_id, None, link=item.link, own=own)


def _sighting(run: _Run, article_id: int, draft: Optional[ArticleDraft], source_id: Optional[int],
              link: Optional[str], own: bool) -> int:
    """Record SOURCE_ID's sighting of a stored article; a fuller same-site copy replaces its text."""
    extraction = None
    keys = articles.draft_keys(draft) if draft is not None else None
    with Session(run.engine) as session:
        article = session.get(Article, article_id)
        fuller = draft is not None and article is not None and articles.is_fuller(draft, article)
    if fuller and run.extract is not None:
        try:
            extraction = run.extract(run.nlp, draft.doc)
        except Exception as exc:  # noqa: BLE001 - one bad text must not stop the run
            log.warning("extraction failed for %s: %s", draft.url, exc)
    with session_scope(run.engine) as session:
        article = session.get(Article, article_id)
        articles.record_sighting(session, url=link, article_id=article_id, source_id=source_id, same_site=own,
                                 text_chars=len(draft.doc.text) if draft is not None else 0)
        if not fuller or article is None:
            if article is not None and article.feed_text_only:
                article.page_attempts += 1
            run.summary.duplicate += 1
            return 0
        articles.replace_text(session, article, draft, keys)
        articles.absorb_feed_copies(session, article)
        if extraction is not None:
            result = run.store_extraction(session, article, extraction, extractor_version=run.version)
            run.summary.claims_stored += len(getattr(result, "claim_ids", ()))
        story_id = article.story_id
    run.summary.replaced += 1
    if keys.simhash is not None and story_id is not None:
        run.index.add(keys.simhash, story_id)
    return 0


def _retry_pages(run: _Run, urls: Optional[list[str]], limit: int = 50) -> None:
    """Fetch again the pages of articles stored from feed text only on an earlier run (up to MAX_PAGE_ATTEMPTS)."""
    with Session(run.engine) as session:
        stmt = (select(Article.id, Article.url, Article.source_id, Source.url, Source.kind)
                .join(Source, Source.id == Article.source_id, isouter=True)
                .where(Article.feed_text_only, Article.page_attempts < MAX_PAGE_ATTEMPTS,
                       Article.fetched_at < run.started)
                .order_by(Article.id).limit(limit))
        rows = [r for r in session.exec(stmt).all() if urls is None or r[3] in urls]
    for article_id, link, source_id, feed_url, source_kind in rows:
        if not link or not link.startswith(("http://", "https://")):
            continue
        page = _fetch_page(run, source_id, feed_url or "", source_kind or "feed", link)
        with session_scope(run.engine) as session:
            article = session.get(Article, article_id)
            if article is not None:
                article.page_attempts += 1
        if not page.ok:
            continue
        try:
            draft = item_draft(FeedItem(link=link), link, page, sites=run.sites, limits=run.limits)
        except DocumentRefused as exc:
            _record_document(run, source_id, link, str(exc), refused=True)
            continue
        if draft is None:
            continue
        with Session(run.engine) as session:
            stand_in = session.get(Article, article_id)
            is_copy = stand_in is not None and stand_in.url_hash != articles.url_hash(link)
        if is_copy:  # another site's feed copy: the article's own page is stored under its URL at last
            _store(run, draft, source_id, None, link=link, own=False)
        else:
            _sighting(run, article_id, draft, source_id, link, True)


MAX_PAGE_ATTEMPTS = 5


def _draft(run: _Run, source_id: int, item: FeedItem, page, where: str, *, feed_url: Optional[str],
           trusted: bool = False, feed_site: Optional[str] = None) -> Optional[ArticleDraft]:
    """item_draft under the run's document limits and time budget; refusals and cuts are recorded."""
    kw = dict(sites=run.sites, trusted=trusted, feed_site=feed_site, limits=run.limits)
    try:
        with time_budget(run.limits.time_budget, "cleaning the page"):
            draft = item_draft(item, feed_url, page, **kw)
    except DocumentRefused as exc:
        _record_document(run, source_id, where, str(exc), refused=True)
        if page is None or not page.ok:
            return None
        try:  # the page was the problem: keep the feed's summary, as when a page cannot be fetched
            with time_budget(run.limits.time_budget, "cleaning the summary"):
                draft = item_draft(item, feed_url, None, **kw)
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
    mirrored = run.page_mirror.get(page_url)
    if mirrored is not None:  # a page the command itself supplied (the bundled sample), never a feed
        page = dataclasses.replace(fetch_file(str(mirrored), run.options), url=page_url, final_url=page_url)
    else:  # page_url_for only hands over http(s) links: a feed never makes aikb read a local file
        trusted = origin(feed_url) if source_kind != "file" else None
        page = fetch(page_url, run.options, client=run.client, kind="page", trusted_origin=trusted,
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


def _store(run: _Run, draft: ArticleDraft, source_id: Optional[int], outlet: Optional[str], *,
           link: Optional[str] = None, own: Optional[bool] = None) -> int:
    keys = articles.draft_keys(draft)
    own = draft.via is None if own is None else own
    with Session(run.engine) as session:
        duplicate = articles.is_duplicate(session, keys, source_id)
        same = session.exec(select(Article.id).where(Article.url_hash == keys.url_hash)).first() if duplicate else None
    if duplicate:
        if same is not None and link:
            with session_scope(run.engine) as session:
                articles.record_sighting(session, url=link, article_id=same, source_id=source_id, same_site=own,
                                         text_chars=len(draft.doc.text))
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
            outcome = _store_transaction(run, draft, keys, source_id, outlet, extraction, link, own)
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
    if keys.simhash is not None:
        run.index.add(keys.simhash, outcome.story_id)
    if draft.feed_text_only:
        run.summary.feed_text_only += 1
    if outcome.status == "clustered":
        run.summary.clustered += 1
    else:
        run.summary.new += 1
    return 1


def _store_transaction(run: _Run, draft: ArticleDraft, keys, source_id, outlet, extraction, link=None, own=True):
    with session_scope(run.engine) as session:
        outcome = articles.store_article(session, draft, source_id=source_id, outlet=outlet,
                                         index=run.index if not keys.short else None, keys=keys, checked=True)
        if outcome.article is not None:
            articles.record_sighting(session, url=link, article_id=outcome.article.id, source_id=source_id,
                                     same_site=own, text_chars=len(draft.doc.text))
            if draft.via is None:  # the article's own copy: other sites' stand-in copies become sightings
                articles.absorb_feed_copies(session, outcome.article)
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
        result = reextract_articles(lambda: Session(run.engine), run.nlp, only_missing=True, limit=REPAIR_LIMIT,
                                     sites=run.sites)
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
    from ingest.documents import decode_bytes, parse_document
    from ingest.localfile import read_local_file

    with ingest_lock(engine):
        run = _Run(engine, settings, nlp)
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
                    _record_document(run, None, target, str(exc), refused=True)
                    return run.summary
                if draft is not None and draft.doc.limits_hit:
                    _record_document(run, None, target, "capped: " + "; ".join(draft.doc.limits_hit), refused=False)
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
