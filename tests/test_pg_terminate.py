"""PostgreSQL backends terminated mid-ingest (issue 16 item 5, issue 17 row 5).

A real `aikb ingest` process with the real spaCy model stores a corpus into PostgreSQL while the test
terminates its backends (`pg_terminate_backend`) again and again. The run either finishes or fails with
a one-line message and a non-zero exit; no article is ever left without its claims; the next run
completes the rest, and the store ends equal to an undisturbed run's.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, func, select

from kb.db import open_engine, session_scope
from kb.models import Article
from kb.nlp.extract import EXTRACTOR_VERSION
from kb.pipeline.run import run_once
from kb.pipeline.feeds import add_feed
from _hardening_fixtures import write_corpus
from _ingest_fixtures import ingest_settings
from kb_helpers import claims_by_url

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "aikb-victim"
COUNT = 120
SEED = 7301


@pytest.fixture(scope="module")
def nlp():
    return pytest.importorskip("kb.nlp.pipeline").load_nlp()


def _unextracted(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Article.url).where(Article.extractor_version.is_(None))).all())


def _count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Article)).one()


class Terminator(threading.Thread):
    """Terminates every backend of APP_NAME on the database, again and again, while articles arrive."""

    def __init__(self, pg_url: str, engine) -> None:
        super().__init__(daemon=True)
        self.admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        self.database = pg_url.rsplit("/", 1)[1]
        self.engine = engine
        self.stop = threading.Event()
        self.killed = 0

    def run(self) -> None:
        last = 0
        while not self.stop.is_set():
            count = _count(self.engine)
            if count > last:  # the run is storing: cut it off mid-write
                with self.admin.connect() as conn:
                    self.killed += conn.execute(text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :db AND application_name = :app"),
                        {"db": self.database, "app": APP_NAME}).scalar_one()
                last = count + 8
            time.sleep(0.02)
        self.admin.dispose()


@pytest.mark.slow
def test_terminated_backends_leave_no_article_without_claims_and_the_next_run_completes(pg_url, tmp_path, nlp):
    # an undisturbed run of the same corpus, for comparison
    reference = open_engine(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    with session_scope(reference) as session:
        for path in write_corpus(tmp_path / "ref", COUNT, SEED):
            add_feed(session, str(path))
    run_once(reference, ingest_settings(str(reference.url)), nlp)
    expected = claims_by_url(reference)

    engine = open_engine(pg_url)
    with session_scope(engine) as session:
        for path in write_corpus(tmp_path / "corpus", COUNT, SEED):
            add_feed(session, str(path))
    config = tmp_path / "aikb.toml"
    config.write_text("")
    env = {**os.environ, "AIKB_DATABASE_URL": pg_url, "AIKB_HOST_DELAY": "0", "AIKB_CONFIG": str(config),
           "PYTHONPATH": str(ROOT), "PGAPPNAME": APP_NAME}
    terminator = Terminator(pg_url, engine)
    terminator.start()
    try:
        first = subprocess.run([sys.executable, "-m", "kb.cli", "ingest"], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=900)
    finally:
        terminator.stop.set()
        terminator.join()
    assert terminator.killed >= 1  # the run really lost connections
    assert "Traceback" not in first.stderr, first.stderr[-3000:]
    if first.returncode != 0:  # failing is allowed, but in one clear line that says what to do
        assert "database error" in first.stderr and "aikb ingest" in first.stderr, first.stderr[-2000:]
    # whatever happened, no article was stored without its claims
    assert _unextracted(engine) == []
    stored_first = _count(engine)

    again = subprocess.run([sys.executable, "-m", "kb.cli", "ingest"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    with Session(engine) as session:
        assert session.exec(select(func.count(func.distinct(Article.url_hash)))).one() == COUNT
        assert _count(engine) == COUNT >= stored_first
        assert set(session.exec(select(Article.extractor_version)).all()) == {EXTRACTOR_VERSION}
    assert claims_by_url(engine) == expected  # nothing lost, nothing doubled


def test_an_article_stored_without_claims_is_extracted_by_the_next_run(db_url, tmp_path, nlp):
    """The repair step: articles left without claims (by an older version's crash, or --no-extract)."""
    engine = open_engine(db_url)
    with session_scope(engine) as session:
        for path in write_corpus(tmp_path / "c", 12, SEED + 1, prefix="r"):
            add_feed(session, str(path))
    run_once(engine, ingest_settings(db_url), None)  # stored, not extracted
    assert len(_unextracted(engine)) == 12
    summary = run_once(engine, ingest_settings(db_url), nlp)  # nothing new to fetch; the repair runs
    assert summary.new == 0 and summary.repaired == 12
    assert _unextracted(engine) == [] and claims_by_url(engine)
