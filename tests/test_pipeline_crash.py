"""Kill an ingest (SIGKILL) in the middle of a run, run again: nothing lost, nothing doubled, no stale lock."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import Session, func, select

from kb.db import open_engine, session_scope
from kb.models import Article
from kb.pipeline.feeds import add_feed
from _ingest_fixtures import item, rss

ROOT = Path(__file__).resolve().parent.parent


def test_sigkill_mid_run_then_rerun(db_url, tmp_path):
    engine = open_engine(db_url)
    feeds = []
    for f in range(3):
        path = tmp_path / f"feed{f}.xml"
        path.write_bytes(rss([item(f"k{f}-{i}", f"Crash item {f}-{i}",
                                   f"Feed {f} story {i}: the lab number {i * 31 + f} shipped release {i} "
                                   f"of its model on day {i % 17} and priced it at {i % 9} dollars per call.",
                                   f"https://crash.example/{f}/{i}") for i in range(150)]))
        feeds.append(path)
    with session_scope(engine) as session:
        for path in feeds:
            add_feed(session, str(path))
    env = {**os.environ, "AIKB_DATABASE_URL": db_url, "AIKB_HOST_DELAY": "0"}
    command = [sys.executable, "-m", "kb.cli", "ingest", "--no-extract"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until the run is storing, then kill it mid-flight
        with Session(engine) as session:
            if session.exec(select(func.count()).select_from(Article)).one() >= 20:
                break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Session(engine) as session:
        partial = session.exec(select(func.count()).select_from(Article)).one()
    assert 0 < partial < 450

    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr  # no stale lock, no stale lease blocking the sources
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(Article)).one()
        distinct = session.exec(select(func.count(func.distinct(Article.url_hash)))).one()
    assert total == distinct == 450
