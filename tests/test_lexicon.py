"""One lexicon of shared word lists (data/patterns/lexicon.jsonl) instead of copies in the code (issue 15)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ingest.lexicon
from kb.text import lexicon

ROOT = Path(__file__).resolve().parent.parent


def test_lists_load_and_unknown_lists_are_errors():
    assert lexicon.words("month")[0] == "January" and len(lexicon.words("month")) == 12
    assert "sept" in lexicon.lower_words("month_abbr")
    assert set(lexicon.words("tier_variant")) <= set(lexicon.words("tier_variant", "variant"))
    with pytest.raises(KeyError):
        lexicon.words("no_such_list")
    with pytest.raises(KeyError):
        ingest.lexicon.words("no_such_list")


def test_ingest_reads_the_same_months_as_the_extractor():
    assert ingest.lexicon.MONTH == lexicon.MONTH
    month = re.compile(rf"^{lexicon.MONTH}$")
    for text in ("Sept.", "September", "Jan", "Dec.", "March"):
        assert month.match(text), text
    for text in ("Monday", "Janitor3", "Seq"):
        assert not month.match(text), text


def test_company_words_end_organisation_names_and_hints_do_not_find_them():
    end = re.compile(rf"\s(?:{lexicon.ORG_END})\.?$")
    finding = re.compile(rf"\s(?:{lexicon.ORG_FINDING_END})\.?$")
    assert end.search("Kestrel Robotics") and finding.search("Kestrel Robotics")
    assert end.search("Tidewater AI") and not finding.search("Tidewater AI")  # "Generative AI" is no company
    assert finding.search("Brightline Co.") and not end.search("Brightline Cobalt")


# Fragments of the lists as they were copied into regexes and sets before the lexicon.
COPIES = ("jan|feb", "january", "labs?|", "robotics|", "|robotics", "pro|flash", "pro|mini", "\"flash-lite\"",
          "inc|corp|corporation")


def _string_literals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


@pytest.mark.parametrize("folder", ["kb", "ingest", "scripts"])
def test_no_copy_of_a_shared_list_is_left_in_code(folder):
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, text in _string_literals(path):
            low = text.lower()
            found += [f"{path.relative_to(ROOT)}:{line}: {c}" for c in COPIES if c in low and len(text) < 400
                      and "\n" not in text.strip()]
    assert found == []
