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
        r"professor|engineer|partner|creator of [\w.]+|lead(?:er)? (?:of|for) [\w ]{1,30}?|"
        r"(?:general|product|program|engineering|research) manager|spokes(?:person|man|woman)|analyst)")
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
    # "X, who has decided to leave Z", "X, who is joining Z next month", "X, who co-founded Z in 2021"
    re.compile(rf"^,\s+(?:(?:a|an|the)\s+[^,;]{{0,60}}?\s+)?who\s+(?:(?:has|had|is|was|will|now)\s+)?"
               rf"(?:(?:decided|chosen|set|planning|about)\s+to\s+)?"
               rf"(?:leave|leaving|left|join|joining|joined|rejoin(?:s|ed|ing)?|co-?founded|founded|started|"
               rf"runs|leads|heads)\s+(?P<org>{ORGTEXT})(?P<role>)"),
    # "X, a Tidewater AI spokesperson", "X, the Z researcher who built ..."
    re.compile(rf"^,\s+(?:a|an|the)\s+(?P<org>{ORGTEXT})\s+(?P<role>(?:senior\s+|principal\s+|staff\s+|lead\s+)?"
               rf"(?:spokes(?:person|man|woman)|researcher|engineer|scientist|executive|analyst|representative|"
               rf"product manager|economist))\b"),
    # "X (Tidewater AI) said": a bracketed organisation
    re.compile(rf"^\s*\((?!(?:{ROLE})\))(?P<org>{ORGTEXT})\)(?P<role>)"),
    # "X will lead our model research team": 'our' is the publishing organisation
    re.compile(r"^,?\s+(?:who\s+)?(?:(?:will|has|had|is|now)\s+)?(?P<role>(?:lead|leads|led|leading|run|runs|head|heads|"
               r"oversee|oversees|join|joins|joined|joining)\s+(?P<org>our)\s+(?:[\w-]+\s+){0,5}?(?:team|group|"
               r"organi[sz]ation|lab|division|unit|business))\b"),
    # "X led the creation of the assistant at Z", "X, who runs the inference team at Z"
    re.compile(rf"^,?\s+(?:who\s+)?(?:(?:has|had)\s+)?(?P<role>(?:led|leads|runs|ran|heads|headed|oversees|oversaw|"
               rf"manages|managed)\s+(?:the\s+|a\s+|an\s+|its\s+)?(?:[\w-]+\s+){{0,6}}?[\w-]+\s+at\s+(?P<org>{ORGTEXT}))"),
]
BEFORE = [
    re.compile(rf"(?P<org>{ORGTEXT}){POSS}\s+(?P<role>{ROLE}),?\s+$", re.I),
    re.compile(rf"(?P<org>{ORGTEXT})\s+(?P<role>{ROLE})\s+(?:Dr\.?\s+)?$"),
    re.compile(rf"(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT}),?\s+$", re.I),
    re.compile(rf"(?:^|[\s,(])(?P<role>CEO|CTO|CFO|COO|President|Professor|Chief [\w ]{{1,30}}?Officer)\s+(?:Dr\.?\s+)?$"),
]


COMPANY_WORDS = re.compile(r"^(?:(?:the\s+)?(?:company|firm|startup|lab|group|organi[sz]ation)|our)$", re.I)
ORG_LIKE_END = re.compile(r"\b(?:AI|Labs?|Inc\.?|Corp\.?|Systems|Technologies|Research|Robotics|Ltd|LLC)$")


def _org(text: Optional[str], mentions: DocMentions) -> Optional[str]:
    if not text:
        return None
    if COMPANY_WORDS.match(text.strip()):  # "the company's CTO": the article's own organisation
        return mentions.model_orgs.get(mentions.focal)
    text = text.strip()
    if not re.search(r"\b(?:Inc|Corp|Ltd|Co|Bros)\.$", text):
        text = text.rstrip(".")  # "at Quillfeather." ends a sentence
    text = re.sub(r"['\u2019]s?$", "", text)  # "Tidewater AI's cloud unit"
    words = text.split()
    for n in range(len(words), 0, -1):  # "Google DeepMind and Koray" -> "Google DeepMind"
        resolved = resolve_org_name(" ".join(words[:n]))
        if resolved:
            return resolved
    text = text.strip()
    inside = [o.name for o in mentions.orgs if o.name in text or text in o.name]
    if inside:
        return re.sub(r"['\u2019]s?$", "", max(inside, key=len))
    makers = {o for o in mentions.model_orgs.values() if o}
    if len(words) <= 4 and ORG_LIKE_END.search(text) and re.fullmatch(r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*", text):
        return text  # "Halcyon Labs' chief research officer": the name says company
    if text in makers or (text[:1].isupper() and len(words) <= 3 and not any(w.lower() in NOT_NAME_WORDS for w in words)
                          and re.fullmatch(r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*", text)):
        return text  # an unseen company named as the possessor of a role: "Lumora's CTO"
    return None


ROLE_APPOSITION = re.compile(rf"(?<![\w.])(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)? [A-Z][a-z]+(?:-[A-Z][a-z]+)?),\s+"
                             rf"(?:the\s+)?(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}){POSS}\s+(?P<role>{ROLE})\b")
ROLE_BEFORE_NAME = re.compile(rf"(?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,3}}){POSS}\s+(?P<role>{ROLE}),\s+"
                              rf"(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)? [A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w-])")
CITATION = re.compile(r"\bet al\.|[\u201c\"][^\u201d\"]{8,}[\u201d\"][,.]?\s*(?:[A-Z][\w ]*(?:Journal|Proceedings|"
                      r"Review|Press|Conference|Transactions)|\(\d{4}\)|arXiv)|\bIn Proceedings\b|\bpp\. \d"
                      # an author list before a quoted title: "Ann B. Lee, Tom Ford, and Li Wei, \u201cTitle\u201d"
                      r"|(?:^|[\s(])(?:[A-Z][\w'-]*\.?\s+){1,3}[A-Z][\w'-]+(?:,\s+(?:and\s+)?(?:[A-Z][\w'-]*\.?\s+){1,3}"
                      r"[A-Z][\w'-]+|\s+and\s+(?:[A-Z][\w'-]*\.?\s+){1,3}[A-Z][\w'-]+)+,?\s+[\u201c\"]")
NOT_NAME_WORDS = {"studio", "lab", "labs", "mode", "sim", "gym", "data", "ai", "intelligence", "logic",
                  "comparison", "pro", "walkthrough", "elementary", "tx", "computing", "spark", "fixer",
                  "generative", "artificial", "kangaroo", "nemo", "omniverse", "cloud",
                  "api", "app", "model", "agent", "search", "code", "max", "macbook", "numerical", "causal"}


# First names that are also product brands ("Isaac Sim", "Clara Reason"): a person only when the document
# does not use the word as a brand prefix (followed by two or more different names).
BRAND_FIRST_NAMES = {"isaac", "clara", "alexa", "ada", "jarvis"}


def _brand_word(word: str, doc: Doc) -> bool:
    text = doc_text(doc)
    followers = set(re.findall(rf"(?<![\w-]){re.escape(word)}\s+([A-Z][\w-]*)", text))
    return len(followers) >= 2


def _valid_person(ent, mentions: DocMentions) -> bool:
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
    if any(m.start < ent.end and ent.start < m.end for m in spans):
        return False
    return not resolve_org_name(ent.text)


MAKER_OF_PROJECT = re.compile(r"(?:^|[\s(])(?P<project>[a-z][\w+-]*(?:\.[\w+-]+)*|[\w+-]+\.[a-z]+)\s+"
                              r"(?P<role>creator|co-creator|maintainer|author)\s+$")
HIRED_BY = re.compile(rf"(?P<org>{ORGTEXT})\s+(?:has\s+|had\s+)?(?:hired|appointed|named|tapped|poached|recruited)\s+$")
HIRED_AS = re.compile(rf"\s+as\s+(?:its|their|the)\s+(?:new\s+)?(?P<role>{ROLE})\b", re.I)
BYLINE_BEFORE = re.compile(r"\b(?:[Bb]y|[Aa]uthored by|[Ww]ritten by|[Pp]osted by)\s+$")
BYLINE_AFTER = re.compile(r"\s*[\u00b7\u2022|]\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]{2,8},? \d{4}|"
                          r"\d{4}-\d\d-\d\d|\d+ min)")
PERSON_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")


def _org_tagged_person(ent, doc: Doc) -> bool:
    """NER sometimes calls a person an organisation ("Pieter Abbeel will lead ..."). A two-word name is a
    person when 'who' follows it, or when one of its words alone is later the subject of a verb
    ("Rohit joined Amazon in 2013")."""
    if ent.label_ != "ORG" or len(ent) != 2 or not all(PERSON_WORD.fullmatch(t.text) for t in ent) \
            or resolve_org_name(ent.text) or ORG_LIKE_END.search(ent.text):
        return False
    g = gazetteer()
    if any(norm_key(t.text) in g.family_index or norm_key(t.text) in g.model_index or resolve_org_name(t.text)
           for t in ent):
        return False  # "Gemini Enterprise", "Nova Forge": a product of a known family or company
    nxt = doc[ent.end:ent.end + 2]
    if len(nxt) == 2 and nxt[0].text == "," and nxt[1].lower_ == "who":
        return True
    words = {ent[0].text, ent[1].text}
    for t in doc:
        if t.text in words and not (ent.start <= t.i < ent.end) and t.dep_ == "nsubj" and t.pos_ in ("PROPN", "NOUN") \
                and t.head.pos_ in ("VERB", "AUX") and not (t.i > 0 and doc[t.i - 1].text[:1].isupper()
                                                          and doc[t.i - 1].pos_ == "PROPN") \
                and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN"):
            return True
    return False


def _known_people_rx() -> Optional[re.Pattern]:
    names = sorted({p["name"] for p in gazetteer().people}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])") if names else None


_KNOWN_RX: list = []


def _candidates(doc: Doc, mentions: DocMentions) -> list:
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


def extract_people(doc: Doc, mentions: DocMentions) -> list[PersonRole]:
    """People named with an industry role, one record per person (first role and org found)."""
    people: dict[str, dict] = {}
    for ent in _candidates(doc, mentions):
        # "Google DeepMind CEO Demis Hassabis": NER sometimes calls a titled person an ORG.
        titled = ent.label_ == "ORG" and ent.start > 0 and re.fullmatch(
            r"CEO|CTO|CFO|COO|President|Chairman|Founder|Co-founder|Dr\.?|Professor", doc[ent.start - 1].text) \
            and not resolve_org_name(ent.text) and len(ent) in (2, 3)
        if (ent.label_ not in ("PERSON", "KNOWN_PERSON") and not titled and not _org_tagged_person(ent, doc)) \
                or not _valid_person(ent, mentions):
            continue
        line_start = doc_text(doc).rfind("\n", 0, ent.start_char) + 1
        line_end = doc_text(doc).find("\n", ent.end_char)
        if CITATION.search(doc_text(doc)[line_start:line_end if line_end >= 0 else None]):
            continue  # authors in a reference list are not industry people
        if BYLINE_AFTER.match(doc_text(doc), ent.end_char) and BYLINE_BEFORE.search(
                doc_text(doc)[max(0, ent.start_char - 20):ent.start_char]):
            continue  # "authored by Priya Nair \u00b7 Jun 28, 2026": a byline or a card's metadata
        name = re.sub(r"^(?:Dr|Mr|Ms|Mrs|Prof)\.?\s+", "", re.sub(r"['\u2019]s?$", "", ent.text.strip()).strip())
        sent = ent.sent
        # "Amazon's chief technology officer, Dr. Werner Vogels": an honorific sits between role and name
        before = re.sub(r"(?:Dr|Prof|Mr|Ms|Mrs)\.?\s+$", "", doc_text(doc)[sent.start_char:ent.start_char][-80:])
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
        if role is None:
            m, h = HIRED_BY.search(before), HIRED_AS.match(after)
            if m and h:  # "Tidewater AI hired X as its chief technology officer"
                role, org = h.group("role"), _org(m.group("org"), mentions)
        if role is None:
            m = MAKER_OF_PROJECT.search(before)
            if m:  # "llama.cpp creator Georgi Gerganov": a project, not an organisation
                role = f"{m.group('role').lower()} of {m.group('project')}"
        if role and org is None and re.search(r"\b(?:the|our) (?:company|firm|startup|lab)\b", sent.text, re.I):
            org = mentions.model_orgs.get(mentions.focal)  # "CEO X said the company ..."
        rec = people.setdefault(name, {"role": None, "org": None, "evidence": sent.text,
                                       "start": sent.start_char, "end": sent.end_char})
        if role and not rec["role"]:
            rec.update(role=re.sub(r"(?<=[a-z])\.$", "", role.strip(" ,")), evidence=sent.text, start=sent.start_char, end=sent.end_char)
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
        refs = words[-1:] if norm_key(p.name) not in known else [words[-1], words[0]]
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
            out.append(PersonRole(name=p.name, org=p.org or known.get(norm_key(p.name), {}).get("org"), role=p.role,
                                  evidence=sent.text, start=sent.start_char, end=sent.end_char))
            continue
        q = out[same[0]]
        if (q.org is None and p.org) or (q.role is None and p.role):
            out[same[0]] = PersonRole(name=q.name, org=q.org or p.org, role=q.role or p.role,
                                      evidence=q.evidence, start=q.start, end=q.end)
    return out
