"""Flat rows for `aikb export`: one row per claim source, or per stance event (read-only, streamed)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

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
        stmt = (select(ScoreClaim.id, ScoreClaim.claim_key, model.name, org.name, bench.name, ScoreClaim.value,
                       ScoreClaim.unit, ScoreClaim.qualifier, ScoreClaim.corroboration,
                       ScoreClaim.first_reported_at, ClaimSource.article_id, Article.outlet,
                       Article.original_outlet, Article.url, Article.title, ClaimSource.published_at,
                       ClaimSource.reported_by, ClaimSource.reporter_kind, ClaimSource.hedged,
                       ClaimSource.evidence, ClaimSource.extractor_version, ClaimSource.id)
                .join(ScoreClaim, ScoreClaim.id == ClaimSource.claim_id)
                .join(model, model.id == ScoreClaim.model_id).join(bench, bench.id == ScoreClaim.benchmark_id)
                .join(org, org.id == model.org_id, isouter=True)
                .join(Article, Article.id == ClaimSource.article_id))
        key, fields = ClaimSource.id, CLAIM_FIELDS
    elif what == "stances":
        model, org = aliased(Entity), aliased(Entity)
        stmt = (select(StanceEvent.id, org.name, model.name, StanceEvent.stance, StanceEvent.license,
                       StanceEvent.planned, StanceEvent.origin, StanceEvent.reference_source,
                       StanceEvent.occurred_at, StanceEvent.article_id, Article.url, Article.title,
                       StanceEvent.evidence, StanceEvent.extractor_version, StanceEvent.model_name, StanceEvent.id)
                .join(org, org.id == StanceEvent.org_id, isouter=True)
                .join(model, model.id == StanceEvent.model_id, isouter=True)
                .join(Article, Article.id == StanceEvent.article_id, isouter=True))
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
