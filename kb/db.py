"""The engine factory (the one module-level cache) and schema migration.

SQLite by default, in WAL mode with a busy timeout so that the UI can read while ingest writes;
PostgreSQL when AIKB_DATABASE_URL names it. The schema is created and evolved by Alembic
(kb/migrations), never by create_all.
"""
from __future__ import annotations

import ast
import functools
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from kb.errors import StoreError

if TYPE_CHECKING:  # the ORM is loaded by the first session, not by opening the engine (CLI start-up)
    from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def utcnow() -> datetime:
    """Now, as the aware UTC datetime every time column holds (SQLModel refuses naive ones)."""
    return datetime.now(timezone.utc)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@functools.lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL for the life of the process."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection_engine"] = engine
    try:
        command.upgrade(cfg, "head")
    except Exception as exc:  # surfaced to the CLI as one line
        raise StoreError(f"cannot migrate the database at {engine.url!r}: {exc}") from exc


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


@functools.lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The newest migration(s), read from the revision files' text (no Alembic import: it costs ~0.3 s)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            parsed = ast.literal_eval(value)
            if name == "revision":
                revisions.add(parsed)
            elif parsed:
                parents.update([parsed] if isinstance(parsed, str) else parsed)
    return frozenset(revisions - parents)


def stored_revisions(engine: Engine) -> frozenset[str]:
    """The revision(s) the database is at (one cheap query); empty when it was never migrated."""
    try:
        with engine.connect() as conn:
            return frozenset(r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001  (no table yet, or no database yet: migrate() says what is wrong)
        return frozenset()


@functools.lru_cache(maxsize=8)
def _migrated(url: str) -> bool:
    engine = get_engine(url)
    if stored_revisions(engine) != head_revisions():  # only then load Alembic and upgrade
        migrate(engine)
    return True


def open_engine(url: str) -> Engine:
    """The engine for URL, its schema migrated once per process."""
    _migrated(url)
    return get_engine(url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    from sqlmodel import Session

    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
