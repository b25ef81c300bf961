"""The schema migrates on both databases, and migrating twice is harmless."""
from sqlalchemy import inspect
from sqlmodel import Session, select

from kb.db import migrate, open_engine, utcnow
from kb.models import Source


def test_migrations_create_every_table_and_are_idempotent(db_url):
    engine = open_engine(db_url)
    migrate(engine)  # a second run must be a no-op
    tables = set(inspect(engine).get_table_names())
    for name in ("source", "fetchlog", "article", "story", "entity", "alias", "scoreclaim",
                 "claimsource", "stanceevent", "personrole", "alertrule", "alert", "delivery"):
        assert name in tables


def test_times_round_trip_as_aware_utc(db_url):
    engine = open_engine(db_url)
    now = utcnow()
    with Session(engine) as s:
        s.add(Source(url="http://example.test/feed.xml", added_at=now))
        s.commit()
    with Session(engine) as s:
        got = s.exec(select(Source)).one()
    assert got.added_at.tzinfo is not None
    assert abs((got.added_at - now).total_seconds()) < 1e-3
