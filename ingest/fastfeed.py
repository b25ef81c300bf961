"""A fast path for well-formed RSS 2.0 and Atom 1.0: lxml instead of feedparser's SAX machinery.

feedparser spends about 2 ms per item; big feeds (thousands of items) are nearly always
well-formed RSS 2.0 or Atom, which lxml reads twenty times faster. Anything unusual (a parse
error, another format, a DTD) returns None and the caller falls back to feedparser, which
stays the reference for malformed and exotic feeds.
"""
from __future__ import annotations

import html
from typing import Any, Iterator, Optional

from lxml import etree

from ingest.metadata import parse_date
from ingest.records import FeedItem, ParsedFeed
from ingest.ssrf import web_link

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
# lxml ships no type information: its elements are typed as this alias.
Element = Any
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                       recover=False, remove_comments=True)


_NO_TEXT = ("script", "style", "noscript", "iframe", "template")


def _text(element: Element | None) -> Optional[str]:
    if element is None:
        return None
    # a child element in a text field (<title>x<script>..</script></title>) is markup: its code never counts
    value = "".join(_texts(element)).strip()
    return value or None


def _texts(element: Element) -> Iterator[str]:
    yield element.text or ""
    for child in element:
        if not (isinstance(child.tag, str) and etree.QName(child).localname.lower() in _NO_TEXT):
            yield from _texts(child)
        yield child.tail or ""


def _atom_text(element: Element | None) -> Optional[str]:
    """An Atom text construct as HTML (xhtml content serialised, text kept as is)."""
    if element is None:
        return None
    kind = (element.get("type") or "text").lower()
    if kind == "xhtml":
        parts = [etree.tostring(child, encoding="unicode", with_tail=True) for child in element]
        value = ((element.text or "") + "".join(parts)).strip()
    elif kind in ("text", "text/plain"):
        value = html.escape((element.text or "").strip(), quote=False)  # text, so "<5%" stays text
    else:
        value = (element.text or "").strip()
    return value or None


def _rss(channel: Element, url: str) -> ParsedFeed:
    items = []
    for node in channel.iterfind("item"):
        guid = _text(node.find("guid"))
        link = _text(node.find("link"))
        if not link and guid and node.find("guid").get("isPermaLink", "true").lower() == "true":
            link = guid  # RSS: a permalink GUID is the item's link
        items.append(FeedItem(
            guid=guid,
            link=web_link(url, link),  # http(s) only: a feed never names local files
            title=_text(node.find("title")),
            author=_text(node.find(f"{{{DC}}}creator")) or _text(node.find("author")),
            published=parse_date(_text(node.find("pubDate")) or _text(node.find(f"{{{DC}}}date"))),
            summary=_text(node.find("description")),
            content_html=_text(node.find(f"{{{CONTENT}}}encoded")),
        ))
    ttl = _text(channel.find("ttl"))
    hours = channel.find("skipHours")
    skip = tuple(sorted({int(h) % 24 for h in (_text(e) for e in hours.iterfind("hour")) if h and h.isdigit()})) \
        if hours is not None else ()
    return ParsedFeed(title=_text(channel.find("title")), site_url=_text(channel.find("link")),
                      language=_text(channel.find("language")), format="rss20", items=tuple(items),
                      ttl_minutes=int(ttl) if ttl and ttl.isdigit() else None, skip_hours=skip)


def _atom_link(node: Element, url: str) -> Optional[str]:
    links = node.findall(f"{{{ATOM}}}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and web_link(url, link.get("href")):
            return web_link(url, link.get("href"))
    return None


def _atom(feed: Element, url: str) -> ParsedFeed:
    items = []
    for node in feed.iterfind(f"{{{ATOM}}}entry"):
        author = node.find(f"{{{ATOM}}}author/{{{ATOM}}}name")
        items.append(FeedItem(
            guid=_text(node.find(f"{{{ATOM}}}id")),
            link=_atom_link(node, url),
            title=_text(node.find(f"{{{ATOM}}}title")),
            author=_text(author) or _text(feed.find(f"{{{ATOM}}}author/{{{ATOM}}}name")),
            published=parse_date(_text(node.find(f"{{{ATOM}}}published")) or _text(node.find(f"{{{ATOM}}}updated"))),
            summary=_atom_text(node.find(f"{{{ATOM}}}summary")),
            content_html=_atom_text(node.find(f"{{{ATOM}}}content")),
        ))
    language = feed.get("{http://www.w3.org/XML/1998/namespace}lang")
    return ParsedFeed(title=_text(feed.find(f"{{{ATOM}}}title")), site_url=_atom_link(feed, url),
                      language=language, format="atom10", items=tuple(items))


def parse_fast(body: bytes, url: str) -> Optional[ParsedFeed]:
    """Parse well-formed RSS 2.0 or Atom 1.0 with lxml; None when feedparser should do it."""
    if b"<!DOCTYPE" in body[:2000] or b"<!doctype" in body[:2000]:
        return None  # DTDs and entities: feedparser's path reports them
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    if root.tag == "rss" and root.get("version", "").startswith("2"):
        channel = root.find("channel")
        return _rss(channel, url) if channel is not None else None
    if root.tag == f"{{{ATOM}}}feed":
        return _atom(root, url)
    return None
