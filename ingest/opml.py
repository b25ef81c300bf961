"""OPML: the feed-list format readers exchange. Parsed with entity expansion off."""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree

from ingest.errors import InputError


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str | None = None
    site_url: str | None = None


def parse_opml(text: str | bytes) -> list[OpmlFeed]:
    """The feeds an OPML document lists (outlines with an xmlUrl), in order, without repeats.

    Raises:
        InputError: the document is not well-formed OPML.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not a readable OPML file: {exc}") from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise InputError("not an OPML file: the root element is not <opml>")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        title = (outline.get("title") or outline.get("text") or "").strip() or None
        title = None if title == url else title
        feeds.append(OpmlFeed(url=url, title=title, site_url=(outline.get("htmlUrl") or "").strip() or None))
    return feeds


def write_opml(feeds: list[OpmlFeed], title: str = "aikb feeds") -> str:
    """An OPML 2.0 document listing FEEDS."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{_escape(title)}</title></head>", "  <body>"]
    for feed in feeds:
        attrs = [f"type={quoteattr('rss')}", f"text={quoteattr(feed.title or feed.url)}",
                 f"title={quoteattr(feed.title or feed.url)}", f"xmlUrl={quoteattr(feed.url)}"]
        if feed.site_url:
            attrs.append(f"htmlUrl={quoteattr(feed.site_url)}")
        lines.append(f"    <outline {' '.join(attrs)}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
