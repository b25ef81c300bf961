"""Model names: a bare '<version> <variant>' belongs to the family that has the variant, not to the
document's dominant family."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.text.keys import name_key
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _models(nlp, text):
    return {name_key(m.name) for m in extract(nlp, CleanDocument(title="Notes", text=text)).models}


def test_maker_before_a_bare_version_gives_the_family(nlp):
    models = _models(nlp, "Qwen 3.8 27B is a strong local model with open weights. On my laptop it trails "
                          "OpenAI 6.1 Sol on hard tasks, and 6.1 Luna is cheaper still. Qwen 3.8 27B remains my default.")
    assert {name_key("GPT-6.1 Sol"), name_key("GPT-6.1 Luna")} <= models, models
    assert name_key("Qwen 6.1 Luna") not in models


def test_dominant_family_keeps_its_own_variants(nlp):
    models = _models(nlp, "Gemini 3.5 Flash is the new default model in the app. It replaces 3.0 Flash, and "
                          "Gemini 3.5 Pro follows next month for paying users.")
    assert name_key("Gemini 3.0 Flash") in models, models


def test_unknown_family_word_before_a_version_is_not_claimed(nlp):
    models = _models(nlp, "Gemini 3.5 Flash is the new default model. Rivals such as Nimbus 2 Pro were benchmarked too.")
    assert name_key("Gemini 2 Pro") not in models, models


def test_family_named_as_a_whole_is_a_model_when_no_member_is_named(nlp):
    models = _models(nlp, "Brightline's new 12B model ships under the MIT license, a welcome change from the "
                          "restrictive Llama licenses that many teams still work around.")
    assert name_key("Llama") in models, models
    models = _models(nlp, "Partners building agents with NVIDIA Nemotron said the toolkit saved them weeks.")
    assert name_key("Nemotron") in models, models


def test_bare_family_word_adds_nothing_when_members_are_named(nlp):
    models = _models(nlp, "Llama 4 Maverick is the flagship, and the Llama ecosystem keeps growing around it.")
    assert name_key("Llama") not in models and name_key("Llama 4 Maverick") in models, models
    # a family word without a model context ("Gemini has improved") is not listed either
    assert name_key("Gemini") not in _models(nlp, "I suspect Gemini has improved at drawing since last spring.")


def test_nickname_followed_by_a_variant_is_another_model(nlp):
    models = _models(nlp, "The new image editor runs on Nano Banana Pro, which replaces the original model for "
                          "paying customers. Free users keep Nano Banana for now.")
    assert name_key("Nano Banana Pro") in models and name_key("Nano Banana") in models, models
    assert name_key("Gemini 2.5 Flash Image") not in models  # a record's own name wins over another's alias


def test_capitalised_words_before_model_belong_to_the_name(nlp):
    models = _models(nlp, "The browser agent is driven by the Gemini 2.5 Computer Use model, not the chat model.")
    assert name_key("Gemini 2.5 Computer Use") in models and name_key("Gemini 2.5") not in models, models
    # in title case ('Video Model') the boundary is unknown: the known name stays as it is
    models = _models(nlp, "Creators can download the open weights of the LTX-2 Video Model next month.")
    assert name_key("LTX-2") in models and name_key("LTX-2 Video") not in models, models


def test_a_model_line_called_a_series_is_not_a_model(nlp):
    models = _models(nlp, "Its price matches Anthropic's Claude Sonnet series, while Claude Sonnet 4.5 stays cheaper.")
    assert name_key("Claude Sonnet") not in models and name_key("Claude Sonnet 4.5") in models, models


def test_footnote_mark_after_a_known_name_is_not_a_version(nlp):
    models = _models(nlp, "Radiology reports Gemini 3 Pro 2 is now our strongest model for scans, the team said.")
    assert name_key("Gemini 3 Pro") in models and name_key("Gemini 3 Pro 2") not in models, models


def test_family_that_writes_versions_with_a_letter(nlp):
    models = _models(nlp, "Kimi K3 is out. Compared with Kimi K2.6 it writes tighter code, and the jump from "
                          "Kimi 2.5 is bigger still.")
    assert name_key("Kimi K2.5") in models and name_key("Kimi 2.5") not in models, models
    # without lettered siblings the number stays as written
    models = _models(nlp, "Kimi 2.5 is a capable open weights model for coding.")
    assert name_key("Kimi 2.5") in models, models


def test_product_surface_of_a_family_is_not_a_model(nlp):
    models = _models(nlp, "Gemini 3 Pro drafts the essay. Try it in Gemini Canvas, or ask Gemini Pro for a summary.")
    assert name_key("Gemini Canvas") not in models and name_key("Gemini 3 Pro") in models, models


def test_copula_name_after_a_sentence_end(nlp):
    models = _models(nlp, "The site now renders a richer UI. Vesper 2 is the best coding model we have shipped.")
    assert name_key("UI") not in models and name_key("Vesper 2") in models, models


def test_maker_possessive_before_a_bare_version(nlp):
    models = _models(nlp, "DeepSeek's new V4 Flash costs less than the 1.6T v4 Pro, and both are open weights. "
                          "Later V4 Pro checkpoints follow.")
    assert name_key("DeepSeek V4 Flash") in models, models
    assert name_key("DeepSeek V4 Pro") in models, models
    # counts and years after a maker's possessive are not versions
    models = _models(nlp, "DeepSeek's 2 million users and Meta's 2025 roadmap were discussed; DeepSeek's 3.5 "
                          "percent share grew.")
    assert not any(n.startswith(name_key("DeepSeek")) or n.startswith(name_key("Llama")) for n in models), models


@pytest.mark.parametrize("text, not_models", [
    ("The launch ran on Windows 11 laptops; the model scores 71% on MMLU after Step 3 of the setup.",
     {"windows 11", "step 3"}),
    ("A Falcon 9 rocket carried the satellite that will serve the model's API to ships at sea.", {"falcon 9"}),
])
def test_products_and_numbered_labels_are_not_models(nlp, text, not_models):
    assert not (not_models & _models(nlp, text))


def test_a_new_versioned_name_in_model_context_is_still_found(nlp):
    assert name_key("Kestrel 2") in _models(nlp, "Brightline released Kestrel 2, an open-weights model, on Monday.")


def test_an_unseen_variant_word_written_twice_after_a_known_shape_is_part_of_the_name(nlp):
    text = ("OpenAI released GPT-7.2 Borealis on Tuesday. GPT-7.2 Borealis scores 61.0% on GPQA Diamond, "
            "and the cheaper GPT-7.2 costs half as much.")
    models = _models(nlp, text)
    assert name_key("GPT-7.2 Borealis") in models, models


def test_a_capitalised_word_written_once_after_a_name_is_not_a_variant(nlp):
    models = _models(nlp, "GPT-7.2 Tuesday was busy. The model GPT-7.2 scores 61.0% on GPQA Diamond.")
    assert name_key("GPT-7.2 Tuesday") not in models, models


def test_a_licence_named_after_a_model_does_not_extend_its_name(nlp):
    text = ("Orrery 3 ships under the Orrery 3 Community License. The Orrery 3 Community License allows "
            "research use; Orrery 3 is an open-weights model.")
    assert name_key("Orrery 3 Community") not in _models(nlp, text)


@pytest.mark.parametrize("text", [
    "On AA-LCR 52.00 was the best result; the model is open weights.",
    "Pause handling gives TOR 0.82 at 448 ms for the model.",
])
def test_a_metric_and_its_value_are_not_a_versioned_model(nlp, text):
    assert not _models(nlp, text)


def test_a_distinctive_variant_word_alone_is_a_short_name_of_the_model(nlp):
    text = ("OpenAI released GPT-7.2 Borealis on Tuesday. GPT-7.2 Borealis is priced like its sibling. "
            "Borealis leads on GPQA Diamond with 71.0%.")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    assert ("GPT-7.2 Borealis", 71.0) in {(s.model, s.value) for s in ex.scores}
    assert "Borealis" not in {m.name for m in ex.models}


def test_a_generic_variant_word_alone_is_not_a_short_name(nlp):
    text = "Orrery 3 Pro is out. Orrery 3 Pro is fast. Pro users get it first, and it scores 71.0% on GPQA Diamond."
    assert "Pro" not in {m.name for m in extract(nlp, CleanDocument(title="Notes", text=text)).models}


def test_a_list_item_led_by_a_model_name_makes_it_the_subject_of_its_score(nlp):
    text = ("This week in open models:\n\n"
            "- Brightline's Kestrel-Coder - a small agentic model, scoring 48.5% on SWE-bench Verified (blog)\n"
            "- Harbor-2: New Planner Hits 61% on GPQA Diamond\n")
    ex = extract(nlp, CleanDocument(title="Roundup", text=text))
    got = {(s.model, s.benchmark, s.value) for s in ex.scores}
    assert ("Kestrel-Coder", "SWE-bench Verified", 48.5) in got
    assert ("Harbor-2", "GPQA Diamond", 61.0) in got
    assert "Brightline's Kestrel-Coder" not in {m.name for m in ex.models}


def test_a_heading_without_a_model_shaped_name_is_no_model(nlp):
    text = "Key Takeaways: the new release scores 40% on SWE-bench Pro."
    assert "Key Takeaways" not in _models(nlp, text) and name_key("Key Takeaways") not in _models(nlp, text)


def test_a_variant_word_glued_by_a_hyphen_after_the_version_is_part_of_the_name(nlp):
    models = _models(nlp, "Heronlabs shipped DeepSeek V5.1-Sprinter, and DeepSeek V5.1-Sprinter scores 88% on AIME 2025.")
    assert name_key("DeepSeek V5.1-Sprinter") in models, models


def test_a_hyphen_with_spaces_after_a_name_glues_nothing(nlp):
    models = _models(nlp, "DeepSeek V5.1 - Sprinter edition notes: the model scores 88% on AIME 2025.")
    assert name_key("DeepSeek V5.1-Sprinter") not in models and name_key("DeepSeek V5.1 - Sprinter") not in models


def test_model_name_with_a_glued_full_stop_and_in_markup(nlp):
    models = _models(nlp, "The vision tower feeds a decoder built on Qwen3-8B. It runs on one card.")
    assert name_key("Qwen3-8B") in models and name_key("Qwen3") not in models, models
    names = [m.name for m in extract(nlp, CleanDocument(
        title="Notes", text='Gemma 3 is out. <img width="60%" alt="DeepSeek-R1" /> Read the <a href="/x">report</a>.')).models]
    assert not [n for n in names if n.startswith("-") or "<" in n or '"' in n or "/" in n], names


def test_found_names_that_are_function_words_dates_acronyms_or_first_names(nlp):
    text = ("Tinsel Labs released Tinsel-7 today. With 10 billion active parameters, the model is small. "
            "Model Release Date April 18, 2026. The lab also shipped a SOTA lip-sync model. "
            "We hosted our friend Marek Holub, who tested it, and Marek says the model scores 71 on MMLU.")
    models = _models(nlp, text)
    assert name_key("Tinsel-7") in models, models
    for bad in ("With 10", "Date April 18", "SOTA", "Marek"):
        assert name_key(bad) not in models, (bad, models)


def test_hyphen_glued_pieces_belong_to_the_name_as_written(nlp):
    models = _models(nlp, "The new checkpoints are Qwen3-30B-A3B-PT and GLM-4.5-Air-mini, both under Apache 2.0.")
    assert {name_key("Qwen3-30B-A3B-PT"), name_key("GLM-4.5-Air-mini")} <= models, models
    assert name_key("Qwen3-30B-A3B") not in models and name_key("GLM-4.5-Air") not in models, models


def test_hyphen_glued_ordinary_words_formats_and_tails_are_not_part_of_the_name(nlp):
    models = _models(nlp, "Our GPT-4o-powered agent beat the GLM-4.5-Air-FP8 build on every task.")
    assert name_key("GPT-4o") in models and name_key("GPT-4o-powered") not in models, models
    assert name_key("GLM-4.5-Air") in models and name_key("GLM-4.5-Air-FP8") not in models, models
    # the tail of a longer glued name is not a model of its own
    models = _models(nlp, "We distilled DeepSeek-R1-Distill-Qwen-7B from the larger model.")
    assert name_key("Qwen-7B") not in models, models


def test_checkpoint_id_the_gazetteer_lists_is_reported_as_written(nlp):
    names = {m.name for m in extract(nlp, CleanDocument(
        title="Notes", text="We fine-tuned gemma-3-12b-it on our support tickets, and it beat Gemini Flash 2.5 "
                            "on the internal set.")).models}
    assert "gemma-3-12b-it" in names and "Gemma 3 12B" not in names, names
    assert "Gemini 2.5 Flash" in names, names  # another word order is the same model, in the canonical spelling


def test_launched_name_without_a_version_needs_a_model_word_in_its_sentence(nlp):
    models = _models(nlp, "Tidewater launches Stream, a voice-first personal assistant for busy parents.")
    assert name_key("Stream") not in models, models
    models = _models(nlp, "Tidewater launched Quillon, an open-weights model for legal search.")
    assert name_key("Quillon") in models, models


def test_family_spelled_the_new_way_names_its_models_but_not_alone(nlp):
    models = _models(nlp, "We compared Olmo 3 7B Think with a smaller checkpoint on the same prompts.")
    assert name_key("Olmo 3 7B Think") in models, models
    assert name_key("Olmo") not in _models(nlp, "Olmo is a series of open language models for science.")


def test_model_name_inside_a_web_address_is_not_a_mention(nlp):
    models = _models(nlp, "Full logs: https://runs.example.com/reports/Qwen3-8B/overview for the curious.")
    assert name_key("Qwen3-8B") not in models, models
    assert name_key("Qwen3-8B") in _models(nlp, "Qwen3-8B is a capable small model with open weights.")


def _scores(nlp, text):
    return {(s.model, s.benchmark, s.value) for s in extract(nlp, CleanDocument(title="Notes", text=text)).scores}


def test_another_size_of_a_known_sized_model_is_a_model(nlp):
    # the gazetteer knows Falcon3-7B; its other sizes and their tuned checkpoints are models too
    text = ("The lab shipped several checkpoints this week. Falcon3-7B posts 61.5 on ARC Challenge, while "
            "Falcon3-12B improves on it, notably in GSM8K (84.2). Falcon3-2B-Instruct scores 49.3 on IFEval.")
    got = _scores(nlp, text)
    assert ("Falcon3-12B", "GSM8K", 84.2) in got, got
    assert ("Falcon3-2B-Instruct", "IFEval", 49.3) in got, got
    assert ("Falcon3-7B", "GSM8K", 84.2) not in got
    models = _models(nlp, text)
    assert {name_key("Falcon3-12B"), name_key("Falcon3-2B-Instruct")} <= models, models


def test_a_size_after_an_unknown_stem_or_in_a_size_list_is_no_sibling(nlp):
    models = _models(nlp, "Falcon3-7B is the middle size. Zorblat3-9B was mentioned once, and the "
                          "Falcon3-1B/3B pair ships later.")
    assert name_key("Zorblat3-9B") not in models, models
    assert name_key("Falcon3-1B") not in models, models
    assert name_key("Falcon3-7B") in models



def test_a_maker_glued_before_a_model_named_alone_is_not_part_of_its_name(nlp):
    text = ("Weekly notes\n\nThe race: Harbor 2.0 vs. Perception's LOOM-1.5.\n\n"
            "Perception answered with LOOM-1.5, its new agent model.\n\n"
            "* **Perception LOOM-1.5**: 900 tok/s, 61% SWE-bench Pro\n")
    assert _scores(nlp, text) == {("LOOM-1.5", "SWE-bench Pro", 61.0)}
    assert name_key("Perception LOOM-1.5") not in _models(nlp, text)


def test_a_leading_word_that_is_no_maker_stays_in_the_name(nlp):
    # nothing says Perception makes LOOM-1.5 (no possessive, no maker): the name is kept as written
    text = ("Weekly notes\n\nThe race: Harbor 2.0 vs. LOOM-1.5.\n\n"
            "Perception answered with LOOM-1.5, its new agent model.\n\n"
            "* **Perception LOOM-1.5**: 900 tok/s, 61% SWE-bench Pro\n")
    assert ("LOOM-1.5", "SWE-bench Pro", 61.0) not in _scores(nlp, text)


def test_family_listed_beside_other_models_is_a_model(nlp):
    # own sentences: bare family words in a list of models name those lines of models, even when a member is named
    models = _models(nlp, "The distilled student learned from GPT-4o, Claude, or Gemini answers before release.")
    assert {name_key("Claude"), name_key("Gemini")} <= models, models
    models = _models(nlp, "Claude Opus 4.5 tops our coding chart; open rivals like Qwen and Llama are close behind.")
    assert {name_key("Qwen"), name_key("Llama")} <= models, models


def test_family_word_in_a_list_of_makers_or_a_longer_name_is_not_listed(nlp):
    models = _models(nlp, "The round drew Microsoft, Gemini and Sequoia as investors, the filing says.")
    assert name_key("Gemini") not in models, models  # a list holding an organisation is a list of makers
    models = _models(nlp, "We compared Claude Opus and Gemini Ultra on long documents.")
    assert name_key("Claude") not in models and name_key("Gemini") not in models, models


def _table_models(nlp, html):
    doc = CleanDocument(title="Release notes", text="Weights for every stage are on the hub.\n", tables=(html,))
    return {name_key(m.name) for m in extract(nlp, doc).models}


def test_models_named_in_a_download_table_without_scores(nlp):
    html = ("<table><tr><th>Stage</th><th>7B</th><th>32B</th></tr>"
            "<tr><td>SFT</td><td>Olmo-4-7B-SFT</td><td>Olmo-4-32B-SFT</td></tr>"
            "<tr><td>Final</td><td>Olmo-4-7B-Instruct</td><td>Olmo-4-32B-Instruct</td></tr></table>")
    models = _table_models(nlp, html)
    assert {name_key(n) for n in ("Olmo-4-7B-SFT", "Olmo-4-32B-SFT", "Olmo-4-7B-Instruct")} <= models, models
    assert name_key("SFT") not in models and name_key("Final") not in models


def test_rockets_and_systems_in_a_table_are_not_models(nlp):
    html = ("<table><tr><th>Vehicle</th><th>Flights</th></tr><tr><td>Falcon 9</td><td>12</td></tr>"
            "<tr><td>Windows 11</td><td>3</td></tr><tr><td>falcon-9-block-5</td><td>4</td></tr></table>")
    models = _table_models(nlp, html)
    assert not models & {name_key("Falcon 9"), name_key("Windows 11"), name_key("falcon-9-block-5")}, models


def test_lower_case_hub_ids_are_models_as_written(nlp):
    models = _models(nlp, "Weights are out: google/gemma-5-2b-it for chat and gemma-5-9b-pt for tuning.")
    assert {name_key("gemma-5-2b-it"), name_key("gemma-5-9b-pt")} <= models, models
    models = _models(nlp, "Install microsoft-sdk-2.1 and the nvidia-container-cli-1.4 package first.")
    assert not any("sdk" in m or "cli" in m for m in models), models


def test_a_one_letter_one_digit_model_name_is_a_model(nlp):
    models = _models(nlp, "Reasoning models took off after o1; the newer o3 thinks for longer on hard puzzles.")
    assert {name_key("o1"), name_key("o3")} <= models, models
    # negative: an upper-case letter and a digit is a quarter, a road or a table cell, not a model
    models = _models(nlp, "Revenue grew in Q3, and the R1 ring road reopened after repairs.")
    assert not models & {name_key("Q3"), name_key("R1")}, models


def test_versioned_names_listed_after_a_launch_verb(nlp):
    models = _models(nlp, "[2026.02.01] We release Pellucid2-3B, Pellucid2-3B-Chat and Pellucid2-14B. See the zoo below.")
    assert {name_key(n) for n in ("Pellucid2-3B", "Pellucid2-3B-Chat", "Pellucid2-14B")} <= models, models
    # negative: product features launched in a list carry no version and are no models
    models = _models(nlp, "The company launched Canvas, Projects and Memory for its paying users.")
    assert not models & {name_key("Canvas"), name_key("Projects"), name_key("Memory")}, models


def test_a_leading_launch_verb_is_not_part_of_the_name(nlp):
    models = _models(nlp, "Changelog:\n- Released Pellucid-9B, our chat tune of the base model, under a research licence.")
    assert name_key("Pellucid-9B") in models and name_key("Released Pellucid-9B") not in models, models


def test_a_page_slug_is_not_glued_to_a_model_name(nlp):
    models = _models(nlp, "post_id: 99123.acmes-o3-review-notes\n\nToday we look at o3 and how it reasons.")
    assert not any("99123" in m for m in models), models
