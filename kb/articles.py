"""Store writes for ingestion: the fetch log, articles (upserts keyed on url_hash) and story clusters.

Duplicate rules, in order:
  - same URL (normalised), or the same GUID from the same source: the same article, not stored again;
  - the same text from the same source (a feed re-posting an item under a new link): not stored again;
  - the same or nearly the same text from ANOTHER source (a syndicated or lightly edited copy):
    stored, as provenance, in the story of the article it copies ("clustered");
  - an article whose rel=canonical names a stored article joins that article's story.
"""
from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import and_, bindparam, literal_column, or_
from sqlmodel import Session, select

from ingest.dedup import StoryIndex, content_hash, sha256, simhash, url_hash
from ingest.records import ArticleDraft, FetchResult
from kb.db import utcnow
from kb.models import Article, FetchLog, Story

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleKeys:
    """The duplicate keys of a draft, computed once."""

    url_hash: str
    guid_hash: Optional[str]
    content_hash: str
    simhash: int
    canonical_hash: Optional[str]


@dataclass
class StoreOutcome:
    status: str  # new | clustered | duplicate
    article: Optional[Article] = None
    story_id: Optional[int] = None


def record_fetch(session: Session, result: FetchResult, *, source_id: Optional[int], kind: str,
                 outcome: Optional[str] = None, error: Optional[str] = None,
                 started_at: Optional[datetime] = None) -> FetchLog:
    """Add one FetchLog row for a fetch attempt (outcome: ok | not_modified | error | skipped)."""
    error = error if error is not None else result.error
    if outcome is None:
        outcome = "error" if error else ("not_modified" if result.status == 304 else "ok")
    row = FetchLog(source_id=source_id, url=result.url[:2048], kind=kind, started_at=started_at or utcnow(),
                   duration_ms=result.duration_ms, status=result.status, outcome=outcome, error=error,
                   bytes=len(result.body) if result.body else 0)
    session.add(row)
    return row


def identity_hash(url: Optional[str], guid: Optional[str], text: str) -> str:
    """The url_hash of an article: its URL, else its GUID, else its text."""
    if url:
        return url_hash(url)
    if guid:
        return url_hash(f"guid:{guid}")
    return url_hash(f"content:{content_hash(text)}")


def draft_keys(draft: ArticleDraft) -> ArticleKeys:
    """Every duplicate key of DRAFT."""
    return ArticleKeys(
        url_hash=identity_hash(draft.url, draft.guid, draft.doc.text),
        guid_hash=sha256(draft.guid) if draft.guid else None,
        content_hash=content_hash(draft.doc.text),
        simhash=simhash(draft.doc.text),
        canonical_hash=url_hash(draft.doc.canonical_url) if draft.doc.canonical_url else None,
    )


# Statements built once with bind parameters: per-article lookups skip SQLAlchemy's expression
# building, which cost more than the queries themselves at 10,000 articles a run.
# "source_id + 0" keeps the planner off the source_id index: without statistics SQLite chose it for
# the GUID and text terms, so every lookup scanned all of the source's articles and a 10,000-item
# feed took quadratic time (found by tests/test_hardening.py). The hash indexes are the selective ones.
_SOURCE = Article.source_id + literal_column("0")
_KNOWN = select(Article.id).where(or_(
    Article.url_hash == bindparam("url_hash"),
    and_(Article.guid_hash == bindparam("guid_hash"), _SOURCE == bindparam("source_id")),
)).limit(1)
_DUPLICATE = select(Article.id).where(or_(
    Article.url_hash == bindparam("url_hash"),
    and_(Article.guid_hash == bindparam("guid_hash"), _SOURCE == bindparam("source_id")),
    and_(Article.content_hash == bindparam("content_hash"), _SOURCE == bindparam("source_id")),
)).limit(1)
# candidates for the story of a new article, checked in order of strength in _existing_story
_STORY_CANDIDATES = select(Article.story_id, Article.url_hash, Article.canonical_hash, Article.content_hash).where(
    Article.story_id.is_not(None),
    or_(Article.url_hash == bindparam("canonical_hash"),
        Article.canonical_hash == bindparam("url_hash"),
        Article.content_hash == bindparam("content_hash")),
).limit(20)


def is_known(session: Session, *, source_id: Optional[int], url: Optional[str], guid: Optional[str]) -> bool:
    """True when an item with this URL, or this GUID from this source, is already stored.

    Checked before fetching an item's page, so a second run costs no page requests.
    """
    if not url and not guid:
        return False
    params = {"url_hash": url_hash(url) if url else "", "guid_hash": sha256(guid) if guid else "",
              "source_id": source_id if source_id is not None else -1}
    return session.execute(_KNOWN, params).first() is not None


def known_items(session: Session, source_id: Optional[int], items) -> set[int]:
    """Positions of ITEMS (FeedItems) already stored, by URL or by GUID from this source: one query per 500.

    A feed served again without validators (no ETag or Last-Modified) is skipped item by item here,
    before any cleaning, so re-reading an unchanged feed costs one parse and a few queries.
    """
    items = list(items)
    known: set[int] = set()
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        urls = {url_hash(i.link): n for n, i in enumerate(chunk, start) if i.link}
        guids = {sha256(i.guid): n for n, i in enumerate(chunk, start) if i.guid}
        conditions = []
        if urls:
            conditions.append(Article.url_hash.in_(list(urls)))
        if guids and source_id is not None:
            conditions.append(and_(Article.guid_hash.in_(list(guids)), _SOURCE == source_id))
        if not conditions:
            continue
        for found_url, found_guid in session.exec(select(Article.url_hash, Article.guid_hash).where(or_(*conditions))):
            if found_url in urls:
                known.add(urls[found_url])
            if found_guid in guids:
                known.add(guids[found_guid])
    return known


def load_story_index(session: Session) -> StoryIndex:
    """Every stored fingerprint with its story, for near-duplicate lookups during a run."""
    index = StoryIndex()
    rows = session.exec(select(Article.simhash, Article.story_id).where(Article.simhash.is_not(None),
                                                                        Article.story_id.is_not(None)))
    for fingerprint, story_id in rows:
        index.add(fingerprint, story_id)
    return index


def is_duplicate(session: Session, keys: ArticleKeys, source_id: Optional[int]) -> bool:
    """True when the URL, the GUID (same source) or the text (same source) is already stored."""
    params = {"url_hash": keys.url_hash, "guid_hash": keys.guid_hash or "", "content_hash": keys.content_hash,
              "source_id": source_id if source_id is not None else -1}
    return session.execute(_DUPLICATE, params).first() is not None


def _existing_story(session: Session, keys: ArticleKeys, index: Optional[StoryIndex]) -> Optional[int]:
    """The story a new article joins: its canonical original's, a copy's that named it, same text, near text."""
    canonical = keys.canonical_hash if keys.canonical_hash and keys.canonical_hash != keys.url_hash else ""
    rows = session.execute(_STORY_CANDIDATES, {"canonical_hash": canonical, "url_hash": keys.url_hash,
                                               "content_hash": keys.content_hash}).all()
    for test in (lambda r: canonical and r.url_hash == canonical,  # a copy naming its stored original
                 lambda r: r.canonical_hash == keys.url_hash,  # an original arriving after its copy
                 lambda r: r.content_hash == keys.content_hash):  # the same text from another source
        for row in rows:
            if test(row):
                return row.story_id
    if index is not None and keys.simhash:
        return index.find(keys.simhash)
    return None


def store_article(session: Session, draft: ArticleDraft, *, source_id: Optional[int],
                  outlet: Optional[str] = None, index: Optional[StoryIndex] = None,
                  keys: Optional[ArticleKeys] = None, checked: bool = False) -> StoreOutcome:
    """Store DRAFT unless it is a duplicate, placing it in its story; flushes, never commits.

    Args:
        outlet: the outlet to record when the document names none (the feed's title).
        index: the run's near-duplicate index (the caller adds the new fingerprint after commit).
        checked: the caller ran is_duplicate() just before (a URL race still fails on the unique key).
    Returns:
        StoreOutcome: "duplicate" (nothing written), "clustered" (joined a story) or "new".
    """
    keys = keys or draft_keys(draft)
    if not checked and is_duplicate(session, keys, source_id):
        return StoreOutcome("duplicate")
    doc = draft.doc
    now = utcnow()
    story_id = _existing_story(session, keys, index)
    status = "clustered" if story_id else "new"
    if story_id is None:
        story = Story(title=doc.title or None, first_seen_at=now, first_published_at=doc.published)
        session.add(story)
        session.flush()
        story_id = story.id
    elif doc.published:
        story = session.get(Story, story_id)
        if story is not None and (story.first_published_at is None or doc.published < story.first_published_at):
            story.first_published_at = doc.published
    article = Article(
        source_id=source_id, story_id=story_id, url=(draft.url or None) and draft.url[:2048],
        url_hash=keys.url_hash, guid_hash=keys.guid_hash,
        canonical_url=doc.canonical_url[:2048] if doc.canonical_url else None, canonical_hash=keys.canonical_hash,
        content_hash=keys.content_hash, simhash=keys.simhash, title=doc.title or None, author=doc.author,
        outlet=doc.outlet or outlet, original_outlet=doc.original_outlet, published_at=doc.published,
        fetched_at=now, language=doc.language, text=doc.text, raw=zlib.compress(draft.raw, 6),
        raw_kind=draft.raw_kind,
    )
    session.add(article)
    session.flush()  # a concurrent worker storing the same URL fails here (unique url_hash)
    return StoreOutcome(status, article, story_id)


def raw_payload(article: Article) -> bytes:
    """The payload an article was cleaned from, decompressed (to re-clean or re-extract offline)."""
    return zlib.decompress(article.raw) if article.raw else b""
