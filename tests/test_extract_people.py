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
