"""People with their organisation and role, from appositions and title prefixes.

Shapes: "Alexandr Wang, Meta's Chief AI Officer"; "Meta's own chief AI scientist, Yann LeCun";
"Demis Hassabis, CEO of Google DeepMind"; "Amazon CTO Werner Vogels"; "CEO Sundar Pichai".
Surname-only mentions ("Wang") fold into the full name. Known people fall back to the gazetteer's org.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from spacy.tokens import Doc, Span

from kb.nlp.mentions import DocMentions, doc_text
from kb.nlp.names import gazetteer, resolve_org_name
from kb.text.keys import name_key
from kb.nlp.orglists import in_heading
from kb.nlp.person_lines import add_shaped_people, first_name_model
from kb.nlp.person_orgs import BRAND_FIRST_NAMES, DEPARTMENT_WORDS, NOT_NAME_WORDS, known_org, on_byline_line, org_of
from kb.nlp.records import PersonRole
from kb.nlp.role_patterns import (
    AFTER,
    BEFORE,
    COMPANY_WORDS,
    KNOWN_ORG_AFTER,
    KNOWN_ORG_BEFORE,
    ORGTEXT,
    ORG_LIKE_END,
    ROLE,
)

CITATION = re.compile(r"\bet al\.|[\u201c\"][^\u201d\"]{8,}[\u201d\"][,.]?\s*(?:[A-Z][\w ]*(?:Journal|Proceedings|"
                      r"Review|Press|Conference|Transactions)|\(\d{4}\)|arXiv)|\bIn Proceedings\b|\bpp\. \d"
                      # an author list before a quoted title: "Ann B. Lee, Tom Ford, and Li Wei, \u201cTitle\u201d"
                      r"|(?:^|[\s(])(?:[A-Z][\w'-]*\.?\s+){1,3}[A-Z][\w'-]+(?:,\s+(?:and\s+)?(?:[A-Z][\w'-]*\.?\s+){1,3}"
                      r"[A-Z][\w'-]+|\s+and\s+(?:[A-Z][\w'-]*\.?\s+){1,3}[A-Z][\w'-]+)+,?\s+[\u201c\"]")
def _brand_word(word: str, doc: Doc) -> bool:
    text = doc_text(doc)
    followers = set(re.findall(rf"(?<![\w-]){re.escape(word)}\s+([A-Z][\w-]*)", text))
    return len(followers) >= 2


def _valid_person(ent: Span, mentions: DocMentions) -> bool:
    toks = [t for t in ent if not t.is_punct]
    if toks and toks[0].lower_ in BRAND_FIRST_NAMES and _brand_word(toks[0].text, ent.doc):
        return False
    if any(t.lower_ in NOT_NAME_WORDS or (len(t.text) > 1 and t.text.isupper()) or t.text.endswith(":")
           for t in toks):
        return False
    if len(toks) < 2 or len(toks) > 4 or re.search(r"\d|[@/#]", ent.text) or ORG_LIKE_END.search(
            re.sub(r"['\u2019]s?$", "", ent.text.strip())):
        return False  # "Skua Systems' chief executive": NER calls the company a person
    if not all(t.text[:1].isupper() for t in toks if t.text.lower() not in ("de", "van", "von", "der", "la")):
        return False
    spans = mentions.models + mentions.benchmarks + mentions.families
    if any(m.start < ent.end and ent.start < m.end and not (ent.label_ == "PERSON" and first_name_model(m, ent.start, ent.end))
           for m in spans):
        return False  # a model's name; not a first name read as an unseen model ("Maxime" of "Maxime Labonne")
    if len(toks[0].text) > 3 and resolve_org_name(toks[0].text):
        return False  # "Cloudflare Workers", "Google Colab": a company's product

    return not resolve_org_name(ent.text)


MAKER_OF_PROJECT = re.compile(r"(?:^|[\s(])(?P<project>[a-z][\w+-]*(?:\.[\w+-]+)*|[\w+-]+\.[a-z]+)\s+"
                              r"(?P<role>creator|co-creator|maintainer|author)\s+$")
HIRED_BY = re.compile(rf"(?P<org>{ORGTEXT})\s+(?:has\s+|had\s+)?(?:hired|appointed|named|tapped|poached|recruited)\s+$")
HIRED_AS = re.compile(rf"(?:,[^,;.]{{1,40}},)?\s+as\s+(?:(?:its|their|the)\s+)?(?:new\s+)?(?P<role>{ROLE})\b", re.I)
BYLINE_BEFORE = re.compile(r"\b(?:[Bb]y|[Aa]uthored by|[Ww]ritten by|[Pp]osted by)\s+$")
BYLINE_AFTER = re.compile(r"\s*[\u00b7\u2022|]\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]{2,8},? \d{4}|"
                          r"\d{4}-\d\d-\d\d|\d+ min)")
PERSON_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")


ROLE_APPOSED = re.compile(rf"^,\s+(?:the\s+|a\s+|an\s+)?(?:(?-i:[A-Z][\w.&-]*)\s+){{0,3}}{ROLE}(?:\s+(?:of|at|for)\s+(?-i:[A-Z])|\s*,)",
                          re.I)
LEADING_TITLE = re.compile(r"(?:CEO|CTO|CFO|COO|CSO|CPO|CIO|SVP|EVP|VP|President|Founder|Co-founder)\s+")


def _org_tagged_person(ent: Span, doc: Doc) -> bool:
    """NER sometimes calls a person an organisation ("Pieter Abbeel will lead ..."). A two-word name is a
    person when 'who' follows it, or when one of its words alone is later the subject of a verb
    ("Rohit joined Amazon in 2013")."""
    if ent.label_ != "ORG" or len(ent) != 2 or not all(PERSON_WORD.fullmatch(t.text) for t in ent) \
            or resolve_org_name(ent.text) or ORG_LIKE_END.search(ent.text):
        return False
    g = gazetteer()
    if any(name_key(t.text) in g.family_index or name_key(t.text) in g.model_index or resolve_org_name(t.text)
           for t in ent):
        return False  # "Gemini Enterprise", "Nova Forge": a product of a known family or company
    nxt = doc[ent.end:ent.end + 2]
    if len(nxt) == 2 and nxt[0].text == "," and nxt[1].lower_ == "who":
        return True
    if ROLE_APPOSED.match(_context(doc, ent, ent.sent)[1]):
        return True  # "Ana Silva, Head of Research at Quillfeather": a role in apposition
    words = {ent[0].text, ent[1].text}
    for t in doc:
        if t.text in words and not (ent.start <= t.i < ent.end) and t.dep_ == "nsubj" and t.pos_ in ("PROPN", "NOUN") \
                and t.head.pos_ in ("VERB", "AUX") and not (t.i > 0 and doc[t.i - 1].text[:1].isupper()
                                                          and doc[t.i - 1].pos_ == "PROPN") \
                and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN"):
            return True
    return False


def _known_people_rx() -> Optional[re.Pattern[str]]:
    names = sorted({p["name"] for p in gazetteer().people}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])") if names else None


_KNOWN_RX: list[Optional[re.Pattern[str]]] = []


def _candidates(doc: Doc, mentions: DocMentions) -> list[Span]:
    """The doc's entities, plus well-known people (the gazetteer's) the NER did not tag as a person."""
    ents = list(doc.ents)
    if not _KNOWN_RX:
        _KNOWN_RX.append(_known_people_rx())
    rx = _KNOWN_RX[0]
    if rx is None:
        return ents
    covered = {t for e in ents if e.label_ == "PERSON" for t in range(e.start, e.end)}
    for m in rx.finditer(doc_text(doc)):
        span = doc.char_span(m.start(), m.end(), label="KNOWN_PERSON")
        if span is not None and not any(t in covered for t in range(span.start, span.end)):
            ents.append(span)
            covered.update(range(span.start, span.end))
    return sorted(ents, key=lambda e: e.start)


def _names_org(text: str, org: str) -> bool:
    """Whether TEXT names ORG by its name or one of its gazetteer aliases."""
    rec = gazetteer().org_index.get(name_key(org, "org")) or {}
    names = [org, *rec.get("aliases", [])]
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text) for n in names if n)


FROM_NEW_ORG = re.compile(r"^\s+from\s+(?P<org>[A-Z][\w.&-]*[a-z][\w.&-]*(?:\s[A-Z][\w.&-]*)?)"
                          r"(?=\s*[,.;(]|\s+(?:and|to|who|joined|joins|on|about|explain\w*|said|says|told|wrote|added|noted)\b)")
ORG_NOT_LABELS = ("PERSON", "GPE", "LOC", "NORP", "DATE", "TIME", "EVENT", "WORK_OF_ART", "LANGUAGE", "FAC", "PRODUCT")


# A name list: four or more people joined only by commas, semicolons, 'and' or line breaks (credits,
# contributors, paper authors, acknowledgements, show-notes hosts).
LIST_GAP = re.compile(r"[\s,;&|/\u00b7\u2022*-]*(?:and\s+)?")
# A sentence that credits, thanks or bylines people rather than saying what they do.
CREDIT = re.compile(r"\bcontributed (?:to )?(?:this |the )?(?:report|reporting|story|article)|\b(?:additional )?"
                    r"reporting (?:by|from)\b|\b(?:edited|written|compiled|produced|illustrated|photographed) by\b|"
                    r"\b(?:photo|image|illustration|video)s? (?:by|credit)\b|\bthanks? (?:you )?to\b|"
                    r"\bwant to thank\b|\bthank(?:ing)? (?!you\b)[A-Z]|\backnowledg(?:e)?ments?\b|\bcredit(?:s)?(?: for [^:]*)?:|"
                    r"\bcontributors?\b|\bco-?authors?\b", re.I)


def _listed(ents: list[Span], doc: Doc) -> set[int]:
    """Token starts of people named in a run of four or more names ("Ana Silva, Tom Ford and Li Wei" may be
    the three people a story is about; credit and author lists are longer)."""
    people = [e for e in ents if e.label_ in ("PERSON", "KNOWN_PERSON")]
    text = doc_text(doc)
    out: set[int] = set()
    run = people[:1]
    for prev, cur in zip(people, people[1:]):
        gap = text[prev.end_char:cur.start_char]
        if len(gap) <= 12 and LIST_GAP.fullmatch(gap):
            run.append(cur)
            continue
        if len(run) >= 4:
            out.update(e.start for e in run)
        run = [cur]
    if len(run) >= 4:
        out.update(e.start for e in run)
    return out


def _context(doc: Doc, ent: Span, sent: Span) -> tuple[str, str, bool]:
    """(text before the name in its sentence, text after it, whether a dash introduces what follows).
    Scraped text puts spaces before commas ("Kevin Weil , the ..."); a dash works as an apposition comma."""
    text = doc_text(doc)
    before = re.sub(r"(?:Dr|Prof|Mr|Ms|Mrs)\.?\s+$", "", text[sent.start_char:ent.start_char][-80:])
    after = text[ent.end_char:sent.end_char][:120]
    after = re.sub(r"^\s*\(@[\w.]+\)", "", after)  # "Ana Silva (@asilva), a researcher at ..."
    after = re.sub(r"^\s+,", ",", after)
    dash = re.match(r"^\s*[\u2014\u2013]\s*|^\s+-\s+", after)
    if dash:
        after = ", " + after[dash.end():]
    return before, after, bool(dash)


def _role_and_org(doc: Doc, ent: Span, sent: Span, mentions: DocMentions, credit: bool = False,
                  heading: bool = False) -> tuple[Optional[str], Optional[str]]:
    """The role and organisation the sentence gives the person ENT names. In a CREDIT sentence ("thanks to",
    "contributed to this report") only a role word counts: "CNBC's Ana Silva contributed" names her outlet."""
    before, after, dashed = _context(doc, ent, sent)
    for rx in AFTER:
        m = rx.search(after)
        if m and heading and not m.group("role"):
            continue  # a heading's "Name (Source)" or "Name joins X" without a title
        if m and m.groupdict().get("org") and COMPANY_WORDS.match(m.group("org").strip()) and not org_of(m.group("org"), mentions):
            # "X, the company's head of research": the organisation named last before X in the sentence
            named = [o.name for o in mentions.orgs if sent.start_char <= o.start_char and o.end_char <= ent.start_char]
            return m.group("role"), (resolve_org_name(named[-1]) or named[-1]) if named else None
        if m and "sorg" in rx.groupindex:
            if known_org(m.group("sorg"), mentions):
                return m.group("role"), known_org(m.group("sorg"), mentions)
        elif m:
            role = m.group("role")
            if m.groupdict().get("past") and role.lower() != "former":
                role = f"former {role}"  # "(ex-Quillpad CEO)"
            org = org_of(m.groupdict().get("org"), mentions)
            if org is None and m.groupdict().get("org") and m.start("org") > m.end("role") and all(
                    w.lower() in DEPARTMENT_WORDS for w in m.group("org").rstrip(".").split()):
                role = after[m.start("role"):m.end("org")].strip()  # "tech chief of Cloud Applications": a unit
            return role, org
    for rx in BEFORE:
        m = rx.search(before)
        if m:
            past = m.groupdict().get("past") and not m.group("role").lower().startswith("former")
            return ("former " if past else "") + m.group("role"), org_of(m.groupdict().get("org"), mentions)
    m, h = HIRED_BY.search(before), HIRED_AS.match(after)
    if m and h:  # "Tidewater AI hired X as its chief technology officer"
        return h.group("role"), org_of(m.group("org"), mentions)
    m = MAKER_OF_PROJECT.search(before)
    if m:  # "llama.cpp creator Georgi Gerganov": a project, not an organisation
        return f"{m.group('role').lower()} of {m.group('project')}", None
    if credit:
        return None, None
    for rx in KNOWN_ORG_AFTER[0 if dashed else 1:]:
        m = rx.search(after)
        if m and known_org(m.group("sorg"), mentions):
            return m.group("role") or None, known_org(m.group("sorg"), mentions)
    m = FROM_NEW_ORG.match(after)
    if m and not heading:  # "Ana Silva from Quillpad joined the show": an organisation the NER left untagged
        span = doc.char_span(ent.end_char + m.start("org"), ent.end_char + m.end("org"), alignment_mode="expand")
        # a one-word 'person' after "from" is a company the NER misread ("from Quillpad"); two words are a person
        if span is not None and not any(e.label_ in ORG_NOT_LABELS and not (e.label_ == "PERSON" and len(e) == 1)
                                        for e in span.ents) and not any(
                x.start_char < span.end_char and span.start_char < x.end_char
                for x in mentions.models + mentions.benchmarks) \
                and not any(t.is_stop for t in span):
            return None, m.group("org")  # "from Qwen": a model family's name is its team's
    for rx in KNOWN_ORG_BEFORE:
        m = rx.search(before)
        if m and known_org(m.group("sorg"), mentions):  # "Harrow AI's Dylan Okafor"
            return None, known_org(m.group("sorg"), mentions)
    return None, None


def extract_people(doc: Doc, mentions: DocMentions) -> list[PersonRole]:
    """People named in the document, one record per person with the first role and org found. Names in
    credit, contributor, author and thanks lists are kept without role or org (`people_records` drops them)."""
    people: dict[str, dict[str, Any]] = {}
    ents = _candidates(doc, mentions)
    listed = _listed(ents, doc)
    for ent in ents:
        # "Google DeepMind CEO Demis Hassabis": NER sometimes calls a titled person an ORG.
        titled = ent.label_ == "ORG" and ent.start > 0 and re.fullmatch(
            r"CEO|CTO|CFO|COO|President|Chairman|Founder|Co-founder|Dr\.?|Professor", doc[ent.start - 1].text) \
            and not resolve_org_name(ent.text) and len(ent) in (2, 3)
        trimmed = _trimmed(doc, ent)
        if trimmed is None or not _is_person_here(doc, trimmed, bool(titled), mentions):
            continue
        _note_person(doc, trimmed, mentions, listed, people)
    add_shaped_people(doc, mentions, people)
    return _records(people)


def _trimmed(doc: Doc, ent: Span) -> Optional[Span]:
    """The entity without a caption's role run into it ("Ana Silva - Head") or a leading title ("CTO Ana
    Silva": the title is context, not part of the name); None when nothing is left."""
    if " - " in ent.text:
        cut = doc.char_span(ent.start_char, ent.start_char + ent.text.index(" - "), label=ent.label_,
                            alignment_mode="contract")
        if cut is None or not len(cut):
            return None
        ent = cut
    lead = LEADING_TITLE.match(ent.text)
    if lead and (ent.label_ == "PERSON" or ent.label_ == "ORG" and re.fullmatch(
            r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2}", ent.text[lead.end():])):
        cut = doc.char_span(ent.start_char + lead.end(), ent.end_char, label="PERSON", alignment_mode="contract")
        if cut is None or not len(cut):
            return None
        ent = cut
    return ent


def _is_person_here(doc: Doc, ent: Span, titled: bool, mentions: DocMentions) -> bool:
    """Whether the entity is a person in running text: not a reference list's author, not a byline."""
    if (ent.label_ not in ("PERSON", "KNOWN_PERSON") and not titled and not _org_tagged_person(ent, doc)) \
            or not _valid_person(ent, mentions):
        return False
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, ent.start_char) + 1
    line_end = text.find("\n", ent.end_char)
    cited = doc.user_data.setdefault("aikb_cited_lines", {})  # line start -> a reference list's line: asked per name
    if line_start not in cited:
        cited[line_start] = bool(CITATION.search(text[line_start:line_end if line_end >= 0 else None]))
    if cited[line_start]:
        return False  # authors in a reference list are not industry people
    # "authored by Priya Nair \u00b7 Jun 28, 2026": a byline or a card's metadata
    if on_byline_line(text, ent.start_char):
        return False  # "Posted by Ana Silva, Research Scientist, and Tom Berg, Google Research"
    return not (BYLINE_AFTER.match(text, ent.end_char)
                and BYLINE_BEFORE.search(text[max(0, ent.start_char - 20):ent.start_char]))


def _note_person(doc: Doc, ent: Span, mentions: DocMentions, listed: set[int],
                 people: dict[str, dict[str, Any]]) -> None:
    """Record the person's first role and org (and whether a well-known person's org is named near)."""
    name = re.sub(r"^(?:Dr|Mr|Ms|Mrs|Prof)\.?\s+", "", re.sub(r"['\u2019]s?$", "", ent.text.strip()).strip())
    sent = ent.sent
    # a credit line or a title-cased heading: the organisation must come with the person's role or apposition
    credited = ent.start in listed or bool(CREDIT.search(sent.text))
    heading = in_heading(doc, ent.start_char)
    role, org = (None, None) if ent.start in listed else _role_and_org(doc, ent, sent, mentions,
                                                                       credited or heading, heading)
    if role and org is None and re.search(r"\b(?:the|our) (?:company|firm|startup|lab)\b", sent.text, re.I):
        org = mentions.focal_org()  # "CEO X said the company ..."
    rec = people.setdefault(name, {"role": None, "org": None, "evidence": sent.text,
                                   "start": sent.start_char, "end": sent.end_char, "orgs_near": False})
    if role and not rec["role"]:
        rec.update(role=re.sub(r"(?<=[a-z])\.$", "", role.strip(" ,")), evidence=sent.text, start=sent.start_char,
                   end=sent.end_char)
    if org and not rec["org"]:
        rec["org"] = org
        if not rec["role"]:
            rec.update(evidence=sent.text, start=sent.start_char, end=sent.end_char)
    if not credited and name_key(name) in gazetteer().person_index:
        # a well-known person's organisation counts when the words around the name give it
        their_org = gazetteer().person_index[name_key(name)]["org"]
        near = doc_text(doc)[max(sent.start_char, ent.start_char - 60):min(sent.end_char, ent.end_char + 60)]
        if their_org and (_names_org(near, their_org) or re.search(
                r"\b(?:the|his|her|its) (?:company|firm|startup|lab)\b", sent.text)):
            rec["orgs_near"] = True


def _records(people: dict[str, dict[str, Any]]) -> list[PersonRole]:
    """One PersonRole per name; a well-known person with a stated role gets the gazetteer's org."""
    known = gazetteer().person_index
    out = []
    for name, rec in people.items():
        if rec["org"] is None and name_key(name) in known and (rec["role"] or rec.get("orgs_near")):
            rec["org"] = known[name_key(name)]["org"]  # "CEO Lisa Su said", "Sam Altman ... at OpenAI"
        out.append(PersonRole(name=name, org=rec["org"], role=rec["role"], evidence=rec["evidence"],
                              start=rec["start"], end=rec["end"]))
    return out


def people_records(people: list[PersonRole]) -> list[PersonRole]:
    """The people records: those the text gives a role or an organisation. A bare name (a byline, a credit or
    author list, a passing mention) says nothing an analyst can file."""
    return [p for p in people if p.org or p.role]


def title_people(title_doc: Optional[Doc], body: Doc, mentions: DocMentions,
                 people: list[PersonRole]) -> list[PersonRole]:
    """PEOPLE plus the people a headline names ("Andy Jassy makes Amazon leadership announcement",
    "... according to Amazon CTO Dr. Werner Vogels"). A headline name counts when it is a well-known person
    or when the body refers to them too (a title-cased headline is full of capitalised words); a headline
    role or organisation fills what the body left empty."""
    if title_doc is None or not len(title_doc):
        return people
    body_text = doc_text(body)
    model_words = {w.lower() for m in mentions.models + mentions.families for w in m.name.split()}
    known = gazetteer().person_index
    out = list(people)
    for p in extract_people(title_doc, DocMentions()):
        words = p.name.split()
        if any(w.lower() in model_words for w in words):
            continue  # "Introducing Muse Glimmer": a model the NER took for a person
        # the body's first reference (surname, or first name for a well-known person) is the evidence
        refs = words[-1:] if name_key(p.name) not in known else [words[-1], words[0]]
        hits = [m for w in refs for m in re.finditer(rf"(?<![\w-]){re.escape(w)}(?![\w-])", body_text)]
        if not hits:
            continue
        same = [i for i, q in enumerate(out) if q.name == p.name or q.name.endswith(" " + words[-1])]
        if not same:
            at = min(hits, key=lambda m: m.start()).start()
            span = body.char_span(at, at + 1, alignment_mode="expand")
            sent = span.sent if span is not None else None
            if sent is None:
                continue
            out.append(PersonRole(name=p.name, org=p.org or known.get(name_key(p.name), {}).get("org"), role=p.role,
                                  evidence=sent.text, start=sent.start_char, end=sent.end_char))
            continue
        q = out[same[0]]
        if (q.org is None and p.org) or (q.role is None and p.role):
            out[same[0]] = PersonRole(name=q.name, org=q.org or p.org, role=q.role or p.role,
                                      evidence=q.evidence, start=q.start, end=q.end)
    return out
