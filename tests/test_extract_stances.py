"""Stance shapes: lists and group subjects, family members, questions, negation, plans, licences."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def stances(nlp, text: str) -> set:
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    return {(s.model, s.stance, s.planned) for s in ex.stances}


CASES = [
    ("Will Quill 3 be open-sourced? Nobody at the lab would say.", set()),
    ("Quill 3 is not open-source, but Quill 3 Mini is open-source under Apache 2.0.",
     {("Quill 3", "closed", False), ("Quill 3 Mini", "open", False)}),
    ("Penrose has no plans to release the weights of Quill 4, which is kept proprietary.",
     {("Quill 4", "closed", False)}),
    ("Penrose plans to open-source Quill 4 Mini next year.", {("Quill 4 Mini", "open", True)}),
    ("Sorrel 2 ships with a model card and weights under the Llama community license.",
     {("Sorrel 2", "open", False)}),
    ("Orrery released two models on Friday: Astra 2 Base and Astra 2 Chat.\n\nBoth are downloadable from "
     "its site.", {("Astra 2 Base", "open", False), ("Astra 2 Chat", "open", False)}),
    ("Acme AI is releasing Heron, a new family of open models for robots. Heron Lite 2 runs on small boards. "
     "Heron Max 2.5 handles long-horizon control.",
     {("Heron", "open", False), ("Heron Lite 2", "open", False), ("Heron Max 2.5", "open", False)}),
    ("The startup says Kite 5 will stay API-only.", {("Kite 5", "closed", False)}),
    # a comparison with a class of open models says nothing of the subject's weights
    ("Quill 6 Nano posts the best recall of any open retrieval model under 100M parameters.", set()),
]


def test_licence_names_are_neither_orgs_nor_models(nlp):
    text = ("Penrose released Quill 5 on Monday. Quill 5 is MIT-licensed, and its smaller sibling Quill 5 Mini "
            "is released under the Apache 2.0 license, with weights available under MIT as well.")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    assert not {"MIT", "Apache 2.0", "Apache"} & ({o.name for o in ex.orgs} | {m.name for m in ex.models})
    assert {s.license for s in ex.stances if s.model == "Quill 5 Mini"} == {"Apache 2.0"}


LICENCE_AND_MENTION_CASES = [
    # a licence named next to a model, without "released under ... licence"
    ("Lumen 4 is a compact 9B model under a permissive Apache 2.0 license, unlike the old Vireo terms.",
     {("Lumen 4", "open", False)}),
    ("Back in March the lab shipped a lightly modified MIT license with Lumen 3, and kept the terms since.",
     {("Lumen 3", "open", False)}),
    # negative: a licence named for code, negated
    ("Lumen 5 is not under the MIT license; only the evaluation harness is.", {("Lumen 5", "closed", False)}),
    # a stance word that is only mentioned as a term is not a stance
    ("To their credit, the Vireo team never describe Lumen 6 as \"open source\" and prefer the term \"open weight\".",
     set()),
    # tags and table cells are labels, not statements
    ("Lumen 7 helps robots plan.\nTags: Robotics | Lumen 7 | Open Source | Edge AI", set()),
    # a generic class of open models near 'it' is not a statement about the article's model
    ("Penrose launched Quill 8 on Tuesday. Teams can fine-tune it, or keep training open-weights models that "
     "they already run.", set()),
    # promised weights are a plan, and a promised family member does not inherit the family's stance
    ("Vireo released Lumen 9 as open weights today. They are also promising Lumen 9 Max, but the weights will be "
     "released only once testing is complete.",
     {("Lumen 9", "open", False), ("Lumen 9 Max", "open", True)}),
    # a repository owner before the second name of a list
    ("Weights are available for both March's deepseek-ai/DeepSeek-V9-Base and May's deepseek-ai/DeepSeek-V9-Chat.",
     {("DeepSeek-V9-Base", "open", False), ("DeepSeek-V9-Chat", "open", False)}),
]


def test_heading_names_a_model(nlp):
    text = "Sparrow: Our first open-weights model\n\nSparrow is small, and it runs on a phone."
    ex = extract(nlp, CleanDocument(title="Sparrow: Our first open-weights model", text=text))
    assert "Sparrow" in {m.name for m in ex.models}
    assert ("Sparrow", "open") in {(s.model, s.stance) for s in ex.stances}
    ex = extract(nlp, CleanDocument(title="Update", text="Update: the new model is out.\n\nMore later."))
    assert "Update" not in {m.name for m in ex.models}


def test_models_listed_after_a_class_noun_are_models_and_share_the_stance(nlp):
    text = ("Quantised checkpoints are now available for several popular image models. These models include "
            "VEGA.2 from Orrin Labs, K-Paint and Mirel-3 from Tessaly. Download them from the model hub.")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    assert {"VEGA.2", "K-Paint", "Mirel-3"} <= {m.name for m in ex.models}
    assert {("VEGA.2", "open"), ("K-Paint", "open"), ("Mirel-3", "open")} <= {(s.model, s.stance) for s in ex.stances}
    # negative: ordinary words after "models include" are not models
    ex = extract(nlp, CleanDocument(title="Notes", text="The new models include Python and Rust bindings, and "
                                                          "support Linux and Windows."))
    assert not {"Python", "Rust", "Linux", "Windows"} & {m.name for m in ex.models}


def test_members_of_a_named_open_model_class(nlp):
    text = ("Orrin is releasing the Tessel open world simulation models for robotics labs. Tessel Plan 3 is a "
            "forecasting model, and Tessel Act 3 is a policy model that turns plans into motion. Partners already use Tessel Act for warehouse "
            "picking.")
    got = stances(nlp, text)
    assert {("Tessel Plan 3", "open", False), ("Tessel Act 3", "open", False)} <= got
    assert not {m for m, _, _ in got} & {"Tessel Act", "Tessel"}
    # negative: a promise, not a release
    text = ("Orrin plans to publish the Tessel open world simulation models later this year. Tessel Plan 3 "
            "is a forecasting model.")
    assert ("Tessel Plan 3", "open", False) not in stances(nlp, text)


CLASS_LIST_CASES = [
    # members of an open or closed class named before a list take its stance; the subject does not
    ("On coding, Quill 9 beats openly licensed models such as Lumen 4, Vega-3 Mini and Orca 5 by a wide margin.",
     {("Lumen 4", "open", False), ("Vega-3 Mini", "open", False), ("Orca 5", "open", False)}),
    ("The strongest open-weight alternatives - Lumen 4 and Orca 5 - still trail Quill 9.",
     {("Lumen 4", "open", False), ("Orca 5", "open", False)}),
    ("On the benchmark, Quill 9 is cheaper than proprietary systems like Kite 5 and Nimbus 2 Pro.",
     {("Kite 5", "closed", False), ("Nimbus 2 Pro", "closed", False)}),
    ("Unlike non-open models such as Kite 5, Quill 9 can run on your own servers.", {("Kite 5", "closed", False)}),
    # negatives: a list with no class word, and a promised class
    ("Quill 9 was compared with Kite 5 and Nimbus 2 Pro in the open.", set()),
    ("Penrose intends to release open models such as Quill 10 next year.", {("Quill 10", "open", True)}),
    ("New open-weight models such as Quill 11 will be published by March, the lab said.",
     {("Quill 11", "open", True)}),
]


def test_licence_of_a_planned_release_is_planned(nlp):
    text = ("Halden Fjord launched Fjord-1 this spring. The new lab intends to release all of its future work with "
            "downloadable weights under the Apache 2.0 licence, its founder said.")
    got = stances(nlp, text)
    assert ("Fjord-1", "open", False) not in got


def test_other_members_of_a_class_named_after_a_colon(nlp):
    text = ("Quill 9 needs more memory than other open-weight models: it peaks at 90 GB, above Lumen 4 (60 GB) "
            "and Orca 5 (70 GB).")
    assert {("Quill 9", "open", False), ("Lumen 4", "open", False), ("Orca 5", "open", False)} <= stances(nlp, text)
    # negative: without "other ... models:" a comparison gives the compared models no stance
    text = "Quill 9 is an open-weight model. It peaks at 90 GB, above Lumen 4 (60 GB) and Orca 5 (70 GB)."
    got = stances(nlp, text)
    assert ("Quill 9", "open", False) in got and not {m for m, _, _ in got} & {"Lumen 4", "Orca 5"}


def test_licence_of_code_is_not_a_stance_and_elliptic_negation_is_closed(nlp):
    text = ("The inference code for Kite 5 is available under the MIT license on GitHub, but the model weights "
            "are not.")
    assert stances(nlp, text) == {("Kite 5", "closed", False)}
    assert stances(nlp, "The evaluation harness the team used for Kite 5 is Apache 2.0 licensed.") == set()
    # negative: the model and its code released together under a licence is open
    text = "Penrose released Quill 4 and its training code under Apache 2.0 on Monday."
    assert stances(nlp, text) == {("Quill 4", "open", False)}


def table_stance_set(nlp, tables, text="We compared Lumen 4 and Kite 5, two new models."):
    ex = extract(nlp, CleanDocument(title="Notes", text=text, tables=tables))
    return {(s.model, s.stance, s.license) for s in ex.stances}


def test_licence_column_and_weights_row_in_tables(nlp):
    column = ("<table><tr><th>Model</th><th>Size</th><th>Licence</th></tr>"
              "<tr><td>Lumen 4</td><td>9B</td><td>Apache 2.0</td></tr>"
              "<tr><td>Kite 5</td><td>n/a</td><td>Proprietary</td></tr></table>")
    assert table_stance_set(nlp, [column]) == {("Lumen 4", "open", "Apache 2.0"), ("Kite 5", "closed", None)}
    row = ("<table><tr><th></th><th>Lumen 4</th><th>Kite 5</th></tr>"
           "<tr><td>Weights available</td><td>Yes</td><td>No</td></tr>"
           "<tr><td>GPQA Diamond</td><td>61.0</td><td>70.2</td></tr></table>")
    assert table_stance_set(nlp, [row]) == {("Lumen 4", "open", None), ("Kite 5", "closed", None)}
    # a text copy of a table ("cell | cell" lines) is read the same way
    text = "We compared Lumen 4 and Kite 5, two new models.\n\nModel | Size | License\nLumen 4 | 9B | MIT\n"
    assert ("Lumen 4", "open", "MIT") in table_stance_set(nlp, [], text)


def test_tables_without_a_licence_column_state_no_stance(nlp):
    scores = ("<table><tr><th>Model</th><th>MMLU</th><th>Notes</th></tr>"
              "<tr><td>Lumen 4</td><td>80.1</td><td>Yes</td></tr>"
              "<tr><td>Kite 5</td><td>85.0</td><td>MIT researchers helped</td></tr></table>")
    assert table_stance_set(nlp, [scores]) == set()


# one sentence-level check for every case list above (general shapes, licences and mentions, class lists)
@pytest.mark.parametrize("text,expected", CASES + LICENCE_AND_MENTION_CASES + CLASS_LIST_CASES)
def test_stance_shapes(nlp, text, expected):
    assert stances(nlp, text) == expected


# Issue 12 item 5: "open-source" said of a tool, stack, dataset or agent, and a base model a derivative was
# built from, are not a model's stance.
NOT_A_MODEL_STANCE = [
    ("Penrose also open-sourced the Quill 4 tools it used for evaluation, so others can rerun the suite.",
     ("Quill 4", "open", False)),
    ("Thanks to the maintainers for integrating Quill 4 into our open source stack last month.",
     ("Quill 4", "open", False)),
    ("Sorrel-Coder 7B is released under Apache 2.0 and was fine-tuned from Quill 4.",
     ("Quill 4", "open", False)),
]


@pytest.mark.parametrize("text,event", NOT_A_MODEL_STANCE)
def test_open_source_of_a_thing_or_a_base_model_is_not_its_stance(nlp, text, event):
    assert event not in stances(nlp, text), stances(nlp, text)


def test_derivative_keeps_its_own_open_stance(nlp):
    got = stances(nlp, "Sorrel-Coder 7B is released under Apache 2.0 and was fine-tuned from Quill 4.")
    assert ("Sorrel-Coder 7B", "open", False) in got, got


def test_models_compared_with_are_not_given_the_subjects_stance(nlp):
    got = stances(nlp, "Sorrel 3 is an open-weight model that rivals Quill 4 and Kite 5 on coding tasks.")
    assert ("Sorrel 3", "open", False) in got, got
    assert not {("Quill 4", "open", False), ("Kite 5", "open", False)} & got, got


def test_class_intro_still_names_its_members(nlp):
    got = stances(nlp, "Sorrel 3 beats other open models such as Quill 4 and Kite 5 on coding tasks.")
    assert {("Quill 4", "open", False), ("Kite 5", "open", False)} <= got, got


def test_a_rumoured_open_release_is_no_stance(nlp):
    assert stances(nlp, "Next week Quill 5 is rumored to drop as an open-weight model.") == set()
    # the vendor's own promise stays a plan
    assert ("Quill 5 Mini", "open", True) in stances(nlp, "Penrose plans to open-source Quill 5 Mini next year.")


def test_a_licence_named_after_a_base_model_gives_the_subject_its_stance(nlp):
    got = stances(nlp, "Sorrel-Coder 7B is derived from Quill 4 Base and is licensed under the Quill 4 license.")
    assert ("Sorrel-Coder 7B", "open", False) in got, got
    assert not {m for m, _, _ in got} & {"Quill 4", "Quill 4 Base"}, got


def test_behind_closed_doors_is_an_idiom_not_a_stance(nlp):
    text = "Penrose released Quill 5 on Monday. \u201cYou cannot make it safe by keeping it behind closed doors,\u201d she said."
    assert ("Quill 5", "closed", False) not in stances(nlp, text)


# A roundup's list under a short "open" heading: the first model of each item is open (issue 12 item 5).
def test_models_listed_under_an_open_source_heading_are_open(nlp):
    text = ("Weekly notes from the lab: Heron 2, Sable 3 and Lumen 4 Mini were released this week.\n\n"
            "- Open-weights releases\n- Orrin - Heron 2 456B - a 456B reasoning model (Paper, HF)\n"
            "- Tessaly ships the Lumen 4 Mini model, which beats the Kite 5 model on coding (X, HF)\n"
            "- Sable 3 - the training recipe of the Sable 3 model (Paper, Github)\n- Closed labs and APIs\n"
            "- Penrose puts the Quill 9 model in its app (Blog)\n\n"
            "The Heron 2 model was the week's surprise, ahead of Quill 9 and Sable 3.")
    got = stances(nlp, text)
    assert {("Heron 2", "open", False), ("Lumen 4 Mini", "open", False)} <= got, got
    # negatives: a compared model, an item of code only, an item under another heading, a size in the name
    assert not {m for m, _, _ in got} & {"Kite 5", "Quill 9", "Sable 3", "Heron 2 456B"}, got
    text = ("Heron 2 and Lumen 4 Mini were released this week.\n\n- Big labs this week\n"
            "- Orrin launches the Heron 2 model in its app (X, Blog)\n- Tessaly ships the Lumen 4 Mini model (Blog)")
    assert stances(nlp, text) == set()


# "it" points to the model the last sentences were about; "the weights" to the article's own model.
def test_it_means_the_model_of_the_last_sentences(nlp):
    text = ("Penrose put Quill 9 into its chat app this week. Separately, Tessaly released Lumen 4 for robot arms, "
            "trained on simulated grasps. It is open-weight and small enough for a laptop.")
    got = stances(nlp, text)
    assert ("Lumen 4", "open", False) in got and ("Quill 9", "open", False) not in got, got
    # negative: "the weights" of the article's own model, although another model was named just before
    text = ("Quill 9: our new model\n\nQuill 9 is our best model yet. It handles code better than Kite 5 does. "
            "The weights are now available on Hugging Face.")
    got = stances(nlp, text)
    assert ("Quill 9", "open", False) in got and ("Kite 5", "open", False) not in got, got


def test_a_family_named_after_its_company_is_the_company_unless_a_model_noun_follows(nlp):
    # a family that shares its maker's name ("Mistral"): the company releasing something is no model's stance
    got = stances(nlp, "After a quiet spring, Mistral is back, and this time everything ships under Apache 2.0.")
    assert not {m for m, _, _ in got} & {"Mistral", "Mistral AI"}, got
    # negative: the family word followed by "models" names the models
    got = stances(nlp, "All Mistral models from the spring batch are open-weight.")
    assert ("Mistral", "open", False) in got, got


def test_a_weights_cue_without_a_name_in_a_story_about_one_model(nlp):
    text = ("Penrose launches Quill 9 for enterprise coding\n\nPenrose released Quill 9 on Tuesday, a model that "
            "beats Kite 5 on the lab's coding suite. Quill 9 costs less than Kite 5 per task.\n\nCan I run it "
            "myself?\n\nNo. API and enterprise plans only; there are no open weights.")
    assert ("Quill 9", "closed", False) in stances(nlp, text)
    # negatives: a roundup of many models, and a bare "open source" remark, leave the model without a stance
    # negative: "a powerful open-weight model" is any model, not the story's
    text = ("Penrose launches Quill 9\n\nPenrose released Quill 9 on Tuesday, which beats Kite 5. Quill 9 is fast."
            "\n\nEvery month another lab releases a powerful open-weight model for coding.")
    assert stances(nlp, text) == set()
    roundup = ("This week in models\n\n" + " ".join(f"Lab {i} shipped the Vega {i} model." for i in range(2, 12))
               + "\n\nThere are no open weights.")
    assert stances(nlp, roundup) == set()
    text = ("Penrose launches Quill 9\n\nPenrose released Quill 9 on Tuesday, which beats Kite 5. Quill 9 is fast."
            "\n\nThe open source community was quick to react.")
    assert stances(nlp, text) == set()


def test_a_class_named_as_the_yardstick_of_a_comparison_is_not_the_subjects_stance(nlp):
    got = stances(nlp, "In the lab's tests, Quill 9 performs on par with leading closed-source models on long "
                       "documents.")
    assert ("Quill 9", "closed", False) not in got, got
    # negative: "than other open models" says the subject is one of them
    got = stances(nlp, "In the lab's tests, Quill 9 scores higher than other open-weight models on long documents.")
    assert ("Quill 9", "open", False) in got, got


def test_licence_names_fragments_and_citations_are_not_models_taking_a_stance(nlp):
    # no subject before the licence: the licence's own name ("Heron license") is not the model
    got = stances(nlp, "These checkpoints are released under the Heron 2 Community License, see the repository.")
    assert ("Heron 2", "open", False) not in got, got
    # a bare tier word is a fragment of a longer name
    got = stances(nlp, "Corvid shipped two tiers of Quill 9: an open-weights Small and an API-only Medium model.")
    assert not {m for m, _, _ in got} & {"Small", "Medium"}, got
    got = stances(nlp, "With 2 versions, an open-weights Quill 9 Small and an API-only Quill 9 Medium, Corvid "
                       "covers both.")
    assert not {m for m, _, _ in got} & {"With 2"}, got
    # a citation entry states nothing
    assert stances(nlp, "@misc{quill9, title = {Quill 9: A Family of Open Models}, year = {2026}}") == set()
    # negative: the subject before the licence keeps its stance
    got = stances(nlp, "Quill 9 is released under the Heron 2 Community License.")
    assert ("Quill 9", "open", False) in got, got


def test_a_size_after_a_name_is_not_another_family_member(nlp):
    got = stances(nlp, "Orrin released Heron 2 as open weights today. Heron 2 456B needs eight GPUs; Heron 2 Mini runs "
                       "on a laptop.")
    assert ("Heron 2", "open", False) in got and ("Heron 2 456B", "open", False) not in got, got


# A line whose link list names a Hugging Face page: the weights are published (issue 12 item 5).
def test_a_line_linking_the_weights_page_is_open(nlp):
    text = ("Weekly notes: Heron 2 and Lumen 4 Mini shipped.\n\n- Orrin ships Heron 2, a 7B reasoning model "
            "(X, HF, Blog)\n- Tessaly puts Lumen 4 Mini in its app (X, Blog)")
    assert stances(nlp, text) == {("Heron 2", "open", False)}
    # negative: the line itself says API-only
    text = "Weekly notes: Heron 2 shipped.\n\n- Orrin ships Heron 2, an API-only reasoning model (X, HF)"
    assert stances(nlp, text) == {("Heron 2", "closed", False)}


STANCE_SCOPE_CASES = [
    # the people around open models are not a model's stance; "for research use" still is
    ("Quill 9 is popular with open model users.", set()),
    ("Quill 9 is open-sourced for research use.", {("Quill 9", "open", False)}),
    ("Orrin released Quill 9 and made it available to the open-source community.", {("Quill 9", "open", False)}),
    # "comparable to X" makes X a yardstick
    ("Quill 9 is an open model comparable to Kite 5 on coding.", {("Quill 9", "open", False)}),
    # "open models like ..." speaks of its examples, not of the names listed before it; a predicate still does
    ("The lab tested Quill 9, Kite 5, and open models like the new Orrin release.", set()),
    ("Lumen 4 comprises several open models such as a speech recogniser.", {("Lumen 4", "open", False)}),
    # a tier word after the cue names that tier of the family; with no family named, nothing
    ("Orrin released Quill 9 in two flavours: an open-source Small version and an API-only Medium version.",
     {("Quill 9 Small", "open", False), ("Quill 9 Medium", "closed", False)}),
    ("With two tiers, an open-weights Small and an API-only Medium, the lab covers both.", set()),
    # the subject of "has open-sourced" releases; its object is the open model
    ("Lumen 4 has open-sourced an 8B instruction model, Lumen 4 Chat, built for laptops.",
     {("Lumen 4 Chat", "open", False)}),
    ("Lumen 4 has been open-sourced by Orrin.", {("Lumen 4", "open", False)}),
    # a Creative Commons licence is an open licence; "X checkpoints are licensed" is not a licence's name
    ("Quill 9 checkpoints are licensed under CC BY-SA 4.0 for everyone.", {("Quill 9", "open", False)}),
    ("The Quill 9 dataset is licensed under CC BY-SA 4.0.", set()),
]


@pytest.mark.parametrize("text,expected", STANCE_SCOPE_CASES)
def test_stance_scope(nlp, text, expected):
    assert stances(nlp, text) == expected


# A licence section of a model card: "the code and weights" are licensed together; "this series" is the card's
# own model, unless the sentence names another series that no mention caught.
def test_licence_section_of_a_model_card(nlp):
    assert stances(nlp, "The code and weights of Quill 9 are distributed under the Apache 2.0 license.") == {
        ("Quill 9", "open", False)}
    head = "Quill 9: our new model\n\nQuill 9 is our best model yet. Quill 9 runs on laptops.\n\nLicense\n\n"
    ex = extract(nlp, CleanDocument(title="Quill 9: our new model",
                                    text=head + "The code and weights are distributed under the MIT license."))
    assert {(s.model, s.stance) for s in ex.stances} == {("Quill 9", "open")}
    # negative: the sentence names its own series, which is not the card's model
    ex = extract(nlp, CleanDocument(title="Quill 9: our new model", text=head + (
        "The code and weights of the Heron series are distributed under the MIT license.")))
    assert not ex.stances
    text = ("Quill 9 Embed: new embedding models\n\nQuill 9 Embed is our best embedding model. Quill 9 Embed ranks "
            "documents well, better than Kite 5.\n\nWe have open-sourced this series of embedding models under the "
            "Apache 2.0 license.")
    ex = extract(nlp, CleanDocument(title="Quill 9 Embed: new embedding models", text=text))
    assert {(s.model, s.stance) for s in ex.stances} == {("Quill 9 Embed", "open")}


# A sentence ending in a colon that calls the list after it open models: each item that starts with a model.
def test_items_under_a_sentence_introducing_open_models(nlp):
    text = ("Orrin has shipped many models.\n\nLooking back, Orrin's major open models are as follows:\n\n"
            "- Heron 2 -- shipped in May (7B, 13B): a small model\n- Heron 3 -- shipped in June: a bigger one\n"
            "- In July: Heron 4, a tiny model\n\nThe rest is history.")
    assert stances(nlp, text) == {("Heron 2", "open", False), ("Heron 3", "open", False)}
    # negative: a promised list is no release
    text = ("Orrin has shipped many models.\n\nOrrin's open models for next year are as follows:\n\n"
            "- Heron 5 -- due in May\n- Heron 6 -- due in June")
    assert not {m for m, _, planned in stances(nlp, text) if m or not planned}


# "We release both 8B and 32B models": each size is the one model of the article's family with that size.
def test_models_named_by_their_sizes(nlp):
    head = ("Heron 32B: our new vision models\n\nHeron 32B beats Kite 8B on charts. Heron 8B runs on phones. "
            "Heron 32B and Heron 8B share a tokenizer.\n\n")
    ex = extract(nlp, CleanDocument(title="Heron 32B: our new vision models",
                                    text=head + "We release both 8B and 32B models as open weights for researchers."))
    assert {(s.model, s.stance) for s in ex.stances} == {("Heron 8B", "open"), ("Heron 32B", "open")}
    # negative: sizes the article gives no model for name nobody
    ex = extract(nlp, CleanDocument(title="Heron 32B: our new vision models",
                                    text=head + "We release both 7B and 70B models as open weights for researchers."))
    assert ("Heron 8B", "open") not in {(s.model, s.stance) for s in ex.stances}


NEWS_SHAPES = [
    # a model in apposition to "an open-weight model"; negative: a later name in another phrase
    ("Kite 5 refused the task, and so did Lumen 4 and Vega 3. Kite 5 is the most used of them. The team finished "
     "only after switching to a small open-weight model, Quill 9, run locally.", {("Quill 9", "open", False)}),
    ("Kite 5 refused the task, and so did Lumen 4 and Vega 3. Kite 5 is the most used of them. The team finished "
     "only after switching to a small open-weight model, and later to Quill 9, run locally.", set()),
    # withheld as too dangerous is closed; "too slow to release" is no stance
    ("Penrose released Quill 9 on Monday. Penrose calls Quill 9 too dangerous to release publicly.",
     {("Quill 9", "closed", False)}),
    ("Penrose released Quill 9 on Monday. Penrose calls Quill 9 too slow to release publicly.", set()),
    ("Penrose released Quill 9 on Monday. Quill 9 is the first broad release of its class, after the lab said the "
     "class was so capable that it was too dangerous to release publicly.", set()),
    # a headline's "Org to open source ..." is a promise; "We decided to release ..." is a release
    ("Penrose released Quill 9 last week.\n\nOrrin to open source its most powerful AI model\n\nMore news.",
     {(None, "open", True)}),
    ("Penrose released Quill 9 last week. We decided to release Quill 9 Mini under the MIT license.",
     {("Quill 9 Mini", "open", False)}),
]


@pytest.mark.parametrize("text,expected", NEWS_SHAPES)
def test_news_shapes(nlp, text, expected):
    assert stances(nlp, text) == expected


def test_released_checkpoints_in_a_story_about_one_model(nlp):
    head = "Quill 9: a linear attention model\n\nQuill 9 is our new model. Quill 9 reads long documents fast.\n\n"

    def got(tail: str) -> set:
        ex = extract(nlp, CleanDocument(title="Quill 9: a linear attention model", text=head + tail))
        return {(s.model, s.stance, s.planned) for s in ex.stances}

    assert got("We open-sourced the Lumen kernel and released two model checkpoints trained on 5T tokens.") == {
        ("Quill 9", "open", False)}
    # negatives: withheld checkpoints are closed, and checkpoints still to come are no release
    assert got("We have not released the checkpoints.") == {("Quill 9", "closed", False)}
    assert ("Quill 9", "open", False) not in got(
        "We open-sourced the Lumen kernel, and the checkpoints will follow once testing is complete.")


PRECISION_SHAPES = [
    # a contrast with another licence ("under X's terms, not under Apache 2.0") is not a closed stance;
    # negative: "is not under the MIT license" alone stays closed
    ("Penrose released Quill 9 on Monday. The new Quill 9 checkpoints are licensed under Orrin terms, not under "
     "Apache 2.0 like the older ones.", set()),
    ("Penrose released Quill 9 on Monday. Quill 9 is not under the MIT license.", {("Quill 9", "closed", False)}),
    # a model named as the level another is on is a yardstick ("on the level of X"); negative: "X is open"
    ("Kite 5 is on the level of the small Lumen 4 models and is open-source.", {("Kite 5", "open", False)}),
    ("Kite 5 is fast. Lumen 4 is open-source.", {("Lumen 4", "open", False)}),
    # weights not public yet: a release to come (a plan), not a closed model; negative: no "yet"
    ("Penrose released Quill 9 on Monday. Quill 9 weights are not public yet.", {("Quill 9", "open", True)}),
    ("Penrose released Quill 9 on Monday. Quill 9 weights are not public.", {("Quill 9", "closed", False)}),
    ("Penrose released Quill 9 on Monday. Quill 9 is not open-source, yet it is popular.",
     {("Quill 9", "closed", False)}),
    # "it" after a sentence that names a model only as a comparison means the earlier subject
    ("Kite 5 is a dense model. It is a fast model (earning it many comparisons to Lumen 4), which means it is cheap. "
     "It is the new best open model by a clear margin.", {("Kite 5", "open", False)}),
    # a model named after "outpacing" is a yardstick, so "it" in the next sentence is not that model
    ("Penrose releases Quill 9 today. Quill 9 is fast. The new model scores well, outpacing larger models like "
     "Lumen 4. It is now hosted on Hugging Face.", {("Quill 9", "open", False)}),
    # "the MIT license will make it popular" is no promise; negative: "will make the weights available"
    ("Penrose released Quill 9 under the MIT license. The MIT license will make it popular with builders.",
     {("Quill 9", "open", False)}),
    ("Penrose will make the Quill 9 weights available on Hugging Face.", {("Quill 9", "open", True)}),
    # the base checkpoint of a model was withheld: no stance for the model nor the sentence's subject;
    # negative: the model itself withheld
    ("We compare against Kite 5 because the base checkpoint for Lumen 4 was not open-sourced at the time.", set()),
    ("We compare against Kite 5 because Lumen 4 was not open-sourced at the time.", {("Lumen 4", "closed", False)}),
]


@pytest.mark.parametrize("text,expected", PRECISION_SHAPES)
def test_precision_shapes(nlp, text, expected):
    assert stances(nlp, text) == expected


def test_licence_field_of_a_model_card(nlp):
    card = "Quill 9-Vision is a vision model from Penrose. Quill 9-Vision reads charts and tables.\n\n"
    assert stances(nlp, card + "- Developed by: Penrose\n- License: Apache 2.0\n") == {("Quill 9-Vision", "open", False)}
    # the family named in the field is the card's model; a custom community licence counts
    assert stances(nlp, card + "License: Use of Quill 9 is governed by the Quill 9 Community License.\n") == {
        ("Quill 9-Vision", "open", False)}
    # negatives: a proprietary licence, a code licence, and a roundup of several models
    assert stances(nlp, card + "- License: proprietary\n") == {("Quill 9-Vision", "closed", False)}
    assert stances(nlp, card + "- Code license: MIT\n") == set()
    # the most named model appears only in a usage section far below the opening lines: not the card's model
    usage = "Retrieval notes\n\n" + "These embedders map text to vectors for search and ranking tasks. " * 8 + "\n\n"
    assert stances(nlp, usage + card + "- License: Apache 2.0\n") == set()
    assert stances(nlp, "Quill 9, Kite 5, Lumen 4 and Vega 3 are new this week. Kite 5 is fast.\n\n"
                        "- License: Apache 2.0\n") == set()


def test_a_vendor_launch_through_its_own_api_is_closed(nlp):
    launch = "Heron-MT 2 update\n\nHere we introduce the latest update of Heron-MT 2 via the Orrin API. "
    assert stances(nlp, launch + "Heron-MT 2 translates 90 languages.") == {("Heron-MT 2", "closed", False)}
    # negatives: the same post pointing at downloadable weights, and a reporter's "available in the API"
    assert stances(nlp, launch + "The weights are on Hugging Face.") == {("Heron-MT 2", "open", False)}
    assert stances(nlp, "Heron-MT 2 is now available in the Orrin API, the company said.") == set()


CLASS_AND_ACCESS_SHAPES = [
    # a class named with a short qualifier or as "giants" before its examples; negative: no class word
    ("From open models like Quill 9 to proprietary models with sounds like Kite 5, video had a big year.",
     {("Quill 9", "open", False), ("Kite 5", "closed", False)}),
    ("From open models like Quill 9 to proprietary giants like Kite 5, video had a big year.",
     {("Quill 9", "open", False), ("Kite 5", "closed", False)}),
    ("From open models like Quill 9 to giants like Kite 5, video had a big year.", {("Quill 9", "open", False)}),
    # offered only to paying subscribers is closed; negative: subscribers merely mentioned
    ("Penrose launched Kite 5 Deep mode exclusively for Ultra subscribers, and it is hitting 45% on ARC-AGI-2.",
     {("Kite 5 Deep", "closed", False)}),
    ("Penrose launched Kite 5 Deep mode for everyone, and Ultra subscribers get it first.", set()),
    # "comments on open models" is a topic; negative: a model joining the open models of the year
    ("Penrose released Quill 9 this week. It covers one narrow piece, its limited comments on open models.", set()),
    ("Penrose released Quill 9 this week. It says we should increase investment in open models.", set()),
    ("Penrose released Quill 9 this week. Quill 9 joins the open models of the year.", {("Quill 9", "open", False)}),
]


@pytest.mark.parametrize("text,expected", CLASS_AND_ACCESS_SHAPES)
def test_class_and_access_shapes(nlp, text, expected):
    assert stances(nlp, text) == expected


def test_a_model_that_can_only_be_used_through_the_vendors_api_is_closed_beside_an_open_sibling(nlp):
    text = ("Tarn Compute released two models. The smaller Tarn-4 Lite is available for download under the Apache "
            "2.0 licence, while the larger Tarn-4 can only be used through the company's API.")
    got = {(e.model, e.stance) for e in extract(nlp, CleanDocument(title="Notes", text=text, outlet="Wire")).stances}
    assert got == {("Tarn-4 Lite", "open"), ("Tarn-4", "closed")}
    # without "only", an API is one way among others, not a closed stance
    text = "Tarn Compute released Tarn-4. Tarn-4 can be used through the company's API or on partner clouds."
    got = {(e.model, e.stance) for e in extract(nlp, CleanDocument(title="Notes", text=text, outlet="Wire")).stances}
    assert ("Tarn-4", "closed") not in got
