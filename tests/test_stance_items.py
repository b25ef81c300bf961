"""Newsletter roundup items: a release read from the item's shape, coordinated names, a family's listed members,
"check out X on Hugging Face", and short names made redundant by a longer one (issue 12, newsletters)."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp
from kb.nlp.records import StanceEvent
from kb.nlp.stance_items import drop_redundant, item_name


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def stances(nlp, text: str) -> set:
    ex = extract(nlp, CleanDocument(title="Weekly notes", text=text))
    return {(s.model, s.stance, s.planned) for s in ex.stances}


ITEM_NAMES = [
    ("- Tessaly - Lumen Vision - 8B & 32B (X, HF)", "Lumen Vision"),
    ("- Nvidia - Kestrel3 SOTA, a fully open 3B reasoner (X, HF)", "Kestrel3"),
    ("- Heron-Edge: ternary LLMs for phones (Blog, HF)", "Heron-Edge"),
    ("- Nvidia Heron-Guard: small safety reasoning models (X, HF)", "Heron-Guard"),
    ("Nvidia drops heron-guard - open-weight safety models for moderation (X, HF)", "heron-guard"),
    ("Lumen World Model 2.0 launches as an open-source world generator (X, HF)", "Lumen World Model 2.0"),
    ("- Nvidia - Quorra-7 212B MoE (X, HF, Blog)", "Quorra-7"),
    ("- Tavi - Quorra Sound Mini 120M: on-device speech (X, HF)", "Quorra Sound Mini"),
    # negatives: a robot, a family, a plain word, a sentence after a maker, an update of an older model
    ("- Pico Bot: Tessaly launches a $199 open-source desktop robot (X, HF)", None),
    ("- Tessaly Lumen - a US-trained MoE family (X, HF)", None),
    ("- Psyche: a cooperative training network (Website, HF)", None),
    ("- Nvidia - Hires three researchers from a rival lab (X, HF)", None),
    ("- Tessaly updates LumenFlash 1.1 (HF)", None),
    ("- Tavi - Quorra-7 adapters for video control (X, HF)", None),
]


@pytest.mark.parametrize("line,name", ITEM_NAMES)
def test_an_items_release_is_read_from_its_shape(line, name):
    assert item_name(line) == name


def test_items_under_an_open_heading_name_their_releases_by_shape(nlp):
    text = ("This week in models: a busy week.\n\n- Open-weights releases\n"
            "- Tessaly - Lumen Vision - 8B & 32B (X, HF)\n- Heron-Edge: ternary LLMs for phones (Blog, HF)\n"
            "- Psyche: a cooperative training network (Website, Github)\n- Big labs and APIs\n"
            "- Tavi - Quorra Vision - 8B (X, Blog)")
    got = stances(nlp, text)
    assert {("Lumen Vision", "open", False), ("Heron-Edge", "open", False)} <= got, got
    assert not {m for m, _, _ in got} & {"Psyche", "Quorra Vision"}, got


def test_names_coordinated_at_an_items_head_share_its_stance(nlp):
    text = ("Orrin released Heron 2 Large and Heron 2 Mini this week.\n\n- Open-weights releases\n"
            "- Orrin - Heron 2 Large & Heron 2 Mini (X, HF)\n")
    assert stances(nlp, text) == {("Heron 2 Large", "open", False), ("Heron 2 Mini", "open", False)}
    # negative: after a verb, a second name may be a sibling with another stance
    text = ("Tessaly released Lumen 4 and Sable 2 this week.\n\n- Open-weights releases\n\n"
            "- Tessaly ships Lumen 4 and Sable 2 with new records (X, HF)\n")
    got = stances(nlp, text)
    assert ("Lumen 4", "open", False) in got and ("Sable 2", "open", False) not in got, got


def test_a_family_item_gives_its_listed_members(nlp):
    text = ("Orrin launched Heron Large 3 and Heron Mini 3 this week.\n\n- Open-weights releases\n"
            "- Heron 3 family - Heron Large 3 and Heron Mini 3, Apache 2.0 (X, HF)\n")
    got = stances(nlp, text)
    assert {("Heron Large 3", "open", False), ("Heron Mini 3", "open", False)} <= got, got
    assert ("Heron 3", "open", False) not in got, got


def test_check_out_on_hugging_face_is_open(nlp):
    assert stances(nlp, "Check out Heron 3 and Heron 3 Mini on Hugging Face.") == {
        ("Heron 3", "open", False), ("Heron 3 Mini", "open", False)}
    assert stances(nlp, "Check out the Heron 3 demo on Hugging Face.") == set()
    assert stances(nlp, "Check out Heron 3 on Hugging Face Spaces.") == set()


def _ev(model: str, stance: str = "open") -> StanceEvent:
    return StanceEvent(org=None, model=model, stance=stance, evidence="", start=0, end=0)


def test_a_short_name_beside_its_longer_form_is_dropped():
    got = [e.model for e in drop_redundant([_ev("Lumen Flash"), _ev("Lumen Flash Thinking"), _ev("Heron-4 14B"),
                                            _ev("Heron-4")])]
    assert got == ["Lumen Flash Thinking", "Heron-4"]
    got = [e.model for e in drop_redundant([_ev("M7"), _ev("Nvidia-M7"), _ev("Tessaly M8")])]
    assert got == ["Nvidia-M7", "Tessaly M8"]
    # negatives: another generation, another stance, a tier of a family, a size-only name with no bare sibling
    got = [e.model for e in drop_redundant([_ev("Lumen"), _ev("Lumen 2"), _ev("Kite"), _ev("Kite Pro", "closed"),
                                            _ev("Quill 3"), _ev("Quill 3 Mini"), _ev("Sable 3 32B")])]
    assert got == ["Lumen", "Lumen 2", "Kite", "Kite Pro", "Quill 3", "Quill 3 Mini", "Sable 3 32B"]


def test_a_heading_is_not_a_release_name():
    assert item_name("Open Source LLMs: the week in review (X, HF)") is None
    assert item_name("- Heron-Edge: ternary LLMs for phones (Blog, HF)") == "Heron-Edge"


def test_a_bold_open_source_heading_in_markdown_is_kept_and_heads_its_list(nlp):
    from ingest.boilerplate import is_nav_link
    from ingest.documents import clean_markdown

    assert not is_nav_link("Open Source LLMs") and is_nav_link("Open original source")
    doc = clean_markdown("# Weekly notes\n\nA busy week for models.\n\n* Guest - a friend of the show\n\n"
                         "**Open Source LLMs**\n\n* Heron-Edge: ternary LLMs for phones ([Blog](https://a.b), "
                         "[HF](https://c.d))\n\n**Big labs**\n\n* Quorra-9: a chat model in an app ([X](https://e.f))\n")
    got = {(s.model, s.stance) for s in extract(nlp, doc).stances}
    assert got == {("Heron-Edge", "open")}, got


def test_open_models_like_a_makers_recent_release(nlp):
    text = "The update adds tool use, as seen in Kite 5 and open models like Nvidia's recent Heron 2 release."
    got = stances(nlp, text)
    assert ("Heron 2", "open", False) in got and not any(m == "Kite 5" for m, _, _ in got), got
    # negative: the maker's model named as a yardstick, not as an example of the class
    assert stances(nlp, "Kite 5 beats Nvidia's recent Heron 2 release on coding.") == set()
