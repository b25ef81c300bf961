"""Model names: a bare '<version> <variant>' belongs to the family that has the variant, not to the
document's dominant family."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.names import norm_key
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _models(nlp, text):
    return {norm_key(m.name) for m in extract(nlp, CleanDocument(title="Notes", text=text)).models}


def test_maker_before_a_bare_version_gives_the_family(nlp):
    models = _models(nlp, "Qwen 3.8 27B is a strong local model with open weights. On my laptop it trails "
                          "OpenAI 6.1 Sol on hard tasks, and 6.1 Luna is cheaper still. Qwen 3.8 27B remains my default.")
    assert {norm_key("GPT-6.1 Sol"), norm_key("GPT-6.1 Luna")} <= models, models
    assert norm_key("Qwen 6.1 Luna") not in models


def test_dominant_family_keeps_its_own_variants(nlp):
    models = _models(nlp, "Gemini 3.5 Flash is the new default model in the app. It replaces 3.0 Flash, and "
                          "Gemini 3.5 Pro follows next month for paying users.")
    assert norm_key("Gemini 3.0 Flash") in models, models


def test_unknown_family_word_before_a_version_is_not_claimed(nlp):
    models = _models(nlp, "Gemini 3.5 Flash is the new default model. Rivals such as Nimbus 2 Pro were benchmarked too.")
    assert norm_key("Gemini 2 Pro") not in models, models
