"""Three `aikb ingest --worker` processes share one PostgreSQL store and one local feed server.

The workers are real subprocesses of the installed command. The server holds every feed request
until all three workers have asked for one (so they really run at the same time), then answers
slowly. Each worker names itself in its User-Agent (its own settings file), so the server's log
says who fetched what. Neighbouring feeds share an item (the same link, as syndication does), so
two workers race to store the same article.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from kb.db import open_engine, session_scope
from kb.pipeline.feeds import add_feed
from _ingest_fixtures import Route, feed_server, item, rss, send  # noqa: F401 - fixture

WORKERS = 3
FEEDS = 9
ROOT = Path(__file__).resolve().parent.parent

SENTENCES = [
    "Harbor Labs said its Skiff 3 model scored 71.5 on GPQA Diamond in tests run by its own team.",
    "Quarry AI appointed Mina Osei as head of research after a year of rapid hiring in Lisbon.",
    "The Tallow 2 weights are available under an Apache 2.0 licence, the company wrote on its blog.",
    "Independent testers measured Brindle 4 Pro at 58.2 percent on SWE-bench Verified last week.",
    "Rook Systems will keep its newest model behind a paid API while safety reviews continue.",
]


def _body(feed: int, n: int) -> str:
    words = " ".join(SENTENCES[(feed + n + k) % len(SENTENCES)] for k in range(3))
    return f"Report {feed}-{n}. {words}"


def _feeds() -> tuple[dict[str, bytes], set[str]]:
    """FEEDS feed documents; feeds 2k and 2k+1 share their last item (same link). Returns (docs, links)."""
    docs, links = {}, set()
    for f in range(FEEDS):
        entries = []
        for n in range(3):
            link = f"https://news.example/{f}/{n}"
            links.add(link)
            entries.append(item(f"feed{f}-{n}", f"Story {f}-{n}", _body(f, n), link=link))
        shared = f"https://wire.example/shared/{f // 2}"
        links.add(shared)
        entries.append(item(f"feed{f}-shared", f"Shared story {f // 2}", _body(100, f // 2), link=shared))
        docs[f"/feeds/{f}.xml"] = rss(entries, title=f"Feed {f}")
    return docs, links


class _Gate:
    """Holds feed requests until WORKERS distinct User-Agents have asked (or a timeout), then answers slowly."""

    def __init__(self, bodies: dict[str, bytes], delay: float = 0.3, timeout: float = 60.0) -> None:
        self.bodies, self.delay, self.timeout = bodies, delay, timeout
        self.agents: set[str] = set()
        self.log: list[tuple[str, str, float, float]] = []  # path, agent, started, ended
        self.lock = threading.Lock()
        self.all_in = threading.Event()

    def route(self, path: str):
        def handle(handler) -> None:
            started = time.monotonic()
            agent = handler.headers.get("User-Agent", "")
            with self.lock:
                self.agents.add(agent)
                if len(self.agents) >= WORKERS:
                    self.all_in.set()
            self.all_in.wait(self.timeout)
            time.sleep(self.delay)
            send(handler, Route(200, {"Content-Type": "application/rss+xml"}, self.bodies[path]))
            with self.lock:
                self.log.append((path, agent, started, time.monotonic()))
        return handle


def _start_worker(n: int, db_url: str, tmp_path: Path) -> subprocess.Popen:
    config = tmp_path / f"worker{n}.toml"
    config.write_text(f'user_agent = "aikb-test-worker-{n}"\nhost_delay = 0.0\ntimeout = 90.0\n')
    env = {**os.environ, "AIKB_DATABASE_URL": db_url}
    env.pop("AIKB_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kb.cli", "--config", str(config), "ingest", "--worker", "--exit-when-idle",
         "--batch", "1", "--no-extract"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_workers(count: int, db_url: str, tmp_path: Path) -> list[tuple[int, str, str]]:
    procs = [_start_worker(n, db_url, tmp_path) for n in range(count)]
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        out.append((proc.returncode, stdout, stderr))
    return out


@pytest.mark.postgres
@pytest.mark.slow
def test_three_workers_share_feeds_without_double_fetch_or_double_store(pg_url, feed_server, tmp_path):
    docs, links = _feeds()
    gate = _Gate(docs)
    for path in docs:
        feed_server.routes[path] = gate.route(path)
    engine = open_engine(pg_url)
    with session_scope(engine) as session:
        for path in docs:
            add_feed(session, feed_server.url(path))

    results = _run_workers(WORKERS, pg_url, tmp_path)
    for code, stdout, stderr in results:
        assert code == 0, stderr[-2000:]
        assert "failed" in stdout  # the summary line of each worker

    # every feed fetched exactly once, by one of the workers, and all three took part
    fetched = [path for path, *_ in gate.log]
    assert sorted(fetched) == sorted(docs), fetched
    assert {agent for _, agent, _, _ in gate.log} == {f"aikb-test-worker-{n}" for n in range(WORKERS)}
    assert gate.all_in.is_set(), "the workers never ran at the same time"

    with Session(engine) as session:
        articles = session.execute(text("select count(*), count(distinct url), count(distinct url_hash) "
                                        "from article")).one()
        assert tuple(articles) == (len(links), len(links), len(links))
        stored = {row[0] for row in session.execute(text("select url from article"))}
        assert stored == links
        feed_rows = session.execute(text("select count(*) from fetchlog where kind = 'feed' and outcome = 'ok'")).one()[0]
        assert feed_rows == FEEDS
        leased = session.execute(text("select count(*) from source where lease_owner is not null")).one()[0]
        assert leased == 0

    # a second round of workers finds nothing due: no feed is fetched again, nothing is stored again
    before = len(gate.log)
    results = _run_workers(2, pg_url, tmp_path)
    assert all(code == 0 for code, _, _ in results), [r[2][-500:] for r in results]
    assert len(gate.log) == before
    with Session(engine) as session:
        assert session.execute(text("select count(*) from article")).one()[0] == len(links)
