"""List shapes of prose scores: "B1 N, B2 N, B3 N" item lists, where the name right before a number owns it;
settings pairs, bullet items, "respectively" lists, and one name per benchmark in a document.

In "Published results: MMLU Pro 81.9, GPQA Diamond 75.4, Quarry-Eval 52.0" each item is a name and its
value. A name the gazetteer does not know ("Quarry-Eval") is still that item's benchmark when the list's
other items are known benchmarks with their values; it never borrows a benchmark from another item.
"""
from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Span, Token

from kb.nlp.doc_spans import Mention, doc_text
from kb.nlp.names import resolve_org_name
from kb.nlp.score_rules import ScoreRules
from kb.text.lexicon import MONTH as MONTHS  # data/patterns/lexicon.jsonl

ITEM_START = {",", ";", ":", "):", "and", "&", "(", "\u2014", "\u2013"}
NOT_NAME_ENTS = ("PERSON", "GPE", "DATE", "TIME", "MONEY", "NORP", "LOC")
VERSION = re.compile(r"[vV]?\d{1,2}(?:\.\d{1,2})?")


def _name_word(t: Token) -> bool:
    """A token that can be part of a name: capitalised ("Quarry"), or letters mixed with digits or signs
    ("τ³-bench", "v2")."""
    return t.text[:1].isupper() or (not t.is_alpha and not t.is_punct and any(c.isalpha() for c in t.text))


def item_name_before(sent: Span, tok: Token, mentions: list[Mention],
                     unit_words: frozenset[str] = frozenset()) -> Optional[tuple[int, int]]:
    """Token bounds of the name a list item puts right before its number ("Quarry-Eval 52.0",
    "DeepCode 65.3%", "Quarry-3 (0.66)"): it starts an item (after a comma, colon, semicolon, "and" or
    the sentence start), is no mention the document already knows, and no unit or label word ("Elo 1286",
    "Level 4")."""
    doc = sent.doc
    taken = {i for m in mentions for i in range(m.start, m.end)}
    last = tok.i - 1 if tok.i - 1 > sent.start and doc[tok.i - 1].text == "(" else tok.i
    j = last
    while j > sent.start and last - j < 5:
        t = doc[j - 1]
        glued = t.text == "-" and not t.whitespace_ and j - 2 >= sent.start and not doc[j - 2].whitespace_
        if t.i in taken or not (glued or _name_word(t) or (VERSION.fullmatch(t.text) and j < last)):
            break
        j -= 1
    if j == last or doc[j].text == "-" or not _name_word(doc[j]):
        return None
    if j > sent.start and doc[j - 1].text not in ITEM_START and last == tok.i:
        return None  # (a name right before parentheses owns their number wherever it stands)
    if any(t.is_stop or t.lower_ in unit_words for t in doc[j:last]):
        return None
    return j, last


def _benchmark_like(span: Span, parenthesised: bool = False) -> bool:
    """Whether an item's name can be a benchmark: not a place, date or known organisation, nor a person
    (the NER's guess for an unknown word, trusted less when the item's value is in parentheses)."""
    ents = tuple(e for e in NOT_NAME_ENTS if not (parenthesised and e == "PERSON"))
    return not (any(t.ent_type_ in ents for t in span) or re.match(rf"{MONTHS}\b", span.text)
                or resolve_org_name(span.text))


def listed_value(sent: Span, tok: Token, benches: list[Mention]) -> bool:
    """Whether a known benchmark of the sentence is itself a list item: its value follows it right away
    ("GPQA Diamond 75.44", "GPQA Diamond (75.44)"), so the sentence lists names with their values."""
    doc = sent.doc

    def valued(b: Mention) -> bool:
        i = b.end + 1 if b.end < sent.end and doc[b.end].text == "(" else b.end
        return i < sent.end and i != tok.i and doc[i].like_num

    return any(valued(b) for b in benches)


def list_item_benchmark(sent: Span, tok: Token, benches: list[Mention], models: list[Mention],
                        unit_words: frozenset[str] = frozenset()) -> tuple[bool, Optional[Mention]]:
    """(decided, benchmark) for a number whose item names something the text does not know: in a list
    of known benchmarks with their values the name is the item's benchmark; elsewhere the number has
    none (it is never another item's). decided is False when no unknown name precedes the number."""
    bounds = item_name_before(sent, tok, benches + models, unit_words)
    if bounds is None:
        return False, None
    span = sent.doc[bounds[0]:bounds[1]]
    if not listed_value(sent, tok, benches) or not _benchmark_like(span, bounds[1] < tok.i):
        return True, None
    return True, Mention("BENCHMARK", span.text, span.start, span.end, span.start_char, span.end_char)


def fraction_benchmark(sent: Span, tok: Token, mentions: list[Mention]) -> Optional[Mention]:
    """'gold medals on Quarry (35/42), Ledger (10/12)': a name right before the parentheses of a score written as
    a fraction of its maximum is that score's benchmark (a contest or exam), when nothing else names it."""
    bounds = item_name_before(sent, tok, mentions)
    if bounds is None or "/" not in tok.text or bounds[1] >= tok.i:
        return None
    span = sent.doc[bounds[0]:bounds[1]]
    if not _benchmark_like(span, True):
        return None
    return Mention("BENCHMARK", span.text, span.start, span.end, span.start_char, span.end_char)


def fuller_benchmark_names(names: list[str]) -> dict[str, str]:
    """Short name -> the one fuller name of the same benchmark in the document: "Quarry" -> "Quarry v1.1"
    when the text also writes "Quarry v1.1" (and no other "Quarry ..." version), so that one benchmark
    keeps one name; a short name with two fuller ones ("Quarry 2.0", "Quarry 3.0") stays as written, and a
    year or a variant word makes another benchmark ("Quarry 2025", "Quarry-Pro")."""
    out: dict[str, str] = {}
    distinct = set(names)
    for short in distinct:
        longer = {n for n in distinct if len(n) > len(short) and n.startswith(short)
                  and re.fullmatch(r" (?:[vV]\d+(?:\.\d+)*|\d+\.\d+)(?: [A-Z][a-z]+)?", n[len(short):])}
        if len(longer) == 1:
            out[short] = longer.pop()
    return out


SETTINGS_PAIR = re.compile(r"\((?P<a>[^()/\d\s][^()/]{0,24}?)\s*/\s*(?P<b>[^()/\s][^()/]{0,24}?)\)\s*:")
VALUE_PAIR = re.compile(r"(?<![\w.])(?P<x>\d+(?:\.\d+)?)\s?%?\s*/\s*(?P<y>\d+(?:\.\d+)?)(?!\w|\.\d)")


def settings_pairs(sent: Span) -> dict[int, tuple[str, int]]:
    """'Results (BF16 / FP8): Quarry 81.9 / 81.6, Ledger 75.4 / 75.6': a header names two settings and each
    item gives a value for each. Token index of each value -> (its setting, the token of the item's first
    value, whose benchmark both share). Empty when the sentence names no such pair of settings."""
    head = SETTINGS_PAIR.search(sent.text)
    if head is None or not all(1 <= len(head.group(g).split()) <= 3 for g in ("a", "b")):
        return {}
    out: dict[int, tuple[str, int]] = {}
    for m in VALUE_PAIR.finditer(sent.text, head.end()):
        x = sent.doc.char_span(sent.start_char + m.start("x"), sent.start_char + m.end("x"))
        y = sent.doc.char_span(sent.start_char + m.start("y"), sent.start_char + m.end("y"))
        if x is None or y is None:
            continue
        out[x[0].i] = (head.group("a").strip(), x[0].i)
        out[y[0].i] = (head.group("b").strip(), x[0].i)
    return out


BULLET = re.compile(r"\s*(?:>\s*)*(?:[-*\u2022+]|\d{1,2}[.)])\s+")
HEAD_END = re.compile(r"\s[-\u2013]\s|:\s")


def foreign_item_head(sent: Span, bench: Optional[Mention], models: list[Mention]) -> bool:
    """'- Acme Widget-X - 85.5% on Quarry cases': a list item that names no model, headed by a name that is
    not the number's benchmark. The number is that name's, so it never goes to the model an earlier item
    or sentence was about."""
    bullet = BULLET.match(sent.text)
    if not bullet or models:
        return False
    sep = HEAD_END.search(sent.text, bullet.end(), bullet.end() + 80)
    if not sep:
        return False
    head = sent.doc.char_span(sent.start_char + bullet.end(), sent.start_char + sep.start(), alignment_mode="contract")
    if head is None or not len(head) or any(x.start < head.end and head.start < x.end for x in models):
        return False
    if bench is not None and bench.start < head.end and head.start < bench.end:
        return False  # "- Quarry: 71%": the item is the benchmark
    # a product-like name ("Rx-9", "DxO-2") heads either kind of item; plain title words ("Math Skills:")
    # are a topic label before a colon, a name only before a dash
    if re.search(r"[A-Za-z][-.]?\d|\w-[A-Z]", head.text):
        return True
    named = [t for t in head if t.pos_ == "PROPN" or t.is_upper and t.is_alpha]
    return ":" not in sep.group(0) and len(named) >= 2


def respectively_values(sent: Span, models: list[Mention], rules: ScoreRules) -> dict[int, str]:
    """'A and B scored 77.2% and 68.9%, respectively': token index of each value -> its model."""
    if "respectively" not in sent.text.lower():
        return {}
    inside = {i for m in models for i in range(m.start, m.end)}
    nums = [t for t in sent if t.like_num and t.i not in inside and rules.is_score_number(sent, t)]
    if not nums:
        return {}
    group = [m for m in models if m.end <= nums[0].i]
    if len(group) != len(nums):
        return {}
    return {t.i: m.name for t, m in zip(nums, group)}


ITEM_LINE = re.compile(r"[ \t]*(?:>[ \t]*)*(?:[-*\u2022+]|\d{1,2}[.)])[ \t]+")
LEAD_NAME = re.compile(r"\b(?:by|on|per|from|in)\s+(?:the\s+)?(?P<b>[A-Z][\w.+-]*(?:\s[A-Z][\w.+-]*){0,2})\s+"
                       r"(?:Elo|scores?|ratings?|rank(?:ing)?s?|leaderboard)\b")
VALUE_HEAD = re.compile(r"\s*(?P<u>Elo|[Ss]core|[Rr]ating|[Pp]oints)\s+(?P<v>\d{1,4}(?:\.\d+)?)"
                        r"(?:\s*,?\s*\(?(?P<q>(?:Rank|rank|#)\s*\d{1,3})\)?)?\s*:\s*")
VALUE_TAIL = re.compile(r"\s*(?:\((?P<q>[^()]{1,30})\))?\s*:\s*(?P<v>\d{1,3}(?:\.\d+)?)\s*(?P<p>%)?\s*$")


def is_list_item(sent: Span) -> bool:
    """Whether a sentence is a list item: its line opens with a bullet or a number ('- ', '2. ') before it."""
    text = doc_text(sent.doc)
    line_start = text.rfind("\n", 0, sent.start_char) + 1
    return bool(ITEM_LINE.fullmatch(text[line_start:sent.start_char]) or ITEM_LINE.match(sent.text)
                or ITEM_LINE.fullmatch(sent.text_with_ws + " "))  # the parser may cut the bullet off as a sentence


def lead_in_benchmark(sent: Span, benches: list[Mention], previous: Optional[str], rules: ScoreRules) -> Optional[str]:
    """The benchmark a list's lead-in (a sentence ending with ':') names for its items: a benchmark it names,
    a name before a rating word ('ranked by Quarry Elo:'), or, when it refers to 'the benchmark' or 'the
    evaluation', the one named before it. None for a lead-in that names none ('Highlights:')."""
    if not sent.text.rstrip().endswith(":"):
        return None
    if benches:
        return benches[-1].name
    m = LEAD_NAME.search(sent.text)
    if m:
        return m.group("b")
    return previous if any(t.lower_ in rules.bench_reference for t in sent) else None


def item_values(sent: Span, models: list[Mention],
                rules: ScoreRules) -> list[tuple[str, float, str, Optional[str]]]:
    """(model, value, unit, qualifier) of a list item that is a model and its value on the list's benchmark:
    a value head before the model ('- Elo 1286 Rank 2: Vela-7 cut prices ...') or the model with a
    note and its value and nothing else ('- Vela-7 (2024): 21%'). Empty for any other item."""
    start = sent.start_char + (m.end() if (m := ITEM_LINE.match(sent.text)) else 0)
    text = doc_text(sent.doc)
    head = VALUE_HEAD.match(text, start, sent.end_char)
    if head:
        first = next((x for x in models if x.start_char == head.end()), None)
        if first is None:
            return []
        unit = "Elo" if head.group("u") == "Elo" else "score"
        return [(first.name, float(head.group("v")), unit, head.group("q"))]
    first = next((x for x in models if x.start_char == start), None)
    tail = VALUE_TAIL.match(text[first.end_char:sent.end_char]) if first else None
    if first is None or tail is None:
        return []
    tok = sent.doc.char_span(first.end_char + tail.start("v"), first.end_char + tail.end("v"))
    num = rules.is_score_number(sent, tok[0]) if tok is not None and len(tok) == 1 else None
    if num is None:
        return []  # "- Vela-7 (2024): ~50%": an approximation
    note = tail.group("q")
    qualifier = None if note is None or re.fullmatch(r"(?:19|20)\d\d", note.strip()) else note.strip()
    return [(first.name, num[0], num[1], qualifier)]


class ListLeadIn:
    """A list's lead-in and its items, read sentence by sentence: a sentence ending with ':' sets the benchmark
    it names for the list; any sentence that is no list item ends the list."""

    def __init__(self) -> None:
        self.bench: Optional[str] = None

    def read(self, sent: Span, models: list[Mention], benches: list[Mention], previous: Optional[str],
             rules: ScoreRules) -> list[tuple[str, str, float, str, Optional[str]]]:
        """(model, benchmark, value, unit, qualifier) of a list item in one of item_values' shapes."""
        item = is_list_item(sent)
        values = item_values(sent, models, rules) if item and self.bench and not benches else []
        if not item:
            self.bench = lead_in_benchmark(sent, benches, previous, rules)
        bench = self.bench
        return [(m, bench, v, unit, q) for m, v, unit, q in values] if bench else []
