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


def test_start_up_checks_the_revision_with_one_query(tmp_path):
    # a fresh store is migrated to the head; later opens compare one row with the revision files
    from kb.db import get_engine, head_revisions, open_engine, stored_revisions

    url = f"sqlite:///{tmp_path / 'rev.sqlite3'}"
    assert stored_revisions(get_engine(url)) == frozenset()  # nothing there yet: no error, just behind
    engine = open_engine(url)
    assert len(head_revisions()) == 1 and stored_revisions(engine) == head_revisions()
    with engine.begin() as conn:  # a store left behind no longer matches: it would be upgraded
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert stored_revisions(engine) == frozenset({"0001"}) != head_revisions()
