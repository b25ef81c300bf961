"""Benchmark score claims from prose: which model got which value on which benchmark, per sentence.

Each number in a sentence is first filtered (counts, prices, speeds, bounds, relative claims are not
scores), then anchored to a model by its local shape ("M (N)", "M's N", "M's score of N", "M and M2,
both at N", "the same score as M") or else to the sentence subject ("it" = the current subject model),
and to a benchmark ("N on B", "B (N)", "On B, ... N", the sentence's benchmark, or the previous
sentence's one for model-anchored numbers such as "It trails X and Y, both at 57").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Span, Token

from kb.nlp.mentions import DocMentions, Mention, doc_text, is_subject
from kb.nlp.names import resolve_org_name
from kb.nlp.score_lists import (ListLeadIn, foreign_item_head, fraction_benchmark, list_item_benchmark, respectively_values,
                                 settings_pairs)
from kb.nlp.score_rules import ScoreRules, sized_owners
from kb.nlp.score_shapes import coordinated_after, coordinated_before, ending_at, heading_line, paren_bounds
from kb.text.lexicon import MONTH as MONTHS  # data/patterns/lexicon.jsonl

POSSESSIVE_LINKS = {"'s", "\u2019s", "'", "\u2019", "score", "scores", "of", "at", "with", ":", "a", "an",
                    "result", "the"}
BOTH_AT = re.compile(r"\b(?:both|all|each|all three|all four|tied|both scoring|each scoring)\s*(?:at|with|on)?\s*$", re.I)
SAME_AS = re.compile(r"\b(?:the )?same (?:score|result|number|value|mark) as\b|\b(?:matching|matches|ties|tying|tied with)\b",
                     re.I)


@dataclass
class Candidate:
    model: str
    benchmark: str
    value: float
    unit: str
    qualifier: Optional[str]
    sent: Span


@dataclass
class _Context:
    """What one sentence offers its numbers: its models and benchmarks, subject and special shapes."""
    models: list[Mention]
    benches: list[Mention]
    subj: Optional[Mention]
    subject_name: Optional[str]
    relative: bool
    respectively: dict[int, str]  # token index -> its model
    changes: dict[int, tuple[str, Optional[str]]]  # token index -> (which end of a change, its model)
    topic: Optional[str] = None
    pairs: Optional[dict[int, tuple[str, int]]] = None  # token index -> (its setting, the item's first value)


NUM = r"\d+(?:\.\d+)?"
YEAR = re.compile(r"(?:19|20)\d\d")  # "on Putnam 2024": a year after a name is part of it
FROM_TO = re.compile(rf"\bfrom\s+(?P<a>{NUM})\s*(?:%|percent|per cent)?\s+to\s+(?P<b>{NUM})(?![\d.]*\s*(?:[-/]|of\b))")
TO_FROM = re.compile(rf"\bto\s+(?P<b>{NUM})\s*(?:%|percent|per cent)?\s+from\s+"
                     rf"(?P<m>(?:[^\s,;]+\s+){{0,4}}?[^\s,;]+?['\u2019]s\s+)?(?P<a>{NUM})")
PREDECESSOR = re.compile(r"\s*(?:,\s*)?(?:against|over|versus|vs\.?|compared (?:to|with)|relative to)\s+(?:the\s+)?(?=\S)")


OPENING_BENCH = re.compile(r"\s*On (?:the )?(?P<b>[A-Z][\w.'+-]*(?: (?:[A-Z][\w.'+-]*|v?\d+(?:\.\d+)?)){0,4}),")


class SentenceScorer:
    """Applies the rules sentence by sentence, keeping the subject and benchmark context."""

    def __init__(self, rules: ScoreRules, mentions: DocMentions):
        self.rules = rules
        self.m = mentions
        self.current: Optional[str] = mentions.focal
        self.prev_bench: Optional[str] = None
        self.prev_claim: Optional[Candidate] = None
        self.recent_bench: Optional[str] = None  # the benchmark the sentence before named or scored on
        self.baseline: Optional[str] = None  # the model the previous sentence's change started from
        self.lists = ListLeadIn()

    def model_anchor(self, sent: Span, tok: Token, models: list[Mention]) -> tuple[list[str], str]:
        """Models a number belongs to by its local shape, with the shape name ('' when none)."""
        doc = sent.doc
        paren = paren_bounds(sent, tok.i)
        if paren:
            m = ending_at(models, paren[0])
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
        if j < sent.end and doc[j].lower_ in ("for", "from", "by", "with"):
            # "61.3 for Orrery 3.1 Pro", "57.3% from its predecessor model Vela-4", "1.5% with the base Vela-5"
            m = next((m for m in models if j < m.start <= j + 5 and all(
                t.is_alpha and t.is_lower for t in doc[j + 1:m.start])), None)
            shared = SAME_AS.search(text[sent.start_char:tok.idx])  # "ties at 61.2 with the larger M": both
            if m and (doc[j].lower_ != "with" or (m.start > j + 1 and not shared)):  # "61% with M as the judge"
                return [x.name for x in coordinated_after(doc, models, m)], "for"
            if m and shared and m.start > j + 1:
                return [m.name], "tie"  # "ties for first at 61.2 with the larger M": the subject's and M's
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
            group = coordinated_before(doc, models, j)
            if not group and doc[j].text == ",":
                group = coordinated_before(doc, models, j)
            if group:
                return [g.name for g in group], "both"
        return [], ""

    def bench_anchor(self, sent: Span, tok: Token, benches: list[Mention]) -> tuple[Optional[Mention], Optional[str]]:
        """(benchmark mention, qualifier in parentheses) for a number token."""
        doc = sent.doc
        paren = paren_bounds(sent, tok.i)
        if paren:
            b = ending_at(benches, paren[0]) or fraction_benchmark(sent, tok, benches + self.m.models)
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
                                                          or doc[end].text == "-") and (doc[end].ent_type_ not in (
                        "MODEL", "PERSON", "GPE", "DATE", "NORP") or (end > k and YEAR.fullmatch(doc[end].text))):
                    end += 1
                while end > k and doc[end - 1].text == "-":
                    end -= 1
                # the statistical NER calls many unknown benchmark names organisations ("on Duel-Hard");
                # a known organisation is not a benchmark
                if end > k and not resolve_org_name(doc[k:end].text) and not resolve_org_name(doc[k].text):
                    return Mention("BENCHMARK", doc[k:end].text, k, end, doc[k].idx, doc[end - 1].idx
                                   + len(doc[end - 1].text)), None
            if any(t.lower_ in ("on", "in") for t in doc[j:k]) and self.rules.other_target(sent, k, benches):
                return None, None  # "80.4 on math": the number is on something the text names as no benchmark
        decided, item = list_item_benchmark(sent, tok, benches, self.m.in_span(self.m.models, sent.start, sent.end),
                                            self.rules.units | self.rules.labels)
        if decided:
            return item, None  # "..., Quarry-Eval 52.0": the item's own name, never another item's benchmark
        left = [b for b in benches if b.end <= tok.i]
        if left:
            return left[-1], None
        right = [b for b in benches if b.start > tok.i]
        return (right[0], None) if right else (None, None)

    def sentence(self, sent: Span) -> list[Candidate]:
        from kb.nlp.mentions import sentence_subject

        models = self.m.in_span(self.m.models, sent.start, sent.end)
        benches = self.m.in_span(self.m.benchmarks, sent.start, sent.end) or self._opening_benchmark(sent, models)
        subj, pronoun = sentence_subject(sent, models, self.rules.score_verbs)
        listed = [Candidate(*c, sent) for c in self.lists.read(sent, models, benches, self.prev_bench, self.rules)]
        if listed:  # an item of a list whose lead-in names the benchmark ('by Quarry Elo:', '- Elo 1286: M')
            self._carry(subj, [], listed)
            return listed
        # "Quarrybench moves from 4.6 to 28.3": a benchmark as subject; the numbers are the topic model's
        topic = self.current if subj is None and not pronoun and self._benchmark_subject(sent, benches) else None
        ctx = _Context(models, benches, subj, subj.name if subj else (self.current if pronoun else None),
                       any(rx.search(sent.text) for rx in self.rules.context), respectively_values(sent, models, self.rules),
                       self._changes(sent, models, subj), topic, settings_pairs(sent))
        taken = {i for x in models + benches for i in range(x.start, x.end)}
        found: list[Candidate] = []
        for tok in sent:
            if tok.i not in taken and tok.like_num:
                found.extend(self._number(sent, tok, ctx, found))
        if not found and self.prev_claim is not None:
            same = SAME_AS.search(sent.text)
            if same:
                found.extend(self._same_as(sent, models, sent.start_char + same.end(), self.prev_claim))
        self._carry(subj or self._introduced(sent, models, pronoun), benches, found)
        return found

    def _introduced(self, sent: Span, models: list[Mention], pronoun: bool) -> Optional[Mention]:
        """A model the sentence introduces when no model is its subject: the object of its main verb
        ("Acme quietly dropped Vela-7B, a model ..."), a name after "called"/"named", or a heading's
        leading name ("Acme's Vela-7B: On-Device Agents"). "It" in the next sentence is that model."""
        if pronoun:
            return None
        for m in models:
            if self.rules.not_subject(sent, m):
                continue  # "X outperforms Y", "based on Y": Y is a rival or a base, not the topic
            toks = sent.doc[m.start:m.end]
            if any(t.dep_ in ("dobj", "attr", "oprd") and t.head.i == sent.root.i for t in toks):
                return m
            if m.start > sent.start and sent.doc[m.start - 1].lower_ in ("called", "named", "dubbed"):
                return m
            if heading_line(sent) and m.start - sent.start <= 3:
                return m
        return None

    def _carry(self, subj: Optional[Mention], benches: list[Mention], found: list[Candidate]) -> None:
        """Context for the next sentence: its subject model and benchmark."""
        if subj is not None:
            self.current = subj.name
        if benches:
            self.prev_bench = benches[-1].name
        if found:
            self.prev_claim = found[-1]
            self.prev_bench = found[-1].benchmark
        self.recent_bench = found[-1].benchmark if found else benches[-1].name if benches else None

    def _number(self, sent: Span, tok: Token, ctx: "_Context", found: list[Candidate]) -> list[Candidate]:
        """The claims one number token makes (none, one, or one per model it is shared by)."""
        change = ctx.changes.get(tok.i)
        pair = (ctx.pairs or {}).get(tok.i)
        num = self.rules.is_score_number(sent, tok, change=change is not None, paired=pair is not None)
        if num is None:
            return []
        anchored, shape = self.model_anchor(sent, tok, ctx.models)
        if tok.i in ctx.respectively:
            anchored, shape = [ctx.respectively[tok.i]], "respectively"
        if change is not None and change[0] == "skip":
            return []
        if change is not None and change[0] == "new" and shape == "for":
            anchored, shape = [], ""  # "to 62% from M's 55.5%": M is the old value's owner
        if change is not None and change[0] == "old" and not anchored:
            if change[1] is None:
                return []  # the old value of an unnamed model ("from 77.2% to 84.5%" names only the new one)
            anchored, shape = [change[1]], "change"
        # both values of a settings pair are on the item's benchmark, the one before its first value
        bench, paren_q = self.bench_anchor(sent, sent.doc[pair[1]] if pair else tok, ctx.benches)
        if "/" in tok.text and (bench is None or not (paren_q or 0 < bench.start - tok.i <= 4)):
            return []  # a fraction is a score beside its benchmark only: "IMO (35/42)", "118/120 on Putnam"
        bench_name = self._bench_for(sent, tok, ctx, bench, shape)
        if bench_name is None:
            return []
        if not anchored and foreign_item_head(sent, bench, ctx.models):
            return []  # "- Acme Widget-X - 85% on Quarry": the item's own head, not an earlier model
        names = anchored or self._owner(sent, tok, ctx)
        if shape == "tie":
            names = list(dict.fromkeys(self._owner(sent, tok, ctx) + anchored))
        if not names:
            return []
        if (ctx.relative and shape == "") or shape == "unnamed":
            return []
        if not anchored and self.rules.after_comparison(sent, tok):
            return []  # "43.6% vs 34.4%": the second number is someone else's, unnamed here
        qualifier = pair[0] if pair else tok.text if "/" in tok.text else self._qualifier(sent, tok, shape, paren_q)
        out = [Candidate(name, bench_name, num[0], num[1], qualifier, sent) for name in sized_owners(names, paren_q)]
        same = SAME_AS.search(doc_text(sent.doc)[tok.idx:sent.end_char])
        if same:
            out.extend(self._same_as(sent, ctx.models, same.end() + tok.idx, out[-1]))
        return out

    def _bench_for(self, sent: Span, tok: Token, ctx: "_Context", bench: Optional[Mention], shape: str) -> Optional[str]:
        """The benchmark a number is on: its own anchor, a series in parentheses, or the one before."""
        bench_name = bench.name if bench else None
        if shape == "paren":
            bench_name = self._paren_series(sent, tok, ctx.benches) or bench_name
        if bench_name is None and shape in ("paren", "possessive", "both") and self.prev_bench:
            bench_name = self.prev_bench
        if bench_name is None and self.prev_bench and re.match(r"^\s*At\s*$", doc_text(sent.doc)[
                sent.start_char:tok.idx]):
            bench_name = self.prev_bench  # "At 51, it leads ..."
        if bench_name is None and self.recent_bench and self.rules.carried_bench(sent, tok):
            bench_name = self.recent_bench  # "On B, M reports 31%. M2 scores 29.5%.": the sentence before's
        return bench_name

    def _owner(self, sent: Span, tok: Token, ctx: "_Context") -> list[str]:
        """The model a number with no local anchor belongs to: the nearest subject before it
        ("X scores 79.5%, while Y scores 88.1%"), the sentence subject, or the first model named."""
        local = [x for x in ctx.models if x.end <= tok.i and is_subject(x, sent.doc, self.rules.score_verbs)]
        if local and (ctx.subj is None or local[-1].start > ctx.subj.start):
            ctx.subject_name = local[-1].name
        first = next((x for x in ctx.models if x.end <= tok.i and not self.rules.not_subject(sent, x)), None)
        if not ctx.subject_name and first is None and self.rules.unnamed_subject(sent):
            return []  # "The 14B variant achieves 85%": not the current model's number
        if first is not None and not local and ctx.subj is not None and ctx.subj.start > tok.i:
            return [first.name]  # "X attains 54.4 on B, while Y gains ...": Y is named after the number
        after = [x for x in ctx.models if x.start > tok.i]  # "a score of 44.9%, beating out both X and Y"
        rivals = len(after) == len(ctx.models) and (not after or self.rules.not_subject(sent, after[0]))
        name = ctx.subject_name or (first.name if first else None) or ctx.topic or (self.current if rivals else None)
        return [name] if name else []

    def _qualifier(self, sent: Span, tok: Token, shape: str, paren_q: Optional[str]) -> Optional[str]:
        """The setting a number was measured in: its parentheses, else a setting phrase in the sentence."""
        if shape == "paren" and not paren_q:
            pb = paren_bounds(sent, tok.i)
            inner = sent.doc[pb[0] + 1:pb[1]].text if pb else ""
            paren_q = re.sub(r"[\d.,%]+|\b(?:and|or|vs\.?|respectively)\b", "", inner).strip(" ,;") or None
        qualifier = self.rules.qualifier(paren_q) if paren_q else None
        if qualifier is None and paren_q and not re.search(r"\d", paren_q):
            qualifier = paren_q.strip()
        return qualifier if qualifier is not None else self.rules.qualifier(sent.text)

    def _benchmark_subject(self, sent: Span, benches: list[Mention]) -> bool:
        """Whether the sentence's subject is a benchmark it names: the parse says so, or the sentence opens
        with the benchmark and its main verb follows it ("Quarrybench 3.0 moves from ...")."""
        inside = {i for b in benches for i in range(b.start, b.end)}
        if any(t.dep_ in ("nsubj", "nsubjpass") and t.i in inside for t in sent):
            return True
        opening = next((b for b in benches if b.start - sent.start <= 1), None)
        return opening is not None and sent.root.i >= opening.end

    def _changes(self, sent: Span, models: list[Mention],
                 subj: Optional[Mention]) -> dict[int, tuple[str, Optional[str]]]:
        """'moves from 4.6 to 28.3 against M', 'a boost to 83% from M's 78.4%': token index of each end
        of a stated change -> (which end, the model it is stated for or None). The new value goes to the
        sentence's owner as usual; the old one only to a model the sentence names for it, or, in a sentence
        naming no model right after one whose change was against a model, to that same model ("X moves from
        4.6 to 28.3 against M. Y moves from 46.2 to 66.9.")."""
        out: dict[int, tuple[str, Optional[str]]] = {}
        carried, self.baseline = self.baseline, None
        text = doc_text(sent.doc)
        for rx in (FROM_TO, TO_FROM):
            for m in rx.finditer(sent.text):
                a, b = (sent.doc.char_span(sent.start_char + m.start(g), sent.start_char + m.end(g))
                        for g in ("a", "b"))
                if a is None or b is None:
                    continue
                clause = re.split(r"[,;:]", sent.text[:m.start()])[-1][-60:]
                if any(rx.search(clause) for rx in self.rules.change_not_score):
                    out[a[0].i] = out[b[0].i] = ("skip", None)  # "its margin widens from 0.13 to 0.29"
                    continue
                possessor = re.search(r"(\S+)['\u2019]s\s", clause)
                at = sent.start_char + m.start() - len(clause)
                if possessor and not any(x.end_char == at + possessor.end(1) for x in models):
                    out[a[0].i] = out[b[0].i] = ("skip", None)  # "Acme Code's score falls from 71% to 44%"
                    continue
                old_owner = None
                if m.groupdict().get("m"):
                    old_owner = next((x.name for x in models if x.start_char >= sent.start_char + m.start("m")
                                      and x.end_char <= sent.start_char + m.end("m")), None)
                if old_owner is None:
                    rival = PREDECESSOR.search(text, sent.start_char + m.end(), sent.end_char)
                    old_owner = next((x.name for x in models if rival and x.start_char == rival.end()
                                      and (subj is None or x.name != subj.name)), None)
                if old_owner is None and not models:
                    old_owner = carried
                out[a[0].i] = ("old", old_owner)
                out[b[0].i] = ("new", None)
                self.baseline = old_owner or self.baseline
        return out

    def _opening_benchmark(self, sent: Span, models: list[Mention]) -> list[Mention]:
        """'On Quillcode 2.1, which grades repairs, X scores 43.6%': a proper name the sentence opens with
        after 'On' and closes with a comma is its benchmark, when nothing else names one."""
        m = OPENING_BENCH.match(sent.text)
        if not m:
            return []
        span = sent.doc.char_span(sent.start_char + m.start("b"), sent.start_char + m.end("b"), alignment_mode="contract")
        if span is None or any(x.start < span.end and span.start < x.end for x in models) or any(
                t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP") and not re.fullmatch(r"[vV]?\d+(?:\.\d+)*", t.text)
                for t in span) or re.match(
                rf"{MONTHS}\b|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\d", span.text):
            return []  # "On March 3," is a date
        return [Mention("BENCHMARK", span.text, span.start, span.end, span.start_char, span.end_char)]

    def _paren_series(self, sent: Span, tok: Token, benches: list[Mention]) -> Optional[str]:
        """'scores 84.7% on A and 80.2% on B, ahead of M (80.5% and 69.8%)': the i-th value in M's
        parentheses is on the i-th benchmark named before them."""
        bounds = paren_bounds(sent, tok.i)
        if not bounds:
            return None
        doc = sent.doc
        nums = [t.i for t in doc[bounds[0] + 1:bounds[1]] if t.like_num and self.rules.is_score_number(sent, t)]
        if len(nums) < 2 or tok.i not in nums:
            return None
        named = list(dict.fromkeys(b.name for b in benches if b.end <= bounds[0]))
        return named[-len(nums):][nums.index(tok.i)] if len(named) >= len(nums) else None

    def _same_as(self, sent: Span, models: list[Mention], char: int, base: Candidate) -> list[Candidate]:
        """'the same score as M (max)': M gets the claim's value on the same benchmark."""
        target = next((x for x in models if x.start_char >= char), None)
        if target is None or target.name == base.model:
            return []
        after = sent.doc[target.end:target.end + 4]
        if re.search(r"\b(?:not|never|without|n't)\b", doc_text(sent.doc)[max(sent.start_char, char - 35):char]) or (
                len(after) >= 2 and after[0].lower_ in ("'s", "\u2019s") and after[1].lower_ not in self.rules.units):
            return []  # "not quite matching M's efficiency": no tie, and not on a score
        q = None
        if len(after) >= 3 and after[0].text == "(" and after[2].text == ")":
            q = after[1].text
        return [Candidate(target.name, base.benchmark, base.value, base.unit, q, sent)]
