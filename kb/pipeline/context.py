"""What one ingest run shares: its summary, the HTTP client and politeness, the near-duplicate index, the extractor."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ingest.dedup import StoryIndex
from ingest.fetch import HostPacer, make_client
from ingest.publisher import Site, known_site
from ingest.robots import RobotsCache
from kb.db import utcnow
from kb.nlp.extract import EXTRACTOR_VERSION, extract
from kb.settings import Settings, ingest_options
from kb.store import articles
from kb.store.claims import store_extraction

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # (done, total, message)


@dataclass
class RunSummary:
    """What one run did; `line()` is the one-line summary `aikb ingest` ends with."""

    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    new: int = 0
    duplicate: int = 0
    clustered: int = 0
    claims_stored: int = 0
    page_errors: int = 0
    store_failed: int = 0  # articles not stored because the database failed (retried by the next run)
    repaired: int = 0  # stored articles without claims that this run extracted
    capped: int = 0  # sources that hit the per-source item or time cap (the rest comes next run)
    replaced: int = 0  # stored articles given a fuller copy's text (same site), re-extracted
    feed_text_only: int = 0  # articles stored from the feed's text because their page failed
    errors: list[str] = field(default_factory=list)

    def add(self, other: "RunSummary") -> None:
        for name in ("fetched", "not_modified", "failed", "new", "duplicate", "clustered", "claims_stored",
                     "page_errors", "store_failed", "repaired", "capped", "replaced", "feed_text_only"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    def line(self) -> str:
        line = (f"sources: {self.fetched} fetched, {self.not_modified} not modified, {self.failed} failed; "
                f"articles: {self.new} new, {self.duplicate} duplicate, {self.clustered} clustered")
        if self.replaced:
            line += f", {self.replaced} replaced by a fuller copy"
        if self.repaired:
            line += f", {self.repaired} extracted late"
        if self.capped:
            line += f"; {self.capped} sources capped, the rest next run"
        line += f"; pages: {self.page_errors} failed"
        if self.feed_text_only:
            line += f" ({self.feed_text_only} articles kept with feed text only, retried next run)"
        line += f"; claims stored: {self.claims_stored}"
        if self.store_failed:
            line += f"; {self.store_failed} NOT STORED (database errors; the next run retries them)"
        return line


class Run:
    """Shared state of one run: the HTTP client, politeness, the near-duplicate index, the extractor."""

    def __init__(self, engine: Engine, settings: Settings, nlp) -> None:
        self.engine, self.settings, self.nlp = engine, settings, nlp
        self.options = ingest_options(settings)  # what ingest is told: limits, politeness, known sites
        self.limits = self.options.limits
        self.sites = self.options.sites()
        self.client = make_client(self.options)
        self.pacer = HostPacer(settings.host_delay)
        self.robots = RobotsCache()
        with Session(engine) as session:
            self.index = StoryIndex()  # every stored fingerprint with its story, for near-duplicate lookups
            for fingerprint, story_id in articles.story_fingerprints(session):
                self.index.add(fingerprint, story_id)
        self.extract, self.store_extraction, self.version = extractor(nlp)
        self.summary = RunSummary()
        self.page_mirror: dict[str, Path] = {}  # page URL -> local copy, given only by the sample run
        self.started = utcnow()


def extractor(nlp):
    """(extract, the claims writer, the extractor version); (None, None, None) when NLP is None (--no-extract)."""
    if nlp is None:
        return None, None, None
    return extract, store_extraction, EXTRACTOR_VERSION


def first_line(exc: Exception) -> str:
    """A database error's own message, one line (without the SQL statement SQLAlchemy appends)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:200]


def publisher_org(url: Optional[str], sites: Mapping[str, Site] | None = None) -> Optional[str]:
    """The organization of a lab's own site (SITES, else data/sites.toml), when URL is on one."""
    site = known_site(url, sites)
    return site.org if site is not None and site.kind == "lab" and site.org else None
