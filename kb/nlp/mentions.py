"""Mentions of models, benchmarks, organisations and families in a parsed doc, linked to canonical names.

Links partial names to full ones ("Opal 4.6" -> "Vela Opal 4.6", "2.5 Pro" in a Orrery post ->
"Orrery 2.5 Pro"), discovers unseen model names from context ("Acme launched Tinsel Spark", "Ornith-1.0
scores 61"), expands abbreviations the text defines ("Frontier Puzzle Exam (FPE)") and picks the focal model.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc, Span

from kb.nlp.pipeline import read_patterns
from kb.nlp.names import (
    gazetteer, model_family, norm_key, resolve_benchmark_name, resolve_license_name, resolve_model_name,
    resolve_org_name,
)
from kb.text.lexicon import ORG_END, alternation, lower_words, words

NAME = r"[A-Z][\w.]*(?:[- ](?:[A-Z0-9][\w.]*|v?\d[\w.]*)){0,3}"
# A heading that names and describes a model: "Quillon: Our open-weights model", "Vela 2: a faster LLM"
HEADING_NAME = re.compile(rf"(?m)^(?P<name>{NAME}):\s+(?:Our|our|A|a|An|an|The|the)\s+(?:[\w'\u2019-]+\s+){{1,6}}?"
                          r"(?:model|LLM)\b")
DISCOVERY = [
    re.compile(r"\b(?:launch(?:es|ed|ing)?|releas(?:es|ed|ing)|introduc(?:es|ed|ing)|unveil(?:s|ed|ing)|"
               r"announc(?:es|ed|ing)|debut(?:s|ed)|open[- ]sourc(?:es|ed|ing))\s+"
               r"(?:(?:its|their|the|a|an|our|new|latest|model|models|called|named|dubbed|today|AI)\s+){0,4}"
               rf"(?P<name>{NAME})"),
    re.compile(rf"(?P<name>{NAME})\s+(?:scores|scored|achieves|achieved|reaches|reached|posts|posted|tops|topped|"
               r"leads|led|managed|hits|hit|gets|got)\s+(?:an? |the )?(?:\w+ )?\d"
               # "Khanmigo reached 1.4 million students": a count of people, not a score
               r"(?![\d.,]*\s*(?:million|billion|thousand|users|students|customers|people|downloads|subscribers|"
               r"developers|companies|countries|tokens?|tok/s|ms|seconds?|minutes?|hours?|GB|TB|MB|times|GPUs?|tasks|"
               r"languages|parameters|params|stars)\b|\d{0,2},\d{3})"),
    # A versioned capitalised name used as a model: "Luminous 3 model", "weights of Kestrel 4",
    # "Sable 3 release notes", "Sable A2 remains closed".
    re.compile(r"(?P<name>[A-Z][A-Za-z]+[- ]v?\d+(?:\.\d+)?(?: [A-Z][a-z]+)?)(?:['\u2019]s)? (?:model|LLM|weights|"
               r"release notes|model card|checkpoints?|remains?|stays?)\b"),
    re.compile(rf"\b(?:weights|checkpoints?) (?:of|for) (?P<name>{NAME})"),
    re.compile(rf"\b(?:flagship|sibling|successor|predecessor|variant)\s+(?P<name>{NAME})"),
    re.compile(rf"(?m)^Introducing (?P<name>{NAME})"),
    HEADING_NAME,
    re.compile(rf"\b(?:its|their|our|the) (?:new |latest |flagship )?(?P<name>{NAME}) (?:model|LLM|system)\b"),
    # Apposition: "Alpamayo 1, the first open reasoning VLA model"
    re.compile(rf"(?P<name>{NAME})\s*,\s+(?:a|an|the|our|its)\s+(?:[\w'\u2019-]+,?\s+|\([A-Z]+\)\s+){{0,9}}(?:model|LLM)\b"),
    # Copula: "Isaac GR00T N1.6 is an open reasoning vision language action (VLA) model"
    re.compile(rf"(?P<name>{NAME}) is (?:a|an|the|our) (?:[\w'\u2019-]+,?\s+|\([A-Z]+\)\s+){{0,9}}(?:model|LLM)\b"),
]
LEAD_NAME = re.compile(r"(?m)^(?:[-*\u2022]\s+|#{1,6}\s+|\*\*)?(?:[A-Z][\w.&-]*['\u2019]s\s+)?"
                       r"(?P<name>[A-Z][\w.]*(?:[- ](?:[A-Z0-9][\w.]*|v?\d[\w.]*)){0,3})\**\s*(?::|\s-\s)"
                       r"(?=[^\n]*?\b\d+(?:\.\d+)?\s?%?\s+(?:on|in)\s+[A-Z])")
PERSON_APPOSITION = re.compile(r"\b(?:at|with|from|of)\s+[A-Z]|\b(?:engineer|researcher|scientist|manager|founder|"
                               r"co-founder|CEO|CTO|spokes(?:person|man|woman)|director|head|professor|executive|"
                               r"president|officer|analyst|lead|partner)s?\b")
# A list of names introduced as models; each item may carry its maker ("Pine.2 from Pinewood Labs").
_ITEM = rf"{NAME}(?:\s+(?:from|by)\s+[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}})?"
MODEL_LIST = re.compile(rf"\b(?:[Mm]odels|LLMs|[Cc]heckpoints)\s+(?:include|includes|including|such as|like|are)\s+"
                        rf"(?P<list>{_ITEM}(?:(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+){_ITEM})+)"
                        r"(?=\s*[.,;:)\n]|\s*$|\s+(?:are|is|were|was|have|has|can|could|will|would|run|runs|also)\b)")


def doc_text(doc: Doc) -> str:
    """DOC's text, built once: spaCy's Doc.text joins every token on each access, and the rules read it often."""
    text = doc.user_data.get("aikb_text")
    if text is None:
        text = doc.user_data["aikb_text"] = "".join(t.text_with_ws for t in doc)
    return text


NOT_NAMES = {"the", "it", "this", "that", "today", "our", "we", "its", "their", "a", "an", "ai", "api",
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "new", "in",
             "on", "and", "with", "for", "of", "also", "now", "here", "there", "they", "he", "she",
             "gpu", "gpus", "cpu", "version", "support", "access"} | lower_words("month", "month_abbr")
PRONOUN_SUBJECTS = {"it", "model", "system"}
# A capitalised name with a version ("Orca 5", "Vega-3 Mini", "Mosaic-13B", "Lumen-VLA 2") is a model when
# its sentence talks about models: a benchmark, weights, a release, a licence.
VERSIONED = re.compile(r"(?<![\w.-])(?P<name>(?:[A-Z][a-zA-Z]+ )?[A-Z][a-zA-Z]+(?:-[A-Z][A-Za-z]*)?[- ]v?"
                       # a size ("70B"), or a version that is small and has one decimal: "AA-LCR 52.00", "TOR 0.82" are a metric's value
                       r"(?:\d{1,3}(?:\.\d)?[BbMm]|(?:1\d|20|\d)(?:\.\d)?(?!\d|\.\d)[A-Za-z]?)"
                       rf"(?:-\d+[BbMm])?(?: (?:{alternation('tier_variant', 'variant')}))?)(?![\w-])")
NOT_VERSIONED = {"figure", "table", "section", "chapter", "version", "step", "phase", "day", "week", "level", "tier",
                 "gen", "series", "part", "top", "grade", "class", "type", "model", "page", "episode", "season",
                 "item", "rule", "article", "appendix", "note", "h", "a", "b", "m", "q", "round", "stage", "number",
                 "no", "vol", "issue", "release", "update", "under", "over", "about", "get", "answer", "invent",
                 "llm", "api", "gpu", "cpu"} | lower_words("month", "month_abbr")
# Products, platforms and chips with version numbers (an operating system with its version): names in data, not here.
NOT_MODEL_NAMES = frozenset(w.lower() for r in read_patterns("not_models") for w in r["words"])


def _not_versioned(name: str) -> bool:
    """A versioned name that is a numbered label or a product ("Step 3", an operating system's version)."""
    first = name.split()[0].split("-")[0].lower()
    return first in NOT_VERSIONED or first in NOT_MODEL_NAMES or name.lower() in NOT_MODEL_NAMES
MODEL_CONTEXT = re.compile("|".join(r["regex"] for r in read_patterns("model_context")), re.I)
BARE_VARIANTS = words("tier_variant")  # data/patterns/lexicon.jsonl


@lru_cache(maxsize=1)
def version_variant() -> re.Pattern:
    """"2.5 Pro", "4.6 Opal": a bare version and a variant word (generic ones, and the capitalised
    variant names of the gazetteer's families), read as a model of the document's family."""
    own = {v for f in gazetteer().families for v in f.get("variants") or [] if v[:1].isupper() and len(v) > 2}
    words = sorted(set(BARE_VARIANTS) | own, key=len, reverse=True)
    return re.compile(r"(?<![\w.-])(\d+(?:\.\d+)?) (" + "|".join(map(re.escape, words)) + r")\b")


VERSION_RANGE = re.compile(r"(?P<base>.*?[A-Za-z][\s-]?)(?P<a>\d+\.\d+)[-\u2013](?P<b>\d+\.\d+)")


@dataclass
class Mention:
    kind: str  # MODEL | BENCHMARK | ORG | FAMILY
    name: str  # canonical display name
    start: int  # token index
    end: int
    start_char: int
    end_char: int
    known: bool = False


@dataclass
class DocMentions:
    models: list[Mention] = field(default_factory=list)
    benchmarks: list[Mention] = field(default_factory=list)
    orgs: list[Mention] = field(default_factory=list)
    families: list[Mention] = field(default_factory=list)
    focal: Optional[str] = None
    model_orgs: dict = field(default_factory=dict)

    def in_span(self, kind_list: list[Mention], start: int, end: int) -> list[Mention]:
        """Mentions of one kind whose tokens lie inside [start, end)."""
        return [m for m in kind_list if m.start >= start and m.end <= end]


def _canonical_model(text: str, seen: dict) -> tuple[str, bool]:
    """Gazetteer name for a model surface form, else the first spelling seen in this doc."""
    resolved = resolve_model_name(text)
    known = bool(resolved and gazetteer().model_index.get(norm_key(resolved)))
    name = resolved or text.strip()
    return seen.setdefault(norm_key(name), name), known


class _Ents:
    """A doc's entities, for `within(span)`: Span.ents re-reads the whole doc on every call, which
    made a long text quadratic (100 KB took over a minute; found by tests/test_hardening.py)."""

    def __init__(self, doc: Doc) -> None:
        self.ents = tuple(doc.ents)  # sorted by start, not overlapping
        self.starts = [e.start for e in self.ents]

    def within(self, span: Span) -> list[Span]:
        """The entities lying wholly inside SPAN, like span.ents."""
        i = bisect.bisect_left(self.starts, span.start)
        out = []
        while i < len(self.ents) and self.ents[i].start < span.end:
            if self.ents[i].end <= span.end:
                out.append(self.ents[i])
            i += 1
        return out


# Words that never sit inside a model's name: headings ("Models Get 35% Faster"), products, datasets, chips.
NON_NAME_WORDS = frozenset((
    "models datasets dataset data storage get gets faster slower open physical block service services "
    "chips chip instances instance gpus processor cluster servers datacenter tools platform the"
).split())


# A name without a version that ends in a company word is a company ("Kite Robotics", "Orion Compute").
COMPANY_TAIL = re.compile(rf"\s(?:{ORG_END})\.?$")  # data/patterns/lexicon.jsonl


def _not_a_model(name: str) -> bool:
    words = [w.lower() for w in re.split(r"[\s]+", name)]
    if COMPANY_TAIL.search(name) and not re.search(r"\d", name):
        return True
    return bool(set(words) & NON_NAME_WORDS) or _not_versioned(name)


def _discover(doc: Doc, taken: set[int]) -> set[str]:
    """Capitalised names used as launched/scored things that no gazetteer or shape knows."""
    found = set()
    g = gazetteer()
    ents = _Ents(doc)
    for n_rx, rx in enumerate(DISCOVERY):
        for m in rx.finditer(doc_text(doc)):
            pieces = re.split(r"\.\s", m.group("name"))  # never across a sentence end: when the cue
            # follows the name ("UI. Orrery 3 is the best ... model"), the name is the last piece
            name_at = m.start("name")
            if len(pieces) > 1 and m.start("name") == m.start():
                name_at = m.end("name") - len(pieces[-1])
                name = pieces[-1].rstrip(".")
            else:
                name = pieces[0].rstrip(".")
            words = name.split()
            if words[0].lower() in NOT_NAMES or name.lower() in NOT_NAMES or _not_a_model(name):
                continue
            if resolve_org_name(words[0]) or resolve_org_name(name) or norm_key(name) in g.bench_index:
                continue
            span = doc.char_span(name_at, name_at + len(name), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span):
                continue
            if resolve_license_name(name):
                continue
            # Launch verbs and "X scores" also fit people ("introduced Jane Doe"); other shapes do not.
            blocked = ("PERSON", "GPE", "TIME", "MONEY", "NORP", "LOC") if n_rx < 2 else ("GPE", "TIME", "MONEY")
            if PERSON_APPOSITION.search(doc_text(doc)[m.end("name"):m.end()]):
                blocked += ("PERSON",)  # "Ana Ruiz, an engineer at Tidewater AI, said the model ...": a person
            if any(e.label_ in blocked
                   for e in ents.within(span) if e.start == span.start and e.end >= span.end):
                continue
            if len(words) == 1 and not re.search(r"[\d\-]|[a-z][A-Z]", name) and span[0].pos_ != "PROPN" \
                    and rx is not HEADING_NAME:  # a heading "Quillon: Our open-weights model" says it is a model
                continue
            found.add(name)
    # A heading or list item led by a model-shaped name and stating a score: "- Acme's Vela-2 - scores 61% on X",
    # "Vela-2: New Agent Hits 59% on Fix-Bench". A leading maker ("Acme's", a known organisation) is not the name.
    for m in LEAD_NAME.finditer(doc_text(doc)):
        name = m.group("name").strip()
        words = name.split()
        if len(words) > 1 and resolve_org_name(words[0]):
            name = " ".join(words[1:])
        start = m.end("name") - len(name)
        if not re.search(r"\d|-[A-Za-z]|[a-z][A-Z]", name) or _not_a_model(name) or name.lower() in NOT_NAMES \
                or resolve_org_name(name) or norm_key(name) in g.bench_index or resolve_license_name(name):
            continue
        span = doc.char_span(start, start + len(name), alignment_mode="contract")
        if span is None or any(t.i in taken for t in span) or any(
                e.label_ in ("PERSON", "GPE", "DATE", "MONEY", "PERCENT") for e in ents.within(span)):
            continue
        found.add(name)
    # Names listed as models: "These models include Loom-2 from Weavers, Pine.1 and Pine.2, and Z-Pic".
    for m in MODEL_LIST.finditer(doc_text(doc)):
        pos = m.start("list")
        for part in re.split(r"(,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)", m.group("list")):
            start, pos = pos, pos + len(part)
            name = re.sub(r"\s+(?:from|by)\s+.*$", "", part).strip()
            if not re.fullmatch(rf"{NAME}", name) or name.lower() in NOT_NAMES or _not_a_model(name):
                continue
            if resolve_org_name(name) or resolve_org_name(name.split()[0]) or norm_key(name) in g.bench_index \
                    or resolve_license_name(name):
                continue
            span = doc.char_span(start, start + len(name), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span) or any(
                    e.label_ in ("PERSON", "GPE", "DATE", "MONEY") for e in ents.within(span)):
                continue
            found.add(name)
    prev_text = ""
    for sent in doc.sents:
        text = sent.text
        # "... released three open-weight models: X, Y and Z" is often split at the colon.
        lead_in = prev_text if prev_text.rstrip().endswith(":") else ""
        prev_text = text
        if not MODEL_CONTEXT.search(text) and not MODEL_CONTEXT.search(lead_in) and not any(
                e.label_ == "BENCHMARK" for e in ents.within(sent)):
            continue
        for m in VERSIONED.finditer(text):
            name = m.group("name")
            offset = 0
            first = name.split()[0]
            if len(name.split()) > 2 and (first.lower() in NOT_NAMES or _not_versioned(first)
                                          or doc.vocab[first.lower()].is_stop or resolve_org_name(first)):
                offset = len(first) + 1  # "These Heron-2", "Acme Orca 5": the leading word is not the name
                name = name[offset:]
            if re.search(r"\b(?:19|20)\d\d$", name) or _not_a_model(name):
                continue  # "re:Invent 2025" is an event, not a model
            if re.fullmatch(r"\s*On\s+", text[:m.start() + offset]):
                continue  # "On Quill-Bench 2.1, X scores ...": the sentence opens with its benchmark
            if _not_versioned(name) or resolve_org_name(name.split()[0]) \
                    or resolve_license_name(name):
                continue
            start = sent.start_char + m.start() + offset
            span = doc.char_span(start, start + len(name), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span):
                continue
            if any(e.label_ in ("DATE", "TIME", "MONEY", "QUANTITY", "GPE") and e.start == span.start
                   for e in ents.within(span)):
                continue
            found.add(name)
    # Members of a family already named as a model need no model words around them: after
    # "releasing Heron, a family of open models", "Heron Lite 2 runs on boards" names a model too.
    stems = {n.split()[0] for n in found if not re.search(r"\d", n.split()[0])}
    if stems:
        text = doc_text(doc)
        for m in VERSIONED.finditer(text):
            name = m.group("name")
            if name.split()[0] not in stems or name in found or len(name.split()) < 2:
                continue
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is not None and not any(t.i in taken for t in span) and not any(
                    e.label_ in ("DATE", "TIME", "MONEY", "QUANTITY", "GPE") for e in ents.within(span)):
                found.add(name)
    return found


def collect_mentions(doc: Doc, title: str = "") -> DocMentions:
    """All model/benchmark/org/family mentions of a doc, canonicalised, plus its focal model."""
    out = DocMentions()
    seen: dict = {}
    g = gazetteer()
    taken: set[int] = set()
    abbrev: dict = {}
    for ent in doc.ents:
        if ent.label_ == "MODEL":
            rng = VERSION_RANGE.fullmatch(ent.text)
            if rng and rng.group("a").split(".")[0] == rng.group("b").split(".")[0] \
                    and float(rng.group("a")) < float(rng.group("b")):
                # "Vela Opal 4.5-4.8" names the two ends of a range of models
                for version in (rng.group("a"), rng.group("b")):
                    name, known = _canonical_model(rng.group("base") + version, seen)
                    out.models.append(Mention("MODEL", name, ent.start, ent.end, ent.start_char, ent.end_char, known))
            elif not re.search(r"\d", ent.text) and not resolve_model_name(ent.text):
                pass  # "Try it in Orrery Canvas": a family word and another family's variant is a product
            elif _numbered_label(doc, ent):
                pass  # "Step 3 of the setup", a rocket the data lists: a numbered thing or a product
            elif not re.search(r"\d", ent.text) and ent.end < len(doc) and doc[ent.end].lower_ in FAMILY_NOUNS:
                pass  # "Acme's Vela Quartz series": a line of models, not one model
            else:
                end = _name_extension(doc, ent)
                footnote = end == ent.end and _footnote_mark(doc, ent)
                surface = doc[ent.start:end - 1 if footnote else end].text
                name, known = _canonical_model(surface, seen)
                out.models.append(Mention("MODEL", name, ent.start, end, ent.start_char, doc[end - 1].idx
                                          + len(doc[end - 1].text), known))
                taken.update(range(ent.start, end))
            taken.update(range(ent.start, ent.end))
        elif ent.label_ == "BENCHMARK":
            name = resolve_benchmark_name(ent.text) or ent.text
            out.benchmarks.append(Mention("BENCHMARK", name, ent.start, ent.end, ent.start_char, ent.end_char))
            taken.update(range(ent.start, ent.end))
            # "Long Name (ABBR)": the abbreviation now means the long name in this document.
            nxt = doc[ent.end:ent.end + 3]
            if len(nxt) == 3 and nxt[0].text == "(" and nxt[2].text == ")" and nxt[1].text.isupper():
                abbrev[nxt[1].text] = name
        elif ent.label_ == "ORG":
            name = resolve_org_name(ent.text) or ent.text
            out.orgs.append(Mention("ORG", name, ent.start, ent.end, ent.start_char, ent.end_char,
                                    bool(resolve_org_name(ent.text))))
    for b in out.benchmarks:
        surface = doc_text(doc)[b.start_char:b.end_char]
        if surface in abbrev:
            b.name = abbrev[surface]
    for short, long_name in abbrev.items():  # later bare uses of a defined abbreviation
        for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", doc_text(doc)):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is not None and not any(t.i in taken for t in span):
                out.benchmarks.append(Mention("BENCHMARK", long_name, span.start, span.end, m.start(), m.end()))
                taken.update(range(span.start, span.end))
    out.benchmarks.sort(key=lambda m: m.start)
    # Unseen names from context, then every occurrence of them.
    for name in sorted(_discover(doc, taken), key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", doc_text(doc)):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span):
                continue
            canon, _ = _canonical_model(name, seen)
            out.models.append(Mention("MODEL", canon, span.start, span.end, m.start(), m.end()))
            taken.update(range(span.start, span.end))
    # "Heronlabs's new V4 Flash", "Heronlabs's 1.6T v4 Pro": a maker's possessive before a bare version
    for m in MAKER_VERSION.finditer(doc_text(doc)):
        org = resolve_org_name(m.group("org"))
        fam = _maker_family(org, m.group("ver")) if org else None
        span = doc.char_span(m.start("ver"), m.end(), alignment_mode="contract")
        if fam is None or span is None or any(t.i in taken for t in span):
            continue
        ver = re.sub(r"^v(?=\d)", "V", m.group("ver"))
        variant = m.group("var")
        own = {v.lower() for v in fam.get("variants") or []}
        if not (ver[0].isalpha() or (variant and variant.lower() in own)):
            continue  # "Heronlabs's 2 million users": a number is a version only with a letter or a variant
        if variant and variant.lower() not in own:
            variant = None
            span = doc.char_span(m.start("ver"), m.end("ver"), alignment_mode="contract")
            if span is None:
                continue
        canon, known = _canonical_model(f"{fam['family']} {ver}" + (f" {variant}" if variant else ""), seen)
        out.models.append(Mention("MODEL", canon, span.start, span.end, span.start_char, span.end_char, known))
        taken.update(range(span.start, span.end))
    # Bare family words ("Heron", "Orrery") for family-level stances and for partial-name linking.
    fam_counts: Counter = Counter()
    for m in out.models:
        fam = model_family(m.name)
        if fam:
            fam_counts[fam.get("parent") or fam["family"]] += 1
    for fam in g.families:
        if fam.get("bare") is False:
            continue
        # "the Vela app", "the Orrery API" name a product surface, not the model family.
        for m in re.finditer(rf"(?<![\w-]){re.escape(fam['family'])}(?![\w-]|\s\d|\s(?:app|API|website|"
                             rf"chatbot|assistant|CLI|Code|Enterprise|subscribers?|users?|(?:[Cc]ommunity |[Oo]pen )?[Ll]icen[cs]e)\b)",
                             doc_text(doc)):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is not None and not any(t.i in taken for t in span):
                out.families.append(Mention("FAMILY", fam["family"], span.start, span.end, m.start(), m.end()))
    # "2.5 Pro" in a Orrery post is Orrery 2.5 Pro; "K3" in a Zephyr post is Zephyr K3.
    if fam_counts:
        dominant = fam_counts.most_common(1)[0][0]
        letters = {re.sub(r"^\W+", "", m.name[len(dominant):])[:1] for m in out.models
                   if m.name.startswith(dominant)}
        letters = {c for c in letters if c.isalpha() and c.isupper()}
        dom_variants = {v for f in g.families if f["family"] == dominant for v in f.get("variants") or []}
        for m in re.finditer(r"(?<![\w.-])([A-Z])(\d+(?:\.\d+)?)(?: ([A-Z][a-z]+))?(?![\w-])", doc_text(doc)):
            end = m.end() if m.group(3) in dom_variants else m.end(2)  # "V4 Pro" in a Heronlabs post
            span = doc.char_span(m.start(), end, alignment_mode="contract")
            if m.group(1) not in letters or span is None or any(t.i in taken for t in span):
                continue
            canon, known = _canonical_model(f"{dominant} {doc_text(doc)[m.start():end]}", seen)
            out.models.append(Mention("MODEL", canon, span.start, span.end, m.start(), m.end(), known))
            taken.update(range(span.start, span.end))
        for m in version_variant().finditer(doc_text(doc)):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span):
                continue
            prev = re.search(r"([A-Z][\w.-]*)\s$", doc_text(doc)[max(0, m.start() - 30):m.start()])
            family = _variant_family(m.group(2), dominant, resolve_org_name(prev.group(1)) if prev else None)
            if family is None or (prev and not resolve_org_name(prev.group(1))):
                continue  # "Nimbus 2 Pro": the number belongs to a name we do not know
            canon, known = _canonical_model(f"{family} {m.group(0)}", seen)
            out.models.append(Mention("MODEL", canon, span.start, span.end, m.start(), m.end(), known))
            taken.update(range(span.start, span.end))
    out.models.sort(key=lambda m: m.start)
    # "Glimmer is a vision model" after "Tinsel Glimmer": an unknown one-word name that ends one other
    # model's name in the document is a short name of it.
    full_names = {m.name for m in out.models}
    for m in out.models:
        if m.known or " " in m.name or re.search(r"\d", m.name):
            continue
        longer = {n for n in full_names if n.endswith(" " + m.name)}
        if len(longer) == 1:
            m.name = longer.pop()
    _short_variant_names(doc, out, taken)
    # "Zephyr 2.5" beside "Zephyr K3" and "Zephyr K2.6": the family writes its versions with a letter.
    lettered: dict = {}
    for m in out.models:
        lm = re.fullmatch(r"(?P<fam>.+?) (?P<letter>[A-Z])\d+(?:\.\d+)?", m.name)
        if lm:
            lettered.setdefault(lm.group("fam"), set()).add(lm.group("letter"))
    for m in out.models:
        bare = re.fullmatch(r"(?P<fam>.+?) (?P<ver>\d+(?:\.\d+)?)", m.name)
        if bare and not m.known and len(lettered.get(bare.group("fam"), ())) == 1:
            m.name = f"{bare.group('fam')} {next(iter(lettered[bare.group('fam')]))}{bare.group('ver')}"
    out.families.sort(key=lambda m: m.start)
    for m in out.models:
        out.model_orgs.setdefault(m.name, org_for_model(m.name))
    ents = _Ents(doc)
    for m in out.models:  # unseen models: "Cirrus AI is releasing Nimbus 2 Pro", "Tessellate's Mosaic-13B"
        if out.model_orgs.get(m.name) is None:
            out.model_orgs[m.name] = _maker_from_context(doc, m, ents)
    for name, org in list(out.model_orgs.items()):
        if org is None:  # "Raven 2 Swift" beside "Raven 2 Ultra": one family, one maker
            stem = re.split(r"[\s-]", name)[0]
            kin = {o for n, o in out.model_orgs.items() if o and n != name and re.split(r"[\s-]", n)[0] == stem}
            if len(kin) == 1:
                out.model_orgs[name] = kin.pop()
    out.focal = pick_focal(out.models, title, doc)
    return out


def _short_variant_names(doc: Doc, out: DocMentions, taken: set[int]) -> None:
    """A versioned model whose name ends in a distinctive variant word is later called by that word alone
    ("<Family> 7.2 Borealis" ... "Borealis leads on ..."): the bare word is a mention of the full name, when
    exactly one model of the document ends with it and the word is no generic variant ("Pro", "Mini")."""
    from kb.nlp.names import GENERIC_VARIANTS

    generic = {v.lower() for v in GENERIC_VARIANTS}
    enders: dict = {}
    for m in out.models:
        words = m.name.split()
        if len(words) >= 2 and re.search(r"\d", " ".join(words[:-1])) and re.fullmatch(r"[A-Z][a-z]{2,}", words[-1]) \
                and words[-1].lower() not in generic:
            enders.setdefault(words[-1], set()).add(m.name)
    text = doc_text(doc)
    added = False
    for word, names in enders.items():
        if len(names) != 1 or doc.vocab[word.lower()].is_stop or resolve_org_name(word) \
                or resolve_benchmark_name(word):
            continue
        full = next(iter(names))
        for hit in re.finditer(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text):
            span = doc.char_span(hit.start(), hit.end(), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span) or span[0].ent_type_ in ("PERSON", "GPE", "ORG") \
                    and span[0].ent_iob_ == "B" and span.end < len(doc) and doc[span.end].ent_iob_ == "I":
                continue
            out.models.append(Mention("MODEL", full, span.start, span.end, hit.start(), hit.end()))
            taken.update(range(span.start, span.end))
            added = True
    if added:
        out.models.sort(key=lambda m: m.start)


def _numbered_label(doc: Doc, ent: Span) -> bool:
    """A family word that is also an ordinary word, with a bare number, used as a numbered label
    ("Step 3 of the tutorial") or a product the data names (a rocket)."""
    if ent.text.lower() in NOT_MODEL_NAMES or ent.text.split()[0].lower() in NOT_MODEL_NAMES:
        return True
    if not re.fullmatch(r"[A-Z][a-z]+ \d{1,2}", ent.text):
        return False
    nxt = doc[ent.end:ent.end + 2]
    return len(nxt) == 2 and nxt[0].lower_ == "of" and nxt[1].pos_ in ("DET", "PRON", "NUM")


def _footnote_mark(doc: Doc, ent: Span) -> bool:
    """"Orrery 3 Pro 1 stands as ...": a footnote mark the scraper kept after a known name, not a version.
    The mention keeps the mark (so no rule reads it as a number); the name drops it."""
    if len(ent) < 3 or not re.fullmatch(r"[1-9]", ent[-1].text) or not ent[-2].is_alpha or _known(ent.text):
        return False
    short = doc[ent.start:ent.end - 1].text
    return _known(short) and bool(re.search(r"\d", short))


FAMILY_NOUNS = {"series", "family", "lineup", "line-up"}


def _known(name: str) -> bool:
    resolved = resolve_model_name(name)
    return bool(resolved and gazetteer().model_index.get(norm_key(resolved)))


EXTENSION_VARIANTS = frozenset(words("tier_variant"))


def _name_extension(doc: Doc, ent: Span) -> int:
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


def _repeated_variant(doc: Doc, ent: Span, t) -> bool:
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


MAKER_VERSION = re.compile(r"(?P<org>[A-Z][\w.-]*(?: [A-Z][\w.-]*)?)['\u2019]s\s+(?:(?:new|latest|upcoming|open)\s+)?"
                           r"(?:\d+(?:\.\d+)?[BT]\s+)?(?P<ver>[Vv]?\d+(?:\.\d+)?|[A-Z]\d+(?:\.\d+)?)"
                           r"(?:\s+(?P<var>[A-Z][a-z]+))?(?![\w-]|\.\w)")


def _maker_family(org: str, ver: str) -> Optional[dict]:
    """The maker's one family a bare version belongs to ("V4" at Heronlabs is Heronlabs V4)."""
    fams = [f for f in gazetteer().families if f.get("org") == org and not f.get("parent") and f.get("bare", True)]
    if len(fams) == 1:
        return fams[0]
    known = [f for f in fams if resolve_model_name(f"{f['family']} {ver}")
             and gazetteer().model_index.get(norm_key(f"{f['family']} {ver}"))]
    return known[0] if len(known) == 1 else None


def _variant_family(variant: str, dominant: str, org: Optional[str]) -> Optional[str]:
    """The family a bare "<version> <variant>" belongs to: the family of the maker named just before it
    ("Acme 5.6 Sol" -> Vega), else the document's dominant family when that family has the variant, else
    the one family that has it ("and 5.6 Luna" in a Zephyr review is not a Zephyr model)."""
    fams = [f for f in gazetteer().families if not f.get("parent")]

    def has(f: dict) -> bool:
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


def _maker_from_context(doc: Doc, m: Mention, ents: Optional[_Ents] = None) -> Optional[str]:
    """The organisation named as launching a model in the same sentence, or its possessor."""
    sent = doc[m.start].sent
    # only the entities between the sentence start and the model (not all of the doc's, per mention)
    for ent in (ents or _Ents(doc)).within(doc[sent.start:m.start]):
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
                or (span is not None and any(e.label_ == "ORG" for e in (ents or _Ents(doc)).within(span))):
            return resolve_org_name(name) or name
    return None


OWNER_AFTER = re.compile(r"\s*(?:,|\bis|\bwas)\s+(?:the\s+)?(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,2})['\u2019]s?\s+"
                         r"(?:[\w-]+\s+){0,3}?(?:model|LLM|flagship|release|system)\b")


def org_for_model(name: str) -> Optional[str]:
    """The maker of a model from the gazetteer or its family."""
    from kb.nlp.names import org_of_model

    return org_of_model(name)


def pick_focal(models: list[Mention], title: str, doc: Doc) -> Optional[str]:
    """The article's main model: the most mentioned, boosted when named in the title or opening."""
    if not models:
        return None
    score: Counter = Counter()
    first_para_end = doc_text(doc).find("\n\n")
    first_para_end = first_para_end if first_para_end > 0 else 600
    for m in models:
        score[m.name] += 1
        if m.start_char < first_para_end:
            score[m.name] += 2
    for name in score:
        if title and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", title):
            score[name] += 5
    order = {m.name: i for i, m in reversed(list(enumerate(models)))}
    return max(score, key=lambda n: (score[n], -order[n]))


def sentence_subject(sent: Span, models: list[Mention]) -> tuple[Optional[Mention], bool]:
    """The model that is the grammatical subject of a sentence, and whether a pronoun stands for it.

    Returns (mention or None, pronoun_subject).
    """
    for m in models:
        if m.start < sent.start or m.end > sent.end:
            continue
        for tok in sent.doc[m.start:m.end]:
            if tok.dep_ in ("nsubj", "nsubjpass") and not (m.start <= tok.head.i < m.end):
                return m, False
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.i == m.end - 1:
                return m, False
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ in PRONOUN_SUBJECTS:
            if tok.lower_ == "it" or any(c.lower_ in ("the", "this", "our", "new") for c in tok.children):
                return None, True
    first = [m for m in models if sent.start <= m.start < sent.start + 2]
    return (first[0], False) if first else (None, False)
