"""Names the text itself calls benchmarks: unknown names described as tests ("X, which tests ...", "a
benchmark called X", "on the X benchmark") become benchmark mentions before any score is read.
"""
from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Doc

from kb.nlp.mentions import DocMentions, Mention, doc_text
from kb.nlp.names import gazetteer, resolve_org_name
from kb.text.keys import name_key
from kb.nlp.score_rules import ScoreRules


def benchmarks_by_context(doc: Doc, mentions: DocMentions, title: str = "", rules: Optional[ScoreRules] = None) -> None:
    """Unknown names the text describes as benchmarks ("Quarrybench, which tests repairs, ...", "the Quarry
    test", "a benchmark called Quarry") are benchmarks, not models: every mention of such a name moves from
    the models to the benchmarks (a gazetteer model is never moved). The focal model is picked again."""
    from kb.nlp.mentions import pick_focal

    rules = rules or ScoreRules()
    text = doc_text(doc)
    names = {m.name for m in mentions.models if not m.known and (
        any(rx.search(text[m.end_char:m.end_char + 120]) for rx in rules.bench_after)
        or any(rx.search(text[max(0, m.start_char - 40):m.start_char]) for rx in rules.bench_before))}
    _named_benchmarks(doc, mentions, rules, text)
    _described_models(mentions, rules, text)
    _prefixed_benchmarks(doc, mentions)
    if not names:
        return
    moved = [m for m in mentions.models if m.name in names]
    mentions.models = [m for m in mentions.models if m.name not in names]
    mentions.benchmarks = sorted(mentions.benchmarks + [Mention("BENCHMARK", m.name, m.start, m.end, m.start_char,
                                                                m.end_char) for m in moved], key=lambda m: m.start)
    if mentions.focal in names:
        mentions.focal = pick_focal(mentions.models, title, doc)


def _named_benchmarks(doc: Doc, mentions: DocMentions, rules: ScoreRules, text: str) -> None:
    """'On the Quarry benchmark, ...': a name the text calls a benchmark, which nothing else recognised, is a
    benchmark mention wherever it occurs (not inside another mention, not a known organisation)."""
    found = {m.group("b") or m.group("c") for rx in rules.bench_named for m in rx.finditer(text)}
    # the statistical NER calls many unknown benchmark names organisations: only a known one blocks the name
    taken = {i for x in mentions.models + mentions.benchmarks + [o for o in mentions.orgs if o.known]
             for i in range(x.start, x.end)}
    for name in sorted(found, key=len, reverse=True):
        if resolve_org_name(name) or any(x.name == name for x in mentions.models):
            continue  # a model the text calls a test ("the Orca 3 test run") is handled by bench_after
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span):
                continue
            taken.update(range(span.start, span.end))
            mentions.benchmarks.append(Mention("BENCHMARK", name, span.start, span.end, m.start(), m.end()))
            mentions.orgs = [o for o in mentions.orgs if o.end <= span.start or o.start >= span.end]
    mentions.benchmarks.sort(key=lambda b: b.start)


PREFIX_NOT = ("GPE", "DATE", "TIME", "NORP", "MONEY", "LOC")


def _prefixed_benchmarks(doc: Doc, mentions: DocMentions) -> None:
    """'on Quarry Harness ABC-v3', 'on Tidal ABC-DE': capitalised words between "on" and a known benchmark
    name, which nothing else claims, are the front of that benchmark's name as the text writes it (a
    harness or a variant of it). A place, date, known organisation or other mention is never such a word."""
    taken = {i for x in mentions.models + mentions.orgs for i in range(x.start, x.end) if x.kind != "ORG" or x.known}
    taken |= {i for b in mentions.benchmarks for i in range(b.start, b.end)}
    for n, b in enumerate(mentions.benchmarks):
        j = b.start
        while j > 0 and b.start - j < 3:
            t = doc[j - 1]
            if t.i in taken or not t.is_alpha or not (t.pos_ == "PROPN" or t.is_upper) or t.is_stop \
                    or not t.text[:1].isupper() or t.ent_type_ in PREFIX_NOT \
                    or resolve_org_name(t.text) or t.is_sent_start:
                break
            j -= 1
        if j == b.start or j == 0 or doc[j - 1].lower_ != "on":
            continue
        prefix = doc[j:b.start]
        mentions.benchmarks[n] = Mention("BENCHMARK", f"{prefix.text} {b.name}", j, b.end, prefix.start_char,
                                         b.end_char)
    mentions.orgs = [o for o in mentions.orgs if not any(b.start <= o.start < b.end for b in mentions.benchmarks)]


def _described_models(mentions: DocMentions, rules: ScoreRules, text: str) -> None:
    """'Quarry-3, a 106B parameter mixture-of-experts model': a name only a benchmark shape made a benchmark
    (the gazetteer knows no benchmark of that name), which the text describes as a model or system, is a
    model wherever it occurs."""
    index = gazetteer().bench_index
    names = {b.name for b in mentions.benchmarks if name_key(b.name) not in index
             and any(rx.search(text[b.end_char:b.end_char + 120]) for rx in rules.model_after)}
    if not names:
        return
    moved = [b for b in mentions.benchmarks if b.name in names]
    mentions.benchmarks = [b for b in mentions.benchmarks if b.name not in names]
    mentions.models = sorted(mentions.models + [Mention("MODEL", b.name, b.start, b.end, b.start_char, b.end_char)
                                                for b in moved], key=lambda m: m.start)
