"""Line-level rules that recognise the wrappers republishing sites put around an article.

Shared by the HTML and the text cleaner: share widgets, "read more"/"view original" links,
"Originally reported by X" attributions, repeated titles and "Title | Site" footers. The rules
are general (several languages, no site names); each returns what it learned (the original
outlet, the site name) so the cleaner can record provenance instead of losing it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# Share widgets: a short line made only of share verbs and network names.
_SHARE_WORDS = (
    r"share|shares|sharing|share this|share on|share article|compartilhar|compartilhe|compartir|"
    r"partager|partagez|teilen|condividi|condividere|delen|deel|udostępnij|dela|del|jaa|"
    r"поделиться|paylaş|シェア|分享|공유|tweet|tweet this|post|email|e-mail|print|imprimir|"
    r"copy link|copiar link|copy|facebook|twitter|x|linkedin|reddit|whatsapp|telegram|"
    r"pinterest|threads|bluesky|mastodon|flipboard|pocket|hacker news|messenger"
)
_SHARE_LINE = re.compile(rf"^(?:(?:{_SHARE_WORDS})[\s:|,·•/-]*)+$", re.I)

# Links back to the original or to more content (not a heading such as "Open Source LLMs").
_NAV_LINE = re.compile(
    r"^(?!open[- ]source\b)(?:view|see|visit|go to|open|read|ver|veja|leia|leer|lire|voir|lesen|zum|vai|leggi|bekijk)"
    r"\b.{0,40}\b(?:original|source|fonte|fuente|source originale|quelle|originale|article|artigo|"
    r"artículo|more|mais|más|la suite|weiter|story|here|aqui|aquí|ici|hier|qui|full story)\b.{0,30}$"
    r"|^(?:read more|continue reading|read the full (?:story|article)|leia mais|leer más|"
    r"lire la suite|weiterlesen|mehr lesen|continua a leggere|ler mais|saiba mais|more:?)\W*$",
    re.I,
)

# Attributions that name who first published the story. Group "outlet" holds the name; a name is
# up to five capitalised words, and a period followed by a space ends it ("X. Read the original").
_NAME_WORD = r"[A-Z0-9&][\w&'’-]*(?:\.[\w'’-]+)*"
_OUTLET = rf"(?P<outlet>{_NAME_WORD}(?: (?:{_NAME_WORD}|de|do|da|of|the|and|für|der)){{0,4}})"
_ATTRIBUTIONS = (
    # long form, may be followed by more words on the same line
    (30, re.compile(
        r"^(?i:(?:this (?:story|article|post) (?:was )?)?(?:originally|first) (?:reported|published|appeared|"
        r"posted)(?: (?:by|on|in|at))?) " + _OUTLET)),
    (30, re.compile(
        r"^(?i:publicado originalmente (?:por|em|en)|originalmente publicado (?:por|em|en)|"
        r"publié (?:initialement|à l'origine) (?:par|sur|dans)|ursprünglich (?:veröffentlicht|erschienen) "
        r"(?:bei|von|in)|pubblicato originariamente (?:da|su)) " + _OUTLET)),
    # short source lines: the whole line names the source ("Credit: X" under a figure is a photo credit, not an outlet)
    (8, re.compile(
        r"^(?i:source|sources|fonte|fuente|quelle|via|reported by|"
        r"republished from|reprinted from|syndicated from)\s*:?\s+" + _OUTLET + r"\W*$")),
)
# "Title | Site", "Title - Site", "Title — Site": the part after the last separator names the site.
_TITLE_SITE = re.compile(r"^(?P<title>.+?)\s+(?:\||—|–|-|·|::)\s+(?P<site>[^|—–·]+)$")
_BYLINE = re.compile(r"^(?:by|por|par|von|di|door|av)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})$", re.I)
_SENTENCE_END = re.compile(r"[.!?…\"”’»)]$")


def norm(line: str) -> str:
    """A comparison key for a line: lower case, letters and digits only."""
    return re.sub(r"\W+", " ", line.casefold()).strip()


def words(line: str) -> int:
    return len(line.split())


def is_share_widget(line: str) -> bool:
    """A short line of share verbs and social network names."""
    return words(line) <= 6 and bool(_SHARE_LINE.match(line.strip()))


def is_nav_link(line: str) -> bool:
    """A "view original source" / "read more" style link line."""
    return words(line) <= 10 and bool(_NAV_LINE.match(line.strip()))


# An image or photo credit ("Credit: X", "Photo: X / Agency", "Image credit: X"): who made a picture,
# never who published the article (issue 13: a credit became every claim's "original outlet").
_MEDIA_CREDIT = re.compile(r"^(?i:(?:image|photo|photograph|picture|illustration|graphic|chart|video|header image|"
                           r"cover image|top image|lead image)s?(?: credits?| by| courtesy(?: of)?| source)?|"
                           r"credits?|cr[ée]dito|courtesy(?: of)?)\s*[:|—–-]?\s+\S.{0,120}$")


def is_media_credit(line: str) -> bool:
    """A short image/photo credit line (dropped from the text, never an outlet)."""
    stripped = line.strip()
    return words(stripped) <= 16 and bool(_MEDIA_CREDIT.match(stripped))


def attribution_outlet(line: str) -> Optional[str]:
    """The outlet an "Originally reported by X" / "Source: X" / "via X" line names, else None."""
    stripped = line.strip()
    for max_words, pattern in _ATTRIBUTIONS:
        if words(stripped) > max_words:
            continue
        match = pattern.match(stripped)
        if match:
            return re.sub(r"[.,;:]+$", "", match.group("outlet").strip()) or None
    return None


def byline_author(line: str) -> Optional[str]:
    """The name in a "By Jane Doe" line, else None."""
    match = _BYLINE.match(line.strip())
    return match.group("name") if match else None


def title_site(line: str, title: str) -> Optional[str]:
    """The site name when LINE is "<title> | <site>", else None."""
    match = _TITLE_SITE.match(line.strip())
    if not match or not title:
        return None
    if norm(match.group("title")) != norm(title):
        return None
    return match.group("site").strip()


def site_short_name(site: str) -> str:
    """"IRCNF - Long Tagline" -> "IRCNF": the name before a tagline separator."""
    return re.split(r"\s+(?:-|–|—|:)\s+", site, maxsplit=1)[0].strip()


def is_paragraph(line: str) -> bool:
    """A line that reads like body prose, not a heading, name or widget."""
    count = words(line)
    if count >= 12 and (_SENTENCE_END.search(line.strip()) or ". " in line):
        return True
    return count >= 25


@dataclass
class WrapperInfo:
    """What stripping the wrapper lines taught us about provenance."""

    original_outlet: Optional[str] = None
    site: Optional[str] = None  # from a "Title | Site" footer
    author: Optional[str] = None


def strip_wrapper_lines(lines: list[str], title: str,
                        not_attributions: frozenset[str] = frozenset()) -> tuple[list[str], WrapperInfo]:
    """Drop wrapper lines anywhere in LINES (widgets, attributions, repeated titles, footers).

    Args:
        lines: the body's blocks, one per item; empty strings mark paragraph breaks.
        title: the article's title, so repeats of it and "Title | Site" footers are recognised.
        not_attributions: norm() of lines that sit in captions, figures or quotes: kept as text,
            never read as "Source: X" / "via X" attributions.
    Returns:
        The kept lines and what the dropped lines said about provenance.
    """
    info = WrapperInfo()
    kept: list[str] = []
    title_key = norm(title) if title else ""
    for line in lines:
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if title_key and norm(stripped) == title_key:
            continue
        site = title_site(stripped, title)
        if site:
            info.site = info.site or site
            continue
        if is_media_credit(stripped):
            continue
        outlet = attribution_outlet(stripped)
        if outlet:
            if norm(stripped) not in not_attributions:  # a caption or pull-quote names no outlet
                info.original_outlet = info.original_outlet or outlet
                continue
        if is_share_widget(stripped) or is_nav_link(stripped):
            continue
        author = byline_author(stripped) if words(stripped) <= 5 else None
        if author:
            info.author = info.author or author
            continue
        kept.append(line)
    return kept, info


def join_blocks(lines: list[str]) -> str:
    """Blocks to text: one per line, a blank line between paragraphs, list items kept together."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        is_item = line.startswith(("- ", "* ", "• "))
        if out and not (is_item and out[-1].lstrip().startswith(("- ", "* ", "• "))):
            out.append("")
        out.append(line)
    return "\n".join(out)
