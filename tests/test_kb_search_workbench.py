"""Search as analysts use it (issue 14): prefixes, org names, current stance, sorting, counting."""
from __future__ import annotations

import pytest
from sqlmodel import Session

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
