"""Read-only queries the UI and the CLI share. Every function takes a Session first and returns frozen
records (kb.read.query_records), never ORM objects, so callers hold no SQL.

Search lives in kb.read.search, entity pages and the timeline in kb.read.pages.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from kb.errors import NotFound
from kb.models import Article, ClaimSource, Entity, ScoreClaim
from kb.read.lookup import resolve
from kb.read.query_records import ClaimHit, Disagreement, LeaderRow
from kb.read.search import claim_hits, core_rows


def _benchmark(session: Session, name: str) -> Entity:
    entity = resolve(session, "benchmark", name)
    if entity is None:
        raise NotFound(f"no benchmark named {name!r}; see `aikb entities list --kind benchmark`")
    return entity


def leaderboard(session: Session, benchmark: str, as_of: Optional[datetime] = None, *,
                limit: int = 50) -> list[LeaderRow]:
    """The best value reported for each model and setting on BENCHMARK, by first report up to AS_OF.

    Higher is better. Ties keep the earliest report. Raises NotFound for an unknown benchmark.
    Cost grows with how deep the top LIMIT groups reach, not with the benchmark's size.
    """
    bench = _benchmark(session, benchmark)
    conds = [ScoreClaim.benchmark_id == bench.id]
    if as_of is not None:
        conds.append(ScoreClaim.first_reported_at <= as_of)
    # Walk the benchmark's claims from the highest value down (index ix_scoreclaim_rank, read
    # backwards) and stop once LIMIT models/settings are placed: the first claim seen of a group is its
    # best, so the whole benchmark is never grouped. Ties keep the earliest report (seen last).
    # (no datetime in the select list: converting thousands of them costs more than the scan)
    stmt = (select(ScoreClaim.id, ScoreClaim.model_id, ScoreClaim.qualifier, ScoreClaim.value).where(*conds)
            .order_by(ScoreClaim.value.desc(), ScoreClaim.first_reported_at.desc(), ScoreClaim.id.desc()))
    chosen = _place(core_rows(session, stmt.limit(FIRST_PAGE)), limit)  # usually enough, one round trip
    if chosen is None:  # a deep board: stream the rest (server-side cursor on PostgreSQL)
        rows = session.connection().execution_options(yield_per=1000).execute(stmt)
        chosen = _place(rows, limit, complete=True)
        rows.close()
    hits = claim_hits(session, [c for _, c in chosen.values()], as_of=as_of)
    hits.sort(key=lambda h: (-h.value, h.first_reported_at, h.model))
    hits = hits[:limit]
    out = []
    for rank, hit in enumerate(hits, 1):
        outlets = {(s.original_outlet or s.outlet or f"#{s.article_id}").casefold() for s in hit.sources}
        out.append(LeaderRow(rank=rank, model=hit.model, org=hit.org, qualifier=hit.qualifier,
                             value=hit.value, unit=hit.unit, first_reported_at=hit.first_reported_at,
                             source_count=len(hit.sources),
                             corroboration=hit.corroboration if as_of is None else min(len(outlets) or 1,
                                                                                       hit.corroboration),
                             claim_id=hit.claim_id, sources=hit.sources, disputed=hit.disputed,
                             undated=hit.undated))
    return out


FIRST_PAGE = 1000


def _place(rows, limit: int, complete: bool = False) -> Optional[dict]:
    """Best claim per (model, setting) from rows in value-descending order; None if ROWS ran out early.

    The first claim seen of a group is its best; ties keep the earliest report (seen last).
    """
    chosen: dict[tuple, tuple] = {}  # (model, setting) -> (value, claim id)
    count = 0
    for claim_id, model_id, qualifier, value in rows:
        count += 1
        group = (model_id, qualifier)
        if group in chosen:
            if chosen[group][0] == value:
                chosen[group] = (value, claim_id)
            continue
        if len(chosen) >= limit and value < min(v for v, _ in chosen.values()):
            return chosen
        chosen[group] = (value, claim_id)
    return chosen if complete or count < FIRST_PAGE else None


def benchmark_history(session: Session, benchmark: str, *, limit: int = 2000) -> list[ClaimHit]:
    """Every claim on BENCHMARK in order of first report (for a chart of values over time)."""
    bench = _benchmark(session, benchmark)
    ids = session.exec(select(ScoreClaim.id).where(ScoreClaim.benchmark_id == bench.id)
                       .order_by(ScoreClaim.first_reported_at.desc()).limit(limit)).all()
    hits = claim_hits(session, list(ids))
    hits.sort(key=lambda h: (h.first_reported_at, h.claim_id))
    return hits


def disagreements(session: Session, benchmark: Optional[str] = None, model: Optional[str] = None, *,
                  limit: int = 50) -> list[Disagreement]:
    """Model/benchmark/setting triples reported with different values, each value with its sources."""
    conds = []
    if benchmark:
        conds.append(ScoreClaim.benchmark_id == _benchmark(session, benchmark).id)
    if model:
        entity = resolve(session, "model", model)
        if entity is None:
            raise NotFound(f"no model named {model!r}")
        conds.append(ScoreClaim.model_id == entity.id)
    # Groups with two or more values, in (benchmark, model, setting) order: the database walks
    # ix_scoreclaim_board in that order, aggregating group by group, and stops after LIMIT groups
    # (a popular model's group can hold thousands of claims; they never reach Python).
    # (the loop this replaces kept at least one group even for a LIMIT under 1)
    stmt = (select(ScoreClaim.benchmark_id, ScoreClaim.model_id, ScoreClaim.qualifier).where(*conds)
            .group_by(ScoreClaim.benchmark_id, ScoreClaim.model_id, ScoreClaim.qualifier)
            .having(func.min(ScoreClaim.value) < func.max(ScoreClaim.value))
            .order_by(ScoreClaim.benchmark_id, ScoreClaim.model_id, ScoreClaim.qualifier)
            .limit(max(int(limit), 1)))
    groups = core_rows(session, stmt)
    # each group's ten highest values, read off the same index (one prepared statement per group)
    conn = session.connection()
    per_group = []
    for bench_id, model_id, qualifier in groups:
        params = {"model": model_id, "bench": bench_id}
        if qualifier is None:
            ids = conn.execute(_GROUP_TOP_NULL, params).scalars().all()
        else:
            ids = conn.execute(_GROUP_TOP, {**params, "qualifier": qualifier}).scalars().all()
        per_group.append((qualifier, ids))
    hits = {h.claim_id: h for h in claim_hits(session, [i for _, ids in per_group for i in ids])}
    out = []
    for qualifier, ids in per_group:
        group = [hits[i] for i in ids if i in hits]
        # different values from one single article are a table, not a disagreement between sources
        articles = {s.article_id for h in group for s in h.sources}
        if len(group) > 1 and len(articles) > 1:
            out.append(Disagreement(model=group[0].model, benchmark=group[0].benchmark, qualifier=qualifier,
                                    claims=tuple(group)))
    out.sort(key=lambda d: max(c.first_reported_at for c in d.claims), reverse=True)  # newest first
    return out


def _group_top(qualifier_cond):
    return (select(ScoreClaim.id)
            .where(ScoreClaim.model_id == bindparam("model"), ScoreClaim.benchmark_id == bindparam("bench"),
                   qualifier_cond)
            .order_by(ScoreClaim.value.desc()).limit(10))


_GROUP_TOP = _group_top(ScoreClaim.qualifier == bindparam("qualifier"))
_GROUP_TOP_NULL = _group_top(ScoreClaim.qualifier.is_(None))


def facet_options(session: Session, *, limit: int = 2000) -> dict[str, list[str]]:
    """Names to offer in the UI's filters: models and benchmarks that have claims, orgs, outlets (A-Z).

    Each list is read through an index (an EXISTS probe per entity), never by grouping all claims.
    """
    out: dict[str, list[str]] = {}
    for kind, column, key in (("model", ScoreClaim.model_id, "models"),
                              ("benchmark", ScoreClaim.benchmark_id, "benchmarks")):
        used = select(ScoreClaim.id).where(column == Entity.id).exists()
        out[key] = [r[0] for r in core_rows(session, select(Entity.name).where(
            Entity.kind == kind, Entity.merged_into_id.is_(None), used).order_by(Entity.name).limit(limit))]
    out["orgs"] = [r[0] for r in core_rows(session, select(Entity.name).where(
        Entity.kind == "org", Entity.merged_into_id.is_(None)).order_by(Entity.name).limit(limit))]
    outlets: set[str] = set()
    for column in (Article.outlet, Article.original_outlet):
        outlets.update(_distinct_values(session, column, limit))
    out["outlets"] = sorted(outlets, key=str.casefold)
    out["stances"] = ["open", "closed"]
    return out


def _distinct_values(session: Session, column, limit: int) -> list:
    """Up to LIMIT distinct non-null values of an indexed COLUMN, one index probe per value.

    A loose index scan (each step asks the index for the next value above the last): PostgreSQL's
    DISTINCT reads every entry of the index, 200,000 for article.outlet at a million claims.
    """
    values = select(func.min(column).label("v")).cte("distinct_values", recursive=True)
    values = values.union_all(select(select(func.min(column)).where(column > values.c.v).scalar_subquery())
                              .where(values.c.v.is_not(None)))
    return [r[0] for r in core_rows(session, select(values.c.v).where(values.c.v.is_not(None)).limit(limit))]


def claim_sources_count(session: Session) -> int:
    """How many article reports back the claims (for stats)."""
    return session.exec(select(func.count()).select_from(ClaimSource)).one()

