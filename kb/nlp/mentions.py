"""Mentions of models, benchmarks, organisations and families in a parsed doc, linked to canonical names.

Links partial names to full ones ("Opal 4.6" -> "Vela Opal 4.6", "2.5 Pro" in a Orrery post ->
"Orrery 2.5 Pro"), discovers unseen model names from context ("Acme launched Tinsel Spark", "Ornith-1.0
scores 61"), expands abbreviations the text defines ("Frontier Puzzle Exam (FPE)") and picks the focal model.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from spacy.tokens import Doc, Span

from kb.nlp.discover import discover
from kb.nlp.doc_spans import DocMentions, Ents, Mention, doc_text
from kb.nlp.makers import (
    MAKER_VERSION, maker_family, maker_from_context, org_for_model, variant_family, version_variant,
)
from kb.nlp.name_extent import (
    FAMILY_NOUNS, footnote_mark, glued_end, glued_fragment, glued_start, name_extension, numbered_label,
)
from kb.nlp.names import (
    GENERIC_VARIANTS,
    clean_label,
    gazetteer,
    model_family,
    resolve_benchmark_name,
    resolve_model_name,
    resolve_org_name,
)
from kb.text.keys import name_key

__all__ = ["DocMentions", "Mention", "collect_mentions", "doc_text", "is_subject", "pick_focal", "sentence_subject"]

PRONOUN_SUBJECTS = {"it", "model", "system"}
VERSION_RANGE = re.compile(r"(?P<base>.*?[A-Za-z][\s-]?)(?P<a>\d+\.\d+)[-\u2013](?P<b>\d+\.\d+)")


def _canonical_model(text: str, seen: dict[str, str]) -> tuple[str, bool]:
    """Gazetteer name for a model surface form, else the first spelling seen in this doc."""
    resolved = resolve_model_name(text)
    known = bool(resolved and gazetteer().model_index.get(name_key(resolved)))
    name = resolved or text.strip()
    written = clean_label(text)
    if resolved and re.fullmatch(r"\S+-\S+", written) and name_key(written) != name_key(resolved) \
            and gazetteer().model_index.get(name_key(written)):
        name = written  # a checkpoint id the gazetteer lists for the model ("<family>-3-12b-it"): as written
    return seen.setdefault(name_key(name), name), known


def collect_mentions(doc: Doc, title: str = "") -> DocMentions:
    """All model/benchmark/org/family mentions of a doc, canonicalised, plus its focal model."""
    out = DocMentions()
    seen: dict[str, str] = {}  # name_key -> the one spelling of a model in this document
    taken: set[int] = set()  # tokens already inside a mention
    abbrev = _ner_mentions(doc, out, seen, taken)
    _abbreviation_mentions(doc, out, abbrev, taken)
    _discovered_mentions(doc, out, seen, taken)
    _maker_version_mentions(doc, out, seen, taken)
    fam_counts = _family_counts(out)
    _family_mentions(doc, out, taken)
    if fam_counts:
        _dominant_family_mentions(doc, out, seen, taken, fam_counts.most_common(1)[0][0])
    out.models.sort(key=lambda m: m.start)
    _one_word_short_names(out)
    _short_variant_names(doc, out, taken)
    _bare_versions(doc, out, taken)
    _lettered_versions(out)
    out.families.sort(key=lambda m: m.start)
    _attach_makers(doc, out)
    _unglue_makers(doc, out)
    out.focal = pick_focal(out.models, title, doc)
    return out


def _ner_mentions(doc: Doc, out: DocMentions, seen: dict[str, str], taken: set[int]) -> dict[str, str]:
    """Mentions of the entities the pipeline labelled MODEL, BENCHMARK and ORG; returns the abbreviations
    the text defines for benchmarks ("Long Name (ABBR)": ABBR -> long name)."""
    abbrev: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ == "MODEL":
            _ner_model(doc, ent, out, seen, taken)
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
    return abbrev


def _ner_model(doc: Doc, ent: Span, out: DocMentions, seen: dict[str, str], taken: set[int]) -> None:
    """The model mention(s) of one MODEL entity, unless it is a product, a numbered label or a series."""
    rng = VERSION_RANGE.fullmatch(ent.text)
    if rng and rng.group("a").split(".")[0] == rng.group("b").split(".")[0] \
            and float(rng.group("a")) < float(rng.group("b")):
        # "Vela Opal 4.5-4.8" names the two ends of a range of models
        for version in (rng.group("a"), rng.group("b")):
            name, known = _canonical_model(rng.group("base") + version, seen)
            out.models.append(Mention("MODEL", name, ent.start, ent.end, ent.start_char, ent.end_char, known))
    elif not re.search(r"\d", ent.text) and not resolve_model_name(ent.text):
        pass  # "Try it in Orrery Canvas": a family word and another family's variant is a product
    elif numbered_label(doc, ent):
        pass  # "Step 3 of the setup", a rocket the data lists: a numbered thing or a product
    elif not re.search(r"\d", ent.text) and ent.end < len(doc) and doc[ent.end].lower_ in FAMILY_NOUNS:
        pass  # "Acme's Vela Quartz series": a line of models, not one model
    elif glued_fragment(doc, ent.start):
        pass  # "<name>-Distill-Qwen-7B": the tail of a longer name, not a model of its own
    elif _in_url(doc, ent.start_char):
        pass  # "https://host/reports/<name>/...": a link's address, not the text's words
    elif not any(i in taken for i in range(ent.start, ent.end)):  # not already inside a glued name
        end = glued_end(doc, name_extension(doc, ent))
        start = glued_start(doc, ent.start)
        footnote = end == ent.end and footnote_mark(doc, ent)
        surface = doc[start:end - 1 if footnote else end].text
        name, known = _canonical_model(surface, seen)
        out.models.append(Mention("MODEL", name, start, end, doc[start].idx, doc[end - 1].idx
                                  + len(doc[end - 1].text), known))
        taken.update(range(start, end))


URL = re.compile(r"\bhttps?://[^\s)\]>\"']+")


def _in_url(doc: Doc, start: int) -> bool:
    """Whether character START lies inside a web address of the text."""
    spans = doc.user_data.get("aikb_urls")
    if spans is None:
        spans = doc.user_data["aikb_urls"] = [m.span() for m in URL.finditer(doc_text(doc))]
    return any(a <= start < b for a, b in spans)


def _abbreviation_mentions(doc: Doc, out: DocMentions, abbrev: dict[str, str], taken: set[int]) -> None:
    """A benchmark abbreviation the text defines means the long name, there and in its later bare uses."""
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


def _discovered_mentions(doc: Doc, out: DocMentions, seen: dict[str, str], taken: set[int]) -> None:
    """Unseen names from context (kb/nlp/discover.py), then every occurrence of them; longer names first
    (ties in alphabetical order, so that the spelling kept does not depend on the process)."""
    for name in sorted(discover(doc, taken), key=lambda n: (-len(n), n)):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", doc_text(doc)):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is None or any(t.i in taken for t in span):
                continue
            canon, _ = _canonical_model(name, seen)
            out.models.append(Mention("MODEL", canon, span.start, span.end, m.start(), m.end()))
            taken.update(range(span.start, span.end))


def _maker_version_mentions(doc: Doc, out: DocMentions, seen: dict[str, str], taken: set[int]) -> None:
    """"Heronlabs's new V4 Flash", "Heronlabs's 1.6T v4 Pro": a maker's possessive before a bare version."""
    for m in MAKER_VERSION.finditer(doc_text(doc)):
        org = resolve_org_name(m.group("org"))
        fam = maker_family(org, m.group("ver")) if org else None
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


def _family_counts(out: DocMentions) -> Counter[str]:
    """How many of the document's model mentions belong to each (parent) family."""
    fam_counts: Counter[str] = Counter()
    for m in out.models:
        fam = model_family(m.name)
        if fam:
            fam_counts[fam.get("parent") or fam["family"]] += 1
    return fam_counts


def _family_mentions(doc: Doc, out: DocMentions, taken: set[int]) -> None:
    """Bare family words ("Heron", "Orrery") for family-level stances and for partial-name linking."""
    text = doc_text(doc)
    for fam in gazetteer().families:
        if fam.get("bare") is False or fam["family"] not in text:
            continue  # the substring test first: most families are not named, and the search below is slow
        # "the Vela app", "the Orrery API" name a product surface, not the model family.
        for m in re.finditer(rf"(?<![\w-]){re.escape(fam['family'])}(?![\w-]|\s\d|\s(?:app|API|website|"
                             rf"chatbot|assistant|CLI|Code|Enterprise|subscribers?|users?|(?:[Cc]ommunity |[Oo]pen )?[Ll]icen[cs]e)\b)",
                             text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is not None and not any(t.i in taken for t in span):
                out.families.append(Mention("FAMILY", fam["family"], span.start, span.end, m.start(), m.end()))


def _dominant_family_mentions(doc: Doc, out: DocMentions, seen: dict[str, str], taken: set[int], dominant: str) -> None:
    """"2.5 Pro" in a Orrery post is Orrery 2.5 Pro; "K3" in a Zephyr post is Zephyr K3."""
    letters = {re.sub(r"^\W+", "", m.name[len(dominant):])[:1] for m in out.models if m.name.startswith(dominant)}
    letters = {c for c in letters if c.isalpha() and c.isupper()}
    dom_variants = {v for f in gazetteer().families if f["family"] == dominant for v in f.get("variants") or []}
    text = doc_text(doc)
    for m in re.finditer(r"(?<![\w.-])([A-Z])(\d+(?:\.\d+)?)(?: ([A-Z][a-z]+))?(?![\w-])", text):
        end = m.end() if m.group(3) in dom_variants else m.end(2)  # "V4 Pro" in a Heronlabs post
        span = doc.char_span(m.start(), end, alignment_mode="contract")
        if m.group(1) not in letters or span is None or any(t.i in taken for t in span):
            continue
        canon, known = _canonical_model(f"{dominant} {text[m.start():end]}", seen)
        out.models.append(Mention("MODEL", canon, span.start, span.end, m.start(), m.end(), known))
        taken.update(range(span.start, span.end))
    for m in version_variant().finditer(text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
        if span is None or any(t.i in taken for t in span):
            continue
        prev = re.search(r"([A-Z][\w.-]*)\s$", text[max(0, m.start() - 30):m.start()])
        family = variant_family(m.group(2), dominant, resolve_org_name(prev.group(1)) if prev else None)
        if family is None or (prev and not resolve_org_name(prev.group(1))):
            continue  # "Nimbus 2 Pro": the number belongs to a name we do not know
        canon, known = _canonical_model(f"{family} {m.group(0)}", seen)
        out.models.append(Mention("MODEL", canon, span.start, span.end, m.start(), m.end(), known))
        taken.update(range(span.start, span.end))


def _one_word_short_names(out: DocMentions) -> None:
    """"Glimmer is a vision model" after "Tinsel Glimmer": an unknown one-word name that ends one other
    model's name in the document is a short name of it."""
    full_names = {m.name for m in out.models}
    for m in out.models:
        if m.known or " " in m.name or re.search(r"\d", m.name):
            continue
        longer = {n for n in full_names if n.endswith(" " + m.name)}
        if len(longer) == 1:
            m.name = longer.pop()


def _lettered_versions(out: DocMentions) -> None:
    """"Zephyr 2.5" beside "Zephyr K3" and "Zephyr K2.6": the family writes its versions with a letter."""
    lettered: dict[str, set[str]] = {}
    for m in out.models:
        lm = re.fullmatch(r"(?P<fam>.+?) (?P<letter>[A-Z])\d+(?:\.\d+)?", m.name)
        if lm:
            lettered.setdefault(lm.group("fam"), set()).add(lm.group("letter"))
    for m in out.models:
        bare = re.fullmatch(r"(?P<fam>.+?) (?P<ver>\d+(?:\.\d+)?)", m.name)
        if bare and not m.known and len(lettered.get(bare.group("fam"), ())) == 1:
            m.name = f"{bare.group('fam')} {next(iter(lettered[bare.group('fam')]))}{bare.group('ver')}"


def _attach_makers(doc: Doc, out: DocMentions) -> None:
    """The maker of every model: the gazetteer's, else the text's ("Cirrus AI is releasing Nimbus 2 Pro"),
    else the one maker of its family's other models ("Raven 2 Swift" beside "Raven 2 Ultra")."""
    for m in out.models:
        out.model_orgs.setdefault(m.name, org_for_model(m.name))
    ents = Ents(doc)
    for m in out.models:  # unseen models: "Cirrus AI is releasing Nimbus 2 Pro", "Tessellate's Mosaic-13B"
        if out.model_orgs.get(m.name) is None:
            out.model_orgs[m.name] = maker_from_context(doc, m, ents)
    for name, org in list(out.model_orgs.items()):
        if org is None:  # "Raven 2 Swift" beside "Raven 2 Ultra": one family, one maker
            stem = re.split(r"[\s-]", name)[0]
            kin = {o for n, o in out.model_orgs.items() if o and n != name and re.split(r"[\s-]", n)[0] == stem}
            if len(kin) == 1:
                out.model_orgs[name] = kin.pop()


def _unglue_makers(doc: Doc, out: DocMentions) -> None:
    """"Acme Vela-2" where the document names Vela-2 alone and Acme as its maker ("Acme's Vela-2",
    "Acme launched Vela-2"): the leading word is the maker, the model is Vela-2."""
    names = {name_key(m.name): m.name for m in out.models}
    text = doc_text(doc)
    for i, m in enumerate(out.models):
        first, _, rest = m.name.partition(" ")
        alone = names.get(name_key(rest))
        if alone is None or alone == m.name or m.end - m.start < 2 or name_key(first) in gazetteer().family_index:
            continue
        maker = out.model_orgs.get(alone) or ""
        if name_key(maker.split()[0] if maker else "") == name_key(first) or re.search(
                rf"(?<![\w-]){re.escape(first)}['\u2019]s {re.escape(rest)}(?![\w-])", text):
            out.models[i] = Mention("MODEL", alone, m.start + 1, m.end, m.start_char + len(first) + 1, m.end_char, m.known)


ENDS_IN_VERSION = re.compile(r".+?[- ](?P<ver>[A-Z]\d+(?:\.\d+)?)")


def _bare_versions(doc: Doc, out: DocMentions, taken: set[int]) -> None:
    """"<Family>-V3.2" ... "the regular V3.2 (not the -Pro variant)": a bare lettered version that ends exactly
    one model name of the document is a mention of that model (a version glued to more, "V3.2-Pro", is not)."""
    owners: dict[str, set[str]] = {}
    for m in out.models:
        hit = ENDS_IN_VERSION.fullmatch(m.name)
        if hit:
            owners.setdefault(hit.group("ver"), set()).add(m.name)
    added = False
    for tok in doc:
        names = owners.get(tok.text)
        if not names or len(names) != 1 or tok.i in taken or _in_url(doc, tok.idx) or (
                tok.i + 1 < len(doc) and not tok.whitespace_ and doc[tok.i + 1].text in ("-", "/", ".")) or (
                tok.i > 0 and not doc[tok.i - 1].whitespace_ and doc[tok.i - 1].text in ("-", "/")):
            continue
        out.models.append(Mention("MODEL", next(iter(names)), tok.i, tok.i + 1, tok.idx, tok.idx + len(tok.text)))
        taken.add(tok.i)
        added = True
    if added:
        out.models.sort(key=lambda m: m.start)


def _short_variant_names(doc: Doc, out: DocMentions, taken: set[int]) -> None:
    """A versioned model whose name ends in a distinctive variant word is later called by that word alone
    ("<Family> 7.2 Borealis" ... "Borealis leads on ..."): the bare word is a mention of the full name, when
    exactly one model of the document ends with it and the word is no generic variant ("Pro", "Mini")."""
    generic = {v.lower() for v in GENERIC_VARIANTS}
    enders: dict[str, set[str]] = {}
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



def pick_focal(models: list[Mention], title: str, doc: Doc) -> Optional[str]:
    """The article's main model: the most mentioned, boosted when named in the title or opening."""
    if not models:
        return None
    score: Counter[str] = Counter()
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


def is_subject(m: Mention, doc: Doc, verbs: frozenset[str] = frozenset()) -> bool:
    """Whether a model mention is the subject of a clause: parsed as its subject, or misparsed right
    before one of VERBS (third-person verbs of a score, data): "Vela-3 scores 71%" where the tagger reads
    "Vela-3" as a number modifying "scores", or "scores" as a plural noun; not when the word after the
    name has a subject of its own or is plainly a noun ("Vela-3's scores", "the Vela-3 scores table")."""
    for tok in doc[m.start:m.end]:
        if tok.dep_ in ("nsubj", "nsubjpass") and (not (m.start <= tok.head.i < m.end) or tok.i == m.end - 1):
            return True
    if m.end >= len(doc) or doc[m.end].lower_ not in verbs or (m.start > 0 and doc[m.start - 1].lower_ in (
            "the", "a", "an", "its", "their", "our", "his", "her", "whose")):
        return False
    verb = doc[m.end]
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) or verb.i + 1 >= len(doc):
        return False
    after = doc[verb.i + 1]
    return after.like_num or after.pos_ in ("DET", "ADV", "PROPN") or after.lower_ in ("a", "an", "the")


def sentence_subject(sent: Span, models: list[Mention],
                     verbs: frozenset[str] = frozenset()) -> tuple[Optional[Mention], bool]:
    """The model that is the grammatical subject of a sentence, and whether a pronoun stands for it.

    Returns (mention or None, pronoun_subject).
    """
    for m in models:
        if m.start < sent.start or m.end > sent.end:
            continue
        if is_subject(m, sent.doc, verbs):
            return m, False
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ in PRONOUN_SUBJECTS:
            if tok.lower_ == "it" or any(c.lower_ in ("the", "this", "our", "new") for c in tok.children):
                return None, True
    first = [m for m in models if sent.start <= m.start < sent.start + 2]
    return (first[0], False) if first else (None, False)
