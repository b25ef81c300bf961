"""Page metadata from HTML: title, site name, canonical URL, author, published time, language, tables.

Read with BeautifulSoup from <title>, Open Graph / article: / Dublin Core meta tags, JSON-LD and
<time> elements. Every value is optional: pages in the wild carry any subset.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Optional
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ingest.lexicon import MONTH as _MONTH  # data/patterns/lexicon.jsonl

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%d %b %Y")


def parse_date(value: str | None) -> Optional[datetime]:
    """An aware datetime from ISO 8601, RFC 822 or a few common written forms; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    parsed: Optional[datetime] = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(value, fmt)
                    break
                except ValueError:
                    continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # no zone given: UTC is the least surprising reading
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


_WRITTEN_DATE = rf"(?:{_MONTH} \d{{1,2}}, \d{{4}}|\d{{1,2}} {_MONTH} \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
# "SAN FRANCISCO, Nov. 2, 2026 —" opening the first paragraph, or a line that is only a date
# ("Published November 2, 2026", "2 November 2026")
_DATELINE = re.compile(rf"^[A-Z][A-Za-z .'-]{{1,40}}, (?P<d>{_WRITTEN_DATE})\s*(?:[-—–(/]|\()")
_DATE_LINE = re.compile(rf"^(?:(?:published|posted|updated|dated)(?: on)?:?\s+)?(?P<d>{_WRITTEN_DATE})\.?$", re.I)


def dateline_date(text: str | None) -> Optional[datetime]:
    """The publication date a text states in its opening lines (a dateline or a date line), else None.

    Only the first three lines are read, and only a whole-line date or a "CITY, Month D, YYYY —"
    dateline counts: a date inside a sentence is the date of an event, not of the article.
    """
    if not text:
        return None
    lines = [line.strip() for line in text[:1200].split("\n") if line.strip()][:3]
    for line in lines:
        match = _DATE_LINE.match(line) or _DATELINE.match(line)
        if match:
            value = match.group("d").replace(".", "").replace("Sept ", "Sep ")
            parsed = parse_date(value)
            if parsed is not None:
                return parsed
    return None


def host_of(url: str | None) -> str:
    """The host of URL without a leading "www.", lower case ("" when there is none)."""
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def same_site(host_a: str, host_b: str) -> bool:
    """True when two hosts belong to one site (equal, or one a subdomain of the other)."""
    if not host_a or not host_b:
        return True
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)


@dataclass
class PageMeta:
    title: Optional[str] = None
    site_name: Optional[str] = None
    canonical_url: Optional[str] = None
    page_url: Optional[str] = None  # og:url
    author: Optional[str] = None
    published: Optional[datetime] = None
    language: Optional[str] = None


def _meta(soup: BeautifulSoup, *names: str) -> Optional[str]:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name}) \
            or soup.find("meta", attrs={"itemprop": name})
        if isinstance(tag, Tag):
            content = (tag.get("content") or "").strip()
            if content:
                return content
    return None


def _json_ld(soup: BeautifulSoup) -> list[dict]:
    found: list[dict] = []
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the other sources may still know
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _ld_name(value) -> Optional[str]:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _ld_name(value.get("name"))
    if isinstance(value, list) and value:
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(names) or None
    return None


def read_meta(soup: BeautifulSoup, url: str | None = None) -> PageMeta:
    """Collect the metadata a page declares about itself."""
    meta = PageMeta()
    ld = _json_ld(soup)
    articles = [d for d in ld if "headline" in d or "datePublished" in d]
    meta.title = _meta(soup, "og:title", "twitter:title")
    if not meta.title and articles:
        meta.title = _ld_name(articles[0].get("headline"))
    if not meta.title and soup.title and soup.title.string:
        meta.title = soup.title.string.strip() or None
    if not meta.title:
        h1 = soup.find("h1")
        meta.title = h1.get_text(" ", strip=True) if h1 else None
    meta.site_name = _meta(soup, "og:site_name", "application-name")
    if not meta.site_name:
        for item in articles:
            meta.site_name = _ld_name(item.get("publisher"))
            if meta.site_name:
                break
    link = soup.find("link", rel=lambda v: v and "canonical" in (v if isinstance(v, list) else [v]))
    if isinstance(link, Tag) and link.get("href"):
        meta.canonical_url = urljoin(url or "", link["href"].strip())
    meta.page_url = _meta(soup, "og:url")
    meta.author = _meta(soup, "author", "article:author", "dc.creator", "DC.creator", "parsely-author")
    if not meta.author:
        for item in articles:
            meta.author = _ld_name(item.get("author"))
            if meta.author:
                break
    if meta.author and meta.author.startswith("http"):
        meta.author = None  # article:author is sometimes a profile URL, not a name
    published = _meta(soup, "article:published_time", "og:published_time", "datePublished",
                      "dc.date", "DC.date", "date", "pubdate", "publish-date", "parsely-pub-date")
    if not published:
        for item in articles:
            if isinstance(item.get("datePublished"), str):
                published = item["datePublished"]
                break
    if not published:
        time_tag = soup.find("time", attrs={"datetime": True})
        published = time_tag["datetime"] if isinstance(time_tag, Tag) else None
    meta.published = parse_date(published)
    html_tag = soup.find("html")
    lang = html_tag.get("lang") if isinstance(html_tag, Tag) else None
    lang = lang or _meta(soup, "og:locale", "content-language", "language")
    if lang:
        meta.language = re.split(r"[-_]", lang.strip())[0].lower()[:8] or None
    return meta


TABLE_CONTEXT_ATTR = "data-aikb-context"  # read by kb/nlp/table_place.py


def table_context(table: Tag) -> str:
    """What introduces a table: a figure caption, else the nearest heading or short line before it.

    Tables are cut out of the clean text, so this is the only place that still knows their neighbours;
    the heading often carries the setting ("pass@1, no tools") or the source of the numbers.
    """
    figure = table.find_parent("figure")
    cap = figure.find("figcaption") if isinstance(figure, Tag) else None
    if isinstance(cap, Tag):
        return re.sub(r"\s+", " ", cap.get_text(" ", strip=True))[:240]
    for prev in table.find_all_previous(["h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b"], limit=4):
        text = re.sub(r"\s+", " ", prev.get_text(" ", strip=True))
        if not text:
            continue
        if prev.name.startswith("h") or (len(text) <= 160 and not text.endswith(".")):
            return text[:240]
        # a prose paragraph between the section heading and the table: the heading still applies
    return ""


def data_tables(soup: BeautifulSoup) -> tuple[str, ...]:
    """The HTML of each table with at least two rows (layout tables with one row are skipped).

    Each table carries its caption-like context in a `data-aikb-context` attribute (see table_context).
    """
    tables = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        if len(table.find_all("tr")) >= 2:
            context = table_context(table)
            if context:
                table[TABLE_CONTEXT_ATTR] = context
            tables.append(str(table))
    return tuple(tables)
