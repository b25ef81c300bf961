"""From a feed item (and its page, when the item is only a summary) to an ArticleDraft."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from ingest.budget import DocumentLimits
from ingest.clean import clean_html
from ingest.documents import decode_bytes
from ingest.records import ArticleDraft, CleanDocument, FeedItem, FetchResult

# Content shorter than this many words is a teaser some feeds put in content:encoded: fetch the page.
FULL_CONTENT_WORDS = 15


def has_full_content(item: FeedItem) -> bool:
    """True when the item carries the article itself (content:encoded, Atom content), not a teaser."""
    if not item.content_html:
        return False
    return len(item.content_html.split()) >= FULL_CONTENT_WORDS or not item.link


def _charset(headers: dict) -> Optional[str]:
    content_type = headers.get("content-type", "")
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


_TAG = re.compile(r"<[a-zA-Z/!]")


def plain_title(title: Optional[str]) -> Optional[str]:
    """An item title as text: markup some feeds put in titles removed, script and style code dropped.

    A title without anything that looks like a tag ("<5% error") is kept as it is.
    """
    if not title or not _TAG.search(title):
        return title
    return clean_html(f"<p>{title}</p>").text.replace("\n", " ").strip() or None


def _merge(doc: CleanDocument, item: FeedItem, feed_title: Optional[str]) -> CleanDocument:
    """Feed metadata fills what the document does not know (pages know their own better)."""
    return dataclasses.replace(
        doc,
        title=doc.title or plain_title(item.title) or "",
        published=doc.published or item.published,
        author=doc.author or item.author,
        outlet=doc.outlet or feed_title,
    )


def item_draft(item: FeedItem, feed_title: Optional[str], page: FetchResult | None = None, *,
               limits: DocumentLimits | None = None) -> Optional[ArticleDraft]:
    """The article an item stands for, from its full content, its fetched page, or its summary.

    Returns None when the item has no text at all (nothing to store or extract).
    Raises:
        DocumentRefused: the HTML breaks LIMITS (ingest.budget) in a way that cannot be cut.
    """
    if has_full_content(item):
        doc = clean_html(item.content_html or "", url=item.link, limits=limits)
        doc = dataclasses.replace(_merge(doc, item, feed_title), title=plain_title(item.title) or doc.title or "")
        raw, kind = (item.content_html or "").encode("utf-8"), "html"
    elif page is not None and page.ok and page.body:
        html = decode_bytes(page.body, _charset(page.headers))
        if page.content_type == "text/plain":
            from ingest.clean import clean_text

            doc = clean_text(html)
            kind = "text"
        else:
            doc = clean_html(html, url=page.final_url, limits=limits)
            kind = "html"
        doc = _merge(doc, item, feed_title)
        raw = page.body
    else:  # the page could not be fetched: keep the summary rather than lose the item
        teaser = item.content_html or item.summary or ""
        doc = _merge(clean_html(teaser, url=item.link, limits=limits), item, feed_title)
        raw, kind = teaser.encode("utf-8"), "html"
    if not doc.text.strip():
        return None
    return ArticleDraft(url=item.link, guid=item.guid, doc=doc, raw=raw, raw_kind=kind)


def page_url_for(item: FeedItem) -> Optional[str]:
    """The URL to fetch for a summary-only item, or None when the item stands on its own."""
    if has_full_content(item) or not item.link:
        return None
    scheme = urlsplit(item.link).scheme.lower()
    return item.link if scheme in ("http", "https") else None  # never a local file


def is_local(url: str) -> bool:
    return urlsplit(url).scheme == "file" or (urlsplit(url).scheme == "" and Path(url).exists())
