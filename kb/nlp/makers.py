"""Who makes a model, and which family a bare version belongs to, from the words around it.

"Heronlabs's new V4 Flash" (a maker's possessive before a version), "and 5.6 Luna" in a review of one
family, "Cirrus AI is releasing Nimbus 2 Pro", "Mosaic-13B, Tessellate's new open model".
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc

from kb.nlp.discover import COMPANY_TAIL
from kb.nlp.doc_spans import Ents, Mention, doc_text
from kb.nlp.names import Record, gazetteer, org_of_model, resolve_model_name, resolve_org_name
from kb.text.keys import name_key
from kb.text.lexicon import ORG_END, words

BARE_VARIANTS = words("tier_variant")  # data/patterns/lexicon.jsonl


@lru_cache(maxsize=1)
def version_variant() -> re.Pattern[str]:
    """"2.5 Pro", "4.6 Opal": a bare version and a variant word (generic ones, and the capitalised
    variant names of the gazetteer's families), read as a model of the document's family."""
    own = {v for f in gazetteer().families for v in f.get("variants") or [] if v[:1].isupper() and len(v) > 2}
    words = sorted(set(BARE_VARIANTS) | own, key=len, reverse=True)
    return re.compile(r"(?<![\w.-])(\d+(?:\.\d+)?) (" + "|".join(map(re.escape, words)) + r")\b")



MAKER_VERSION = re.compile(r"(?P<org>[A-Z][\w.-]*(?: [A-Z][\w.-]*)?)['\u2019]s\s+(?:(?:new|latest|upcoming|open)\s+)?"
                           r"(?:\d+(?:\.\d+)?[BT]\s+)?(?P<ver>[Vv]?\d+(?:\.\d+)?|[A-Z]\d+(?:\.\d+)?)"
                           r"(?:\s+(?P<var>[A-Z][a-z]+))?(?![\w-]|\.\w)")


def maker_family(org: str, ver: str) -> Optional[Record]:
    """The maker's one family a bare version belongs to ("V4" at Heronlabs is Heronlabs V4)."""
    fams = [f for f in gazetteer().families if f.get("org") == org and not f.get("parent") and f.get("bare", True)]
    if len(fams) == 1:
        return fams[0]
    known = [f for f in fams if resolve_model_name(f"{f['family']} {ver}")
             and gazetteer().model_index.get(name_key(f"{f['family']} {ver}"))]
    return known[0] if len(known) == 1 else None


def variant_family(variant: str, dominant: str, org: Optional[str]) -> Optional[str]:
    """The family a bare "<version> <variant>" belongs to: the family of the maker named just before it
    ("Acme 5.6 Sol" -> Vega), else the document's dominant family when that family has the variant, else
    the one family that has it ("and 5.6 Luna" in a Zephyr review is not a Zephyr model)."""
    fams = [f for f in gazetteer().families if not f.get("parent")]

    def has(f: Record) -> bool:
        return variant.lower() in {v.lower() for v in f.get("variants") or []}

    if org:
        own = [f["family"] for f in fams if f.get("org") == org and has(f)]
        return own[0] if len(own) == 1 else None
    dom = next((f for f in fams if f["family"] == dominant), None)
    if dom is None or has(dom) or not dom.get("variants"):
        return dominant if dom is None or has(dom) else None
    other = [f["family"] for f in fams if has(f)]
    return other[0] if len(other) == 1 else None


LAUNCH_WORDS = {"launched", "launches", "released", "releases", "releasing", "introduced", "introduces",
                "introducing", "unveiled", "unveils", "announced", "announces", "debuted", "shipped", "ships",
                "open-sourced", "published", "publishes"}


def maker_from_context(doc: Doc, m: Mention, ents: Optional[Ents] = None) -> Optional[str]:
    """The organisation named as launching a model in the same sentence, or its possessor."""
    sent = doc[m.start].sent
    # only the entities between the sentence start and the model (not all of the doc's, per mention)
    for ent in (ents or Ents(doc)).within(doc[sent.start:m.start]):
        if ent.start < sent.start or ent.end > m.start or ent.label_ not in ("ORG", "PERSON"):
            continue
        between = doc[ent.end:m.start]
        if ent.label_ == "PERSON" and not re.search(rf"\b(?:{ORG_END})\.?$", ent.text):
            continue
        if (len(between) <= 1 and between.text in ("'s", "\u2019s")) or (
                len(between) <= 6 and any(t.lower_ in LAUNCH_WORDS for t in between)):
            return resolve_org_name(ent.text) or ent.text
    # "Mosaic-13B, Tessellate's new open model" / "Mosaic-13B is Tessellate's first model"
    after = doc_text(doc)[m.end_char:min(sent.end_char, m.end_char + 80)]
    owner = OWNER_AFTER.match(after)
    if owner:
        name = owner.group("org")
        span = doc.char_span(m.end_char + owner.start("org"), m.end_char + owner.end("org"), alignment_mode="expand")
        if resolve_org_name(name) or COMPANY_TAIL.search(" " + name) \
                or (span is not None and any(e.label_ == "ORG" for e in (ents or Ents(doc)).within(span))):
            return resolve_org_name(name) or name
    return None


OWNER_AFTER = re.compile(r"\s*(?:,|\bis|\bwas)\s+(?:the\s+)?(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,2})['\u2019]s?\s+"
                         r"(?:[\w-]+\s+){0,3}?(?:model|LLM|flagship|release|system)\b")



def org_for_model(name: str) -> Optional[str]:
    """The maker of a model from the gazetteer or its family."""
    return org_of_model(name)
