"""Licensing stance events: open weights vs closed, per model or family, current or planned.

Cues live in data/patterns/stances.jsonl (closed cues win where they overlap an open cue, so
"isn't open weights" is closed); plan cues in stance_plans.jsonl. The cue is tied to the nearest model
or family mention in the sentence (extended to a coordinated list), else to the current subject model
when the sentence speaks of "it", "the model" or "weights".
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from spacy.tokens import Span

from kb.nlp.mentions import DocMentions, Mention, doc_text
from kb.nlp.names import resolve_org_name
from kb.nlp.records import StanceEvent
from kb.text.keys import name_key
from kb.nlp.stance_names import own_series, settle_names
from kb.nlp.stance_lists import api_launch_stances, licence_field_stances, link_list_stances, section_stances
from kb.nlp.stance_rules import (
    CLASS_AS_MEMBER,
    CLASS_EXAMPLES,
    CLASS_INTRO,
    CLASS_PLURAL,
    CLASS_WORD,
    CLAUSE_BREAK,
    GROUP_SUBJECT,
    LICENCE_NAME_AFTER,
    LIST_FOLLOWS,
    NAMED_OPEN_CLASS,
    NOT_YET,
    OTHER_CLASS,
    SPECULATION,
    TAG_LINE,
    VAGUE_REFERENCE,
    VARIANT_OF,
    StanceRules,
    is_compared,
    model_use,
)

def _targets(sent: Span, cue_start: int, cue_end: int, models: list[Mention]) -> list[Mention]:
    """The model/family mentions a cue speaks about: nearest one, plus the list it belongs to."""
    if not models:
        return []

    def dist(m: Mention) -> int:
        if m.start_char >= cue_end:
            return m.start_char - cue_end
        if m.end_char <= cue_start:
            return cue_start - m.end_char + 1  # ties go to the following name ("release X")
        return 0

    text = doc_text(sent.doc)

    def same_clause(m: Mention) -> bool:
        if m.start_char >= cue_end:  # a following name must be in the same clause and close
            gap = text[cue_end:m.start_char]
            if re.fullmatch(r"[^,;:\u2014\u2013\n]{0,40}:\s*", gap):
                return True  # "three open-weight models on Thursday: X, Y and Z"
            if re.fullmatch(r"\s*(?:[\w-]+\s+){0,3}?(?:model|LLM|system),\s*", gap):
                return True  # "switched to a Chinese open-weight model, X, run locally": an apposition
            return m.start_char - cue_end < 70 and not re.search(r"[,;:\u2014\u2013]|\s-\s", gap)
        return cue_start - m.end_char < 160

    near = [m for m in models if same_clause(m)]
    if not near:
        return []
    best = min(near, key=dist)
    group = [best]
    idx = models.index(best)  # the list the nearest name belongs to may run past the clause: "X, Y and Z"
    for step in (-1, 1):
        j = idx
        while 0 <= j + step < len(models):
            a, b = (models[j + step], models[j]) if step < 0 else (models[j], models[j + step])
            gap = doc_text(sent.doc)[a.end_char:b.start_char]
            # "X (44), Y (max, 44) and Z": a parenthesised score or setting stays inside the list
            if not re.fullmatch(r"(?:\s*\([^()]{0,30}\))?\s*(?:,|and|or|&|,\s*and)?\s*(?:[A-Z]\w+['\u2019]s\s+)?"
                                r"(?:[\w.-]+/)?", gap):
                break
            group.append(models[j + step])
            j += step
    return group


CITATION = re.compile(r"^\s*@\w+\s*\{|\btitle\s*=\s*\{")
# A size or tier word alone is a fragment of a longer name ("an open Small and an API-only Medium model")
# and a function word before a number is a sentence's opening words ("With 2 versions, ..."), not a name.
FRAGMENT = re.compile(r"(?i)small|medium|large|mini|nano|base|pro|max|ultra|flash|lite|plus|instruct|chat|"
                      r"(?:with|in|on|at|for|from|by|to|of|and|or|the|an?|after|over|under|than|as)\s+\d[\w.]*")


class _Sentence:
    """One sentence as the stance rules read it: its text, its usable model names, its plan cues."""

    def __init__(self, sent: Span, mentions: DocMentions, rules: StanceRules):
        self.sent, self.mentions, self.rules = sent, mentions, rules
        self.text, self.doc_text, self.start = sent.text, doc_text(sent.doc), sent.start_char
        names = sorted(mentions.in_span(mentions.models, sent.start, sent.end)
                       + mentions.in_span(mentions.families, sent.start, sent.end), key=lambda m: m.start)
        self.names = [m for m in names if model_use(m, self.doc_text) and not FRAGMENT.fullmatch(m.name)
                      and not rules.license_re.fullmatch(m.name)]
        self.plans = [m for rx in rules.plans for m in rx.finditer(self.text) if not re.search(
            r"\bno (?:immediate |current )?$", self.text[max(0, m.start() - 20):m.start()], re.I)]

    def event(self, model: Optional[str], stance: str, planned: bool = False, org: Optional[str] = None,
              license: Optional[str] = None) -> StanceEvent:
        if org is None and model is not None:
            org = self.mentions.model_orgs.get(model)
        return StanceEvent(org=org, model=model,
                           stance=stance, license=license, planned=planned, evidence=self.text, start=self.start,
                           end=self.sent.end_char)


def _class_stance(cls: str, negated: bool = False) -> str:
    closed = cls.lower().startswith(("closed", "proprietary"))
    return "open" if closed == negated else "closed"


def _class_lists(s: _Sentence) -> tuple[list[StanceEvent], list[tuple[int, int]]]:
    """Members of a class named before a list: "open models such as X, Y and Z" (the subject is not one)."""
    out, listed = [], []
    for i, m in enumerate(s.names):
        lo = max(s.start, m.start_char - 80, s.names[i - 1].end_char if i else s.start)
        head = CLASS_INTRO.search(s.doc_text[lo:m.start_char])
        if not head:
            continue
        h_start = lo + head.start() - s.start  # sentence-relative
        if TAG_LINE.search(s.text[:h_start]) or any(rx.search(s.text[:h_start]) for rx in s.rules.plans):
            continue
        negated = bool(re.search(r"\b(?:not|never|no|non)[- ]$", s.text[max(0, h_start - 12):h_start], re.I))
        members = sorted(_targets(s.sent, m.start_char, m.start_char,
                                  [n for n in s.names if n.start_char >= m.start_char]), key=lambda n: n.start_char)
        # "X, Y and Z": commas alone do not continue a list ("such as X, Quill 9 can run ...")
        last = max([k for k in range(1, len(members)) if re.search(
            r"\b(?:and|or)\b|&", s.doc_text[members[k - 1].end_char:members[k].start_char])] or [0])
        # "open models such as X will be released next month": a promise, recorded as a plan
        promised = bool(s.plans) and not re.search(r"\bno (?:immediate |current )?plans?\b", s.text, re.I)
        out += [s.event(t.name, _class_stance(head.group("cls"), negated), promised) for t in members[:last + 1]]
        listed.append((h_start, m.start_char - s.start))
    return out, listed


def _other_class(s: _Sentence, known: list[StanceEvent]) -> list[StanceEvent]:
    """"X uses more tokens than other leading open weights models: ... above A (24k) and B": the models after
    the colon are the other members of the class (the subject stays with the ordinary cue)."""
    other = OTHER_CLASS.search(s.text)
    if not other:
        return []
    return [s.event(t.name, _class_stance(other.group("cls"))) for t in s.names
            if t.start_char - s.start >= other.end() and not any(e.model == t.name for e in known)]


def _licence_subject(s: _Sentence, targets: list[Mention], pool: list[Mention], start: int) -> list[Mention]:
    """Move a licence cue from the licence's own name to the model it licenses."""
    abs_start = s.start + start
    in_licence = [m for m in pool if LICENCE_NAME_AFTER.match(s.doc_text[m.end_char:m.end_char + 30])]
    if targets and all(t in in_licence for t in targets):
        # "X is derived from Y and licensed under the Heron 3 license": the subject X, not the licence's name
        # (with no subject the licence's name is still not the model: "These models are under the Heron license")
        subjects = [m for m in pool if m not in in_licence and m.end_char <= abs_start]
        targets = subjects[:1]
    if targets and re.search(r"\bunder (?:an? |the )?(?:[\w.-]+ ){0,2}$", s.text[max(0, start - 40):start], re.I):
        # "X is a new model under the Apache 2.0 license (unlike Y's)": the licence is X's
        before = [m for m in s.names if m.end_char <= abs_start and abs_start - m.end_char < 160
                  and not CLAUSE_BREAK.search(s.doc_text[m.end_char:abs_start])]
        if before:
            targets = _targets(s.sent, before[-1].end_char, before[-1].end_char, before)
    return targets


OPEN_VERB = re.compile(r"open[- ]sourc(?:ed|es|ing)", re.I)
VERB_SUBJECT_GAP = re.compile(r"\s+(?:(?:has|have|had|is|just|also|now|finally)\s+){0,2}", re.I)
# "open-sourced an 8B instruction model, X" / "open-sourced X": what follows the verb is its object
VERB_OBJECT_GAP = re.compile(r"\s+(?:(?:an?|the|its|their|two|three|new)\b[^,;:.]{0,80}?,\s*|(?:the |its |their )?)",
                             re.I)


def _released_object(s: _Sentence, cue: tuple[int, int, str], pool: list[Mention]) -> list[Mention]:
    """"InternLM3 has open-sourced an 8B instruction model, InternLM3-8B-Instruct": a model named as the
    subject of the open-sourcing verb is the team or series releasing; the stance is the object's."""
    if not OPEN_VERB.fullmatch(s.text[cue[0]:cue[1]]):
        return []
    start, end = s.start + cue[0], s.start + cue[1]
    if not any(VERB_SUBJECT_GAP.fullmatch(s.doc_text[m.end_char:start]) for m in pool if m.end_char <= start):
        return []
    objects = [m for m in pool if m.start_char >= end and VERB_OBJECT_GAP.fullmatch(s.doc_text[end:m.start_char])]
    return _targets(s.sent, objects[0].start_char, objects[0].start_char, pool[pool.index(objects[0]):]) if objects else []


def _planned(s: _Sentence, start: int, end: int) -> bool:
    """A plan cue governs a stance cue that follows it ("plans to open-source X"), or a cue right before
    "future versions"; not an unrelated cue earlier in the sentence. A licence is an attribute of a release:
    "plans to release all its models ... under Apache 2.0" is planned however far the plan word is."""
    reach = 200 if (start, end) in {(a, b) for a, b, _ in s.rules.licence_cues(s.text)} else 60
    return any(start - reach <= m.start() <= end and not CLAUSE_BREAK.search(s.text[m.end():start]) or (
        0 <= m.start() - end < 25 and not re.match(r"plan|with plans|intend|promis", m.group(0), re.I))
        for m in s.plans) and not re.search(r"\bno (?:immediate |current )?plans?\b",
                                            s.text[max(0, start - 30):end], re.I)


def _vague_target(text: str, start: int, end: int, current: Optional[str], focal: Optional[str]) -> Optional[str]:
    """The model "it"/"the model" (the sentence's antecedent) or "the weights" (the article's model) means."""
    if CLASS_PLURAL.match(text[end:]):
        return None
    near = [v.group(0).lower() for v in VAGUE_REFERENCE.finditer(text)
            if (abs(v.start() - start) < 50 or abs(v.start() - end) < 50) and not (start <= v.start() < end + 8 and not v.group(0).lower().startswith("this"))]
    if any(not re.search(r"weights|series|family", v) for v in near):
        return current  # "it", "the model": the antecedent; "the weights", "this series": the article's model
    return focal if near else None


# A class named as the yardstick of a comparison: "comparable to leading closed-source models" ("than other
# open models" says the subject is one of them, so "other" keeps the cue).
COMPARED_CLASS = re.compile(r"\b(?:comparable (?:to|with)|(?:on )?par with|close to|compared (?:to|with)|than|"
                            r"rival\w*|outperform\w*|beat\w*|surpass\w*|match\w*|versus|vs\.?|ahead of|behind|trail\w*|"
                            r"against)\s+"
                            r"(?!other\b)(?:(?!other\b)[\w-]+\s+){0,2}$", re.I)


# A cue about the weights or the access themselves, which in an article about one model is about that model
WEIGHTS_CUE = re.compile(r"\bweights?\b|\bcheckpoints?\b|\bAPI\b|\bproprietary\b", re.I)
INDEFINITE = re.compile(r"\b(?:an?|another|any|some|every)\s+(?:[\w-]+\s+){0,2}$", re.I)  # "a powerful open model"


# "both 8B and 32B models", "the 7B, 13B and 70B checkpoints": models named by their sizes only
SIZE_LIST = re.compile(r"\b(\d+(?:\.\d+)?[BM](?:(?:\s*,\s*|\s*,?\s*(?:and|&)\s*)\d+(?:\.\d+)?[BM])*)\s+(?:[\w-]+\s+)?"
                       r"(?:models|versions|variants|checkpoints|sizes)\b")


def _sized_models(s: _Sentence, start: int, end: int) -> list[Optional[str]]:
    """The document's models that "We release both 8B and 32B models as open weights" means: for each size, the
    one model named in the document whose name ends with that size ("Heron 8B", "Heron-32B"); all or nothing."""
    lo = max([0] + [m.end() for m in CLAUSE_BREAK.finditer(s.text[:start])])
    hit = next((m for m in SIZE_LIST.finditer(s.text) if lo <= m.start() and m.start() - end < 60), None)
    if hit is None:
        return []
    names = dict.fromkeys(m.name for m in s.mentions.models)
    stem = re.sub(r"[\s-]\d+(?:\.\d+)?[BM]$", "", s.mentions.focal or "")
    out: list[Optional[str]] = []
    for size in re.findall(r"\d+(?:\.\d+)?[BM]", hit.group(1)):
        match = [n for n in names if re.search(rf"[\s-]{re.escape(size)}$", n, re.I)]
        if len(match) > 1 and stem:  # "Aya 8B" or "Kite 8B": the article's own family
            match = [n for n in match if n.startswith(stem + " ") or n.startswith(stem + "-")]
        if len(match) != 1:
            return []
        out.append(match[0])
    return out




def _cue_models(s: _Sentence, cue: tuple[int, int, str], current: Optional[str],
                group: tuple[str, ...]) -> Optional[tuple[list[Optional[str]], bool]]:
    """(model names, planned) one cue speaks of, or None when it states nothing."""
    start, end, _ = cue
    clause_start = max([0] + [m.end() for m in CLAUSE_BREAK.finditer(s.text[:start])])
    if re.search(r"\b(?:if|whether|unless)\b", s.text[clause_start:start], re.I):
        return None  # a condition, not a statement: "if it's open weight I'll run it locally"
    clause_end = min([len(s.text)] + [m.start() for m in CLAUSE_BREAK.finditer(s.text, end)])
    if SPECULATION.search(s.text[clause_start:clause_end]):
        return None  # a rumour or a guess is neither a stance nor the vendor's plan
    if CLASS_PLURAL.match(s.text[end:]) and COMPARED_CLASS.search(s.text[clause_start:start]):
        return None  # "X rivals leading closed-source models": the yardstick class, not X's stance
    pool = [m for m in s.names if not is_compared(m, s.doc_text, s.start)]
    if any(VARIANT_OF.search(s.doc_text[max(0, m.start_char - 50):m.start_char]) for m in pool
           if 0 <= s.start + start - m.end_char < 60 and not any(m.end_char < n.start_char < s.start + start for n in pool)):
        return None  # "the base checkpoint for X was not open-sourced": a variant of X, not X (nor the subject)
    targets = _released_object(s, cue, pool) or _licence_subject(
        s, _targets(s.sent, s.start + start, s.start + end, pool), pool, start)
    planned = _planned(s, start, end)
    if targets:
        return [t.name for t in targets], planned
    sized = _sized_models(s, start, end)
    if sized:
        return sized, planned
    if group and GROUP_SUBJECT.match(s.text):
        return list(group), planned
    vague = None if planned else _vague_target(s.text, start, end, current, s.mentions.focal)
    own, shaped = own_series(s.text)  # "the weights of the Yi-Coder series": the series no mention caught
    if own and not (vague and name_key(vague).startswith(name_key(own))):
        return ([own], planned) if shaped else None
    if vague:
        return [vague], planned
    if planned:
        return [None], True
    if (not s.names and _leads(s.mentions) and WEIGHTS_CUE.search(s.text[start:end])
            and not CLASS_PLURAL.match(s.text[end:]) and len(s.text.split()) >= 5
            and not INDEFINITE.search(s.text[max(0, start - 40):start])):
        return [s.mentions.focal], False  # "API and enterprise only. There are no open weights." in its story
    return None


# A tier word right after the cue names one tier of the family: "two flavors: an open-source Small version and an
# API-only Medium version" (case-sensitive: a capitalised tier, not "a small model").
TIER_AFTER = re.compile(r"\s+(Small|Medium|Large|Mini|Nano|Pro|Max|Ultra|Flash|Lite|Plus)\b(?!\s*\d)"
                        r"(?:\s+(?:version|variant|model|tier|edition)s?\b)?")


def _tier_target(s: _Sentence, cue: tuple[int, int, str]) -> Optional[str]:
    """"Family Tier" when the cue describes a tier of a family named before it in the sentence, "" when the tier's
    family is not named there (the cue then says nothing usable), None when the cue is not about a tier."""
    tier = TIER_AFTER.match(s.text, cue[1])
    if tier is None:
        return None
    before = [m for m in s.names if m.end_char <= s.start + cue[0] and m.kind in ("MODEL", "FAMILY")
              and not m.name.endswith(" " + tier.group(1))]
    return f"{before[-1].name} {tier.group(1)}" if before else ""


def _event_org(s: _Sentence, name: Optional[str]) -> Optional[str]:
    org = s.mentions.model_orgs.get(name) if name else None
    if org is None and name:
        from kb.nlp.names import org_of_model

        org = org_of_model(name)
    if org is None:
        # "under the MIT licence": a licence's name is not the organisation taking the stance
        known = [o.name for o in s.mentions.in_span(s.mentions.orgs, s.sent.start, s.sent.end)
                 if o.known and not re.match(r"\W{0,3}licen[cs]e",
                                             s.doc_text[o.end_char:o.end_char + 12], re.I)]
        org = known[0] if known else s.mentions.focal_org()
    return org


def sentence_stances(sent: Span, mentions: DocMentions, rules: StanceRules, current: Optional[str],
                     group: tuple[str, ...] = ()) -> list[StanceEvent]:
    """Stance events stated in one sentence. CURRENT is what "it" means there; GROUP is the model list a
    "Both"/"All three" subject means."""
    text = sent.text
    cues = rules.cues_in(text)
    if re.search(r"\?\s*[\u201d\"']?\s*$", text) or not (cues or CLASS_WORD.search(text)):
        return []  # a question states no stance: "Will Heron 3 be open-sourced?"
    if CITATION.search(text):
        return []  # a BibTeX entry or reference: "@misc{heron2, title = {Heron 2: Open Models}}"
    s = _Sentence(sent, mentions, rules)
    out, listed_spans = _class_lists(s)
    out += _other_class(s, out)
    license_name = rules.license_in(text)
    for cue in cues:
        if any(a <= cue[0] < b for a, b in listed_spans) or (CLASS_EXAMPLES.match(text[cue[0]:])
                                                                 and CLASS_AS_MEMBER.search(text[:cue[0]])):
            continue  # the class cue of a list: its members are given above, the sentence's subject is not
        tier = _tier_target(s, cue)
        found = ([tier], _planned(s, cue[0], cue[1])) if tier else None if tier == "" else _cue_models(
            s, cue, current, group)
        if found is None:
            continue
        names, planned = found
        stance = cue[2]
        if stance == "closed" and NOT_YET.search(text[cue[0]:cue[1] + 30]):
            stance, planned = "open", True  # "weights are not public yet": a release still to come
        for name in names:
            out.append(s.event(name, stance, planned, org=_event_org(s, name),
                               license=license_name if stance == "open" else None))
    return out


ANTECEDENT_REACH = 3  # sentences back that "it" or "the model" may point


def _subject(sent: Span, names: list[Mention]) -> Optional[str]:
    """The model a sentence is about: its first model name that is not the yardstick of a comparison."""
    return next((m.name for m in names if not is_compared(m, doc_text(sent.doc), sent.start_char)), None)


def _antecedent(recent: list[Optional[str]], mentions: DocMentions) -> Optional[str]:
    """What "it" or "the model" means: the subject of one of the last few sentences ("Kite 5 ships today. It
    is open-weight."), else the article's main model when the article is about one model; in a roundup of
    many models a far "it" is too doubtful to resolve."""
    near = next((name for name in reversed(recent[-ANTECEDENT_REACH:]) if name), None)
    return near or (mentions.focal if _about_one_model(mentions) else None)


def _leads(mentions: DocMentions) -> bool:
    """Whether the focal model is named at least as often as any other in a story of a few models (a roundup
    of many models has no model every sentence is about)."""
    counts = Counter(m.name for m in mentions.models)
    focal = mentions.focal
    return bool(focal) and focal is not None and len(counts) <= 8 and counts.get(focal, 0) == max(counts.values())


def _about_one_model(mentions: DocMentions) -> bool:
    """Whether the focal model has at least half of the document's model mentions."""
    counts = Counter(m.name for m in mentions.models)
    focal = mentions.focal
    return bool(focal) and focal is not None and counts.get(focal, 0) * 2 >= sum(counts.values())


def extract_stances(sents: list[Span], mentions: DocMentions, rules: StanceRules) -> list[StanceEvent]:
    """All stance events of a document, deduplicated on (model, stance, planned)."""
    seen, out = set(), []
    pending = None  # (cue sentence, stance) of a cue that named no model: "checkpoints are now available"
    group: tuple[str, ...] = ()
    recent: list[Optional[str]] = []  # the subject of each sentence so far
    for sent in sents:
        events = sentence_stances(sent, mentions, rules, _antecedent(recent, mentions), group)
        names = [m for m in mentions.in_span(mentions.models, sent.start, sent.end)
                 if model_use(m, doc_text(sent.doc))]
        recent.append(_subject(sent, names))
        distinct = tuple(dict.fromkeys(m.name for m in names))
        group = distinct if len(distinct) >= 2 else group if not distinct else ()
        if not events and pending and names and (LIST_FOLLOWS.match(sent.text)
                                                 or pending[0].text.rstrip().endswith(":")):
            # "... are available for some of the top models. These models include X, Y and Z."
            cue_sent, stance = pending
            text = doc_text(sent.doc)[cue_sent.start_char:sent.end_char]
            events = [StanceEvent(org=mentions.model_orgs.get(m.name), model=m.name, stance=stance,
                                  evidence=text, start=cue_sent.start_char, end=sent.end_char) for m in names]
        pending = None
        cues = rules.cues_in(sent.text)
        if not events and cues and not names:
            pending = (sent, cues[0][2])
        for ev in events:
            key = (ev.model, ev.stance, ev.planned)
            if key not in seen:
                seen.add(key)
                out.append(ev)
    whole = doc_text(sents[0].doc) if sents else ""
    structural = [ev for reader in (section_stances, link_list_stances, licence_field_stances, api_launch_stances)
                  for ev in reader(whole, mentions, rules)] if sents else []
    for ev in structural:
        # a family's short name after one of its tiers was given ("Magistral" after "Magistral Small") adds nothing
        if (ev.model, ev.stance, ev.planned) not in seen and not any(
                e.model and (e.model == ev.model or e.model.startswith(f"{ev.model} ")) for e in out):
            seen.add((ev.model, ev.stance, ev.planned))
            out.append(ev)
    return settle_names(out + _family_members(sents, mentions, out, rules), whole)


def _family_members(sents: list[Span], mentions: DocMentions, events: list[StanceEvent],
                    rules: StanceRules) -> list[StanceEvent]:
    """Members of a family that a stance was stated for, named in the next sentences, share it.

    "Vendor releases the open Heron family. Heron Lite 2 targets phones; Heron Max 2 ..." -> both open.
    """
    stated = {ev.model for ev in events}
    by_family = {ev.model: ev for ev in events if ev.model and not ev.planned
                 and any(f.name == ev.model for f in mentions.families + mentions.models)}
    # "NVIDIA is releasing the Cosmos open world foundation models": a name before an open class noun
    # is a family that no gazetteer knows; its members named next ("Cosmos Reason 2") share the stance.
    for sent in sents:
        for m in NAMED_OPEN_CLASS.finditer(sent.text):
            prefix = m.group("prefix")
            if prefix in by_family or resolve_org_name(prefix) or prefix.lower() in {"the", "our", "new", "its"}:
                continue
            if rules.cues_in(sent.text) and not any(rx.search(sent.text) for rx in rules.plans):
                by_family[prefix] = StanceEvent(org=None, model=prefix, stance="open", evidence=sent.text,
                                                start=sent.start_char, end=sent.end_char)
    out = []
    for family, ev in by_family.items():
        idx = next((i for i, s in enumerate(sents) if s.start_char <= ev.start < s.end_char), None)
        if idx is None:
            continue
        for sent in sents[idx:idx + 4]:
            if sent.start_char != ev.start and any(rx.search(sent.text) for rx in rules.plans):
                continue  # "They also promise Heron Max 2, once it is ready": a member still to come
            for member in mentions.in_span(mentions.models, sent.start, sent.end):
                if member.name in stated or not re.match(rf"{re.escape(family)}[\s-]\S", member.name) or re.fullmatch(
                        rf"{re.escape(family)}\s\d+(?:\.\d+)?[BMT]", member.name):
                    continue  # "Heron 2 456B" is Heron 2 with its size, not another member
                if any(n and n.startswith(member.name + " ") for n in stated):
                    continue  # "Cosmos Reason" after "Cosmos Reason 2": a short name of a member already given
                stated.add(member.name)
                out.append(StanceEvent(org=ev.org or mentions.model_orgs.get(member.name), model=member.name,
                                       stance=ev.stance, license=ev.license, evidence=ev.evidence,
                                       start=ev.start, end=ev.end))
    return out
