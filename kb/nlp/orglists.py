"""Organisations named in lists that the statistical NER misses or that are named only once.

Three general shapes:
  - a class noun introducing names: "companies such as A, B and C", "partners including A and B",
    "telephony providers (A, B, C)", "Physical AI developers A, B and C", "AI startup A";
  - a coordinated list with a known organisation in it: "Cadence and IBM are piloting ...";
  - a name ending in a company word: "Annapurna Labs", "Franka Robotics", "Nomura Research Institute".

Each name must not be a model, family, benchmark, licence, person or place.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable

from spacy.tokens import Doc

from kb.nlp.mentions import DocMentions, doc_text
from kb.nlp.names import (
    clean_label, gazetteer, model_family, resolve_license_name, resolve_model_name, resolve_org_name,
)
from kb.nlp.records import PersonRole
from kb.text.keys import name_key, spelling
from kb.text.lexicon import ORG_END, ORG_FINDING_END, alternation

WORD = r"(?:[A-Z0-9][\w.&'\u2019+]*(?:-[A-Za-z0-9][\w.&+]*)*)"
ITEM = rf"{WORD}(?: {WORD}){{0,3}}"
SEP = r"(?:\s*,\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&)\s+)"
LIST = rf"(?P<list>{ITEM}(?:{SEP}{ITEM})*)"
# after a class noun, a name may hold "of", "for", "in" or "on": "consortia such as the Alliance for Open Tools"
CLASS_ITEM = rf"(?:the )?{WORD}(?: (?:(?:of|for|in|on) )?{WORD}){{0,3}}"
PLURAL_HEAD = (r"(?:companies|organi[sz]ations|partners|customers|clients|developers|startups|start-ups|firms|"
               r"enterprises|labs|providers|platforms|vendors|adopters|businesses|institutions|universities|"
               r"manufacturers|automakers|makers|retailers|banks|publishers|investors|backers|hyperscalers|"
               r"experts|players|rivals|competitors|chipmakers|suppliers|insurers|consortiums|consortia|alliances|"
               r"coalitions|agencies|regulators|nonprofits|non-profits|incubators)")
COMPANY_HEAD = re.compile(r"(?i:companies|organi[sz]ations|startups|start-ups|firms|enterprises|labs|vendors|"
                          r"consortiums|consortia|alliances|coalitions|agencies|incubators|"
                          r"businesses|institutions|universities|manufacturers|automakers|chipmakers|retailers|banks|"
                          r"insurers|publishers|hyperscalers|providers|platforms|suppliers)\b")
SINGULAR_HEAD = (r"(?:company|startup|start-up|developer|firm|lab|provider|maker|chipmaker|automaker|vendor|"
                 r"rival|competitor|partner|customer|investor|retailer|publisher|insurer|bank|supplier|incubator|"
                 r"consortium|regulator|nonprofit|non-profit|agency)")
CLASS_LIST = re.compile(rf"\b(?i:{PLURAL_HEAD}(?:\s+(?:in|of|at|behind)\s+(?-i:[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,2}})"
                        rf"\s+(?=include|including|such as))?\s*(?:(?:[,\u2014\u2013]|\s-)?\s*(?:such as|like|including|"
                        rf"include|includes|among them)\s+|\(\s*|:\s+|\s))(?P<start>)(?P<list>{CLASS_ITEM}(?:{SEP}{CLASS_ITEM})*)")
SINGLE = re.compile(rf"(?<![\w-]){SINGULAR_HEAD} (?P<start>)(?P<list>{ITEM})(?= (?:is|was|has|had|"
                    rf"said|says|will|which|and|to|announced|launched|released|raised|built|uses|used)\b|[,.;)]"
                    r"|(?<=['\u2019]s) )")
# The subject of a launch or a deal opening a sentence or a list item: "Kestrel launches ...", "- Orrin acquires ..."
LAUNCH_SUBJECT = re.compile(rf"^\s*(?:[-*\u2022]\s+)?(?P<start>)(?P<list>{ITEM})\s+(?:launche[sd]|releas(?:es|ed)|"
                            r"announc(?:es|ed)|unveil(?:s|ed)|open[- ]sourc(?:es|ed)|introduc(?:es|ed)|debut(?:s|ed)|"
                            r"acquir(?:es|ed)|rais(?:es|ed))\b")
# A name in apposition to a company noun: "Kestrel, the company behind ...", "Orrin, a startup that ..."
APPOSED = re.compile(rf"(?<![\w-])(?P<start>)(?P<list>{ITEM}), (?:the|a|an) (?:[a-z-]+ )?(?:company|startup|start-up|"
                     r"firm|lab|organi[sz]ation|nonprofit|non-profit)\b(?= (?:that|which|behind|founded|based|"
                     r"building|making|known)\b)")
# A news outlet as the source of a report: "told Wirefold in an interview", "Wirefold previously reported"
OUTLET_OF = re.compile(rf"\btold (?P<start>)(?P<list>{ITEM})(?= in an interview| in a statement| on [A-Z]|[,.])"
                       rf"|(?<![\w-])(?P<start2>)(?P<list2>{ITEM})(?:['\u2019]s [A-Z][a-z]+ [A-Z][a-z]+)? "
                       r"(?:previously |first |earlier |also )?(?:reported\b(?! (?:revenue|earnings|sales|a |an |\$))|"
                       r"contributed to this report)")
HEAD_WORD = re.compile(rf"(?i:{PLURAL_HEAD}|{SINGULAR_HEAD})")
# The object of a founder's title or of a deal: "co-founder of Covariant", "the acquisition of Annapurna Labs".
OBJECT_OF = re.compile(rf"\b(?:(?:co-?)?founders? of|CEO of|CTO of|(?:acquisition|takeover|purchase) of|acquired|"
                       rf"acquires|acquiring|invested in|investment in|investors in|a stake in|spun out of|backed by|"
                       rf"(?:adviser|advisor|consultant) to|researchers at|engineers at|scientists at) (?:the )?"
                       rf"(?P<start>)(?P<list>{ITEM}(?:{SEP}{ITEM})*)")
COORD = re.compile(rf"(?<![\w.-]){LIST}")
# The end of one organisation's name: "... Exchange Commission", "... Department of Fisheries"
NAME_END = re.compile(rf"\b(?:(?:{ORG_END})\.?|(?:{alternation('institution_word')}) (?:of|for|on) [^,()]+)$")
# A name that ends in a company word, when the NER did not see it.
TAIL_NAME = re.compile(rf"(?<![\w.-])(?:[A-Z][\w.&-]*|[A-Z]{{2,}}) (?:[A-Z][\w.&-]* ){{0,2}}(?:{ORG_FINDING_END})\.?(?![\w-])")
TITLE_WORDS = re.compile(r"CEO|CTO|COO|CFO|CSO|Chief|President|Founder|Co-founder|SVP|EVP|VP|Chair|Head|Director|"
                         r"Senior|Executive|Dr\.?|Mr\.?|Ms\.?|Professor")
LEAD_WORDS = {"the", "a", "an", "and", "or", "including", "like", "such", "leading", "today", "meanwhile",
              "also", "both", "other", "new", "our", "their", "its", "with", "from", "for", "by", "at", "in",
              "on", "as", "all", "many", "some", "several", "more", "most", "top", "major", "big", "but",
              "then", "now", "while", "when", "if", "so", "yet"}
STOP_ITEMS = {"more", "others", "many", "other", "AI", "API", "APIs", "GPU", "GPUs", "LLM", "LLMs", "US",
              "U.S.", "UK", "EU", "CEO", "CTO", "I", "We", "It", "They", "This", "That", "These", "Those"}
NOT_PLACE_LABELS = ("PERSON", "GPE", "NORP", "DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT",
                    "QUANTITY", "LOC", "FAC", "EVENT", "LAW", "LANGUAGE", "WORK_OF_ART")


def in_heading(doc: Doc, start: int) -> bool:
    """Whether the sentence around character START is title-cased (most of its words capitalised)."""
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    if tok is None or not len(tok):
        return False
    sent = tok[0].sent
    memo = doc.user_data.setdefault("aikb_headings", {})  # sentence start -> answer: asked for each mention in it
    if sent.start not in memo:
        words = [t for t in sent if t.is_alpha and not t.is_stop]
        memo[sent.start] = len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.9 * len(words)
    return bool(memo[sent.start])


def _items(text: str) -> list[tuple[str, int]]:
    """(item, offset) for each item of a list text."""
    out, pos = [], 0
    for part in re.split(SEP, text):
        idx = text.find(part, pos)
        out.append((part, idx))
        pos = idx + len(part)
    return out


def _clean(item: str) -> tuple[str, int]:
    """Strip leading function words and trailing titles; returns (name, characters cut at the front)."""
    words = item.split(" ")
    cut = 0
    while words and (words[0].lower() in LEAD_WORDS or HEAD_WORD.fullmatch(words[0])
                     or re.search(r"-(?:based|headquartered|born|backed|owned)$", words[0])):
        cut += len(words[0]) + 1
        words = words[1:]
    kept = []
    for w in words:  # "Alphabet CEO Sundar Pichai" -> "Alphabet"
        if TITLE_WORDS.fullmatch(w):
            break
        kept.append(w)
    name = " ".join(kept).strip(" .,'\u2019")
    name = re.sub(r"['\u2019]s$", "", name)
    return name, cut


class OrgLister:
    def __init__(self, doc: Doc, mentions: DocMentions, product_like: Callable[[str, str], bool]):
        self.doc, self.mentions, self.product_like = doc, mentions, product_like
        self.text = doc_text(doc)
        self.ents = list(doc.ents)
        self.model_spans = [(m.start_char, m.end_char) for m in mentions.models + mentions.families
                            + mentions.benchmarks]
        self.code = code_spans(self.text)
        self.org_spans = [(m.start_char, m.end_char, m.known) for m in mentions.orgs]

    def inside_longer_name(self, start: int, end: int) -> bool:
        """Whether START..END is part of a longer organisation name the NER or the gazetteer reads as one
        ("Exchange Commission" in "Securities and Exchange Commission", "Biases" in a known "X & Biases"),
        unless that longer name coordinates a known organisation with another ("Cadence and IBM")."""
        for a, b, known in self.org_spans:
            whole = self.text[a:b].strip()
            if a <= start and end <= b and b - a > end - start and "," not in whole and (known or (
                    NAME_END.search(whole) and not any(resolve_org_name(_clean(i)[0]) for i, _ in _items(whole)))):
                return True
        return False

    def _person_cut(self, name: str, start: int) -> str:
        """NAME without a person's name that follows it: "co-founder of Acme Prize Jane Roe" -> "Acme Prize"."""
        for e in self.ents:
            if e.label_ == "PERSON" and start < e.start_char < start + len(name) and " " in e.text:
                return re.sub(r"['\u2019]s$", "", self.text[start:e.start_char].strip())
        return name

    def _ent_label(self, start: int, end: int) -> str | None:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        for e in self.ents:
            if e.start <= span.start and e.end >= span.end:
                return e.label_
        return None

    def accept(self, name: str, start: int, need_propn: bool = False, listed: bool = False,
               company_word: bool = False) -> bool:
        """Whether NAME, at character START, can be an organisation. LISTED: a class noun introduces it
        ("companies such as ..."), which outweighs the NER's guess of a place or a one-word person."""
        end = start + len(name)
        if not name or name in STOP_ITEMS or len(name) < 2 or not re.search(r"[A-Za-z]", name):
            return False
        if in_spans(self.code, start) or defines_abbreviation(self.text, start, end):
            return False  # an identifier in code; "Mixture of Experts (MoE)" defines a term
        if resolve_org_name(name):
            return True
        if any(s < end and start < e for s, e in self.model_spans):
            return False  # a model, family or benchmark mention
        if (resolve_model_name(name) or model_family(name) or name_key(name) in gazetteer().family_index
                or name_key(name) in gazetteer().bench_index or resolve_license_name(name)):
            return False
        if self.product_like(name, self.text[end:end + 12]) and not re.fullmatch(r"[A-Z0-9]{2,4}", name):
            return False
        if re.fullmatch(r"[A-Z]{2,4}", name) and self._ent_label(start, end) != "ORG":
            return False  # an unknown short acronym is an organisation only when the NER says so
        label = self._ent_label(start, end)
        if listed:
            if label in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL") or (
                    label == "PERSON" and not company_word and re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+", name)):
                return False
        elif label in NOT_PLACE_LABELS:
            return False
        if need_propn and not self._propn(start, name):
            return False
        return True

    def _in_heading(self, start: int) -> bool:
        return in_heading(self.doc, start)

    def _propn(self, start: int, name: str) -> bool:
        span = self.doc.char_span(start, start + len(name), alignment_mode="expand")
        return span is not None and any(t.pos_ == "PROPN" for t in span)

    def _from_list(self, list_text: str, list_start: int, need_propn: bool,
                   listed: bool = True, company_word: bool = False) -> list[tuple[str, int, int]]:
        out = []
        for item, off in _items(list_text):
            name, cut = _clean(item)
            start = list_start + off + cut
            name = self._person_cut(name, start)
            if self.inside_longer_name(start, start + len(name)):
                continue
            if self.accept(name, start, need_propn, listed=listed, company_word=company_word):
                out.append((resolve_org_name(name) or name, start, start + len(name)))
        return out

    def listed(self) -> list[tuple[str, int, int]]:
        """(name, start, end) of the organisations the list shapes name."""
        found: dict[tuple[int, int], str] = {}
        for sent in self.doc.sents:
            s0, text = sent.start_char, sent.text
            for m in CLASS_LIST.finditer(text):
                items = _items(m.group("list"))
                direct = not re.search(r"(?:such as|like|including|include|includes|among them|from|\(|:)\s*$",
                                       text[m.start():m.start("start")], re.I)
                if direct and len(items) < 2:
                    continue  # "developers Python": a bare class noun before one word is no list
                if direct:  # no "such as": most of the items must at least look like proper names
                    propn = [self._propn(s0 + m.start("list") + off, i) for i, off in items]
                    if sum(propn) * 2 < len(propn):
                        continue
                # "startups X and Y" cannot name people; "experts X and Y" can
                firms = bool(COMPANY_HEAD.match(m.group(0)))
                for name, a, b in self._from_list(m.group("list"), s0 + m.start("list"), need_propn=False,
                                                  company_word=firms):
                    found[(a, b)] = name
            for m in OBJECT_OF.finditer(text):
                for name, a, b in self._from_list(m.group("list"), s0 + m.start("list"), need_propn=True,
                                                  listed=False):
                    found[(a, b)] = name
            for m in [*APPOSED.finditer(text), *OUTLET_OF.finditer(text)]:
                group = "list" if m.group("list") else "list2"
                for name, a, b in self._from_list(m.group(group), s0 + m.start(group), need_propn=True,
                                                  listed=False):
                    found[(a, b)] = name
            for m in LAUNCH_SUBJECT.finditer(text):
                for name, a, b in self._from_list(m.group("list"), s0 + m.start("list"), need_propn=True,
                                                  listed=False):
                    found[(a, b)] = name
            for m in SINGLE.finditer(text):
                for name, a, b in self._from_list(m.group("list"), s0 + m.start("list"), need_propn=True):
                    found[(a, b)] = name
            for m in COORD.finditer(text):
                items = _items(m.group("list"))
                if not re.search(r"\s(?:and|or|&)\s", m.group("list")):
                    continue  # "At CES, NVIDIA is ...": commas alone do not make a coordination
                if len(items) < 2 or re.search(r"\b(?:on|via|through)\s+$", text[max(0, m.start() - 10):m.start()]):
                    continue  # "available on GitHub and Hugging Face": platforms, not a list of organisations
                names = [(_clean(i)[0], s0 + m.start("list") + off + _clean(i)[1]) for i, off in items]
                if not any(resolve_org_name(n) and not resolve_model_name(n) for n, _ in names):
                    continue
                if any(self._ent_label(a, a + len(n)) == "PERSON" and " " in n and not resolve_org_name(n)
                       for n, a in names):
                    continue  # "Google and Sundar Pichai": not a list of organisations
                for n, a in names:
                    if self.inside_longer_name(a, a + len(n)) or (self._in_heading(a) and not resolve_org_name(n)):
                        continue  # "Integration with Acme Cloud & Inference Endpoints": a heading's words
                    if self.accept(n, a, need_propn=True, listed=True):
                        found[(a, a + len(n))] = resolve_org_name(n) or n
        for m in TAIL_NAME.finditer(self.text):
            name, cut = _clean(m.group(0))
            start = m.start() + cut
            if self._in_heading(start) or self.inside_longer_name(start, start + len(name)):
                continue  # "Building Recommender Systems": a title-cased heading, not a company
            if len(name.split()) >= 2 and self.accept(name, start, need_propn=True, listed=True,
                                                                company_word=True):
                found[(start, start + len(name))] = resolve_org_name(name) or name
        return [(n, a, b) for (a, b), n in sorted(found.items())]


# "the Meta AI app": an organisation's other name used as a product's name is no spelling of the organisation
PRODUCT_AFTER = re.compile(r"[\s-]*(?:app|apps|API|APIs|website|chatbot|assistant|platform|subscribers?|users?)\b")


def written_spellings(text: str, spans: list[tuple[int, int]], orgs: set[str],
                      names: Iterable[tuple[int, int]] = ()) -> dict[str, Counter[str]]:
    """The names the text gives each of ORGS (canonical names): another name of an organisation is reported
    as written ("Ai2", "DeepMind", "Mistral" for the gazetteer's "Mistral AI"), and the linker joins them
    through the gazetteer's aliases. The same name spelled differently ("HuggingFace") keeps the canonical
    spelling, and a short form of a longer name the text also writes ("Moonshot" beside "Moonshot AI")
    adds nothing."""
    out: dict[str, Counter[str]] = {}
    for start, end in sorted(spans):
        written = re.sub(r"^(?:the|The)\s+", "", clean_label(text[start:end]))
        written = re.sub(r"['\u2019]s$", "", written)
        canon = resolve_org_name(written) or written
        if canon not in orgs or not written:
            continue
        same = name_key(written, "org") == name_key(canon, "org") or PRODUCT_AFTER.match(text, end)
        out.setdefault(canon, Counter())[canon if same else written] += 1
    inside = [*spans, *names]  # the canonical name written on its own ("Meta" beside "Meta AI"), not in another name
    for canon, forms in out.items():
        if canon not in forms and any(not any(a <= m.start() < b for a, b in inside)
                                      for m in re.finditer(rf"(?<![\w-]){re.escape(canon)}(?![\w-])", text)):
            forms[canon] += 1
    for canon, forms in out.items():
        merged: Counter[str] = Counter()
        for form, n in forms.items():
            longer = [g for g in forms if g != form != canon and spelling(g).startswith(spelling(form) + " ")]
            merged[longer[0] if longer else next(g for g in forms if spelling(g) == spelling(form))] += n
        out[canon] = merged
    return out


# Code in a document: fenced blocks, inline `code`, and lines shaped like code ("from x import Y",
# "f(a=1, b='x')", "key = {...}"): the names in it are identifiers, not organisations.
CODE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]+`"
                  r"|(?m:^[ \t]*(?:from \S+ import|import \S+)[^\n]*$)"
                  r"|(?m:^[^\n]*(?:\w=[\w'\"\[({]|\w\s=\s*[\w'\"\[({][^\n]*[({]|[{}]\s*,?\s*$)[^\n]*$)", re.S)
NOT_NAME_CHARS = re.compile(r"[=<>\"{}()\[\]_\\|]|^\W|'(?!s\b)")
THING_AFTER = re.compile(rf"\s+(?:(?:[A-Z]?[a-z]+\s+)?(?:{alternation('thing_noun')})|(?:{alternation('product_noun')}))\b")


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds code; HTML tags (their attributes look like code) are blanked first."""
    blank = re.sub(r"<[^<>\n]*>", lambda m: " " * len(m.group(0)), text)
    return [m.span() for m in CODE.finditer(blank)]


def in_spans(spans: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in spans)


def defines_abbreviation(text: str, start: int, end: int) -> bool:
    """"Mixture of Experts (MoE)", "large language model (LLM)": a parenthesised abbreviation of the
    words before it is a term the text defines, not an organisation."""
    if not (text[max(0, start - 1):start] == "(" and text[end:end + 1] == ")"):
        return False
    caps = [c.lower() for c in text[start:end] if c.isalpha()]
    words = re.findall(r"[A-Za-z]+", text[max(0, start - 80):start - 1])[-len(caps):]
    return len(words) == len(caps) > 1 and all(w[0].lower() == c for w, c in zip(words, caps))


def defined_abbreviations(text: str) -> set[str]:
    """Every abbreviation the text defines by the initials of the words before it ("Mixture of Experts
    (MoE)"): its later bare uses are the term too (the long form names an organisation, if any)."""
    return {m.group(1) for m in re.finditer(r"\(([A-Z][A-Za-z]{1,7})\)", text)
            if defines_abbreviation(text, m.start(1), m.end(1))}


def thing_names(text: str, names: Iterable[str]) -> set[str]:
    """The unknown NAMES the document writes right before a thing noun ("the Quillon dataset"), or as
    its family's member ("<family word>-Name"), or in the shape of code, or defines as an abbreviation."""
    out = set()
    defined = defined_abbreviations(text)
    for name in names:
        if NOT_NAME_CHARS.search(name) or name in defined:
            out.add(name)
            continue
        first = re.split(r"[\s-]", name)[0]
        if name_key(first) in gazetteer().family_index and first != name:
            out.add(name)  # "<family>-Ground", "<family> Guard": a model line, not its maker
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            if THING_AFTER.match(text, m.end()):
                out.add(name)
                break
    return out


# "on GitHub", "our GitHub repository", "[GitHub](https://...)": a code or content host used as a place
HOSTED_BEFORE = re.compile(r"(?:\b(?:on|via|to|from|in|at)\s+(?:(?:our|the|its|their|his|her)\s+)?|\[)$", re.I)
HOSTED_AFTER = re.compile(r"\]|[\s-]*(?:repo|repos|repository|repositories|page|pages|link|links|README|issues?|"
                          r"stars?|releases?|account|org|organi[sz]ation|discussions?|profile|handle|user)\b", re.I)


# "the Acme page", "Acme repository", "the Acme model card": a page about something, hosted somewhere
PAGE_AFTER = re.compile(r"[\s-]*(?:repo|repos|repository|repositories|page|pages|model cards?|profile|account)\b", re.I)


def only_pages(text: str, ends: list[int]) -> bool:
    """Whether every mention of an organisation (the ENDS of its mentions) names a page or repository of it,
    so that the document never names it as an organisation ("promote your Acme Page", "the Acme model card")."""
    return bool(ends) and all(PAGE_AFTER.match(text, e) for e in ends)


def only_a_place(text: str, name: str) -> bool:
    """Whether every mention of NAME (a platform) uses it as a place where things are hosted or posted
    ("on X", "X repository", a link's text), so that the document never names it as an organisation."""
    hits = list(re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))
    return bool(hits) and all(HOSTED_BEFORE.search(text[max(0, m.start() - 30):m.start()])
                              or HOSTED_AFTER.match(text, m.end()) for m in hits)


@lru_cache(maxsize=1)
def _known_org_shape() -> re.Pattern[str]:
    """The gazetteer's organisation names and aliases as written (not code hosts, not licence names)."""
    g = gazetteer()
    names = {a for o in g.orgs if o.get("kind") != "platform" for a in [o["name"], *o.get("aliases", [])]
             if len(a) > 2 and a[:1].isupper() and not resolve_license_name(a) and name_key(a) not in g.bench_index}
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # not the first word of a longer name: "Acme R1-0528", "Acme Diagram (test)", "Acme 61.4 %"
    return re.compile(rf"(?<![\w./-])(?:{alt})(?![\w/-]|\.\w|\s+[A-Z0-9])")


def table_orgs(tables: Iterable[str]) -> Counter[str]:
    """Known organisations a table's body cells name ("Download: Acme Hub", "Acme embed-v2" as a row): the
    prose rules never read table cells."""
    out: Counter[str] = Counter()
    for html in tables:
        for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", html, re.S):
            for m in _known_org_shape().finditer(re.sub(r"<[^<>]*>", " ", cell)):
                out[resolve_org_name(m.group()) or m.group()] += 1
    return out


def people_orgs(spacy_doc: Doc, people: Iterable[PersonRole]) -> Counter[str]:
    """The organisations the people records name, as the text writes them ("Jane Roe, CTO of Quillfeather"),
    unless the NER reads that name as a place ("the governor of Eastland")."""
    text = doc_text(spacy_doc)
    places = {bare_name(e.text) for e in spacy_doc.ents if e.label_ in ("GPE", "LOC", "NORP", "PERSON")}
    out: Counter[str] = Counter()
    for p in people:
        if p.org and p.org not in places and re.search(rf"(?<![\w-]){re.escape(p.org)}(?![\w-])", text):
            out[p.org] += 1
    return out


def bare_name(name: str) -> str:
    """An NER organisation's name without a leading article or a trailing possessive: "the White House's"."""
    name = re.sub(r"^(?:the|The)\s+", "", name.strip(" .,"))
    return re.sub(r"['\u2019]s?$", "", name).strip(" .,")


def mention_ends(text: str, spans: Iterable[tuple[int, int]]) -> dict[str, list[int]]:
    """Where each organisation's mentions end, by its canonical name."""
    ends: dict[str, list[int]] = {}
    for a, b in spans:
        ends.setdefault(resolve_org_name(bare_name(text[a:b])) or bare_name(text[a:b]), []).append(b)
    return ends
