"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1), which feedparser does not read."""
from __future__ import annotations

import json
from typing import Any

from ingest.metadata import parse_date
from ingest.records import FeedItem, ParsedFeed
from ingest.ssrf import web_link


def looks_like_json(body: bytes) -> bool:
    """True when BODY starts like a JSON object (after whitespace and a BOM)."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    names = [a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]
    return ", ".join(names) or None


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """Parse a JSON Feed; a document that is not one comes back with `error` set."""
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        return ParsedFeed(format="json", error=f"malformed JSON feed: {exc}")
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        return ParsedFeed(format=None, error="not a feed: JSON without a jsonfeed.org version")
    items = []
    bad = 0
    for entry in data.get("items") or []:
        if not isinstance(entry, dict):
            bad += 1
            continue
        link = _str(entry.get("url")) or _str(entry.get("external_url"))
        items.append(FeedItem(
            guid=_str(str(entry["id"])) if entry.get("id") is not None else None,
            link=web_link(url, link),  # http(s) only: a feed never names local files
            title=_str(entry.get("title")),
            author=_author(entry) or _author(data),
            published=parse_date(_str(entry.get("date_published")) or _str(entry.get("date_modified"))),
            summary=_str(entry.get("summary")),
            content_html=_str(entry.get("content_html")) or _str(entry.get("content_text")),
        ))
    version = "json11" if str(data.get("version")).endswith("1.1") else "json1"
    return ParsedFeed(
        title=_str(data.get("title")),
        site_url=_str(data.get("home_page_url")),
        language=_str(data.get("language")),
        format=version,
        items=tuple(items),
        error=f"malformed JSON feed: {bad} items are not objects" if bad else None,
    )
