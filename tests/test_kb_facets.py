"""Facet terms in the search index (kb/read/facets.py) stay true to the store through merges, org changes and edits.

The oracle: words with a facet must return exactly the claims that the words alone return and whose
model / benchmark / organization / outlet is the facet's, in the same (newest report first) order.
"""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from kb.read import search
from kb.store.claims import store_extraction
from kb.store.entities import merge_entities
from kb.read.facets import date_terms, facets_sql
from kb.store.linking import link
from kb.models import Article, Entity, ScoreClaim
from kb.nlp.records import ModelMention
from kb_helpers import add_article, day, extraction, score

# (slug, outlet, original outlet, published, [(model, org, benchmark, value, evidence)])
ARTICLES = [
    ("a1", "Tensor Ledger", None, "2026-01-10", [
        ("Kestrel 2", "Kestrel Labs", "ProofBench", 61.5, "Kestrel 2 posted 61.5 on ProofBench in the lab's own run."),
        ("Heron Mini", "Heron AI", "ProofBench", 48.0, "Heron Mini posted 48.0 on ProofBench, a distant second."),
    ]),
    ("a2", "Signal Digest", "Tensor Ledger", "2026-01-11", [
        ("Kestrel 2", "Kestrel Labs", "ProofBench", 61.5, "Kestrel 2 posted 61.5 on ProofBench, the lab says."),
        ("Kestrel 2", "Kestrel Labs", "ChartQuest", 77.3, "On ChartQuest the lab's Kestrel 2 posted 77.3."),
    ]),
    ("a3", "Compute Weekly", None, "2026-02-02", [
        ("Heron Mini", "Heron AI", "ChartQuest", 70.1, "Heron Mini posted 70.1 on ChartQuest with tools."),
        ("Osprey 4", None, "ProofBench", 55.5, "Osprey 4, from a newcomer, posted 55.5 on ProofBench."),
    ]),
    ("a4", "Frontier Report", None, "2026-03-15", [
        ("Osprey 4", None, "ChartQuest", 66.6, "Osprey 4 posted 66.6 on ChartQuest in independent testing."),
        ("Kestrel 2.5", "Kestrel Labs", "ProofBench", 64.0, "Kestrel 2.5 posted 64.0 on ProofBench."),
    ]),
    # an outlet whose index term is the same as another's ("uTensorLedger"): the exact test tells them apart
    ("a5", "TensorLedger", None, "2026-04-01", [
        ("Heron Mini", "Heron AI", "ProofBench", 49.5, "Heron Mini posted 49.5 on ProofBench on the new build."),
    ]),
]
WORDS = ["posted", "ProofBench", "posted ChartQuest", "lab", "nothingmatches"]


@pytest.fixture
def store(engine):
    with Session(engine) as s:
        for slug, outlet, original, published, claims in ARTICLES:
            article = add_article(s, slug, outlet=outlet, original=original, published=published,
                                  text=" ".join(c[4] for c in claims))
            models = tuple(ModelMention(name=m, org=o) for m, o, *_ in claims if o)
            store_extraction(s, article, extraction(*(score(m, b, v, ev) for m, _, b, v, ev in claims),
                                                    models=models), extractor_version="t1")
        s.commit()
        yield s


def _key(hits):
    return [(h.model, h.benchmark, h.value) for h in hits]


def _outlets(hit):
    return {name for ref in hit.sources for name in (ref.outlet, ref.original_outlet) if name}


def _check_against_oracle(s: Session) -> int:
    """Every word x facet combination returns the oracle's claims; returns how many were non-empty."""
    def names(kind: str) -> list[str]:  # the entities with claims (the store also holds the gazetteer)
        column = {"model": ScoreClaim.model_id, "benchmark": ScoreClaim.benchmark_id}.get(kind)
        ids = select(column) if column is not None else select(Entity.org_id).where(
            Entity.id.in_(select(ScoreClaim.model_id)))
        return sorted(s.exec(select(Entity.name).where(Entity.id.in_(ids))).all())
    outlets = sorted({o for row in s.exec(select(Article.outlet, Article.original_outlet)).all() for o in row if o})
    non_empty = 0
    for words in WORDS:
        everything = search.search_claims(s, words, limit=1000)
        for model in names("model"):
            want = [h for h in everything if h.model == model]
            assert _key(search.search_claims(s, words, model=model)) == _key(want), (words, model)
            non_empty += bool(want)
        for bench in names("benchmark"):
            want = [h for h in everything if h.benchmark == bench]
            assert _key(search.search_claims(s, words, benchmark=bench)) == _key(want), (words, bench)
        for org in names("org"):
            want = [h for h in everything if h.org == org]
            assert _key(search.search_claims(s, words, org=org)) == _key(want), (words, org)
            non_empty += bool(want)
        for outlet, model in itertools.product(outlets, names("model")):
            want = [h for h in everything if h.model == model and outlet in _outlets(h)]
            got = search.search_claims(s, words, model=model, outlet=outlet)
            assert _key(got) == _key(want), (words, model, outlet)
    return non_empty


def _check_dates_against_oracle(s: Session) -> None:
    """Words within a date range return the words' claims first reported in that range."""
    for words, (since, until) in itertools.product(WORDS, [("2026-01-01", "2026-01-31"), ("2026-01-11", "2026-02-02"),
                                                           ("2025-06-01", "2026-01-10"), ("2026-03-01", "2027-12-31")]):
        lo, hi = day(since), day(until)
        want = [h for h in search.search_claims(s, words, limit=1000) if lo <= h.first_reported_at <= hi]
        assert _key(search.search_claims(s, words, since=lo, until=hi)) == _key(want), (words, since, until)
        assert _key(search.search_claims(s, words, since=lo)) == _key(
            [h for h in search.search_claims(s, words, limit=1000) if lo <= h.first_reported_at])
        assert _key(search.search_claims(s, words, until=hi)) == _key(
            [h for h in search.search_claims(s, words, limit=1000) if h.first_reported_at <= hi])


def _index_is_consistent(s: Session) -> None:
    """Every report's stored facets are what the store says now, and the index holds exactly those."""
    expected = facets_sql(s.get_bind().dialect.name, "claimsource.claim_id", "claimsource.outlet",
                          "claimsource.article_id")
    stale = s.connection().execute(text(f"SELECT count(*) FROM claimsource WHERE facets <> {expected}")).scalar_one()
    assert stale == 0
    if s.get_bind().dialect.name == "sqlite":  # rank 1: compare the FTS5 index with the content table
        s.connection().execute(text("INSERT INTO claimsource_fts(claimsource_fts, rank) VALUES ('integrity-check', 1)"))
    else:
        assert s.connection().execute(text(
            "SELECT count(*) FROM claimsource WHERE facet_tsv <> to_tsvector('simple', facets)")).scalar_one() == 0


def test_facets_agree_with_the_store(store):
    assert _check_against_oracle(store) > 10
    _check_dates_against_oracle(store)
    _index_is_consistent(store)
    # a model with no organization has no org term, and an unknown facet value finds nothing
    assert search.search_claims(store, "posted", model="Osprey 4")
    assert search.search_claims(store, "posted", org="Nobody Labs") == []


def test_facets_follow_merges_and_org_changes(store):
    before = _key(search.search_claims(store, "posted", model="Kestrel 2")) + _key(
        search.search_claims(store, "posted", model="Kestrel 2.5"))
    # an analyst merges a variant into its model: the claims move, and so do their facet terms
    merge_entities(store, "Kestrel 2.5", "Kestrel 2", "model")
    store.commit()
    assert sorted(_key(search.search_claims(store, "posted", model="Kestrel 2"))) == sorted(
        (m.replace("Kestrel 2.5", "Kestrel 2"), b, v) for m, b, v in before)
    # a model stored without its maker gets one later: the org facet now finds its earlier claims
    assert search.search_claims(store, "posted", org="Osprey Systems") == []
    link(store, "model", "Osprey 4", org="Osprey Systems")
    store.commit()
    assert {h.value for h in search.search_claims(store, "posted", org="Osprey Systems")} == {55.5, 66.6}
    # two organizations merged: the survivor's facet covers the models of both
    merge_entities(store, "Heron AI", "Kestrel Labs", "org")
    store.commit()
    assert {h.model for h in search.search_claims(store, "posted", org="Kestrel Labs")} == {"Kestrel 2", "Heron Mini"}
    # an outlet corrected on an article: the outlet facet follows (reports keep the outlet they had)
    article = store.exec(select(Article).where(Article.outlet == "Compute Weekly")).one()
    article.outlet = "Compute Monthly"
    store.add(article)
    store.commit()
    assert {h.value for h in search.search_claims(store, "posted", outlet="Compute Monthly")} == {70.1, 55.5}
    _index_is_consistent(store)
    assert _check_against_oracle(store) > 10


def test_an_earlier_report_moves_the_claim_in_time(store):
    january = dict(since=day("2026-01-01"), until=day("2026-01-31"))
    assert search.search_claims(store, "posted", model="Osprey 4", **january) == []
    # an older article turns up that reported Osprey 4's ChartQuest score first
    early = add_article(store, "old", outlet="Model Digest", published="2026-01-05", text="...")
    ev = "Osprey 4 posted 66.6 on ChartQuest in an early preview."
    store_extraction(store, early, extraction(score("Osprey 4", "ChartQuest", 66.6, ev)), extractor_version="t1")
    store.commit()
    assert [h.value for h in search.search_claims(store, "posted", model="Osprey 4", **january)] == [66.6]
    assert [h.value for h in search.search_claims(store, "posted", model="Osprey 4", since=day("2026-03-01"))] == []
    _index_is_consistent(store)
    _check_dates_against_oracle(store)


def test_reextraction_and_deletes_keep_the_index_true(store):
    article = store.exec(select(Article).where(Article.outlet == "Frontier Report")).one()
    ev = "Osprey 4 posted 69.0 on ChartQuest after a rerun."
    store_extraction(store, article, extraction(score("Osprey 4", "ChartQuest", 69.0, ev)), extractor_version="t2")
    store.commit()
    assert [h.value for h in search.search_claims(store, "posted ChartQuest", model="Osprey 4")] == [69.0]
    _index_is_consistent(store)


def test_outlet_phrase_is_only_a_prefilter(store):
    # "Tensor" alone is part of an outlet's name but no outlet: the exact outlet test decides
    assert search.search_claims(store, "posted", outlet="Tensor") == []
    assert search.search_claims(store, "posted", outlet='Tensor" OR "Ledger') == []
    syndicated = search.search_claims(store, "posted", outlet="Tensor Ledger")
    assert {h.value for h in syndicated} == {61.5, 48.0, 77.3}  # its own story and the copy naming it
    assert [h.value for h in search.search_claims(store, "posted", outlet="TensorLedger")] == [49.5]


def test_date_terms_use_whole_years_where_they_can():
    from datetime import date
    assert date_terms(date(2024, 11, 15), date(2026, 2, 3)) == ["d202411", "d202412", "y2025", "d202601", "d202602"]
    assert date_terms(date(2025, 1, 1), date(2025, 12, 31)) == ["y2025"]
    assert date_terms(date(2025, 1, 9), date(2025, 11, 30)) == [f"d2025{m:02d}" for m in range(1, 12)]
    assert date_terms(date(2026, 5, 2), date(2026, 5, 2)) == ["d202605"]
    assert date_terms(date(2026, 5, 2), date(2026, 4, 2)) == []


def test_migration_backfills_a_store_that_has_data(store):
    """Migration 0005 on a store with reports: down to 0004 and up again, search answers as before."""
    from alembic import command
    from alembic.config import Config

    from kb.db import MIGRATIONS_DIR

    before = {words: _key(search.search_claims(store, words, org="Kestrel Labs")) for words in WORDS}
    engine = store.get_bind()
    store.close()
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection_engine"] = engine
    command.downgrade(cfg, "0004")
    command.upgrade(cfg, "head")
    with Session(engine) as s:
        assert {words: _key(search.search_claims(s, words, org="Kestrel Labs")) for words in WORDS} == before
        assert any(before.values())
        _index_is_consistent(s)
