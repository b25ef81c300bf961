"""`aikb reextract` beside `aikb ingest` (issue 16, item 4): on SQLite they take turns on the ingest lock,
on PostgreSQL they run at once; either way every article ends with claims from the current extractor.

Real processes (`python -m kb.cli`), the real spaCy model, local feed files written by the test, both
databases.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import Session, func, select

from kb.pipeline.reextract import reextract
from kb.cli import cli
from kb.db import open_engine, session_scope
from kb.errors import StoreError
from kb.pipeline.lock import ingest_lock, lock_path
from kb.models import Article, ClaimSource
from kb.nlp.extract import EXTRACTOR_VERSION
from kb.pipeline.run import run_once
from kb.pipeline.feeds import add_feed
from _hardening_fixtures import write_corpus
from _ingest_fixtures import ingest_settings
from kb_helpers import claims_by_url

ROOT = Path(__file__).resolve().parent.parent
OLD = "2020.01.01-old"


@pytest.fixture(scope="module")
def nlp():
    return pytest.importorskip("kb.nlp.pipeline").load_nlp()


def _env(db_url: str, tmp_path: Path) -> dict:
    config = tmp_path / "aikb.toml"
    config.write_text("")
    return {**os.environ, "AIKB_DATABASE_URL": db_url, "AIKB_HOST_DELAY": "0", "AIKB_CONFIG": str(config),
            "PYTHONPATH": str(ROOT)}


def _old_store(engine, db_url: str, tmp_path: Path, nlp, count: int) -> None:
    """COUNT articles ingested and extracted, then marked as extracted by an older extractor."""
    with session_scope(engine) as session:
        for path in write_corpus(tmp_path / "old", count, 7101, prefix="old"):
            add_feed(session, str(path))
    run_once(engine, ingest_settings(db_url), nlp)
    with Session(engine) as session:
        session.connection().execute(text("UPDATE article SET extractor_version = :v"), {"v": OLD})
        session.connection().execute(text("UPDATE claimsource SET extractor_version = :v"), {"v": OLD})
        session.commit()


def _check_everything_current(engine, expected_articles: int, before: dict[str, list[tuple]]) -> None:
    with Session(engine) as session:
        articles = session.exec(select(Article)).all()
        assert len(articles) == expected_articles  # nothing lost
        assert session.exec(select(func.count(func.distinct(Article.url_hash)))).one() == expected_articles
        # every article was extracted by the current extractor, its claims stored with it
        assert {a.extractor_version for a in articles} == {EXTRACTOR_VERSION}
        versions = set(session.exec(select(ClaimSource.extractor_version)).all())
        assert versions == {EXTRACTOR_VERSION}  # no claim of the old extractor survives
    after = claims_by_url(engine)
    # the re-extracted articles report exactly what they did before (same text, same extractor code)
    assert {url: after.get(url) for url in before} == before


def _wait_for_lock_holder(path: str, pid: int, proc: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if Path(path).read_text().split()[:1] == [str(pid)]:
                return
        except (OSError, IndexError):
            pass
        time.sleep(0.05)


@pytest.mark.slow
def test_reextract_and_ingest_at_once_end_with_every_article_current(db_url, tmp_path, nlp):
    engine = open_engine(db_url)
    old, new = 40, 80
    _old_store(engine, db_url, tmp_path, nlp, old)
    before = claims_by_url(engine)
    with session_scope(engine) as session:
        for path in write_corpus(tmp_path / "new", new, 7102, prefix="new"):
            add_feed(session, str(path))
    env = _env(db_url, tmp_path)
    ingest = subprocess.Popen([sys.executable, "-m", "kb.cli", "ingest"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if engine.dialect.name == "sqlite":  # start re-extraction once the ingest really holds the file
        _wait_for_lock_holder(lock_path(engine), ingest.pid, ingest)
    reex = subprocess.Popen([sys.executable, "-m", "kb.cli", "reextract"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ingest_out, ingest_err = ingest.communicate(timeout=600)
    reex_out, reex_err = reex.communicate(timeout=600)
    assert ingest.returncode == 0, ingest_err[-2000:]
    assert reex.returncode == 0, reex_err[-2000:]
    assert "Traceback" not in ingest_err + reex_err and "locked" not in reex_err
    assert f"extractor {EXTRACTOR_VERSION}" in reex_out
    _check_everything_current(engine, old + new, before)
    assert sum(1 for url in claims_by_url(engine) if "/new/" in url) > new // 2  # the new ones have claims too


def test_reextract_waits_for_the_ingest_lock_with_a_message(sqlite_url, tmp_path, nlp):
    engine = open_engine(sqlite_url)
    _old_store(engine, sqlite_url, tmp_path, nlp, 6)
    before = claims_by_url(engine)
    messages: list[str] = []
    result = {}
    with ingest_lock(engine):  # an ingest is running
        thread = threading.Thread(target=lambda: result.update(
            summary=reextract(engine, nlp, wait=120, on_wait=messages.append)))
        thread.start()
        for _ in range(1200):
            if messages:
                break
            time.sleep(0.05)
        assert messages and "waiting for the ingest" in messages[0]
        assert thread.is_alive() and "summary" not in result  # it has not written anything yet
    thread.join(timeout=300)
    assert result["summary"].articles == 6 and result["summary"].failed == 0
    _check_everything_current(engine, 6, before)
    # without waiting, it says at once that an ingest is running, in one line
    with ingest_lock(engine):
        with pytest.raises(StoreError, match="another ingest is running"):
            reextract(engine, nlp, wait=0)
        out = CliRunner().invoke(cli, ["--db", sqlite_url, "reextract", "--wait", "0"])
        assert out.exit_code != 0 and "another ingest is running" in out.output and "Traceback" not in out.output
