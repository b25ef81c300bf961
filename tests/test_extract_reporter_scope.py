"""Who reported each value (issue 12 item 7, kb/nlp/report_scope.py): a sentence with an evaluator's value
and the maker's own gives each value its own reporter; an evaluator the gazetteer does not know is
recognised by the shape the text presents it in. Our own sentences; the outfits named here are invented."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp

OUTLET = "Circuit Weekly"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def got(nlp, text: str, outlet=OUTLET):
    ex = extract(nlp, CleanDocument(title="Notes", text=text, outlet=outlet))
    return {s.value: (s.reported_by, s.reporter_kind, s.hedged) for s in ex.scores}


def test_an_evaluators_value_and_the_makers_value_in_one_sentence(nlp):
    g = got(nlp, "Gemini 3.5 Pro scored 71.2 on GPQA Diamond in Artificial Analysis's run, "
                 "below the 74.0 its maker reported.")
    assert g[71.2] == ("Artificial Analysis", "evaluator", False)
    assert g[74.0] == ("Google", "vendor", True)


def test_the_two_reporters_parted_by_while(nlp):
    g = got(nlp, "Artificial Analysis measured Gemini 3.5 Pro at 69.5 on GPQA Diamond while Google says 72.5.")
    assert g[69.5][:2] == ("Artificial Analysis", "evaluator")
    assert g[72.5][:2] == ("Google", "vendor")


def test_a_number_free_opening_clause_governs_the_unattributed_value(nlp):
    g = got(nlp, "According to Artificial Analysis, Gemini 3.5 Pro scored 70.3 on GPQA Diamond, "
                 "below the 73.1 its maker reported.")
    assert g[70.3][:2] == ("Artificial Analysis", "evaluator")
    assert g[73.1][:2] == ("Google", "vendor")


def test_one_reporter_still_covers_every_value_of_the_sentence(nlp):
    g = got(nlp, "According to Artificial Analysis, Gemini 3.5 Pro scores 71.5 on GPQA Diamond, "
                 "and 60.2 on MMLU-Pro.")
    assert g[71.5][:2] == g[60.2][:2] == ("Artificial Analysis", "evaluator")


def test_two_values_without_a_named_reporter_stay_the_outlets(nlp):
    g = got(nlp, "Gemini 3.5 Pro scored 71.2 on GPQA Diamond, below the 74.0 of the previous release.")
    assert g[71.2][:2] == (OUTLET, "outlet")


def test_an_unknown_outfit_presented_as_an_independent_evaluator(nlp):
    g = got(nlp, "Quillstone Collective, an independent evaluation group, puts Gemini 3.5 Pro at 68.4 "
                 "on GPQA Diamond.")
    assert g[68.4] == ("Quillstone Collective", "evaluator", False)
    g = got(nlp, "According to independent testers at Brightmark Labs, Gemini 3.5 Pro scores 66.0% on GPQA Diamond.")
    assert g[66.0][:2] == ("Brightmark Labs", "evaluator")
    g = got(nlp, "Gemini 3.5 Pro sits at 67.7 on GPQA Diamond on the Quillstone Collective's leaderboard.")
    assert g[67.7][:2] == ("Quillstone Collective", "evaluator")


def test_an_outfit_presented_once_is_the_evaluator_of_the_rest_of_the_document(nlp):
    text = ("Quillstone Collective, a non-profit testing group, re-ran several models this month. "
            "Quillstone Collective found that Gemini 3.5 Pro scores 68.4 on GPQA Diamond. "
            "The independent result on MMLU-Pro was 70.9 for Gemini 3.5 Pro.")
    g = got(nlp, text)
    assert g[68.4][:2] == ("Quillstone Collective", "evaluator")
    assert g[70.9][:2] == ("Quillstone Collective", "evaluator")


def test_hedged_only_when_the_sentence_hedges(nlp):
    g = got(nlp, "Quillstone Collective, an independent evaluation group, reportedly puts Gemini 3.5 Pro "
                 "at 68.4 on GPQA Diamond.")
    assert g[68.4] == ("Quillstone Collective", "evaluator", True)


@pytest.mark.parametrize("text", [
    # a known lab's leaderboard is not an independent evaluator's
    "Gemini 3.5 Pro sits at 67.7 on GPQA Diamond on Google's leaderboard.",
    # the outlet's own leaderboard is the outlet's
    "Gemini 3.5 Pro sits at 67.7 on GPQA Diamond on Circuit Weekly's leaderboard.",
    # an outfit's own tests are not an independent evaluation
    "Quillstone Collective's tests put Gemini 3.5 Pro at 67.7 on GPQA Diamond.",
    # 'the independent result' with no evaluator in the document points nowhere
    "The independent result on GPQA Diamond was 67.7 for Gemini 3.5 Pro.",
])
def test_not_an_independent_evaluator(nlp, text):
    assert got(nlp, text)[67.7][1] != "evaluator"


def test_the_maker_named_by_a_possessive_takes_its_own_value(nlp):
    # the maker is known only from "Orbit AI's Comet 3"; "that Orbit reported" is its word, relayed
    g = got(nlp, "An independent evaluation by the non-profit Quillstone Collective found that Orbit AI's Comet 3 "
                 "scores 58.0% on GPQA Diamond, well below the 63.5% that Orbit reported at launch.")
    assert g[58.0] == ("Quillstone Collective", "evaluator", False)
    assert g[63.5][:2] == ("Orbit AI", "vendor")


def test_a_possessive_of_an_unrelated_organisation_names_no_maker(nlp):
    g = got(nlp, "Gemini 3.5 Pro scores 58.0% on GPQA Diamond, Orbit AI's analysts wrote in a note.")
    assert g[58.0][:2] == (OUTLET, "outlet")
