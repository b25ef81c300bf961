"""One text normalisation at the entry of extraction (kb/nlp/normalise.py): rules read plain spellings,
records keep offsets and evidence in the original text."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract, extract_many
from kb.nlp.normalise import normalise
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_one_for_one_characters_keep_the_offsets():
    text = "Orrery\u20112 scored 64\u00a0% on \u201cHardQA\u201d \u2013 its maker\u2019s best"
    n = normalise(text)
    assert n.text == "Orrery-2 scored 64 % on \"HardQA\" - its maker's best"
    assert len(n.text) == len(text) and n.starts is None
    assert n.span(0, 8) == (0, 8)


def test_dropped_and_decoded_characters_map_back_to_the_original():
    text = "Tern\u200b-4&#8217;s score &amp; more&lt;b&gt;"
    n = normalise(text)
    assert n.text == "Tern-4's score & more&lt;b&gt;"  # markup escapes stay escaped
    start = n.text.index("score")
    a, b = n.span(start, start + len("score"))
    assert text[a:b] == "score"
    a, b = n.span(0, n.text.index("'s") + 2)
    assert text[a:b] == "Tern\u200b-4&#8217;s"
    for i in range(len(n.text) + 1):
        for j in range(i, len(n.text) + 1):
            a, b = n.span(i, j)
            assert 0 <= a <= b <= len(text)


def test_glued_em_dash_becomes_a_spaced_dash_not_a_hyphenated_word():
    n = normalise("the results\u2014Tern 4 led")
    assert n.text == "the results - Tern 4 led"
    assert normalise("plain ascii - unchanged").starts is None


def test_text_without_special_characters_is_returned_as_is():
    n = normalise("Nothing to change here.")
    assert n.text == n.original and n.starts is None


def test_claims_from_unicode_text_use_plain_names_and_original_offsets(nlp):
    text = ("Heliograph released Tern\u20114 on Monday.\n\n"
            "Tern\u20114 scores 81.2% on GPQA Diamond, ahead of GPT\u20115.4&#8217;s 79.0%\u200b.")
    doc = CleanDocument(title="Tern\u20114 arrives", text=text)
    for ex in (extract(nlp, doc), next(extract_many(nlp, [doc]))):
        got = {(s.model, s.benchmark, s.value) for s in ex.scores}
        assert ("Tern-4", "GPQA Diamond", 81.2) in got and ("GPT-5.4", "GPQA Diamond", 79.0) in got
        for s in ex.scores:
            assert s.evidence == text[s.start:s.end] and "Tern\u20114 scores" in s.evidence
        assert "Tern-4" in {m.name for m in ex.models}
        assert ex.title == "Tern\u20114 arrives"


def test_a_curly_possessive_after_an_entity_is_read_like_a_straight_one(nlp):
    curly = extract(nlp, CleanDocument(title="Notes", text="On GPQA Diamond, Tern 4 leads at 81.2 against "
                                                          "GPT-5.4&#8217;s 79.0."))
    assert ("GPT-5.4", 79.0) in {(s.model, s.value) for s in curly.scores}
    assert ("Tern 4", 79.0) not in {(s.model, s.value) for s in curly.scores}
