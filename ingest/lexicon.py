"""Shared word lists for ingest, read from data/patterns/lexicon.jsonl (the file kb/text/lexicon.py
reads too): ingest imports nothing from kb, so it has this small reader of its own instead.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parents[1] / "data" / "patterns" / "lexicon.jsonl"


@lru_cache(maxsize=None)
def words(kind: str) -> tuple[str, ...]:
    """The words of one list of the lexicon, in file order."""
    rows = [json.loads(line) for line in LEXICON.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [w for row in rows if row["kind"] == kind for w in row["words"]]
    if not found:
        raise KeyError(f"no word list {kind!r} in {LEXICON.name}")
    return tuple(dict.fromkeys(found))


# A month as dates write it: "Jan", "Sept.", "September".
MONTH = r"(?:" + "|".join(re.escape(w) for w in sorted(words("month_abbr"), key=lambda w: (-len(w), w))) \
    + r")[a-z]*\.?"
