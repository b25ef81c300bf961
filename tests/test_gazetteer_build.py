"""The gazetteer builder keeps names that can only mean a model, never a bare size or year."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_a_parenthesised_size_is_not_a_nickname():
    b = _builder()
    # "Orrin-4.0 (32B)" must not make "32B" a name of Orrin-4.0: any "32B model" would become it
    assert "32B" not in b.model_aliases("Orrin-4.0 (32B)")
    assert all(b.is_noisy(n) for n in ("32B", "1.5B", "774M", "2017", "0520"))
    # negatives: real names and nicknames with digits are kept
    assert not any(b.is_noisy(n) for n in ("Orrin-4.0", "Kite 5", "R1-Zero"))
    assert "Nano Kestrel" in b.model_aliases("Orrin Image 2 (Nano Kestrel)")


def test_a_letter_and_a_digit_in_lower_case_is_a_name_but_other_short_names_are_not():
    b = _builder()
    # "q7" names a model as a whole; "R1", "Q3" (a quarter), "7B", "AI" also read as ordinary text
    assert not b.is_noisy("q7")
    assert all(b.is_noisy(n) for n in ("R1", "Q3", "7B", "AI", "x"))


def test_the_shipped_gazetteer_has_no_size_aliases():
    rows = [json.loads(line) for line in (ROOT / "data" / "gazetteer" / "models.jsonl").read_text().splitlines()]
    bad = [(r["name"], a) for r in rows for a in r["aliases"] if re.fullmatch(r"[\d.,]+\s*[KMBT]?", a)]
    assert bad == []
