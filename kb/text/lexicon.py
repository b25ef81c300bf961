"""The shared word lists (months, company words, legal forms, model variant words), read from
data/patterns/lexicon.jsonl: one copy of each list for the extractor, the linker and the scripts.

    words("month")          # ("January", ..., "December"), as written in the file
    lower_words("month")    # frozenset of the lower-cased words
    alternation("month")    # "December|February|..." for a regex, longest first

Each row of the file is {"kind": ..., "comment": ..., "words": [...]}; a kind may span several rows.
ingest/ reads the same file through ingest/lexicon.py (it imports nothing from kb).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parents[2] / "data" / "patterns" / "lexicon.jsonl"


@lru_cache(maxsize=1)
def _rows() -> tuple[dict, ...]:
    lines = LEXICON.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


@lru_cache(maxsize=None)
def words(*kinds: str) -> tuple[str, ...]:
    """The words of the given kinds, in file order, without repeats. An unknown kind is an error."""
    known = {row["kind"] for row in _rows()}
    missing = set(kinds) - known
    if missing:
        raise KeyError(f"no word list {sorted(missing)} in {LEXICON.name}")
    return tuple(dict.fromkeys(w for row in _rows() if row["kind"] in kinds for w in row["words"]))


def lower_words(*kinds: str) -> frozenset[str]:
    """The lower-cased words of the given kinds."""
    return frozenset(w.lower() for w in words(*kinds))


def alternation(*kinds: str) -> str:
    """A regex alternation of the words of the given kinds, escaped, longest first."""
    return "|".join(re.escape(w) for w in sorted(words(*kinds), key=lambda w: (-len(w), w)))


# Shapes built from the lists, shared by the rules that read them.
MONTH = rf"(?:{alternation('month_abbr')})[a-z]*\.?"  # "Jan", "Sept.", "September"
# words that end an organisation's name, and those of them that find one without other evidence
ORG_END = alternation("company_word", "company_hint", "legal_form", "legal_form_word")
ORG_FINDING_END = alternation("company_word", "legal_form")
