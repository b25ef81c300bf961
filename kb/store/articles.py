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
from typing import Iterator, Optional, Protocol

from sqlalchemy import and_, bindparam, literal_column, or_
from sqlmodel import Session, select

from ingest.records import ArticleDraft, FetchResult
from kb.db import utcnow
from kb.models import Article, FetchLog, Sighting, Story
from kb.store.claims import clear_article, refresh_claims

# A later copy of a stored article replaces its text when it is this much longer (or the stored text
# is only the feed's because the page could not be read): the fullest copy wins, whatever the order.
FULLER_RATIO = 1.2

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleKeys:
    """The duplicate keys of a draft, computed once (by kb.pipeline.keys.draft_keys)."""

    url_hash: str
    guid_hash: Optional[str]
    content_hash: str
    simhash: Optional[int]  # None for a teaser (never matched as a near-duplicate)
    canonical_hash: Optional[str]
    short: bool = False  # a teaser: its text is not a duplicate key


class NearDuplicates(Protocol):
    """The run's near-duplicate index (ingest.dedup.StoryIndex): a fingerprint's story, if any."""

    def find(self, fingerprint: int) -> Optional[int]: ...


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


# Statements built once with bind parameters: per-article lookups skip SQLAlchemy's expression
# building, which cost more than the queries themselves at 10,000 articles a run.
# "source_id + 0" keeps the planner off the source_id index: without statistics SQLite chose it for
# the GUID and text terms, so every lookup scanned all of the source's articles and a 10,000-item
# feed took quadratic time (found by tests/test_hardening.py). The hash indexes are the selective ones.
_SOURCE = Article.source_id + literal_column("0")
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


def story_fingerprints(session: Session) -> Iterator[tuple[int, int]]:
    """(fingerprint, story id) of every stored text, for the run's near-duplicate index."""
    yield from session.exec(select(Article.simhash, Article.story_id).where(Article.simhash.is_not(None),
                                                                          Article.story_id.is_not(None)))


def is_duplicate(session: Session, keys: ArticleKeys, source_id: Optional[int]) -> bool:
    """True when the URL, the GUID (same source) or the text (same source) is already stored."""
    params = {"url_hash": keys.url_hash, "guid_hash": keys.guid_hash or "",
              "content_hash": "" if keys.short else keys.content_hash,
              "source_id": source_id if source_id is not None else -1}
    return session.execute(_DUPLICATE, params).first() is not None


def _existing_story(session: Session, keys: ArticleKeys, index: Optional[NearDuplicates]) -> Optional[int]:
    """The story a new article joins: its canonical original's, a copy's that named it, same text, near text."""
    canonical = keys.canonical_hash if keys.canonical_hash and keys.canonical_hash != keys.url_hash else ""
    rows = session.execute(_STORY_CANDIDATES, {"canonical_hash": canonical, "url_hash": keys.url_hash,
                                               "content_hash": "" if keys.short else keys.content_hash}).all()
    for test in (lambda r: canonical and r.url_hash == canonical,  # a copy naming its stored original
                 lambda r: r.canonical_hash == keys.url_hash,  # an original arriving after its copy
                 lambda r: not keys.short and r.content_hash == keys.content_hash):  # same text, another source
        for row in rows:
            if test(row):
                return row.story_id
    if index is not None and keys.simhash:
        return index.find(keys.simhash)
    return None


def store_article(session: Session, draft: ArticleDraft, keys: ArticleKeys, *, source_id: Optional[int],
                  outlet: Optional[str] = None, index: Optional[NearDuplicates] = None,
                  checked: bool = False) -> StoreOutcome:
    """Store DRAFT unless it is a duplicate, placing it in its story; flushes, never commits.

    Args:
        outlet: the outlet to record when the document names none (the feed's title).
        index: the run's near-duplicate index (the caller adds the new fingerprint after commit).
        keys: the draft's duplicate keys (kb.pipeline.keys.draft_keys).
        checked: the caller ran is_duplicate() just before (a URL race still fails on the unique key).
    Returns:
        StoreOutcome: "duplicate" (nothing written), "clustered" (joined a story) or "new".
    """
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
        raw_kind=draft.raw_kind, feed_text_only=draft.feed_text_only,
    )
    session.add(article)
    session.flush()  # a concurrent worker storing the same URL fails here (unique url_hash)
    return StoreOutcome(status, article, story_id)


# ---------------------------------------------------------------------------------------------
# One article, many sightings (issue 13): every feed that carried a URL is a sighting of one article
# ---------------------------------------------------------------------------------------------


def find_article(session: Session, url_key: Optional[str]) -> Optional[Article]:
    """The article stored under the URL whose url_hash is URL_KEY (its own site's copy), or None."""
    if not url_key:
        return None
    return session.exec(select(Article).where(Article.url_hash == url_key)).first()


def record_sighting(session: Session, *, url: Optional[str], url_key: Optional[str], article_id: Optional[int],
                    source_id: Optional[int], same_site: bool, text_chars: int = 0) -> Optional[Sighting]:
    """Record that SOURCE_ID carried URL (url_hash URL_KEY; once per URL and source); points it at ARTICLE_ID."""
    if not url or not url_key:
        return None
    key = url_key
    stmt = select(Sighting).where(Sighting.url_hash == key)
    stmt = stmt.where(Sighting.source_id == source_id) if source_id is not None else stmt.where(
        Sighting.source_id.is_(None))
    row = session.exec(stmt).first()
    if row is None:
        row = Sighting(url_hash=key, article_id=article_id, source_id=source_id, url=url[:2048], seen_at=utcnow(),
                       same_site=same_site, text_chars=text_chars)
        session.add(row)
    else:
        row.article_id = article_id or row.article_id
        row.text_chars = max(row.text_chars or 0, text_chars)
        session.add(row)
    session.flush()
    return row


def known_items(session: Session, source_id: Optional[int],
                keys: list[tuple[Optional[str], Optional[str]]]) -> set[int]:
    """Positions in KEYS, the (url_hash, guid_hash) of a feed's items, of items this source already carried:
    by URL sighting, or by GUID.

    An item another source carried is not known here: it becomes a sighting of that article (and its
    copy may be fuller). A feed served again without validators costs one parse and a few queries.
    """
    known: set[int] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        urls = {u: n for n, (u, _g) in enumerate(chunk, start) if u}
        guids = {g: n for n, (_u, g) in enumerate(chunk, start) if g}
        if urls and source_id is not None:
            for found in session.exec(select(Sighting.url_hash).where(
                    Sighting.url_hash.in_(list(urls)), Sighting.source_id == source_id)).all():
                known.add(urls[found])
        if guids and source_id is not None:
            for found in session.exec(select(Article.guid_hash).where(
                    Article.guid_hash.in_(list(guids)), _SOURCE == source_id)).all():
                known.add(guids[found])
    return known


def is_fuller(draft: ArticleDraft, article: Article) -> bool:
    """True when DRAFT, a copy from the article's own site, should replace the stored text.

    Another site's copy never does (issue 17); a page replaces feed-only text; otherwise the longer
    text wins by FULLER_RATIO, so two near-equal copies do not replace each other back and forth.
    """
    if draft.via is not None:
        return False
    new, old = len(draft.doc.text), len(article.text or "")
    if article.feed_text_only and not draft.feed_text_only:
        return new > 0
    return new > old * FULLER_RATIO


def replace_text(session: Session, article: Article, draft: ArticleDraft, keys: ArticleKeys) -> Article:
    """Give ARTICLE the fuller text of DRAFT (same URL, same site); its claims are re-extracted by the caller."""
    doc = draft.doc
    article.text = doc.text
    article.raw, article.raw_kind = zlib.compress(draft.raw, 6), draft.raw_kind
    article.title = article.title or doc.title or None
    article.content_hash, article.simhash = keys.content_hash, keys.simhash
    if doc.canonical_url and not article.canonical_url:
        article.canonical_url, article.canonical_hash = doc.canonical_url[:2048], keys.canonical_hash
    article.published_at = article.published_at or doc.published
    article.author = article.author or doc.author
    article.outlet = doc.outlet or article.outlet
    article.original_outlet = article.original_outlet or doc.original_outlet
    article.language = article.language or doc.language
    article.feed_text_only = draft.feed_text_only
    session.add(article)
    session.flush()
    return article


def absorb_feed_copies(session: Session, article: Article) -> list[int]:
    """Other sites' feed copies of ARTICLE's URL become sightings of it; their stand-in rows are deleted.

    Returns the claim ids those copies reported (already refreshed; the caller re-extracts ARTICLE).
    """
    copies: list[Article] = []
    rows = session.exec(select(Sighting).where(Sighting.url_hash == article.url_hash,
                                               Sighting.article_id != article.id)).all()
    claim_ids: set[int] = set()
    for row in rows:
        copy = session.get(Article, row.article_id) if row.article_id else None
        row.article_id = article.id
        session.add(row)
        if copy is None or copy.url_hash == article.url_hash:
            continue
        claim_ids |= clear_article(session, copy.id)
        for other in session.exec(select(Sighting).where(Sighting.article_id == copy.id)).all():
            other.article_id = article.id
            session.add(other)
        session.flush()
        copies.append(copy)
    if copies:
        refresh_claims(session, claim_ids)  # before the delete: no claim may still name a copy first
        for copy in copies:
            session.delete(copy)
        session.flush()
    return sorted(claim_ids)


def raw_payload(article: Article) -> bytes:
    """The payload an article was cleaned from, decompressed (to re-clean or re-extract offline)."""
    return zlib.decompress(article.raw) if article.raw else b""
