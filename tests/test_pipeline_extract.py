"""The sample corpus through the real spaCy extractor: each article is stored with its claims."""
from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from kb.db import open_engine
from kb.models import Article, ClaimSource, ScoreClaim
from kb.pipeline.run import ingest_sample
from _ingest_fixtures import ingest_settings


@pytest.fixture(scope="module")
def nlp():
    pipeline = pytest.importorskip("kb.nlp.pipeline")
    return pipeline.load_nlp()


def test_sample_with_extraction_then_nothing_new(sqlite_url, nlp):
    engine = open_engine(sqlite_url)
    first = ingest_sample(engine, ingest_settings(sqlite_url), nlp)
    assert first.new + first.clustered >= 13 and first.claims_stored > 0
    with Session(engine) as session:
        articles = session.exec(select(Article)).all()
        assert all(a.extractor_version and a.extracted_at for a in articles)
        claims = session.exec(select(func.count()).select_from(ScoreClaim)).one()
        sources = session.exec(select(func.count()).select_from(ClaimSource)).one()
        # every claim source points at a stored article (written in the article's transaction)
        orphans = session.exec(select(func.count()).select_from(ClaimSource)
                               .where(ClaimSource.article_id.not_in(select(Article.id)))).one()
    assert claims > 0 and sources >= claims and orphans == 0
    second = ingest_sample(engine, ingest_settings(sqlite_url), nlp)
    assert second.new == 0 and second.claims_stored == 0
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ScoreClaim)).one() == claims
