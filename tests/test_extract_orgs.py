"""Organisations the NER misses or names once: class-noun lists, coordination with a known org, names
ending in a company word, objects of founder titles and deals; and what must not become an organisation."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def orgs(nlp, text: str) -> set:
    return {o.name for o in extract(nlp, CleanDocument(title="Notes", text=text)).orgs}


def test_class_noun_list_with_such_as(nlp):
    text = ("Penrose said the new Quill 6 model is already in pilots. Retailers such as Brightmart, Olvera "
            "Foods and Kestrel Outfitters are testing it for customer support.")
    assert {"Brightmart", "Olvera Foods", "Kestrel Outfitters"} <= orgs(nlp, text)


def test_class_noun_list_with_dash_and_parentheses(nlp):
    text = ("Dozens of early adopters - including Tarnwell, Quorvex and Halberd Insurance - signed up in the "
            "first week. It also plugs into payment providers (Stripewell, Paylode) out of the box.")
    found = orgs(nlp, text)
    assert {"Tarnwell", "Quorvex", "Halberd Insurance", "Stripewell", "Paylode"} <= found


def test_class_noun_list_without_connector_needs_several_names(nlp):
    text = "Robotics startups Velmora, Corvid Dynamics and Kyloe are building on the platform."
    assert {"Velmora", "Corvid Dynamics", "Kyloe"} <= orgs(nlp, text)


def test_singular_class_noun_before_a_name(nlp):
    text = "The chip startup Zephyrine said it had raised new money, and security firm Ostrava Shield agreed."
    found = orgs(nlp, text)
    assert "Zephyrine" in found


def test_coordination_with_a_known_organisation(nlp):
    text = "Brannock and IBM are piloting the retrieval models in their support centres."
    assert {"Brannock", "IBM"} <= orgs(nlp, text)


def test_company_word_and_founder_object(nlp):
    assert "Helion Labs" in orgs(nlp, "The Paris-based Helion Labs shipped Quill 6 on Monday.")
    assert not [o for o in orgs(nlp, "The Paris-based Helion Labs shipped Quill 6.") if "Paris" in o]
    text = ("She spent a decade at Merrow Robotics before the acquisition of Tideline, and is a co-founder of "
            "Quillfeather, a small research shop.")
    found = orgs(nlp, text)
    assert {"Merrow Robotics", "Tideline", "Quillfeather"} <= found


def test_lists_that_are_not_organisations(nlp):
    text = ("At Computex, Penrose showed its boards. Models such as Quill 6 and Quill 6 Mini run on them. "
            "The weights are available on Modelhub and Hugging Face. Engineers like Dana Whitcombe and Omar Haddad "
            "spoke on stage, and customers in Lisbon and Porto tried the demo. Google and Sundar Pichai were "
            "not mentioned.")
    found = orgs(nlp, text)
    assert not {"Computex", "Quill 6", "Quill 6 Mini", "Dana Whitcombe", "Omar Haddad", "Lisbon", "Porto",
                "Sundar Pichai", "Modelhub"} & found


def test_licence_named_as_licence_is_not_the_university(nlp):
    text = ("Moonrise shipped Lyra 3 under a modified MIT license. The terms say the Software must show the "
            "\"Lyra 3\" name; we checked and \"modified MIT\" is how the company describes it.")
    found = orgs(nlp, text)
    assert not {"MIT", "Software"} & found
    text2 = "Researchers at MIT released Lyra 3 under the MIT license."
    assert "MIT" in orgs(nlp, text2)


def test_maker_named_only_inside_a_model_name_is_not_listed(nlp):
    text = "We compared DeepSeek V4 Pro against two smaller models on our laptop."
    assert "DeepSeek" not in orgs(nlp, text)
    assert "DeepSeek" in orgs(nlp, "DeepSeek released DeepSeek V4 Pro on Tuesday.")


def test_title_cased_heading_is_not_a_company(nlp):
    text = "Building Better Recommender Systems With Quill 6\n\nWe tried Quill 6 on our feeds."
    assert not [o for o in orgs(nlp, text) if "Recommender" in o]


def test_institutions_named_once(nlp):
    text = ("Loneliness was declared a health priority by the World Health Organization last year, and the "
            "Lisbon Tutoring Academy reports that its Quill 6 helper reached 20,000 pupils.")
    found = orgs(nlp, text)
    assert {"World Health Organization", "Lisbon Tutoring Academy"} <= found
    # negative: a title-cased heading ending in such a word
    assert not [o for o in orgs(nlp, "Notes From The Model Evaluation Academy\n\nWe ran Quill 6 again.")
                if "Academy" in o]


def test_another_name_of_an_organisation_is_reported_as_written(nlp):
    found = orgs(nlp, "Researchers at Ai2 trained the model, and DeepMind replied with a paper of its own a week later.")
    assert {"Ai2", "DeepMind"} <= found, found
    assert not {"Allen Institute for AI", "Google DeepMind"} & found, found


def test_same_name_spelled_differently_and_short_forms_keep_one_spelling(nlp):
    found = orgs(nlp, "The weights sit on HuggingFace. Moonshot AI trained it, and Moonshot says a larger one follows.")
    assert "Hugging Face" in found and "HuggingFace" not in found, found
    assert "Moonshot AI" in found and "Moonshot" not in found, found  # a short form beside the full name


def test_organisation_name_used_for_a_product_is_not_a_spelling(nlp):
    found = orgs(nlp, "Meta says the feature ships first in the Meta AI app, where it reads food photos.")
    assert "Meta" in found and "Meta AI" not in found, found


def test_identifiers_in_code_are_not_organisations(nlp):
    text = ("Brannock and IBM are piloting the retrieval model. Load it like this:\n\n```python\n"
            "from quillkit import QuillLoader\nloader = QuillLoader(device='cpu')\n```\n\n"
            "Then call QuillLoader.encode(texts, batch_size=8, normalize=True) on your documents.\n")
    found = orgs(nlp, text)
    assert not [o for o in found if "Quill" in o or "=" in o], found
    assert {"Brannock", "IBM"} <= found, found  # prose outside the code still names organisations


def test_defined_abbreviation_is_a_term_not_an_organisation(nlp):
    from kb.nlp.orglists import defines_abbreviation

    text = "It is a Sparse Gated Experts (SGE) design; SGE layers route tokens, and experts (SGE) help."
    start = text.index("SGE")
    assert defines_abbreviation(text, start, start + 3)
    other = "Shares of Tidewater (TDW) rose."
    assert not defines_abbreviation(other, other.index("TDW"), other.index("TDW") + 3)
    assert "SGE" not in orgs(nlp, text)


def test_name_written_before_a_thing_noun_is_not_an_organisation(nlp):
    from kb.nlp.orglists import thing_names

    text = ("We trained on the Quillon dataset. Quillon covers 40 languages, and Quillon was filtered twice. "
            "Brannock and IBM helped with the release.")
    assert thing_names(text, ["Quillon", "Brannock"]) == {"Quillon"}
    found = orgs(nlp, text)
    assert "Quillon" not in found and "Brannock" in found, found


def test_code_host_used_as_a_place_is_not_an_organisation(nlp):
    hosted = orgs(nlp, "Brannock and IBM trained Quill 6. The weights are on GitHub, and our GitHub repository "
                       "has the scripts.")
    assert "GitHub" not in hosted and "Brannock" in hosted, hosted
    named = orgs(nlp, "Brannock and IBM trained Quill 6. A former GitHub executive now runs the lab, and the code "
                      "is on GitHub.")
    assert "GitHub" in named, named


def test_licence_written_with_a_capital_or_in_a_badge_is_not_the_university(nlp):
    text = ("Brannock and IBM released Quill 6. The weights are licensed under the [MIT License](LICENSE), "
            "and MIT appears again in the model card.")
    assert "MIT" not in orgs(nlp, text)
    assert "MIT" not in orgs(nlp, "Brannock and IBM shipped it. ![badge](https://x.io/badge/License-MIT-blue) MIT.")
    assert "MIT" in orgs(nlp, "Researchers at MIT and IBM found the model careful; MIT will publish the data.")


def test_ampersand_name_from_the_gazetteer_is_one_organisation(nlp):
    found = orgs(nlp, "Brannock and Weights & Biases ran the hackathon; W&B also hosted the evals.")
    assert {"Weights & Biases", "W&B"} <= found and not {"Weights", "Biases"} & found, found


def test_consortium_list_with_connector_words(nlp):
    text = ("Velmora is an active member of open consortia, including the Alliance for Open Tools, Partnership "
            "on Safe Agents and Quorvex, and publishes its evaluations.")
    found = orgs(nlp, text)
    assert {"Alliance for Open Tools", "Partnership on Safe Agents", "Quorvex"} <= found


def test_investor_list_after_the_company_it_backs(nlp):
    text = ("Tarnwell raised $40 million last week. Other investors in Tarnwell include Halberd Capital, "
            "Orrin Partners and Mossgrove.")
    found = orgs(nlp, text)
    assert {"Halberd Capital", "Mossgrove"} <= found
    assert not [o for o in found if "million" in o]


def test_institution_named_once_with_of_or_for(nlp):
    text = ("The rules were drafted with the Department of Coastal Affairs and reviewed by the Institute for "
            "Harbour Studies. Quillfeather said it welcomed the guidance.")
    found = orgs(nlp, text)
    assert {"Department of Coastal Affairs", "Institute for Harbour Studies"} <= found


def test_a_named_thing_with_the_is_no_institution(nlp):
    text = ("Developers should read the Responsible Deployment Handbook before shipping. The Responsible "
            "Deployment Handbook covers red-teaming.")
    assert not [o for o in orgs(nlp, text) if "Handbook" in o]


def test_part_of_a_longer_name_is_not_an_organisation(nlp):
    text = ("Tarnwell filed with the Securities and Exchange Commission on Monday, and Weights & Biases "
            "hosted the launch.")
    found = orgs(nlp, text)
    assert "Exchange Commission" not in found
    assert not {"Weights", "Biases"} & found


def test_heading_coordination_is_not_a_list_of_companies(nlp):
    text = ("Setup\n\nIntegration with Penrose Cloud & Inference Gateways\n\nYou can deploy the Quill 6 model "
            "in two clicks with IBM tooling.")
    found = orgs(nlp, text)
    assert not {"Integration", "Inference Gateways"} & found


def test_a_person_after_the_object_of_a_title_is_cut(nlp):
    text = "The results were summarised by co-founder of Orrin Prize Jane Halloway in a blog post."
    found = orgs(nlp, text)
    assert "Orrin Prize Jane Halloway" not in found


def test_the_organisation_of_a_person_record_is_an_organisation(nlp):
    text = 'Quorvex CTO Dana Whitfield said the new Quill 6 model "changes our triage work".'
    assert "Quorvex" in orgs(nlp, text)


def test_a_scored_benchmark_is_not_an_organisation(nlp):
    text = ("Quill 6 scores 71.2% on TideRetrieval, ahead of Quill 5 at 64.0% on TideRetrieval. "
            "TideRetrieval was built by Penrose.")
    assert "TideRetrieval" not in orgs(nlp, text)


def test_the_subject_of_a_launch_opening_a_list_item(nlp):
    text = ("This week in AI\n\n- Kestrelwave launches an open speech model for call centres\n"
            "- Orrinfold acquires a small robotics shop\n")
    assert {"Kestrelwave", "Orrinfold"} <= orgs(nlp, text)


def test_a_person_launching_something_is_no_organisation(nlp):
    text = "Jane Halloway launches a podcast about the Quill 6 model and its benchmarks."
    assert not [o for o in orgs(nlp, text) if "Halloway" in o]


def test_an_organisation_named_only_as_a_page_is_not_listed(nlp):
    text = ("IBM released Granite 9 today. Want to promote your Hugging Face Page or your product? "
            "Contact us.")
    found = orgs(nlp, text)
    assert "Hugging Face" not in found
    assert "IBM" in found
    assert "Hugging Face" in orgs(nlp, "IBM released Granite 9 today, and Hugging Face hosts the weights.")


def test_a_known_organisation_in_a_table_cell(nlp):
    text = "We release Tern 2 in two sizes. Downloads are listed below."
    html = ("<table><thead><tr><th>Model</th><th>Download</th></tr></thead><tbody>"
            "<tr><td>Tern-2-7B</td><td>Hugging Face</td></tr><tr><td>Tern-2-70B</td><td>Hugging Face</td></tr>"
            "</tbody></table>")
    found = {o.name for o in extract(nlp, CleanDocument(title="Tern 2", text=text, tables=(html,))).orgs}
    assert "Hugging Face" in found


def test_a_known_organisation_opening_a_longer_name_in_a_table_is_not_counted(nlp):
    text = "Tern 2 is compared with other models below."
    html = ("<table><thead><tr><th>Model</th><th>Score</th></tr></thead><tbody>"
            "<tr><td>DeepSeek R9-0101</td><td>61.0</td></tr><tr><td>Tern 2</td><td>60.1</td></tr>"
            "</tbody></table>")
    found = {o.name for o in extract(nlp, CleanDocument(title="Tern 2", text=text, tables=(html,))).orgs}
    assert "DeepSeek" not in found


def test_a_company_in_apposition_and_an_outlet_as_a_source(nlp):
    text = ("Kestrelwave, the startup behind the Tidewater notebook app, raised money this spring, Mossbank Daily "
            "previously reported. Its founder told Wirefold News in an interview that more releases are coming.")
    found = orgs(nlp, text)
    assert {"Kestrelwave", "Mossbank Daily", "Wirefold News"} <= found


def test_a_person_told_or_reporting_is_no_outlet(nlp):
    text = ("The founder told Jane Halloway in an interview that Quill 6 ships soon. Revenue rose, "
            "Kestrelwave reported revenue of $5 million.")
    found = orgs(nlp, text)
    assert not [o for o in found if "Halloway" in o]
