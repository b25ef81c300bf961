"""What counts as a stance shift: family changes and breaks with the prevailing stance, not churn."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from kb.read import pages
from kb.store.claims import store_extraction
from kb.nlp.records import ModelMention, StanceEvent as Stance
from kb.read.shifts import family_key, prevailing_stance, shift_flags, StanceStep
from kb_helpers import add_article, extraction


def day(n: int) -> datetime:
    return datetime(2025, 1, n, tzinfo=timezone.utc)


def step(stance, family, n, origin="reference", planned=False):
    return StanceStep(stance=stance, planned=planned, origin=origin, family=family, when=day(n))


@pytest.mark.parametrize("name,key", [
    ("Llama 3.1 405B", "llama"), ("Llama 2", "llama"), ("Qwen2.5-Max", "qwen max"), ("Qwen3-Max", "qwen max"),
    ("Qwen2.5-VL-72B", "qwen vl"), ("gpt-oss-120b", "gpt oss"), ("GPT-4", "gpt"), ("o1", "o1"),
    ("Mistral Small 3.1 24B Instruct", "mistral small"), (None, ""),
])
def test_family_key_drops_versions_and_sizes(name, key):
    assert family_key(name) == key


def test_an_org_with_open_and_closed_lines_side_by_side_is_not_shifting():
    # open small models and a closed flagship line, alternating for a year: no shift at all
    steps = [step("open" if n % 2 else "closed", "gemma" if n % 2 else "gemini", n) for n in range(1, 13)]
    assert shift_flags(steps) == [False] * 12


def test_a_family_that_changes_stance_is_a_shift_once():
    steps = [step("open", "gpt", 1), step("closed", "gpt", 2), step("closed", "gpt", 3)]
    assert shift_flags(steps) == [False, True, False]


def test_news_breaking_with_the_prevailing_stance_is_a_shift_and_a_restatement_is_not():
    steps = [step("open", "llama", 1), step("open", "llama", 2), step("closed", "muse", 3, origin="news"),
             step("open", "llama", 3, origin="news"), step("closed", "muse", 9, origin="news")]
    assert shift_flags(steps) == [False, False, True, False, False]


def test_planned_events_neither_count_nor_change_the_stance():
    steps = [step("open", "aster", 1), step("closed", "aster", 2, origin="news", planned=True),
             step("open", "aster", 3, origin="news")]
    assert shift_flags(steps) == [False, False, False]


def test_events_of_one_instant_do_not_shift_each_other():
    steps = [step("closed", "atlas", 5, origin="news"), step("open", "atlas", 5, origin="news")]
    assert shift_flags(steps) == [False, False]


def test_prevailing_stance_is_the_majority_and_the_latest_on_a_tie():
    assert prevailing_stance([step("open", "a", 1), step("open", "a", 2), step("closed", "b", 3)]) == "open"
    assert prevailing_stance([step("open", "a", 1), step("closed", "b", 3)]) == "closed"
    assert prevailing_stance([]) is None


def test_timeline_counts_shifts_by_the_new_rule_and_keeps_unknown_orgs_apart(engine):
    with Session(engine) as session:
        a1 = add_article(session, "s1", outlet="Open Source Digest", published="2025-03-01")
        store_extraction(session, a1, extraction(stances=(
            Stance("Corvid Labs", "Corvid Mini 2", "open"), Stance("Corvid Labs", "Corvid Max 2", "closed"))),
            extractor_version="t1")
        a2 = add_article(session, "s2", outlet="Open Source Digest", published="2025-09-01")
        store_extraction(session, a2, extraction(stances=(
            Stance("Corvid Labs", "Corvid Mini 3", "open"), Stance("Corvid Labs", "Corvid Max 3", "closed"))),
            extractor_version="t1")
        a3 = add_article(session, "s3", outlet="Frontier Report", published="2026-01-10")
        store_extraction(session, a3, extraction(
            models=(ModelMention("Corvid Max 4"), ModelMention("Kite 2"), ModelMention("Atlas 1")),
            stances=(Stance("Corvid Labs", "Corvid Max 4", "open"),  # the closed line opens: a shift
                     Stance(None, "Kite 2", "closed"), Stance(None, "Atlas 1", "open"))),
            extractor_version="t1")
        a4 = add_article(session, "s4", outlet="Frontier Report", published="2026-02-10")
        store_extraction(session, a4, extraction(models=(ModelMention("Atlas 2"),),
                                                 stances=(Stance(None, "Atlas 2", "closed"),)),
                         extractor_version="t1")
        session.commit()
        events = pages.timeline(session)
    shifts = [(e.org, e.model) for e in events if e.is_shift and e.org in ("Corvid Labs", None)]
    # Corvid's Mini and Max lines alternate without shifting; Max opening is one shift. Unknown-org models
    # are not one org: Kite 2 after Atlas 1 is no shift, Atlas 2 closing after Atlas 1 is its line's shift.
    assert shifts == [("Corvid Labs", "Corvid Max 4"), (None, "Atlas 2")]
