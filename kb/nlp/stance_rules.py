"""What a stance cue may attach to: the scope filters (tools, base models, comparison yardsticks, rumours,
licences of code) and the cue, plan and licence word lists read from data/patterns/.

kb/nlp/stances.py reads sentences with these rules; kb/nlp/stance_lists.py reads roundup sections,
kb/nlp/stance_tables.py tables.
"""
from __future__ import annotations

import re
from typing import Optional

from kb.nlp.mentions import Mention
from kb.nlp.names import gazetteer, resolve_org_name
from kb.nlp.pipeline import read_patterns


LICENSE_EXTRA = re.compile(r"\b(?:custom|modified [A-Z][\w.-]*|non-commercial|research-only|community|open model|"
                           r"[A-Z][\w.]+ (?:Community|Open Model|Research))[\w -]{0,30}?licen[cs]e\b|"
                           r"\bnon-commercial use\b", re.I)
CLAUSE_BREAK = re.compile(r",\s*but\b|;|\s[\u2014\u2013-]\s|\bbut given\b|\.\s")
LIST_FOLLOWS = re.compile(r"^\s*(?:These|Those|They|The (?:new |released )?(?:models?|checkpoints|weights))\b"
                          r"[^.]{0,40}\b(?:include|includes|are|cover)\b")
# A class of models introducing a list: "open-weight models such as X, Y and Z", "proprietary systems like X",
# "the best open alternatives - X and Y -", "open models like Orrin's recent X". The listed models take the class's
# stance, the subject does not.
CLASS_WORD = re.compile(r"\b(?:open|closed|proprietary)", re.I)
CLASS_INTRO = re.compile(r"\b(?P<cls>open|open[- ]weights?|openly licensed|open[- ]source|closed|closed[- ]weights?|"
                         r"closed[- ]source|proprietary)\s+(?:[\w-]+\s+){0,2}?(?:models|LLMs|systems|alternatives|"
                         r"rivals|peers|competitors|releases|options|counterparts|giants|heavyweights|offerings)"
                         r"(?:\s+(?:with|from)\s+[\w-]+(?:\s+[\w-]+)?)?\s*(?:,\s*)?(?:such as|like|"
                         r"including|includ\w+|e\.g\.,?|:|\(|[\u2014\u2013]|-)\s*(?:the\s+)?"
                         r"(?:[A-Z][\w.&-]*['\u2019]s\s+)?(?:(?:recent|new|latest)\s+)?$", re.I)
OTHER_CLASS = re.compile(r"\bother (?:[\w-]+ ){0,2}?(?P<cls>open|open[- ]weights?|open[- ]source|closed|"
                         r"closed[- ]weights?|proprietary) (?:[\w-]+ ){0,2}?(?:models|LLMs|systems):")
NAMED_OPEN_CLASS = re.compile(r"(?<![\w.-])(?P<prefix>[A-Z][\w-]+) (?:fully )?open(?:[- ]weights?|[- ]source)?"
                              r"(?: [\w-]+){0,3} models\b")
# A sentence whose subject is the group just named: "X, Y and Z ... . All three are on Hugging Face."
GROUP_SUBJECT = re.compile(r"^\s*(?:Both(?: of them| models)?|All (?:three|four|five|of them|these models|the models)|"
                           r"These (?:models|checkpoints|variants)|The (?:two|three|four) models|They|Each of them)\b")
VAGUE_REFERENCE = re.compile(r"\b(?:it|its|the model|this model|the weights|model weights|weights|this series|"
                             r"this (?:model )?family)\b", re.I)
# "Tags: Cosmos | Open Source | Robotics": a label in a list of tags states nothing about a model.
TAG_LINE = re.compile(r"(?:^|\b)(?:Tags|Categories|Topics|Filed under)\s*:", re.I)
# "using the term 'open weight'", "describe it as an 'open source' licence": the words are mentioned, not used.
TERM_MENTION = re.compile(r"(?:\b(?:the )?(?:term|word|words|label|phrase|expression)|\b(?:describ\w*|call\w*|label\w*|"
                          r"brand\w*|market\w*) (?:\w+ ){0,2}as(?: an?| the)?|\bcall\w* (?:it|this|them))\s*$", re.I)
# A class cue that introduces examples ("open models like X"): it speaks only of the examples after it (read by
# the class-list rule when they are known names), never of the names before it ("Y, Z, and open models like X").
CLASS_EXAMPLES = re.compile(r"^[\s\w-]{0,40}?\b(?:models|LLMs|systems|alternatives|rivals|peers|competitors|releases|"
                            r"options|counterparts)\s*,?\s*(?:such as|like)\s", re.I)
# ... when the class is a list member or an object ("X, Y, and open models like Z"), not a predicate
# ("X comprises open models such as ...")
CLASS_AS_MEMBER = re.compile(r"(?:,|\band|\bor|\bwith|\bthan)\s+(?:(?:other|some|many|several|the|recent|new)\s+)?$", re.I)
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
# "open model users", "open-source players like X", "the Open Source AI Definition": the people, companies or
# definition around open models, named right after the cue
AUDIENCE_AFTER_CUE = re.compile(rf"^[\s-]+(?:AI\s+)?(?:{_word_alternation('audience')})\b", re.I)
# A name used for something else: "Kestrel tools", "the Quill-2 dataset" (a "Heron licence" still says Heron is open);
# not across a spaced dash, which starts a description ("Heron - foundation models for maps")
NON_MODEL_AFTER_NAME = re.compile(rf"^(?:\s+|-)(?:{_word_alternation('thing')})\b", re.I)
# A base model a derivative was made from: "distilled from X", "fine-tuned from X", "based on X"
BASE_OF = re.compile(r"\b(?:based on|derived from|fine-?tuned (?:from|on)|distilled from|built (?:up)?on|"
                     r"initiali[sz]ed from|trained from)\s+(?:the\s+|a\s+|an\s+)?$", re.I)


# "not yet open-sourced", "weights are not public yet": the negation is of the present, a release is expected
NOT_YET = re.compile(r"\b(?:not|n't)\s+yet\b|^[^.;,:!?]{0,40}?\byet\s*(?:[.;,)]|$)", re.I)


# A preposition that makes a plural class cue the topic of a phrase: "its comments on open models"
TOPIC_BEFORE = re.compile(r"\b(?:on|about|regarding|around|towards?|concerning|(?:investment|investing|interest|funding|"
                          r"support|research) in)\s+$", re.I)


# One variant of a model: "the base checkpoint for X was not open-sourced" speaks of the variant, not of X
VARIANT_OF = re.compile(r"\b(?:base|pre-?trained|pretraining)\s+(?:checkpoints?|weights|versions?|variants?|models?)\s+"
                        r"(?:for|of)\s+(?:the\s+)?$", re.I)


# A model named as the yardstick of a comparison: "rivals X and Y", "ranks ahead of X", "beats X": an open cue in
# the sentence speaks of the subject, not of the models it is compared with (a class intro, "open models such
# as X", is read separately).
COMPARED = re.compile(r"\b(?:rival\w*|ahead of|beat(?:s|ing)?|outperform\w*|outpac\w*|outscor\w*|outclass\w*|than|versus|vs\.?|compared (?:to|with)|"
                      r"comparable (?:to|with)|on par with|similar to|comparisons? (?:to|with)|(?:on|at) the level of|"
                      r"match(?:es|ing)?|behind|surpass\w*|trail\w*|exceed\w*)\s(?:(?!\b(?:open|closed|proprietary|"
                      r"release[sd]?|licen[cs]\w*)\b)[^;.:!?\n])*$", re.I)


LICENCE_NAME_AFTER = re.compile(r"[\s-]*(?:[\w.-]+\s+){0,2}licen[cs]e\b", re.I)  # the noun, not "are licensed"


def is_compared(m: Mention, text: str, sent_start: int) -> bool:
    """Whether mention M is the object of a comparison in its sentence."""
    return bool(COMPARED.search(text[max(sent_start, m.start_char - 80):m.start_char]))


# Rumours and guesses about a release: data/patterns/stance_non_models.jsonl, kind "speculation".
SPECULATION = re.compile(rf"\b(?:{_word_alternation('speculation')})\b", re.I)


# "the Corvid models", "Corvid's open family": a family word after a name that is also a company's
FAMILY_NOUN_AFTER = re.compile(r"(?:['\u2019]s)?\s+(?:[\w-]+\s+){0,2}?(?:models?|family|series|LLMs?|weights|"
                               r"checkpoints)\b", re.I)


def model_use(m: Mention, text: str) -> bool:
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
    # "the code and weights of X are distributed under ...": the weights named beside the code are licensed too
    return thing is not None and (model is None or thing.start() < model.start()) and not re.search(
        r"\b(?:weights|checkpoints)\b", before, re.I)


class StanceRules:
    def __init__(self) -> None:
        self.cues = [(re.compile(r["regex"], re.I), r["stance"]) for r in read_patterns("stances")]
        self.plans = [re.compile(r["regex"], re.I) for r in read_patterns("stance_plans")]
        lic_aliases = sorted({a for lic in gazetteer().licenses if lic["name"] != "proprietary"
                              for a in [lic["name"], *lic.get("aliases", [])]}, key=len, reverse=True)
        self.license_re = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in lic_aliases) + r")(?![\w-])")
        self.license_names = {a: lic["name"] for lic in gazetteer().licenses
                              for a in [lic["name"], *lic.get("aliases", [])]}
        self.open_licences = {lic["name"]: bool(lic.get("open_weights")) for lic in gazetteer().licenses}
        self._cues: dict[str, tuple[tuple[int, int, str], ...]] = {}  # sentence text -> its cues (each sentence is asked twice or more)

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
                if stance == "open" and (NON_MODEL_AFTER_CUE.match(text[m.end():m.end() + 40])
                                         or AUDIENCE_AFTER_CUE.match(text[m.end():m.end() + 40])
                                         and not re.search(r"\bto\s+(?:the\s+)?$", text[:m.start()])):
                    continue  # "our open source stack", "open-source tools": not a model's stance
                if stance == "open" and re.search(r"\bmodels$", m.group(0), re.I) and TOPIC_BEFORE.search(
                        text[max(0, m.start() - 20):m.start()]):
                    continue  # "comments on open models", "a policy for open models": a topic, not a stance
                hits.append((m.start(), m.end(), stance))
        for start, end, stance in self.licence_cues(text):
            hits.append((start, end, stance))
        # "the inference code for X is MIT-licensed": a licence of code or data says nothing about weights
        hits = [h for h in hits if not (h[2] == "open" and _licence_of_non_weights(text, h[0], h[1]))]
        licences = set(self.licence_cues(text))
        for i, (start, end, stance) in enumerate(hits):
            # "never published model weights", "nor open-sourced": a negated open cue is closed.
            if stance == "open" and re.search(r"\b(?:not|never|no|n't|without|nor)\b(?:\s+\w+){0,2}\s*$|\bnon-$",
                                              text[max(0, start - 30):start], re.I):
                # "licensed under the Heron terms, not under Apache 2.0": a contrast with another licence says
                # nothing against the weights ("is not under the MIT license" alone stays closed)
                contrast = (start, end, stance) in licences and re.search(
                    r"\bunder\b[^.;]{1,60},\s*(?:and |but )?not\s+under\s+(?:an?\s+|the\s+)?$", text[:start], re.I)
                hits[i] = (start, end, "none" if contrast else "closed")
        hits = [h for h in hits if h[2] != "none"]
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
            return str(self.license_names.get(m.group(0), m.group(0)))
        m = LICENSE_EXTRA.search(text)
        return m.group(0) if m else None
