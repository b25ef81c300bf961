"""The columns search reads, as plain SQLAlchemy Core tables: no SQLModel, no pydantic, no ORM.

`aikb search` must start about as fast as `import sqlalchemy` (issue 14); loading kb.models (SQLModel
classes, pydantic) and the ORM cost more than the search itself. So the search read path
(kb/read/search.py, kb/read/lookup.resolve_id, kb/read/stance_facet.py) queries these tables.

They describe the same tables as kb.models, in a MetaData of their own, and only the columns read
here; tests/test_core_tables.py checks each against kb.models (names, types, nullability, keys) so
that the two cannot drift. Schema changes still go through kb.models and kb/migrations.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, MetaData, String, Table, Text, types

metadata = MetaData()


class UTCDateTime(types.TypeDecorator[datetime]):
    """SQLModel's UTCDateTime (sqlmodel.sql.sqltypes), which importing would load SQLModel: aware datetimes
    in, UTC datetimes out (SQLite keeps no offset: its values are UTC)."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def coerce_compared_value(self, op: Any, value: Any) -> types.TypeEngine[Any]:
        return types.Interval() if isinstance(value, timedelta) else self

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("Datetime values must have timezone information.")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.utcoffset() is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


entity = Table(
    "entity", metadata, _id(),
    Column("kind", String(16), nullable=False),
    Column("name", String, nullable=False),
    Column("key", String(255), nullable=False),
    Column("org_id", Integer),
    Column("merged_into_id", Integer),
)

alias = Table(
    "alias", metadata, _id(),
    Column("entity_id", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", String(255), nullable=False),
)

article = Table(
    "article", metadata, _id(),
    Column("url", String(2048)),
    Column("title", Text),
    Column("outlet", String),
    Column("original_outlet", String),
    Column("published_at", UTCDateTime()),
    Column("text", Text, nullable=False),
)

scoreclaim = Table(
    "scoreclaim", metadata, _id(),
    Column("claim_key", String(64), nullable=False),
    Column("model_id", Integer, nullable=False),
    Column("benchmark_id", Integer, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(16)),
    Column("qualifier", String),
    Column("first_reported_at", UTCDateTime(), nullable=False),
    Column("corroboration", Integer, nullable=False),
    Column("disputed", Boolean, nullable=False),
    Column("undated", Boolean, nullable=False),
)

claimsource = Table(
    "claimsource", metadata, _id(),
    Column("claim_id", Integer, nullable=False),
    Column("article_id", Integer, nullable=False),
    Column("reported_by", String),
    Column("reporter_kind", String(16)),
    Column("hedged", Boolean, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("outlet", String),
    Column("published_at", UTCDateTime()),
)

stanceevent = Table(
    "stanceevent", metadata, _id(),
    Column("org_id", Integer),
    Column("model_id", Integer),
    Column("model_name", String),
    Column("stance", String(8), nullable=False),
    Column("planned", Boolean, nullable=False),
    Column("occurred_at", UTCDateTime()),
)
