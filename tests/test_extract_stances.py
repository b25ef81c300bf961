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
]


@pytest.mark.parametrize("text,expected", CASES)
def test_stance_shapes(nlp, text, expected):
    assert stances(nlp, text) == expected


def test_licence_names_are_neither_orgs_nor_models(nlp):
    text = ("Penrose released Quill 5 on Monday. Quill 5 is MIT-licensed, and its smaller sibling Quill 5 Mini "
            "is released under the Apache 2.0 license, with weights available under MIT as well.")
    ex = extract(nlp, CleanDocument(title="Notes", text=text))
    assert not {"MIT", "Apache 2.0", "Apache"} & ({o.name for o in ex.orgs} | {m.name for m in ex.models})
    assert {s.license for s in ex.stances if s.model == "Quill 5 Mini"} == {"Apache 2.0"}
