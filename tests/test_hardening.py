"""Hardening (issue 8): hostile feeds and pages, crashes mid-run, concurrent use, untrusted text.

Every case runs against real components: a local HTTP server on 127.0.0.1 (tests/_ingest_fixtures),
real SQLite files and the real PostgreSQL server, `aikb ingest` as a real subprocess, the real spaCy
model and the Streamlit app under AppTest. Inputs are written for these tests (_hardening_fixtures).
"""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from kb.db import open_engine, session_scope
from kb.models import Article, ClaimSource, FetchLog, ScoreClaim, Source
from kb.pipeline import run_once
from kb.sources import add_feed
from _hardening_fixtures import (
    MALFORMED, SCRIPT_MARKERS, SCRIPTED_HTML, ConnectSpy, corpus_items, entity_bomb, external_entity,
    streaming_forever, write_corpus,
)
from _ingest_fixtures import (  # noqa: F401 - feed_server is a fixture
    FeedServer, Route, feed_server, gzip_bomb, ingest_settings, item, rss, trickle,
)

ROOT = Path(__file__).resolve().parent.parent
GOOD_BODIES = [
    "Osprey AI said its Kestrel 4 model scored 77.3 on GPQA Diamond, up from 70.1 for the previous version.",
    "Tamarind Research published the weights of Plover 2 under the MIT licence and a short technical report.",
    "Northwind Compute cut the price of its largest model by forty percent for customers in Europe.",
]


def _passwd_marker() -> str:
    """A line of this machine's /etc/passwd: it must never reach the store."""
    try:
        return Path("/etc/passwd").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "root:x:0:0"


def _every_stored_text(engine) -> str:
    """Every text the ingest could have written, joined: articles, sources, the fetch log."""
    with Session(engine) as session:
        parts = []
        for a in session.exec(select(Article)).all():
            parts += [a.title or "", a.text, a.url or "", a.author or "", a.outlet or ""]
        for s in session.exec(select(Source)).all():
            parts += [s.title or "", s.last_error or ""]
        for f in session.exec(select(FetchLog)).all():
            parts += [f.error or ""]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Bad input over a real local HTTP server
# ---------------------------------------------------------------------------------------------

# case -> (path, a fragment of the error recorded against its source)
HOSTILE_FEEDS = {
    "malformed": ("/h/malformed.xml", "malformed"),
    "entity bomb": ("/h/bomb-entities.xml", "entities"),
    "external entity": ("/h/xxe.xml", "entities"),
    "gzip bomb": ("/h/gzip-bomb.xml", "after decompression"),
    "over the cap (Content-Length)": ("/h/huge.xml", "body over"),
    "over the cap (streamed)": ("/h/endless.xml", "body over"),
    "one byte a second": ("/h/trickle.xml", "deadline"),
    "redirect loop": ("/h/loop-a", "redirect loop"),
    "redirect chain": ("/h/chain-0", "too many redirects"),
}


def _serve_hostile(server: FeedServer, cap: int) -> None:
    r = server.routes
    r["/h/malformed.xml"] = Route(body=MALFORMED)
    r["/h/bomb-entities.xml"] = Route(body=entity_bomb())
    r["/h/xxe.xml"] = Route(body=external_entity())
    r["/h/gzip-bomb.xml"] = gzip_bomb(40_000_000)
    r["/h/huge.xml"] = Route(body=rss([item(f"huge{i}", "x", "y" * 2000) for i in range(cap // 1000)]))
    r["/h/endless.xml"] = streaming_forever()
    r["/h/trickle.xml"] = trickle(rss([item("t1", "slow", GOOD_BODIES[0])]), 1.0)
    r["/h/loop-a"] = Route(302, {"Location": "/h/loop-b"})
    r["/h/loop-b"] = Route(302, {"Location": server.url("/h/loop-a")})
    for n in range(10):
        r[f"/h/chain-{n}"] = Route(302, {"Location": f"/h/chain-{n + 1}"})


def _odd_feeds(server: FeedServer) -> dict[str, str]:
    """Feeds that are valid enough to store but odd: encodings, missing fields, duplicate GUIDs, scripts."""
    r = server.routes
    # invalid UTF-8: a feed declared UTF-8 with stray bytes that are not
    bad_utf8 = rss([item("u1", "Broken bytes", "Heron 5 scored 58.0 on HumanEval BADBYTES today", "https://enc.example/u1")])
    r["/o/bad-utf8.xml"] = Route(body=bad_utf8.replace(b"BADBYTES", b"\xff\xfe\xc3(\x80"))
    # cp1252 bytes in a feed that says UTF-8 (header and declaration)
    cp1252 = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\u00e9 News</title>'
              '<item><guid>w1</guid><link>https://enc.example/w1</link><title>\u201cNa\u00efve\u201d caf\u00e9 '
              'models</title><description>The caf\u00e9 chain in Z\u00fcrich said its na\u00efve baseline scored '
              '12.5 on MMLU-Pro.</description></item></channel></rss>').encode("cp1252")
    r["/o/cp1252.xml"] = Route(body=cp1252)
    # UTF-8 bytes in a feed that says ISO-8859-1
    latin = ('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Latin</title>'
             '<item><guid>l1</guid><link>https://enc.example/l1</link><title>M\u00fcnchen lab ships Gannet 9'
             '</title><description>A lab in M\u00fcnchen released Gannet 9 \u2014 its first open model.'
             '</description></item></channel></rss>').encode("utf-8")
    r["/o/latin.xml"] = Route(headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"}, body=latin)
    # an item's page: UTF-8 bytes under a Latin-1 header and <meta>
    r["/o/latin-page.xml"] = Route(body=rss([item("lp1", "Page in Latin-1", "summary", server.url("/o/latin.html"),
                                                  full=False)]))
    r["/o/latin.html"] = Route(headers={"Content-Type": "text/html; charset=ISO-8859-1"},
                               body="<html><head><meta charset='iso-8859-1'><title>Z\u00fcrich</title></head><body>"
                                    "<article><p>A team in Z\u00fcrich trained Plover 8 \u2014 and published the "
                                    "weights.</p></article></body></html>".encode("utf-8"))
    # items with no link, no title, no date
    r["/o/sparse.xml"] = Route(body=rss([
        "<item><guid isPermaLink=\"false\">nolink-1</guid><title>No link here</title>"
        f"<description>{GOOD_BODIES[1]}</description></item>",
        f"<item><guid isPermaLink=\"false\">notitle-1</guid><link>https://sparse.example/nt</link>"
        f"<description>{GOOD_BODIES[2]}</description></item>",
        "<item><link>https://sparse.example/nodate</link><title>No date</title>"
        "<description>Avocet 3 from Marlin Labs reached 44.0 on LiveCodeBench in a preview.</description></item>",
    ]))
    # the same GUID twice in one feed, with different content and links
    r["/o/dupe-guid.xml"] = Route(body=rss([
        item("same-guid", "First telling", "Shrike 7 scored 81.5 on MATH-500, Quill Systems said.", "https://dup.example/1"),
        item("same-guid", "Second telling", "Shrike 7 scored 18.5 on MATH-500, a rival claimed.", "https://dup.example/2"),
    ]))
    # scripts, event handlers and javascript: links, in the feed and on a summary item's page
    r["/o/scripted.xml"] = Route(body=rss([
        item("js-1", "Scripted <script>alert(7)</script>item", SCRIPTED_HTML, "https://js.example/1"),
        item("js-2", "Scripted page", "summary only", server.url("/o/page.html"), full=False),
    ]))
    r["/o/page.html"] = Route(headers={"Content-Type": "text/html; charset=utf-8"},
                              body=f"<html><head><title>Scripted page</title><script>alert(8)</script></head>"
                                   f"<body onload=\"alert(9)\"><article><h1>Scripted page</h1>{SCRIPTED_HTML}"
                                   f"<p>Heron 6 from Osprey AI was released to researchers this week.</p></article>"
                                   f"</body></html>".encode())
    return {"bad utf-8": "/o/bad-utf8.xml", "cp1252 labelled utf-8": "/o/cp1252.xml",
            "utf-8 labelled latin-1": "/o/latin.xml", "utf-8 page labelled latin-1": "/o/latin-page.xml",
            "sparse items": "/o/sparse.xml",
            "duplicate guids": "/o/dupe-guid.xml", "scripts": "/o/scripted.xml"}


def test_hostile_feeds_recorded_per_source_and_good_feed_stored(db_url, feed_server):
    engine = open_engine(db_url)
    cap = 300_000
    settings = ingest_settings(db_url, max_bytes=cap, timeout=1.0)
    _serve_hostile(feed_server, cap)
    odd = _odd_feeds(feed_server)
    good_items = [item(f"good-{i}", f"Good {i}", body, f"https://good.example/{i}") for i, body in enumerate(GOOD_BODIES)]
    feed_server.routes["/good.xml"] = Route(body=rss(good_items))
    with session_scope(engine) as session:
        for path, _ in HOSTILE_FEEDS.values():
            add_feed(session, feed_server.url(path))
        for path in odd.values():
            add_feed(session, feed_server.url(path))
        add_feed(session, feed_server.url("/good.xml"))

    started = time.monotonic()
    summary = run_once(engine, settings)
    elapsed = time.monotonic() - started

    # each hostile feed: one error row, and the error on its source; none stopped the run
    with Session(engine) as session:
        for case, (path, fragment) in HOSTILE_FEEDS.items():
            url = feed_server.url(path)
            rows = session.exec(select(FetchLog).where(FetchLog.url == url, FetchLog.kind == "feed")).all()
            assert [r.outcome for r in rows] == ["error"], case
            assert fragment in rows[0].error, (case, rows[0].error)
            source = session.exec(select(Source).where(Source.url == url)).one()
            assert source.failure_count == 1 and fragment in source.last_error, case
        trickled = session.exec(select(FetchLog).where(FetchLog.url == feed_server.url("/h/trickle.xml"))).one()
        assert trickled.duration_ms < 5000  # bounded by the 2 s total deadline, not by the body's length
        articles = session.exec(select(Article)).all()
    assert summary.failed >= len(HOSTILE_FEEDS)
    assert elapsed < 60
    by_url = {a.url: a for a in articles}
    # the good feed in the same run is stored whole
    for i, body in enumerate(GOOD_BODIES):
        assert body in by_url[f"https://good.example/{i}"].text
    # nothing expanded from the entity bombs, nothing read from the local file
    stored = _every_stored_text(engine)
    assert _passwd_marker() not in stored and "root:x:0" not in stored
    assert "hahaha" not in stored

    # encodings: decoded sensibly, stored, no crash
    assert "HumanEval" in by_url["https://enc.example/u1"].text
    cp = by_url["https://enc.example/w1"]
    assert "caf\u00e9" in cp.text and "Z\u00fcrich" in cp.text and "\u201cNa\u00efve\u201d" in cp.title
    latin = by_url["https://enc.example/l1"]
    assert "M\u00fcnchen" in latin.text and "\u2014" in latin.text and "M\u00fcnchen" in latin.title
    page = by_url[feed_server.url("/o/latin.html")]
    assert "Z\u00fcrich trained Plover 8 \u2014" in page.text
    # sparse items: all three stored, with what they have
    assert any(a.title == "No link here" and GOOD_BODIES[1] in a.text for a in articles)
    assert GOOD_BODIES[2] in by_url["https://sparse.example/nt"].text
    assert by_url["https://sparse.example/nodate"].published_at is None
    # duplicate GUIDs in one feed: the first telling is kept, the second is a duplicate, not a second row
    dupes = [a for a in articles if a.url and a.url.startswith("https://dup.example/")]
    assert [a.url for a in dupes] == ["https://dup.example/1"]
    # scripts, event handlers and javascript: links never reach the clean text or the title
    scripted = [a for a in articles if a.title and a.title.startswith("Scripted")]
    assert len(scripted) == 2
    for a in scripted:
        assert "Gannet 3" in a.text
        for marker in SCRIPT_MARKERS:
            assert marker not in a.text and marker not in a.title, (a.title, marker)

    # a second run over the same feeds: nothing new, nothing doubled
    again = run_once(engine, settings)
    assert again.new == 0 and again.clustered == 0
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == len(articles)
        assert session.exec(select(func.count(func.distinct(Article.url_hash)))).one() == len(articles)


def test_changed_content_under_a_known_guid_is_not_doubled(db_url, feed_server):
    """A feed that reuses a GUID for new content (a correction, a recycled id) never stores it twice."""
    engine = open_engine(db_url)
    settings = ingest_settings(db_url)
    feed_server.routes["/g.xml"] = Route(body=rss([item("g-1", "Original", GOOD_BODIES[0])]))
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/g.xml"))
    assert run_once(engine, settings).new == 1
    feed_server.routes["/g.xml"] = Route(body=rss([item("g-1", "Rewritten", GOOD_BODIES[1])]))
    again = run_once(engine, settings)
    assert again.new == 0 and again.duplicate == 1
    with Session(engine) as session:
        rows = session.exec(select(Article)).all()
    assert len(rows) == 1 and rows[0].title == "Original"


PRIVATE_LINKS = ["http://169.254.169.254/latest/meta-data/iam/", "http://10.20.30.40/admin", "http://192.168.1.1/",
                 "http://172.16.9.9:8080/x", "http://[fd00::5]/y", "http://0.0.0.0/z"]


def test_private_links_blocked_before_any_connection(db_url, feed_server, monkeypatch):
    spy = ConnectSpy(monkeypatch)
    engine = open_engine(db_url)
    inside = FeedServer()  # another origin on loopback: the feed's links may not reach it by default
    try:
        inside.routes["/secret.html"] = Route(headers={"Content-Type": "text/html"}, body=b"<p>SECRET INSIDE</p>")
        feed_server.routes["/to-metadata"] = Route(302, {"Location": "http://169.254.169.254/latest/meta-data/"})
        links = PRIVATE_LINKS + [inside.url("/secret.html"), inside.url("/secret.html").replace("127.0.0.1", "127.0.0.2"),
                                 f"http://localhost:{inside.port}/secret.html", feed_server.url("/to-metadata")]
        items = [item(f"priv-{i}", f"Private {i}", f"Summary {i} of an intranet item.", link, full=False)
                 for i, link in enumerate(links)]
        feed_server.routes["/private.xml"] = Route(body=rss(items))
        with session_scope(engine) as session:
            add_feed(session, feed_server.url("/private.xml"))

        summary = run_once(engine, ingest_settings(db_url))

        assert summary.page_errors == len(links)
        with Session(engine) as session:
            pages = {p.url: p for p in session.exec(select(FetchLog).where(FetchLog.kind == "page")).all()}
            assert set(pages) == set(links)
            assert all(p.outcome == "error" and "blocked" in p.error for p in pages.values()), \
                [p.error for p in pages.values()]
            assert session.exec(select(func.count()).select_from(Article)).one() == len(links)  # summaries kept
        assert inside.requests == []  # the other loopback origin was never asked
        assert inside.port not in spy.ports_of("127.0.0.1") | spy.ports_of("127.0.0.2") | spy.ports_of("::1")
        assert spy.refused == []  # the guard refused first: the spy never had to
        assert not any(h not in ("127.0.0.1", "::1") for h, _ in spy.seen), spy.seen
        assert "SECRET INSIDE" not in _every_stored_text(engine)
    finally:
        inside.close()


def test_private_network_setting_allows_loopback_pages(db_url, feed_server, monkeypatch):
    spy = ConnectSpy(monkeypatch)
    engine = open_engine(db_url)
    inside = FeedServer()
    try:
        inside.routes["/intranet.html"] = Route(
            headers={"Content-Type": "text/html"},
            body=f"<html><body><article><h1>Intranet</h1><p>{GOOD_BODIES[0]}</p></article></body></html>".encode())
        inside.routes["/intranet2.html"] = Route(
            headers={"Content-Type": "text/html"},
            body=f"<html><body><article><h1>Intranet 2</h1><p>{GOOD_BODIES[1]}</p></article></body></html>".encode())
        links = [inside.url("/intranet.html"), f"http://localhost:{inside.port}/intranet2.html"]
        feed_server.routes["/intranet.xml"] = Route(body=rss([
            item(f"in-{i}", f"Intranet {i}", "summary", link, full=False) for i, link in enumerate(links)]))
        with session_scope(engine) as session:
            add_feed(session, feed_server.url("/intranet.xml"))

        summary = run_once(engine, ingest_settings(db_url, allow_private_networks=True))

        assert summary.page_errors == 0
        assert sorted(p for p, _ in inside.requests if p != "/robots.txt") == ["/intranet.html", "/intranet2.html"]
        with Session(engine) as session:
            texts = [a.text for a in session.exec(select(Article)).all()]
        assert sorted(texts) == sorted([GOOD_BODIES[0], GOOD_BODIES[1]]) or \
            [GOOD_BODIES[0] in t or GOOD_BODIES[1] in t for t in texts] == [True, True]
        assert spy.refused == [] and inside.port in spy.ports_of("127.0.0.1") | spy.ports_of("::1")
    finally:
        inside.close()


@pytest.mark.slow
def test_ten_thousand_items_in_one_feed(sqlite_url, feed_server):
    engine = open_engine(sqlite_url)
    items = [x for feed in corpus_items(10_000, seed=10, prefix="big") for x in feed]
    feed_server.routes["/big.xml"] = Route(body=rss(items))
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/big.xml"))
    summary = run_once(engine, ingest_settings(sqlite_url, max_bytes=60_000_000))
    assert summary.failed == 0 and summary.new + summary.clustered == 10_000
    with Session(engine) as session:
        assert session.exec(select(func.count(func.distinct(Article.url_hash)))).one() == 10_000
