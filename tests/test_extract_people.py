"""People shapes: appositions after verbs, possessives ending in s', 'the company's', bracketed roles."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


CASES = [
    ("Brightline AI released Kite 5 on Monday. Kite 5 was trained in six weeks, said Omar Haddad, who leads "
     "the group as Brightline AI's chief technology officer.", "Omar Haddad", "Brightline AI", "chief technology officer"),
    ("Brightline AI released Kite 5 on Monday. The launch was delayed twice, according to Jonas Weber, the "
     "company's former chief scientist.", "Jonas Weber", "Brightline AI", "former chief scientist"),
    ("Google DeepMind shipped a new planner this week. Reviewers praised it, and Sofia Marquez (head of research "
     "at Google DeepMind) said more was coming.", "Sofia Marquez", "Google DeepMind", "head of research"),
    ("Larkspur Systems' chief executive, Nadia Petrova, said the model would ship in June.",
     "Nadia Petrova", "Larkspur Systems", "chief executive"),
]


@pytest.mark.parametrize("text,name,org,role", CASES)
def test_person_role_and_org(nlp, text, name, org, role):
    people = {p.name: (p.org, p.role) for p in extract(nlp, CleanDocument(title="Notes", text=text)).people}
    assert people.get(name) == (org, role), people
    assert "Larkspur Systems" not in people  # a company NER calls a person


def _people(nlp, text, title="Notes"):
    return {p.name: (p.org, p.role) for p in extract(nlp, CleanDocument(title=title, text=text)).people}


ORG_CASES = [
    # an honorific between the role and the name
    ("Halcyon Labs opened a Lisbon office this spring. Halcyon Labs' chief research officer, Dr. Mei Tanaka, "
     "said hiring would double.", "Mei Tanaka", "Halcyon Labs"),
    # 'who has decided to leave Z' names Z as the person's organisation
    ("The robotics group is changing hands. Tomas Lindqvist, who has decided to leave Corvid Robotics after six "
     "years, will advise the board.", "Tomas Lindqvist", "Corvid Robotics"),
    # 'X runs the ... team at Z'
    ("Ines Duarte runs the evaluation team at Quillfeather. She said most benchmarks saturate within a year.",
     "Ines Duarte", "Quillfeather"),
    # 'our' in a company's own post is that company
    ("Brightline AI released Kite 5 today. As part of the change, Anil Mehra will lead our applied research team "
     "from January. Anil has been with us since 2019.", "Anil Mehra", "Brightline AI"),
    # a well-known person with a role takes the gazetteer's organisation when the text gives none
    ("The keynote by chief executive Lisa Su drew the largest crowd of the week.", "Lisa Su", "AMD"),
    # ... and so does one named beside that organisation
    ("At the AMD event, Lisa Su showed the new accelerator to a full hall.", "Lisa Su", "AMD"),
]


@pytest.mark.parametrize("text,name,org", ORG_CASES)
def test_person_org_shapes(nlp, text, name, org):
    people = _people(nlp, text)
    assert name in people and people[name][0] == org, people


def test_person_the_ner_calls_an_org_is_found_by_who_and_first_name(nlp):
    text = ("I also want to thank Rohan Varghese, who has decided to leave Brightline AI at the end of the quarter. "
            "Rohan built our first training cluster.")
    assert _people(nlp, text).get("Rohan Varghese", (None,))[0] == "Brightline AI"


def test_product_of_a_known_family_is_not_a_person(nlp):
    text = ("Gemini Enterprise now ships with agents. Gemini answers questions about your files, and Nova Forge "
            "lets customers train their own variants.")
    people = _people(nlp, text)
    assert "Gemini Enterprise" not in people and "Nova Forge" not in people, people


def test_headline_names_a_person_the_body_refers_to(nlp):
    people = _people(nlp, "Veltra said on Tuesday that the unit would hire 40 engineers. Mori previously ran the "
                          "company's speech team.", title="Aiko Mori to lead Veltra's new robotics unit")
    assert "Aiko Mori" in people
    # a title-cased heading is not a person
    assert _people(nlp, "This post covers retrieval, summarisation and forgetting. Memory matters.",
                   title="Building Better Agent Memory Systems") == {}


def test_headline_role_fills_the_body(nlp):
    people = _people(nlp, "In a new essay, Okoro argues that small teams will ship most software.",
                     title="Three bets on software, from Quillfeather CTO Dr. Hana Okoro")
    assert people.get("Hana Okoro") == ("Quillfeather", "CTO"), people


def test_author_list_before_a_quoted_title_is_a_citation(nlp):
    text = ("We build on prior work on sensemaking.\nAnn B. Lee, Tom Ford, and Li Wei Chen, \u201cForaging for "
            "answers in long documents\u201d.\nIsaac Romero, an engineer at Corvid Robotics, reviewed the draft.")
    people = _people(nlp, text)
    assert not {"Ann B. Lee", "Tom Ford", "Li Wei Chen"} & set(people), people
    assert "Isaac Romero" in people, people  # 'Isaac' is a first name here


def test_brand_first_name_used_as_a_product_prefix(nlp):
    text = "NVIDIA showed Isaac Sim, Isaac Lab and Isaac Manipulator at the event, along with new robot models."
    assert "Isaac Manipulator" not in _people(nlp, text)


def test_byline_with_a_date_is_not_an_industry_person(nlp):
    text = ("The dashboard shows each shared report as a card.\nWeekly churn summary, authored by Lena Okafor "
            "\u00b7 Mar 3, 2026\nA recent essay by Tariq Benali, head of evaluation at Marlin AI, argues that evals "
            "belong in the product.")
    people = _people(nlp, text)
    assert "Lena Okafor" not in people and "Tariq Benali" in people, people


def test_creator_of_a_project_is_a_role_without_an_organisation(nlp):
    people = _people(nlp, "Following advice from vllm maintainer Chen Jiahao I raised the batch size, and "
                          "throughput doubled on the same card.")
    assert people.get("Chen Jiahao") == (None, "maintainer of vllm"), people


JOURNALISM_CASES = [
    ("Dmitri Volkov, a Sandpiper Labs spokesperson, declined to say how many GPUs the run used.",
     "Dmitri Volkov", "Sandpiper Labs", "spokesperson"),
    ("Priyanka Rao, an engineer at Northwind Robotics, said the arm model learned the task in a day.",
     "Priyanka Rao", "Northwind Robotics", "engineer"),
    ("Yusuf Adeyemi, who co-founded Harrow AI in 2022, called the benchmark results premature.",
     "Yusuf Adeyemi", "Harrow AI", None),
    ("Keller Systems hired Grace Whitman as its chief operating officer in March, the filing shows.",
     "Grace Whitman", "Keller Systems", "chief operating officer"),
    ("Tomasz Nowak, general manager of Orbis Cloud's inference unit, said prices would fall again.",
     "Tomasz Nowak", "Orbis Cloud", "general manager"),
    ("At the panel, Leila Haddad (Corvid Research) argued that open weights help safety work.",
     "Leila Haddad", "Corvid Research", None),
    ("\u201cWe will publish the evals,\u201d said Oren Levi, vice president of research at Marlin AI.",
     "Oren Levi", "Marlin AI", "vice president of research"),
]


@pytest.mark.parametrize("text,name,org,role", JOURNALISM_CASES)
def test_journalism_attributions(nlp, text, name, org, role):
    assert _people(nlp, text).get(name) == (org, role)


def test_role_in_brackets_is_not_an_organisation(nlp):
    people = _people(nlp, "The keynote came from Hana Sato (CEO) and a guest from the board.")
    assert people.get("Hana Sato", (None,))[0] is None, people


def test_person_apposition_is_not_a_discovered_model(nlp):
    ex = extract(nlp, CleanDocument(title="Notes", text="Marek Zielinski, an engineer at Harrow AI, said the model "
                                                        "was trained in three weeks."))
    assert not [m.name for m in ex.models if "Zielinski" in m.name]
    assert {p.name: p.org for p in ex.people}.get("Marek Zielinski") == "Harrow AI"


# Issue 12 item 6: names without a stated role or organisation, and names in credit lists, are no people records.

def test_contributor_list_is_not_people(nlp):
    text = ("Kestrel 3 was built by the Harrow AI model team.\n\nContributors\n\nAmara Osei; Bruno Castell; "
            "Chiara Lentini; Dev Malhotra; Elif Sahin; Farah Qureshi; Gustav Lindgren\n\nThe weights ship next week.")
    assert _people(nlp, text) == {}


def test_thanks_list_with_a_known_person_takes_no_organisation(nlp):
    text = ("I want to thank Amara Osei, Bruno Castell, Sam Altman, Chiara Lentini and Dev Malhotra for the "
            "2019 paper that started all of this.")
    assert _people(nlp, text) == {}


def test_reporting_credit_is_not_a_person_of_that_outlet(nlp):
    text = ("Harrow AI raised $40 million on Monday, the company said.\n\nThe Verge's Nadia Kowalski contributed "
            "to this report.")
    assert "Nadia Kowalski" not in _people(nlp, text)


def test_a_name_with_no_role_or_organisation_is_dropped(nlp):
    text = "The demo reminded Tobias Reinholt of early chess engines, and the room laughed along."
    assert _people(nlp, text) == {}


def test_known_person_named_without_org_or_role_is_dropped(nlp):
    assert "Jensen Huang" not in _people(nlp, "Jensen Huang joined her on stage to talk about faster chips.")


NEW_SHAPES = [
    # 'from' a known organisation, in a newsletter's guest list
    ("On the show this week we had Priya Raman from Hugging Face explaining the new tokenizer.",
     "Priya Raman", "Hugging Face", None),
    # scraped text with a space before the comma, and an organisation before the role
    ("The bill drew support from Marta Quell , the White House chief of staff, on Friday.",
     "Marta Quell", "White House", "chief of staff"),
    # a capitalised organisation and title before the name
    ("Ohio Attorney General Dale Prentiss filed the complaint against the chatbot maker.",
     "Dale Prentiss", "Ohio", "Attorney General"),
    # a guest line: name, dash, role and company
    ("Guests this week:\n- Daniel Foster - Co-founder, Nvidia (@dfoster)\n", "Daniel Foster", "NVIDIA", "Co-founder"),
    # an em-dash apposition
    ("Months after returning to Anthropic, Kofi Mensah \u2014 the company\u2019s head of research \u2014 has left.",
     "Kofi Mensah", "Anthropic", "head of research"),
    # a possessive organisation the gazetteer knows
    ("Anthropic's Maya Goldberg said the eval suite would be published in March.", "Maya Goldberg",
     "Anthropic", None),
]


@pytest.mark.parametrize("text,name,org,role", NEW_SHAPES)
def test_more_role_and_org_shapes(nlp, text, name, org, role):
    assert _people(nlp, text).get(name) == (org, role), _people(nlp, text)


def test_title_before_the_next_name_is_not_this_ones(nlp):
    people = _people(nlp, "Speakers include Ravi Anand from Meta, our CEO Tessa Lowe, CTO Omar Vance and others.")
    assert people.get("Tessa Lowe", (None, None))[1] == "CEO" and people.get("Omar Vance", (None, None))[1] == "CTO", people


def test_link_source_after_a_name_is_not_its_organisation(nlp):
    text = "This week's links:\n- Video editing with Marlow Studio and Pierce Hallam (Arxiv)\n- Agents everywhere (X)\n"
    assert "Pierce Hallam" not in _people(nlp, text)


def test_from_an_untagged_company_gives_the_org_but_a_place_does_not(nlp):
    people = _people(nlp, "This week we hosted Tomasz Wierzbicki from Quillpad, and Maria Delgado from London joined "
                          "the call as well.")
    assert people.get("Tomasz Wierzbicki") == ("Quillpad", None), people
    assert "Maria Delgado" not in people, people


# Issue 12 item 6 (helper e): shapes from newsletters' guest lines and journalism, each with a negative case.

def test_short_org_name_takes_the_full_name_the_document_gives(nlp):
    text = ("Kestrel AI said on Monday that its new model beat rivals. Kestrel co-founder Hana Mori called it a "
            "milestone.")
    assert _people(nlp, text).get("Hana Mori") == ("Kestrel AI", "co-founder")
    # two companies the short name could stand for: the text's own word is kept
    text = ("Kestrel AI said on Monday that its new model beat rivals, while Kestrel Robotics said it would follow. "
            "Kestrel co-founder Hana Mori called it a milestone.")
    assert _people(nlp, text).get("Hana Mori") == ("Kestrel", "co-founder")


CREATOR_CASES = [
    ("Our friend Mira Castell, the creator of Fernwood, joined us to announce a new release.",
     "Mira Castell", "Fernwood", "creator"),
    ("As my friend Paul Okoro (creator of TaskGrid) shared on the show, the model is fast.",
     "Paul Okoro", "TaskGrid", "creator"),
    # a lower-case project is no organisation: it stays in the role
    ("Our friend Mira Castell, the creator of fernwood.js, joined us to announce a new release.",
     "Mira Castell", None, "creator of fernwood.js"),
]


@pytest.mark.parametrize("text,name,org,role", CREATOR_CASES)
def test_creator_of_a_named_project_is_its_organisation(nlp, text, name, org, role):
    assert _people(nlp, text).get(name) == (org, role), _people(nlp, text)


def test_vp_titles_with_a_department(nlp):
    assert _people(nlp, "The keynote came from Ravi Mehta, VP Product AI at Google.").get("Ravi Mehta") == (
        "Google", "VP Product AI")
    assert _people(nlp, "Then we spoke with Dana Whitfield, VP of Product for Google Search, about the "
                        "launch.").get("Dana Whitfield") == ("Google", "VP of Product")
    # a department after 'of' is not an organisation
    assert _people(nlp, "Dana Whitfield, VP of Product, said the launch went well.").get(
        "Dana Whitfield", (None,))[0] is None


def test_guest_line_gives_role_and_unseen_company(nlp):
    text = "Guests this week:\n- Guest: Arjun Patel - CoFounder Quillpad (@apatel)\n- Open models\n"
    assert _people(nlp, text).get("Arjun Patel") == ("Quillpad", "CoFounder")
    # a host line gives no role word: no record
    text = "Show notes:\n- Host - Tom Berg - AI Evangelist & Quillpad (@tberg)\n- Open models\n"
    assert _people(nlp, text) == {}


def test_guest_line_full_name_folds_the_short_forms(nlp):
    text = ("We chatted with Wei Chen from Quillpad about the model. Later Justin Chen showed the demo.\n\n"
            "- Wei Justin Chen - Head of Model Team, Quillpad - @wchen\n")
    people = _people(nlp, text)
    assert people.get("Wei Justin Chen") == ("Quillpad", "Head of Model Team"), people
    assert "Wei Chen" not in people and "Justin Chen" not in people, people


def test_role_of_a_known_org_right_before_a_name(nlp):
    text = "The progress was summarized by co-founder of Hugging Face Oskar Lindahl: the scores doubled."
    assert _people(nlp, text).get("Oskar Lindahl") == ("Hugging Face", "co-founder")
    # an organisation neither the gazetteer nor the NER knows: the words could be anything
    text = "The progress was summarized by co-founder of Lumen Prize Oskar Lindahl: the scores doubled."
    assert "Oskar Lindahl" not in _people(nlp, text)


def test_first_name_read_as_an_unseen_model_does_not_hide_the_person(nlp):
    text = ("We then had the pleasure to host our friend Maxime Labonne, head of Post Training at Liquid AI, to come "
            "and tell us more. Maxime, a legend in the model merging community, explained that the model was designed "
            "for efficiency. Maxime pointed out that it is fast.")
    assert _people(nlp, text).get("Maxime Labonne") == ("Liquid AI", "head of Post Training")


def test_corpus_and_computer_names_are_not_people(nlp):
    text = ("## Beating the Pattern and Reasoning Corpus (PRC)\n\nThe Pattern and Reasoning Corpus (PRC) is an "
            "evaluation introduced in 2021 by a small lab. NVIDIA's Tiny Supercomputer, which ships in May, runs it.")
    assert _people(nlp, text) == {}
    # a person's name beside the same words is still a person
    text = "Corpus work is slow, said Ana Reasoner, an engineer at NVIDIA."
    assert _people(nlp, text).get("Ana Reasoner") == ("NVIDIA", "engineer")


def test_past_organisation_in_brackets(nlp):
    people = _people(nlp, "The new lab is led by Tomas Berg (formerly of Quillpad) and Ana Silva (ex-GitHub CEO), the "
                          "memo says.")
    assert people.get("Tomas Berg") == ("Quillpad", "former"), people
    assert people.get("Ana Silva") == ("GitHub", "former CEO"), people
    # a lower-case phrase in the brackets names no organisation
    assert "Tomas Berg" not in _people(nlp, "The new lab is led by Tomas Berg (formerly of the lab) this year.")


def test_guest_list_with_organisations_in_brackets(nlp):
    text = "Show notes:\n- Guests - Tomas Berg (Quillpad), Ana Silva (Wavecrest)\n- Open models\n"
    people = _people(nlp, text)
    assert people.get("Tomas Berg") == ("Quillpad", None) and people.get("Ana Silva") == ("Wavecrest", None), people
    # the same shape in a line of links is not a guest list
    assert _people(nlp, text.replace("Guests -", "Links -")) == {}


def test_guest_line_with_a_handle_before_the_dash(nlp):
    text = "Show notes:\n- Guest - Tomas Berg (@tberg) - CTO Quillpad\n- Open models\n"
    assert _people(nlp, text).get("Tomas Berg") == ("Quillpad", "CTO")


def test_second_role_joined_by_and_after_a_bare_mention(nlp):
    text = ("This week we had Tomas Berg as a guest. We were lucky to have Tomas Berg, one of the authors of the "
            "Relay post and head of engineering for Cloudflare, join us.")
    assert _people(nlp, text).get("Tomas Berg") == ("Cloudflare", "head of engineering")
    # the organisation after the second role must be one the gazetteer or the NER knows
    text = ("We were lucky to have Tomas Berg, one of the authors of the Relay post and head of engineering for "
            "Lumen Cloud, join us.")
    assert "Tomas Berg" not in _people(nlp, text)


def test_role_running_into_a_preposition_is_no_title(nlp):
    text = ("Cloudflare had already explored the idea. We spoke with the head of engineering for Cloudflare Workers "
            "about it.")
    assert _people(nlp, text) == {}


def test_plural_role_before_a_list_of_names(nlp):
    text = "Kestrel was co-founded in 2023 by former Google researchers Ana Silva, Tomas Berg and Li Wei. It ships."
    people = _people(nlp, text)
    assert {n: people.get(n) for n in ("Ana Silva", "Tomas Berg", "Li Wei")} == {
        n: ("Google", "former researcher") for n in ("Ana Silva", "Tomas Berg", "Li Wei")}, people
    # an organisation nobody knows, or a last name cut short, gives no records
    assert _people(nlp, text.replace("Google", "Lumen")) == {}
    assert "Li Wei" not in _people(nlp, text.replace("Li Wei.", "Li Wei Chen."))


def test_title_words_from_data(nlp):
    text = "Venture capitalist Tomas Berg, a longtime ally of the founders, served as an adviser."
    assert _people(nlp, text).get("Tomas Berg") == (None, "Venture capitalist")
    assert _people(nlp, "Google Gemini co-lead Tomas Berg leaves for a rival lab.").get("Tomas Berg") == (
        "Google", "co-lead")
    # the same word as a verb is no title
    assert _people(nlp, "Later this year Tomas Berg will co-lead a reading group on agents.") == {}


JOURNALISM_MORE = [
    # a former organisation before the title
    ("Former Google engineer Priya Raman said the model is good.", "Priya Raman", "Google", "former engineer"),
    # two roles joined by 'and' before 'of'
    ("Priya Raman, CEO and co-founder of Quillpad, said the model would ship.", "Priya Raman", "Quillpad",
     "CEO and co-founder"),
    # a clause between the hired name and 'as', and no determiner before the role
    ("Quillpad hired Priya Raman, formerly of Google, as chief scientist.", "Priya Raman", "Quillpad", "chief scientist"),
    # 'who heads AI at Y': the word after the verb is not the organisation
    ("Priya Raman, who heads AI at Quillpad, said the model would ship.", "Priya Raman", "Quillpad",
     "heads AI at Quillpad"),
    # ... but 'leave Y at the end of the year' is
    ("I want to thank Rohan Varghese, who has decided to leave Quillpad at the end of this year. Rohan joined "
     "Quillpad in 2013.", "Rohan Varghese", "Quillpad", None),
    # a handle in brackets between the name and the apposition
    ("Priya Raman (@praman), a researcher at Quillpad, posted the results.", "Priya Raman", "Quillpad", "researcher"),
]


@pytest.mark.parametrize("text,name,org,role", JOURNALISM_MORE)
def test_more_journalism_shapes(nlp, text, name, org, role):
    assert _people(nlp, text).get(name) == (org, role), _people(nlp, text)


def test_hired_as_needs_a_role_word(nlp):
    assert "Priya Raman" not in _people(nlp, "Quillpad hired Priya Raman as a consultant for the launch.")


APPOSITION_MORE = [
    ("Priya Raman, who is the CEO of Quillpad, said the model would ship.", "Priya Raman", "Quillpad", "CEO"),
    ("Priya Raman of Hugging Face said the model would ship.", "Priya Raman", "Hugging Face", None),
    ("Priya Raman, a Quillpad co-founder, said the model would ship.", "Priya Raman", "Quillpad", "co-founder"),
    ("Priya Raman, a machine learning engineer at Quillpad, said the model would ship.", "Priya Raman", "Quillpad",
     "machine learning engineer"),
    ("Priya Raman, a research lead at Quillpad, said the model would ship.", "Priya Raman", "Quillpad",
     "research lead"),
    ("Priya Raman, Quillpad's head of developer relations, said the model would ship.", "Priya Raman", "Quillpad",
     "head of developer relations"),
    ("Priya Raman, a former engineer at Quillpad, said the model would ship.", "Priya Raman", "Quillpad",
     "former engineer"),
]


@pytest.mark.parametrize("text,name,org,role", APPOSITION_MORE)
def test_more_apposition_shapes(nlp, text, name, org, role):
    assert _people(nlp, text).get(name) == (org, role), _people(nlp, text)


def test_of_a_place_is_no_organisation(nlp):
    # 'X of Y' counts only for an organisation the gazetteer or the NER knows
    assert "Priya Raman" not in _people(nlp, "Priya Raman of Boston said the model would ship.")
    # a clause word before the role is not part of it
    assert _people(nlp, "Priya Raman, who leads the group as a senior engineer at Quillpad, said it works.").get(
        "Priya Raman") == ("Quillpad", "senior engineer")


def test_byline_line_names_are_authors(nlp):
    text = ("Posted by Priya Raman, Research Scientist, and Tom Berg, Software Engineer, Quillpad Research\n\n"
            "Today we release a small model for code.")
    assert _people(nlp, text) == {}
    # 'By' opening a sentence is no byline
    text = "By Monday, Priya Raman, Quillpad's head of research, expects a release."
    assert _people(nlp, text).get("Priya Raman") == ("Quillpad", "head of research")


def test_known_org_prefers_the_company_over_its_product(nlp):
    text = ("Cloudflare had already explored the idea. We were lucky to have Tomas Berg, one of the authors of the "
            "Relay post and head of engineering for Cloudflare Workers, join us.")
    assert _people(nlp, text).get("Tomas Berg") == ("Cloudflare", "head of engineering")
    # a longer name that ends in a company word is the organisation itself
    text = "Meta is hiring. Tomas Berg, one of the founders and head of research at Meta Superintelligence Labs, spoke."
    assert _people(nlp, text).get("Tomas Berg") == ("Meta Superintelligence Labs", "head of research")


def test_at_a_known_org_and_joined_founder_titles(nlp):
    assert _people(nlp, "Priya Raman at Hugging Face told reporters the model would ship.").get("Priya Raman") == (
        "Hugging Face", None)
    assert "Priya Raman" not in _people(nlp, "Priya Raman at the time told reporters the model would ship.")
    assert _people(nlp, "Co-founder and COO Priya Raman told reporters the model would ship.").get("Priya Raman") == (
        None, "Co-founder and COO")


def test_title_shapes_the_ner_misses(nlp):
    # an organisation and an executive title before a name the NER left untagged
    assert _people(nlp, "\u201cWe will ship,\u201d Quillpad CTO Priya Raman wrote on X.").get("Priya Raman") == (
        "Quillpad", "CTO")
    # a title-cased heading or an event name is no person
    assert _people(nlp, "## Quillpad CEO Summit Recap\n\nThe summit had many talks.") == {}
    assert _people(nlp, "Notes from the Quillpad CEO Summit Recap session are below.") == {}
    # the organisation inside a 'head of' role
    assert _people(nlp, "Priya Raman, the head of Quillpad\u2019s AI lab, said it works.").get("Priya Raman") == (
        "Quillpad", "head of Quillpad's AI lab")


def test_founders_of_the_organisation_an_apposition_names(nlp):
    # the founders of the organisation before the comma, not the past employer in the role words
    text = ("Liquid AI shipped a speech model. Liquid, co- founded in 2022 by former Google researchers Ivo Marsh, "
            "Dana Quill and Tero Lahti, builds small models.")
    people = _people(nlp, text)
    assert [people.get(n) for n in ("Ivo Marsh", "Dana Quill", "Tero Lahti")] == [("Liquid AI", "co-founder")] * 3
    # a founder's current company wins over the past title before the name
    text = "Omar Haddad left Anthropic for Mistral AI, the Paris lab founded by former Anthropic CTO Greta Lindqvist."
    assert _people(nlp, text).get("Greta Lindqvist") == ("Mistral AI", "founder")
    # negative: founding a company is not the same as being named after one ("by" an investor list, no founding)
    text = "Liquid AI, backed by former Google researchers Ivo Marsh and Dana Quill, builds small models."
    assert _people(nlp, text).get("Ivo Marsh") == ("Google", "former researcher")


def test_hired_names_take_their_roles_in_order(nlp):
    text = ("Perplexity (backed by Nvidia) surprised everyone by hiring Omar Haddad and Julia Brenner, two builders "
            "of a rival assistant, as Chief Architect and Head of Product.")
    people = _people(nlp, text)
    assert people.get("Omar Haddad") == ("Perplexity", "Chief Architect")
    assert people.get("Julia Brenner") == ("Perplexity", "Head of Product")
    # negative: as many roles as names or none is given
    text = "Perplexity surprised everyone by hiring Omar Haddad and Julia Brenner as advisers and a Head of Product."
    assert _people(nlp, text).get("Omar Haddad") != ("Perplexity", "Head of Product")


def test_area_chief_titles_and_units(nlp):
    text = ("Three leaders left: Tomas Berglund , the vice president of Anthropic for Science, and Rahul Venkatesan "
            ", tech chief of Enterprise Applications.")
    # a unit of the company is part of the role, not an organisation
    assert _people(nlp, text).get("Rahul Venkatesan") == (None, "tech chief of Enterprise Applications")
    # negative: 'chief' alone after a name is no title
    assert "Rahul Venkatesan" not in _people(nlp, "The chief, Rahul Venkatesan, arrived late to the lab.")


def test_leaders_and_hired_away(nlp):
    text = ("Meta is spending heavily. Led by Ana Whitfield (formerly of Scale AI) and Tomas Berglund (ex-GitHub CEO), "
            "MSL is the company's new research group.")
    people = _people(nlp, text)
    assert people.get("Ana Whitfield") == ("Meta Superintelligence Labs", "leader")
    assert people.get("Tomas Berglund") == ("Meta Superintelligence Labs", "leader")
    # negative: 'led by' inside a sentence about a past project names no current leader of what follows
    text = "The study, led by Ana Whitfield and Tomas Berglund, Meta says, took a year."
    assert _people(nlp, text).get("Ana Whitfield") != ("Meta", "leader")
    # the hiring company, not the one the person left
    text = "Anthropic opened a Zurich office, hired away Google's Rahul Venkatesan for safety work, and raised prices."
    assert _people(nlp, text).get("Rahul Venkatesan") == ("Anthropic", None)
    # negative: without 'away' a possessive names the person's own company
    text = "Anthropic opened a Zurich office, and Google's Rahul Venkatesan praised the move."
    assert _people(nlp, text).get("Rahul Venkatesan") == ("Google", None)


def test_from_a_team_and_list_lines_at_a_known_org(nlp):
    # a model family's name after 'from' is the team the person speaks for
    assert _people(nlp, "Later, Priya Raman from Qwen said the team needed more people.").get("Priya Raman") == (
        "Qwen", None)
    # negative: 'from' a place or a time is no organisation
    assert "Priya Raman" not in _people(nlp, "Later, Priya Raman from 2019 onward said the team needed more people.")
    text = "Guests this week:\n\n* Tomas Berglund - Pretraining at Hugging Face ([@tberg](https://x.com/tberg))\n"
    assert _people(nlp, text).get("Tomas Berglund") == ("Hugging Face", None)
    # negative: an organisation no one knows is not taken from a list line
    text = "Guests this week:\n\n* Tomas Berglund - Pretraining at Home ([@tberg](https://x.com/tberg))\n"
    assert "Tomas Berglund" not in _people(nlp, text)
