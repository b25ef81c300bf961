"""Plain records that ingest/ hands to the store and the extractor: frozen dataclasses, no database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional


@dataclass(frozen=True)
class CleanDocument:
    """A page or text reduced to what the extractor reads, plus its provenance.

    `text` holds one block per line with a blank line between paragraphs (list items are
    consecutive lines). `tables` holds the HTML of each data `<table>` found, for the table reader.
    """

    title: str = ""
    text: str = ""
    published: Optional[datetime] = None  # aware
    outlet: Optional[str] = None  # where we read it
    original_outlet: Optional[str] = None  # who first published it, when it is a copy
    canonical_url: Optional[str] = None
    author: Optional[str] = None
    language: Optional[str] = None
    tables: tuple[str, ...] = ()
    limits_hit: tuple[str, ...] = ()  # what the document limits cut (ingest.budget), recorded by the caller

    def to_json(self) -> dict[str, str | None]:
        """The shape `aikb clean --format json` prints for one document (without "file")."""
        return {
            "title": self.title or None,
            "text": self.text,
            "published": self.published.isoformat() if self.published else None,
            "outlet": self.outlet,
            "original_outlet": self.original_outlet,
            "canonical_url": self.canonical_url,
        }


@dataclass(frozen=True)
class FetchResult:
    """What one HTTP (or file) fetch returned; `error` is set instead of raising."""

    url: str
    final_url: str
    status: Optional[int] = None  # None when no response came
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    error: Optional[str] = None
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class FeedItem:
    """One feed entry; any field may be missing in the wild."""

    guid: Optional[str] = None
    link: Optional[str] = None
    title: Optional[str] = None
    author: Optional[str] = None
    published: Optional[datetime] = None
    summary: Optional[str] = None  # HTML or text
    content_html: Optional[str] = None  # full content (content:encoded, Atom content)


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its metadata, the items recovered, and the error if it was malformed."""

    title: Optional[str] = None
    site_url: Optional[str] = None
    language: Optional[str] = None
    format: Optional[str] = None  # rss20 | atom10 | json1 | ...
    items: tuple[FeedItem, ...] = ()
    ttl_minutes: Optional[int] = None
    skip_hours: tuple[int, ...] = ()
    error: Optional[str] = None  # malformed (bozo), not a feed, ...


@dataclass(frozen=True)
class ArticleDraft:
    """An article ready to store: its identity, its clean document and the raw payload it came from."""

    url: Optional[str]  # the item's link or the page/file location
    guid: Optional[str]
    doc: CleanDocument
    raw: bytes  # the payload cleaned (page HTML, item HTML or text), uncompressed
    raw_kind: str  # html | text
    # where the text came from: "page" (the article's own page), "feed" (a feed on the article's own
    # site, or a local feed file the user named), "file" (a document named on the command line)
    text_from: str = "page"
    # the page could not be read and the text is the longest the feed item carried (retried later)
    feed_text_only: bool = False
    # set when the text came from a feed on ANOTHER site (an aggregator): the site of that feed.
    # Such a copy is never stored as the text of the URL it links to (kb.articles stores it under
    # its own identity, credited to that site, until the article's own copy arrives)
    via: Optional[str] = None
