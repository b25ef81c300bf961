"""Who reported a prose claim (issue 12 item 7): the vendor when a lab writes about its own model, an
independent evaluator when the sentence says it measured the number, never a figure credit; hedged only
when the sentence hedges. The scorer does not measure this, so these tests do."""
from __future__ import annotations

import pytest

from ingest.boilerplate import attribution_outlet
from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def one(nlp, text: str, outlet=None, title="Notes"):
    ex = extract(nlp, CleanDocument(title=title, text=text, outlet=outlet))
    return {(s.model, s.value): (s.reported_by, s.reporter_kind, s.hedged) for s in ex.scores}


def test_a_lab_writing_about_its_own_model_is_the_vendor(nlp):
    got = one(nlp, "Gemini 3.5 Pro reaches 81.0% on GPQA Diamond in our evaluations.", outlet="Google")
    assert got[("Gemini 3.5 Pro", 81.0)] == ("Google", "vendor", False)


def test_an_evaluator_is_the_reporter_when_the_sentence_says_it_measured(nlp):
    got = one(nlp, "According to Artificial Analysis, Gemini 3.5 Pro scores 71.5 on GPQA Diamond.",
              outlet="Circuit Weekly")
    assert got[("Gemini 3.5 Pro", 71.5)] == ("Artificial Analysis", "evaluator", False)
    got = one(nlp, "Independent testers at Epoch AI put Gemini 3.5 Pro at 44.0% on FrontierMath.",
              outlet="Circuit Weekly")
    assert got[("Gemini 3.5 Pro", 44.0)][:2] == ("Epoch AI", "evaluator")


def test_an_evaluator_merely_named_is_not_the_reporter(nlp):
    got = one(nlp, "Unlike the LMArena crowd, Gemini 3.5 Pro scores 71.5 on GPQA Diamond.", outlet="Circuit Weekly")
    assert got[("Gemini 3.5 Pro", 71.5)][:2] == ("Circuit Weekly", "outlet")


def test_the_makers_word_relayed_by_an_outlet_is_hedged_vendor_reporting(nlp):
    got = one(nlp, "Google says Gemini 3.5 Pro scores 71.5 on GPQA Diamond.", outlet="Circuit Weekly")
    assert got[("Gemini 3.5 Pro", 71.5)] == ("Google", "vendor", True)


def test_hedging_is_a_property_of_the_sentence_not_the_document(nlp):
    text = ("Gemini 3.5 Pro reportedly scores 71.5 on GPQA Diamond. "
            "Gemini 3.5 Pro also scores 62.0 on MMLU-Pro.")
    got = one(nlp, text, outlet="Circuit Weekly")
    assert got[("Gemini 3.5 Pro", 71.5)][2] is True
    assert got[("Gemini 3.5 Pro", 62.0)][2] is False
    text = "If these numbers hold, it is a big step. Gemini 3.5 Pro scores 62.0 on MMLU-Pro."
    assert one(nlp, text, outlet="Circuit Weekly")[("Gemini 3.5 Pro", 62.0)][2] is False


def test_a_figure_credit_never_names_the_reporter(nlp):
    got = one(nlp, "Chart: Artificial Analysis. Gemini 3.5 Pro leads with 71.5 on GPQA Diamond.",
              outlet="Circuit Weekly")
    assert got[("Gemini 3.5 Pro", 71.5)][:2] == ("Circuit Weekly", "outlet")


@pytest.mark.parametrize("line", ["Credit: Jane Roe", "Image credit: Acme Photo Desk", "Credits: Lumen Studio"])
def test_a_credit_line_is_not_the_original_outlet(line):
    assert attribution_outlet(line) is None


def test_a_source_line_still_names_the_original_outlet():
    assert attribution_outlet("Source: Circuit Weekly") == "Circuit Weekly"


def _orgs(nlp, text, outlet=None):
    ex = extract(nlp, CleanDocument(title="Notes", text=text, outlet=outlet))
    return {m.name: m.org for m in ex.models}


def test_a_model_gets_its_maker_from_an_owner_apposition(nlp):
    got = _orgs(nlp, "Tessellate Labs has been busy. Quartz-7, Tessellate Labs's new open model, scores 61.0% on "
                     "GPQA Diamond.")
    assert got.get("Quartz-7") == "Tessellate Labs"


def test_an_owner_apposition_needs_an_organisation_and_a_model_noun(nlp):
    got = _orgs(nlp, "Quartz-7, Monday's biggest surprise, scores 61.0% on GPQA Diamond.")
    assert got.get("Quartz-7") is None


def test_a_labs_own_post_gives_its_new_model_the_lab_as_maker(nlp):
    text = "Today we release Quartz-7, our fastest model. Quartz-7 scores 61.0% on GPQA Diamond."
    assert _orgs(nlp, text, outlet="Cohere").get("Quartz-7") == "Cohere"
    assert _orgs(nlp, text, outlet="Circuit Weekly").get("Quartz-7") is None


def test_the_makers_name_without_its_company_word_still_names_the_vendor(nlp):
    lead = "Brightwater AI on Thursday launched Tern 2, the successor to its first model. "
    got = one(nlp, lead + "Brightwater said Tern 2 scores 64.0% on GPQA Diamond.", outlet="Some Wire")
    assert got[("Tern 2", 64.0)] == ("Brightwater AI", "vendor", True)
    # a sentence that does not attribute the number to the maker stays the outlet's
    got = one(nlp, lead + "Tern 2 scores 64.0% on GPQA Diamond, Bright testers found.", outlet="Some Wire")
    assert got[("Tern 2", 64.0)] == ("Some Wire", "outlet", False)


def _table_reporters(nlp, html: str, text: str) -> set:
    ex = extract(nlp, CleanDocument(title="Tern 2 launch", text=text, outlet="Some Wire", tables=[html]))
    return {(s.reported_by, s.reporter_kind) for s in ex.scores if s.in_table}


def test_a_caption_names_the_reporter_without_the_line_around_the_table(nlp):
    html = ("<table><caption>Benchmark results reported by Brightwater AI</caption>"
            "<tr><th>Model</th><th>GPQA Diamond</th><th>AIME 2025</th></tr>"
            "<tr><td>Tern 2</td><td>64.0</td><td>71.2</td></tr><tr><td>Tern 1</td><td>55.1</td><td>60.3</td></tr></table>")
    text = "Brightwater AI on Thursday launched Tern 2, the successor to its first model."
    assert _table_reporters(nlp, html, text) == {("Brightwater AI", "vendor")}
    # a caption that names nobody leaves the reporter to the document
    assert _table_reporters(nlp, html.replace(" reported by Brightwater AI", ""), text) == {("Brightwater AI", "vendor")}


@pytest.mark.parametrize("context, reporter", [
    ("Benchmark results reported by Brightwater AI By Ada Ruiz", "Brightwater AI"),  # caption run into a byline
    ("Scores measured by Epoch AI from three runs", "Epoch AI"),
    ("Results reported by Artificial Analysis", "Artificial Analysis"),
    ("By Ada Ruiz", None),
])
def test_a_caption_reporter_ends_at_a_preposition_of_any_case(context, reporter):
    from kb.nlp.table_place import caption_reporter
    assert caption_reporter(context) == reporter
