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
from functools import lru_cache
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc

from kb.nlp.mentions import DocMentions, collect_mentions, doc_text
from kb.nlp.names import org_kind, resolve_benchmark_name, resolve_model_name, resolve_org_name
from kb.nlp.people import extract_people
from kb.nlp.records import Extraction, ModelMention, OrgMention, ScoreClaim
from kb.nlp.scores import DOC_HEDGES, HEDGES, ScoreRules, SentenceScorer
from kb.nlp.stances import StanceRules, extract_stances

EXTRACTOR_VERSION = "2026.11.29-6"
MAX_CHARS = 100_000  # spaCy's cost grows with length; longer texts are cut (recorded in extra)
LOG = logging.getLogger(__name__)
ORG_SUFFIX = re.compile(r"\b(?:AI|Labs?|Inc\.?|Corp\.?|Research|University|Institute|Technologies|Foundation|"
                        r"Group|Ltd|LLC|Company|Robotics|Systems|Capital|Ventures)$")
NOT_ORGS = {"API", "AI", "X", "LLM", "GPU", "CEO", "CTO", "AGI", "UI", "SVG", "HTML", "CSS"}


@lru_cache(maxsize=1)
def _rules() -> tuple[ScoreRules, StanceRules]:
    return ScoreRules(), StanceRules()


def _reporter(sent_text: str, model: str, mentions: DocMentions, outlet: Optional[str],
              doc_hedged: bool) -> tuple[Optional[str], Optional[str], bool]:
    """(reported_by, reporter_kind, hedged) for a claim in this sentence."""
    maker = mentions.model_orgs.get(model)
    hedged = bool(HEDGES.search(sent_text))
    for o in mentions.orgs:
        if o.name in sent_text or any(a in sent_text for a in (o.name,)):
            pass
    evaluators = [o.name for o in mentions.orgs if org_kind(o.name) == "evaluator"
                  and re.search(rf"\b{re.escape(o.name)}\b", sent_text)]
    if evaluators:
        return evaluators[0], "evaluator", hedged
    outlet_org = resolve_org_name(outlet) if outlet else None
    if maker and (outlet_org == maker or (outlet and maker.lower() in outlet.lower())):
        return maker, "vendor", hedged or doc_hedged
    if maker and re.search(rf"\b{re.escape(maker)}\b (?:says|said|claims|reports|reported)", sent_text):
        return maker, "vendor", True
    if outlet:
        return outlet, "outlet", hedged or doc_hedged
    return maker, "vendor" if maker else None, hedged or doc_hedged


def _table_claims(doc_in, mentions: DocMentions) -> list[ScoreClaim]:
    """Scores from the document's HTML tables (kb/nlp/tables.py, written by the table stream)."""
    if not getattr(doc_in, "tables", None):
        return []
    try:
        from kb.nlp.tables import extract_table_scores
    except ImportError:
        return []
    out = []
    context = (doc_in.title or "") + "\n" + (doc_in.text or "")[:2000]
    for html in doc_in.tables:
        try:
            out.extend(extract_table_scores(html, resolve_model_name, resolve_benchmark_name, context))
        except Exception as exc:  # a malformed table must not lose the rest of the document
            LOG.warning("table reader failed: %s", exc)
    return out


def _title_candidates(title_doc: Optional[Doc], title: str, score_rules: ScoreRules) -> tuple[list, Optional[SentenceScorer]]:
    """Claims a headline states ("Qwen 3.8 27B scores 52 on the AA Index"); cleaners often drop the
    body's copy of the headline, so the title is read too. Returns (candidates, the title's scorer)."""
    if title_doc is None or not title.strip():
        return [], None
    scorer = SentenceScorer(score_rules, collect_mentions(title_doc, title))
    return [c for sent in title_doc.sents for c in scorer.sentence(sent)], scorer


def _assemble(spacy_doc: Doc, doc_in, truncated: bool, title_doc: Optional[Doc] = None) -> Extraction:
    title = getattr(doc_in, "title", "") or ""
    outlet = getattr(doc_in, "original_outlet", None) or getattr(doc_in, "outlet", None)
    mentions = collect_mentions(spacy_doc, title)
    score_rules, stance_rules = _rules()
    sents = list(spacy_doc.sents)
    doc_hedged = bool(DOC_HEDGES.search(doc_text(spacy_doc)))
    scorer = SentenceScorer(score_rules, mentions)
    title_cands, title_scorer = _title_candidates(title_doc, title, score_rules)
    if title_scorer is not None and title_scorer.prev_claim is not None:
        # "That's the same score as X" in the first body sentence points back to the headline.
        scorer.prev_claim, scorer.prev_bench = title_scorer.prev_claim, title_scorer.prev_bench
    scores, seen = [], set()
    for sent in sents:
        for c in scorer.sentence(sent):
            key = (c.model, c.benchmark, c.value, c.qualifier)
            if key in seen:
                continue
            seen.add(key)
            by, kind, hedged = _reporter(c.sent.text, c.model, mentions, outlet, doc_hedged)
            scores.append(ScoreClaim(model=c.model, benchmark=c.benchmark, value=c.value, unit=c.unit,
                                     qualifier=c.qualifier, reported_by=by, reporter_kind=kind, hedged=hedged,
                                     evidence=c.sent.text, start=c.sent.start_char, end=c.sent.end_char))
    stated = {(s.model, s.benchmark, s.value) for s in scores}
    for c in title_cands:
        if (c.model, c.benchmark, c.value) in stated:
            continue
        stated.add((c.model, c.benchmark, c.value))
        by, kind, hedged = _reporter(title, c.model, mentions, outlet, doc_hedged)
        scores.append(ScoreClaim(model=c.model, benchmark=c.benchmark, value=c.value, unit=c.unit,
                                 qualifier=c.qualifier, reported_by=by, reporter_kind=kind, hedged=hedged,
                                 evidence=title, start=0, end=0, in_title=True))
    for c in _table_claims(doc_in, mentions):
        key = (c.model, c.benchmark, c.value, c.qualifier)
        if key not in seen:
            seen.add(key)
            scores.append(c)
    stances = extract_stances(sents, mentions, stance_rules)
    people = extract_people(spacy_doc, mentions)
    counts = Counter(m.name for m in mentions.models)
    known = {m.name for m in mentions.models if m.known}
    models = tuple(ModelMention(name=n, org=mentions.model_orgs.get(n), family=None, known=n in known,
                                focal=n == mentions.focal, mentions=k) for n, k in counts.items())
    person_tokens = {w for p in people for w in p.name.split()}
    org_counts: Counter = Counter()
    for o in mentions.orgs:
        name = o.name.strip(" .,")
        if o.known or (len(name) > 2 and name not in NOT_ORGS and name not in person_tokens
                       and not resolve_model_name(name) and not re.search(r"\d", name)):
            org_counts[resolve_org_name(name) or name] += 1
    # NER-only organisations named once are mostly products and headings ("Vertex AI", "Gemini CLI");
    # keep them when repeated or when the name itself says organisation.
    known_orgs = {resolve_org_name(o.name) or o.name for o in mentions.orgs if o.known}
    for name in list(org_counts):
        if name not in known_orgs and org_counts[name] < 2 and not ORG_SUFFIX.search(name):
            del org_counts[name]
    text = doc_text(spacy_doc)
    for maker in {mentions.model_orgs.get(n) for n in counts} - set(org_counts) - {None}:
        if re.search(rf"(?<![\w-]){re.escape(maker)}(?![\w-])", text):  # named in the text, e.g. NER missed it
            org_counts[maker] += 1
    orgs = tuple(OrgMention(name=n, kind=org_kind(n), mentions=k) for n, k in org_counts.items())
    extra = {"extractor_version": EXTRACTOR_VERSION, "focal_model": mentions.focal}
    if truncated:
        extra["truncated_at"] = MAX_CHARS
    return Extraction(title=title, models=models, orgs=orgs, people=tuple(people), scores=tuple(scores),
                      stances=tuple(stances), extra=extra)


def _text_of(doc_in) -> tuple[str, bool]:
    text = getattr(doc_in, "text", "") or ""
    return (text[:MAX_CHARS], True) if len(text) > MAX_CHARS else (text, False)


def extract(nlp: Language, doc) -> Extraction:
    """Extract models, orgs, people, score claims and stances from one CleanDocument.

    Args:
        nlp: the pipeline from `kb.nlp.pipeline.load_nlp()`.
        doc: an `ingest.records.CleanDocument` (title, text, outlet, original_outlet, tables).
    """
    text, truncated = _text_of(doc)
    title = (getattr(doc, "title", "") or "")[:500]
    return _assemble(nlp(text), doc, truncated, nlp(title) if title.strip() else None)


def extract_many(nlp: Language, docs: Iterable, batch_size: int = 32) -> Iterator[Extraction]:
    """Extract from many CleanDocuments with `nlp.pipe` in batches; yields one Extraction per doc, in order."""
    docs = list(docs) if not isinstance(docs, list) else docs
    texts = (_text_of(d) for d in docs)
    pairs = ((t, (d, trunc)) for d, (t, trunc) in zip(docs, texts))
    for spacy_doc, (doc_in, truncated) in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        title = (getattr(doc_in, "title", "") or "")[:500]
        yield _assemble(spacy_doc, doc_in, truncated, nlp(title) if title.strip() else None)
