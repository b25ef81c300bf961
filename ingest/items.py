"""From a feed item (and its page, when the item is only a summary) to an ArticleDraft."""
from __future__ import annotations

import dataclasses
import re
from typing import Mapping, Optional
from urllib.parse import urlsplit

from ingest.budget import DocumentLimits
from ingest.clean import clean_html
from ingest.documents import decode_bytes
from ingest.metadata import dateline_date
from ingest.publisher import Site, publisher_name, same_site, site_key
from ingest.records import ArticleDraft, CleanDocument, FeedItem, FetchResult

# Content shorter than this many words is a teaser some feeds put in content:encoded: fetch the page.
FULL_CONTENT_WORDS = 15


def has_full_content(item: FeedItem) -> bool:
    """True when the item carries the article itself (content:encoded, Atom content), not a teaser."""
    if not item.content_html:
        return False
    return len(item.content_html.split()) >= FULL_CONTENT_WORDS or not item.link


def _charset(headers: dict[str, str]) -> Optional[str]:
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


def _merge(doc: CleanDocument, item: FeedItem) -> CleanDocument:
    """Feed metadata fills what the document does not know (pages know their own better).

    The outlet is never taken from the feed: see ingest/publisher.py.
    """
    return dataclasses.replace(
        doc,
        title=doc.title or plain_title(item.title) or "",
        published=doc.published or item.published,
        author=doc.author or item.author,
    )


def is_web_link(url: Optional[str]) -> bool:
    return bool(url) and urlsplit(url).scheme.lower() in ("http", "https")


def speaks_for(item: FeedItem, feed_url: Optional[str], trusted: bool = False) -> bool:
    """True when the feed may supply the text of ITEM's article (issue 17: text comes from its own site).

    A feed speaks for items without a web link (their identity is the feed's own), for links on its
    own site (same host or subdomain, same port), and, when TRUSTED (a local feed file the user
    named), for any link. A feed on another site (an aggregator, or one that makes up text for a
    real article's URL) does not.
    """
    if trusted or not is_web_link(item.link):
        return True
    return bool(feed_url) and same_site(feed_url, item.link)


def _longest_feed_text(item: FeedItem, limits: DocumentLimits | None = None,
                       sites: Mapping[str, Site] | None = None) -> tuple[CleanDocument, str]:
    """The longest text the item carried (content, then description/summary) and its HTML."""
    best: tuple[CleanDocument, str] | None = None
    for html in (item.content_html, item.summary):
        if not html:
            continue
        doc = clean_html(html, url=item.link, limits=limits, sites=sites)
        if best is None or len(doc.text) > len(best[0].text):
            best = (doc, html)
    return best if best is not None else (CleanDocument(), "")


def item_draft(item: FeedItem, feed_url: Optional[str], page: FetchResult | None = None, *,
               sites: Mapping[str, Site] | None = None, trusted: bool = False,
               feed_site: Optional[str] = None, limits: DocumentLimits | None = None) -> Optional[ArticleDraft]:
    """The article an item stands for, from its full content, its fetched page, or the feed's text.

    Args:
        feed_url: where the feed lives (its site decides whose text it may carry, see speaks_for).
        page: the item's page when it was fetched (summary-only items, or items from another site).
        sites: the known-sites table (ingest.publisher.load_sites() when None).
        trusted: the feed is a local file the user named (it speaks for every link).
        feed_site: the feed's own home page (its channel link): the publisher of items without a link.
        limits: the per-document limits (ingest.budget); a page breaking them in a way that cannot be
            cut raises DocumentRefused.
    Returns:
        None when the item has no text at all (nothing to store or extract).
    """
    own = speaks_for(item, feed_url, trusted)
    via = None
    feed_text_only = False
    if own and has_full_content(item):
        doc = clean_html(item.content_html or "", url=item.link, limits=limits, sites=sites)
        doc = dataclasses.replace(_merge(doc, item), title=plain_title(item.title) or doc.title or "")
        raw, kind, text_from = (item.content_html or "").encode("utf-8"), "html", "feed"
        site_name = None
    elif page is not None and page.ok and page.body:
        html = decode_bytes(page.body, _charset(page.headers))
        if page.content_type == "text/plain":
            from ingest.clean import clean_text

            doc = clean_text(html, sites=sites)
            kind = "text"
        else:
            doc = clean_html(html, url=page.final_url, limits=limits, sites=sites)
            kind = "html"
        doc = _merge(doc, item)
        raw, text_from = page.body, "page"
        site_name = doc.outlet  # the page's own og:site_name / JSON-LD publisher / title suffix
    else:  # no page, or it could not be fetched: the longest text the item carried, rather than lose it
        doc, teaser = _longest_feed_text(item, limits, sites)
        doc = _merge(doc, item)
        raw, kind, text_from = teaser.encode("utf-8"), "html", "feed"
        site_name = None
        feed_text_only = page is not None  # a page was tried and failed: retried on a later run
        if not own:
            via = site_key(feed_url) or "feed"
    if not doc.text.strip():
        return None
    if doc.published is None:  # neither the feed nor the page metadata: a dateline in the text, if any
        doc = dataclasses.replace(doc, published=dateline_date(doc.text))
    read_page = page if text_from == "page" else None
    outlet = _outlet(item, feed_url, read_page, site_name, via=via, sites=sites, trusted=trusted, feed_site=feed_site)
    doc = dataclasses.replace(doc, outlet=outlet or doc.outlet)
    return ArticleDraft(url=item.link, guid=item.guid, doc=doc, raw=raw, raw_kind=kind, text_from=text_from,
                        feed_text_only=feed_text_only, via=via)


def _outlet(item: FeedItem, feed_url: Optional[str], page: FetchResult | None, site_name: Optional[str], *,
            via: Optional[str], sites: Mapping[str, Site] | None, trusted: bool,
            feed_site: Optional[str]) -> Optional[str]:
    """Who published the item's article: PAGE is the page its text came from (None: the feed's text),
    SITE_NAME that page's own name for itself; the other arguments are item_draft's."""
    if via is not None:  # another site's feed: credited to that site, never to the linked article's
        return publisher_name(feed_url, None, sites)
    if page is not None:
        return publisher_name(page.final_url, site_name, sites) if site_key(page.final_url) else site_name
    if site_key(item.link):
        return publisher_name(item.link, None, sites)
    # no link of its own: the item is the feed's own text, published by the feed's site
    # (a remote feed's claim about its home page counts only on its own site: no borrowed names)
    home = feed_site if is_web_link(feed_site) and (trusted or same_site(feed_site, feed_url)) else None
    home = home or (feed_url if is_web_link(feed_url) else None)
    return publisher_name(home, None, sites) if home else None


def page_url_for(item: FeedItem) -> Optional[str]:
    """The URL to fetch for a summary-only item, or None when the item stands on its own.

    An item from another site's feed with full content is not fetched either: its text is kept as
    that feed's copy (see item_draft) until the article's own page or feed supplies it.
    """
    if has_full_content(item) or not item.link:
        return None
    scheme = urlsplit(item.link).scheme.lower()
    return item.link if scheme in ("http", "https") else None  # never a local file
