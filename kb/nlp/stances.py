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
from kb.nlp.names import gazetteer, norm_key, resolve_org_name
from kb.nlp.pipeline import read_patterns
from kb.nlp.records import StanceEvent

LICENSE_EXTRA = re.compile(r"\b(?:custom|modified [A-Z][\w.-]*|non-commercial|research-only|community|open model|"
                           r"[A-Z][\w.]+ (?:Community|Open Model|Research))[\w -]{0,30}?licen[cs]e\b|"
                           r"\bnon-commercial use\b", re.I)
CLAUSE_BREAK = re.compile(r",\s*but\b|;|\s[\u2014\u2013-]\s|\bbut given\b|\.\s")
LIST_FOLLOWS = re.compile(r"^\s*(?:These|Those|They|The (?:new |released )?(?:models?|checkpoints|weights))\b"
                          r"[^.]{0,40}\b(?:include|includes|are|cover)\b")
# A class of models introducing a list: "open-weight models such as X, Y and Z", "proprietary systems like X",
# "the best open alternatives - X and Y -". The listed models take the class's stance, the subject does not.
CLASS_WORD = re.compile(r"\b(?:open|closed|proprietary)", re.I)
CLASS_INTRO = re.compile(r"\b(?P<cls>open|open[- ]weights?|openly licensed|open[- ]source|closed|closed[- ]weights?|"
                         r"closed[- ]source|proprietary)\s+(?:[\w-]+\s+){0,2}?(?:models|LLMs|systems|alternatives|"
                         r"rivals|peers|competitors|releases|options|counterparts)\s*(?:,\s*)?(?:such as|like|"
                         r"including|includ\w+|e\.g\.,?|:|\(|[\u2014\u2013]|-)\s*(?:the\s+)?$", re.I)
OTHER_CLASS = re.compile(r"\bother (?:[\w-]+ ){0,2}?(?P<cls>open|open[- ]weights?|open[- ]source|closed|"
                         r"closed[- ]weights?|proprietary) (?:[\w-]+ ){0,2}?(?:models|LLMs|systems):")
NAMED_OPEN_CLASS = re.compile(r"(?<![\w.-])(?P<prefix>[A-Z][\w-]+) (?:fully )?open(?:[- ]weights?|[- ]source)?"
                              r"(?: [\w-]+){0,3} models\b")
# A sentence whose subject is the group just named: "X, Y and Z ... . All three are on Hugging Face."
GROUP_SUBJECT = re.compile(r"^\s*(?:Both(?: of them| models)?|All (?:three|four|five|of them|these models|the models)|"
                           r"These (?:models|checkpoints|variants)|The (?:two|three|four) models|They|Each of them)\b")
VAGUE_REFERENCE = re.compile(r"\b(?:it|its|the model|this model|the weights|model weights|weights)\b", re.I)
# "Tags: Cosmos | Open Source | Robotics": a label in a list of tags states nothing about a model.
TAG_LINE = re.compile(r"(?:^|\b)(?:Tags|Categories|Topics|Filed under)\s*:", re.I)
# "using the term 'open weight'", "describe it as an 'open source' licence": the words are mentioned, not used.
TERM_MENTION = re.compile(r"(?:\b(?:the )?(?:term|word|words|label|phrase|expression)|\b(?:describ\w*|call\w*|label\w*|"
                          r"brand\w*|market\w*) (?:\w+ ){0,2}as(?: an?| the)?|\bcall\w* (?:it|this|them))\s*$", re.I)
# A cue followed by a plural noun speaks of a class ("continuing to train open-weights models"), not of it.
CLASS_PLURAL = re.compile(r"^[\s\w-]{0,30}?\b(?:models|LLMs|systems|alternatives|rivals|weights models)\b")


NON_WEIGHTS = re.compile(r"\b(?:code|codebase|source code|harness|library|libraries|SDK|framework|toolkit|tools|"
                         r"tooling|dataset|datasets|data|app|plugin|repo|repository|scripts?|recipes?|benchmark)\b",
                         re.I)


# "open-source" said of something that is not a model: "our open source stack", "open-source tools", "an open
# source community". The words are read from data/patterns/stance_non_models.jsonl.
def _word_alternation(kind: str) -> str:
    return "|".join(w for row in read_patterns("stance_non_models") if row["kind"] == kind for w in row["words"])


NON_MODEL_AFTER_CUE = re.compile(rf"^[\s-]+(?:(?!models?\b|weights\b|checkpoints?\b|LLMs?\b)[\w.-]+\s+){{0,3}}?"
                                rf"(?:{_word_alternation('thing')})\b", re.I)
# A name used for something else: "Kestrel tools", "the Quill-2 dataset" (a "Heron licence" still says Heron is open)
NON_MODEL_AFTER_NAME = re.compile(rf"^[\s-]*(?:{_word_alternation('thing')})\b", re.I)
# A base model a derivative was made from: "distilled from X", "fine-tuned from X", "based on X"
BASE_OF = re.compile(r"\b(?:based on|derived from|fine-?tuned (?:from|on)|distilled from|built (?:up)?on|"
                     r"initiali[sz]ed from|trained from)\s+(?:the\s+|a\s+|an\s+)?$", re.I)


# A model named as the yardstick of a comparison: "rivals X and Y", "ranks ahead of X", "beats X": an open cue in
# the sentence speaks of the subject, not of the models it is compared with (a class intro, "open models such
# as X", is read separately).
COMPARED = re.compile(r"\b(?:rival\w*|ahead of|beat(?:s|ing)?|outperform\w*|than|versus|vs\.?|compared (?:to|with)|"
                      r"match(?:es|ing)?|behind|surpass\w*|trail\w*|exceed\w*)\s(?:(?!\b(?:open|closed|proprietary|"
                      r"release[sd]?|licen[cs]\w*)\b)[^;.:!?\n])*$", re.I)


LICENCE_NAME_AFTER = re.compile(r"[\s-]*(?:[\w.-]+\s+){0,2}licen[cs]e", re.I)


def _compared(m: Mention, text: str, sent_start: int) -> bool:
    """Whether mention M is the object of a comparison in its sentence."""
    return bool(COMPARED.search(text[max(sent_start, m.start_char - 80):m.start_char]))


# Rumours and guesses about a release: data/patterns/stance_non_models.jsonl, kind "speculation".
SPECULATION = re.compile(rf"\b(?:{_word_alternation('speculation')})\b", re.I)


# "the Corvid models", "Corvid's open family": a family word after a name that is also a company's
FAMILY_NOUN_AFTER = re.compile(r"(?:['\u2019]s)?\s+(?:[\w-]+\s+){0,2}?(?:models?|family|series|LLMs?|weights|"
                               r"checkpoints)\b", re.I)


def _model_use(m: Mention, text: str) -> bool:
    """Whether mention M names a model the sentence speaks about, not a licence, tool, dataset or base model,
    nor the company a family is named after ("Corvid is back with open weights" speaks of the company)."""
    if m.kind == "FAMILY" and resolve_org_name(m.name) and not FAMILY_NOUN_AFTER.match(
            text[m.end_char:m.end_char + 40]):
        return False
    return not (NON_MODEL_AFTER_NAME.match(text[m.end_char:m.end_char + 40])
                or BASE_OF.search(text[max(0, m.start_char - 40):m.start_char]))


def _licence_of_non_weights(text: str, start: int, end: int) -> bool:
    """A licence cue whose clause is about code, tools or data rather than the model or its weights:
    "The inference code for X is available under the MIT license"; not "X and its code are MIT-licensed"."""
    if not (re.search(r"licen[cs]|\bunder\b", text[start:end], re.I)
            or re.search(r"\bunder\b[^.]{0,40}$", text[max(0, start - 40):start])
            or re.match(r"[\s-]*licen", text[end:end + 12], re.I)):
        return False
    clause_start = max([0] + [m.end() for m in CLAUSE_BREAK.finditer(text[:start])])
    before = text[clause_start:start]
    thing = NON_WEIGHTS.search(before)
    model = re.search(r"\b(?:weights|checkpoints?|models?)\b|[A-Z][\w.-]*[ -]?\d", before)
    return bool(thing) and (model is None or thing.start() < model.start())


class StanceRules:
    def __init__(self):
        self.cues = [(re.compile(r["regex"], re.I), r["stance"]) for r in read_patterns("stances")]
        self.plans = [re.compile(r["regex"], re.I) for r in read_patterns("stance_plans")]
        lic_aliases = sorted({a for lic in gazetteer().licenses if lic["name"] != "proprietary"
                              for a in [lic["name"], *lic.get("aliases", [])]}, key=len, reverse=True)
        self.license_re = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in lic_aliases) + r")(?![\w-])")
        self.license_names = {a: lic["name"] for lic in gazetteer().licenses
                              for a in [lic["name"], *lic.get("aliases", [])]}
        self.open_licences = {lic["name"]: bool(lic.get("open_weights")) for lic in gazetteer().licenses}
        self._cues: dict[str, tuple] = {}  # sentence text -> its cues (each sentence is asked twice or more)

    def cues_in(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """Non-overlapping (start, end, stance) cue matches; closed cues take precedence."""
        found = self._cues.get(text)
        if found is None:
            if len(self._cues) > 4096:
                self._cues.clear()
            found = self._cues[text] = tuple(self._find_cues(text))
        return found

    def _find_cues(self, text: str) -> list[tuple[int, int, str]]:
        hits = []
        tags = TAG_LINE.search(text)
        for rx, stance in self.cues:
            for m in rx.finditer(text):
                cell_start = text.rfind("|", 0, m.start()) + 1
                lone_cell = "|" in text and not text[cell_start:m.start()].strip() \
                    and re.match(r"\s*(?:\||$)", text[m.end():])
                if tags and tags.start() < m.start() or lone_cell:
                    continue  # a tag or a table cell on its own
                if re.search(r"[\"\u201c'\u2018]\s*$", text[:m.start()]) and TERM_MENTION.search(
                        text[:m.start()].rstrip().rstrip("\"\u201c'\u2018")):
                    continue
                if stance == "open" and NON_MODEL_AFTER_CUE.match(text[m.end():m.end() + 40]):
                    continue  # "our open source stack", "open-source tools": not a model's stance
                hits.append((m.start(), m.end(), stance))
        for start, end, stance in self.licence_cues(text):
            hits.append((start, end, stance))
        # "the inference code for X is MIT-licensed": a licence of code or data says nothing about weights
        hits = [h for h in hits if not (h[2] == "open" and _licence_of_non_weights(text, h[0], h[1]))]
        for i, (start, end, stance) in enumerate(hits):
            # "never published model weights", "nor open-sourced": a negated open cue is closed.
            if stance == "open" and re.search(r"\b(?:not|never|no|n't|without|nor)\b(?:\s+\w+){0,2}\s*$|\bnon-$",
                                              text[max(0, start - 30):start], re.I):
                hits[i] = (start, end, "closed")
        hits.sort(key=lambda h: (h[2] != "closed", h[0]))
        kept: list[tuple[int, int, str]] = []
        for h in hits:
            if not any(h[0] < k[1] and k[0] < h[1] for k in kept):
                kept.append(h)
        return sorted(kept)

    def licence_cues(self, text: str) -> list[tuple[int, int, str]]:
        """Open cues from a licence that lets weights be downloaded, named next to a model:
        "under Apache 2.0", "Apache 2.0-licensed", "the MIT license ... with K2"."""
        out = []
        for m in self.license_re.finditer(text):
            name = self.license_names.get(m.group(0), m.group(0))
            if not self.open_licences.get(name):
                continue
            before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 30]
            if re.search(r"\bunder (?:an? |the )?(?:[\w.-]+ ){0,2}$", before, re.I) or re.match(
                    r"[\s-]*(?:licen[cs]ed|licen[cs]e[ds]?\b)", after, re.I) or re.search(
                    r"licen[cs]e$", m.group(0), re.I):
                out.append((m.start(), m.end(), "open"))
        return out

    def license_in(self, text: str) -> Optional[str]:
        m = self.license_re.search(text)
        if m:
            return self.license_names.get(m.group(0), m.group(0))
        m = LICENSE_EXTRA.search(text)
        return m.group(0) if m else None


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
        self.any_names = bool(names)
        self.names = [m for m in names if _model_use(m, self.doc_text) and not FRAGMENT.fullmatch(m.name)
                      and not rules.license_re.fullmatch(m.name)]
        self.plans = [m for rx in rules.plans for m in rx.finditer(self.text) if not re.search(
            r"\bno (?:immediate |current )?$", self.text[max(0, m.start() - 20):m.start()], re.I)]

    def event(self, model: Optional[str], stance: str, planned: bool = False, org: Optional[str] = None,
              license: Optional[str] = None) -> StanceEvent:
        return StanceEvent(org=org if org is not None else self.mentions.model_orgs.get(model), model=model,
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
            if (abs(v.start() - start) < 50 or abs(v.start() - end) < 50) and not (start <= v.start() < end + 8)]
    if any("weights" not in v for v in near):
        return current
    return focal if near else None


# A class named as the yardstick of a comparison: "comparable to leading closed-source models" ("than other
# open models" says the subject is one of them, so "other" keeps the cue).
COMPARED_CLASS = re.compile(r"\b(?:comparable (?:to|with)|(?:on )?par with|close to|compared (?:to|with)|than|"
                            r"rival\w*|outperform\w*|beat\w*|surpass\w*|match\w*|versus|vs\.?|ahead of|behind|trail\w*|"
                            r"against)\s+"
                            r"(?!other\b)(?:(?!other\b)[\w-]+\s+){0,2}$", re.I)


# A cue about the weights or the access themselves, which in an article about one model is about that model
WEIGHTS_CUE = re.compile(r"\bweights?\b|\bAPI\b|\bproprietary\b", re.I)
INDEFINITE = re.compile(r"\b(?:an?|another|any|some|every)\s+(?:[\w-]+\s+){0,2}$", re.I)  # "a powerful open model"


def _cue_models(s: _Sentence, cue: tuple[int, int, str], current, group) -> Optional[tuple[list, bool]]:
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
    pool = [m for m in s.names if not _compared(m, s.doc_text, s.start)]
    targets = _licence_subject(s, _targets(s.sent, s.start + start, s.start + end, pool), pool, start)
    planned = _planned(s, start, end)
    if targets:
        return [t.name for t in targets], planned
    if group and GROUP_SUBJECT.match(s.text):
        return list(group), planned
    vague = None if planned else _vague_target(s.text, start, end, current, s.mentions.focal)
    if vague:
        return [vague], planned
    if planned:
        return [None], True
    if (not s.any_names and _leads(s.mentions) and WEIGHTS_CUE.search(s.text[start:end])
            and not CLASS_PLURAL.match(s.text[end:]) and len(s.text.split()) >= 5
            and not INDEFINITE.search(s.text[max(0, start - 40):start])):
        return [s.mentions.focal], False  # "API and enterprise only. There are no open weights." in its story
    return None


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
        org = known[0] if known else s.mentions.model_orgs.get(s.mentions.focal)
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
        if any(a <= cue[0] < b for a, b in listed_spans):
            continue  # the class cue of a list: its members are given above, the sentence's subject is not
        found = _cue_models(s, cue, current, group)
        for name in (found[0] if found else []):
            out.append(s.event(name, cue[2], found[1], org=_event_org(s, name),
                               license=license_name if cue[2] == "open" else None))
    return out


ANTECEDENT_REACH = 3  # sentences back that "it" or "the model" may point


def _subject(sent: Span, names: list[Mention]) -> Optional[str]:
    """The model a sentence is about: its first model name that is not the yardstick of a comparison."""
    return next((m.name for m in names if not _compared(m, doc_text(sent.doc), sent.start_char)), None)


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
    return bool(mentions.focal) and len(counts) <= 8 and counts.get(mentions.focal, 0) == max(counts.values())


def _about_one_model(mentions: DocMentions) -> bool:
    """Whether the focal model has at least half of the document's model mentions."""
    counts = Counter(m.name for m in mentions.models)
    return bool(mentions.focal) and counts.get(mentions.focal, 0) * 2 >= sum(counts.values())


def extract_stances(sents: list[Span], mentions: DocMentions, rules: StanceRules) -> list[StanceEvent]:
    """All stance events of a document, deduplicated on (model, stance, planned)."""
    seen, out = set(), []
    pending = None  # (cue sentence, stance) of a cue that named no model: "checkpoints are now available"
    group: tuple[str, ...] = ()
    recent: list[Optional[str]] = []  # the subject of each sentence so far
    for sent in sents:
        events = sentence_stances(sent, mentions, rules, _antecedent(recent, mentions), group)
        names = [m for m in mentions.in_span(mentions.models, sent.start, sent.end)
                 if _model_use(m, doc_text(sent.doc))]
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
    for ev in section_stances(doc_text(sents[0].doc), mentions) if sents else []:
        if (ev.model, ev.stance, ev.planned) not in seen and not any(e.model == ev.model for e in out):
            seen.add((ev.model, ev.stance, ev.planned))
            out.append(ev)
    return out + _family_members(sents, mentions, out, rules)


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
            for m in mentions.in_span(mentions.models, sent.start, sent.end):
                if m.name in stated or not re.match(rf"{re.escape(family)}[\s-]\S", m.name) or re.fullmatch(
                        rf"{re.escape(family)}\s\d+(?:\.\d+)?[BMT]", m.name):
                    continue  # "Heron 2 456B" is Heron 2 with its size, not another member
                if any(n and n.startswith(m.name + " ") for n in stated):
                    continue  # "Cosmos Reason" after "Cosmos Reason 2": a short name of a member already given
                stated.add(m.name)
                out.append(StanceEvent(org=ev.org or mentions.model_orgs.get(m.name), model=m.name,
                                       stance=ev.stance, license=ev.license, evidence=ev.evidence,
                                       start=ev.start, end=ev.end))
    return out


# A newsletter's list under a short heading: "- Open Source LLMs" then "- Vendor - Heron 2 - a 7B model (X, HF)".
# A heading is a short line (a list item or not) without a model, a parenthesis or a colon.
LIST_ITEM = re.compile(r"^\s*[-*\u2022]\s+")
SECTION_CUES = [(re.compile(r["regex"], re.I), r["stance"]) for r in read_patterns("stance_sections")
                if r["kind"] == "heading"]
ITEM_COMPARED = re.compile(r"\b(?:on|than|vs\.?|versus|beats?|matches|rivals?|like|from|over|of)\s+(?:\S+\s+){0,2}$",
                           re.I)


# the item's link list names code but no weights page: "(Paper, Github)"
CODE_ONLY_LINKS = re.compile("|".join(r["regex"] for r in read_patterns("stance_sections") if r["kind"] == "skip_item"))
SIZE_SUFFIX = re.compile(r"[\s-]\d+(?:\.\d+)?[BMT]$")


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _heading(line: str, has_model: bool) -> bool:
    body = LIST_ITEM.sub("", line).strip()
    return (bool(body) and not has_model and len(body.split()) <= 5 and not re.search(r"[(:.!?]|\d", body))


def section_stances(text: str, mentions: DocMentions) -> list[StanceEvent]:
    """The first model of each list item under a short heading that names open releases is open:
    "- Open Source LLMs / - Orrin - Heron 2 - 7B reasoning model (X, HF) / - Big Labs + APIs" gives Heron 2.
    The section ends at the next heading or at a line that is not a list item; a model named after a
    comparison word ("beats Kite 5") is not the item's subject."""
    out, stance = [], None
    for start, line in _lines(text):
        end = start + len(line)
        names = [m for m in mentions.models if start <= m.start_char and m.end_char <= end]
        if _heading(line, bool(names)):
            stance = next((st for rx, st in SECTION_CUES if rx.search(line)), None)
            continue
        if not line.strip():
            continue
        if stance is None or not LIST_ITEM.match(line):
            stance = None
            continue
        subject = next((m for m in sorted(names, key=lambda m: m.start_char)
                        if _model_use(m, text) and not ITEM_COMPARED.search(text[start:m.start_char])), None)
        if subject is None or CODE_ONLY_LINKS.search(line):
            continue  # "Text2Lora - adapters (Github)": code, not weights
        name = _without_size(subject.name, mentions)
        out.append(StanceEvent(org=mentions.model_orgs.get(subject.name), model=name, stance=stance,
                               evidence=line.strip(), start=start, end=end))
    return out


def _without_size(name: str, mentions: DocMentions) -> str:
    """"Heron-M2 456B" in a list item is Heron-M2: a size written apart is a description, not the name (one
    joined by a hyphen, "Heron-72B", is kept unless the document also names the model without it)."""
    if re.search(r"\s\d+(?:\.\d+)?[BMT]$", name) and re.search(r"\d|[a-z][A-Z]", SIZE_SUFFIX.sub("", name)):
        return SIZE_SUFFIX.sub("", name)
    short = norm_key(SIZE_SUFFIX.sub("", name))
    return next((m.name for m in mentions.models if short != norm_key(name) and norm_key(m.name) == short), name)


LICENCE_HEADER = re.compile(r"(?i)\blicen[cs]e\b|\bweights\b|\bopen[- ]?(?:source|weights?)\b|\bavailability\b")
YES_CELL = re.compile(r"(?i)^(?:yes|open|open weights|open-weights|downloadable|\u2713|\u2714|\u2705)$")
NO_CELL = re.compile(r"(?i)^(?:no|closed|closed weights|proprietary|api(?:[- ]only)?|not released|"
                     r"\u2717|\u2718|\u274c)$")


def _table_rows(table_html: str) -> list[list[str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(table_html, "html.parser")
    rows = []
    for tr in soup.find_all("tr"):
        cells = [re.sub(r"\s+", " ", td.get_text(" ", strip=True)) for td in tr.find_all(["td", "th"])]
        if any(cells):
            rows.append(cells)
    return rows


def _cell_stance(cell: str, rules: StanceRules, header_says_weights: bool) -> tuple[Optional[str], Optional[str]]:
    """(stance, licence) a licence/weights cell states."""
    from kb.nlp.names import clean_label, resolve_license_name

    label = clean_label(cell)
    lic = resolve_license_name(label) or (rules.license_names.get(label) if label in rules.license_names else None)
    if lic:
        if rules.open_licences.get(lic):
            return "open", lic
        return ("closed", None) if lic == "proprietary" else (None, None)
    if re.fullmatch(r"(?i)proprietary|closed(?: weights)?", label):
        return "closed", None
    if header_says_weights and YES_CELL.match(label):
        return "open", None
    if header_says_weights and NO_CELL.match(label):
        return "closed", None
    return None, None


def table_stances(tables: list, resolve_model, rules: StanceRules, model_orgs: dict) -> list[StanceEvent]:
    """Stances a table states: a "License" (or "Open weights") column or row beside the model names.

    TABLES are (html, (start, end) or None) pairs. "| Lumen 4 | Apache 2.0 |" is open under Apache 2.0;
    "| Kite 5 | Proprietary |" is closed.
    """
    out = []
    for html, span in tables:
        try:
            rows = _table_rows(html)
        except Exception:  # a malformed table must not lose the document
            continue
        if len(rows) < 2:
            continue
        start, end = span or (0, 0)
        header = rows[0]
        pairs = []  # (model cell, licence cell, header says weights)
        lic_cols = [i for i, h in enumerate(header) if LICENCE_HEADER.search(h)]
        if lic_cols:  # models down the rows, a licence column
            col = lic_cols[0]
            says_weights = bool(re.search(r"(?i)weights|open", header[col]))
            for row in rows[1:]:
                model = next((resolve_model(c) for c in row if c and resolve_model(c)), None)
                if model and col < len(row):
                    pairs.append((model, row[col], says_weights or bool(re.search(r"(?i)licen", header[col]))))
        for row in rows:  # models across the columns, a licence row
            if row and LICENCE_HEADER.search(row[0]) and len(row) == len(header):
                for i in range(1, len(row)):
                    model = resolve_model(header[i]) if header[i] else None
                    if model:
                        pairs.append((model, row[i], True))
        for model, cell, says_weights in pairs:
            stance, lic = _cell_stance(cell, rules, says_weights)
            if stance:
                out.append(StanceEvent(org=model_orgs.get(model), model=model, stance=stance, license=lic,
                                       evidence=f"{model} | {cell}", start=start, end=end))
    return out
