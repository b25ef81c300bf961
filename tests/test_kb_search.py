"""Search input is data, never syntax: hostile strings neither error nor change what a query means."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import Session, func, select

from kb.read import search
from kb.store.claims import store_extraction
from kb.errors import InputError
from kb.models import ScoreClaim
from kb.read.search import fts5_expression, query_terms
from kb_helpers import add_article, day, extraction, score

HOSTILE = [
    '"', '""', "'", "''", '"unclosed', "a OR b", "NOT x", "x AND", "NEAR(a b)", "title:Falcon", "*", "^start",
    "foo*", "(", ")", "()", "-", "--", "; DROP TABLE scoreclaim; --", "' OR 1=1 --", "1; SELECT pg_sleep(5)",
    "\\", "%", "_", "a:b:c", "{a b}", "<script>alert(1)</script>", "\x00", "nul\x00byte", "emoji \U0001F680",
    "tab\tnew\nline", "&|!", "!!!", "a & b | !c", "<->", "x <2> y", "é", "  ", "", "Falcon-9.1", "9.1%",
    "x" * 10_000, ("word " * 2_500),
]


@pytest.fixture
def session(engine):
    with Session(engine) as s:
        article = add_article(s, "s1", outlet="Signal Wire", published="2026-05-04",
                              title="Falcon-9.1 tops ParseBench", text="Falcon-9.1 tops ParseBench with 90.2.")
        ev = "Falcon-9.1 scored 90.2 on ParseBench (OR so its makers say), ahead of Wren 3."
        store_extraction(s, article, extraction(score("Falcon-9.1", "ParseBench", 90.2, ev)), extractor_version="t1")
        s.commit()
        yield s


def test_hostile_strings_never_error(session):
    for text in HOSTILE:
        assert isinstance(search.search_claims(session, text), list), text
        assert isinstance(search.search_articles(session, text, outlet=text), list), text
        everything = search.search_claims(session, text, model=text, org=text, benchmark=text, outlet=text)
        blank = not "".join(ch for ch in text if ch.isprintable()).strip()
        assert everything == [] or blank, text  # a blank filter is no filter


def test_operators_are_plain_words(session):
    # "OR" is a word of the evidence here, not an operator: all words must be present
    assert [h.value for h in search.search_claims(session, "ParseBench OR")] == [90.2]
    assert search.search_claims(session, "ParseBench OR nothinglikethis") == []
    assert [h.value for h in search.search_claims(session, "ParseBench -Falcon")] == [90.2]  # no exclusion
    assert search.search_claims(session, "Falcon NEAR(ParseBench)") == []  # "near" is a word to find
    assert [h.model for h in search.search_claims(session, 'falcon-9.1 "parsebench')] == ["Falcon-9.1"]
    assert [h.model for h in search.search_claims(session, "Falcon 9.1")] == ["Falcon-9.1"]
    assert [a.title for a in search.search_articles(session, "tops")] == ["Falcon-9.1 tops ParseBench"]
    assert search.search_claims(session, "; DROP TABLE scoreclaim; --") == []
    assert session.exec(select(func.count()).select_from(ScoreClaim)).one() == 1


def test_query_terms_quote_every_word():
    assert fts5_expression(query_terms('a "b" OR c*')) == '"a" "b" "OR" "c*"'
    assert query_terms("!!! ?? --") == []
    assert len(query_terms("w " * 5000)) == 16


def test_bad_ranges_and_stances_are_caller_errors(session):
    with pytest.raises(InputError):
        search.search_claims(session, "x", since=day("2026-05-01"), until=day("2026-01-01"))
    with pytest.raises(InputError):
        search.search_claims(session, "x", stance="half-open")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_text_is_safe(session, text):
    hits = search.search_claims(session, text, limit=5)
    assert all(h.model == "Falcon-9.1" for h in hits)
    search.search_articles(session, text, limit=5)
