"""People with their organisation and role, from appositions and title prefixes.

Shapes: "Alexandr Wang, Meta's Chief AI Officer"; "Meta's own chief AI scientist, Yann LeCun";
"Demis Hassabis, CEO of Google DeepMind"; "Amazon CTO Werner Vogels"; "CEO Sundar Pichai".
Surname-only mentions ("Wang") fold into the full name. Known people fall back to the gazetteer's org.
"""
from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Doc

from kb.nlp.mentions import DocMentions, doc_text
from kb.nlp.names import gazetteer, norm_key, resolve_org_name
from kb.nlp.records import PersonRole

ROLE = (r"(?:(?:former|current|new|interim|acting|own|founding|senior|executive|principal|distinguished|"
        r"general|deputy|global)\s+)*"
        r"(?:chief [\w ]{0,30}?(?:officer|scientist|architect|economist)|chief executive|CEO|CTO|CFO|COO|CSO|CPO|CIO|SVP|EVP|VP|"
        r"(?:co-?)?founder(?: and (?:CEO|CTO|chief [\w ]{1,20}?officer|president))?|president|"
        r"(?:senior |executive )?vice president(?: (?:of|for) [\w ]{1,40}?)?|head of [\w ]{1,30}?|"
        r"director(?: of [\w ]{1,30}?)?|chair(?:man|woman|person)?|research scientist|researcher|scientist|"
        r"professor|engineer|partner|creator of [\w.]+|lead(?:er)? (?:of|for) [\w ]{1,30}?)")
ORGTEXT = r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}"
POSS = r"(?:['\u2019]s|(?<=s)['\u2019])"  # "Meta's", "Halden Labs'"
AFTER = [
    re.compile(rf"^,\s+(?:the\s+)?(?P<org>{ORGTEXT}){POSS}\s+(?P<role>{ROLE})\b", re.I),
    # "X, who runs the lab as Meta's chief AI officer"; "X, who joined in May as CTO of Y"
    re.compile(rf"^,\s+who\s+(?:[\w-]+\s+){{1,8}}?as\s+(?:the\s+|a\s+|an\s+)?(?P<org>{ORGTEXT}){POSS}\s+(?P<role>{ROLE})\b",
               re.I),
    re.compile(rf"^,\s+who\s+(?:[\w-]+\s+){{1,8}}?as\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT})",
               re.I),
    # "X (chief scientist at Y)"
    re.compile(rf"^\s*\((?:the\s+)?(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT})\)", re.I),
    re.compile(rf"^,\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE})\s+(?:of|at|for)\s+(?P<org>{ORGTEXT})", re.I),
    re.compile(rf"^,\s+(?:the\s+)?(?P<role>{ROLE}),\s+(?P<org>{ORGTEXT})", re.I),
    re.compile(rf"^,\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE})\b", re.I),
    re.compile(rf"^(?:,\s+\d+,)?\s+(?:is|was|has been)\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT})", re.I),
    re.compile(rf"^\s+(?:joined|joins|co-founded|founded|runs|leads|left)\s+(?P<org>{ORGTEXT})(?P<role>)"),
]
BEFORE = [
    re.compile(rf"(?P<org>{ORGTEXT}){POSS}\s+(?P<role>{ROLE}),?\s+$", re.I),
    re.compile(rf"(?P<org>{ORGTEXT})\s+(?P<role>{ROLE})\s+(?:Dr\.?\s+)?$"),
    re.compile(rf"(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT}),?\s+$", re.I),
    re.compile(rf"(?:^|[\s,(])(?P<role>CEO|CTO|CFO|COO|President|Professor|Chief [\w ]{{1,30}}?Officer)\s+(?:Dr\.?\s+)?$"),
]


COMPANY_WORDS = re.compile(r"^(?:the\s+)?(?:company|firm|startup|lab|group|organi[sz]ation)$", re.I)
ORG_LIKE_END = re.compile(r"\b(?:AI|Labs?|Inc\.?|Corp\.?|Systems|Technologies|Research|Robotics|Ltd|LLC)$")


def _org(text: Optional[str], mentions: DocMentions) -> Optional[str]:
    if not text:
        return None
    if COMPANY_WORDS.match(text.strip()):  # "the company's CTO": the article's own organisation
        return mentions.model_orgs.get(mentions.focal)
    words = text.strip().split()
    for n in range(len(words), 0, -1):  # "Google DeepMind and Koray" -> "Google DeepMind"
        resolved = resolve_org_name(" ".join(words[:n]))
        if resolved:
            return resolved
    text = text.strip()
    inside = [o.name for o in mentions.orgs if o.name in text or text in o.name]
    if inside:
        return re.sub(r"['\u2019]s?$", "", max(inside, key=len))
    makers = {o for o in mentions.model_orgs.values() if o}
    if text in makers or (text[:1].isupper() and len(words) <= 3 and not any(w.lower() in NOT_NAME_WORDS for w in words)
                          and re.fullmatch(r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*", text)):
        return text  # an unseen company named as the possessor of a role: "Lumora's CTO"
    return None


ROLE_APPOSITION = re.compile(rf"(?<![\w.])(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)? [A-Z][a-z]+(?:-[A-Z][a-z]+)?),\s+"
                             rf"(?:the\s+)?(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}){POSS}\s+(?P<role>{ROLE})\b")
ROLE_BEFORE_NAME = re.compile(rf"(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}){POSS}\s+(?P<role>{ROLE}),\s+"
                              rf"(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)? [A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w-])")
CITATION = re.compile(r"\bet al\.|[\u201c\"][^\u201d\"]{8,}[\u201d\"][,.]?\s*(?:[A-Z][\w ]*(?:Journal|Proceedings|"
                      r"Review|Press|Conference|Transactions)|\(\d{4}\)|arXiv)|\bIn Proceedings\b|\bpp\. \d")
NOT_NAME_WORDS = {"studio", "lab", "labs", "mode", "sim", "gym", "data", "ai", "intelligence", "logic",
                  "comparison", "pro", "walkthrough", "elementary", "tx", "computing", "spark", "fixer",
                  "generative", "artificial", "kangaroo", "clara", "isaac", "nemo", "omniverse", "cloud",
                  "api", "app", "model", "agent", "search", "code", "max", "macbook", "numerical", "causal"}


def _valid_person(ent, mentions: DocMentions) -> bool:
    toks = [t for t in ent if not t.is_punct]
    if any(t.lower_ in NOT_NAME_WORDS or (len(t.text) > 1 and t.text.isupper()) or t.text.endswith(":")
           for t in toks):
        return False
    if len(toks) < 2 or len(toks) > 4 or re.search(r"\d|[@/#]", ent.text) or ORG_LIKE_END.search(
            re.sub(r"['\u2019]s?$", "", ent.text.strip())):
        return False  # "Skua Systems' chief executive": NER calls the company a person
    if not all(t.text[:1].isupper() for t in toks if t.text.lower() not in ("de", "van", "von", "der", "la")):
        return False
    spans = mentions.models + mentions.benchmarks + mentions.families
    if any(m.start < ent.end and ent.start < m.end for m in spans):
        return False
    return not resolve_org_name(ent.text)


def extract_people(doc: Doc, mentions: DocMentions) -> list[PersonRole]:
    """People named with an industry role, one record per person (first role and org found)."""
    people: dict[str, dict] = {}
    for ent in doc.ents:
        # "Google DeepMind CEO Demis Hassabis": NER sometimes calls a titled person an ORG.
        titled = ent.label_ == "ORG" and ent.start > 0 and re.fullmatch(
            r"CEO|CTO|CFO|COO|President|Chairman|Founder|Co-founder|Dr\.?|Professor", doc[ent.start - 1].text) \
            and not resolve_org_name(ent.text) and len(ent) in (2, 3)
        if (ent.label_ != "PERSON" and not titled) or not _valid_person(ent, mentions):
            continue
        line_start = doc_text(doc).rfind("\n", 0, ent.start_char) + 1
        line_end = doc_text(doc).find("\n", ent.end_char)
        if CITATION.search(doc_text(doc)[line_start:line_end if line_end >= 0 else None]):
            continue  # authors in a reference list are not industry people
        name = re.sub(r"^(?:Dr|Mr|Ms|Mrs|Prof)\.?\s+", "", re.sub(r"['\u2019]s?$", "", ent.text.strip()).strip())
        sent = ent.sent
        before = doc_text(doc)[sent.start_char:ent.start_char][-80:]
        after = doc_text(doc)[ent.end_char:sent.end_char][:120]
        role = org = None
        for rx in AFTER:
            m = rx.search(after)
            if m:
                role, org = m.group("role"), _org(m.groupdict().get("org"), mentions)
                break
        if role is None:
            for rx in BEFORE:
                m = rx.search(before)
                if m:
                    role, org = m.group("role"), _org(m.groupdict().get("org"), mentions)
                    break
        if role and org is None and re.search(r"\b(?:the|our) (?:company|firm|startup|lab)\b", sent.text, re.I):
            org = mentions.model_orgs.get(mentions.focal)  # "CEO X said the company ..."
        rec = people.setdefault(name, {"role": None, "org": None, "evidence": sent.text,
                                       "start": sent.start_char, "end": sent.end_char})
        if role and not rec["role"]:
            rec.update(role=role.strip(" ,"), evidence=sent.text, start=sent.start_char, end=sent.end_char)
        if org and not rec["org"]:
            rec["org"] = org
    # Names the NER missed, in an unmistakable role shape: "Ana Silva, Wavecrest's head of research".
    text = doc_text(doc)
    for m in [*ROLE_APPOSITION.finditer(text), *ROLE_BEFORE_NAME.finditer(text)]:
        name = m.group("name")
        if name in people or any(name in p for p in people) or resolve_org_name(name) or any(
                x.start_char < m.end("name") and m.start("name") < x.end_char
                for x in mentions.models + mentions.benchmarks + [o for o in mentions.orgs if o.known]):
            continue
        if any(w.lower() in NOT_NAME_WORDS or doc.vocab[w.lower()].is_stop for w in name.split()):
            continue
        span = doc.char_span(m.start("name"), m.end("name"), alignment_mode="expand")
        sent = span.sent if span is not None else None
        people[name] = {"role": m.group("role").strip(" ,"), "org": _org(m.group("org"), mentions),
                        "evidence": sent.text if sent else name,
                        "start": sent.start_char if sent else m.start("name"),
                        "end": sent.end_char if sent else m.end("name")}
    known = gazetteer().person_index
    out = []
    for name, rec in people.items():
        if rec["org"] is None and norm_key(name) in known:
            rec["org"] = known[norm_key(name)]["org"]
        out.append(PersonRole(name=name, org=rec["org"], role=rec["role"], evidence=rec["evidence"],
                              start=rec["start"], end=rec["end"]))
    return out
