"""Re-extraction: the current extractor over stored articles, from their raw payload, without fetching.

Part of the pipeline because it joins the three stages: the cleaner (ingest) runs again on the stored
payload, the extractor (kb.nlp) on the clean text, and the store (kb.store.claims) replaces what an
earlier extractor stored. Each batch is one transaction, opened here.
"""
from __future__ import annotations

import dataclasses
import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Mapping, Optional

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ingest.clean import clean_html, clean_text
from ingest.documents import clean_markdown, decode_bytes
from ingest.publisher import Site, load_sites
from ingest.records import CleanDocument
from kb.models import Article, ScoreClaim
from kb.nlp.extract import EXTRACTOR_VERSION, extract_many
from kb.pipeline.context import publisher_org
from kb.pipeline.lock import ingest_lock
from kb.store.articles import raw_payload
from kb.store.claims import store_extraction

log = logging.getLogger(__name__)




@dataclass
class ReextractSummary:
    """What `aikb reextract` did."""

    extractor_version: str
    articles: int = 0
    skipped: int = 0  # already at the current version
    failed: int = 0
    claims_before: int = 0
    claims_after: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"re-extracted {self.articles} articles with extractor {self.extractor_version} "
                f"({self.skipped} already current, {self.failed} failed); "
                f"claims {self.claims_before} -> {self.claims_after}")


def _document(article: Article, sites: Mapping[str, Site] | None = None):
    """The CleanDocument to extract from: the stored raw payload cleaned again, else the stored text."""
    doc = None
    payload = raw_payload(article)
    if payload:
        raw = decode_bytes(payload)
        kind = (article.raw_kind or "").lower()
        doc = (clean_html(raw, article.url, sites=sites) if kind == "html" else
               clean_markdown(raw, sites=sites) if kind in ("md", "markdown") else clean_text(raw, sites=sites))
    if doc is None or not doc.text.strip():
        doc = CleanDocument(title=article.title or "", text=article.text or "")
    # what ingest knew from the feed (outlet, date) is kept when the payload alone does not say it
    return dataclasses.replace(doc, title=doc.title or article.title or "",
                               outlet=doc.outlet or article.outlet,
                               original_outlet=doc.original_outlet or article.original_outlet,
                               published=doc.published or article.published_at)


def reextract(engine, nlp, *, all: bool = False, batch_size: int = 32,  # mirrors the --all flag
              progress=None, wait: float = 0.0, on_wait=None, sites_file: Optional[str] = None) -> ReextractSummary:
    """Re-run the current extractor over stored articles, from their raw payload, without fetching.

    On SQLite it holds the ingest lock (kb.pipeline.lock), so it never writes the file while `aikb
    ingest` does: it waits up to WAIT seconds for a running ingest (ON_WAIT is told once), else
    raises StoreError at once. On PostgreSQL each batch locks its article rows (FOR UPDATE), so an
    article is never re-extracted by two processes at once (ingest's repair step included).

    Args:
        engine: the store's engine (or a callable returning a new Session: no lock is taken then).
        nlp: the spaCy pipeline (kb.nlp.pipeline.load_nlp()).
        all: also articles already extracted by the current version (default: only older/none).
        progress: called with (done, total) after each batch.
        sites_file: the known-sites table (Settings.sites_file) that says which sites are labs.
    Returns:
        A ReextractSummary. Each batch is one transaction; a failing article is retried in a second
        pass, then counted, not fatal.
    """
    is_engine = hasattr(engine, "dialect")
    session_factory = (lambda: Session(engine)) if is_engine else engine
    lock = ingest_lock(engine, wait=wait, holder="reextract", on_wait=on_wait) if is_engine else nullcontext()
    with lock:
        return reextract_articles(session_factory, nlp, all=all, batch_size=batch_size, progress=progress,
                                  sites=load_sites(sites_file))  # which sites are labs (a model's maker)


def reextract_articles(session_factory, nlp, *, all: bool = False, batch_size: int = 32,
                       progress=None, only_missing: bool = False, limit: int | None = None,
                       passes: int = 2, sites: Mapping[str, Site] | None = None) -> ReextractSummary:
    """reextract's work, for a caller that already holds the ingest lock (ingest's repair step).

    Args:
        only_missing: only articles never extracted (extractor_version NULL): stored without claims.
        limit: at most this many articles (oldest first).
        passes: articles that failed (a deadlock with a concurrent writer, a dropped connection) are
            tried again, up to this many passes in all.
    """
    summary = ReextractSummary(extractor_version=EXTRACTOR_VERSION)
    with session_factory() as session:
        summary.claims_before = session.exec(select(func.count()).select_from(ScoreClaim)).one()
        stmt = select(col(Article.id)).order_by(col(Article.id))
        if only_missing:
            stmt = stmt.where(col(Article.extractor_version).is_(None))
        elif not all:
            stmt = stmt.where(or_(col(Article.extractor_version).is_(None),
                                  col(Article.extractor_version) != EXTRACTOR_VERSION))
        if limit is not None:
            stmt = stmt.limit(limit)
        ids = list(session.exec(stmt).all())
        total = session.exec(select(func.count()).select_from(Article)).one()
    summary.skipped = total - len(ids)
    todo = ids
    for number in range(1, max(passes, 1) + 1):
        last = number == max(passes, 1)
        failed: list[int] = []
        for start in range(0, len(todo), batch_size):
            chunk = todo[start:start + batch_size]
            try:
                failed += _reextract_batch(session_factory, nlp, chunk, summary, all=all, batch_size=batch_size,
                                           record=last, sites=sites)
            except Exception as exc:  # noqa: BLE001 - the batch's transaction failed (connection, deadlock)
                log.warning("re-extraction batch failed: %s", exc)
                failed += chunk
                if last:
                    summary.failed += len(chunk)
                    summary.errors.append(f"articles {chunk[0]}..{chunk[-1]}: {str(exc).splitlines()[0][:200]}")
            if progress and number == 1:
                progress(min(start + batch_size, len(todo)), len(todo))
        if not failed:
            break
        todo = failed
    with session_factory() as session:
        summary.claims_after = session.exec(select(func.count()).select_from(ScoreClaim)).one()
    return summary


def _reextract_batch(session_factory, nlp, chunk: list[int], summary: ReextractSummary, *, all: bool,
                     batch_size: int, record: bool, sites: Mapping[str, Site] | None = None) -> list[int]:
    """Re-extract the articles CHUNK in one transaction; returns the ids that failed."""
    failed: list[int] = []
    done = 0
    with session_factory() as session:
        stmt = select(Article).where(col(Article.id).in_(chunk)).order_by(col(Article.id))
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()  # in id order: two re-extractors never deadlock on each other
        rows = []
        for article in session.exec(stmt).all():
            if not all and article.extractor_version == EXTRACTOR_VERSION:
                summary.skipped += 1  # done by another process while this one waited for the lock
                continue
            rows.append(article)
        docs = []
        for article in rows:
            try:
                docs.append(_document(article, sites))
            except Exception as exc:  # noqa: BLE001 - one bad payload must not stop the run
                summary.failed += 1
                summary.errors.append(f"article {article.id}: {exc}")
                docs.append(None)
        pairs = [(a, d) for a, d in zip(rows, docs) if d is not None]
        for (article, doc), extraction in zip(pairs, extract_many(nlp, [d for _, d in pairs], batch_size)):
            try:
                with session.begin_nested():
                    if doc.text != article.text:
                        article.text = doc.text  # offsets point into the text handed to the extractor
                    store_extraction(session, article, extraction, extractor_version=EXTRACTOR_VERSION,
                                     lab_org=publisher_org(article.url, sites))
                done += 1
            except Exception as exc:  # noqa: BLE001
                failed.append(article.id)
                if record:
                    summary.failed += 1
                    summary.errors.append(f"article {article.id}: {exc}")
        session.commit()
    summary.articles += done  # counted once committed: a batch that fails at commit is tried again
    return failed
