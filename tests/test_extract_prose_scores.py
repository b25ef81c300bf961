"""Prose score shapes of news and newsletters: values shared by a coordinated group ("57 for both A and B"),
an earlier value after "down from" with its own model, a benchmark set off at the opening of a sentence, a
benchmark's written version, rivals named after the number, and names that are no model (a size word alone,
a benchmark's version). Every shape has a negative case."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def claims(nlp, text: str) -> set:
    return {(s.model, s.benchmark, s.value) for s in extract(nlp, CleanDocument(title="Notes", text=text)).scores}


@pytest.mark.parametrize("text, expected", [
    ("On GPQA Diamond, Marlin 2 scores 56, against 57 for both GPT-5.4 and Claude Opus 4.6.",
     {("Marlin 2", "GPQA Diamond", 56.0), ("GPT-5.4", "GPQA Diamond", 57.0), ("Claude Opus 4.6", "GPQA Diamond", 57.0)}),
    # negative: each value with its own "for M" is that model's alone
    ("On GPQA Diamond, Marlin 2 scores 56, against 57 for GPT-5.4 and 52 for Claude Opus 4.6.",
     {("Marlin 2", "GPQA Diamond", 56.0), ("GPT-5.4", "GPQA Diamond", 57.0), ("Claude Opus 4.6", "GPQA Diamond", 52.0)}),
])
def test_a_value_for_both_models_goes_to_each(nlp, text, expected):
    assert claims(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("On GPQA Diamond, Marlin 2 reaches 84.5%, down from 85.2% for GPT-5.4.",
     {("Marlin 2", "GPQA Diamond", 84.5), ("GPT-5.4", "GPQA Diamond", 85.2)}),
    # negative: an earlier value that names no model is no one's
    ("Marlin 2 reaches 84.5% on GPQA Diamond, down from 85.2%.", {("Marlin 2", "GPQA Diamond", 84.5)}),
])
def test_a_value_after_down_from_is_its_named_models(nlp, text, expected):
    assert claims(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Marlin 2 is the lab's new model. Quarry.pdf, an expert document eval, goes from 22.0% to 34.0%.",
     {("Marlin 2", "Quarry.pdf", 34.0)}),
    # negative: a name set off as a model stays a model
    ("Kestrel, a new reasoning model, scores 71% on GPQA Diamond.", {("Kestrel", "GPQA Diamond", 71.0)}),
])
def test_a_name_set_off_as_an_eval_at_the_opening_is_a_benchmark(nlp, text, expected):
    assert claims(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Marlin 2 is the lab's new model. On GPQA Diamond, they report a score of 44.9%, beating both GPT-5.4 "
     "and Claude Opus 4.6.", {("Marlin 2", "GPQA Diamond", 44.9)}),
    # negative: a model named before the number owns it, not the model of the sentence before
    ("GPT-5.4 is the lab's new model. Marlin 2 posts 44.9% on GPQA Diamond, beating Claude Opus 4.6.",
     {("Marlin 2", "GPQA Diamond", 44.9)}),
    # negative: a win rate against a rival is a preference share, not a score
    ("Marlin 2 is the lab's new model. It reaches a 70% win rate on GPQA Diamond against GPT-5.4.", set()),
])
def test_rivals_named_after_the_number_leave_it_to_the_current_model(nlp, text, expected):
    assert claims(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("GPT-5.4 leads on OSWorld-2.0 (50.2%) and GPQA Diamond (70.1%).",
     {("GPT-5.4", "OSWorld-2.0", 50.2), ("GPT-5.4", "GPQA Diamond", 70.1)}),
    # negative: a versioned name whose stem is no benchmark is a model
    ("Kestrel-2.0 scores 50.2% on GPQA Diamond.", {("Kestrel-2.0", "GPQA Diamond", 50.2)}),
])
def test_a_versioned_benchmark_is_not_a_model(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_a_size_word_alone_is_not_a_model(nlp):
    text = "Acme released two versions, an open Small and an API-only Medium model. The open Small gets 53% on GPQA Diamond."
    assert not any(m.name in ("Small", "Medium") for m in extract(nlp, CleanDocument(title="Notes", text=text)).models)
    # negative: a size word inside a model's name stays
    assert claims(nlp, "Kestrel Small 2 gets 53% on GPQA Diamond.") == {("Kestrel Small 2", "GPQA Diamond", 53.0)}


def test_a_benchmark_keeps_its_written_version(nlp):
    assert claims(nlp, "Marlin 2 reaches 69% on LiveCodeBench v6.") == {("Marlin 2", "LiveCodeBench v6", 69.0)}
    assert claims(nlp, "Marlin 2 reaches 69% on LiveCodeBench.") == {("Marlin 2", "LiveCodeBench", 69.0)}


def test_no_sentence_ends_inside_a_versioned_name(nlp):
    doc = nlp("The lab compared its models.\n\nKestrel-5.6 Terra is ahead on GPQA Diamond (69.6%).")
    assert any(s.text.startswith("Kestrel-5.6 Terra is ahead") for s in doc.sents)
    # negative: a stop after the version still ends the sentence
    doc = nlp("The lab shipped Kestrel-5.6. Terra Labs shipped nothing.")
    assert any(s.text.startswith("Terra Labs") for s in doc.sents)


@pytest.mark.parametrize("text, expected", [
    ("On GPQA Diamond, the lab reports a large gain for Marlin 2. GPT-5.4 scores 29.5% at 120,000 tokens. "
     "Claude Opus 4.6 still leads at 39.5%.",
     {("GPT-5.4", "GPQA Diamond", 29.5), ("Claude Opus 4.6", "GPQA Diamond", 39.5)}),
    # negative: the benchmark is the sentence before's only, not one named further back
    ("Marlin 2 scores 71% on GPQA Diamond. The lab is based in Paris. GPT-5.4 scores 80%.",
     {("Marlin 2", "GPQA Diamond", 71.0)}),
    # negative: a sentence that names its own target ("on math") carries no benchmark to its other numbers
    ("Marlin 2 scores 71% on GPQA Diamond. GPT-5.4 scores 80% on math and Claude Opus 4.6 scores 90%.",
     {("Marlin 2", "GPQA Diamond", 71.0)}),
])
def test_a_scored_number_without_a_benchmark_is_on_the_sentence_befores(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_a_bare_version_is_the_one_model_whose_name_it_ends(nlp):
    got = claims(nlp, "DeepSeek released DeepSeek-V3.9 and DeepSeek-V3.9-Max this week. The regular V3.9 (not Max) "
                      "scores 73.1% on GPQA Diamond.")
    assert got == {("DeepSeek-V3.9", "GPQA Diamond", 73.1)}
    # negative: a version that ends two models' names is neither's
    got = claims(nlp, "DeepSeek released DeepSeek-V3.9 and Kestrel-V3.9 this week. The regular V3.9 scores 73.1% "
                      "on GPQA Diamond.")
    assert not any(model in ("DeepSeek-V3.9", "Kestrel-V3.9") for model, _, _ in got)


def test_a_variant_word_closing_a_benchmark_name_is_part_of_it(nlp):
    assert claims(nlp, "Marlin 2 reaches 93% on τ²-Bench Telecom, its best result.") == {
        ("Marlin 2", "τ²-Bench Telecom", 93.0)}
    # negative: a name that goes on is the next phrase's, not the benchmark's
    assert claims(nlp, "On τ²-Bench Marlin 2 scores 71%.") == {("Marlin 2", "τ²-bench", 71.0)}
