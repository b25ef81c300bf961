"""Benchmark score claims from prose: which model got which value on which benchmark, per sentence.

Each number in a sentence is first filtered (counts, prices, speeds, bounds, relative claims are not
scores), then anchored to a model by its local shape ("M (N)", "M's N", "M's score of N", "M and M2,
both at N", "the same score as M") or else to the sentence subject ("it" = the current subject model),
and to a benchmark ("N on B", "B (N)", "On B, ... N", the sentence's benchmark, or the previous
sentence's one for model-anchored numbers such as "It trails X and Y, both at 57").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Span

from kb.nlp.mentions import DocMentions, Mention, doc_text
from kb.nlp.names import gazetteer, norm_key, org_kind, resolve_org_name
from kb.nlp.pipeline import read_patterns
from kb.text.lexicon import MONTH as MONTHS  # data/patterns/lexicon.jsonl

NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
POSSESSIVE_LINKS = {"'s", "\u2019s", "'", "\u2019", "score", "scores", "of", "at", "with", ":", "a", "an",
                    "result", "the"}
BOTH_AT = re.compile(r"\b(?:both|all|each|all three|all four|tied|both scoring|each scoring)\s*(?:at|with|on)?\s*$", re.I)
SAME_AS = re.compile(r"\b(?:the )?same (?:score|result|number|value|mark) as\b|\b(?:matching|matches|ties|tying|tied with)\b",
                     re.I)
HEDGES = re.compile(r"\b(?:says?|said|claims?|claimed|according to|reportedly|self-reported|purportedly|"
                    r"alleged|touts?|boasts?)\b", re.I)
DOC_HEDGES = re.compile(r"\bif (?:the|these|those) (?:numbers|results|figures|claims|benchmarks) hold\b|"
                        r"\bindependent(?:ly)? verif|\bunverified\b|\bself-reported\b", re.I)


@dataclass
class Candidate:
    model: str
    benchmark: str
    value: float
    unit: str
    qualifier: Optional[str]
    sent: Span
    extra_models: list = field(default_factory=list)


class ScoreRules:
    """Number filters and qualifier patterns from data/patterns (rules as data)."""

    def __init__(self):
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

    def qualifier(self, text: str) -> Optional[str]:
        """The first setting phrase in a text ("Contemplating mode", "with tools", "pass@1")."""
        for rx, template, normalise in self.qualifiers:
            m = rx.search(text)
            if m:
                if template:
                    return template.format(*([m.group(0)] + list(m.groups())))
                if normalise == "tools":
                    return "without tools" if "without" in m.group(0).lower() else "with tools"
                return m.group(0)
        return None

    def is_score_number(self, sent: Span, tok) -> Optional[tuple[float, str]]:
        """(value, unit) when a number token can be a benchmark score, else None."""
        doc = sent.doc
        if not NUMBER.fullmatch(tok.text):
            return None
        before = doc_text(doc)[max(sent.start_char, tok.idx - 30):tok.idx]
        after = doc_text(doc)[tok.idx + len(tok.text):min(sent.end_char, tok.idx + len(tok.text) + 45)]
        if before.endswith(("-", "\u2013", ".", "/")) or re.match(r"^[-\u2013/.]\d", after):
            return None  # ranges, fractions, versions
        if re.match(r"^-[A-Za-z]", after) or re.search(r"(?:[A-Za-z]|')$", before):
            return None  # "5-shot", "300-turn"; "MathComp '25", "H200": a number inside a name
        label = re.search(r"\b([A-Za-z]+)\s$", before)
        if label and label.group(1).lower() in self.labels:
            return None  # "Level 4", "Step 3", "Figure 2": a numbered thing, not a score
        if self.counts(tok):
            return None
        if any(rx.search(before) for rx in self.before) or any(rx.search(after) for rx in self.after):
            return None
        if re.search(rf"\b{MONTHS}\s*$", before) or re.match(rf"^,?\s*{MONTHS}", after):
            return None
        if "," in tok.text and not re.match(r"^\s?Elo\b", after) and not re.search(
                r"\b(?:rating|score|Elo) of\s*$", before):
            return None  # "200,000" is a count; scores are written without thousands separators
        value = float(tok.text.replace(",", ""))
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


    def counts(self, tok) -> bool:
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

    def not_subject(self, sent: Span, m: Mention) -> bool:
        """A model named as a base, an example or a comparison ("based on X", "models like X")."""
        before = doc_text(sent.doc)[max(sent.start_char, m.start_char - 40):m.start_char]
        return any(rx.search(before) for rx in self.not_subject_res)

    def after_comparison(self, sent: Span, tok) -> bool:
        """'posts an Elo of 1588 versus 1538': the number after the comparison word."""
        before = doc_text(sent.doc)[max(sent.start_char, tok.idx - 25):tok.idx]
        return any(rx.search(before) for rx in self.comparison)


def _paren_bounds(sent: Span, i: int) -> Optional[tuple[int, int]]:
    """Token indices of the '(' and ')' around token i within the sentence, if any."""
    open_i = None
    for j in range(i - 1, max(sent.start, i - 12) - 1, -1):
        t = sent.doc[j].text
        if t == ")":
            return None
        if t == "(":
            open_i = j
            break
    if open_i is None:
        return None
    for j in range(i + 1, min(sent.end, i + 15)):
        if sent.doc[j].text == ")":
            return open_i, j
        if sent.doc[j].text == "(":
            return None
    return None


def _ending_at(mentions: list[Mention], end: int) -> Optional[Mention]:
    return next((m for m in mentions if m.end == end), None)


def _coordinated_before(doc, models: list[Mention], i: int) -> list[Mention]:
    """Models listed right before token i: "Vega-5.4 and Orrery 3.1 Pro, both at 57"."""
    out = []
    j = i
    while j > 0:
        while j > 0 and doc[j - 1].text in (",", "and", "or", "&"):
            j -= 1
        m = _ending_at(models, j)
        if m is None:
            break
        out.insert(0, m)
        j = m.start
    return out


OPENING_BENCH = re.compile(r"\s*On (?:the )?(?P<b>[A-Z][\w.'+-]*(?: (?:[A-Z][\w.'+-]*|v?\d+(?:\.\d+)?)){0,4}),")


class SentenceScorer:
    """Applies the rules sentence by sentence, keeping the subject and benchmark context."""

    def __init__(self, rules: ScoreRules, mentions: DocMentions):
        self.rules = rules
        self.m = mentions
        self.current: Optional[str] = mentions.focal
        self.prev_bench: Optional[str] = None
        self.prev_claim: Optional[Candidate] = None

    def model_anchor(self, sent: Span, tok, models: list[Mention]) -> tuple[list[str], str]:
        """Models a number belongs to by its local shape, with the shape name ('' when none)."""
        doc = sent.doc
        paren = _paren_bounds(sent, tok.i)
        if paren:
            m = _ending_at(models, paren[0])
            if m:
                return [m.name], "paren"
        # "M's N", "M's score of N", "M at N", "M: N"
        for m in models:
            if m.end <= tok.i and tok.i - m.end <= 4 and all(
                    t.lower_ in POSSESSIVE_LINKS for t in doc[m.end:tok.i]) and tok.i > m.end:
                if doc[m.end].lower_ in ("'s", "\u2019s", "'", "\u2019", ":", "at", "with"):
                    return [m.name], "possessive"
        text = doc_text(doc)
        # "Vega-5.4 mini, which managed 82.5"
        for m in reversed(models):
            if m.end <= tok.i and re.fullmatch(r"\s*,?\s*(?:which|that|who)\s+\w+(?:\s+\w+)?\s*",
                                               text[m.end_char:tok.idx]):
                return [m.name], "relative"
        # "61.3 for Orrery 3.1 Pro"
        j = tok.i + 1
        while j < sent.end and doc[j].text in ("%", "percent", "Elo", "points"):
            j += 1
        if j < sent.end and doc[j].lower_ in ("for", "from", "by"):
            m = next((m for m in models if m.start == j + 1), None)
            if m:
                return [m.name], "for"
            # "... and 61.3 for the smaller model": the value belongs to a model the sentence does not name
            if re.match(r"\s*(?:the|its|their|our|a|an)\s+(?:\w+\s+){0,2}?(?:models?|versions?|variants?|"
                        r"predecessor|sibling|one|checkpoint|baseline)\b", text[doc[j].idx + len(doc[j].text):], re.I):
                return [], "unnamed"
        before = text[max(sent.start_char, tok.idx - 25):tok.idx]
        if BOTH_AT.search(before):
            j = tok.i - 1
            while j > sent.start and doc[j].lower_ in ("at", "with", "on", "both", "all", "each", "tied",
                                                       "three", "four", "scoring"):
                j -= 1
            group = _coordinated_before(doc, models, j)
            if not group and doc[j].text == ",":
                group = _coordinated_before(doc, models, j)
            if group:
                return [g.name for g in group], "both"
        return [], ""

    def bench_anchor(self, sent: Span, tok, benches: list[Mention]) -> tuple[Optional[Mention], Optional[str]]:
        """(benchmark mention, qualifier in parentheses) for a number token."""
        doc = sent.doc
        paren = _paren_bounds(sent, tok.i)
        if paren:
            b = _ending_at(benches, paren[0])
            if b:
                inner = doc[paren[0] + 1:paren[1]].text
                return b, inner
        j = tok.i + 1
        while j < sent.end and j - tok.i <= 3 and (doc[j].text in ("%", "percent", "Elo", "points", "score")
                                                   or doc[j].lower_ in self.rules.units):
            j += 1
        k = j
        while k < sent.end and k - j < 3 and doc[k].lower_ in ("on", "in", "at", "for", "the", "across", "of"):
            k += 1
        if k > j:
            b = next((b for b in benches if b.start == k), None)
            if b:
                after = doc[b.end:b.end + 12]
                if len(after) and after[0].text == "(":
                    close = next((t.i for t in after if t.text == ")"), None)
                    if close and not any(t.like_num for t in doc[b.end:close]) and not (
                            close == b.end + 2 and doc[b.end + 1].text.isupper()):  # "(FPE)" is a name
                        return b, doc[b.end + 1:close].text
                return b, None
            # "reaches 71.3% on LIBERO": a proper name right after "on" is the benchmark, by position.
            if doc[k - 1].lower_ == "on" and k < sent.end and doc[k].text[:1].isupper() and not doc[k].is_stop:
                end = k
                while end < sent.end and end - k < 4 and (doc[end].text[:1].isupper() or doc[end].like_num
                                                          or doc[end].text == "-") and doc[end].ent_type_ not in (
                        "MODEL", "PERSON", "GPE", "DATE"):
                    end += 1
                while end > k and doc[end - 1].text == "-":
                    end -= 1
                # the statistical NER calls many unknown benchmark names organisations ("on Duel-Hard");
                # a known organisation is not a benchmark
                if end > k and not resolve_org_name(doc[k:end].text) and not resolve_org_name(doc[k].text):
                    return Mention("BENCHMARK", doc[k:end].text, k, end, doc[k].idx, doc[end - 1].idx
                                   + len(doc[end - 1].text)), None
        left = [b for b in benches if b.end <= tok.i]
        if left:
            return left[-1], None
        right = [b for b in benches if b.start > tok.i]
        return (right[0], None) if right else (None, None)

    def sentence(self, sent: Span) -> list[Candidate]:
        from kb.nlp.mentions import sentence_subject

        models = self.m.in_span(self.m.models, sent.start, sent.end)
        benches = self.m.in_span(self.m.benchmarks, sent.start, sent.end) or self._opening_benchmark(sent, models)
        subj, pronoun = sentence_subject(sent, models)
        subject_name = subj.name if subj else (self.current if pronoun else None)
        taken = {i for x in models + benches for i in range(x.start, x.end)}
        found: list[Candidate] = []
        has_relative = any(rx.search(sent.text) for rx in self.rules.context)
        respectively = self._respectively(sent, models)
        for tok in sent:
            if tok.i in taken or not tok.like_num:
                continue
            num = self.rules.is_score_number(sent, tok)
            if num is None:
                continue
            value, unit = num
            anchored, shape = self.model_anchor(sent, tok, models)
            if tok.i in respectively:
                anchored, shape = [respectively[tok.i]], "respectively"
            bench, paren_q = self.bench_anchor(sent, tok, benches)
            bench_name = bench.name if bench else None
            if shape == "paren":
                bench_name = self._paren_series(sent, tok, benches) or bench_name
            if bench_name is None and shape in ("paren", "possessive", "both") and self.prev_bench:
                bench_name = self.prev_bench
            if bench_name is None and self.prev_bench and re.match(r"^\s*At\s*$", doc_text(sent.doc)[
                    sent.start_char:tok.idx]):
                bench_name = self.prev_bench  # "At 51, it leads ..."
            if bench_name is None:
                continue
            names = anchored
            if not names:
                # The nearest subject before the number: "X scores 79.5%, while Y scores 88.1%".
                local = [x for x in models if x.end <= tok.i and any(
                    t.dep_ in ("nsubj", "nsubjpass") for t in sent.doc[x.start:x.end])]
                if local and (subj is None or local[-1].start > subj.start):
                    subject_name = local[-1].name
                first = next((x for x in models if x.end <= tok.i and not self.rules.not_subject(sent, x)), None)
                name = subject_name or (first.name if first else None) or (
                    self.current if not models else None)
                if name is None:
                    continue
                names = [name]
            if shape == "paren" and not paren_q:
                pb = _paren_bounds(sent, tok.i)
                inner = sent.doc[pb[0] + 1:pb[1]].text if pb else ""
                paren_q = re.sub(r"[\d.,%]+|\b(?:and|or|vs\.?|respectively)\b", "", inner).strip(" ,;") or None
            qualifier = self.rules.qualifier(paren_q) if paren_q else None
            if qualifier is None and paren_q and not re.search(r"\d", paren_q):
                qualifier = paren_q.strip()
            if qualifier is None:
                qualifier = self.rules.qualifier(sent.text)
            if (has_relative and shape == "") or shape == "unnamed":
                continue
            if not anchored and self.rules.after_comparison(sent, tok):
                continue  # "43.6% vs 34.4%": the second number is someone else's, unnamed here
            for name in names:
                cand = Candidate(name, bench_name, value, unit, qualifier, sent)
                found.append(cand)
            same = SAME_AS.search(doc_text(sent.doc)[tok.idx:sent.end_char])
            if same:
                found.extend(self._same_as(sent, models, same.end() + tok.idx, found[-1]))
        if not found and self.prev_claim is not None:
            same = SAME_AS.search(sent.text)
            if same:
                found.extend(self._same_as(sent, models, sent.start_char + same.end(), self.prev_claim))
        # Context for the next sentence.
        if subj is not None:
            self.current = subj.name
        if benches:
            self.prev_bench = benches[-1].name
        if found:
            self.prev_claim = found[-1]
            self.prev_bench = found[-1].benchmark
        return found

    def _opening_benchmark(self, sent: Span, models: list[Mention]) -> list[Mention]:
        """'On Quillcode 2.1, which grades repairs, X scores 43.6%': a proper name the sentence opens with
        after 'On' and closes with a comma is its benchmark, when nothing else names one."""
        m = OPENING_BENCH.match(sent.text)
        if not m:
            return []
        span = sent.doc.char_span(sent.start_char + m.start("b"), sent.start_char + m.end("b"), alignment_mode="contract")
        if span is None or any(x.start < span.end and span.start < x.end for x in models) or any(
                t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP") for t in span) or re.match(
                rf"{MONTHS}\b|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\d", span.text):
            return []  # "On March 3," is a date
        return [Mention("BENCHMARK", span.text, span.start, span.end, span.start_char, span.end_char)]

    def _paren_series(self, sent: Span, tok, benches: list[Mention]) -> Optional[str]:
        """'scores 84.7% on A and 80.2% on B, ahead of M (80.5% and 69.8%)': the i-th value in M's
        parentheses is on the i-th benchmark named before them."""
        bounds = _paren_bounds(sent, tok.i)
        if not bounds:
            return None
        doc = sent.doc
        nums = [t.i for t in doc[bounds[0] + 1:bounds[1]] if t.like_num and self.rules.is_score_number(sent, t)]
        if len(nums) < 2 or tok.i not in nums:
            return None
        named = list(dict.fromkeys(b.name for b in benches if b.end <= bounds[0]))
        return named[-len(nums):][nums.index(tok.i)] if len(named) >= len(nums) else None

    def _respectively(self, sent: Span, models: list[Mention]) -> dict:
        """'A and B scored 77.2% and 68.9%, respectively': token index of each value -> its model."""
        if "respectively" not in sent.text.lower():
            return {}
        inside = {i for m in models for i in range(m.start, m.end)}
        nums = [t for t in sent if t.like_num and t.i not in inside and self.rules.is_score_number(sent, t)]
        if not nums:
            return {}
        group = [m for m in models if m.end <= nums[0].i]
        if len(group) != len(nums):
            return {}
        return {t.i: m.name for t, m in zip(nums, group)}

    def _same_as(self, sent: Span, models: list[Mention], char: int, base: Candidate) -> list[Candidate]:
        """'the same score as M (max)': M gets the claim's value on the same benchmark."""
        target = next((x for x in models if x.start_char >= char), None)
        if target is None or target.name == base.model:
            return []
        q = None
        after = sent.doc[target.end:target.end + 4]
        if len(after) >= 3 and after[0].text == "(" and after[2].text == ")":
            q = after[1].text
        return [Candidate(target.name, base.benchmark, base.value, base.unit, q, sent)]


class ReportRules:
    """Who reported a prose claim, from data/patterns/reporting.jsonl (rules as data, names from the gazetteer).

    - a lab writing about its own model: the vendor;
    - an independent evaluator (an organisation of kind "evaluator" in the gazetteer) when the sentence
      says it measured or reports the number ("according to X", "X's leaderboard", "testers at X");
    - the maker when the sentence says the maker states it (hedged: a vendor's word in someone else's article);
    - else the outlet; a figure credit or caption line never names a reporter;
    - hedged only when the sentence hedges (or is the vendor's word relayed).
    """

    def __init__(self):
        rows = read_patterns("reporting")
        self.templates = {k: [r["regex"] for r in rows if r["kind"] == k] for k in ("evaluator", "vendor")}
        self.hedge = re.compile("|".join(r["regex"] for r in rows if r["kind"] == "hedge"), re.I)
        self.credit = re.compile("|".join(r["regex"] for r in rows if r["kind"] == "credit"), re.I)
        g = gazetteer()
        self.evaluators = {o["name"]: [o["name"], *o.get("aliases", [])] for o in g.orgs if o.get("kind") == "evaluator"}
        self._compiled: dict = {}

    @staticmethod
    def aliases(org: str) -> list[str]:
        rec = gazetteer().org_index.get(norm_key(org))
        return [org, *(([rec["name"], *rec.get("aliases", [])]) if rec else [])]

    def says(self, kind: str, org: str, sentence: str, names: Optional[list[str]] = None) -> bool:
        """Whether SENTENCE attributes its number to ORG in one of KIND's shapes."""
        key = (kind, org)
        rx = self._compiled.get(key)
        if rx is None:
            alt = "|".join(re.escape(a) for a in sorted(set(names or self.aliases(org)), key=len, reverse=True) if a)
            rx = self._compiled[key] = re.compile(
                "|".join(f"(?:{t.replace('{org}', f'(?:{alt})')})" for t in self.templates[kind]), re.I)
        return bool(rx.search(sentence))

    def evaluator_of(self, sentence: str) -> Optional[str]:
        """The evaluator the sentence names as the source of its numbers, if any."""
        for org, names in self.evaluators.items():
            if any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", sentence) for n in names if n) \
                    and self.says("evaluator", org, sentence, names):
                return org
        return None

    def reporter(self, sentence: str, maker: Optional[str], focal_maker: Optional[str],
                 outlet: Optional[str], orgs: tuple = ()) -> tuple[Optional[str], Optional[str], bool]:
        """(reported_by, reporter_kind, hedged) for a claim about a model made by MAKER in SENTENCE."""
        hedged = bool(self.hedge.search(sentence))
        credit = bool(self.credit.search(sentence))
        if not credit:
            evaluator = self.evaluator_of(sentence)
            if evaluator:
                return evaluator, "evaluator", hedged
        outlet_org = resolve_org_name(outlet) if outlet else None
        own = maker and (outlet_org == maker or (outlet and maker.lower() in outlet.lower()))
        if own:
            return maker, "vendor", hedged  # a lab writing about its own model
        if maker and not credit and self.says("vendor", maker, sentence):
            return maker, "vendor", True  # the maker's word, relayed
        if maker is None and not credit:
            # "Orbit AI says its new Comet 3 ...": an organisation the sentence quotes about its own model
            for org in orgs:
                if org_kind(org) not in ("evaluator", "outlet") and self.says("vendor", org, sentence) \
                        and re.search(rf"{re.escape(org)}\W+(?:\w+\W+){{0,3}}?(?:its|their|our)\b", sentence):
                    return org, "vendor", True
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
