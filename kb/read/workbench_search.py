"""Search results as the UI pages them: a total (counted up to a cap), a sort order, CSV rows (read-only)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kb.read.core_tables import scoreclaim
from kb.read.query_records import ClaimHit
from kb.read.search import DB, SORTS, claim_hits, connection_of, core_rows, search_claim_ids

CAP = 1000  # claims counted, sorted and downloadable per search; "1000+" beyond
CSV_HEADER = ["claim_id", "model", "org", "benchmark", "value", "unit", "setting", "reporter", "reported_by",
              "hedged", "corroboration", "first_reported", "sources", "source_url", "source_outlet", "evidence"]


@dataclass(frozen=True)
class SearchResult:
    total: int  # matching claims, at most CAP
    capped: bool  # more than CAP match
    hits: tuple[ClaimHit, ...]  # this page, in the chosen order


def _ordered(db: DB, query: str, sort: str, filters: dict) -> tuple[list[int], bool]:
    ids = search_claim_ids(db, query, sort=sort, limit=CAP + 1, **filters)
    capped = len(ids) > CAP
    ids = ids[:CAP]
    has_words = bool(query and query.strip()) or bool(filters.get("outlet"))
    if sort != "date" and has_words and ids:  # matches came newest first: order them in the database
        sc = scoreclaim.c
        order = (sc.value if sort == "value" else sc.corroboration).desc()
        rows = core_rows(db, select(sc.id).where(sc.id.in_(ids))
                         .order_by(order, sc.first_reported_at.desc(), sc.id.desc()))
        ids = [r[0] for r in rows]
    return ids, capped


def search_result(db: DB, query: str = "", *, sort: str = "date", limit: int = 25, offset: int = 0,
                  **filters: Any) -> SearchResult:
    """One page of search_claims' matches in SORT order (date, value or corroboration), with the total."""
    if sort not in SORTS:
        sort = "date"
    conn = connection_of(db)
    ids, capped = _ordered(conn, query, sort, filters)
    page = ids[max(0, int(offset)):max(0, int(offset)) + max(0, int(limit))]
    return SearchResult(total=len(ids), capped=capped, hits=tuple(claim_hits(conn, page)))


def search_csv(db: DB, query: str = "", *, sort: str = "date", **filters: Any) -> tuple[list[str], list[list]]:
    """Every match (up to CAP) as CSV rows, one per claim, with its first source (original outlet first)."""
    conn = connection_of(db)
    ids, _ = _ordered(conn, query, sort if sort in SORTS else "date", filters)
    rows = []
    for h in claim_hits(conn, ids):
        first = h.sources[0] if h.sources else None
        rows.append([h.claim_id, h.model, h.org or "", h.benchmark, h.value, h.unit or "", h.qualifier or "",
                     {"evaluator": "independent"}.get(h.reporter_kind or "", h.reporter_kind or ""),
                     h.reported_by or "", h.hedged, h.corroboration, h.first_reported_at.date().isoformat(),
                     len(h.sources), first.url if first else "", first.outlet if first else "", h.evidence])
    return CSV_HEADER, rows


