"""`reextract` with the real spaCy extractor: from the stored raw payload, no fetching, old claims replaced."""
from __future__ import annotations

import zlib

import pytest
from sqlmodel import Session, select

from kb.read import search
from kb.pipeline.reextract import reextract
from kb.store.claims import store_extraction
from kb.models import Article, ClaimSource
from kb.nlp.extract import EXTRACTOR_VERSION
from kb_helpers import add_article, extraction, score

PAYLOAD = """Orbital Labs widens its lead on agentic coding

Orbital Labs said on Thursday that Claude Opus 4.6 scored 71.2% on SWE-bench Verified in its own tests.
Independent testers at Artificial Analysis put GPT-5.4 at 69.8% on the same benchmark.
"""


@pytest.fixture(scope="module")
def nlp():
    from kb.nlp.pipeline import load_nlp

    return load_nlp()


def test_reextract_replaces_claims_of_older_versions(sqlite_url, nlp):
    from kb.db import open_engine

    engine = open_engine(sqlite_url)
    with Session(engine) as s:
        article = add_article(s, "x1", outlet="Orbit Wire", published="2026-04-09", text="(stale text)")
        article.raw, article.raw_kind = zlib.compress(PAYLOAD.encode()), "text"
        # what an older, worse extractor stored: a wrong value
        store_extraction(s, article, extraction(score("Claude Opus 4.6", "SWE-bench Verified", 17.2, "stale")),
                         extractor_version="0-old")
        current = add_article(s, "x2", outlet="Orbit Wire", published="2026-04-10", text="nothing to see")
        current.extractor_version = EXTRACTOR_VERSION
        s.commit()
    summary = reextract(engine, nlp)
    assert (summary.articles, summary.skipped, summary.failed) == (1, 1, 0)
    with Session(engine) as s:
        values = {(h.model, h.value) for h in search.search_claims(s, benchmark="SWE-bench Verified")}
        assert ("Claude Opus 4.6", 71.2) in values and ("GPT-5.4", 69.8) in values
        assert ("Claude Opus 4.6", 17.2) not in values
        versions = set(s.exec(select(ClaimSource.extractor_version)).all())
        assert versions == {EXTRACTOR_VERSION}
        stored = s.exec(select(Article).where(Article.url.contains("x1"))).one()
        assert stored.extractor_version == EXTRACTOR_VERSION and "SWE-bench Verified" in stored.text
        hit = search.search_claims(s, "Artificial Analysis")[0]
        assert hit.reporter_kind == "evaluator" and hit.sources[0].outlet == "Orbit Wire"
    again = reextract(engine, nlp)  # nothing older left: a no-op
    assert (again.articles, again.claims_before, again.claims_after) == (0, summary.claims_after,
                                                                          summary.claims_after)
