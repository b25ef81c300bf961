"""The knowledge base on real SQLite and real PostgreSQL: linking, provenance, re-extraction, queries.

Test data: hand-made Extraction records stored with kb.store.claims.store_extraction (no spaCy here).
"""
from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from kb.read import pages, queries, search
from kb.store.claims import store_extraction
from kb.errors import NotFound
from kb.read.lookup import resolve
from kb.text.keys import name_key
from kb.store.linking import link
from kb.models import ClaimSource, Entity, ScoreClaim, StanceEvent
from kb.nlp.records import ModelMention, PersonRole, StanceEvent as Stance
from kb_helpers import add_article, day, extraction, score


@pytest.fixture
def session(engine):
    with Session(engine) as s:
        yield s


def test_name_key_ignores_spelling_but_keeps_versions():
    assert name_key("GPT 5.4") == name_key("GPT-5.4") == name_key("gpt-5.4") == name_key(" GPT\u20115.4 ")
    assert name_key("GPT-5") != name_key("GPT-5.4")
    assert name_key("Gemini 3 Pro") != name_key("Gemini 3.1 Pro")
    assert name_key("Humanity\u2019s Last Exam") == name_key("Humanitys last exam")
    assert name_key("Acme Labs, Inc.", "org") == name_key("Acme Labs", "org")


def test_spellings_link_to_one_model_and_near_misses_stay_apart(session):
    first, created = link(session, "model", "Zephyr-7.2 Ultra", org="Windmill AI")
    assert created
    for spelling in ("Zephyr 7.2 Ultra", "zephyr-7.2-ultra", "ZEPHYR 7.2 ULTRA"):
        again, created = link(session, "model", spelling)
        assert (again.id, created) == (first.id, False)
    other, created = link(session, "model", "Zephyr-7 Ultra")
    assert created and other.id != first.id
    point_one, created = link(session, "model", "Zephyr-7.21 Ultra")
    assert created and point_one.id != first.id
    assert session.get(Entity, first.org_id).name == "Windmill AI"


def test_gazetteer_aliases_link_orgs_and_benchmarks(session):
    add_article(session, "a1", outlet="Daily Tensor")  # storing an extraction seeds the gazetteer
    article = add_article(session, "a2", outlet="Daily Tensor")
    store_extraction(session, article, extraction(), extractor_version="t1")
    assert resolve(session, "org", "Meta AI").id == resolve(session, "org", "Meta").id
    assert resolve(session, "benchmark", "HLE").name == "Humanity's Last Exam"
    gpt5, gpt54 = resolve(session, "model", "GPT-5"), resolve(session, "model", "GPT 5.4")
    assert gpt5 is not None and gpt54 is not None and gpt5.id != gpt54.id


def _report(session, slug, outlet, original, published, value=71.5, model="Orca-3 Max", version="t1"):
    article = add_article(session, slug, outlet=outlet, original=original, published=published,
                          title=f"Orca-3 Max posts {value} on TallyBench")
    ev = f"Orca-3 Max posted {value} on TallyBench, its maker said on Tuesday."
    result = store_extraction(session, article,
                              extraction(score(model, "TallyBench", value, ev, reported_by="Orca Labs",
                                               reporter_kind="vendor"),
                                         models=(ModelMention(model, org="Orca Labs"),)),
                              extractor_version=version)
    session.commit()
    return article, result


def test_syndicated_copy_is_one_source_more_but_not_a_second_confirmation(session):
    _, first = _report(session, "wire-1", "Wire Desk", None, "2026-02-10")
    _, copy = _report(session, "copy-1", "Regional Post", "Wire Desk", "2026-02-11")
    assert first.new_claim_ids and not copy.new_claim_ids and copy.claim_ids == first.claim_ids
    hits = search.search_claims(session, "TallyBench")
    assert len(hits) == 1
    assert hits[0].corroboration == 1 and len(hits[0].sources) == 2
    assert hits[0].sources[0].outlet == "Wire Desk"  # the original first
    assert hits[0].first_reported_at == day("2026-02-10")
    _report(session, "own-1", "Chip Weekly", None, "2026-02-09")
    hit = search.search_claims(session, "TallyBench")[0]
    assert hit.corroboration == 2 and len(hit.sources) == 3
    assert hit.first_reported_at == day("2026-02-09")  # an earlier report moves the first-report date


def test_reextraction_replaces_older_claims_and_is_idempotent(session):
    article, old = _report(session, "r1", "Wire Desk", None, "2026-02-10", value=70.1)
    _report(session, "r2", "Chip Weekly", None, "2026-02-12", value=70.1)
    ev = "Orca-3 Max posted 71.5 on TallyBench."
    new_ex = extraction(score("Orca-3 Max", "TallyBench", 71.5, ev))
    for _ in range(2):  # running the newer extractor twice changes nothing the second time
        result = store_extraction(session, article, new_ex, extractor_version="t2")
        session.commit()
    versions = set(session.exec(select(ClaimSource.extractor_version)
                                .where(ClaimSource.article_id == article.id)).all())
    assert versions == {"t2"}
    values = sorted(h.value for h in search.search_claims(session, benchmark="TallyBench"))
    assert values == [70.1, 71.5]
    kept = search.search_claims(session, benchmark="TallyBench", model="orca-3 max")
    by_value = {h.value: h for h in kept}
    assert by_value[70.1].corroboration == 1 and by_value[70.1].first_reported_at == day("2026-02-12")
    assert result.removed_claim_ids == [] and result.new_claim_ids == []
    # now the second article is re-extracted with nothing found: its claim disappears
    gone = store_extraction(session, session.get(type(article), article.id + 1), extraction(),
                            extractor_version="t2")
    session.commit()
    assert gone.removed_claim_ids == old.claim_ids
    assert [h.value for h in search.search_claims(session, benchmark="TallyBench")] == [71.5]


def _board_fixture(session):
    rows = [("b1", "2026-01-05", "Kestrel 2", 61.0), ("b2", "2026-01-20", "Heron 1.5", 58.5),
            ("b3", "2026-03-01", "Kestrel 2", 66.0), ("b4", "2026-03-03", "Osprey 4", 64.2)]
    for slug, when, model, value in rows:
        article = add_article(session, slug, outlet=f"Outlet {slug}", published=when)
        ev = f"{model} reached {value}% on GridLogic, according to the lab's report."
        store_extraction(session, article, extraction(score(model, "GridLogic", value, ev, unit="%")),
                         extractor_version="t1")
    session.commit()


def test_leaderboard_as_of_two_dates(session):
    _board_fixture(session)
    early = queries.leaderboard(session, "GridLogic", as_of=day("2026-02-01"))
    assert [(r.model, r.value) for r in early] == [("Kestrel 2", 61.0), ("Heron 1.5", 58.5)]
    late = queries.leaderboard(session, "gridlogic", as_of=day("2026-04-01"))
    assert [(r.rank, r.model, r.value) for r in late] == [(1, "Kestrel 2", 66.0), (2, "Osprey 4", 64.2),
                                                           (3, "Heron 1.5", 58.5)]
    assert late[0].first_reported_at == day("2026-03-01") and late[0].source_count == 1
    assert late[0].sources[0].outlet == "Outlet b3"
    with pytest.raises(NotFound):
        queries.leaderboard(session, "No Such Bench")
    history = queries.benchmark_history(session, "GridLogic")
    assert [h.first_reported_at for h in history] == sorted(h.first_reported_at for h in history)


def test_disagreement_lists_both_sources(session):
    _board_fixture(session)
    for slug, outlet, value in (("d1", "Bench Watch", 44.0), ("d2", "Model Ledger", 47.5)):
        article = add_article(session, slug, outlet=outlet, published="2026-03-10")
        ev = f"Osprey 4 scored {value} on CipherQA in the pass@1 setting."
        store_extraction(session, article, extraction(score("Osprey 4", "CipherQA", value, ev, qualifier="pass@1")),
                         extractor_version="t1")
    session.commit()
    found = queries.disagreements(session, benchmark="CipherQA")
    assert len(found) == 1
    d = found[0]
    assert (d.model, d.benchmark, d.qualifier, d.values) == ("Osprey 4", "CipherQA", "pass@1", (47.5, 44.0))
    assert {c.sources[0].outlet for c in d.claims} == {"Bench Watch", "Model Ledger"}
    # Kestrel 2 was reported at 61.0 and later 66.0 on GridLogic: also a disagreement
    assert [(x.model, x.values) for x in queries.disagreements(session, benchmark="GridLogic")] == [
        ("Kestrel 2", (66.0, 61.0))]
    assert len(queries.disagreements(session)) == 2
    assert queries.disagreements(session, model="Heron 1.5") == []


def test_timeline_marks_the_shift_from_open_to_closed(session):
    a1 = add_article(session, "t1", outlet="Open Source Digest", published="2025-04-05")
    store_extraction(session, a1, extraction(stances=(Stance("Lumen Labs", "Lumen 2", "open", license="Apache 2.0"),)),
                     extractor_version="t1")
    a2 = add_article(session, "t2", outlet="Frontier Report", published="2026-02-14")
    store_extraction(session, a2, extraction(
        models=(ModelMention("Lumen Prism", org="Lumen Labs"),),
        stances=(Stance("Lumen Labs", "Lumen", "open"),  # restated history in the same article
                 Stance("Lumen Labs", "Lumen Prism", "closed"),
                 Stance("Lumen Labs", None, "open", planned=True)),
        people=(PersonRole("Ines Halvorsen", "Lumen Labs", "chief scientist"),)), extractor_version="t1")
    session.commit()
    events = pages.timeline(session, "lumen labs")
    assert [(e.model, e.stance, e.is_shift) for e in events] == [
        ("Lumen 2", "open", False), ("Lumen", "open", False), ("Lumen Prism", "closed", True), (None, "open", False)]
    assert events[-1].planned and all(e.origin == "news" for e in events)
    assert events[2].article_title == "t2"
    page = pages.model_page(session, "lumen prism")
    assert page.org == "Lumen Labs" and [s.stance for s in page.stances] == ["closed"]
    assert page.people[0].person == "Ines Halvorsen"
    person = pages.person_page(session, "Ines Halvorsen")
    assert [(r.org, r.role) for r in person.roles] == [("Lumen Labs", "chief scientist")]
    with pytest.raises(NotFound):
        pages.timeline(session, "Nobody Corp")


def test_a_model_of_no_known_organization_shows_its_own_stance_history(session):
    a1 = add_article(session, "t3", outlet="Compute Daily", published="2026-05-02")
    store_extraction(session, a1, extraction(
        models=(ModelMention("Tarn-4"), ModelMention("Tarn-4 Lite")),
        stances=(Stance(None, "Tarn-4", "closed"), Stance(None, "Tarn-4 Lite", "open", license="Apache 2.0"))),
        extractor_version="t1")
    session.commit()
    page = pages.model_page(session, "Tarn-4")
    assert page.org is None and [(s.model, s.stance) for s in page.stances] == [("Tarn-4", "closed")]
    assert [s.stance for s in pages.model_page(session, "Tarn-4 Lite").stances] == ["open"]


def test_facets_combine_with_the_text_query(session):
    _board_fixture(session)
    assert {h.model for h in search.search_claims(session, "GridLogic", model="Kestrel 2")} == {"Kestrel 2"}
    assert search.search_claims(session, "GridLogic", model="Unknown Model 9") == []
    assert [h.value for h in search.search_claims(session, "lab", outlet="Outlet b4")] == [64.2]
    within = search.search_claims(session, "", since=day("2026-02-01"), until=day("2026-03-02"))
    assert [h.value for h in within] == [66.0]
    options = queries.facet_options(session)
    assert "Kestrel 2" in options["models"] and "GridLogic" in options["benchmarks"]
    assert session.exec(select(func.count()).select_from(ScoreClaim)).one() == 4
    assert session.exec(select(func.count()).select_from(StanceEvent)
                        .where(StanceEvent.origin == "news")).one() == 0
