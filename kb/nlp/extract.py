"""The extractor: a CleanDocument in, an Extraction record out (models, orgs, people, scores, stances).

    nlp = load_nlp()
    ex = extract(nlp, read_document("post.html"))
    for ex in extract_many(nlp, docs): ...

Pure: no database. Every item carries its evidence sentence and character offsets into doc.text.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from typing import Any, Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from kb.nlp.mentions import DocMentions, collect_mentions, doc_text
from kb.nlp.discover import repo_id_name
from kb.nlp.name_extent import listed_with_models
from kb.nlp.orglists import (
    OrgLister, bare_name, code_spans, defines_abbreviation, in_heading, in_spans, mention_ends, only_a_place,
    only_pages, people_orgs, table_orgs, thing_names, written_spellings,
)
from kb.nlp.normalise import Normalised, normalise, normalise_html, remap_extraction
from kb.nlp.names import (
    gazetteer,
    org_kind,
    org_of_model,
    resolve_benchmark_name,
    resolve_license_name,
    resolve_model_name,
    resolve_org_name,
)
from kb.text.keys import name_key
from kb.nlp.people import extract_people, people_records, title_people
from kb.nlp.records import Extraction, ModelMention, OrgMention, PersonRole, ScoreClaim, StanceEvent
from kb.nlp.bench_context import benchmarks_by_context
from kb.nlp.report_scope import ReportScope, possessive_maker
from kb.nlp.score_rules import ReportRules, ScoreRules
from kb.nlp.score_lists import fuller_benchmark_names
from kb.nlp.scores import Candidate, SentenceScorer
from kb.nlp.stance_items import drop_redundant
from kb.nlp.stance_tables import table_stances
from kb.nlp.stance_rules import StanceRules
from kb.nlp.stances import extract_stances
from kb.text.lexicon import ORG_END, alternation
from kb.nlp.table_place import (
    MAX_CONTEXT, PlacedTable, by_size, caption_reporter, flat_tables, index_lines, merge_claims, place_table,
    row_location, table_model_names, text_tables,
)

EXTRACTOR_VERSION = "2026.12.03-10m"
MAX_TABLES = 40  # a page with more tables is a data dump, not a launch post
MAX_CHARS = 100_000  # spaCy's cost grows with length; longer texts are cut (recorded in extra)
LOG = logging.getLogger(__name__)
ORG_SUFFIX = re.compile(rf"\b(?:{ORG_END})\.?$")  # a company word ends the name (data/patterns/lexicon.jsonl)
# "Department of Fisheries", "Institute for Coastal Studies": an institution's head word, then what it is of or for
INSTITUTION = re.compile(rf"\b(?:{alternation('institution_word')}) (?:of|for|on) (?:the )?[A-Z]")
NOT_ORGS = {"API", "AI", "X", "LLM", "GPU", "CEO", "CTO", "AGI", "UI", "SVG", "HTML", "CSS",
            # defined terms of licence and contract texts
            "Software", "Licensee", "Licensor", "Licence", "License", "Agreement", "Company", "Services"}


PRODUCT_WORDS = re.compile(r"(?i)\b(?:API|app|apps|Studio|CLI|SDK|Enterprise|Canvas|Storage|Console|Cloud Run|"
                           r"Assistant|Chatbot|Playground|Workbench|Toolkit|Marketplace)$")


def _product_like(name: str, after: str) -> bool:
    """An NER organisation that is a product, feature, family or acronym rather than a company."""
    if name.lower().startswith("the ") or PRODUCT_WORDS.search(name):
        return True  # "the Gemini API", "AI Studio"
    if name_key(name) in gazetteer().family_index:
        return True  # "Gemini", "Nemotron": a model family, not its maker
    if re.fullmatch(r"[A-Z]{2,4}", name):
        return True  # "OCR", "CES", "NIM": unknown short acronyms are seldom organisations in AI news
    # "Alexa app", "Graviton chips": a name used as a product in its own sentence
    return bool(re.match(r"\s*(?:app|apps|chips?|GPUs?|devices?|platform|service|feature|model|models)\b", after, re.I))


FAMILY_AS_MODEL = re.compile(r"\s*(?:['\u2019]s\s+)?(?:(?:open[- ]weights?|open|foundation|frontier|language|base)\s+)*"
                             r"(?:models?|family|licen[cs]es?|weights|checkpoints|ecosystem)\b", re.I)


def _bare_families(spacy_doc: Doc, mentions: DocMentions, counts: Counter[str]) -> list[ModelMention]:
    """A model family named as a whole ("the Llama ecosystem", "new frontier Nova models", "NVIDIA Nemotron")
    in a document that names no member of it: the family is the model the story talks about. When members
    are named ("Nova 2 Lite"), the bare word is shorthand for them and adds nothing."""
    text = doc_text(spacy_doc)
    g = gazetteer()
    out, done = [], set()
    for f in mentions.families:
        if f.name in done or f.name in counts:
            continue
        fam = g.family_index.get(name_key(f.name)) or {}
        listed = not resolve_org_name(f.name) and listed_with_models(text, f.start_char, f.end_char)
        if not listed and any(n == f.name or n.startswith(f.name + " ") or n.startswith(f.name + "-") for n in counts):
            continue  # a member is named
        maker = fam.get("org")
        before = text[max(0, f.start_char - 30):f.start_char]
        if listed or FAMILY_AS_MODEL.match(text, f.end_char) or (
                maker and re.search(rf"(?<![\w-]){re.escape(maker)}\s+$", before, re.I)):
            done.add(f.name)
            n = sum(1 for x in mentions.families if x.name == f.name)
            out.append(ModelMention(name=f.name, org=maker, family=f.name, known=False, mentions=n))
    return out


@lru_cache(maxsize=1)
def _rules() -> tuple[ScoreRules, StanceRules]:
    return ScoreRules(), StanceRules()


def _reporter(sent_text: str, c: Candidate, mentions: DocMentions, outlet: Optional[str],
              evaluators: tuple[str, ...], text: str) -> tuple[Optional[str], Optional[str], bool]:
    """(reported_by, reporter_kind, hedged) for claim C in this sentence (kb/nlp/report_scope.py): its own
    clause's reporter when the sentence names two; hedged only when the sentence (or clause) hedges."""
    orgs = tuple(dict.fromkeys(o.name for o in mentions.orgs if o.name in sent_text))
    maker = mentions.model_orgs.get(c.model) or possessive_maker(text, c.model, [o.name for o in mentions.orgs])
    return _report_scope().reporter(sent_text, c.value, maker, mentions.focal_org(), outlet, orgs, evaluators)


@lru_cache(maxsize=1)
def _report_scope() -> ReportScope:
    return ReportScope(ReportRules())


def _placed_tables(doc_in: object, text: str) -> list[PlacedTable]:
    """The document's tables (HTML ones, and 'cell | cell' runs in a text copy), placed in its text."""
    lines = index_lines(text)
    placed = [place_table(html, text, lines) for html in (getattr(doc_in, "tables", None) or ())[:MAX_TABLES]]
    taken = [p.span for p in placed if p.span]
    for start, end, html in text_tables(text) + flat_tables(text):
        if any(s < end and start < e for s, e in taken):
            continue  # the HTML copy of this table is already read
        p = place_table(html, text, lines)
        p.span = (start, end)
        before = text[max(0, start - 400):start].strip().rsplit("\n", 1)
        prev = before[-1].strip() if before else ""
        if prev and len(prev) <= MAX_CONTEXT and not p.context:
            p.context = prev  # the line above a text table is its heading
        placed.append(p)
    return placed


def _table_reporter(p: PlacedTable, mentions: DocMentions, outlet: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """Who reports a table's numbers: the caption's source, else the focal model's maker, else the outlet."""
    # the caption alone first: the context also holds the heading or line before the table, run on after it
    named = caption_reporter(p.caption) or caption_reporter(p.context)
    if named and not resolve_model_name(named):
        org = resolve_org_name(named) or named
        kind = org_kind(org)
        if kind == "evaluator":
            return org, "evaluator"
        if org == mentions.focal_org() or org in set(mentions.model_orgs.values()):
            return org, "vendor"  # a lab's own numbers
        return org, "outlet" if kind == "outlet" else "evaluator"
    maker = mentions.focal_org()
    if maker:
        return maker, "vendor"
    return (outlet, "outlet") if outlet else (None, None)


def _table_claims(placed: list[PlacedTable], mentions: DocMentions, outlet: Optional[str],
                  text: str) -> list[list[ScoreClaim]]:
    """Scores from each of the document's tables (kb/nlp/tables.py), with reporter, context and offsets."""
    from kb.nlp.tables import extract_table_scores

    out: list[list[ScoreClaim]] = []
    known = {m.name for m in mentions.models}  # a row named "311M (native)" is the one model of that size
    for p in placed:
        try:
            claims = extract_table_scores(p.html, by_size(resolve_model_name, known), resolve_benchmark_name,
                                          p.context, subject=mentions.focal)
            known.update(c.model for c in claims)
        except Exception as exc:  # noqa: BLE001 - a malformed table must not lose the rest of the document
            LOG.warning("table reader failed: %s", exc)
            continue
        by, kind = _table_reporter(p, mentions, outlet)
        out.append([])
        for c in claims:
            where = row_location(p, c.evidence)
            extra: dict[str, Any] = {"reported_by": by, "reporter_kind": kind, "in_table": True}
            if where:
                extra.update(evidence=text[where[0]:where[1]], start=where[0], end=where[1])
            out[-1].append(replace(c, **extra))
    return out


def _title_candidates(title_doc: Optional[Doc], title: str,
                      score_rules: ScoreRules) -> tuple[list[Candidate], Optional[SentenceScorer]]:
    """Claims a headline states ("Qwen 3.8 27B scores 52 on the AA Index"); cleaners often drop the
    body's copy of the headline, so the title is read too. Returns (candidates, the title's scorer)."""
    if title_doc is None or not title.strip():
        return [], None
    scorer = SentenceScorer(score_rules, collect_mentions(title_doc, title))
    return [c for sent in title_doc.sents for c in scorer.sentence(sent)], scorer


def _assemble(spacy_doc: Doc, doc_in: object, truncated: bool, title_doc: Optional[Doc] = None) -> Extraction:
    title = getattr(doc_in, "title", "") or ""
    outlet = getattr(doc_in, "original_outlet", None) or getattr(doc_in, "outlet", None)
    mentions = _doc_mentions(spacy_doc, title, outlet)
    text = doc_text(spacy_doc)
    placed = _placed_tables(doc_in, text)
    spans = [p.span for p in placed if p.span]
    # Table rows flattened into the text are read by the table reader, not by the prose rules.
    sents = [s for s in spacy_doc.sents if not any(a <= s.start_char < b for a, b in spans)]
    # A table repeating a number the prose or another table states is one claim.
    scores = merge_claims(_scores(spacy_doc, sents, title, title_doc, mentions, outlet),
                          _table_claims(placed, mentions, outlet, text), lambda w: resolve_org_name(w) is not None)
    stances = _stances(sents, mentions, placed)
    named = title_people(title_doc, spacy_doc, mentions, extract_people(spacy_doc, mentions))
    people = people_records(named)  # a name with no role or organisation is no people record (credits, authors)
    models, counts = _models(spacy_doc, mentions, scores, placed)
    orgs = _orgs(spacy_doc, mentions, {w for p in named for w in p.name.split()}, counts,
                 things={s.benchmark for s in scores} | set(counts), people=people,
                 tables=getattr(doc_in, "tables", None) or ())
    extra: dict[str, Any] = {"extractor_version": EXTRACTOR_VERSION, "focal_model": mentions.focal}
    if truncated:
        extra["truncated_at"] = MAX_CHARS
    return Extraction(title=title, models=models, orgs=orgs, people=tuple(people), scores=tuple(scores),
                      stances=tuple(stances), extra=extra)


def _doc_mentions(spacy_doc: Doc, title: str, outlet: Optional[str]) -> DocMentions:
    """The document's mentions; a lab writing about its own new model is that model's maker."""
    mentions = collect_mentions(spacy_doc, title)
    benchmarks_by_context(spacy_doc, mentions, title)  # "X, which tests ...": a benchmark, not a model
    publisher = resolve_org_name(outlet) if outlet else None
    if publisher and org_kind(publisher) in ("lab", "company") and mentions.focal \
            and mentions.focal_org() is None:
        mentions.model_orgs[mentions.focal] = publisher  # a lab writing about its own new model
    return mentions


def _scores(spacy_doc: Doc, sents: list[Span], title: str, title_doc: Optional[Doc], mentions: DocMentions,
            outlet: Optional[str]) -> list[ScoreClaim]:
    """Score claims of the prose sentences, then those the headline states that the body does not."""
    score_rules, _ = _rules()
    text = doc_text(spacy_doc)
    not_these = {x.casefold() for x in (outlet, *mentions.model_orgs.values()) if x}
    evaluators = _report_scope().document_evaluators(text, [o.name for o in mentions.orgs], not_these)
    scorer = SentenceScorer(score_rules, mentions)
    title_cands, title_scorer = _title_candidates(title_doc, title, score_rules)
    if title_scorer is not None and title_scorer.prev_claim is not None:
        # "That's the same score as X" in the first body sentence points back to the headline.
        scorer.prev_claim, scorer.prev_bench = title_scorer.prev_claim, title_scorer.prev_bench
    scores: list[ScoreClaim] = []
    seen = set()
    cands = [c for sent in sents for c in scorer.sentence(sent)]
    fuller = fuller_benchmark_names([c.benchmark for c in cands] + [b.name for b in mentions.benchmarks])
    for c in cands:
        c.benchmark = fuller.get(c.benchmark, c.benchmark)  # "Quarry" -> the "Quarry v1.1" the text names
        key = (c.model, c.benchmark, c.value, c.qualifier)
        if key in seen:
            continue
        seen.add(key)
        by, kind, hedged = _reporter(c.sent.text, c, mentions, outlet, evaluators, text)
        scores.append(ScoreClaim(model=c.model, benchmark=c.benchmark, value=c.value, unit=c.unit,
                                 qualifier=c.qualifier, reported_by=by, reporter_kind=kind, hedged=hedged,
                                 evidence=c.sent.text, start=c.sent.start_char, end=c.sent.end_char))
    stated = {(s.model, s.benchmark, s.value) for s in scores}
    for c in title_cands:
        if (c.model, c.benchmark, c.value) in stated:
            continue
        stated.add((c.model, c.benchmark, c.value))
        by, kind, hedged = _reporter(title, c, mentions, outlet, evaluators, text)
        scores.append(ScoreClaim(model=c.model, benchmark=c.benchmark, value=c.value, unit=c.unit,
                                 qualifier=c.qualifier, reported_by=by, reporter_kind=kind, hedged=hedged,
                                 evidence=title, start=0, end=0, in_title=True))
    return scores


def _stances(sents: list[Span], mentions: DocMentions, placed: list[PlacedTable]) -> list[StanceEvent]:
    """Stance events of the prose, then those a table states (a licence column or row) that the prose does not."""
    _, stance_rules = _rules()
    stances = extract_stances(sents, mentions, stance_rules)
    stated_stances = {(s.model, s.stance, s.planned) for s in stances}
    doc_models = {name_key(m.name): m.name for m in mentions.models}

    def table_model(cell: str) -> Optional[str]:
        """A model named in a table cell: one the prose names, a gazetteer/shape name, or a model-shaped label."""
        from kb.nlp.table_labels import looks_like_model

        label = cell.strip()
        return (doc_models.get(name_key(label)) or resolve_model_name(label)
                or (label if looks_like_model(label) and not resolve_license_name(label) else None))

    for ev in table_stances([(p.html, p.span) for p in placed], table_model, stance_rules, mentions.model_orgs,
                            doc_text(sents[0].doc) if sents else ""):
        if (ev.model, ev.stance, ev.planned) not in stated_stances:  # a table's licence column or row
            stated_stances.add((ev.model, ev.stance, ev.planned))
            stances.append(ev)
    return drop_redundant(stances)


def _models(spacy_doc: Doc, mentions: DocMentions, scores: list[ScoreClaim],
            placed: list[PlacedTable]) -> tuple[tuple[ModelMention, ...], Counter[str]]:
    """The document's models with their mention counts (models named only in a table count 0)."""
    counts = Counter(m.name for m in mentions.models)
    known = {m.name for m in mentions.models if m.known}
    models = [ModelMention(name=n, org=mentions.model_orgs.get(n), family=None, known=n in known,
                           focal=n == mentions.focal, mentions=k) for n, k in counts.items()]
    in_tables = [s.model for s in scores if s.in_table] + [n for p in placed for n in table_model_names(
        p.html, lambda t: resolve_model_name(t) or repo_id_name(t))]
    for name in dict.fromkeys(n for n in in_tables if n not in counts):
        # Models named only in a table (the comparison columns of a launch post, a download table) are
        # models of the story.
        org = org_of_model(name)
        models.append(ModelMention(name=name, org=org, known=bool(org), mentions=1))
        counts[name] = 0
        mentions.model_orgs.setdefault(name, org)
    models.extend(_bare_families(spacy_doc, mentions, counts))
    return tuple(models), counts


def _orgs(spacy_doc: Doc, mentions: DocMentions, person_tokens: set[str], counts: Counter[str],
          things: Iterable[str] = (), people: Iterable[PersonRole] = (),
          tables: Iterable[str] = ()) -> tuple[OrgMention, ...]:
    """The document's organisations: named ones that are not licences, products or people, those a list
    names, the organisations its people records and its tables name, and the makers of its models that the
    text names outside the models' own names. THINGS (the models and benchmarks it reports) are no organisations."""
    text = doc_text(spacy_doc)
    org_counts = _named_orgs(spacy_doc, mentions, person_tokens, text)
    org_counts.update(people_orgs(spacy_doc, people))
    org_counts.update(table_orgs(tables))
    spans = [(o.start_char, o.end_char) for o in mentions.orgs]
    # Organisations a list names ("companies such as A, B and C", "Cadence and IBM"), even once.
    for name, start, end in OrgLister(spacy_doc, mentions, _product_like).listed():
        if name not in person_tokens:
            org_counts[name] += 1
            spans.append((start, end))
    model_spans = [(m.start_char, m.end_char) for m in mentions.models]
    for maker in {made_by for n in counts if (made_by := mentions.model_orgs.get(n))} - set(org_counts):
        # named in the text (the NER missed it), not only inside a model's name ("DeepSeek V4 Pro")
        if any(not any(a <= m.start() < b for a, b in model_spans)
               for m in re.finditer(rf"(?<![\w-]){re.escape(maker)}(?![\w-])", text)):
            org_counts[maker] += 1
    thing_keys = {name_key(t) for t in things}
    for name in thing_names(text, [n for n in org_counts if not resolve_org_name(n)]) | {
            n for n in org_counts if not resolve_org_name(n) and name_key(n) in thing_keys}:
        del org_counts[name]  # "the Quillon dataset", "AutoThing(x=1)", a scored benchmark: a thing, not a company
    ends = mention_ends(text, spans)
    for name in [n for n in org_counts if (org_kind(n) == "platform" and only_a_place(text, n))
                 or only_pages(text, ends.get(n, []))]:
        del org_counts[name]  # "weights on <code host>", "<code host> repository": a website, not an org
    written = written_spellings(text, spans, set(org_counts), model_spans)
    # each organisation as the text writes it ("HuggingFace", "Mistral"), one record per spelling
    return tuple(OrgMention(name=w, kind=org_kind(n), mentions=c) for n, k in org_counts.items()
                 for w, c in (written.get(n) or {n: k}).items())


# A name used as a licence: "the MIT License", "License-MIT" (a badge), "License: MIT"
LICENCE_USE = re.compile(r"\b([A-Z][\w.-]*)[\s-]+(?i:licen[cs]es?|licensed)\b|\b(?i:licen[cs]e)[\s:-]+([A-Z][\w.]*)\b")


def _named_orgs(spacy_doc: Doc, mentions: DocMentions, person_tokens: set[str], text: str) -> Counter[str]:
    """Counts of the organisation mentions that name an organisation (not a licence, product or person);
    NER-only ones named once are kept only when repeated or when the name itself says organisation."""
    org_counts: Counter[str] = Counter()
    # Licence names the document uses as licences ("the MIT license"), unless it also names the
    # institution ("researchers at MIT").
    licence_words = {m.group(1) or m.group(2) for m in LICENCE_USE.finditer(text)
                     if not re.search(r"\b(?:at|from)\s+(?:the\s+)?" + re.escape(m.group(1) or m.group(2))
                                      + r"\b(?![\s-]+licen)", text)}
    code = code_spans(text)
    for o in mentions.orgs:
        name = o.name.strip(" .,") if o.known else bare_name(o.name)
        if not name or re.search(r"[,()]", name) or re.search(r"\s(?:and|or|of|for|the|&)$", name):
            continue  # "the Organisation for Economic Co-operation and": the NER cut the name short
        if re.match(r"(?:the|The)\s", o.name) and not o.known and not (ORG_SUFFIX.search(name)
                                                                     or INSTITUTION.search(name)):
            continue  # "the Responsible Use Guide": a named thing; "the Department of Fisheries" is an institution
        if in_spans(code, o.start_char) or defines_abbreviation(text, o.start_char, o.end_char):
            continue  # an identifier in code; "Mixture of Experts (MoE)" defines a term
        if resolve_license_name(name) and name in licence_words:
            continue  # the document names it as a licence ("the MIT license"): its bare uses are the licence too
        if resolve_license_name(name) and (
                re.match(r"[\s-]*(?:licen[cs]e|licensed)\b", text[o.end_char:o.end_char + 12], re.I)
                or re.search(r"\bunder (?:the |an? )?$", text[max(0, o.start_char - 12):o.start_char])):
            continue  # "under the MIT license", "MIT-licensed": a licence, not the university
        if o.known or (len(name) > 2 and name not in NOT_ORGS and name not in person_tokens
                       and not resolve_model_name(name) and not re.search(r"\d", name)
                       and not _product_like(name, text[o.end_char:o.end_char + 12])):
            org_counts[resolve_org_name(name) or name] += 1
    # NER-only organisations named once are mostly products and headings ("Vertex AI", "Gemini CLI");
    # keep them when repeated or when the name itself says organisation.
    known_orgs = {resolve_org_name(o.name) or o.name for o in mentions.orgs if o.known}
    headed = {resolve_org_name(o.name) or bare_name(o.name) for o in mentions.orgs
              if not o.known and in_heading(spacy_doc, o.start_char)}
    for name in list(org_counts):
        said = ORG_SUFFIX.search(name) or INSTITUTION.search(name)
        if name not in known_orgs and org_counts[name] < 2 and (not said or name in headed):
            del org_counts[name]  # "Building Better Recommender Systems": a heading, not a company
    return org_counts


def _text_of(doc_in: object) -> tuple[str, bool]:
    text = getattr(doc_in, "text", "") or ""
    return (text[:MAX_CHARS], True) if len(text) > MAX_CHARS else (text, False)


def _normalised(doc_in: object) -> tuple[Normalised, Normalised, bool, _DocView]:
    """(body, title, truncated, the document as the rules read it): every rule reads normalised text
    (kb/nlp/normalise.py); `remap_extraction` puts the offsets back into the original text."""
    text, truncated = _text_of(doc_in)
    body = normalise(text)
    title = normalise((getattr(doc_in, "title", "") or "")[:500])
    tables = tuple(normalise_html(t) for t in (getattr(doc_in, "tables", None) or ()))
    view = _DocView(doc_in, title.text, tables)
    return body, title, truncated, view


class _DocView:
    """A document with its title and tables normalised; every other attribute is the original's."""

    def __init__(self, doc_in: object, title: str, tables: tuple[str, ...]) -> None:
        self._doc, self.title, self.tables = doc_in, title, tables

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)


def _finish(ex: Extraction, body: Normalised, title: Normalised) -> Extraction:
    ex = remap_extraction(ex, body, title)
    return replace(ex, title=title.original) if ex.title != title.original else ex


def extract(nlp: Language, doc: object) -> Extraction:
    """Extract models, orgs, people, score claims and stances from one CleanDocument.

    Args:
        nlp: the pipeline from `kb.nlp.pipeline.load_nlp()`.
        doc: an `ingest.records.CleanDocument` (title, text, outlet, original_outlet, tables).
    """
    body, title, truncated, view = _normalised(doc)
    ex = _assemble(nlp(body.text), view, truncated, nlp(title.text) if title.text.strip() else None)
    return _finish(ex, body, title)


def extract_many(nlp: Language, docs: Iterable[object], batch_size: int = 32) -> Iterator[Extraction]:
    """Extract from many CleanDocuments with `nlp.pipe` in batches; yields one Extraction per doc, in order.

    Titles go through the same batched pipe, each right after its text (a separate `nlp(title)` per
    document cost a quarter of the spaCy pass on a corpus of short articles).
    """
    def stream() -> Iterator[tuple[str, tuple[_DocView, Normalised, Normalised, bool, bool, bool]]]:
        for doc_in in docs:
            body, title, truncated, view = _normalised(doc_in)
            has_title = bool(title.text.strip())
            yield body.text, (view, body, title, truncated, has_title, False)
            if has_title:
                yield title.text, (view, body, title, truncated, True, True)

    spacy_body: Optional[Doc] = None
    for spacy_doc, (view, body, title, truncated, has_title, is_title) in nlp.pipe(
            stream(), as_tuples=True, batch_size=batch_size):
        if not is_title and has_title:
            spacy_body = spacy_doc  # its title comes next
            continue
        if is_title:
            assert spacy_body is not None  # a title is always streamed right after its body
            yield _finish(_assemble(spacy_body, view, truncated, spacy_doc), body, title)
            spacy_body = None
        else:
            yield _finish(_assemble(spacy_doc, view, truncated, None), body, title)
