"""Model names no gazetteer or shape knows, discovered from how the text uses them.

"Acme launched Tinsel Spark", "Ornith-1.0 scores 61", "- Vela-2: hits 59% on X", "models include Loom-2 and
Pine.1", a versioned name in a sentence about models ("Orca 5 weights"), and the other members of a family
once one is named. `discover(doc, taken)` returns the names; kb/nlp/mentions.py finds their occurrences.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span

from kb.nlp.doc_spans import Ents, doc_text
from kb.nlp.names import gazetteer, resolve_benchmark_name, resolve_license_name, resolve_org_name
from kb.text.keys import name_key
from kb.nlp.pipeline import read_patterns
from kb.text.lexicon import ORG_END, alternation, lower_words

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
# Several versioned names after a launch verb: "we release Vela-2-7B, Vela-2-7B-Chat and Vela-2-20B".
LAUNCH_LIST = re.compile(rf"\b(?:release[sd]?|launch(?:es|ed)?|introduce[sd]?|open-source[sd]?|unveil(?:s|ed)?)\s+"
                         rf"(?:(?:the|our|its|their|new|two|three|four|five) )*"
                         rf"(?P<list>{NAME}(?:(?:,\s*(?:and\s+)?|\s+and\s+){NAME})+)"
                         r"(?=\s*[.,;:)\n]|\s*$|\s+(?:on|in|today|with|for|under|to)\b)")



NOT_NAMES = {"the", "it", "this", "that", "today", "our", "we", "its", "their", "a", "an", "ai", "api",
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "new", "in",
             "on", "and", "with", "for", "of", "also", "now", "here", "there", "they", "he", "she",
             "gpu", "gpus", "cpu", "version", "support", "access"} | lower_words("month", "month_abbr")
# A capitalised name with a version ("Orca 5", "Vega-3 Mini", "Mosaic-13B", "Lumen-VLA 2") is a model when
# its sentence talks about models: a benchmark, weights, a release, a licence.
VERSIONED = re.compile(r"(?<![\w.-])(?P<name>(?:[A-Z][a-zA-Z]+ )?[A-Z][a-zA-Z]+(?:-[A-Z][A-Za-z]*)?[- ]v?"
                       # a size ("70B"), or a version that is small and has one decimal: "AA-LCR 52.00", "TOR 0.82" are a metric's value
                       r"(?:\d{1,3}(?:\.\d)?[BbMm]|(?:1\d|20|\d)(?:\.\d)?(?!\d|\.\d)[A-Za-z]?)"
                       rf"(?:-\d+[BbMm])?(?: (?:{alternation('tier_variant', 'variant')}))?)(?![\w-])")
MONTHS = lower_words("month", "month_abbr")
VARIANT_WORDS = lower_words("tier_variant", "variant")
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
MODEL_NOUN = re.compile(r"\b(?:models?|LLMs?|weights|checkpoints?|parameters|open[- ]weights?|benchmarks?)\b", re.I)
MODEL_CONTEXT = re.compile("|".join(r["regex"] for r in read_patterns("model_context")), re.I)

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


def discover(doc: Doc, taken: set[int]) -> set[str]:
    """Capitalised names used as launched/scored things that no gazetteer or shape knows."""
    ents = Ents(doc)
    found = _cued_names(doc, taken, ents) | _lead_names(doc, taken, ents) | _listed_names(doc, taken, ents)
    found |= _versioned_names(doc, taken, ents)
    found |= _family_member_names(doc, taken, ents, found)
    found |= _size_sibling_names(doc, taken, ents)
    found |= _repo_id_names(doc, taken)
    found = {LAUNCH_WORD.sub("", n) for n in found}  # "- Released Vela-2, our chat tune": the name is Vela-2
    return {n for n in found if not _not_a_name(doc, n)}


LAUNCH_WORD = re.compile(r"^(?:Released|Releasing|Launched|Launching|Introduced|Introducing|Announced|Announcing|"
                         r"Unveiled|Unveiling) (?=\S)")


ACRONYM = re.compile(r"[A-Z]{2,5}")
BENCH_VERSION = re.compile(r"(?P<stem>.+?)[- ]v?\d+(?:\.\d+)*")
SIZE_OF = re.compile(r"\s*(?:context|tokens?|parameters?|params|active)\b", re.I)


def _not_a_name(doc: Doc, name: str) -> bool:
    """A found name that is no model's: it opens with a function word or a variant word ("With 10",
    "Base 9B"), holds a date ("Released May 3"), is an unknown bare acronym ("SOTA"), or is the first name
    of a person the document names in full ("Maxime" beside "Maxime Labonne")."""
    words = name.split()
    if (len(words) > 1 or not gazetteer().model_index.get(name_key(name))) and (
            doc.vocab[words[0].lower()].is_stop or words[0].lower() in VARIANT_WORDS):
        return True  # "With 10", "Base 9B"; a size or tier word alone ("the open Small gets 53%") names no model
    versioned = BENCH_VERSION.fullmatch(name)
    if versioned and not versioned.group("stem").isupper() and resolve_benchmark_name(versioned.group("stem")):
        return True  # "OSWorld-2.0": a version of a known benchmark (an acronym may also start a model's name)
    if any(w.lower().rstrip(".") in MONTHS for w in words):
        return True
    if len(words) == 1 and ACRONYM.fullmatch(name) and not gazetteer().model_index.get(name_key(name)):
        return True
    return bool(re.fullmatch(r"[A-Z][a-z]+", name)) and any(
        e.label_ == "PERSON" and len(e) > 1 and e[0].text == name and all(re.fullmatch(r"[A-Z][a-z]+", t.text) for t in e)
        for e in doc.ents)


def _cued_names(doc: Doc, taken: set[int], ents: Ents) -> set[str]:
    """Names a cue of DISCOVERY introduces: a launch verb, "X scores", a heading, an apposition."""
    found = set()
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
            span = _cued_span(doc, name, name_at, taken)
            if span is None:
                continue
            # Launch verbs and "X scores" also fit people ("introduced Jane Doe"); other shapes do not.
            blocked: tuple[str, ...] = ("PERSON", "GPE", "TIME", "MONEY", "NORP", "LOC") if n_rx < 2 else ("GPE", "TIME", "MONEY")
            if PERSON_APPOSITION.search(doc_text(doc)[m.end("name"):m.end()]):
                blocked += ("PERSON",)  # "Ana Ruiz, an engineer at Tidewater AI, said the model ...": a person
            if any(e.label_ in blocked
                   for e in ents.within(span) if e.start == span.start and e.end >= span.end):
                continue
            if len(name.split()) == 1 and not re.search(r"[\d\-]|[a-z][A-Z]", name) and span[0].pos_ != "PROPN" \
                    and rx is not HEADING_NAME:  # a heading "Quillon: Our open-weights model" says it is a model
                continue
            if n_rx == 0 and not re.search(r"\d", name) and not MODEL_NOUN.search(span.sent.text):
                continue  # "Acme launches Stream, a voice assistant": a launched name without a version is a
                # model only when its sentence talks of models
            found.add(name)
    return found


def _cued_span(doc: Doc, name: str, name_at: int, taken: set[int]) -> Span | None:
    """The span of a cued NAME at NAME_AT, or None when it is a common word, an organisation, a benchmark,
    a licence, or already part of another mention."""
    words = name.split()
    if words[0].lower() in NOT_NAMES or name.lower() in NOT_NAMES or _not_a_model(name):
        return None
    if resolve_org_name(words[0]) or resolve_org_name(name) or name_key(name) in gazetteer().bench_index:
        return None
    span = doc.char_span(name_at, name_at + len(name), alignment_mode="contract")
    if span is None or any(t.i in taken for t in span):
        return None
    return None if resolve_license_name(name) else span


def _lead_names(doc: Doc, taken: set[int], ents: Ents) -> set[str]:
    """A heading or list item led by a model-shaped name and stating a score: "- Acme's Vela-2 - scores 61% on X",
    "Vela-2: New Agent Hits 59% on Fix-Bench". A leading maker ("Acme's", a known organisation) is not the name."""
    found = set()
    g = gazetteer()
    for m in LEAD_NAME.finditer(doc_text(doc)):
        name = m.group("name").strip()
        words = name.split()
        if len(words) > 1 and resolve_org_name(words[0]):
            name = " ".join(words[1:])
        start = m.end("name") - len(name)
        if not re.search(r"\d|-[A-Za-z]|[a-z][A-Z]", name) or _not_a_model(name) or name.lower() in NOT_NAMES \
                or resolve_org_name(name) or name_key(name) in g.bench_index or resolve_license_name(name):
            continue
        span = doc.char_span(start, start + len(name), alignment_mode="contract")
        if span is None or any(t.i in taken for t in span) or any(
                e.label_ in ("PERSON", "GPE", "DATE", "MONEY", "PERCENT") for e in ents.within(span)):
            continue
        found.add(name)
    return found


def _listed_names(doc: Doc, taken: set[int], ents: Ents) -> set[str]:
    """Names listed as models: "These models include Loom-2 from Weavers, Pine.1 and Pine.2, and Z-Pic", and
    versioned names listed after a launch verb: "we release Loom-2-7B, Loom-2-7B-Chat and Loom-2-20B"."""
    found = set()
    g = gazetteer()
    text = doc_text(doc)
    lists = [(m, False) for m in MODEL_LIST.finditer(text)] + [(m, True) for m in LAUNCH_LIST.finditer(text)]
    for m, versioned in lists:  # after a launch verb, every item carries a version or size
        pos = m.start("list")
        for part in re.split(r"(,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)", m.group("list")):
            start, pos = pos, pos + len(part)
            name = re.sub(r"\s+(?:from|by)\s+.*$", "", part).strip()
            if not re.fullmatch(rf"{NAME}", name) or name.lower() in NOT_NAMES or _not_a_model(name) \
                    or (versioned and not re.search(r"\d", name)):
                continue
            if resolve_org_name(name) or resolve_org_name(name.split()[0]) or name_key(name) in g.bench_index \
                    or resolve_license_name(name):
                continue
            span = doc.char_span(start, start + len(name), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span) or any(
                    e.label_ in ("PERSON", "GPE", "DATE", "MONEY") for e in ents.within(span)):
                continue
            found.add(name)
    return found


def _versioned_names(doc: Doc, taken: set[int], ents: Ents) -> set[str]:
    """A capitalised name with a version ("Orca 5", "Vega-3 Mini") in a sentence that talks about models."""
    found = set()
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
            name = _versioned_name(doc, m, text)
            if name is None:
                continue
            if re.search(r"\d[BbMmKk]$", name) and SIZE_OF.match(text, m.end()):
                continue  # "a 1M context window", "80B parameters": a size, not a version
            start = sent.start_char + m.start() + (len(m.group("name")) - len(name))
            span = doc.char_span(start, start + len(name), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span):
                continue
            if any(e.label_ in ("DATE", "TIME", "MONEY", "QUANTITY", "GPE") and e.start == span.start
                   for e in ents.within(span)):
                continue
            found.add(name)
    return found


def _versioned_name(doc: Doc, m: re.Match[str], text: str) -> str | None:
    """The model name of one VERSIONED match in sentence TEXT, without a leading word that is not part of
    it, or None when it is a year, an event, a numbered label, a product or an organisation's name."""
    name: str = m.group("name")
    offset = 0
    first = name.split()[0]
    if len(name.split()) > 2 and (first.lower() in NOT_NAMES or _not_versioned(first)
                                  or doc.vocab[first.lower()].is_stop or resolve_org_name(first)):
        offset = len(first) + 1  # "These Heron-2", "Acme Orca 5": the leading word is not the name
        name = name[offset:]
    if re.search(r"\b(?:19|20)\d\d$", name) or _not_a_model(name):
        return None  # "re:Invent 2025" is an event, not a model
    if re.fullmatch(r"\s*On\s+", text[:m.start() + offset]):
        return None  # "On Quill-Bench 2.1, X scores ...": the sentence opens with its benchmark
    if _not_versioned(name) or resolve_org_name(name.split()[0]) or resolve_license_name(name):
        return None
    return name


def _family_member_names(doc: Doc, taken: set[int], ents: Ents, found: set[str]) -> set[str]:
    """Members of a family already named as a model need no model words around them: after
    "releasing Heron, a family of open models", "Heron Lite 2 runs on boards" names a model too."""
    stems = {n.split()[0] for n in found if not re.search(r"\d", n.split()[0])}
    members: set[str] = set()
    if not stems:
        return members
    text = doc_text(doc)
    for m in VERSIONED.finditer(text):
        name = m.group("name")
        if name.split()[0] not in stems or name in found or len(name.split()) < 2:
            continue
        span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
        if span is not None and not any(t.i in taken for t in span) and not any(
                e.label_ in ("DATE", "TIME", "MONEY", "QUANTITY", "GPE") for e in ents.within(span)):
            members.add(name)
    return members


# "<stem>-<size>" ("Vela3-7B", "Orca 2 13B"): a stem, then a parameter size
# and a tuning word as written ("Vela3-7B-Instruct"); never one of a list of sizes ("Vela3-1B/3B")
SIZED = re.compile(r"(?<![\w.-])(?P<stem>[A-Z][\w.]*(?:[ -][A-Z0-9][\w.]*)?)[- ]\d+(?:\.\d+)?[BM]"
                   rf"(?:-(?:{alternation('variant')}))?(?![\w./-])")


@lru_cache(maxsize=1)
def _sized_stems() -> frozenset[str]:
    """Stems of gazetteer models named with a parameter size ("Vela3" of "Vela3-7B")."""
    stems = set()
    for m in gazetteer().models:
        for name in [m["name"], *m.get("aliases", [])]:
            hit = SIZED.fullmatch(name)
            if hit and re.search(r"\d", hit.group("stem")):
                stems.add(name_key(hit.group("stem")))
    return frozenset(stems)


def _size_sibling_names(doc: Doc, taken: set[int], ents: Ents) -> set[str]:
    """Another size of a model the gazetteer knows by its versioned stem and a size: with "Vela3-7B" known,
    "Vela3-1B" and "Vela3-10B" are models too. Only a stem holding a version counts ("Vela3", "Orca 2"),
    so that a bare word before a size ("Base 7B") is not taken for one."""
    found = set()
    stems = _sized_stems()
    for m in SIZED.finditer(doc_text(doc)):
        if name_key(m.group("stem")) not in stems:
            continue
        span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
        if span is None or any(t.i in taken for t in span) or any(
                e.label_ in ("DATE", "TIME", "MONEY", "QUANTITY", "GPE") for e in ents.within(span)):
            continue
        found.add(m.group())
    return found


# A lower-case hub id: "vela-3-7b-it", "acme/orrery-embed-m-v2.0", "heron-embedding-30m-english".
REPO_NAME = re.compile(r"(?<![\w.@/-])(?:[\w.-]+/)?(?P<name>[a-z][a-z0-9]*(?:-[a-z0-9][a-z0-9.]*){2,})(?![\w/-])")
REPO_PIECE = re.compile(r"\d+(?:\.\d+)?[bmk]|v\d+(?:\.\d+)*|\d+(?:\.\d+)*")


def repo_id_name(text: str) -> str | None:
    """The model a lower-case hub id names, as written: three or more hyphenated pieces, the first a
    model family's or a maker's name, one a size or version ("vela-3-7b-it"); "release-2-notes" is none."""
    m = REPO_NAME.fullmatch(text.strip().rstrip("."))
    if m is None:
        return None
    name = m.group("name").rstrip(".")
    pieces = name.split("-")
    if not any(REPO_PIECE.fullmatch(p) for p in pieces[1:]) or " ".join(pieces[:2]) in NOT_MODEL_NAMES \
            or any(p in NOT_MODEL_NAMES for p in pieces):
        return None  # "acme-sdk-2.1" is a tool, "falcon-9-..." a rocket the data lists
    first = pieces[0]
    return name if name_key(first) in gazetteer().family_index or resolve_org_name(first) else None


def _repo_id_names(doc: Doc, taken: set[int]) -> set[str]:
    """Lower-case hub ids of models written in the text ("weights at acme/vela-3-7b-it")."""
    found = set()
    for m in REPO_NAME.finditer(doc_text(doc)):
        name = repo_id_name(m.group("name"))
        if name is None:
            continue
        span = doc.char_span(m.start("name"), m.start("name") + len(name), alignment_mode="contract")
        if span is not None and not any(t.i in taken for t in span):
            found.add(name)
    return found
