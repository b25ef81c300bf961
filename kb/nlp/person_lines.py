"""People the NER missed, found by shapes that say person unmistakably: an apposition with a possessive role
("Ana Silva, Wavecrest's head of research"), a role and a known organisation right before a name ("co-founder of
Lumen Prize Oskar Lindahl"), and a guest line ("- Guest: Ana Silva - Head of Research, Wavecrest (@ana)").

A guest line also fills the role or organisation the prose left empty for a person already found, and folds the
two-word forms of a name it gives in full ("Wei Justin Chen" takes "Wei Chen" and "Justin Chen").
"""
from __future__ import annotations

import re
from typing import Any, Optional

from spacy.tokens import Doc

from kb.nlp.doc_spans import DocMentions, Mention, doc_text
from kb.nlp.names import resolve_org_name
from kb.nlp.orglists import in_heading
from kb.nlp.person_orgs import NOT_NAME_WORDS, known_org, on_byline_line, org_of
from kb.nlp.pipeline import read_patterns
from kb.nlp.role_patterns import ORGTEXT, POSS, ROLE, ROLE_SHORT

NAME_WORD = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
# what may follow a name the NER missed: punctuation, a sentence end or a verb of saying
NAME_ENDS = (r"(?=\s*[,;:)]|\.(?:\s|$)|\s+(?:said|says|told|wrote|writes|added|explained|announced|noted|posted|"
             r"shared|argued|replied)\b)")
ROLE_APPOSITION = re.compile(rf"(?<![\w.])(?P<name>{NAME_WORD} {NAME_WORD}),\s+"
                             rf"(?:the\s+)?(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}){POSS}\s+(?P<role>{ROLE})\b")
ROLE_BEFORE_NAME = re.compile(rf"(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}){POSS}\s+(?P<role>{ROLE}),\s+"
                              rf"(?P<name>{NAME_WORD} {NAME_WORD})(?![\w-])")
# "summarized by co-founder of Lumen Prize Oskar Lindahl": the name is the last two capitalised words; the
# organisation must be one the gazetteer or the NER knows
ROLE_OF_ORG_NAME = re.compile(rf"(?<![\w-])(?P<role>(?i:{ROLE}))\s+(?:of|at)\s+"
                              rf"(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}?)\s+"
                              rf"(?P<name>{NAME_WORD} {NAME_WORD}){NAME_ENDS}")
# "Ana Silva, one of the authors of the post and head of research for Quillpad": a name the NER missed, a role
# and an organisation the gazetteer or the NER knows
NAME_ROLE_OF_ORG = re.compile(rf"(?<![\w.@\[])(?P<name>{NAME_WORD} {NAME_WORD}),\s+(?:(?:one of|a|an|the)\s[^,;()\n]{{3,60}}?"
                              rf"\s+and\s+)?(?:the\s+|a\s+|an\s+)?(?P<role>(?i:{ROLE_SHORT}))\s+(?:of|at|for)\s+"
                              rf"(?P<org>{ORGTEXT})")
PLURAL_ROLE = "|".join(re.escape(w) for row in read_patterns("person_words") if row["kind"] == "plural_role"
                       for w in row["words"])
# "former Quillpad researchers Ana Silva, Tom Berg and Li Wei": each name takes the organisation (one the
# gazetteer or the NER knows) and the singular role
ROLE_LIST = re.compile(rf"(?<![\w-])(?P<past>(?i:former)\s+)?(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,2}})\s+"
                       rf"(?P<role>{PLURAL_ROLE})\s+(?P<names>{NAME_WORD} {NAME_WORD}(?:,\s+{NAME_WORD} {NAME_WORD})*,?"
                       rf"\s+and\s+{NAME_WORD} {NAME_WORD})(?![\w-]| [A-Z])")
LIST_NAME = re.compile(rf"{NAME_WORD} {NAME_WORD}")
NAMES = rf"{NAME_WORD} {NAME_WORD}(?:,\s+{NAME_WORD} {NAME_WORD})*(?:,?\s+and\s+{NAME_WORD} {NAME_WORD})?"
# "Harrow AI, the startup co-founded in 2021 by former Quillpad researchers Ana Silva and Tom Berg": the names
# founded the organisation before the comma (one the gazetteer or the NER knows), whatever else they were
FOUNDED_BY = re.compile(rf"(?<![\w-])(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}),\s+(?:(?:the|a|an)\s+[^,;.]{{0,50}}?\s)?"
                        rf"(?P<co>co-\s?)?founded\s+(?:in\s+\d{{4}}\s+)?by\s+(?:[^,;.]{{0,50}}?\s)??"
                        rf"(?P<names>{NAMES})(?![\w-]| [A-Z])")
# "Harrow AI (backed by Z) hired Ana Silva and Tom Berg, two of Z's engineers, as CTO and head of research": each
# name takes its role in order, and the organisation is the one opening the sentence
HIRED_AS_ROLES = re.compile(rf"\b(?:hired|hiring|hires|appointed|appointing|appoints|named|naming|names|poached|poaching)\s+"
                            rf"(?P<names>{NAMES})(?:,[^,;.]{{1,60}},)?\s+as\s+(?:its\s+|their\s+|the\s+)?(?:new\s+)?"
                            rf"(?P<roles>(?i:{ROLE})(?:(?:,\s+|,?\s+and\s+)(?i:{ROLE}))*)(?![\w-])")
# "Quillpad CTO Ana Silva wrote": an organisation and a capitalised executive title before a name the NER missed
ORG_TITLE_NAME = re.compile(rf"(?<![\w-])(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,2}})\s+"
                            rf"(?P<role>CEO|CTO|CFO|COO|CSO|CPO|CIO|President|(?:Co-)?[Ff]ounder|Chief [A-Z]\w* Officer)\s+"
                            rf"(?P<name>{NAME_WORD} {NAME_WORD}){NAME_ENDS}")
# "- Guests - Ana Silva (Quillpad), Tom Berg (Wavecrest)": a guest list line with each guest's organisation
GUEST_LIST = re.compile(r"(?m)^[ \t]*(?:[-*\u2022][ \t]+)?Guests?[ \t]*[:\-\u2013\u2014][ \t]*(?P<items>[^\n]+)$")
GUEST_ITEM = re.compile(rf"(?<![\w.@-])(?P<name>{NAME_WORD}(?: {NAME_WORD}){{1,2}})\s*\((?P<org>{ORGTEXT})\)"
                        rf"(?=\s*(?:,|&|and\b|$))")
# "- Guest: Ana Silva - Head of Research, Wavecrest (@ana)", "Ana Silva - COO Wavecrest": a list line giving a
# name, a dash, a role and an organisation (a host line gives no role word: "Host - Ana Silva - AI Evangelist")
GUEST_LINE = re.compile(rf"(?m)^[ \t]*(?:[-*\u2022][ \t]+)?(?:(?:Guests?|Speakers?|Panel(?:ists?)?)[ \t]*[:\-\u2013\u2014]"
                        rf"[ \t]*)?(?P<name>{NAME_WORD}(?: {NAME_WORD}){{1,2}})(?:[ \t]+\(@[\w.]+\))?[ \t]+[-\u2013\u2014|][ \t]+"
                        rf"(?P<role>(?i:{ROLE}))(?:,|[ \t]+(?:of|at|@))?[ \t]+(?P<org>{ORGTEXT})[ \t]*"
                        rf"(?=[(\[]|[-\u2013\u2014|][ \t]|$)")

# "- Ana Silva - Pretraining at Wavecrest (@ana)": a list line with what a person works on at a known organisation
GUEST_AT = re.compile(rf"(?m)^[ \t]*[-*\u2022][ \t]+(?P<name>{NAME_WORD}(?: {NAME_WORD}){{1,2}})[ \t]+[-\u2013\u2014][ \t]+"
                      rf"[^\n@()\[\]|]{{1,40}}?[ \t]at[ \t]+(?P<org>{ORGTEXT})(?=[ \t]*(?:[(\[]|$))")


def first_name_model(m: Mention, start: int, end: int) -> bool:
    """Whether mention M is only the first word of the two- or three-token name at tokens [START, END): an
    unseen one-word 'model' without a digit ("Maxime" read as a model name beside "Maxime Labonne")."""
    return (m.kind == "MODEL" and not m.known and m.start == start and m.end == m.start + 1 and 2 <= end - start <= 3
            and m.name.isalpha() and not m.name.isupper())


def _clashes(doc: Doc, mentions: DocMentions, start_char: int, end_char: int) -> bool:
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    for x in mentions.models + mentions.benchmarks + [o for o in mentions.orgs if o.known]:
        if x.start_char < end_char and start_char < x.end_char and not (
                span is not None and first_name_model(x, span.start, span.end)):
            return True
    return False


def _evidence(doc: Doc, start: int, end: int) -> dict[str, Any]:
    span = doc.char_span(start, end, alignment_mode="expand")
    around = span.sent if span is not None else None
    if around is None:
        return {"evidence": doc_text(doc)[start:end], "start": start, "end": end}
    return {"evidence": around.text, "start": around.start_char, "end": around.end_char}


def _name_ok(doc: Doc, name: str, at: int) -> bool:
    if on_byline_line(doc_text(doc), at):
        return False  # a byline's names are the authors
    return not resolve_org_name(name) and not any(w.lower() in NOT_NAME_WORDS or doc.vocab[w.lower()].is_stop
                                                  for w in name.split())


def _partial_names(name: str, people: dict[str, dict[str, Any]]) -> list[str]:
    """Two-word names already found that are this three-word name without one of its first words."""
    words = name.split()
    if len(words) != 3:
        return []
    return [p for p in people if p.split() in ([words[0], words[2]], [words[1], words[2]])]


def _add_guest(doc: Doc, m: re.Match[str], org: Optional[str], people: dict[str, dict[str, Any]]) -> None:
    name, role = m.group("name"), (m.groupdict().get("role") or "").strip(" ,") or None
    merged: dict[str, Any] = {}
    for p in _partial_names(name, people):
        rec = people.pop(p)
        merged = {**rec, **{k: v for k, v in merged.items() if v}}
    if name in people:
        merged = people[name]
    if not merged:
        merged = {"role": None, "org": None, "orgs_near": False, **_evidence(doc, m.start("name"), m.end("name"))}
    merged["role"] = merged.get("role") or role
    merged["org"] = merged.get("org") or org
    people[name] = merged


def add_shaped_people(doc: Doc, mentions: DocMentions, people: dict[str, dict[str, Any]]) -> None:
    """Add the people the shapes above name to PEOPLE (name -> record), in place."""
    text = doc_text(doc)
    guests = [*GUEST_LINE.finditer(text)]
    for line in GUEST_LIST.finditer(text):
        guests += [m for m in GUEST_ITEM.finditer(text, line.start("items"), line.end("items"))]
    for m in guests:
        if _name_ok(doc, m.group("name"), m.start("name")) and not _clashes(doc, mentions, m.start("name"),
                                                                             m.end("name")):
            _add_guest(doc, m, org_of(m.group("org"), mentions), people)
    for m in GUEST_AT.finditer(text):
        org = known_org(m.group("org"), mentions)
        if org and _name_ok(doc, m.group("name"), m.start("name")) and not _clashes(doc, mentions, m.start("name"),
                                                                                    m.end("name")):
            _add_guest(doc, m, org, people)
    _add_founders(doc, mentions, people)
    _add_hires(doc, mentions, people)
    _add_leaders(doc, mentions, people)
    _add_role_lists(doc, mentions, people)
    found = [(m, org_of(m.group("org"), mentions)) for m in [*ROLE_APPOSITION.finditer(text),
                                                              *ROLE_BEFORE_NAME.finditer(text)]]
    found += [(m, org_of(m.group("org"), mentions)) for m in ORG_TITLE_NAME.finditer(text)
              if not in_heading(doc, m.start("name"))]  # "Quillpad CEO Summit Recap": a title-cased heading
    found += [(m, known_org(m.group("org"), mentions)) for m in [*ROLE_OF_ORG_NAME.finditer(text),
                                                                 *NAME_ROLE_OF_ORG.finditer(text)]
              if known_org(m.group("org"), mentions)]
    for m, org in found:
        name, role = m.group("name"), m.group("role").strip(" ,")
        if not _name_ok(doc, name, m.start("name")) or _clashes(doc, mentions, m.start("name"), m.end("name")):
            continue
        rec = people.get(name)
        if rec is not None and not rec["role"] and not rec["org"]:
            rec.update(role=role, org=org, **_evidence(doc, m.start("name"), m.end("name")))  # a bare mention before
        elif not any(name in p for p in people):
            people[name] = {"role": role, "org": org, "orgs_near": False,
                            **_evidence(doc, m.start("name"), m.end("name"))}


def _add_role_lists(doc: Doc, mentions: DocMentions, people: dict[str, dict[str, Any]]) -> None:
    """The names of a plural role's list ("former Quillpad researchers A, B and C"): new or filling a bare record."""
    text = doc_text(doc)
    for m in ROLE_LIST.finditer(text):
        org = known_org(m.group("org"), mentions)
        if not org:
            continue
        role = ("former " if m.group("past") else "") + re.sub(r"s$", "", m.group("role"))
        for n in LIST_NAME.finditer(text, m.start("names"), m.end("names")):
            name = n.group(0)
            if not _name_ok(doc, name, n.start()) or _clashes(doc, mentions, n.start(), n.end()):
                continue
            rec = people.setdefault(name, {"role": None, "org": None, "orgs_near": False,
                                           **_evidence(doc, n.start(), n.end())})
            if not rec["role"] and not rec["org"]:
                rec.update(role=role, org=org, **_evidence(doc, n.start(), n.end()))

# "Led by Ana Silva (formerly of Z) and Tom Berg, Wavecrest is ...": the names lead the organisation the sentence
# goes on about
BRACKETED = rf"{NAME_WORD} {NAME_WORD}(?:\s*\([^()\n]{{1,40}}\))?"
LED_BY = re.compile(rf"(?:^|(?<=[.!?*\n]\s)|(?<=\n))Led by (?P<names>{BRACKETED}(?:(?:,\s+|,?\s+and\s+){BRACKETED})*),\s+"
                    rf"(?P<org>{ORGTEXT})\s+(?:is|was|has|had|will|wants|plans|aims|now)\b")
# "Z hired away Y's Ana Silva": the person now works for Z, the first organisation of the sentence
HIRED_AWAY = re.compile(rf"\b(?:hired|hiring|hires|poached|poaching|poaches|lured|luring)\s+away\s+"
                        rf"(?P<from>{ORGTEXT}){POSS}\s+(?P<name>{NAME_WORD} {NAME_WORD})(?![\w-]| [A-Z])")


def _takes_over(rec: Optional[dict[str, Any]]) -> bool:
    """Whether a shape that states a current role replaces RECORD: an empty one, or one with only a past role."""
    return rec is None or not rec["role"] and not rec["org"] or str(rec["role"] or "").lower().startswith("former")


def _set_role(doc: Doc, people: dict[str, dict[str, Any]], name: str, at: int, role: str, org: Optional[str]) -> None:
    if _takes_over(people.get(name)):
        people[name] = {**people.get(name, {"orgs_near": False}), "role": role, "org": org,
                        **_evidence(doc, at, at + len(name))}


def _named_in_full(text: str, mentions: DocMentions) -> Optional[str]:
    """"Sakana" where the document names "Sakana AI": the organisation's full name, when the document gives it."""
    full = org_of(text, mentions)
    return full if full and full != text and full in {o.name for o in mentions.orgs} else None


def _add_founders(doc: Doc, mentions: DocMentions, people: dict[str, dict[str, Any]]) -> None:
    """The founders a "Z, co-founded by A, B and C" apposition names: co-founders of Z."""
    text = doc_text(doc)
    for m in FOUNDED_BY.finditer(text):
        org = known_org(m.group("org"), mentions) or _named_in_full(m.group("org"), mentions)
        found = [n for n in LIST_NAME.finditer(text, m.start("names"), m.end("names"))
                 if _name_ok(doc, n.group(0), n.start()) and not _clashes(doc, mentions, n.start(), n.end())]
        if not org or not found:
            continue
        role = "co-founder" if m.group("co") or len(found) > 1 else "founder"
        for n in found:
            _set_role(doc, people, n.group(0), n.start(), role, org)


def _add_hires(doc: Doc, mentions: DocMentions, people: dict[str, dict[str, Any]]) -> None:
    """"Z hired A and B as R1 and R2": each name its role in order, Z the first organisation of the sentence."""
    text = doc_text(doc)
    for m in HIRED_AS_ROLES.finditer(text):
        names = LIST_NAME.findall(text, m.start("names"), m.end("names"))
        roles = [r for r in re.split(r",\s+and\s+|,\s+|\s+and\s+", m.group("roles")) if r]
        if len(names) < 2 or len(names) != len(roles):  # one name: people.py's HIRED_BY/HIRED_AS reading
            continue
        org = _first_org_before(doc, mentions, m.start())
        for name, role in zip(names, roles):
            at = text.index(name, m.start("names"))
            if org and _name_ok(doc, name, at) and not _clashes(doc, mentions, at, at + len(name)):
                _set_role(doc, people, name, at, role, org)


def _first_org_before(doc: Doc, mentions: DocMentions, at: int) -> Optional[str]:
    """The first organisation named in the sentence holding offset AT, before AT (the sentence's subject)."""
    span = doc.char_span(at, at + 1, alignment_mode="expand")
    if span is None:
        return None
    orgs = [o for o in mentions.orgs if span.sent.start_char <= o.start_char and o.end_char <= at]
    return resolve_org_name(orgs[0].name) or orgs[0].name if orgs else None


def _add_leaders(doc: Doc, mentions: DocMentions, people: dict[str, dict[str, Any]]) -> None:
    """"Led by A and B, Z is ...": leaders of Z; "Z hired away Y's A": A's organisation is now Z."""
    text = doc_text(doc)
    for m in LED_BY.finditer(text):
        org = known_org(m.group("org"), mentions)
        for n in LIST_NAME.finditer(text, m.start("names"), m.end("names")) if org else ():
            if text[n.start() - 1:n.start()] != "(" and _name_ok(doc, n.group(0), n.start()) \
                    and not _clashes(doc, mentions, n.start(), n.end()):
                _set_role(doc, people, n.group(0), n.start(), "leader", org)
    for m in HIRED_AWAY.finditer(text):
        org, rec = _first_org_before(doc, mentions, m.start()), people.get(m.group("name"))
        if org and rec is not None and not rec["role"] and rec["org"] in (None, known_org(m.group("from"), mentions)):
            rec.update(org=org, **_evidence(doc, m.start("name"), m.end("name")))
