"""A benchmark's leaderboard with the analyst's filters, and its frontier over time (read-only).

`board`: the best value reported for each model and setting, keeping only open or closed models
(kb.read.compare.model_openness), only values a vendor or an independent evaluator reported, one setting
or all. Ranks count within a setting and a unit (a "with tools" score does not outrank a plain one, a "%"
is not ranked against a "score" or an Elo); the most used unit's rows come first; equal values share a rank
(1, 2, 2, 4) and are marked tied.

`frontier`: the best value reported so far on the benchmark, over time, separately for open and for
closed models: one point each time the record was raised, with the claim that raised it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from kb.errors import InputError, NotFound
from kb.models import ClaimSource, Entity, ScoreClaim
from kb.read.compare import REPORTER_NAMES, claim_filters, model_openness, reporter_kind
from kb.read.lookup import resolve
from kb.read.search import claim_hits, core_rows

OPENNESS = ("all", "open", "closed")
PAGE = 2000


@dataclass(frozen=True)
class BoardRow:
    rank: int  # within its setting and unit; equal values share it
    tied: bool
    model: str
    org: Optional[str]
    openness: Optional[str]  # open | closed | None (unknown)
    qualifier: Optional[str]
    value: float
    unit: Optional[str]
    reporter: Optional[str]  # vendor | independent | outlet, of the cited report
    reported_by: Optional[str]
    first_reported_at: datetime
    source_count: int
    corroboration: int
    claim_id: int
    article_id: Optional[int]
    source_title: Optional[str]
    source_url: Optional[str]


@dataclass(frozen=True)
class FrontierPoint:
    openness: str  # open | closed
    model: str
    value: float
    unit: Optional[str]
    qualifier: Optional[str]
    reached_at: datetime  # when the claim was first reported
    claim_id: int
    source_url: Optional[str]


def _bench(session: Session, name: str) -> list[int]:
    entity = resolve(session, "benchmark", name)
    if entity is None:
        raise NotFound(f"no benchmark named {name!r}; see `aikb entities list --kind benchmark`")
    merged = session.exec(select(Entity.id).where(Entity.merged_into_id == entity.id)).all()
    return [entity.id, *merged]


def _conditions(bench_ids: list[int], *, as_of, setting, kind) -> list:
    return [col(ScoreClaim.benchmark_id).in_(bench_ids), *claim_filters(as_of=as_of, setting=setting, kind=kind)]


def _check(openness: str) -> None:
    if openness not in OPENNESS:
        raise InputError(f"openness must be one of {', '.join(OPENNESS)}, not {openness!r}")


def board(session: Session, benchmark: str, *, as_of: Optional[datetime] = None, openness: str = "all",
          reporter: Optional[str] = None, setting: Optional[str] = None, limit: int = 50) -> list[BoardRow]:
    """The leaderboard of BENCHMARK with filters; SETTING '' means "no setting stated", None all settings.

    Rows come by unit (the most used first), setting (the best first), then rank. Raises NotFound for an
    unknown benchmark.
    """
    _check(openness)
    kind = reporter_kind(reporter)
    conds = _conditions(_bench(session, benchmark), as_of=as_of, setting=setting, kind=kind)
    stmt = (core_select(col(ScoreClaim.id), col(ScoreClaim.model_id), col(ScoreClaim.qualifier), col(ScoreClaim.value),
                        col(ScoreClaim.unit)).where(*conds)
            .order_by(col(ScoreClaim.value).desc(), col(ScoreClaim.first_reported_at).desc(), col(ScoreClaim.id).desc()))
    # (model id, setting, unit) -> (best value, claim id)
    chosen: dict[tuple[int, Optional[str], Optional[str]], tuple[float, int]] = {}
    stance: dict[int, Optional[str]] = {}
    offset = 0
    while len(chosen) < limit:
        rows = core_rows(session, stmt.offset(offset).limit(PAGE))
        offset += len(rows)
        new = list({r[1] for r in rows} - set(stance))
        stance.update(model_openness(session, new))
        for claim_id, model_id, qualifier, value, unit in rows:
            if openness != "all" and stance.get(model_id) != openness:
                continue
            key = (model_id, qualifier, unit)
            if key not in chosen and len(chosen) >= limit:
                break
            if key not in chosen or chosen[key][0] == value:  # a tie keeps the earliest report (seen last)
                chosen[key] = (value, claim_id)
        if len(rows) < PAGE:
            break
    hits = claim_hits(session, [c for _, c in chosen.values()], as_of=as_of)
    model_of = {claim_id: key[0] for key, (_, claim_id) in chosen.items()}
    kinds = _kinds(session, [h.claim_id for h in hits])
    out = []
    for group in _ranked_groups(hits):
        group.sort(key=lambda h: (-h.value, h.first_reported_at, h.model))
        values = [h.value for h in group]
        for hit in group:
            rank = 1 + sum(1 for v in values if v > hit.value)
            cited = next((s for s in hit.sources if kind is None or kinds.get((hit.claim_id, s.article_id)) == kind),
                         hit.sources[0] if hit.sources else None)
            stored = kinds.get((hit.claim_id, cited.article_id)) if cited else hit.reporter_kind
            outlets = {(s.original_outlet or s.outlet or f"#{s.article_id}").casefold() for s in hit.sources}
            out.append(BoardRow(
                rank=rank, tied=values.count(hit.value) > 1, model=hit.model, org=hit.org,
                openness=stance.get(model_of[hit.claim_id]), qualifier=hit.qualifier, value=hit.value, unit=hit.unit,
                reporter=REPORTER_NAMES.get(stored or "", stored), reported_by=cited.reported_by if cited else None,
                first_reported_at=hit.first_reported_at, source_count=len(hit.sources),
                corroboration=len(outlets) or hit.corroboration, claim_id=hit.claim_id,
                article_id=cited.article_id if cited else None, source_title=cited.title if cited else None,
                source_url=cited.url if cited else None))
    return out


def _ranked_groups(hits: list) -> list[list]:
    """HITS grouped by setting and unit, the groups ranked apart: the most used unit first, then the best value."""
    groups: dict[tuple[str, str], list] = {}
    for hit in hits:
        groups.setdefault((hit.qualifier or "", hit.unit or ""), []).append(hit)
    used = Counter(hit.unit or "" for hit in hits)
    return sorted(groups.values(), key=lambda g: (-used[g[0].unit or ""], g[0].unit or "", -max(h.value for h in g)))


def _kinds(session: Session, claim_ids: list[int]) -> dict[tuple[int, int], Optional[str]]:
    if not claim_ids:
        return {}
    rows = core_rows(session, select(col(ClaimSource.claim_id), col(ClaimSource.article_id), col(ClaimSource.reporter_kind))
                     .where(col(ClaimSource.claim_id).in_(claim_ids)))
    return {(c, a): k for c, a, k in rows}


def benchmark_settings(session: Session, benchmark: str) -> list[str]:
    """The settings values were reported in on BENCHMARK ('' for none stated), most used first."""
    count = func.count(col(ScoreClaim.id))
    rows = core_rows(session, select(col(ScoreClaim.qualifier), count)
                     .where(col(ScoreClaim.benchmark_id).in_(_bench(session, benchmark)))
                     .group_by(col(ScoreClaim.qualifier)).order_by(count.desc()).limit(100))
    return [q or "" for q, _ in rows]


def frontier(session: Session, benchmark: str, *, as_of: Optional[datetime] = None, reporter: Optional[str] = None,
             setting: Optional[str] = None) -> list[FrontierPoint]:
    """The best value reported so far, for open and for closed models, each time it was raised.

    Models of unknown openness are left out (they belong to neither line). Oldest first.
    """
    kind = reporter_kind(reporter)
    conds = _conditions(_bench(session, benchmark), as_of=as_of, setting=setting, kind=kind)
    rows = core_rows(session, _model_records(conds))
    stance = model_openness(session, list({r[1] for r in rows}))
    best: dict[str, float] = {}
    raised: list[tuple[str, int]] = []
    for claim_id, model_id, value in rows:
        line = stance.get(model_id)
        if line is None:
            continue
        if line not in best or value > best[line]:
            best[line] = value
            raised.append((line, claim_id))
    hits = {h.claim_id: h for h in claim_hits(session, [c for _, c in raised], as_of=as_of)}
    out = []
    for line, claim_id in raised:
        hit = hits.get(claim_id)
        if hit is None:
            continue
        out.append(FrontierPoint(openness=line, model=hit.model, value=hit.value, unit=hit.unit,
                                 qualifier=hit.qualifier, reached_at=hit.first_reported_at, claim_id=claim_id,
                                 source_url=hit.sources[0].url if hit.sources else None))
    return out


def _model_records(conds: list):
    """(claim id, model id, value) of the claims meeting CONDS that raised their own model's best value, oldest first.

    Only these can raise a line's record (an earlier claim of the same model, in the same line, is at least as
    high as any other), so the database keeps them (a window over each model's claims) instead of sending every
    claim of a popular benchmark (120,000 on the bench store) to be discarded here.
    """
    sc = ScoreClaim
    earlier_best = func.max(col(sc.value)).over(partition_by=col(sc.model_id),
                                                order_by=(col(sc.first_reported_at), col(sc.id)), rows=(None, -1))
    claims = core_select(col(sc.id).label("id"), col(sc.model_id).label("model_id"), col(sc.value).label("value"),
                         col(sc.first_reported_at).label("at"), earlier_best.label("earlier_best")).where(*conds).subquery()
    return (core_select(claims.c.id, claims.c.model_id, claims.c.value)
            .where(or_(claims.c.earlier_best.is_(None), claims.c.value > claims.c.earlier_best))
            .order_by(claims.c.at, claims.c.id))
