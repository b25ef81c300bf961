"""Shared fixtures: real databases (a SQLite file and a fresh PostgreSQL database per test).

Safe under pytest-xdist (`pytest -n 2`): each worker migrates one template of each database once, and
every test gets its own copy (a file in its tmp_path, a database of its own).
"""
from __future__ import annotations

import os
import queue
import shutil
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kb.db import get_engine, open_engine

PG_ADMIN_URL = os.environ.get("AIKB_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]


def _worker() -> str:
    """This pytest-xdist worker's id ("gw0", ...), or "main" in a run without workers."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file migrated once per worker; each test gets a copy (Alembic costs ~0.5 s a run)."""
    path = tmp_path_factory.mktemp("template") / "aikb.sqlite3"
    url = f"sqlite:///{path}"
    open_engine(url)
    get_engine(url).dispose()
    with sqlite3.connect(path) as conn:  # everything in the one file, so that a plain copy is whole
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def sqlite_url(tmp_path, _sqlite_template) -> str:
    """A URL of a new SQLite file, migrated (a copy of the migrated template)."""
    path = tmp_path / "aikb.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


def _require_pg() -> None:
    problem = _pg_available()
    if problem:
        if os.environ.get("AIKB_TEST_SKIP_PG") == "1":
            pytest.skip(f"PostgreSQL unavailable: {problem}")
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is unavailable: {problem}")


class _PgDatabases:
    """This worker's migrated template database, and the test databases copied from it.

    The template's name carries the xdist worker id and a random part, and nobody stays connected
    to it (CREATE DATABASE ... TEMPLATE refuses a template in use), so workers, and other runs on the
    same server, never share a database. One background thread copies the next test's database
    while a test runs and drops the finished ones: copying (~0.3 s idle, over 1 s on a loaded
    machine) and dropping stay out of the tests' own time.
    """

    def __init__(self) -> None:
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.template = f"aikb_tpl_{_worker()}_{uuid.uuid4().hex[:8]}"
        self._execute(f'CREATE DATABASE "{self.template}"')
        try:
            open_engine(self.url(self.template))
        finally:
            get_engine(self.url(self.template)).dispose()
        self.ready: queue.Queue[str | Exception] = queue.Queue()  # copies waiting for a test
        self.jobs: queue.Queue[str | None] = queue.Queue()  # "" = make a copy, a name = drop it, None = stop
        self.worker = threading.Thread(target=self._work, name="test-databases", daemon=True)
        self.worker.start()
        self.jobs.put("")

    @staticmethod
    def url(name: str) -> str:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            if job == "":
                name = f"aikb_t_{uuid.uuid4().hex[:12]}"
                try:
                    self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                    self.ready.put(name)
                except Exception as exc:  # noqa: BLE001  (handed to the test that waits for it)
                    self.ready.put(exc)
            else:
                try:
                    self._execute(f'DROP DATABASE IF EXISTS "{job}" WITH (FORCE)')
                except Exception:  # noqa: BLE001  (a leftover database is harmless; the run goes on)
                    pass

    def new(self) -> str:
        """A fresh database's name; the next one is copied meanwhile."""
        self.jobs.put("")
        name = self.ready.get(timeout=600)
        if isinstance(name, Exception):
            raise name
        return name

    def drop_later(self, name: str) -> None:
        get_engine(self.url(name)).dispose()
        self.jobs.put(name)

    def close(self) -> None:
        self.jobs.put(None)
        self.worker.join()
        while not self.ready.empty():  # the spare copy nobody took
            if isinstance(spare := self.ready.get(), str):
                self._execute(f'DROP DATABASE IF EXISTS "{spare}" WITH (FORCE)')
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def _pg_databases():
    _require_pg()
    databases = _PgDatabases()
    yield databases
    databases.close()


@pytest.fixture
def pg_url(request):
    """A URL of a new, migrated PostgreSQL database on the local server, dropped afterwards.

    Each test gets its own database, a copy of this worker's migrated template, so tests on
    different xdist workers never see each other's rows. The suite fails (not skips) when the server
    is down, unless AIKB_TEST_SKIP_PG=1 is set.
    """
    databases = request.getfixturevalue("_pg_databases")  # fails or skips when the server is down
    name = databases.new()
    url = databases.url(name)
    open_engine(url)
    yield url
    databases.drop_later(name)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request) -> str:
    """Each test that takes this runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url):
    return open_engine(db_url)


CHROMIUM = "/usr/bin/chromium"  # Debian's chromium, installed by scripts/setup.sh --test (never `playwright install`)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright, one per browser-test module."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh --test` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright  # imported here: only browser tests need it

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
