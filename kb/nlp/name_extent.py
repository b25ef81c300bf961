"""Where a model's name ends in the text: a variant word after it, a footnote mark, a numbered label.

"Pico Pear Pro" is not "Pico Pear"; "<Family> V3.2-Speciale" carries its hyphenated variant; "Orrery 3 Pro 1"
ends before the footnote mark; "Step 3 of the tutorial" is no model at all.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from kb.nlp.discover import NON_NAME_WORDS, NOT_MODEL_NAMES
from kb.nlp.doc_spans import doc_text
from kb.nlp.names import gazetteer, resolve_benchmark_name, resolve_model_name, resolve_org_name
from kb.text.keys import name_key
from kb.text.lexicon import words

def numbered_label(doc: Doc, ent: Span) -> bool:
    """A family word that is also an ordinary word, with a bare number, used as a numbered label
    ("Step 3 of the tutorial") or a product the data names (a rocket)."""
    if ent.text.lower() in NOT_MODEL_NAMES or ent.text.split()[0].lower() in NOT_MODEL_NAMES:
        return True
    if not re.fullmatch(r"[A-Z][a-z]+ \d{1,2}", ent.text):
        return False
    nxt = doc[ent.end:ent.end + 2]
    return len(nxt) == 2 and nxt[0].lower_ == "of" and nxt[1].pos_ in ("DET", "PRON", "NUM")


def footnote_mark(doc: Doc, ent: Span) -> bool:
    """"Orrery 3 Pro 1 stands as ...": a footnote mark the scraper kept after a known name, not a version.
    The mention keeps the mark (so no rule reads it as a number); the name drops it."""
    if len(ent) < 3 or not re.fullmatch(r"[1-9]", ent[-1].text) or not ent[-2].is_alpha or _known(ent.text):
        return False
    short = doc[ent.start:ent.end - 1].text
    return _known(short) and bool(re.search(r"\d", short))


FAMILY_NOUNS = {"series", "family", "lineup", "line-up"}


def _known(name: str) -> bool:
    resolved = resolve_model_name(name)
    return bool(resolved and gazetteer().model_index.get(name_key(resolved)))


EXTENSION_VARIANTS = frozenset(words("tier_variant"))


def name_extension(doc: Doc, ent: Span) -> int:
    """Where a model name really ends. A nickname followed by a variant word is another model ("Pico Pear
    Pro" is not "Pico Pear"); a versioned name followed by one or two capitalised words and 'model' carries
    them ("the Orrery 2.5 Computer Use model"). Known longer names are the NER's own business."""
    end = ent.end
    nxt = doc[end:end + 3]
    if resolve_model_name(ent.text) is None:
        return end
    if len(ent) >= 2 and not re.search(r"\d", ent.text) and len(nxt) >= 1 and nxt[0].text in EXTENSION_VARIANTS \
            and not (len(nxt) >= 2 and re.fullmatch(r"subscri\w*|plans?|tiers?|users?|members?|accounts?", nxt[1].lower_)):
        if resolve_model_name(f"{ent.text} {nxt[0].text}") in (None, f"{ent.text} {nxt[0].text}"):
            return end + 1
    if re.search(r"\d", ent.text) and len(nxt) >= 2 and nxt[0].text == "-" and not doc[end - 1].whitespace_ \
            and not nxt[0].whitespace_ and re.fullmatch(r"[A-Z][a-z]{2,}", nxt[1].text) \
            and nxt[1].lower_ not in NON_NAME_WORDS and not resolve_org_name(nxt[1].text) \
            and not resolve_benchmark_name(nxt[1].text):
        return end + 2  # "<Family> V3.2-Speciale": a variant word glued by a hyphen belongs to the name
    if re.search(r"\d", ent.text) and len(nxt) and _repeated_variant(doc, ent, nxt[0]):
        return end + 1  # "Orrery 3.5 Tempest" written the same way again: an unseen variant word
    if re.search(r"\d", ent.text):
        words = 0
        for t in nxt:
            if t.text in ("model", "models") and words:  # "the LTX-2 Video Model": title case, no boundary
                return end + words
            if not re.fullmatch(r"[A-Z][a-z]+", t.text) or t.is_stop or resolve_org_name(t.text) \
                    or t.lower_ in NON_NAME_WORDS:
                break
            words += 1
    return end


def _repeated_variant(doc: Doc, ent: Span, t: Token) -> bool:
    """A capitalised word right after a versioned model name, which the document writes after that name
    at least twice: a variant the gazetteer does not know yet, part of the name."""
    if not re.fullmatch(r"[A-Z][a-z]{2,}", t.text) or t.is_stop or t.ent_type_ in (
            "ORG", "BENCHMARK", "MODEL", "GPE", "DATE", "NORP") or t.lower_ in NON_NAME_WORDS:
        return False
    if t.ent_type_ == "PERSON" and t.i + 1 < len(doc) and doc[t.i + 1].ent_iob_ == "I":
        return False  # a one-word "person" right after a model is the NER guessing; a full name is a person
    after = doc[t.i + 1] if t.i + 1 < len(doc) else None
    if resolve_org_name(t.text) or resolve_benchmark_name(t.text) or (after is not None and (
            after.text == "'s" or re.fullmatch(r"licen[cs]es?|agreement|edition|program(?:me)?|team|app|api",
                                               after.lower_))):
        return False  # "Heron 3 Community License": a licence or product named after the model
    return len(re.findall(rf"(?<![\w-]){re.escape(ent.text)} {t.text}(?![\w-])", doc_text(doc))) >= 2



GLUED_WORDS = frozenset(w.lower() for w in words("tier_variant", "variant"))
WEIGHT_FORMATS = frozenset(w.lower() for w in words("weight_format"))


def _glued_piece(t: Token) -> bool:
    """A piece that a hyphen glues into a model's name: a version or size ("21B", "0528"), a code ("PT",
    "FP8"), a variant word ("mini", "Instruct") or a capitalised word; not an ordinary word ("GPT-4o-powered"),
    markup, a file or page name ("1534.notes-<name>"), or another model's name (its own mention)."""
    text = t.text
    return bool(re.search(r"\d", text) or re.fullmatch(r"[A-Z][A-Za-z]*", text) or text.lower() in GLUED_WORDS) \
        and re.fullmatch(r"[\w.]+", text) is not None and not re.search(r"\.[a-z]", text) and text.lower() not in NON_NAME_WORDS | WEIGHT_FORMATS \
        and t.ent_type_ != "MODEL"


def glued_fragment(doc: Doc, start: int) -> bool:
    """A model name glued by a hyphen after another model's name is the tail of that longer name
    ("<name>-Distill-Qwen-7B"), not a mention of its own."""
    return start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
        and not doc[start - 2].whitespace_ and doc[start - 2].ent_type_ == "MODEL"


def glued_end(doc: Doc, end: int) -> int:
    """Where a model name ends when the text glues more pieces to it by hyphens, with no space:
    "<name>-21B-A3B-PT", "<name>-mini-flash-reasoning" are one name as written."""
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and _glued_piece(doc[end + 1]):
        end += 2
    return end


def glued_start(doc: Doc, start: int) -> int:
    """Where a model name starts when a piece is glued before it by a hyphen ("AM-<name>")."""
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and _glued_piece(doc[start - 2]):
        start -= 2
    return start


# "Vela, Orrery, or Heron", "both Vela and Heron": a name in a list, with its neighbour on the left or right.
_LIST_LEFT = re.compile(r"(?P<w>[A-Z][\w.-]*(?: [A-Z0-9][\w.-]*)?)[*_]*(?:,|,? and|,? or) [*_]*$")
_LIST_RIGHT = re.compile(r"[*_]*(?:,|,? and|,? or) [*_]*(?P<w>[A-Z][\w.-]*(?: [A-Z0-9][\w.-]*)?)")
_BARE_END = re.compile(r"(?![\w-]|\.\w|\s+[A-Z0-9]|[’']s\s+[A-Z0-9])")


def listed_with_models(text: str, start: int, end: int) -> bool:
    """Whether the bare family word at TEXT[START:END] stands in a list beside another model or family
    ("trained on outputs of Heron, Vela or Orrery"): then it names that line of models, as its neighbours
    do. A list that holds an organisation ("Acme, Heron and Tessellate Labs") is a list of makers."""
    if not _BARE_END.match(text, end):
        return False  # "Heron Opus", "Heron 4": the start of a longer name
    sides = [_LIST_LEFT.search(text[max(0, start - 40):start]), _LIST_RIGHT.match(text, end)]
    words = [m.group("w").strip("*_").rstrip(".,;:") for m in sides if m]
    kinds = [_list_kind(w) for w in words]
    return "model" in kinds and "org" not in kinds


def _list_kind(word: str) -> str:
    """'model' for a family or model name, 'org' for an organisation's, else ''."""
    if name_key(word) in gazetteer().family_index or (not resolve_org_name(word) and resolve_model_name(word)):
        return "model"
    return "org" if resolve_org_name(word) else ""
