"""Which name a stance carries: the series a sentence names, a family's line, one spelling per model."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp
from kb.nlp.records import StanceEvent
from kb.nlp.stance_names import own_series, settle_names


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def stances(nlp, text: str) -> set:
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    return {(s.model, s.stance, s.planned) for s in ex.stances}


def test_a_sentence_naming_its_series_gives_the_series(nlp):
    text = ("Marrow Labs trains compact language models for phones.\n\n"
            "All models in the Quillon4 family are distributed under the Apache 2.0 license.")
    assert stances(nlp, text) == {("Quillon4", "open", False)}
    text = "Marrow Labs builds coding assistants. The weights of the Tern-Coder series are released under the MIT license."
    assert ("Tern-Coder", "open", False) in stances(nlp, text)


def test_a_plain_word_before_series_is_no_model():
    assert own_series("All parts of the Harvest family of products are sold under the MIT license.") == ("Harvest", False)
    assert own_series("Our Quillon4 family is open.") == ("Quillon4", True)
    assert own_series("Quillon4 is open.") == (None, False)


def _ev(model: str, evidence: str = "") -> StanceEvent:
    return StanceEvent(org=None, model=model, stance="open", evidence=evidence)


def test_one_spelling_per_model_the_most_written_one():
    text = "Welcome Quillon 4! Quillon4 is small. Quillon4 runs on phones. Quillon4-Mini is smaller."
    out = settle_names([_ev("Quillon 4"), _ev("Quillon4"), _ev("Quillon4-Mini")], text)
    assert [e.model for e in out] == ["Quillon4", "Quillon4-Mini"]


def test_a_family_widens_to_the_line_its_sentence_names_when_written_again():
    evidence = "Tarn Retrieval models are distributed under the Apache 2.0 license."
    text = "Tarn Retrieval is a set of embedding models. " + evidence
    assert [e.model for e in settle_names([_ev("Tarn", evidence)], text)] == ["Tarn Retrieval"]
    # written once only: the capitalised word may be anything ("Tarn Today models ..."), so the family stays
    assert [e.model for e in settle_names([_ev("Tarn", evidence)], evidence)] == ["Tarn"]


def test_variants_the_sentence_names_each_get_the_stance():
    evidence = "Vellum Base and Vellum Instruct can be downloaded from Hugging Face."
    assert [e.model for e in settle_names([_ev("Vellum", evidence)], evidence)] == ["Vellum Base", "Vellum Instruct"]
    # the model also named on its own, or followed by a word that is no release stage: the model's event stays
    for other in ("Vellum and Vellum Instruct can be downloaded from Hugging Face.",
                  "Vellum Studio users can download Vellum Base from Hugging Face."):
        assert [e.model for e in settle_names([_ev("Vellum", other)], other)] == ["Vellum"]


def test_a_checkpoint_label_the_sentence_gives_is_its_model():
    assert own_series("Fine-tuned checkpoints (Vellum-Tuned-Beta) are licensed under CC BY-NC-SA-4.0.") == (
        "Vellum-Tuned-Beta", True)
    assert own_series("Released Vellum-2B-3T model under CC BY-SA-4.0.") == ("Vellum-2B-3T", True)
    # a compound adjective is no name, and a plain hyphenated word without a version is no model
    assert own_series("It is a Vellum-2-based model released under the MIT license.") == (None, False)
    assert own_series("State-of-the-art models are released under the MIT license.") == (None, False)
