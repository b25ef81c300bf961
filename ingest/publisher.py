"""Who published an article: from its own URL, never from the feed that carried it.

The publisher of an article is the site its URL lives on. A small data-driven table
(data/sites.toml) maps known sites to display names ("ai.meta.com" -> "Meta", a news site -> the
outlet) and marks AI labs, whose posts about their own models give those models an organization.
A site missing from the table is named by its page's own metadata (og:site_name, JSON-LD
publisher) when the page itself was read, else by its domain. A feed title, an image credit or a
caption is never a publisher. Which feed carried the item is recorded separately, as a sighting.

A caller with its own sites file (the `sites_file` setting, IngestOptions.sites_file) passes the
table it loads (`load_sites(path)`, IngestOptions.sites()) as SITES; without one, data/sites.toml.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import urlsplit

SITES_FILE = Path(__file__).resolve().parent.parent / "data" / "sites.toml"


@dataclass(frozen=True)
class Site:
    """A known site: its display name, and the organization when it is a lab's own site."""

    name: str
    kind: str = "outlet"  # lab | outlet | aggregator
    org: Optional[str] = None  # a lab's organization, as the gazetteer names it


def site_key(url: Optional[str]) -> str:
    """The site of URL: its host without "www.", with the port when it is not the scheme's default.

    "" for a URL without a host (a local file, a GUID).
    """
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if not host:
        return ""
    host = host.removeprefix("www.")
    default = {"http": 80, "https": 443}.get((parts.scheme or "").lower())
    return f"{host}:{port}" if port and port != default else host


def _host(key: str) -> str:
    return key.rsplit(":", 1)[0] if key.count(":") == 1 else key


def _port(key: str) -> str:
    return key.rsplit(":", 1)[1] if key.count(":") == 1 else ""


def same_site(url_a: Optional[str], url_b: Optional[str]) -> bool:
    """True when two URLs live on one site: the same host or one a subdomain of the other, same port.

    Used to decide whose text a feed item may carry: a feed may speak for the articles of its own
    site (blog.lab.example's feed for lab.example/news/...), not for another site's URLs.
    """
    a, b = site_key(url_a), site_key(url_b)
    if not a or not b:
        return False
    if _port(a) != _port(b):
        return False
    ha, hb = _host(a), _host(b)
    return ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha)


@functools.lru_cache(maxsize=8)
def load_sites(path: str | None = None) -> dict[str, Site]:
    """The table of known sites (host[:port] -> Site): data/sites.toml, with PATH's entries added over it."""
    table = _read_sites(SITES_FILE)
    if path and Path(path) != SITES_FILE:
        table.update(_read_sites(Path(path)))
    return table


def _read_sites(file: Path) -> dict[str, Site]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    out: dict[str, Site] = {}
    for key, value in (data.get("sites") or {}).items():
        if isinstance(value, str):
            out[key.lower().removeprefix("www.")] = Site(name=value)
        elif isinstance(value, dict) and value.get("name"):
            out[key.lower().removeprefix("www.")] = Site(name=str(value["name"]), kind=str(value.get("kind") or "outlet"),
                                                          org=value.get("org") or None)
    return out


def known_site(url: Optional[str], sites: Mapping[str, Site] | None = None) -> Optional[Site]:
    """The table's entry for URL's site, or for the nearest parent domain listed (blog.x.com -> x.com)."""
    key = site_key(url)
    if not key:
        return None
    table = load_sites() if sites is None else sites
    if key in table:
        return table[key]
    host, port = _host(key), _port(key)
    parts = host.split(".")
    for i in range(1, len(parts) - 1):
        parent = ".".join(parts[i:])
        candidate = f"{parent}:{port}" if port else parent
        if candidate in table:
            return table[candidate]
    return None


def publisher_name(url: Optional[str], page_site_name: Optional[str] = None,
                   sites: Mapping[str, Site] | None = None) -> Optional[str]:
    """The display name of URL's publisher: the table's name, else the page's own name, else the domain.

    Args:
        url: the article's own URL (the item link or the fetched page's final URL).
        page_site_name: og:site_name / JSON-LD publisher of the page at URL, only when that page was read.
    """
    site = known_site(url, sites)
    if site is not None:
        return site.name
    if page_site_name and page_site_name.strip():
        return page_site_name.strip()[:200]
    key = site_key(url)
    return _host(key) or None


def is_aggregator_name(name: Optional[str], sites: Mapping[str, Site] | None = None) -> bool:
    """True when NAME is a link aggregator's name in the table ("via Hacker News" says where a post
    was found, never who published it)."""
    if not name:
        return False
    key = name.strip().casefold()
    table = load_sites() if sites is None else sites
    return any(site.kind == "aggregator" and (site.name.casefold() == key or host == key)
               for host, site in table.items())
