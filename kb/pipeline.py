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
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ingest.feeds import is_feed_content_type, parse_feed
from ingest.fetch import HostPacer, fetch, fetch_file, make_client
from ingest.items import item_draft, local_page_allowed, page_url_for, speaks_for
from ingest.publisher import load_sites, set_sites_file
from ingest.records import ArticleDraft, FeedItem
from ingest.robots import RobotsCache
from ingest.ssrf import origin
from kb import articles
from kb import sources as source_store
from kb.db import session_scope, utcnow
from kb.ingest_lock import ingest_lock
from kb.models import Article, Source
from kb.settings import DATA_DIR, Settings

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
    replaced: int = 0  # stored articles given a fuller copy's text (same site), re-extracted
    feed_text_only: int = 0  # articles stored from the feed's text because their page failed
    errors: list[str] = field(default_factory=list)

    def add(self, other: "RunSummary") -> None:
        for name in ("fetched", "not_modified", "failed", "new", "duplicate", "clustered", "claims_stored",
                     "page_errors", "replaced", "feed_text_only"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    def line(self) -> str:
        line = (f"sources: {self.fetched} fetched, {self.not_modified} not modified, {self.failed} failed; "
                f"articles: {self.new} new, {self.duplicate} duplicate, {self.clustered} clustered")
        if self.replaced:
            line += f", {self.replaced} replaced by a fuller copy"
        line += f"; pages: {self.page_errors} failed"
        if self.feed_text_only:
            line += f" ({self.feed_text_only} articles kept with feed text only, retried next run)"
        return line + f"; claims stored: {self.claims_stored}"


class _Run:
    """Shared state of one run: the HTTP client, politeness, the near-duplicate index, the extractor."""

    def __init__(self, engine: Engine, settings: Settings, nlp) -> None:
        self.engine, self.settings, self.nlp = engine, settings, nlp
        self.client = make_client(settings)
        self.pacer = HostPacer(settings.host_delay)
        self.robots = RobotsCache()
        with Session(engine) as session:
            self.index = articles.load_story_index(session)
        self.extract, self.store_extraction, self.version = _extractor(nlp)
        self.summary = RunSummary()
        set_sites_file(settings.sites_file or None)
        self.sites = load_sites(settings.sites_file or None)
        self.started = utcnow()


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
            # 7c. pages that failed on an earlier run are tried again (the article kept the feed's text)
            _retry_pages(run, urls)
            # 8. alerts over what this run stored
            if run.extract is not None and (run.summary.new or run.summary.clustered or run.summary.replaced):
                _evaluate_alerts(engine, settings)
        finally:
            run.client.close()
    return run.summary


def _process_source_safely(run: _Run, source_id: int) -> str:
    """_process_source, with an unexpected failure recorded against the source instead of ending the run."""
    try:
        return _process_source(run, source_id)
    except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the others
        log.exception("ingest of source %s failed", source_id)
        with session_scope(run.engine) as session:
            source = session.get(Source, source_id)
            if source is not None:
                source_store.mark_fetched(session, source, status=source.last_status, error=f"internal error: {exc}",
                                     max_backoff_hours=run.settings.max_failures_backoff_hours)
        run.summary.failed += 1
        run.summary.errors.append(f"source {source_id}: internal error: {exc}")
        return f"source {source_id}: internal error"


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
    for position, item in enumerate(items):
        if position not in known:
            stored += _process_item(run, source_id, url, kind, item, feed.site_url)
    if not error:  # a failed or malformed fetch keeps the old validators: the next run refetches it
        with session_scope(run.engine) as session:
            source = session.get(Source, source_id)
            source.etag, source.last_modified = result.headers.get("etag"), result.headers.get("last-modified")
    return f"{url}: {error or 'ok'}" + (f" ({stored} new)" if stored else "")


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
    if existing_state is not None:
        page = None
        if existing_state[1] and page_url:
            page = _fetch_page(run, source_id, feed_url, source_kind, page_url)
        draft = item_draft(item, feed_url, page, sites=run.sites, trusted=trusted, feed_site=feed_site)
        return _sighting(run, existing_state[0], draft, source_id, item.link, own)
    # 4b. pages: a summary-only item is completed from its page (robots.txt, SSRF rules apply)
    page = _fetch_page(run, source_id, feed_url, source_kind, page_url) if page_url else None
    # 5. clean
    draft = item_draft(item, feed_url, page, sites=run.sites, trusted=trusted, feed_site=feed_site)
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
        draft = item_draft(FeedItem(link=link), link, page, sites=run.sites)
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
    # 7a. extract outside the transaction (pure, the slow part); a failing extractor loses no article
    extraction = None
    if run.extract is not None:
        try:
            extraction = run.extract(run.nlp, draft.doc)
        except Exception as exc:  # noqa: BLE001 - one bad text must not stop the run
            log.warning("extraction failed for %s: %s", draft.url, exc)
    # 6 + 7b. the article and its claims in one transaction
    try:
        outcome = _store_transaction(run, draft, keys, source_id, outlet, extraction, link, own)
    except IntegrityError:  # another worker stored the same URL a moment ago
        run.summary.duplicate += 1
        return 0
    except Exception as exc:  # noqa: BLE001 - a claims-writer failure must not lose the article
        if extraction is None:
            raise
        log.warning("storing claims failed for %s (%s); storing the article alone", draft.url, exc)
        run.summary.errors.append(f"{draft.url}: claims not stored: {exc}")
        outcome = _store_transaction(run, draft, keys, source_id, outlet, None, link, own)
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
                draft = item_draft(FeedItem(link=page.final_url), page.final_url, page, sites=run.sites)
                run.summary.fetched += 1
            else:
                path = Path(target)
                doc = read_document(path)  # raises InputError for a file the user must fix
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
