"""Flat rows for `aikb export`: one row per claim source, or per stance event (read-only, streamed)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from kb.errors import InputError
from kb.models import Article, ClaimSource, Entity, ScoreClaim, StanceEvent

CLAIM_FIELDS = ["claim_id", "claim_key", "model", "org", "benchmark", "value", "unit", "qualifier",
                "corroboration", "first_reported_at", "article_id", "outlet", "original_outlet", "url", "title",
                "published_at", "reported_by", "reporter_kind", "hedged", "evidence", "extractor_version"]
STANCE_FIELDS = ["event_id", "org", "model", "stance", "license", "planned", "origin", "reference_source",
                 "occurred_at", "article_id", "url", "title", "evidence", "extractor_version"]
BATCH = 5000


def _cell(value):
    return value.isoformat() if isinstance(value, datetime) else value


def iter_rows(session: Session, what: str) -> Iterator[dict]:
    """Rows of WHAT ("claims" or "stances") as plain dicts (dates as ISO strings), in id order."""
    if what == "claims":
        model, bench, org = aliased(Entity), aliased(Entity), aliased(Entity)
        stmt = (select(col(ScoreClaim.id), col(ScoreClaim.claim_key), model.name, org.name, bench.name, col(ScoreClaim.value),
                       col(ScoreClaim.unit), col(ScoreClaim.qualifier), col(ScoreClaim.corroboration),
                       col(ScoreClaim.first_reported_at), col(ClaimSource.article_id), col(Article.outlet),
                       col(Article.original_outlet), col(Article.url), col(Article.title), col(ClaimSource.published_at),
                       col(ClaimSource.reported_by), col(ClaimSource.reporter_kind), col(ClaimSource.hedged),
                       col(ClaimSource.evidence), col(ClaimSource.extractor_version), col(ClaimSource.id))
                .join(ScoreClaim, col(ScoreClaim.id) == col(ClaimSource.claim_id))
                .join(model, model.id == col(ScoreClaim.model_id)).join(bench, bench.id == col(ScoreClaim.benchmark_id))
                .join(org, org.id == model.org_id, isouter=True)
                .join(Article, col(Article.id) == col(ClaimSource.article_id)))
        key, fields = ClaimSource.id, CLAIM_FIELDS
    elif what == "stances":
        model, org = aliased(Entity), aliased(Entity)
        stmt = (select(col(StanceEvent.id), org.name, model.name, col(StanceEvent.stance), col(StanceEvent.license),
                       col(StanceEvent.planned), col(StanceEvent.origin), col(StanceEvent.reference_source),
                       col(StanceEvent.occurred_at), col(StanceEvent.article_id), col(Article.url), col(Article.title),
                       col(StanceEvent.evidence), col(StanceEvent.extractor_version), col(StanceEvent.model_name), col(StanceEvent.id))
                .join(org, org.id == col(StanceEvent.org_id), isouter=True)
                .join(model, model.id == col(StanceEvent.model_id), isouter=True)
                .join(Article, col(Article.id) == col(StanceEvent.article_id), isouter=True))
        key, fields = StanceEvent.id, STANCE_FIELDS
    else:
        raise InputError(f"cannot export {what!r}; use claims or stances")
    last = 0
    while True:  # keyset pages: constant memory however large the store
        rows = session.exec(stmt.where(key > last).order_by(key).limit(BATCH)).all()
        for row in rows:
            values = list(row[:len(fields)])
            if what == "stances" and values[2] is None:
                values[2] = row[-2]  # a family ("Llama") named in the text but not an entity
            yield {f: _cell(v) for f, v in zip(fields, values)}
        if len(rows) < BATCH:
            return
        last = rows[-1][-1]


def export_fields(what: str) -> list[str]:
    return CLAIM_FIELDS if what == "claims" else STANCE_FIELDS
