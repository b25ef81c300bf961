"""The prose scorer's rules as data: number filters, qualifiers and units (data/patterns/score_filters,
qualifiers, score_units) and who reported a claim (data/patterns/reporting.jsonl, names from the gazetteer).
"""
from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Span, Token

from kb.nlp.mentions import Mention, doc_text
from kb.nlp.names import gazetteer, org_kind, resolve_org_name
from kb.text.keys import name_key
from kb.nlp.pipeline import read_patterns
from kb.text.lexicon import MONTH as MONTHS, ORG_END  # data/patterns/lexicon.jsonl

NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
FRACTION = re.compile(r"(\d{1,4})/(\d{1,4})")  # "35/42": points out of a maximum, one token to the parser


def fraction_points(text: str) -> Optional[str]:
    """The points of a score written as a fraction of its maximum ("35/42" -> "35"); None for other text,
    a share above its whole ("24/7") or a span of years ("2024/2025")."""
    m = FRACTION.fullmatch(text)
    if not m or int(m[1]) > int(m[2]) or 1900 <= int(m[2]) <= 2100:
        return None
    return m[1]


SIZE_LABEL = re.compile(r"\s*(?P<size>\d+(?:\.\d+)?[BM])\s*:")
HAS_SIZE = re.compile(r"\b\d+(?:\.\d+)?[BM]\b")


def sized_owners(names: list[str], paren: Optional[str]) -> list[str]:
    """A value labelled with a size in its parentheses ("B (27B: 67.5)") is that size's: the owner named
    without a size becomes "<owner> <size>"; an owner that names a size keeps its name."""
    m = SIZE_LABEL.match(paren or "")
    if not m:
        return names
    return [n if HAS_SIZE.search(n) else f"{n} {m.group('size')}" for n in names]


class ScoreRules:
    """Number filters and qualifier patterns from data/patterns (rules as data)."""

    def __init__(self) -> None:
        rows = read_patterns("score_filters")
        self.before = [re.compile(r["regex"], re.I) for r in rows if r["kind"] == "before"]
        self.after = [re.compile(r["regex"]) for r in rows if r["kind"] == "after"]
        self.context = [re.compile(r["regex"], re.I) for r in rows if r["kind"] == "context"]
        self.qualifiers = [(re.compile(r["regex"]), r.get("template"), r.get("normalise"))
                           for r in read_patterns("qualifiers")]
        units = read_patterns("score_units")
        self.units = frozenset(w.lower() for r in units if r["kind"] == "unit" for w in r["words"])
        self.labels = frozenset(w.lower() for r in units if r["kind"] == "label" for w in r["words"])
        self.not_subject_res = [re.compile(r["regex"], re.I) for r in units if r["kind"] == "not_subject"]
        self.comparison = [re.compile(r["regex"], re.I) for r in units if r["kind"] == "comparison"]
        self.before += [re.compile(r["regex"], re.I) for r in units if r["kind"] == "before"]
        self.bench_after = [re.compile(r["regex"], re.I) for r in units if r["kind"] == "bench_cue_after"]
        self.bench_before = [re.compile(r["regex"], re.I) for r in units if r["kind"] == "bench_cue_before"]
        self.new_value = [re.compile(r["regex"], re.I) for r in units if r["kind"] == "new_value"]
        self.bench_named = [re.compile(r["regex"]) for r in units if r["kind"] == "bench_named"]
        self.change_not_score = [re.compile(r["regex"], re.I) for r in units if r["kind"] == "change_not_score"]
        self.bench_reference = frozenset(w for r in units if r["kind"] == "bench_reference" for w in r["words"])
        self.model_after = [re.compile(r["regex"]) for r in units if r["kind"] == "model_cue_after"]
        self.unnamed = frozenset(w for r in units if r["kind"] == "unnamed_subject" for w in r["words"])
        self.score_verbs = frozenset(w for r in units if r["kind"] == "score_verb" for w in r["words"])
        self.carry_verbs = frozenset(w for r in units if r["kind"] == "bench_carry_verb" for w in r["words"])

    def qualifier(self, text: str) -> Optional[str]:
        """The first setting phrase in a text ("Contemplating mode", "with tools", "pass@1")."""
        for rx, template, normalise in self.qualifiers:
            m = rx.search(text)
            if m:
                if template:
                    return str(template.format(*([m.group(0)] + list(m.groups()))))
                if normalise == "tools":
                    return "without tools" if "without" in m.group(0).lower() else "with tools"
                return m.group(0)
        return None

    def is_score_number(self, sent: Span, tok: Token, change: bool = False,
                        paired: bool = False) -> Optional[tuple[float, str]]:
        """(value, unit) when a number token can be a benchmark score, else None. CHANGE: the number is
        one end of a stated change ("from 4.6 to 28.3"), where "from" and "to" are no bounds. PAIRED: the
        number is the first of a settings pair ("81.9 / 81.6" under "(BF16 / FP8)"), not a fraction."""
        doc = sent.doc
        points = fraction_points(tok.text)
        if not NUMBER.fullmatch(tok.text) and points is None:
            return None
        before = doc_text(doc)[max(sent.start_char, tok.idx - 30):tok.idx]
        after = doc_text(doc)[tok.idx + len(tok.text):min(sent.end_char, tok.idx + len(tok.text) + 45)]
        if paired:
            after = re.sub(r"^(\s?%?)\s*/\s*\d+(?:\.\d+)?", r"\1", after)
        if before.endswith(("-", "\u2013", ".", "/")) or re.match(r"^[-\u2013/.]\d", after):
            return None  # ranges, fractions, versions
        if not paired and re.search(r"\d\s?%?\s*/\s*$", before):
            return None  # "42 / 50": the second number of a fraction
        if re.match(r"^-[A-Za-z]", after) or re.search(r"(?:[A-Za-z]|')$", before):
            return None  # "5-shot", "300-turn"; "MathComp '25", "H200": a number inside a name
        label = re.search(r"\b([A-Za-z]+)\s$", before)
        if label and label.group(1).lower() in self.labels:
            return None  # "Level 4", "Step 3", "Figure 2": a numbered thing, not a score
        if self.counts(tok):
            return None
        bound = any(rx.search(before) for rx in self.before) and not change and not any(
            rx.search(before) for rx in self.new_value)
        if bound or any(rx.search(after) for rx in self.after):
            return None
        if re.search(rf"\b{MONTHS}\s*$", before) or re.match(rf"^,?\s*{MONTHS}", after):
            return None
        if "," in tok.text and not re.match(r"^\s?Elo\b", after) and not re.search(
                r"\b(?:rating|score|Elo) of\s*$|\b(?:scores|scored)\s*$", before):
            return None  # "200,000" is a count; scores are written without thousands separators ("scores 1,769")
        value = float(points or tok.text.replace(",", ""))
        unit = "score"
        if re.match(r"^\s?(?:%|percent\b|per cent\b)", after):
            unit = "%"
        elif re.match(r"^\s?Elo\b", after) or re.search(r"\bElo(?: score| rating)?(?: of)?\s*$", before):
            unit = "Elo"
        if unit == "%" and value > 100:
            return None
        if unit == "score" and "." not in tok.text and 1900 <= value <= 2100 and not re.search(
                r"(?:score|rating|Elo) of\s*$", before):
            return None  # a year
        return value, unit


    def counts(self, tok: Token) -> bool:
        """A number that modifies a noun other than a score unit is a count: "100 private tasks",
        "262 doctors", "512 H200 GPUs", "8 needles" (the parse says which noun the number belongs to)."""
        head = tok.head
        if tok.dep_ != "nummod" or head.i <= tok.i or head.i - tok.i > 4 or head.pos_ not in ("NOUN", "PROPN"):
            return False
        if head.ent_type_ in ("BENCHMARK", "MODEL"):
            return False
        between = tok.doc[tok.i + 1:head.i + 1]
        if any(t.like_num or (t.is_punct and (t.whitespace_ or t.doc[t.i - 1].whitespace_)) for t in between[:-1]):
            return False  # "42.8 - ahead of": the parse joined across punctuation
        return not any(t.lower_ in self.units for t in between)

    def other_target(self, sent: Span, k: int, benches: list[Mention]) -> Optional[bool]:
        """After "N on/in ...", the phrase from token K: True when it names something that is no benchmark
        ("80.4 on math", "90% on general math problems"), False when it points back to one ("on the test"),
        None when a benchmark of BENCHES opens it after lower-case words ("on the new Quarry")."""
        doc = sent.doc
        end = k
        while end < sent.end and end - k < 5 and not doc[end].is_punct and doc[end].lower_ not in (
                "and", "or", "but", "while", "with", "versus", "vs", "against", "than", "compared", "at", "for"):
            end += 1
        for i in range(k, end):
            if any(b.start == i for b in benches):
                return None if all(t.is_lower for t in doc[k:i]) else True
            if doc[i].lower_ in self.bench_reference:
                return False
        return end > k and any(t.is_alpha for t in doc[k:end])

    def unnamed_subject(self, sent: Span) -> bool:
        """'The 14B reasoning variant achieves 85%': the main verb's subject is another, unnamed model."""
        return any(t.dep_ in ("nsubj", "nsubjpass") and t.head.i == sent.root.i and t.lower_ in self.unnamed
                   for t in sent)

    def not_subject(self, sent: Span, m: Mention) -> bool:
        """A model named as a base, an example or a comparison ("based on X", "models like X")."""
        before = doc_text(sent.doc)[max(sent.start_char, m.start_char - 40):m.start_char]
        return any(rx.search(before) for rx in self.not_subject_res)

    def carried_bench(self, sent: Span, tok: Token) -> bool:
        """'Vela-3 scores 29.5% at 120,000 tokens', 'It still leads at 39.5%': a number a score verb states with
        sentence naming no benchmark and no target for any number ("on X", "in X"), is on the benchmark of the
        sentence before."""
        j = tok.i - 1
        while j > sent.start and tok.i - j <= 3 and sent.doc[j].lower_ in ("at", "a", "an", "of", "with"):
            j -= 1
        target = r"\s?(?:%|percent|points)?\s*(?:on|in|for|across|among|of|from)\b"
        if re.search(r"\d" + target, sent.text):
            return False  # "85.5% on math and o1-mini scores 90%": the sentence names its own targets
        return sent.doc[j].lower_ in self.carry_verbs

    def after_comparison(self, sent: Span, tok: Token) -> bool:
        """'posts an Elo of 1588 versus 1538': the number after the comparison word."""
        before = doc_text(sent.doc)[max(sent.start_char, tok.idx - 25):tok.idx]
        return any(rx.search(before) for rx in self.comparison)




class ReportRules:
    """Who reported a prose claim, from data/patterns/reporting.jsonl (rules as data, names from the gazetteer).

    - a lab writing about its own model: the vendor;
    - an independent evaluator (an organisation of kind "evaluator" in the gazetteer) when the sentence
      says it measured or reports the number ("according to X", "X's leaderboard", "testers at X");
    - the maker when the sentence says the maker states it (hedged: a vendor's word in someone else's article);
    - else the outlet; a figure credit or caption line never names a reporter;
    - hedged only when the sentence hedges (or is the vendor's word relayed).
    """

    def __init__(self) -> None:
        rows = read_patterns("reporting")
        self.templates = {k: [r["regex"] for r in rows if r["kind"] == k] for k in ("evaluator", "vendor")}
        self.hedge = re.compile("|".join(r["regex"] for r in rows if r["kind"] == "hedge"), re.I)
        self.credit = re.compile("|".join(r["regex"] for r in rows if r["kind"] == "credit"), re.I)
        g = gazetteer()
        self.evaluators: dict[str, list[str]] = {o["name"]: [o["name"], *o.get("aliases", [])] for o in g.orgs if o.get("kind") == "evaluator"}
        self._compiled: dict[tuple[str, str], re.Pattern[str]] = {}

    @staticmethod
    def aliases(org: str) -> list[str]:
        """ORG's names: the gazetteer's, and the name without its company word ("Acme AI" said as "Acme")."""
        rec = gazetteer().org_index.get(name_key(org, "org"))
        short = re.sub(rf"\s+(?:{ORG_END})\.?$", "", org)
        return [org, *([short] if short != org and len(short) >= 3 else []),
                *(([rec["name"], *rec.get("aliases", [])]) if rec else [])]

    def says(self, kind: str, org: str, sentence: str, names: Optional[list[str]] = None) -> bool:
        """Whether SENTENCE attributes its number to ORG in one of KIND's shapes."""
        key = (kind, org)
        rx = self._compiled.get(key)
        if rx is None:
            alt = "|".join(re.escape(a) for a in sorted(set(names or self.aliases(org)), key=len, reverse=True) if a)
            rx = self._compiled[key] = re.compile(
                "|".join(f"(?:{t.replace('{org}', f'(?:{alt})')})" for t in self.templates[kind]), re.I)
        return bool(rx.search(sentence))

    def evaluator_of(self, sentence: str, extra: tuple[str, ...] = ()) -> Optional[str]:
        """The evaluator the sentence names as the source of its numbers, if any (EXTRA: the document's own)."""
        for org, names in [*self.evaluators.items(), *((e, [e]) for e in extra)]:
            if any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", sentence) for n in names if n) \
                    and self.says("evaluator", org, sentence, names):
                return org
        return None

    def named(self, sentence: str, maker: Optional[str], orgs: tuple[str, ...] = (),
              evaluators: tuple[str, ...] = ()) -> Optional[tuple[str, str, bool]]:
        """(reported_by, reporter_kind, hedged) of the reporter SENTENCE itself names (an evaluator that
        measured, the maker's word relayed), else None; a figure credit names none."""
        hedged = bool(self.hedge.search(sentence))
        if self.credit.search(sentence):
            return None
        evaluator = self.evaluator_of(sentence, evaluators)
        if evaluator:
            return evaluator, "evaluator", hedged
        if maker and self.says("vendor", maker, sentence):
            return maker, "vendor", True  # the maker's word, relayed
        if maker is None:
            # "Orbit AI says its new Comet 3 ...": an organisation the sentence quotes about its own model
            for org in orgs:
                if org_kind(org) not in ("evaluator", "outlet") and self.says("vendor", org, sentence) \
                        and re.search(rf"{re.escape(org)}\W+(?:\w+\W+){{0,3}}?(?:its|their|our)\b", sentence):
                    return org, "vendor", True
        return None

    def reporter(self, sentence: str, maker: Optional[str], focal_maker: Optional[str], outlet: Optional[str],
                 orgs: tuple[str, ...] = (), evaluators: tuple[str, ...] = ()) -> tuple[Optional[str], Optional[str], bool]:
        """(reported_by, reporter_kind, hedged) for a claim about a model made by MAKER in SENTENCE."""
        hedged = bool(self.hedge.search(sentence))
        named = self.named(sentence, maker, orgs, evaluators)
        outlet_org = resolve_org_name(outlet) if outlet else None
        own = maker and (outlet_org == maker or (outlet and maker.lower() in outlet.lower()))
        if named and (named[1] == "evaluator" or not own):
            return named
        if own:
            return maker, "vendor", hedged  # a lab writing about its own model
        kind = org_kind(outlet_org) if outlet_org else None
        if kind == "evaluator":
            return outlet_org, "evaluator", hedged
        if kind in ("lab", "company"):
            return outlet_org, "vendor", hedged  # a lab's post also reports its rivals' numbers
        if outlet:
            return outlet, "outlet", hedged
        # No outlet known (a saved launch post): the post's own lab reports, also its rivals' numbers.
        vendor = focal_maker or maker
        return vendor, "vendor" if vendor else None, hedged
