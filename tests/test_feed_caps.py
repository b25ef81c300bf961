"""Per-source caps on items and time per run (issue 17, row 7), on both databases with a real HTTP server.

A feed with many items, or with slow pages, is worked through a slice per run: each run stores at
most `max_items_per_source` new items and stops taking new items once `max_seconds_per_source` has
passed (after at least one, so every run makes progress); the cap is recorded against the source,
the source stays due, and the next run carries on where this one stopped, without duplicates.
"""
from __future__ import annotations

import time

from sqlmodel import Session, func, select

from kb.db import open_engine, session_scope, utcnow
from kb.models import Article, FetchLog, Source
from kb.pipeline.run import run_once
from kb.pipeline.feeds import add_feed
from _ingest_fixtures import Route, conditional, feed_server, ingest_settings, item, rss  # noqa: F401 - fixture


def story(n: int) -> str:
    return (f"Brightline Labs published evaluation note number {n} for its Brightline {n} model, reporting "
            f"{50 + n % 40}.{n % 10} on GPQA Diamond under the company's standard prompt, with details in a card.")


def articles(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Article)).one()


def caps(engine) -> list[FetchLog]:
    with Session(engine) as session:
        return session.exec(select(FetchLog).where(FetchLog.outcome == "capped").order_by(FetchLog.id)).all()


def test_an_item_cap_spreads_a_big_feed_over_runs(db_url, feed_server):
    body = rss([item(f"g{n}", f"Brightline note {n}", story(n), feed_server.url(f"/n/{n}")) for n in range(25)])
    feed_server.routes["/big.xml"] = conditional(body, '"v1"', "Mon, 02 Nov 2026 10:00:00 GMT")
    engine = open_engine(db_url)
    settings = ingest_settings(db_url, max_items_per_source=10)
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/big.xml"))
    news = []
    for _ in range(4):
        summary = run_once(engine, settings, None, due_only=True)  # as a worker would: only due sources
        news.append(summary.new + summary.clustered)  # near-identical notes may share a story
        assert summary.failed == 0, summary.errors
    assert news == [10, 10, 5, 0]  # the fourth found nothing due: the feed is done until its next time
    assert run_once(engine, settings, None).new == 0  # a plain run asks conditionally: 304
    assert articles(engine) == 25
    recorded = caps(engine)
    assert len(recorded) == 2 and all("item cap" in r.error for r in recorded)
    with Session(engine) as session:
        source = session.exec(select(Source)).one()
    assert source.failure_count == 0 and source.last_error is None  # a cap is not a failure
    assert source.etag == '"v1"'  # validators stored only once the whole feed was taken in
    # the capped runs refetched the feed in full (no validators sent), the last one conditionally
    feeds = [headers for path, headers in feed_server.requests if path == "/big.xml"]
    assert [("if-none-match" in h) for h in feeds] == [False, False, False, True]


def test_a_time_cap_stops_taking_items_after_the_first(db_url, feed_server):
    """With a zero time budget every run still stores one item, then records the cap."""
    def slow_page(handler):
        time.sleep(0.05)  # a slow site; the assertions below do not depend on how slow
        page = f"<html><body><article><h1>Note</h1><p>{story(int(handler.path.rsplit('/', 1)[1]))}</p>" \
               "</article></body></html>"
        data = page.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    for n in range(3):
        feed_server.routes[f"/p/{n}"] = slow_page
    feed_server.routes["/slow.xml"] = Route(body=rss([
        item(f"s{n}", f"Slow note {n}", story(n), feed_server.url(f"/p/{n}"), full=False) for n in range(3)]))
    engine = open_engine(db_url)
    settings = ingest_settings(db_url, max_seconds_per_source=0, allow_private_networks=True)
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/slow.xml"))
    news = [(lambda s: s.new + s.clustered)(run_once(engine, settings, None)) for _ in range(4)]
    assert news == [1, 1, 1, 0]
    assert len(caps(engine)) == 2 and all("time cap" in r.error for r in caps(engine))
    assert articles(engine) == 3
    for n in range(3):  # no page fetched twice
        assert len(feed_server.requests_for(f"/p/{n}")) == 1


def test_a_capped_source_is_due_again_at_once(db_url, feed_server):
    feed_server.routes["/due.xml"] = Route(body=rss([item(f"d{n}", f"Due note {n}", story(n)) for n in range(3)],
                                                    extra="<ttl>600</ttl>"))
    engine = open_engine(db_url)
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/due.xml"))
    before = utcnow()
    run_once(engine, ingest_settings(db_url, max_items_per_source=1), None, due_only=True)
    with Session(engine) as session:
        source = session.exec(select(Source)).one()
    due = source.next_fetch_at.replace(tzinfo=None)
    assert due <= before.replace(tzinfo=None) + (utcnow() - before)  # not 600 minutes away


def test_the_documented_lease_is_the_lease_and_outlasts_the_time_cap():
    import re
    from pathlib import Path

    from kb.settings import Settings
    from kb.store.sources import LEASE

    text = (Path(__file__).resolve().parent.parent / "docs" / "deployment.md").read_text(encoding="utf-8")
    (minutes,) = re.findall(r"\((\d+) minutes, `kb\.store\.sources\.LEASE`", text)
    assert int(minutes) * 60 == LEASE.total_seconds()
    assert Settings().max_seconds_per_source < LEASE.total_seconds()
