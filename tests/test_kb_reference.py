"""Reference stance history (Epoch AI, LLM-Stats) under the news: loaded once, marked, and shifts found."""
from __future__ import annotations

import json

import pytest
from sqlmodel import Session, func, select

from kb.read import pages
from kb.store.claims import store_extraction
from kb.models import StanceEvent
from kb.nlp.records import ModelMention, StanceEvent as Stance
from kb.store.reference import load_reference, REFERENCE_FILE
from kb_helpers import add_article, extraction


@pytest.fixture
def session(engine):
    with Session(engine) as s:
        yield s


def test_reference_file_is_well_formed():
    rows = [json.loads(line) for line in REFERENCE_FILE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 100
    assert {r["stance"] for r in rows} == {"open", "closed"}
    assert all(r["org"] and r["model"] and len(r["date"]) == 10 and r["source"] for r in rows)


def test_news_after_reference_history_shows_the_shift(session):
    article = add_article(session, "m1", outlet="Frontier Report", published="2026-06-02",
                          title="Meta keeps its new Halo model behind an API")
    store_extraction(session, article, extraction(
        models=(ModelMention("Halo Prime", org="Meta AI"),),
        stances=(Stance("Meta AI", "Halo Prime", "closed", evidence="Halo Prime will only be offered through an API."),)),
        extractor_version="t1")
    session.commit()
    loaded = session.exec(select(func.count()).select_from(StanceEvent).where(StanceEvent.origin == "reference")).one()
    assert loaded > 100
    assert load_reference(session) == 0  # idempotent
    events = pages.timeline(session, "Meta")
    reference = [e for e in events if e.origin == "reference"]
    assert reference and all(e.reference_source and e.article_id is None for e in reference)
    assert all(e.stance == "open" for e in reference)  # Meta's language models were open weights
    last = events[-1]
    assert (last.model, last.stance, last.origin, last.is_shift) == ("Halo Prime", "closed", "news", True)
    assert [e.is_shift for e in events].count(True) == 1
    assert events == sorted(events, key=lambda e: e.occurred_at)
