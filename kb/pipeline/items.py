"""One feed item through the pipeline: its page, the clean draft, the duplicate check, the article and its claims.

Each article is stored with its claims in one transaction (store_draft), opened here; the store's
functions only flush.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any, Optional

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session, select

from ingest.budget import BudgetExceeded, DocumentRefused, time_budget
from ingest.fetch import fetch, fetch_file
from ingest.items import item_draft, page_url_for, speaks_for
from ingest.records import ArticleDraft, FeedItem, FetchResult
from ingest.ssrf import origin
from kb.db import session_scope, utcnow
from kb.models import Article, Source
from kb.pipeline.context import Run, first_line, publisher_org
from kb.pipeline.keys import draft_keys, url_key
from kb.store import articles

log = logging.getLogger(__name__)


def process_item(run: Run, source_id: int, feed_url: str, source_kind: str, item: FeedItem,
                  feed_site: Optional[str] = None) -> int:
    trusted = source_kind == "file"  # a local feed file the user named speaks for every link
    own = speaks_for(item, feed_url, trusted)
    page_url = page_url_for(item)
    # 4a. one article, many sightings: a URL already stored is this feed's sighting of that article;
    #     a fuller copy from the article's own site replaces a teaser, a failed page is tried again
    with Session(run.engine) as session:
        existing = articles.find_article(session, url_key(item.link))
        existing_state = (existing.id, existing.feed_text_only) if existing is not None else None
    where = page_url or item.link or item.guid or feed_url
    if existing_state is not None:
        page = None
        if existing_state[1] and page_url:
            page = fetch_page(run, source_id, feed_url, source_kind, page_url)
        draft = _draft(run, source_id, item, page, where, feed_url=feed_url, trusted=trusted, feed_site=feed_site)
        return _sighting(run, existing_state[0], draft, source_id, item.link, own)
    # 4b. pages: a summary-only item is completed from its page (robots.txt, SSRF rules apply)
    page = fetch_page(run, source_id, feed_url, source_kind, page_url) if page_url else None
    # 5. clean, within the document limits (a hostile page is cut or refused, and recorded)
    draft = _draft(run, source_id, item, page, where, feed_url=feed_url, trusted=trusted, feed_site=feed_site)
    if draft is None:
        return 0
    return store_draft(run, draft, source_id, None, link=item.link, own=own)


def _sighting(run: Run, article_id: int, draft: Optional[ArticleDraft], source_id: Optional[int],
              link: Optional[str], own: bool) -> int:
    """Record SOURCE_ID's sighting of a stored article; a fuller same-site copy replaces its text."""
    extraction = None
    keys = draft_keys(draft) if draft is not None else None
    with Session(run.engine) as session:
        article = session.get(Article, article_id)
        fuller = draft is not None and article is not None and articles.is_fuller(draft, article)
    if fuller and draft is not None and run.extract is not None:
        try:
            extraction = run.extract(run.nlp, draft.doc)
        except Exception as exc:  # noqa: BLE001 - one bad text must not stop the run
            log.warning("extraction failed for %s: %s", draft.url, exc)
    with session_scope(run.engine) as session:
        article = session.get(Article, article_id)
        articles.record_sighting(session, url=link, url_key=url_key(link), article_id=article_id,
                                 source_id=source_id, same_site=own,
                                 text_chars=len(draft.doc.text) if draft is not None else 0)
        if not fuller or article is None or draft is None or keys is None:  # (draft None: never fuller)
            if article is not None and article.feed_text_only:
                article.page_attempts += 1
            run.summary.duplicate += 1
            return 0
        articles.replace_text(session, article, draft, keys)
        articles.absorb_feed_copies(session, article)
        if extraction is not None:
            result = run.store_extraction(session, article, extraction, extractor_version=run.version,
                                              lab_org=publisher_org(article.url, run.sites))
            run.summary.claims_stored += len(getattr(result, "claim_ids", ()))
        story_id = article.story_id
    run.summary.replaced += 1
    if keys.simhash is not None and story_id is not None:
        run.index.add(keys.simhash, story_id)
    return 0


def retry_pages(run: Run, urls: Optional[list[str]], limit: int = 50) -> None:
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
        page = fetch_page(run, source_id, feed_url or "", source_kind or "feed", link)
        with session_scope(run.engine) as session:
            article = session.get(Article, article_id)
            if article is not None:
                article.page_attempts += 1
        if not page.ok:
            continue
        try:
            draft = item_draft(FeedItem(link=link), link, page, sites=run.sites, limits=run.limits)
        except DocumentRefused as exc:
            record_document(run, source_id, link, str(exc), refused=True)
            continue
        if draft is None:
            continue
        with Session(run.engine) as session:
            stand_in = session.get(Article, article_id)
            is_copy = stand_in is not None and stand_in.url_hash != url_key(link)
        if is_copy:  # another site's feed copy: the article's own page is stored under its URL at last
            store_draft(run, draft, source_id, None, link=link, own=False)
        else:
            _sighting(run, article_id, draft, source_id, link, True)


MAX_PAGE_ATTEMPTS = 5


def _draft(run: Run, source_id: int, item: FeedItem, page, where: str, *, feed_url: Optional[str],
           trusted: bool = False, feed_site: Optional[str] = None) -> Optional[ArticleDraft]:
    """item_draft under the run's document limits and time budget; refusals and cuts are recorded."""
    kw: dict[str, Any] = dict(sites=run.sites, trusted=trusted, feed_site=feed_site, limits=run.limits)
    try:
        with time_budget(run.limits.time_budget, "cleaning the page"):
            draft = item_draft(item, feed_url, page, **kw)
    except DocumentRefused as exc:
        record_document(run, source_id, where, str(exc), refused=True)
        if page is None or not page.ok:
            return None
        try:  # the page was the problem: keep the feed's summary, as when a page cannot be fetched
            with time_budget(run.limits.time_budget, "cleaning the summary"):
                draft = item_draft(item, feed_url, None, **kw)
        except DocumentRefused as again:
            record_document(run, source_id, item.link or where, str(again), refused=True)
            return None
    if draft is not None and draft.doc.limits_hit:
        record_document(run, source_id, draft.url or where, "capped: " + "; ".join(draft.doc.limits_hit),
                         refused=False)
    return draft


def record_document(run: Run, source_id: Optional[int], where: str, message: str, *, refused: bool) -> None:
    """A FetchLog row (kind "clean") for a document the limits refused ("error") or cut ("skipped")."""
    with session_scope(run.engine) as session:
        articles.record_fetch(session, FetchResult(url=where, final_url=where), source_id=source_id, kind="clean",
                              outcome="error" if refused else "skipped", error=message)
    if refused:
        run.summary.page_errors += 1
    run.summary.errors.append(f"{where}: {message}")


def fetch_page(run: Run, source_id: int, feed_url: str, source_kind: str, page_url: str):
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


def store_draft(run: Run, draft: ArticleDraft, source_id: Optional[int], outlet: Optional[str], *,
           link: Optional[str] = None, own: Optional[bool] = None) -> int:
    keys = draft_keys(draft)
    own = draft.via is None if own is None else own
    with Session(run.engine) as session:
        duplicate = articles.is_duplicate(session, keys, source_id)
        same = session.exec(select(Article.id).where(Article.url_hash == keys.url_hash)).first() if duplicate else None
    if duplicate:
        if same is not None and link:
            with session_scope(run.engine) as session:
                articles.record_sighting(session, url=link, url_key=url_key(link), article_id=same,
                                         source_id=source_id, same_site=own, text_chars=len(draft.doc.text))
        run.summary.duplicate += 1
        return 0
    try:
        extraction = _extract(run, draft)
    except BudgetExceeded as exc:  # refused like an over-deep page
        record_document(run, source_id, draft.url or draft.guid or "document", str(exc), refused=True)
        return 0
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
            log.warning("storing %s failed (attempt %d): %s", draft.url, broken, first_line(exc))
            if broken >= 2:
                run.summary.store_failed += 1
                run.summary.errors.append(f"{draft.url}: not stored, database error: {first_line(exc)}")
                return 0
        except Exception as exc:  # a claims-writer bug must not lose the article
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


def _extract(run: Run, draft: ArticleDraft):
    """7a. The draft's Extraction, outside the transaction (pure, the slow part), within the time budget.

    None without an extractor or when it fails (the article is stored without claims; a later run's
    repair step extracts it); BudgetExceeded for a document over its budget.
    """
    if run.extract is None:
        return None
    try:
        with time_budget(run.limits.time_budget, "extraction"):
            return run.extract(run.nlp, draft.doc)
    except BudgetExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad text must not stop the run
        log.warning("extraction failed for %s: %s", draft.url, exc)
        run.summary.errors.append(f"{draft.url}: extraction failed: {exc}")
        return None


def _store_transaction(run: Run, draft: ArticleDraft, keys, source_id, outlet, extraction, link=None, own=True):
    with session_scope(run.engine) as session:
        outcome = articles.store_article(session, draft, keys, source_id=source_id, outlet=outlet,
                                         index=run.index if not keys.short else None, checked=True)
        if outcome.article is not None:
            articles.record_sighting(session, url=link, url_key=url_key(link), article_id=outcome.article.id,
                                     source_id=source_id, same_site=own, text_chars=len(draft.doc.text))
            if draft.via is None:  # the article's own copy: other sites' stand-in copies become sightings
                articles.absorb_feed_copies(session, outcome.article)
        if outcome.article is not None and extraction is not None:
            # (store_extraction marks the article extracted: extractor_version and extracted_at, once)
            result = run.store_extraction(session, outcome.article, extraction, extractor_version=run.version,
                                          lab_org=publisher_org(outcome.article.url, run.sites))
            run.summary.claims_stored += len(getattr(result, "claim_ids", ()))
    return outcome
