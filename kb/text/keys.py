"""The one name key: two spellings denote the same name exactly when their keys are equal.

    name_key("GPT 5.4") == name_key("GPT-5.4") == name_key("gpt5.4") == "gpt5.4"
    name_key("Acme Labs, Inc.", "org") == name_key("Acme Labs", "org")

Used by the extractor (gazetteer lookups, one spelling per model in a document), the linker (the
`key` column of entities and aliases) and scripts/build_gazetteer.py (merging the sources' spellings),
so that all three agree on what counts as one name (tests/test_name_key.py checks it on every alias
of data/gazetteer). Standard library only.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

from kb.text.lexicon import alternation

MAX_KEY = 255  # the width of the key columns
_APOSTROPHES = "'\u2018\u2019\u02bc`\u00b4"
# Separators that writers use interchangeably inside a name, or leave out ("GPT 5.4", "GPT-5.4", "GPT5.4").
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_/]+")
_EDGE_PUNCTUATION = ".,;:!?\"()[]{}"


@lru_cache(maxsize=1)
def _legal_suffix() -> re.Pattern[str]:
    """One or more legal forms ending an organisation's name: "Inc.", ", Ltd", "Co., Ltd."."""
    return re.compile(rf"(,?\s+(?:{alternation('legal_form', 'legal_form_word')})\.?)+$", re.I)


def spelling(text: Optional[str]) -> str:
    """How a name is written, up to case and the choice of separator: "Llama 2-7B" and "llama 2 7b" are
    spelled alike, "Llama2 7B" is not (it is the same name, by `name_key`, written differently).

    The extractor reports names as the text writes them (the annotation convention of the development
    sets); it puts a gazetteer's spelling in their place only when the two are spelled alike.
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    for ch in _APOSTROPHES[1:]:
        text = text.replace(ch, "'")
    return re.sub(r"[\s\-\u2010-\u2015_]+", " ", text).strip()


@lru_cache(maxsize=1 << 16)  # a pure function of its arguments, called ~1,000 times per document
def name_key(text: Optional[str], kind: Optional[str] = None) -> str:
    """The comparison key of a name: case, separators and apostrophes do not matter; digits, dots and
    letters do ("gemini3pro" != "gemini3.1pro", "GPT-5" != "GPT-5.4").

    Unicode compatibility forms are folded (NFKC) and control characters dropped, since names come
    from untrusted text. For organisations (KIND "org") a legal form ("Inc.", "Ltd") is dropped first.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if ch.isprintable() else " " for ch in text[:1000]).strip()  # no NULs, no controls
    if kind == "org":
        text = _legal_suffix().sub("", text)
    text = text.casefold()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "")
    text = _SEPARATORS.sub("", text)
    return text.strip(_EDGE_PUNCTUATION)[:MAX_KEY]
