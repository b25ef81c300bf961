"""Local files and the links inside feeds (issue 17, rows 2, 3 and 6), against real files, a real HTTP
server on 127.0.0.1 and both databases.

- Links inside any feed, a local feed file included, resolve to http(s) only: a feed in a downloads
  folder cannot make aikb read ../.ssh/id_rsa or file:///.../config.toml.
- OPML entries and the UI's forms take http(s) URLs only (a server path is never added, and the
  answer does not reveal which paths exist).
- Files the user names are regular files read under the HTTP body cap: /dev/zero, a named pipe, a
  directory or an oversized file get a one-line error, never a hang or a MemoryError.
"""
from __future__ import annotations

import json
import os
import threading
import zlib

import pytest
from sqlmodel import Session, select

from ingest.fetch import fetch_file
from ingest.localfile import read_local_file
from kb.db import open_engine, session_scope
from kb.errors import InputError
from kb.models import Article, FetchLog, Source
from kb.pipeline.run import ingest_article, run_once
from kb.pipeline.feeds import add_feed, import_opml
from _ingest_fixtures import Route, feed_server, ingest_options, ingest_settings, item, rss  # noqa: F401 - fixture

SECRET_KEY = "PRIVATE-KEY-MATERIAL-3f9a"
SECRET_CONFIG = "smtp_user = 'desk-4c21'"
BODY = ("Halcyon Research said Aurora-3 reached 88.1 on CharXiv Reasoning in its own tests, a gain of two "
        "points over the previous release, and promised a fuller evaluation report next month.")


def body(n: int) -> str:
    """A distinct summary per item (identical texts would be stored once, as duplicates)."""
    return f"Note {n}: Aurora-3 reached {80 + n}.5 on CharXiv Reasoning in Halcyon's tests."


def bounded(fn, *args, seconds: float = 120, **kwargs):
    """FN(*ARGS) in a thread; fails the test instead of hanging it forever when FN blocks (a pipe read)."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"{fn.__name__} still blocked after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture
def home(tmp_path):
    """A user's home: secrets beside a downloads folder that holds feed files."""
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "id_rsa").write_text(f"-----BEGIN KEY-----\n{SECRET_KEY}\n-----END KEY-----\n")
    (tmp_path / ".config" / "aikb").mkdir(parents=True)
    config = tmp_path / ".config" / "aikb" / "config.toml"
    config.write_text(f"{SECRET_CONFIG}\n")
    (tmp_path / "Downloads").mkdir()
    return tmp_path


def hostile_feeds(home) -> list[str]:
    """RSS, Atom and JSON feed files whose summary-only items link to the user's secrets."""
    config = (home / ".config" / "aikb" / "config.toml").as_uri()
    key_path = str(home / ".ssh" / "id_rsa")
    down = home / "Downloads"
    (down / "feed.xml").write_bytes(rss([
        item("k1", "Halcyon notes", body(1), "../.ssh/id_rsa", full=False),
        item("k2", "Halcyon config", body(2), config, full=False),
        item("k3", "Halcyon absolute", body(3), key_path, full=False),
        '<item><guid isPermaLink="true">' + config + '</guid><title>Permalink guid</title>'
        f'<description>{body(4)}</description></item>',
    ]))
    (down / "feed.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Notes</title>'
        '<id>tag:notes.example,2026:feed</id><updated>2026-11-02T10:00:00Z</updated>'
        '<entry><title>Atom relative</title><id>tag:notes.example,2026:1</id><updated>2026-11-02T10:00:00Z</updated>'
        f'<link rel="alternate" href="../.ssh/id_rsa"/><summary>{body(5)}</summary></entry>'
        '<entry><title>Atom file</title><id>tag:notes.example,2026:2</id><updated>2026-11-02T10:00:00Z</updated>'
        f'<link rel="alternate" href="{config}"/><summary>{body(6)}</summary></entry></feed>', encoding="utf-8")
    (down / "feed.json").write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Briefs",
        "items": [{"id": "j1", "url": "../.ssh/id_rsa", "title": "JSON relative", "summary": body(7)},
                  {"id": "j2", "url": config, "title": "JSON file", "summary": body(8)},
                  {"id": "j3", "external_url": "file:///etc/passwd", "title": "JSON external", "summary": body(9)}],
    }), encoding="utf-8")
    return [str(down / name) for name in ("feed.xml", "feed.atom", "feed.json")]


def assert_no_secret_read(engine):
    with Session(engine) as session:
        stored = session.exec(select(Article)).all()
        logs = session.exec(select(FetchLog)).all()
    for article in stored:
        blob = f"{article.url} {article.title} {article.text} {zlib.decompress(article.raw).decode('utf-8', 'replace')}"
        assert SECRET_KEY not in blob and "desk-4c21" not in blob and "root:" not in blob, article.url
        assert not (article.url or "").startswith("file:"), article.url
    page_logs = [log.url for log in logs if log.kind == "page"]
    assert not [u for u in page_logs if not u.startswith(("http://", "https://"))], page_logs
    return stored


def test_a_local_feed_file_cannot_read_local_files(db_url, home):
    engine = open_engine(db_url)
    paths = hostile_feeds(home)
    with session_scope(engine) as session:
        urls = [add_feed(session, p).url for p in paths]  # the user names the feed files: allowed
    summary = run_once(engine, ingest_settings(db_url), None, urls)
    assert summary.failed == 0, summary.errors
    stored = assert_no_secret_read(engine)
    # the run goes on: each item keeps its summary, with no link to a local file
    assert len(stored) == 9, [a.title for a in stored]
    assert all(a.url is None or a.url.startswith("http") for a in stored)
    again = run_once(engine, ingest_settings(db_url), None, urls)  # re-running stores nothing twice
    assert again.new == 0
    assert len(assert_no_secret_read(engine)) == 9


def test_a_remote_feed_cannot_read_local_files(db_url, home, feed_server):
    config = (home / ".config" / "aikb" / "config.toml").as_uri()
    feed_server.routes["/feed.xml"] = Route(body=rss([
        item("r1", "Remote file link", body(21), config, full=False),
        item("r2", "Remote key path", body(22), str(home / ".ssh" / "id_rsa"), full=False),
        item("r3", "Remote page", body(23), feed_server.url("/pages/aurora.html"), full=False),
    ]))
    feed_server.routes["/pages/aurora.html"] = Route(headers={"Content-Type": "text/html; charset=utf-8"},
                                                     body=f"<html><body><article><h1>Aurora-3</h1><p>{BODY}</p>"
                                                          "</article></body></html>".encode())
    engine = open_engine(db_url)
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/feed.xml"))
    summary = run_once(engine, ingest_settings(db_url), None, [feed_server.url("/feed.xml")])
    assert summary.failed == 0 and summary.new == 3, summary.errors
    stored = assert_no_secret_read(engine)
    # its own http page is still fetched
    assert len(feed_server.requests_for("/pages/aurora.html")) == 1
    assert any(a.url == feed_server.url("/pages/aurora.html") for a in stored)


def test_opml_entries_are_http_only_and_reveal_nothing(db_url, home):
    existing, missing = str(home / ".ssh" / "id_rsa"), str(home / "no-such-file.xml")
    engine = open_engine(db_url)
    with session_scope(engine) as session:
        outcomes = []
        for entry in (existing, missing, "/etc/passwd", "file:///etc/shadow", "../.ssh/id_rsa",
                      "ftp://feeds.example/a.xml", "javascript:alert(1)", "http://[::1"):
            outcomes.append(import_opml(session, f'<opml version="2.0"><body><outline xmlUrl="{entry}"/>'
                                                 '</body></opml>'))
        assert outcomes == [0] * len(outcomes)  # the same answer whether the path exists or not
        added = import_opml(session, '<opml version="2.0"><body><outline xmlUrl="/etc/passwd"/>'
                                     '<outline xmlUrl="https://halcyon.example/feed.xml"/></body></opml>')
        assert added == 1
        with pytest.raises(InputError):
            add_feed(session, existing, remote_only=True)
        with pytest.raises(InputError):
            add_feed(session, (home / ".ssh" / "id_rsa").as_uri(), remote_only=True)
    with Session(engine) as session:
        assert [s.url for s in session.exec(select(Source)).all()] == ["https://halcyon.example/feed.xml"]


# ---------------------------------------------------------------------------------------------
# Row 6: regular files under the cap
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def odd_files(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)  # nobody writes to it: a plain read would block forever
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(3 * 1024 ** 3)  # a sparse 3 GB file: no disk used
    return {"/dev/zero": "/dev/zero", "pipe": str(pipe), "folder": str(folder), "big": str(big)}


def test_read_local_file_reads_regular_files_up_to_the_cap(tmp_path, odd_files):
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"a" * 1000)
    assert read_local_file(exact, 1000) == b"a" * 1000
    over = tmp_path / "over.txt"
    over.write_bytes(b"a" * 1001)
    with pytest.raises(InputError):
        read_local_file(over, 1000)
    for name, path in odd_files.items():
        with pytest.raises(InputError) as caught:
            bounded(read_local_file, path, 10 * 1024 * 1024)
        assert "\n" not in str(caught.value) and path in str(caught.value), name


def test_ingest_article_refuses_odd_files_and_stores_nothing(db_url, odd_files, tmp_path):
    engine = open_engine(db_url)
    settings = ingest_settings(db_url)  # a 400 kB cap
    for path in odd_files.values():
        with pytest.raises(InputError):
            bounded(ingest_article, engine, settings, path)
    good = tmp_path / "aurora.txt"
    good.write_text(f"Aurora-3 posts a chart-reading gain\n\n{BODY}\n", encoding="utf-8")
    assert bounded(ingest_article, engine, settings, str(good)).new == 1
    with Session(engine) as session:
        assert len(session.exec(select(Article)).all()) == 1


def test_a_feed_file_swapped_for_a_pipe_or_grown_past_the_cap_is_an_error_on_its_source(db_url, tmp_path):
    engine = open_engine(db_url)
    feeds = {name: tmp_path / f"{name}.xml" for name in ("piped", "grown", "fine")}
    for name, path in feeds.items():
        path.write_bytes(rss([item(f"{name}-1", f"Aurora-3 via {name}", BODY)]))
    with session_scope(engine) as session:
        urls = [add_feed(session, str(p)).url for p in feeds.values()]
    feeds["piped"].unlink()
    os.mkfifo(feeds["piped"])
    with open(feeds["grown"], "ab") as handle:
        handle.truncate(2 * 1024 * 1024)  # past the 400 kB test cap
    summary = bounded(run_once, engine, ingest_settings(db_url), None, urls)
    assert summary.failed == 2 and summary.new == 1, summary.errors
    with Session(engine) as session:
        by_url = {s.url: s for s in session.exec(select(Source)).all()}
    assert by_url[feeds["piped"].resolve().as_uri()].failure_count == 1
    assert by_url[feeds["grown"].resolve().as_uri()].failure_count == 1
    assert by_url[feeds["fine"].resolve().as_uri()].failure_count == 0
    assert "pipe" in by_url[feeds["piped"].resolve().as_uri()].last_error


def test_fetch_file_refuses_devices(tmp_path):
    settings = ingest_options()
    assert fetch_file("file:///dev/zero", settings).error
    assert bounded(fetch_file, (tmp_path).as_uri(), settings).error
