"""Full-text search over claim evidence and articles, combined with facets; any user input is safe.

User text never reaches the query language as syntax: it is cut into words, each word is quoted as an
FTS5 phrase (operators such as OR, NEAR, *, ^, column filters become plain words), and on PostgreSQL
the cleaned words go through plainto_tsquery. Everything travels as bind parameters.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Optional

from sqlalchemy import and_, func, literal_column, or_, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from kb.errors import InputError
from kb.linking import resolve
from kb.models import Article, ClaimSource, Entity, ScoreClaim, StanceEvent
from kb.query_records import ArticleHit, ClaimHit, SourceRef

MAX_TERMS = 16  # a 10 KB paste is cut to its first words instead of building a huge query
MAX_LIMIT = 1000
# Must stay identical to the index expressions in kb/migrations/versions/0003_kb.py.
PG_ARTICLE_DOC = "to_tsvector('english', translate(coalesce(article.title, '') || ' ' || article.text, '-', ' '))"
PG_EVIDENCE_DOC = "to_tsvector('english', translate(claimsource.evidence, '-', ' '))"
_WORD = re.compile(r"\w", re.UNICODE)


def query_terms(query: Optional[str]) -> list[str]:
    """The words of a user's query: whitespace-separated chunks with quotes and control characters dropped.

    Chunks without any letter or digit are dropped; at most MAX_TERMS chunks of 64 characters.
    """
    if not query:
        return []
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(query)[:10_000])
    terms = []
    for chunk in cleaned.replace('"', " ").split():
        if _WORD.search(chunk):
            terms.append(chunk[:64])
        if len(terms) >= MAX_TERMS:
            break
    return terms


def _printable(value: Optional[str]) -> str:
    """A facet value as the database can take it (PostgreSQL refuses NUL characters)."""
    return "".join(ch for ch in (value or "")[:1000] if ch.isprintable()).strip()


def fts5_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term a quoted phrase, all required (implicit AND)."""
    return " ".join('"' + t.replace('"', "") + '"' for t in terms)


def pg_query_text(terms: list[str]) -> str:
    """The text handed to plainto_tsquery: hyphens as spaces, like the indexed documents."""
    return " ".join(terms).replace("-", " ").replace("\x00", "")


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _text_condition(session: Session, terms: list[str], fts_table: str, id_column, pg_doc: str):
    """A WHERE condition matching rows whose text contains all TERMS (bind parameters only)."""
    if _is_sqlite(session):
        sub = text(f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH :fts").bindparams(
            fts=fts5_expression(terms))
        return id_column.in_(sub.columns(rowid=id_column.type).subquery().select())
    return literal_column(pg_doc).op("@@")(func.plainto_tsquery("english", pg_query_text(terms)))


def _check_range(since: Optional[datetime], until: Optional[datetime]) -> None:
    if since and until and since > until:
        raise InputError(f"--since {since.date()} is after --until {until.date()}")


def _entity_ids(session: Session, kind: str, name: Optional[str]) -> Optional[list[int]]:
    """Ids of the entity NAME (and those merged into it); [] when unknown, None when no filter."""
    if not name:
        return None
    entity = resolve(session, kind, name)
    if entity is None:
        return []
    merged = session.exec(select(Entity.id).where(Entity.merged_into_id == entity.id)).all()
    return [entity.id, *merged]


def search_claims(session: Session, query: str = "", *, model: Optional[str] = None,
                  org: Optional[str] = None, benchmark: Optional[str] = None,
                  stance: Optional[str] = None, outlet: Optional[str] = None,
                  since: Optional[datetime] = None, until: Optional[datetime] = None,
                  limit: int = 50, offset: int = 0) -> list[ClaimHit]:
    """Claims whose evidence matches QUERY (all words) and every facet given, newest first.

    Facets: model/org/benchmark by any of their names; stance keeps claims on models of
    organizations whose latest stance is that one (open|closed); outlet matches a source's outlet
    or original outlet; since/until bound the source's publication time.
    """
    _check_range(since, until)
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    terms = query_terms(query)
    conds = []
    for kind, name, column in (("model", model, ScoreClaim.model_id), ("benchmark", benchmark,
                                                                      ScoreClaim.benchmark_id)):
        ids = _entity_ids(session, kind, name)
        if ids is not None:
            if not ids:
                return []
            conds.append(column.in_(ids))
    org_ids = _entity_ids(session, "org", org)
    if org_ids is not None:
        if not org_ids:
            return []
        conds.append(ScoreClaim.model_id.in_(select(Entity.id).where(Entity.org_id.in_(org_ids))))
    if stance:
        conds.append(ScoreClaim.model_id.in_(_models_with_stance(stance)))
    src_conds = []
    if terms:
        src_conds.append(_text_condition(session, terms, "claimsource_fts", ClaimSource.id, PG_EVIDENCE_DOC))
    outlet = _printable(outlet)
    if outlet:
        art = aliased(Article)
        src_conds.append(or_(func.lower(ClaimSource.outlet) == outlet.lower(),
                             ClaimSource.article_id.in_(select(art.id).where(func.lower(art.outlet) ==
                                                                            outlet.lower()))))
    if since:
        src_conds.append(ClaimSource.published_at >= since)
    if until:
        src_conds.append(ClaimSource.published_at <= until)
    if src_conds:
        # newest matching source first; the claim appears once (its newest matching report)
        stmt = (select(ClaimSource.claim_id, func.max(ClaimSource.id).label("sid"))
                .join(ScoreClaim, ScoreClaim.id == ClaimSource.claim_id)
                .where(*src_conds, *conds).group_by(ClaimSource.claim_id)
                .order_by(text("sid DESC")).offset(offset).limit(limit))
        ids = [row[0] for row in session.exec(stmt).all()]
    else:
        stmt = (select(ScoreClaim.id).where(*conds)
                .order_by(ScoreClaim.first_reported_at.desc(), ScoreClaim.id.desc())
                .offset(offset).limit(limit))
        ids = list(session.exec(stmt).all())
    return claim_hits(session, ids)


def _models_with_stance(stance: str):
    """Model ids whose own or whose org's latest (non-planned) stance event is STANCE."""
    if stance not in ("open", "closed"):
        raise InputError(f"stance must be open or closed, not {stance!r}")
    latest = (select(StanceEvent.org_id, func.max(StanceEvent.occurred_at).label("at"))
              .where(StanceEvent.planned == False, StanceEvent.org_id.is_not(None))  # noqa: E712
              .group_by(StanceEvent.org_id).subquery())
    orgs = (select(StanceEvent.org_id)
            .join(latest, and_(latest.c.org_id == StanceEvent.org_id, latest.c.at == StanceEvent.occurred_at))
            .where(StanceEvent.stance == stance, StanceEvent.planned == False))  # noqa: E712
    direct = select(StanceEvent.model_id).where(StanceEvent.stance == stance, StanceEvent.model_id.is_not(None))
    return select(Entity.id).where(or_(Entity.org_id.in_(orgs), Entity.id.in_(direct)))


def claim_hits(session: Session, claim_ids: list[int], *, as_of: Optional[datetime] = None) -> list[ClaimHit]:
    """ClaimHit records for CLAIM_IDS in that order, each with its sources (original outlet first)."""
    if not claim_ids:
        return []
    model, bench, org = aliased(Entity), aliased(Entity), aliased(Entity)
    rows = session.exec(
        select(ScoreClaim, model.name, bench.name, org.name)
        .join(model, model.id == ScoreClaim.model_id).join(bench, bench.id == ScoreClaim.benchmark_id)
        .join(org, org.id == model.org_id, isouter=True).where(ScoreClaim.id.in_(claim_ids))).all()
    sources = sources_for(session, claim_ids, as_of=as_of)
    by_id = {}
    for claim, model_name, bench_name, org_name in rows:
        refs = sources.get(claim.id, [])
        first = min(refs, key=lambda r: (r[1].published_at is None, r[1].published_at, r[1].article_id),
                    default=None)
        kind = first[0] if first else None
        ref = first[1] if first else None
        by_id[claim.id] = ClaimHit(
            claim_id=claim.id, model=model_name, org=org_name, benchmark=bench_name, value=claim.value,
            unit=claim.unit, qualifier=claim.qualifier, reported_by=ref.reported_by if ref else None,
            reporter_kind=kind, hedged=ref.hedged if ref else False, corroboration=claim.corroboration,
            first_reported_at=claim.first_reported_at, evidence=ref.evidence if ref else "",
            sources=tuple(r for _, r in refs), claim_key=claim.claim_key)
    return [by_id[i] for i in claim_ids if i in by_id]


def sources_for(session: Session, claim_ids: list[int], *, as_of: Optional[datetime] = None
                ) -> dict[int, list[tuple[Optional[str], SourceRef]]]:
    """Claim id -> [(reporter_kind, SourceRef)], originals (not syndicated copies) first, then by date."""
    stmt = (select(ClaimSource, Article.title, Article.url, Article.outlet, Article.original_outlet,
                   Article.published_at)
            .join(Article, Article.id == ClaimSource.article_id).where(ClaimSource.claim_id.in_(claim_ids)))
    if as_of is not None:
        stmt = stmt.where(ClaimSource.published_at <= as_of)
    out: dict[int, list] = {}
    for cs, title, url, outlet, original, published in session.exec(stmt).all():
        copy = bool(original) and (original or "").casefold() != (outlet or "").casefold()
        ref = SourceRef(article_id=cs.article_id, title=title, url=url, outlet=outlet,
                        original_outlet=original, published_at=published or cs.published_at,
                        evidence=cs.evidence, start=cs.start, end=cs.end, reported_by=cs.reported_by,
                        hedged=cs.hedged)
        out.setdefault(cs.claim_id, []).append((copy, cs.reporter_kind, ref))
    for claim_id, refs in out.items():
        refs.sort(key=lambda r: (r[0], r[2].published_at is None, r[2].published_at, r[2].article_id))
        out[claim_id] = [(kind, ref) for _, kind, ref in refs]
    return out


def search_articles(session: Session, query: str, *, since: Optional[datetime] = None,
                    until: Optional[datetime] = None, outlet: Optional[str] = None,
                    limit: int = 50) -> list[ArticleHit]:
    """Articles whose title or text contains every word of QUERY, newest first."""
    _check_range(since, until)
    limit = max(0, min(int(limit), MAX_LIMIT))
    terms = query_terms(query)
    conds = []
    if terms:
        conds.append(_text_condition(session, terms, "article_fts", Article.id, PG_ARTICLE_DOC))
    outlet = _printable(outlet)
    if outlet:
        conds.append(or_(func.lower(Article.outlet) == outlet.lower(),
                         func.lower(Article.original_outlet) == outlet.lower()))
    if since:
        conds.append(Article.published_at >= since)
    if until:
        conds.append(Article.published_at <= until)
    stmt = (select(Article.id, Article.title, Article.url, Article.outlet, Article.original_outlet,
                   Article.published_at, func.substr(Article.text, 1, 300))
            .where(*conds).order_by(Article.id.desc()).limit(limit))
    return [ArticleHit(article_id=r[0], title=r[1], url=r[2], outlet=r[3], original_outlet=r[4],
                       published_at=r[5], snippet=" ".join((r[6] or "").split()))
            for r in session.exec(stmt).all()]
