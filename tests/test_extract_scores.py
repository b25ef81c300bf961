"""Prose score shapes added with the launch-post work: paired values in a comparison's parentheses."""
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


def test_paired_values_in_parentheses_follow_the_benchmarks_named_before(nlp):
    got = claims(nlp, "Kite 5 scores 71.0% on GPQA Diamond and 55.2% on SWE-bench Verified, ahead of GPT-5.4 "
                      "(68.3% and 52.0%) and Claude Opus 4.6 (66.1% and 54.9%).")
    assert got == {("Kite 5", "GPQA Diamond", 71.0), ("Kite 5", "SWE-bench Verified", 55.2),
                   ("GPT-5.4", "GPQA Diamond", 68.3), ("GPT-5.4", "SWE-bench Verified", 52.0),
                   ("Claude Opus 4.6", "GPQA Diamond", 66.1), ("Claude Opus 4.6", "SWE-bench Verified", 54.9)}


def test_a_single_value_with_a_setting_keeps_the_setting(nlp):
    ex = extract(nlp, CleanDocument(title="Notes", text="On GPQA Diamond, Kite 5 posts 71.0, ahead of GPT-5.4 "
                                                        "(68.3, high effort)."))
    got = {(s.model, s.value, s.qualifier) for s in ex.scores}
    assert ("GPT-5.4", 68.3, "high effort") in got and ("Kite 5", 71.0, None) in got


def test_text_table_heading_names_the_reporter(nlp):
    text = ("Kite 5 arrived this week.\n\nResults reported by Artificial Analysis\n"
            "Benchmark | Kite 5 | GPT-5.4\nGPQA Diamond | 70.2 | 87.9\nAIME 2025 | 81.0 | 94.1\n\n"
            "The numbers were run twice.")
    ex = extract(nlp, CleanDocument(title="Kite 5", text=text, outlet="Some Newsletter"))
    table = [s for s in ex.scores if s.in_table]
    assert len(table) == 4 and {s.reported_by for s in table} == {"Artificial Analysis"}
    assert {s.reporter_kind for s in table} == {"evaluator"}
    assert all(text[s.start:s.end] == s.evidence and " | " in s.evidence for s in table)


def test_products_families_and_acronyms_are_not_organisations(nlp):
    text = ("Brightline AI released Kite 5 for the Gemini API crowd. Developers can try Kite 5 in Brightline Studio "
            "and on the Brightline Studio app, while Gemini and Nemotron users compared notes at CES. Brightline AI "
            "says Kite 5 runs on Graviton chips too.")
    orgs = {o.name for o in extract(nlp, CleanDocument(title="Notes", text=text)).orgs}
    assert "Brightline AI" in orgs
    assert not orgs & {"Gemini", "Nemotron", "CES", "Brightline Studio", "the Gemini API", "Graviton"}


def test_a_value_for_an_unnamed_sibling_is_not_given_to_the_named_model(nlp):
    got = claims(nlp, "On LiveCodeBench, the lab reported 74.5 for Pellucid 3 and 58.9 for its smaller variant.")
    assert got == {("Pellucid 3", "LiveCodeBench", 74.5)}


def test_licence_named_after_a_university_is_not_the_organisation(nlp):
    ex = extract(nlp, CleanDocument(title="Notes", text=(
        "Brightwater Labs released Tern-4 8B on Friday. The weights are published under the MIT license "
        "on Hugging Face.")))
    assert [(s.model, s.stance, s.license) for s in ex.stances] == [("Tern-4 8B", "open", "MIT")]
    assert all(s.org != "MIT" for s in ex.stances)
    assert "Brightwater Labs" not in {m.name for m in ex.models}


# A number is a score only if a named benchmark owns it (issue 12 item 3): counts, numbers inside names,
# gaps, bounds and comparisons without a model are not claims.
@pytest.mark.parametrize("text, expected", [
    ("Marlin 2 was graded on 1,200 tasks and 3 seeds; it scores 64.5% on GPQA Diamond.",
     {("Marlin 2", "GPQA Diamond", 64.5)}),
    ("HealthBench enlisted 180 clinicians from 40 countries. Marlin 2 scores 38.2 on HealthBench.",
     {("Marlin 2", "HealthBench", 38.2)}),
    ("Marlin 2 reaches 71.5% on MMLU (5-shot) under a 200-turn budget.", {("Marlin 2", "MMLU", 71.5)}),
    ("Marlin 2 finishes within 0.5% of the leader on GPQA Diamond and nearing 90 on MMLU.", set()),
    ("On WebDev Arena, Marlin 2 posts an Elo of 1402 versus 1377.", {("Marlin 2", "WebDev Arena", 1402.0)}),
    ("Marlin 2 reaches Level 4 on SWE-bench Verified.", set()),
])
def test_only_numbers_a_benchmark_owns_are_scores(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_a_score_unit_after_the_number_keeps_it_a_score(nlp):
    got = claims(nlp, "On MMLU-Pro, Marlin 2 achieves 61.0 performance and 80% accuracy on HumanEval.")
    assert ("Marlin 2", "MMLU-Pro", 61.0) in got and ("Marlin 2", "HumanEval", 80.0) in got


def test_a_comparison_value_with_its_own_model_stays(nlp):
    got = claims(nlp, "On GPQA Diamond, Marlin 2 scores 70.1 against 68.0 for GPT-5.4.")
    assert got == {("Marlin 2", "GPQA Diamond", 70.1), ("GPT-5.4", "GPQA Diamond", 68.0)}


def test_a_benchmark_name_does_not_swallow_the_score_after_it(nlp):
    got = claims(nlp, "Published results for Marlin 2: GPQA Diamond 75.44, Terminal-Bench 2.0 31.25.")
    assert {("Marlin 2", "GPQA Diamond", 75.44), ("Marlin 2", "Terminal-Bench 2.0", 31.25)} <= got


def test_a_base_or_example_model_is_not_the_owner_of_a_bare_number(nlp):
    text = "Derived from Qwen3-32B, with a longer context, and achieving 74.1% on GPQA Diamond: that is the pitch."
    assert not any(m.startswith("Qwen3") for m, _, _ in claims(nlp, text))
    # the same model as the sentence's own subject still owns its number
    assert {m for m, _, _ in claims(nlp, "Qwen3-32B reaches 74.1% on GPQA Diamond.")} == {"Qwen3 32B"}


def test_a_hyphen_glued_word_stays_in_the_benchmark_name(nlp):
    got = claims(nlp, "Marlin 2 scores 61.0% on Full-Stack-Bench 1.0 this week.")
    assert {b for _, b, _ in got} == {"Full-Stack-Bench 1.0"}


def test_a_versioned_name_that_opens_a_sentence_after_on_is_a_benchmark(nlp):
    got = claims(nlp, "Marlin 2 arrived. On Quillcode 2.1, which grades repairs, Marlin 2 scores 43.6% against 34.4% "
                      "for GPT-5.4.")
    assert got == {("Marlin 2", "Quillcode 2.1", 43.6), ("GPT-5.4", "Quillcode 2.1", 34.4)}


def test_a_throughput_is_not_a_score_and_its_subject_is_not_a_model(nlp):
    text = "Marlin 2 scores 61.0% on GPQA Diamond. Prefill reaches 137,200 tokens/s on one GPU."
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    assert "Prefill" not in {m.name for m in ex.models}


def test_a_date_that_opens_a_sentence_is_not_a_benchmark(nlp):
    assert not claims(nlp, "On March 3, Marlin 2 scored 43.6% in a private test.")


def test_a_new_benchmark_named_after_on_owns_the_number_even_if_ner_calls_it_an_org(nlp):
    got = claims(nlp, "Marlin 2 hits 85.3% on AIME 2024 and 92.5% on Arena-Hard.")
    assert ("Marlin 2", "Arena-Hard", 92.5) in got and ("Marlin 2", "AIME 2024", 92.5) not in got
    assert not any(v == 61.0 for _, _, v in claims(nlp, "Marlin 2 scores 61.0% on Google's internal suite."))


# The prose shapes issue 12 names, each with a case that must not pair.
@pytest.mark.parametrize("text, expected", [
    ("Marlin 2 and GPT-5.4 scored 77.2% and 68.9% on GPQA Diamond, respectively.",
     {("Marlin 2", "GPQA Diamond", 77.2), ("GPT-5.4", "GPQA Diamond", 68.9)}),
    ("Marlin 2 scores 71.0 on GPQA Diamond and 55.2 on MMLU-Pro.",
     {("Marlin 2", "GPQA Diamond", 71.0), ("Marlin 2", "MMLU-Pro", 55.2)}),
    ("On GPQA Diamond, Marlin 2 posts 71.0 versus GPT-5.4's 68.3.",
     {("Marlin 2", "GPQA Diamond", 71.0), ("GPT-5.4", "GPQA Diamond", 68.3)}),
    ("On GPQA Diamond, Marlin 2 leads with 71.0, ahead of GPT-5.4 (68.3), Claude Opus 4.6 (66.1).",
     {("Marlin 2", "GPQA Diamond", 71.0), ("GPT-5.4", "GPQA Diamond", 68.3),
      ("Claude Opus 4.6", "GPQA Diamond", 66.1)}),
    ("GPT-5.4 arrived on Monday. Marlin 2 is the lab's new flagship model. It scores 71.0 on GPQA Diamond.",
     {("Marlin 2", "GPQA Diamond", 71.0)}),
    ("Marlin 2 scores 71.0 on GPQA Diamond, while GPT-5.4 manages 60.1.",
     {("Marlin 2", "GPQA Diamond", 71.0), ("GPT-5.4", "GPQA Diamond", 60.1)}),
])
def test_prose_shapes_pair_values_with_their_models(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_respectively_with_a_count_mismatch_pairs_nothing_wrongly(nlp):
    got = claims(nlp, "Marlin 2, GPT-5.4 and Claude Opus 4.6 scored 77.2% and 68.9% on GPQA Diamond, respectively.")
    assert ("Claude Opus 4.6", "GPQA Diamond", 68.9) not in got and ("GPT-5.4", "GPQA Diamond", 77.2) not in got


def test_a_benchmark_keeps_its_written_version_and_glued_prefix(nlp):
    got = claims(nlp, "Marlin 2 scores 66.2 on BFCL v4 and 91.5% on XYZ-MRCR v2 at 128k tokens.")
    assert got == {("Marlin 2", "BFCL v4", 66.2), ("Marlin 2", "XYZ-MRCR v2", 91.5)}
    # a version-looking word that is not glued to the name, or a plain known name, stays as it was
    assert claims(nlp, "Marlin 2 scores 66.2 on BFCL, v4 of the harness being next.") == {("Marlin 2", "BFCL", 66.2)}


# A stated change "from A to B": B is the owner's new score; A goes only to a model the sentence names for it.
@pytest.mark.parametrize("text, expected", [
    ("Tidewater released the Orca 4 model. Quarry-Bench 2.0 moves from 31.5 to 47.0 against Orca 3.",
     {("Orca 4", "Quarry-Bench 2.0", 47.0), ("Orca 3", "Quarry-Bench 2.0", 31.5)}),
    ("Tidewater released the Orca 4 model. On Quarry-Bench 2.0 it climbs to 62 percent from Orca 3's 55.5 percent.",
     {("Orca 4", "Quarry-Bench 2.0", 62.0), ("Orca 3", "Quarry-Bench 2.0", 55.5)}),
    ("Tidewater released the Orca 4 model. Quarry-Bench 2.0 goes from 31.5% to 47.0%.", {("Orca 4", "Quarry-Bench 2.0", 47.0)}),
    # negative: a margin's change and a change of something another thing owns are no scores
    ("Tidewater released the Orca 4 model. Its margin over Orca 3 on Quarry-Bench 2.0 widens from 3.5 to 9.0.", set()),
    ("Tidewater released the Orca 4 model. On Quarry-Bench 2.0, Tidal Code's pass rate falls from 71% to 44% under the cap.", set()),
    ("Tidewater released the Orca 4 model. It beats rivals by win rates ranging from 51% to 66% on Quarry-Bench 2.0.",
     set()),
])
def test_a_stated_change_gives_the_new_value_to_its_owner(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_a_name_the_text_describes_as_a_benchmark_is_not_a_model(nlp):
    text = ("Tidewater released the Orca 4 model. RivetGym, which tests exploit writing from source, moves from "
            "61.0% to 70.5%. RivetGym hits 70.5%, ahead of Orca 3 (69.8%).")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    assert "RivetGym" not in {m.name for m in ex.models}
    assert {(s.model, s.benchmark, s.value) for s in ex.scores} == {
        ("Orca 4", "RivetGym", 70.5), ("Orca 3", "RivetGym", 69.8)}
    # negative: a known model followed by the same words stays a model
    ex = extract(nlp, CleanDocument(title="Notes", text="GPT-5.4, which tests well, scores 70.1 on GPQA Diamond."))
    assert "GPT-5.4" in {m.name for m in ex.models}
    ex = extract(nlp, CleanDocument(title="Notes", text="RivetGym hits 70.5% on GPQA Diamond, ahead of Orca 3 (69.8%)."))
    assert "RivetGym" in {m.name for m in ex.models}


# "It" in a newsletter paragraph is the model the last sentence or heading introduced, not an older subject.
@pytest.mark.parametrize("text, expected", [
    ("Orca 3 scores 61.0 on GPQA Diamond.\n\nTidewater quietly dropped Vela-7B, a model for phones. "
     "It hits 48.5% on WebVoyager.",
     {("Orca 3", "GPQA Diamond", 61.0), ("Vela-7B", "WebVoyager", 48.5)}),
    ("Orca 3 scores 61.0 on GPQA Diamond.\n\nAlibaba's Qwen3-32B: A Dense Workhorse\n\n"
     "It hits 48.5% on WebVoyager.",
     {("Orca 3", "GPQA Diamond", 61.0), ("Qwen3 32B", "WebVoyager", 48.5)}),
    # negative: a rival the sentence compares with is not the topic "it" refers to
    ("Orca 3 scores 61.0 on GPQA Diamond. In our tests the release outperforms Qwen3-32B by a wide margin. "
     "It hits 48.5% on WebVoyager.",
     {("Orca 3", "GPQA Diamond", 61.0), ("Orca 3", "WebVoyager", 48.5)}),
])
def test_it_is_the_model_the_paragraph_introduced(nlp, text, expected):
    assert claims(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a name the sentence calls a benchmark owns the number, even when nothing else knows it
    ("On the LEDGER benchmark, which grades SQL answers, GPT-5.4 hits an execution accuracy of 71.25 percent.",
     {("GPT-5.4", "LEDGER", 71.25)}),
    # a value followed by a named model through a few plain words is that model's
    ("On GPQA Diamond, GPT-5.4 completed 88% against 61.5% from its older sibling model GPT-5.2, and 3.5% "
     "with the plain GPT-4o model.",
     {("GPT-5.4", "GPQA Diamond", 88.0), ("GPT-5.2", "GPQA Diamond", 61.5), ("GPT-4o", "GPQA Diamond", 3.5)}),
    # negative: a threshold is no score; a model after "with" that grades is not the owner
    ("GPT-5.4 is the first to pass the 85% threshold on GPQA Diamond.", set()),
    ("On GPQA Diamond, GPT-5.4 scores 71.0 with GPT-4o as the judge.", {("GPT-5.4", "GPQA Diamond", 71.0)}),
])
def test_named_benchmarks_and_owners_after_for_from_with(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_an_opening_benchmark_keeps_a_version_the_ner_mislabels(nlp):
    got = claims(nlp, "Tidewater released the Orca 4 model. On Quarrycode v2.1, a long repair eval, it reaches 61.5%.")
    assert got == {("Orca 4", "Quarrycode v2.1", 61.5)}
    # negative: a person's name after "On" is no benchmark
    assert not claims(nlp, "Tidewater released the Orca 4 model. On Maria Lopez's laptop, it reaches 61.5%.")


# List shapes of prose scores (kb/nlp/score_lists.py).
def test_an_unknown_name_in_a_list_of_benchmark_values_is_its_items_benchmark(nlp):
    got = claims(nlp, "Marlin 2 results: GPQA Diamond 75.4, Kestrel-QX 52.0, MMLU-Pro 61.3.")
    assert got == {("Marlin 2", "GPQA Diamond", 75.4), ("Marlin 2", "Kestrel-QX", 52.0),
                   ("Marlin 2", "MMLU-Pro", 61.3)}


def test_an_unknown_name_before_a_number_does_not_borrow_another_benchmark(nlp):
    # no item of this sentence is a known benchmark with its value: Kestrel's number is not MMLU-Pro's
    got = claims(nlp, "Marlin 2 reaches 61.3% on MMLU-Pro; elsewhere, Kestrel 52.0 is what the team logged.")
    assert got == {("Marlin 2", "MMLU-Pro", 61.3)}


def test_a_settings_pair_gives_each_value_its_setting_and_the_items_benchmark(nlp):
    ex = extract(nlp, CleanDocument(title="Notes", text=(
        "Marlin 2 scores 81.0 on MMLU. Reported results (BF16 / FP8): GPQA Diamond 75.44 / 75.10, Kestrel-QX 52.00 / 49.19.")))
    got = {(s.model, s.benchmark, s.value, s.qualifier) for s in ex.scores}
    assert got == {("Marlin 2", "MMLU", 81.0, None),
                   ("Marlin 2", "GPQA Diamond", 75.44, "BF16"), ("Marlin 2", "GPQA Diamond", 75.1, "FP8"),
                   ("Marlin 2", "Kestrel-QX", 52.0, "BF16"), ("Marlin 2", "Kestrel-QX", 49.19, "FP8")}


def test_a_slash_without_a_settings_header_is_still_no_pair(nlp):
    # "42 / 50" with no "(A / B):" header is a fraction: neither number is a score
    assert claims(nlp, "Marlin 2 solved 42 / 50 on GPQA Diamond.") == set()


def test_a_short_benchmark_name_takes_the_one_fuller_name_the_text_writes(nlp):
    text = ("Marlin 2 scores 65.3% on the Kestrel-Code v1.1 benchmark. Summary: Kestrel-Code 65.3%, GPQA Diamond 75.4.")
    assert claims(nlp, text) == {("Marlin 2", "Kestrel-Code v1.1", 65.3), ("Marlin 2", "GPQA Diamond", 75.4)}
    # a variant word or a year makes another benchmark: "MMLU" stays apart from "MMLU-Pro"
    got = claims(nlp, "Marlin 2 scores 61.3% on MMLU-Pro and 80.2% on MMLU.")
    assert got == {("Marlin 2", "MMLU-Pro", 61.3), ("Marlin 2", "MMLU", 80.2)}


@pytest.mark.parametrize("text, expected", [
    # "on math" names no benchmark: the number is not MMLU's, which the sentence names later
    ("Marlin 2 scored 80.4 on math and 80.6 on MMLU.", {("Marlin 2", "MMLU", 80.6)}),
    ("Marlin 2 leads GPQA Diamond at 71.0, and it gets 90% on general puzzle problems.",
     {("Marlin 2", "GPQA Diamond", 71.0)}),
    # words that point back to the benchmark keep it ("on the test"), as do lower-case words before its name
    ("For GPQA Diamond, Marlin 2 scores 71.0% on the full test set.", {("Marlin 2", "GPQA Diamond", 71.0)}),
    ("Marlin 2 scores 71.0% on the new GPQA Diamond.", {("Marlin 2", "GPQA Diamond", 71.0)}),
])
def test_a_number_on_something_that_is_no_benchmark_is_no_score(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_capitalised_words_after_on_are_the_front_of_a_known_benchmark_name(nlp):
    got = claims(nlp, "Marlin 2 scores 71.0 on GPQA Diamond. On Kestrel Harness MMLU-Pro spoken questions: 58.5% easy, "
                      "42.5% hard.")
    assert got == {("Marlin 2", "GPQA Diamond", 71.0), ("Marlin 2", "Kestrel Harness MMLU-Pro", 58.5),
                   ("Marlin 2", "Kestrel Harness MMLU-Pro", 42.5)}


def test_a_place_or_a_sentence_opening_word_is_not_a_benchmark_prefix(nlp):
    got = claims(nlp, "Marlin 2 scores 61.3% on German MMLU-Pro questions and 70.2% on GPQA Diamond.")
    assert got == {("Marlin 2", "GPQA Diamond", 70.2)}  # "German MMLU-Pro questions" is no benchmark it names
    got = claims(nlp, "Marlin 2 scores 71.0 on GPQA Diamond. Results on MMLU-Pro: 61.3%.")
    assert got == {("Marlin 2", "GPQA Diamond", 71.0), ("Marlin 2", "MMLU-Pro", 61.3)}


@pytest.mark.parametrize("text, expected", [
    # a range is no score
    ("Marlin 2 scores 71.0 on GPQA Diamond. The harness allowed between 45 and 60 minutes per task.",
     {("Marlin 2", "GPQA Diamond", 71.0)}),
    # a number after "against <not a model>'s" is someone else's, not the subject's
    ("On GPQA Diamond Marlin 2 takes 9.1 turns per task against Kestrel's 14.99.", set()),
    ("On GPQA Diamond, Marlin 2 scores 71.0 against GPT-5.4's 68.2.",
     {("Marlin 2", "GPQA Diamond", 71.0), ("GPT-5.4", "GPQA Diamond", 68.2)}),
])
def test_ranges_and_other_owners_values_are_not_the_subjects(nlp, text, expected):
    assert claims(nlp, text) == expected


def test_a_tie_with_a_named_model_gives_both_the_value(nlp):
    got = claims(nlp, "On GPQA Diamond, Marlin 2 ties for first place at 61.2 points with the larger GPT-5.4 model.")
    assert got == {("Marlin 2", "GPQA Diamond", 61.2), ("GPT-5.4", "GPQA Diamond", 61.2)}
    # "with" a model as the judge is no tie
    got = claims(nlp, "On GPQA Diamond, Marlin 2 scores 61.2 points with GPT-5.4 as the grader.")
    assert got == {("Marlin 2", "GPQA Diamond", 61.2)}


def test_a_value_in_parentheses_after_an_unknown_name_is_that_names(nlp):
    got = claims(nlp, "Marlin 2 leads GPQA Diamond (70.94) and Kestrelia (0.662 avg).")
    assert got == {("Marlin 2", "GPQA Diamond", 70.94), ("Marlin 2", "Kestrelia", 0.662)}
    # outside a list of benchmark values the parenthesised number after an unknown name has no benchmark
    got = claims(nlp, "Marlin 2 scores 71.0% on GPQA Diamond, and the Kestrel (0.66) helped.")
    assert got == {("Marlin 2", "GPQA Diamond", 71.0)}


def test_not_matching_a_models_other_quality_is_no_shared_score(nlp):
    got = claims(nlp, "Marlin 2 scores 80.3% on GPQA Diamond. It is not quite matching GPT-5.4's efficiency on tokens.")
    assert got == {("Marlin 2", "GPQA Diamond", 80.3)}
    got = claims(nlp, "Marlin 2 scores 80.3% on GPQA Diamond. That is the same score as GPT-5.4.")
    assert got == {("Marlin 2", "GPQA Diamond", 80.3), ("GPT-5.4", "GPQA Diamond", 80.3)}


def test_a_list_item_headed_by_another_name_does_not_inherit_the_previous_model(nlp):
    text = "Roundup:\n\n- Marlin 2 - 71.0% on GPQA Diamond\n- Kestrel Labs ClinicPilot - 85.5% accuracy on MMLU-Pro\n"
    assert claims(nlp, text) == {("Marlin 2", "GPQA Diamond", 71.0)}
    # an item headed by a topic word, under a model's heading, keeps the model
    text = "Marlin 2 scores 71.0 on GPQA Diamond. Other results:\n\n- Coding: 64.2% on MMLU-Pro\n"
    assert claims(nlp, text) == {("Marlin 2", "GPQA Diamond", 71.0), ("Marlin 2", "MMLU-Pro", 64.2)}


def test_a_topic_label_before_a_colon_is_no_foreign_item_head(nlp):
    text = "Marlin 2 scores 71.0 on GPQA Diamond.\n\n- **Math Skills:** It reaches 64.2 on MMLU-Pro.\n"
    assert claims(nlp, text) == {("Marlin 2", "GPQA Diamond", 71.0), ("Marlin 2", "MMLU-Pro", 64.2)}


def test_a_chain_of_changes_keeps_the_baseline_model_of_the_sentence_before(nlp):
    text = ("Tidewater released the Orca 4 model. Quarry-Bench 2.0 moves from 31.5 to 47.0 against Orca 3. "
            "GPQA Diamond moves from 60.1 to 66.9.")
    assert claims(nlp, text) == {("Orca 4", "Quarry-Bench 2.0", 47.0), ("Orca 3", "Quarry-Bench 2.0", 31.5),
                                 ("Orca 4", "GPQA Diamond", 66.9), ("Orca 3", "GPQA Diamond", 60.1)}
    # a sentence in between breaks the chain: the old value has no named owner
    text = ("Tidewater released the Orca 4 model. Quarry-Bench 2.0 moves from 31.5 to 47.0 against Orca 3. "
            "The team trained it for weeks. GPQA Diamond moves from 60.1 to 66.9.")
    assert ("Orca 3", "GPQA Diamond", 60.1) not in claims(nlp, text)


def test_a_score_written_with_a_thousands_separator_after_scores_is_kept(nlp):
    assert claims(nlp, "On GDPval-AA, Marlin 2 scores 1,769.") == {("Marlin 2", "GDPval-AA", 1769.0)}
    assert claims(nlp, "On GDPval-AA, Marlin 2 was tested on 1,769 tasks.") == set()


def test_an_unnamed_variant_as_subject_does_not_take_the_current_models_number(nlp):
    text = "Marlin 2 scores 71.0 on GPQA Diamond. The 14B reasoning variant achieves 85% on MMLU-Pro."
    assert claims(nlp, text) == {("Marlin 2", "GPQA Diamond", 71.0)}
    # "the model" still stands for the current model
    text = "Marlin 2 scores 71.0 on GPQA Diamond. The model achieves 85% on MMLU-Pro."
    assert claims(nlp, text) == {("Marlin 2", "GPQA Diamond", 71.0), ("Marlin 2", "MMLU-Pro", 85.0)}


def test_the_low_end_of_a_range_of_multiples_is_no_score(nlp):
    text = "Marlin 2 scores 71.0 on GPQA Diamond. A 2 to 5x larger model would match the GPQA Diamond results."
    assert claims(nlp, text) == {("Marlin 2", "GPQA Diamond", 71.0)}
    # "from 2 to 25%" is a change, not a range of multiples: the new value stays
    text = "Marlin 2 was released. Its GPQA Diamond score jumps from 2 to 25%."
    assert ("Marlin 2", "GPQA Diamond", 25.0) in claims(nlp, text)


def test_a_list_lead_in_names_the_benchmark_of_its_value_headed_items(nlp):
    text = ("Prices fell again this month. Here is every cut, ranked by Quarry Elo:\n\n"
            "- Elo 1301 Rank 1: Claude Opus 4.6 cut its price by half ($3/mtok)\n"
            "- Elo 1270 Rank 4: GPT-5.4 dropped 40% ($1.25/mtok)\n\nThat is all for today.")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    got = {(s.model, s.benchmark, s.value, s.unit, s.qualifier) for s in ex.scores}
    assert got == {("Claude Opus 4.6", "Quarry", 1301.0, "Elo", "Rank 1"), ("GPT-5.4", "Quarry", 1270.0, "Elo", "Rank 4")}
    # negative: a lead-in that names no benchmark gives the items none
    assert claims(nlp, text.replace("ranked by Quarry Elo:", "in order:")) == set()
    # negative: the same line outside a list (a paragraph in between ends it) is read as usual
    text = text.replace("\n- Elo 1270", "\nThe next one is smaller.\n\nElo 1270")
    assert ("GPT-5.4", "Quarry", 1270.0) not in claims(nlp, text)


def test_model_and_value_items_take_the_benchmark_the_lead_in_points_back_to(nlp):
    text = ("Kite 5 sets a record on GPQA Diamond. Progress on the benchmark over two years, as the lab tallied it:\n\n"
            "- Kite 3 (2023): 12%\n- Kite 4 (2024): 31%\n- Kite 4 Pro (high effort): 35%\n- GPT-5.4 (2025): ~40%\n")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    got = {(s.model, s.benchmark, s.value, s.qualifier) for s in ex.scores}
    assert got == {("Kite 3", "GPQA Diamond", 12.0, None), ("Kite 4", "GPQA Diamond", 31.0, None),
                   ("Kite 4 Pro", "GPQA Diamond", 35.0, "high effort")}  # "~40%" is an approximation
    # negative: an item that goes on after its value is no such item ("12% of users" is a share)
    text = "Kite 5 sets a record on GPQA Diamond. What users did on the benchmark:\n\n- Kite 3 (2023): 12% of users left\n"
    assert claims(nlp, text) == set()


def test_a_score_out_of_a_maximum_keeps_its_points_and_the_fraction_as_qualifier(nlp):
    text = "GPT-5.4 shines in contests. It earns medals on Quarry Olympiad (35/42), Ledger Cup (10/12) and Tarn."
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    got = {(s.model, s.benchmark, s.value, s.unit, s.qualifier) for s in ex.scores}
    assert got == {("GPT-5.4", "Quarry Olympiad", 35.0, "score", "35/42"),
                   ("GPT-5.4", "Ledger Cup", 10.0, "score", "10/12")}
    assert claims(nlp, "GPT-5.4 posts a near-perfect 118/120 on Tarnfield 2024.") == {("GPT-5.4", "Tarnfield 2024", 118.0)}
    # negatives: a date, a share above its whole and a span of years are no scores, nor a fraction away from
    # any benchmark ("Edit 12/20: more on GPQA Diamond")
    assert claims(nlp, "Edit 12/20: GPT-5.4 notes on GPQA Diamond added.") == set()
    assert claims(nlp, "GPT-5.4 runs 24/7 on Quarry Olympiad servers, with AIME 2024/2025 results pending.") == set()


def test_a_value_after_something_like_is_an_approximation(nlp):
    text = "On GPQA Diamond, GPT-5.4 wins something like 51% of its match-ups."
    assert claims(nlp, text) == set()
    # negative: the plain value stays
    assert claims(nlp, "On GPQA Diamond, GPT-5.4 scores 51%.") == {("GPT-5.4", "GPQA Diamond", 51.0)}


def test_an_acronym_name_the_text_calls_a_model_is_no_benchmark(nlp):
    text = ("Tidewater releases RIVET-3, a 90B parameter mixture-of-experts model (9B active), reaching 69% on "
            "LiveCodeBench and 74% on MMLU-Pro.")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    assert "RIVET-3" in {m.name for m in ex.models}
    assert {(s.model, s.benchmark, s.value) for s in ex.scores} == {
        ("RIVET-3", "LiveCodeBench", 69.0), ("RIVET-3", "MMLU-Pro", 74.0)}
    # negative: the same shape described as a benchmark stays one, and a known benchmark is never moved
    text = "RIVET-3, a new test that models find hard, is out. GPT-5.4 scores 41% on RIVET-3."
    assert claims(nlp, text) == {("GPT-5.4", "RIVET-3", 41.0)}
    text = "MMLU-Pro, a benchmark every model reports, saw GPT-5.4 reach 81%."
    assert ("GPT-5.4", "MMLU-Pro", 81.0) in claims(nlp, text)


def test_a_newsletter_spelling_of_a_known_benchmark_is_that_benchmark(nlp):
    # 'Humanities Last Exam' (a frequent spelling) is the gazetteer's Humanity's Last Exam, so one claim
    # written with both spellings stays one claim
    text = "GPT-5.4 posts 41.6% on Humanities Last Exam. Recap: GPT-5.4 scores 41.6% on HLE."
    assert claims(nlp, text) == {("GPT-5.4", "Humanity's Last Exam", 41.6)}
    # negative: another exam's name is not folded into it
    assert claims(nlp, "GPT-5.4 posts 41.6% on Humanities Final Exam.") != {("GPT-5.4", "Humanity's Last Exam", 41.6)}


def test_a_number_before_a_later_subject_belongs_to_the_model_named_before_it(nlp):
    # the parser may miss the first model as a subject; the model named after the number cannot own it
    got = claims(nlp, "Notably, Kite 5 attains solid results in GSM8K (81.2) and MATH (44.0), while Kite 5 Pro "
                      "exhibits further gains in IFEval (70.3).")
    assert ("Kite 5", "GSM8K", 81.2) in got and ("Kite 5", "MATH", 44.0) in got, got
    assert ("Kite 5 Pro", "IFEval", 70.3) in got, got
    assert ("Kite 5 Pro", "GSM8K", 81.2) not in got


def test_a_number_before_the_only_model_still_goes_to_the_subject(nlp):
    got = claims(nlp, "With 85.0 on GSM8K, Kite 5 leads the open models.")
    assert got == {("Kite 5", "GSM8K", 85.0)}, got


def test_a_size_label_in_the_parentheses_names_that_size_of_the_model(nlp):
    got = claims(nlp, "Kite 5 was measured on suites such as GSM8K (70B: 83.4) and GPQA Diamond (70B: 51.9), ahead of rivals.")
    assert got == {("Kite 5 70B", "GSM8K", 83.4), ("Kite 5 70B", "GPQA Diamond", 51.9)}, got


def test_a_parenthesised_value_without_a_size_label_keeps_its_owner(nlp):
    got = claims(nlp, "Kite 5 was measured on suites such as GSM8K (83.4) and GPQA Diamond (51.9), ahead of rivals.")
    assert got == {("Kite 5", "GSM8K", 83.4), ("Kite 5", "GPQA Diamond", 51.9)}, got


def test_a_model_before_a_score_verb_owns_its_clause_when_the_tagger_misreads_it(nlp):
    # "Tarn-4 scores" is tagged as a number modifying a verb, or as a noun phrase after "said"; the
    # while-clause's model must not take the first clause's values
    for lead in ("", "Brightwater said "):
        got = claims(nlp, f"{lead}Tarn-4 scores 74.1% on GPQA Diamond and 52.6% on SWE-bench Verified, while "
                          "Tarn-4 Lite reaches 61.0% on GPQA Diamond.")
        assert got == {("Tarn-4", "GPQA Diamond", 74.1), ("Tarn-4", "SWE-bench Verified", 52.6),
                       ("Tarn-4 Lite", "GPQA Diamond", 61.0)}, lead


def test_a_score_verb_read_as_a_noun_after_a_determiner_makes_no_subject(nlp):
    # "the Tarn-4 scores" is a noun phrase: the value is the sentence subject's, not Tarn-4's
    got = claims(nlp, "Tarn-4 Lite beats the Tarn-4 scores from spring with 61.0% on GPQA Diamond.")
    assert ("Tarn-4", "GPQA Diamond", 61.0) not in got
