"""Shared fixtures: real databases (a SQLite file and a fresh PostgreSQL database per test)."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from kb.db import open_engine

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


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A URL of a new SQLite file, migrated."""
    url = f"sqlite:///{tmp_path / 'aikb.sqlite3'}"
    open_engine(url)
    return url


@pytest.fixture
def pg_url():
    """A URL of a new, migrated PostgreSQL database on the local server, dropped afterwards.

    The suite fails (not skips) when the server is down, unless AIKB_TEST_SKIP_PG=1 is set.
    """
    problem = _pg_available()
    if problem:
        if os.environ.get("AIKB_TEST_SKIP_PG") == "1":
            pytest.skip(f"PostgreSQL unavailable: {problem}")
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is unavailable: {problem}")
    name = f"aikb_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    open_engine(url)
    yield url
    from kb.db import get_engine

    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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
