"""Models x benchmarks: the best reported value per cell, and whether each model is open or closed.

Read-only; returns frozen records. Used by the UI's Compare and Benchmark pages.

A cell is the highest value reported for the model on the benchmark (any setting, unless one is
asked for), with the setting it was reported in, who reported it (vendor, independent evaluator or the
outlet), and the article to read it in. "Independent" keeps only values an evaluator reported.

A model's openness is its own latest (non-planned) stance event, else the latest one its organization
took for the same model line (kb.read.shifts.family_key: "Llama 3.1" follows "Llama 3"), else unknown: an
org's other lines say nothing about this one (Google's open Gemma is no sign that Gemini is open).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import ColumnElement, Select, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from kb.errors import InputError
from kb.models import ClaimSource, Entity, ScoreClaim, StanceEvent
from kb.read.lookup import resolve
from kb.read.query_records import _jsonable
from kb.read.search import claim_hits, core_rows
from kb.read.shifts import family_key

# what analysts call a reporter -> the reporter_kind the extractor stores
REPORTER_KINDS = {"vendor": "vendor", "independent": "evaluator", "outlet": "outlet"}
REPORTER_NAMES = {v: k for k, v in REPORTER_KINDS.items()}
MAX_MODELS, MAX_BENCHMARKS = 60, 30


@dataclass(frozen=True)
class CompareCell:
    benchmark: str
    value: float
    unit: Optional[str]
    qualifier: Optional[str]
    reporter: Optional[str]  # vendor | independent | outlet (None when not stated)
    reported_by: Optional[str]
    hedged: bool
    claim_id: int
    article_id: Optional[int]
    source_title: Optional[str]
    source_url: Optional[str]
    evidence: str
    first_reported_at: datetime
    reports: int  # articles reporting this value


@dataclass(frozen=True)
class CompareRow:
    model: str
    org: Optional[str]
    openness: Optional[str]  # open | closed | None (unknown)
    cells: tuple[Optional[CompareCell], ...]  # one per benchmark of the table, in its order


@dataclass(frozen=True)
class CompareTable:
    benchmarks: tuple[str, ...]
    rows: tuple[CompareRow, ...]
    unknown: tuple[str, ...] = ()  # names asked for that the store does not know

    def to_json(self) -> dict:
        return _jsonable(asdict(self))



def claim_filters(*, as_of: Optional[datetime], setting: Optional[str], kind: Optional[str]) -> list:
    """Conditions on ScoreClaim shared by the leaderboards and the compare matrix.

    AS_OF: first reported by then; SETTING: that qualifier ("" for none); KIND: at least one source of that
    reporter kind (published by AS_OF when given).
    """
    conds: list[ColumnElement[bool]] = []
    if as_of is not None:
        conds.append(col(ScoreClaim.first_reported_at) <= as_of)
    if setting is not None:
        conds.append(col(ScoreClaim.qualifier).is_(None) if setting == "" else col(ScoreClaim.qualifier) == setting)
    if kind is not None:
        src = [col(ClaimSource.claim_id) == col(ScoreClaim.id), col(ClaimSource.reporter_kind) == kind]
        if as_of is not None:
            src.append(col(ClaimSource.published_at) <= as_of)
        conds.append(select(col(ClaimSource.id)).where(*src).exists())
    return conds

def reporter_kind(reporter: Optional[str]) -> Optional[str]:
    """'independent' -> 'evaluator' (the stored kind); None for all; InputError for anything else."""
    if not reporter or reporter == "all":
        return None
    if reporter not in REPORTER_KINDS:
        raise InputError(f"reporter must be one of {', '.join(REPORTER_KINDS)} or all, not {reporter!r}")
    return REPORTER_KINDS[reporter]


def _resolve_all(session: Session, kind: str, names: Iterable[str]) -> tuple[list[Entity], list[str]]:
    found, unknown, seen = [], [], set()
    for name in names:
        entity = resolve(session, kind, name) if name else None
        if entity is None:
            if name:
                unknown.append(name)
        elif entity.id not in seen:
            seen.add(entity.id)
            found.append(entity)
    return found, unknown


def _merged(session: Session, ids: list[int]) -> dict[int, int]:
    """Entity id -> the id it is shown as (entities merged into one of IDS map to it)."""
    out = {i: i for i in ids}
    if ids:
        for eid, target in core_rows(session, select(Entity.id, Entity.merged_into_id)
                                     .where(col(Entity.merged_into_id).in_(ids))):
            out[eid] = target
    return out


def best_claims(session: Session, model_ids: dict[int, int], bench_ids: dict[int, int], *,
                kind: Optional[str] = None, qualifier: Optional[str] = None,
                as_of: Optional[datetime] = None) -> dict[tuple[int, int], int]:
    """(shown model id, shown benchmark id) -> the claim with the highest value (earliest on a tie).

    One query: a window over the cells' claims, ranked by value within each (model, benchmark).
    """
    conds = [col(ScoreClaim.model_id).in_(list(model_ids)), col(ScoreClaim.benchmark_id).in_(list(bench_ids)),
             *claim_filters(as_of=as_of, setting=qualifier, kind=kind)]
    stmt = select(col(ScoreClaim.id), col(ScoreClaim.model_id), col(ScoreClaim.benchmark_id), col(ScoreClaim.value),
                  col(ScoreClaim.first_reported_at)).where(*conds)
    best: dict[tuple[int, int], tuple] = {}
    for cid, mid, bid, value, first in core_rows(session, stmt):
        key = (model_ids[mid], bench_ids[bid])
        rank = (-value, first, cid)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, cid)
    return {k: v[1] for k, v in best.items()}


def model_openness(session: Session, model_ids: list[int]) -> dict[int, Optional[str]]:
    """Model id -> 'open' | 'closed' | None: its own latest stance, else its org's for the same line."""
    out: dict[int, Optional[str]] = {i: None for i in model_ids}
    if not model_ids:
        return out
    done = {model_id: stance for model_id, _, stance, _, _ in core_rows(session, _newest_per(
        col(StanceEvent.model_id), col(Entity.name), [col(StanceEvent.model_id).in_(model_ids)]))}
    out.update(done)
    rest = [i for i in model_ids if i not in done]
    if not rest:
        return out
    models = core_rows(session, select(col(Entity.id), col(Entity.name), col(Entity.org_id)).where(col(Entity.id).in_(rest)))
    by_org: dict[int, list[tuple[int, str]]] = {}
    for mid, name, org_id in models:
        if org_id is not None:
            by_org.setdefault(org_id, []).append((mid, family_key(name)))
    if not by_org:
        return out
    model_name = func.coalesce(Entity.name, StanceEvent.model_name)
    events = core_rows(session, _newest_per(col(StanceEvent.org_id), model_name,
                                            [col(StanceEvent.org_id).in_(list(by_org))], model_name))
    latest: dict[tuple[int, str], tuple] = {}
    for org_id, name, stance, when, eid in events:
        key = (org_id, family_key(name))
        if key not in latest or (when, eid) > latest[key][:2]:
            latest[key] = (when, eid, stance)
    for org_id, members in by_org.items():
        for mid, fam in members:
            if (org_id, fam) in latest:
                out[mid] = latest[(org_id, fam)][2]
    return out


def _newest_per(key, name, conds: list, *partition) -> Select:
    """(KEY, NAME, stance, occurred_at, id) of the newest dated, non-planned stance event of each KEY (and
    PARTITION): the database picks them, so a busy org's thousands of events arrive as one row per model."""
    ev = StanceEvent
    newest = func.row_number().over(partition_by=(key, *partition),
                                    order_by=(col(ev.occurred_at).desc(), col(ev.id).desc()))
    events = (core_select(key.label("key"), name.label("name"), col(ev.stance).label("stance"),
                          col(ev.occurred_at).label("at"), col(ev.id).label("id"), newest.label("newest"))
              .join(Entity, col(Entity.id) == col(ev.model_id), isouter=True)
              .where(*conds, col(ev.planned) == False, col(ev.occurred_at).is_not(None))  # noqa: E712
              .subquery())
    c = events.c
    return core_select(c.key, c.name, c.stance, c.at, c.id).where(c.newest == 1)


def compare(session: Session, models: Iterable[str], benchmarks: Iterable[str], *,
            reporter: Optional[str] = None, as_of: Optional[datetime] = None) -> CompareTable:
    """The models x benchmarks table: each cell the best value reported (by REPORTER's kind, by AS_OF).

    Models and benchmarks are names or aliases (merged entities count as theirs); names the store does
    not know are listed in `unknown`. At most MAX_MODELS models and MAX_BENCHMARKS benchmarks.
    """
    kind = reporter_kind(reporter)
    model_entities, unknown_models = _resolve_all(session, "model", list(models)[:MAX_MODELS])
    bench_entities, unknown_benches = _resolve_all(session, "benchmark", list(benchmarks)[:MAX_BENCHMARKS])
    unknown = tuple(unknown_models + unknown_benches)
    if not model_entities or not bench_entities:
        return CompareTable(benchmarks=tuple(b.name for b in bench_entities), rows=(), unknown=unknown)
    mids = _merged(session, [m.id for m in model_entities])
    bids = _merged(session, [b.id for b in bench_entities])
    chosen = best_claims(session, mids, bids, kind=kind, as_of=as_of)
    hits = {h.claim_id: h for h in claim_hits(session, list(chosen.values()), as_of=as_of)}
    openness = model_openness(session, list(mids))
    orgs: dict[int, str] = dict(core_rows(session, select(col(Entity.id), col(Entity.name)).where(
        col(Entity.id).in_([m.org_id for m in model_entities if m.org_id]))))
    rows = []
    for model in model_entities:
        cells = []
        for bench in bench_entities:
            hit = hits.get(chosen.get((model.id, bench.id), -1))
            cells.append(_cell(session, hit, kind) if hit else None)
        stance = openness.get(model.id) or next((openness[i] for i, t in mids.items()
                                                 if t == model.id and openness.get(i)), None)
        org_name = orgs.get(model.org_id) if model.org_id is not None else None
        rows.append(CompareRow(model=model.name, org=org_name, openness=stance, cells=tuple(cells)))
    return CompareTable(benchmarks=tuple(b.name for b in bench_entities), rows=tuple(rows), unknown=unknown)


def _cell(session: Session, hit, kind: Optional[str]) -> CompareCell:
    """A claim as a cell: the report of the wanted kind (else the first, original outlet first) is cited."""
    kinds: dict[int, Optional[str]] = dict(core_rows(session, select(ClaimSource.article_id, ClaimSource.reporter_kind)
                           .where(ClaimSource.claim_id == hit.claim_id)))
    cited = next((s for s in hit.sources if kind is None or kinds.get(s.article_id) == kind), None)
    if cited is None and hit.sources:
        cited = hit.sources[0]
    stored_kind = kinds.get(cited.article_id) if cited else hit.reporter_kind
    return CompareCell(
        benchmark=hit.benchmark, value=hit.value, unit=hit.unit, qualifier=hit.qualifier,
        reporter=REPORTER_NAMES.get(stored_kind or "", stored_kind), reported_by=cited.reported_by if cited else None,
        hedged=bool(cited.hedged) if cited else hit.hedged, claim_id=hit.claim_id,
        article_id=cited.article_id if cited else None, source_title=cited.title if cited else None,
        source_url=cited.url if cited else None, evidence=cited.evidence if cited else hit.evidence,
        first_reported_at=hit.first_reported_at, reports=len(hit.sources))


def org_models(session: Session, org: str, *, limit: int = 40) -> list[str]:
    """The organization's models that have reported scores, most reported first (then A-Z)."""
    entity = resolve(session, "org", org)
    if entity is None:
        return []
    org_ids = list(_merged(session, [entity.id]))
    count = func.count(col(ScoreClaim.id))
    rows = core_rows(session, select(col(Entity.name), count).join(ScoreClaim, col(ScoreClaim.model_id) == col(Entity.id))
                     .where(col(Entity.org_id).in_(org_ids), col(Entity.kind) == "model", col(Entity.merged_into_id).is_(None))
                     .group_by(col(Entity.id), col(Entity.name)).order_by(count.desc(), col(Entity.name)).limit(limit))
    return [r[0] for r in rows]


def top_models(session: Session, benchmark: str, n: int = 10, *, as_of: Optional[datetime] = None) -> list[str]:
    """The N models with the highest values reported on BENCHMARK (any setting), best first."""
    from kb.read.queries import (
        leaderboard,  # a cycle at import time otherwise (kb.read.queries re-exports)
    )

    names: list[str] = []
    for row in leaderboard(session, benchmark, as_of=as_of, limit=max(1, int(n)) * 3):
        if row.model not in names:
            names.append(row.model)
        if len(names) >= n:
            break
    return names


def benchmarks_for(session: Session, models: Iterable[str], *, limit: int = 8) -> list[str]:
    """The benchmarks most reported for MODELS: a sensible default set of columns."""
    entities, _ = _resolve_all(session, "model", list(models)[:MAX_MODELS])
    if not entities:
        return []
    ids = list(_merged(session, [e.id for e in entities]))
    count = func.count(col(ScoreClaim.id))
    rows = core_rows(session, select(col(Entity.name), count).join(ScoreClaim, col(ScoreClaim.benchmark_id) == col(Entity.id))
                     .where(col(ScoreClaim.model_id).in_(ids)).group_by(col(Entity.id), col(Entity.name))
                     .order_by(count.desc(), col(Entity.name)).limit(limit))
    return [r[0] for r in rows]


def compare_rows(table: CompareTable) -> tuple[list[str], list[list]]:
    """The table as one line per cell (what a CSV download holds): header and rows."""
    header = ["model", "org", "openness", "benchmark", "value", "unit", "setting", "reporter", "reported_by",
              "hedged", "first_reported", "reports", "source_url", "source_title"]
    rows = []
    for row in table.rows:
        for bench, cell in zip(table.benchmarks, row.cells):
            if cell is None:
                continue
            rows.append([row.model, row.org or "", row.openness or "unknown", bench, cell.value, cell.unit or "",
                         cell.qualifier or "", cell.reporter or "", cell.reported_by or "", cell.hedged,
                         cell.first_reported_at.date().isoformat(), cell.reports, cell.source_url or "",
                         cell.source_title or ""])
    return header, rows


def openness_by_name(session: Session, models: Iterable[str]) -> dict[str, Optional[str]]:
    """Model name -> open | closed | None (see model_openness), for names the store knows."""
    entities, _ = _resolve_all(session, "model", list(models)[:500])
    stance = model_openness(session, [e.id for e in entities])
    return {e.name: stance.get(e.id) for e in entities}
