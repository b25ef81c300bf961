"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand -> ParsedFeed.

A malformed feed is not an exception: ParsedFeed.error says what was wrong and `items` keeps
whatever feedparser recovered. Document type declarations are removed before parsing, so that no
entity (a billion-laughs bomb, an external file reference) can ever be expanded.
"""
from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from typing import Any, Optional

import feedparser

from ingest.documents import utf8_mislabelled
from ingest.fastfeed import parse_fast
from ingest.jsonfeed import looks_like_json, parse_json_feed
from ingest.records import FeedItem, ParsedFeed
from ingest.ssrf import web_link

# An internal DTD subset (<!DOCTYPE x [ ... ]>) is where entities are declared; feeds never need one.
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.I | re.S)
_SKIP_HOURS = re.compile(rb"<skipHours>(.*?)</skipHours>", re.I | re.S)
_HOUR = re.compile(rb"<hour>\s*(\d{1,2})\s*</hour>", re.I)
_FEED_TYPES = ("xml", "rss", "atom", "rdf", "json")
# bozo reasons that say nothing is wrong with the items: a charset feedparser corrected, a
# server that labels XML as text/plain or sends no content type
_BENIGN = ("CharacterEncodingOverride", "NonXMLContentType")


# feedparser ships no type information: its entries (FeedParserDict) are Any here.
def _when(entry: Any, *keys: str) -> Optional[datetime]:
    for key in keys:
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _text(value: object) -> Optional[str]:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _entry_to_item(entry: Any, base_url: str) -> FeedItem:
    link = _text(entry.get("link"))
    content_html = None
    for content in entry.get("content") or ():
        if content.get("value") and len(content["value"].strip()) > len(content_html or ""):
            content_html = content["value"].strip()
    summary = _text(entry.get("summary"))
    return FeedItem(
        guid=_text(entry.get("id")),
        link=web_link(base_url, link),  # http(s) only: a feed never names local files
        title=_text(entry.get("title")),
        author=_text(entry.get("author")),
        published=_when(entry, "published_parsed", "updated_parsed", "created_parsed"),
        summary=summary,
        content_html=content_html,
    )


def _skip_hours(body: bytes) -> tuple[int, ...]:
    block = _SKIP_HOURS.search(body[:200_000])
    if not block:
        return ()
    hours = {int(h) % 24 for h in _HOUR.findall(block.group(1))}
    return tuple(sorted(hours))


def defuse(body: bytes) -> tuple[bytes, bool]:
    """BODY without its DOCTYPE declaration (and so without entity definitions); True if one was cut."""
    head = body[:100_000]
    match = _DOCTYPE.search(head)
    if not match:
        return body, False
    return body[: match.start()] + body[match.end():], bool(match.group(1))


_CHARSET_PARAM = re.compile(r";\s*charset\s*=\s*[\"']?[^;\"']*[\"']?", re.I)
_PROLOG_ENCODING = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_.:-]+)""", re.I)


def _relabel_utf8(body: bytes, content_type: str) -> tuple[bytes, str]:
    """BODY and CONTENT_TYPE saying UTF-8 when a single-byte charset is declared over UTF-8 bytes."""
    header = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.I)
    prolog = _PROLOG_ENCODING.search(body[:500])
    declared = ([header.group(1)] if header else []) + ([prolog.group(2).decode("ascii")] if prolog else [])
    if not any(utf8_mislabelled(body, name) for name in declared):
        return body, content_type
    if prolog:
        body = body[:prolog.start(2)] + b"utf-8" + body[prolog.end(2):]
    return body, _CHARSET_PARAM.sub("; charset=utf-8", content_type) if header else content_type


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed document of any supported format.

    Args:
        body: the raw bytes as fetched.
        url: where it came from (relative links resolve against it).
        content_type: the response's media type, used only to explain a non-feed.
    """
    if looks_like_json(body):
        return parse_json_feed(body, url)
    body, content_type = _relabel_utf8(body, content_type)
    fast = parse_fast(body, url)
    if fast is not None:
        return fast
    body, had_entities = defuse(body)
    # feedparser mangles file: bases ("file://x/..."), so local feeds get their links joined below
    headers = {"content-type": content_type or "application/xml"}
    if not url.startswith("file:"):
        headers["content-location"] = url
    # no sanitizing or link rewriting inside content: the cleaner keeps text only, never markup,
    # and skipping both makes feedparser about a fifth faster on big feeds
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=False, sanitize_html=False)
    items = tuple(_entry_to_item(entry, url) for entry in parsed.entries)
    feed = parsed.feed
    version = parsed.get("version") or None
    problems = []
    if had_entities:
        problems.append("the feed declares XML entities (a DTD); they were ignored, not expanded")
    if not version and not items:
        kind = f" (content type {content_type})" if content_type else ""
        reason = parsed.get("bozo_exception")
        problems.append(f"not a feed{kind}" + (f": {reason}" if reason else ""))
    elif parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        # a wrong declared charset that feedparser worked around is not worth failing a feed for
        if exc is not None and type(exc).__name__ not in _BENIGN:
            problems.append(f"malformed feed: {type(exc).__name__}: {exc}")
    error = "; ".join(problems) or None
    ttl = None
    if str(feed.get("ttl", "")).strip().isdigit():
        ttl = int(str(feed.get("ttl")).strip())
    return ParsedFeed(
        title=_text(feed.get("title")),
        site_url=_text(feed.get("link")),
        language=_text(feed.get("language")),
        format=version,
        items=items,
        ttl_minutes=ttl,
        skip_hours=_skip_hours(body),
        error=error,
    )


def is_feed_content_type(content_type: str) -> bool:
    """True when a media type may hold a feed (HTML and images may not)."""
    return not content_type or any(t in content_type for t in _FEED_TYPES) or content_type == "text/plain"
