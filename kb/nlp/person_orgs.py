"""What organisation a role's text names: the gazetteer's, the document's, or an unseen company name.

`org_of` reads the organisation group of a role shape ("Tidewater AI's cloud unit", "the company"); `known_org`
accepts only an organisation the gazetteer or the document's NER knows (for shapes without a role word).
"""
from __future__ import annotations

import re
from typing import Optional

from spacy.lang.en.stop_words import STOP_WORDS

from kb.nlp.doc_spans import DocMentions
from kb.nlp.names import resolve_org_name
from kb.nlp.pipeline import read_patterns
from kb.nlp.role_patterns import COMPANY_WORDS, ORG_LIKE_END


def _person_words(kind: str) -> frozenset[str]:
    """Lower-cased words of one kind from data/patterns/person_words.jsonl."""
    return frozenset(w.lower() for row in read_patterns("person_words") if row["kind"] == kind for w in row["words"])


NOT_NAME_WORDS = _person_words("not_name")
# First names that are also product brands: a person only when the document does not use the word as a brand
# prefix (followed by two or more different names).
BRAND_FIRST_NAMES = _person_words("brand_first_name")
DEPARTMENT_WORDS = _person_words("department")  # "VP of Product": a department, not an organisation


def org_of(text: Optional[str], mentions: DocMentions) -> Optional[str]:
    """The organisation a role shape's organisation text names, or None when it names none."""
    if not text:
        return None
    if COMPANY_WORDS.match(text.strip()):  # "the company's CTO": the article's own organisation
        return mentions.focal_org()
    text = text.strip()
    if not re.search(r"\b(?:Inc|Corp|Ltd|Co|Bros)\.$", text):
        text = text.rstrip(".")  # "at Quillfeather." ends a sentence
    text = re.sub(r"['\u2019]s?$", "", text)  # "Tidewater AI's cloud unit"
    words = text.split()
    while words and words[0].lower() in STOP_WORDS:  # "As technical leader X": a sentence's first word
        words = words[1:]
    if not words:
        return None
    text = " ".join(words)
    if all(w.lower() in DEPARTMENT_WORDS for w in words):
        return None
    for n in range(len(words), 0, -1):  # "Google DeepMind and Koray" -> "Google DeepMind"
        resolved = resolve_org_name(" ".join(words[:n]))
        if resolved:
            return resolved
    text = text.strip()
    fuller = {o.name for o in mentions.orgs if o.name.startswith(text + " ") and len(o.name.split()) == len(words) + 1
              and ORG_LIKE_END.search(o.name)}
    if len(fuller) == 1:  # "Sakana co-founder X" where the document names "Sakana AI": the name in full
        return fuller.pop()
    inside = [o.name for o in mentions.orgs if o.name in text]
    if inside:
        return re.sub(r"['\u2019]s?$", "", max(inside, key=len))
    if any(text in o.name for o in mentions.orgs):
        return text  # the NER ran the name into the next words ("Sakana positioned Fugu"): the role's own text

    makers = {o for o in mentions.model_orgs.values() if o}
    if len(words) <= 4 and ORG_LIKE_END.search(text) and re.fullmatch(r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*", text):
        return text  # "Halcyon Labs' chief research officer": the name says company
    if text in makers or (text[:1].isupper() and len(words) <= 3 and not any(w.lower() in NOT_NAME_WORDS for w in words)
                          and re.fullmatch(r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*", text)):
        return text  # an unseen company named as the possessor of a role: "Lumora's CTO"
    return None


def known_org(text: Optional[str], mentions: DocMentions) -> Optional[str]:
    """TEXT (or its first words) as an organisation the gazetteer or the document's NER knows, else None."""
    if not text:
        return None
    words = re.sub(r"['\u2019]s?$", "", text.strip().rstrip(".,")).split()
    ner = {o.name for o in mentions.orgs}
    for n in range(len(words), 0, -1):
        head = " ".join(words[:n])
        if resolve_org_name(head):
            return resolve_org_name(head)
        if head in ner and head[:1].isupper():
            shorter = known_org(" ".join(words[:n - 1]), mentions) if n > 1 and not ORG_LIKE_END.search(head) else None
            return shorter or head  # "Cloudflare Workers" where "Cloudflare" is an organisation: its product
    return None


# A line that opens with a byline marker: its names are the post's authors, not people the post is about.
BYLINE_LINE = re.compile(r"[ \t]*(?:[-*>][ \t]*)?(?:(?:Posted|Written|Authored|Published|Reported)[ \t]+by|By)[ \t]+"
                         r"[A-Z][\w.'-]*[ \t]+[A-Z]")


def on_byline_line(text: str, at: int) -> bool:
    """Whether offset AT of TEXT lies on a line that opens with "Posted by", "Written by", "By" and the like."""
    return bool(BYLINE_LINE.match(text, text.rfind("\n", 0, at) + 1))
