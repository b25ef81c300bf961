"""Search as analysts use it (issue 14): prefixes, org names, current stance, sorting, counting."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kb.read import search
from kb.db import open_engine
from kb.errors import InputError
from kb.read.search import search_claim_ids
from tests._workbench_fixtures import fill_workbench_store


@pytest.fixture
def session(db_url):
    fill_workbench_store(db_url)
    with Session(open_engine(db_url)) as s:
        yield s


def models(hits):
    return sorted({h.model for h in hits})


def test_words_of_three_letters_or_more_match_as_prefixes(session):
    hits = search.search_claims(session, "Char")
    assert all("CharXiv" in h.evidence for h in hits)
    assert sorted(h.value for h in hits if h.benchmark == "CharXiv Reasoning") == [81.0, 81.0, 84.9, 86.4]
    assert models(search.search_claims(session, "Fjordl")) == ["Aurora-2 Pro", "Fjordline 3"]  # evidence names it
    assert search.search_claims(session, "Ch") == []  # two letters: a word as typed, no prefix
    assert [a.title for a in search.search_articles(session, "Hyperi")] == ["Meta to keep Hyperion closed"]
    assert search.search_claims(session, "Charx*") == []  # operators stay words


def test_an_org_name_or_alias_matches_its_models_claims(session):
    # no evidence sentence says "Meta", yet Llama 3.1 is Meta's model
    assert models(search.search_claims(session, "Meta")) == ["Llama 3.1"]
    assert models(search.search_claims(session, "Halcyon Research")) == ["Aurora-2 Pro", "Brightline 5"]
    # words and the org name together: both must hold
    assert models(search.search_claims(session, "Fjord sweep")) == []
    assert [h.value for h in search.search_claims(session, "Meta sweep")] == [51.0]


def test_stance_means_the_models_current_stance(session):
    opened = models(search.search_claims(session, "", stance="open"))
    closed = models(search.search_claims(session, "", stance="closed"))
    assert opened == ["Fjordline 3", "Llama 3.1"]  # Meta's latest is closed, but Llama 3.1 is open
    assert closed == ["Aurora-2 Pro", "Brightline 5"]
    assert not set(opened) & set(closed)
    assert models(search.search_claims(session, "GPQA", stance="open")) == ["Fjordline 3", "Llama 3.1"]


def test_sorting_and_the_ids_behind_a_count(session):
    by_value = search.claim_hits(session, search_claim_ids(session, "", sort="value", limit=3))
    assert [h.value for h in by_value] == [86.4, 84.9, 83.0]
    by_corroboration = search.claim_hits(session, search_claim_ids(session, "", sort="corroboration", limit=1))
    assert by_corroboration[0].corroboration == max(h.corroboration for h in search.search_claims(session, ""))
    assert len(search_claim_ids(session, "GPQA", limit=5000)) == 6
    with pytest.raises(InputError):
        search_claim_ids(session, "", sort="loudest")


def test_a_connection_reads_what_a_session_reads(session, db_url):
    """The CLI searches through a Core connection (no ORM to load), the UI through a session: same records."""
    asks = [("Char", {}), ("Meta", {}), ("", {"stance": "open"}), ("GPQA", {"org": "Halcyon Research"}),
            ("", {"benchmark": "GPQA Diamond", "outlet": "Model Ledger"})]
    with open_engine(db_url).connect() as conn:
        for query, facets in asks:
            through_session = search.search_claims(session, query, **facets)
            assert through_session, (query, facets)
            assert search.search_claims(conn, query, **facets) == through_session
        assert search.search_articles(conn, "Hyperi") == search.search_articles(session, "Hyperi")
        assert search.search_claims(conn, "Char", stance="closed") == search.search_claims(session, "Char",
                                                                                          stance="closed")


def test_resolve_id_agrees_with_resolve_and_follows_merges(session):
    """Search's Core lookup names the entity the ORM lookup does: by name, by alias, merged into another."""
    from kb.read.lookup import resolve, resolve_id
    from kb.store.entities import merge_entities

    conn = search.connection_of(session)
    for kind, name in (("model", "Fjordline 3"), ("model", "fjordline-3"), ("org", "Meta"), ("org", "Fjord AI"),
                       ("benchmark", "GPQA Diamond"), ("model", "Fjordline 9"), ("org", "")):
        entity = resolve(session, kind, name)
        assert resolve_id(conn, kind, name) == (entity.id if entity else None), (kind, name)
    assert resolve_id(conn, "model", "Fjordline 9") is None
    merge_entities(session, "Brightline 5", "Aurora-2 Pro", "model")
    survivor = resolve(session, "model", "Aurora-2 Pro")
    assert resolve_id(search.connection_of(session), "model", "Brightline 5") == survivor.id
    assert models(search.search_claims(session, "", model="Brightline 5")) == ["Aurora-2 Pro"]


def test_a_sessions_pending_changes_are_searched_as_its_own_queries_would(session):
    """A session that autoflushes has its unflushed changes searched (as the ORM queries search made before
    it read through Core did); inside no_autoflush they stay unseen."""
    from kb.models import Alias, Entity
    from kb.text.keys import name_key

    halcyon = session.exec(select(Entity).where(Entity.kind == "org", Entity.name == "Halcyon Research")).one()
    session.add(Alias(entity_id=halcyon.id, kind="org", alias="Halcyon Group", key=name_key("Halcyon Group", "org")))
    by_name = search.search_claims(session, "", org="Halcyon Research")
    assert by_name and search.search_claims(session, "", org="Halcyon Group") == by_name
    with session.no_autoflush:
        session.add(Alias(entity_id=halcyon.id, kind="org", alias="Halcyon Works",
                          key=name_key("Halcyon Works", "org")))
        assert search.search_claims(session, "", org="Halcyon Works") == []
