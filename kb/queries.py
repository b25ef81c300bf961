"""Read-only queries the UI and the CLI share. Every function takes a Session first and returns frozen
records (kb.query_records), never ORM objects, so callers hold no SQL.

Search lives in kb.search, entity pages and the timeline in kb.pages; all are re-exported here.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import and_, func
from sqlmodel import Session, select

from kb.errors import NotFound
from kb.linking import resolve
from kb.models import Article, ClaimSource, Entity, ScoreClaim
from kb.query_records import (  # noqa: F401  (re-exported: callers import records from kb.queries)
    ArticleHit, ClaimHit, Disagreement, EntityRow, LeaderRow, ModelPage, OrgPage, PersonPage, RoleRow,
    SourceRef, TimelineEvent,
)
from kb.search import claim_hits, search_articles, search_claims, sources_for  # noqa: F401
from kb.pages import list_entities, model_page, org_page, person_page, timeline  # noqa: F401,E402


def _benchmark(session: Session, name: str) -> Entity:
    entity = resolve(session, "benchmark", name)
    if entity is None:
        raise NotFound(f"no benchmark named {name!r}; see `aikb entities list --kind benchmark`")
    return entity


def leaderboard(session: Session, benchmark: str, as_of: Optional[datetime] = None, *,
                limit: int = 100) -> list[LeaderRow]:
    """The best value reported for each model and setting on BENCHMARK, by first report up to AS_OF.

    Higher is better. Ties keep the earliest report. Raises NotFound for an unknown benchmark.
    """
    bench = _benchmark(session, benchmark)
    conds = [ScoreClaim.benchmark_id == bench.id]
    if as_of is not None:
        conds.append(ScoreClaim.first_reported_at <= as_of)
    # 1. the best value per (model, setting): read from the covering index ix_scoreclaim_board
    best = (select(ScoreClaim.model_id, ScoreClaim.qualifier, func.max(ScoreClaim.value).label("best"))
            .where(*conds).group_by(ScoreClaim.model_id, ScoreClaim.qualifier)
            .order_by(func.max(ScoreClaim.value).desc()).limit(limit).subquery())
    # 2. the claim(s) holding that value; keep the first reported
    rows = session.exec(
        select(ScoreClaim.id, ScoreClaim.model_id, ScoreClaim.qualifier, ScoreClaim.first_reported_at)
        .join(best, and_(best.c.model_id == ScoreClaim.model_id, best.c.best == ScoreClaim.value,
                         func.coalesce(best.c.qualifier, "") == func.coalesce(ScoreClaim.qualifier, "")))
        .where(*conds)).all()
    chosen: dict[tuple, tuple] = {}
    for claim_id, model_id, qualifier, first in rows:
        key = (model_id, qualifier)
        if key not in chosen or (first, claim_id) < chosen[key]:
            chosen[key] = (first, claim_id)
    hits = claim_hits(session, [c for _, c in chosen.values()], as_of=as_of)
    hits.sort(key=lambda h: (-h.value, h.first_reported_at, h.model))
    out = []
    for rank, hit in enumerate(hits, 1):
        outlets = {(s.original_outlet or s.outlet or f"#{s.article_id}").casefold() for s in hit.sources}
        out.append(LeaderRow(rank=rank, model=hit.model, org=hit.org, qualifier=hit.qualifier,
                             value=hit.value, unit=hit.unit, first_reported_at=hit.first_reported_at,
                             source_count=len(hit.sources), corroboration=len(outlets) or hit.corroboration,
                             claim_id=hit.claim_id, sources=hit.sources))
    return out


def benchmark_history(session: Session, benchmark: str, *, limit: int = 2000) -> list[ClaimHit]:
    """Every claim on BENCHMARK in order of first report (for a chart of values over time)."""
    bench = _benchmark(session, benchmark)
    ids = session.exec(select(ScoreClaim.id).where(ScoreClaim.benchmark_id == bench.id)
                       .order_by(ScoreClaim.first_reported_at.desc()).limit(limit)).all()
    hits = claim_hits(session, list(ids))
    hits.sort(key=lambda h: (h.first_reported_at, h.claim_id))
    return hits


def disagreements(session: Session, benchmark: Optional[str] = None, model: Optional[str] = None, *,
                  limit: int = 100) -> list[Disagreement]:
    """Model/benchmark/setting triples reported with different values, each value with its sources."""
    conds = []
    if benchmark:
        conds.append(ScoreClaim.benchmark_id == _benchmark(session, benchmark).id)
    if model:
        entity = resolve(session, "model", model)
        if entity is None:
            raise NotFound(f"no model named {model!r}")
        conds.append(ScoreClaim.model_id == entity.id)
    groups = session.exec(
        select(ScoreClaim.model_id, ScoreClaim.benchmark_id, ScoreClaim.qualifier)
        .where(*conds).group_by(ScoreClaim.benchmark_id, ScoreClaim.model_id, ScoreClaim.qualifier)
        .having(func.count(func.distinct(ScoreClaim.value)) > 1)
        .order_by(func.max(ScoreClaim.first_reported_at).desc()).limit(limit)).all()
    out = []
    for model_id, bench_id, qualifier in groups:
        q = select(ScoreClaim.id).where(ScoreClaim.model_id == model_id, ScoreClaim.benchmark_id == bench_id)
        q = q.where(ScoreClaim.qualifier.is_(None) if qualifier is None else ScoreClaim.qualifier == qualifier)
        hits = claim_hits(session, list(session.exec(q.order_by(ScoreClaim.value.desc()).limit(20)).all()))
        # different values from one single article are a table, not a disagreement between sources
        articles = {s.article_id for h in hits for s in h.sources}
        if len(hits) > 1 and len(articles) > 1:
            out.append(Disagreement(model=hits[0].model, benchmark=hits[0].benchmark, qualifier=qualifier,
                                    claims=tuple(hits)))
    return out


def facet_options(session: Session, *, limit: int = 500) -> dict[str, list[str]]:
    """Names to offer in the UI's filters: models, orgs, benchmarks, outlets (most used first)."""
    out: dict[str, list[str]] = {}
    for kind, column, key in (("model", ScoreClaim.model_id, "models"),
                              ("benchmark", ScoreClaim.benchmark_id, "benchmarks")):
        counts = (select(column.label("eid"), func.count().label("n")).group_by(column).subquery())
        rows = session.exec(select(Entity.name).join(counts, counts.c.eid == Entity.id, isouter=True)
                            .where(Entity.kind == kind, Entity.merged_into_id.is_(None))
                            .order_by(func.coalesce(counts.c.n, 0).desc(), Entity.name).limit(limit)).all()
        out[key] = list(rows)
    out["orgs"] = list(session.exec(select(Entity.name).where(Entity.kind == "org",
                                                              Entity.merged_into_id.is_(None))
                                    .order_by(Entity.name).limit(limit)).all())
    outlets = session.exec(select(func.coalesce(Article.original_outlet, Article.outlet))
                           .where(func.coalesce(Article.original_outlet, Article.outlet).is_not(None))
                           .distinct().limit(limit)).all()
    more = session.exec(select(Article.outlet).where(Article.outlet.is_not(None)).distinct().limit(limit)).all()
    out["outlets"] = sorted({*outlets, *more}, key=str.casefold)
    out["stances"] = ["open", "closed"]
    return out


def claim_sources_count(session: Session) -> int:
    """How many article reports back the claims (for stats)."""
    return session.exec(select(func.count()).select_from(ClaimSource)).one()

