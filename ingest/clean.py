"""Cleaning: a page, a feed item's HTML or a text copy of a page -> a CleanDocument.

Whole pages go through trafilatura for the main text (it is the strongest open extractor) and
BeautifulSoup for metadata and tables; fragments (a feed item's content) keep all their text,
since a feed item has no navigation to remove. Both then pass the line rules of
ingest/boilerplate.py, which drop republishing wrappers and record the original outlet.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from typing import Mapping, Optional

import trafilatura
from bs4 import BeautifulSoup, NavigableString, PageElement

from ingest.boilerplate import (
    WrapperInfo,
    attribution_outlet,
    byline_author,
    is_nav_link,
    is_paragraph,
    is_share_widget,
    join_blocks,
    norm,
    site_short_name,
    strip_wrapper_lines,
    words,
)
from ingest.budget import DocumentLimits, prepare_html
from ingest.metadata import PageMeta, data_tables, host_of, parse_date, read_meta, same_site
from ingest.publisher import Site, is_aggregator_name
from ingest.records import CleanDocument

log = logging.getLogger(__name__)

_PAGE_MARKERS = re.compile(r"<\s*(?:html|head|body)\b", re.I)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
              "form", "button", "input", "select", "textarea", "nav", "menu", "dialog", "head", "title",
              "xmp", "plaintext", "noembed", "noframes")
_BLOCK_TAGS = ("p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3",
               "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "figure",
               "figcaption", "address", "table", "hr")
BIG_PAGE_CHARS = 1_500_000  # above this (after dropping scripts and styles) trafilatura is skipped
META_CHARS = 300_000  # on such pages, metadata is read from this much of the start
_BULK_MARKUP = re.compile(r"(?is)<script\b(?![^<>]*application/ld\+json)[^<>]*>.*?(?:</script\s*>|\Z)"
                          r"|<style\b[^<>]*>.*?(?:</style\s*>|\Z)|<!--.*?(?:-->|\Z)")
_ENGLISH = frozenset("the of and to in a is that for on with as by it was at from its this are has "
                     "have be an said which will their more than".split())


def guess_language(text: str) -> Optional[str]:
    """"en" when common English function words make up a good share of the text, else None."""
    tokens = re.findall(r"[a-z]+", text[:5000].lower())
    if len(tokens) < 20:
        return None
    share = sum(t in _ENGLISH for t in tokens) / len(tokens)
    return "en" if share > 0.12 else None


def is_fragment(html: str) -> bool:
    """True for a piece of HTML (a feed item's content), False for a whole page."""
    return not _PAGE_MARKERS.search(html[:20000])


def html_blocks(soup: BeautifulSoup) -> list[str]:
    """All visible text of SOUP as block lines; list items become "- item" lines.

    Tables are left out: their HTML travels in CleanDocument.tables for the table reader.
    """
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(None, {"hidden": True}):  # (name None: any element)
        tag.decompose()
    for tag in soup.find_all(None, {"aria-hidden": "true"}):
        tag.decompose()
    for tag in soup.find_all("table"):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(NavigableString("\n"))
    for tag in soup.find_all("li"):
        tag.insert(0, NavigableString("\n- "))
        tag.append(NavigableString("\n"))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert(0, NavigableString("\n"))
        tag.append(NavigableString("\n"))
    lines = []
    for line in soup.get_text().split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        if line and line != "-":
            lines.append(line)
    return lines


def _split_title(title: Optional[str], site_name: Optional[str], h1: Optional[str]) -> tuple[str, Optional[str]]:
    """"Title | Site" -> ("Title", "Site") when the suffix is the site name or the rest is the h1."""
    if not title:
        return (h1 or ""), None
    match = re.match(r"^(?P<t>.+?)\s+(?:\||—|–|-|·|::)\s+(?P<s>[^|—–·]+)$", title)
    if match:
        head, tail = match.group("t").strip(), match.group("s").strip()
        if (site_name and norm(site_short_name(tail)) == norm(site_short_name(site_name))) or (
            h1 and norm(head) == norm(h1)
        ):
            return head, tail
    return title.strip(), None


_NOT_ATTRIBUTION_TAGS = ("figure", "figcaption", "blockquote", "q", "caption", "aside")
_CAPTION_CLASS = re.compile(r"caption|credit|pull-?quote|blockquote", re.I)


def _in_caption(tag: PageElement) -> bool:
    """True for an element inside a figure, caption, quote or pull-quote (or one itself)."""
    for node in [tag, *tag.parents]:
        if getattr(node, "name", None) in _NOT_ATTRIBUTION_TAGS:
            return True
        classes = node.get("class") if hasattr(node, "get") else None
        if classes and _CAPTION_CLASS.search(" ".join(classes) if isinstance(classes, list) else str(classes)):
            return True
    return False


def caption_lines(soup: BeautifulSoup) -> frozenset[str]:
    """norm() of the text lines of captions, figures and quotes: never read as attributions."""
    out = set()
    for tag in soup.find_all(list(_NOT_ATTRIBUTION_TAGS)):
        for line in tag.get_text("\n").split("\n"):
            if line.strip():
                out.add(norm(re.sub(r"\s+", " ", line).strip()))
    for tag in soup.find_all(class_=_CAPTION_CLASS):
        for line in tag.get_text("\n").split("\n"):
            if line.strip():
                out.add(norm(re.sub(r"\s+", " ", line).strip()))
    return frozenset(out)


def _soup_attribution(soup: BeautifulSoup) -> Optional[str]:
    """An "Originally reported by X" line anywhere on the page (trafilatura may drop it), outside captions."""
    for tag in soup.find_all(["p", "div", "span", "footer", "small", "em", "aside", "section"]):
        if _in_caption(tag):
            continue
        text = tag.get_text(" ", strip=True)
        if text and words(text) <= 30:
            outlet = attribution_outlet(text)
            if outlet:
                return outlet
    return None


def _publisher_only(outlet: Optional[str], sites: Mapping[str, Site] | None) -> Optional[str]:
    """An attribution that names a link aggregator ("via Hacker News") is where it was found, not an outlet."""
    return None if is_aggregator_name(outlet, sites) else outlet


def clean_html(html: str, url: str | None = None, *, limits: DocumentLimits | None = None,
               sites: Mapping[str, Site] | None = None) -> CleanDocument:
    """Clean a whole page or an HTML fragment into a CleanDocument.

    Args:
        html: the page or fragment, already decoded.
        url: where it came from, so a rel=canonical on another site marks a copy.
        limits: size caps (ingest.budget; the defaults when None). What they cut is listed in the
            document's `limits_hit`.
        sites: the known-sites table that says which names are link aggregators (data/sites.toml
            when None).
    Raises:
        DocumentRefused: the page is nested deeper than limits.max_depth.
    """
    html, limits_hit = prepare_html(html, limits)
    doc = _clean_html(html, url, sites)
    return dataclasses.replace(doc, limits_hit=limits_hit) if limits_hit else doc


def _clean_html(html: str, url: str | None, sites: Mapping[str, Site] | None) -> CleanDocument:
    big = len(html) > BIG_PAGE_CHARS
    if big:
        # Scripts, styles and comments are most of a huge page's bytes and none of its text; cutting
        # them before parsing bounds the parse (JSON-LD metadata is kept).
        html = _BULK_MARKUP.sub(" ", html)
        big = len(html) > BIG_PAGE_CHARS
    soup = BeautifulSoup(html, "lxml")
    tables = data_tables(soup)
    if is_fragment(html):
        captions = caption_lines(soup)
        lines = html_blocks(soup)
        title = ""
        lines, info = strip_wrapper_lines(lines, title, captions)
        text = join_blocks(lines)
        return CleanDocument(title=title, text=text, original_outlet=_publisher_only(info.original_outlet, sites),
                             author=info.author, language=guess_language(text), tables=tables)

    # A page's own metadata sits in its head and first screen; on a huge page every missing <meta>
    # lookup would walk the whole tree, so only the opening part is searched.
    meta_soup = BeautifulSoup(html[:META_CHARS], "lxml") if big else soup
    meta = read_meta(meta_soup, url)
    h1_tag = meta_soup.find("h1")
    h1 = h1_tag.get_text(" ", strip=True) if h1_tag else None
    title, title_site = _split_title(meta.title, meta.site_name, h1)
    attribution = _soup_attribution(meta_soup if big else soup)
    captions = caption_lines(meta_soup if big else soup)
    lines, info = strip_wrapper_lines(_main_text_lines(html, soup, url, big), title, captions)
    text = join_blocks(lines)
    original = info.original_outlet or attribution or _canonical_elsewhere(url, meta)
    outlet = meta.site_name or (site_short_name(title_site) if title_site else None) or \
        (site_short_name(info.site) if info.site else None)
    return CleanDocument(
        title=title,
        text=text,
        published=meta.published,
        outlet=outlet,
        original_outlet=_publisher_only(original, sites),
        canonical_url=meta.canonical_url or meta.page_url or url,
        author=meta.author or info.author,
        language=meta.language or guess_language(text),
        tables=tables,
    )


def _main_text_lines(html: str, soup: BeautifulSoup, url: str | None, big: bool) -> list[str]:
    """The page's main text as lines: trafilatura's, else (short or very large pages) every visible block."""
    extracted = None
    if big:
        # trafilatura's cost grows faster than the page (a 5 MB page took over a minute): a page this
        # large is read block by block from the soup we already have.
        log.info("page of %d characters: block text instead of trafilatura", len(html))
    else:
        try:
            extracted = trafilatura.extract(html, url=url, output_format="txt", include_tables=False,
                                            include_comments=False, include_links=False,
                                            include_images=False, deduplicate=False)
        except Exception as exc:  # noqa: BLE001 - trafilatura raises assorted errors on odd markup
            log.info("trafilatura failed on %s: %s", url or "page", exc)
    if extracted and len(extracted.split()) >= 20:
        return [line.strip() for line in extracted.split("\n")]
    return html_blocks(soup if big else BeautifulSoup(html, "lxml"))


def _canonical_elsewhere(url: str | None, meta: PageMeta) -> Optional[str]:
    """The rel=canonical host when it is another site than the page's: a copy that names its original
    only that way. None when the canonical URL is missing or on the page's own site."""
    canonical_host = host_of(meta.canonical_url)
    if not canonical_host:
        return None
    reference_host = host_of(url) or host_of(meta.page_url)
    if reference_host:
        elsewhere = not same_site(canonical_host, reference_host)
    else:  # a saved page: compare the site's own name with the canonical host instead
        squashed = re.sub(r"[^a-z0-9]", "", (meta.site_name or "").lower())
        elsewhere = bool(squashed) and squashed not in canonical_host.replace(".", "").replace("-", "")
    return canonical_host if elsewhere else None


def _unwrap_lines(raw: str) -> list[str]:
    """Text lines, with hard-wrapped paragraph lines joined back together."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if (out and out[-1] and line and len(out[-1]) > 50 and not re.search(r"[.!?:;\"”)]$", out[-1])
                and line[0].islower()):
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return out


def _pick_title(header: list[str]) -> Optional[int]:
    """The index of the title among the header lines: a repeated line, else the first long one."""
    counts = Counter(norm(line) for line in header)
    for i, line in enumerate(header):
        if counts[norm(line)] >= 2 and words(line) >= 3:
            return i
    for i, line in enumerate(header):
        if words(line) >= 4 and not byline_author(line) and not attribution_outlet(line):
            return i
    return 0 if header else None


def clean_text(raw: str, *, sites: Mapping[str, Site] | None = None) -> CleanDocument:
    """Clean a plain-text copy of a page: find the title and outlets, drop the wrapper lines.

    Two shapes are read: the plain "title, blank line, body" and a republished page whose
    header holds the site name, the title (often twice), the original outlet and share widgets.
    SITES is the known-sites table, as for clean_html.
    """
    lines = _unwrap_lines(raw.lstrip("\ufeff"))
    first_para = next((i for i, line in enumerate(lines) if line and is_paragraph(line)), None)
    if first_para is None:  # no prose at all: the first line titles whatever follows
        nonempty = [i for i, line in enumerate(lines) if line]
        first_para = nonempty[1] if len(nonempty) > 1 else len(lines)
    header = [line for line in lines[:first_para] if line]
    widgets = [line for line in header if is_share_widget(line) or is_nav_link(line)]
    header = [line for line in header if line not in widgets]

    info = WrapperInfo()
    outlet = author = None
    published = None
    title_idx = _pick_title(header)
    title = header[title_idx] if title_idx is not None else ""
    for i, line in enumerate(header):
        if norm(line) == norm(title):
            continue
        if attribution_outlet(line):
            info.original_outlet = info.original_outlet or attribution_outlet(line)
        elif byline_author(line):
            author = author or byline_author(line)
        elif parse_date(line):
            published = published or parse_date(line)
        elif title_idx is not None and i < title_idx and words(line) <= 5 and outlet is None:
            outlet = line  # the site's name printed above the headline
    body, found = strip_wrapper_lines(lines[first_para:], title)
    original = _publisher_only(info.original_outlet or found.original_outlet, sites)
    if found.site:
        site = site_short_name(found.site)
        if outlet is None:
            outlet = site
    text = join_blocks(body)
    return CleanDocument(
        title=title,
        text=text,
        published=published,
        outlet=outlet,
        original_outlet=original,
        author=author or info.author or found.author,
        language=guess_language(text),
    )
