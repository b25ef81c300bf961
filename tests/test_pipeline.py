"""The orchestrator on both databases: the bundled sample, single articles, duplicates, locks, workers, CLI."""
from __future__ import annotations

import json
import threading
import zlib

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

from kb.cli import cli
from kb.db import open_engine, session_scope
from kb.errors import StoreError
from kb.pipeline.lock import ingest_lock
from kb.models import Article, FetchLog, Source, Story
from kb.pipeline.run import ingest_article, ingest_sample, run_once, run_worker
from kb.read.sources import sources_health
from kb.pipeline.feeds import add_feed
from kb.read.stats import collect_stats
from _ingest_fixtures import Route, feed_server, ingest_settings, item, rss  # noqa: F401 - fixture

REPUBLISHED = """DATAPULSE

Corvane Opens Its Speech Model to Everyone, Then Adds a Catch

Bytewise Weekly
Condividi:
Corvane Opens Its Speech Model to Everyone, Then Adds a Catch

Corvane released the weights of Sonar-2, its speech recognition model, on Friday under a licence that allows research and commercial use, but asks companies with more than a million users to sign a separate agreement.

The company's chief product officer, Elif Arslan, said the condition was meant to fund maintenance. Sonar-2 reaches a word error rate of 4.1 percent on the company's multilingual test set, down from 6.3 percent for Sonar-1.

Originally reported by Bytewise Weekly. Read the original article for more.

View original source
Condividi:
Corvane Opens Its Speech Model to Everyone, Then Adds a Catch | DATAPULSE - Notizie di Intelligenza Artificiale
"""

STORY = ("Tidewater Labs released Gull-2 on Tuesday with open weights under the Apache 2.0 licence and said the "
         "model scores 69.3 on GPQA Diamond, ahead of its earlier Gull-1 at 55.0, according to the company's "
         "own evaluation report published with the checkpoint and a detailed model card.")


def count(engine, table, *where) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(table)
        for condition in where:
            query = query.where(condition)
        return session.exec(query).one()


def test_sample_ingests_offline_and_twice_adds_nothing(db_url):
    engine = open_engine(db_url)
    settings = ingest_settings(db_url)
    first = ingest_sample(engine, settings)
    assert first.failed == 1  # the deliberately broken feed
    assert first.new >= 12 and first.clustered >= 1 and first.page_errors == 0
    with Session(engine) as session:
        articles = session.exec(select(Article)).all()
        broken = session.exec(select(Source).where(Source.url.like("%broken-feed.xml"))).one()
        wire = session.exec(select(Source).where(Source.url.like("%frontier-wire.xml"))).one()
        # RSS ttl (120 min) and skipHours (3, 4 UTC) shape the next due time
        assert wire.ttl_minutes == 120 and json.loads(wire.skip_hours) == [3, 4]
        assert wire.next_fetch_at.hour not in (3, 4)
        assert (wire.next_fetch_at - wire.last_fetched_at).total_seconds() >= 120 * 60 - 1
        assert broken.failure_count == 1 and "malformed" in broken.last_error
        # the syndicated copy shares its original's story and names the original outlet
        copy = next(a for a in articles if a.original_outlet == "Frontier Wire")
        original = next(a for a in articles if a.outlet == "Frontier Wire" and a.story_id == copy.story_id)
        assert copy.id != original.id and copy.outlet == "The Model Ledger"
        # the republished text page: wrapper gone, outlets recorded
        orion = next(a for a in articles if a.outlet == "SIGNALHUB")
        assert orion.original_outlet == "Compute Daily" and "Compartir" not in orion.text
        # summary-only items were completed from their local pages, with the table kept in raw
        halo = next(a for a in articles if a.title.startswith("Northwind AI launches Halo 2"))
        assert "Every open checkpoint becomes a product" in halo.text
        assert b"<table>" in zlib.decompress(halo.raw)
        stats = collect_stats(session)
    assert stats["articles"] == len(articles) and stats["stories"] == len(articles) - first.clustered
    assert stats["fetch_errors"] == 1

    second = ingest_sample(engine, settings)
    assert second.new == 0 and second.clustered == 0 and second.not_modified == 3
    assert count(engine, Article) == len(articles)


def test_republished_article_file(db_url, tmp_path):
    engine = open_engine(db_url)
    path = tmp_path / "copy.txt"
    path.write_text(REPUBLISHED, encoding="utf-8")
    summary = ingest_article(engine, ingest_settings(db_url), str(path))
    assert summary.new == 1
    with Session(engine) as session:
        article = session.exec(select(Article)).one()
    assert article.title == "Corvane Opens Its Speech Model to Everyone, Then Adds a Catch"
    assert article.outlet == "DATAPULSE" and article.original_outlet == "Bytewise Weekly"
    assert article.text.startswith("Corvane released the weights") and "View original" not in article.text
    assert zlib.decompress(article.raw).decode() == REPUBLISHED
    assert ingest_article(engine, ingest_settings(db_url), str(path)).duplicate == 1


def test_duplicate_guids_and_syndicated_copies(db_url, feed_server):
    engine = open_engine(db_url)
    feed_server.routes["/a.xml"] = Route(body=rss([
        item("dup", "Gull-2 released", STORY, "https://a.example/gull-2"),
        item("dup", "Gull-2 released (updated)", STORY.replace("69.3", "70.1"), "https://a.example/gull-2-upd"),
    ], title="Outlet A"))
    copy = STORY.replace("on Tuesday", "this week") + "</p><p>Originally reported by Outlet A."
    feed_server.routes["/b.xml"] = Route(body=rss([item("b1", "Gull-2 is out", copy, "https://b.example/gull")],
                                                  title="Outlet B"))
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/a.xml"))
        add_feed(session, feed_server.url("/b.xml"))
    summary = run_once(engine, ingest_settings(db_url))
    assert (summary.new, summary.duplicate, summary.clustered) == (1, 1, 1)
    with Session(engine) as session:
        rows = session.exec(select(Article).order_by(Article.id)).all()
        assert len(rows) == 2 and rows[0].story_id == rows[1].story_id
        # b.example's text came from a feed on another site (127.0.0.1): credited to that feed's site,
        # never to b.example nor to the feed's title (issues 13 and 17)
        assert rows[1].outlet == "127.0.0.1" and rows[1].original_outlet == "Outlet A"
        assert session.exec(select(func.count()).select_from(Story)).one() == 1


def test_second_sqlite_ingest_is_refused_while_one_runs(sqlite_url):
    engine = open_engine(sqlite_url)
    with ingest_lock(engine):
        with pytest.raises(StoreError, match="another ingest is running"):
            run_once(engine, ingest_settings(sqlite_url))
    run_once(engine, ingest_settings(sqlite_url))  # released: the next run goes ahead


def test_three_workers_share_sources_without_double_fetching(pg_url, feed_server):
    engine = open_engine(pg_url)
    paths = [f"/w{i}.xml" for i in range(9)]
    for i, path in enumerate(paths):
        feed_server.routes[path] = Route(body=rss([item(f"w{i}-{j}", f"Worker item {i}-{j}",
                                                        f"Feed {i} item {j}: " + STORY.replace("Gull-2", f"Gull-{i}{j}"),
                                                        f"https://w.example/{i}/{j}") for j in range(3)]))
    with session_scope(engine) as session:
        for path in paths:
            add_feed(session, feed_server.url(path))
    results = []

    def work(name):
        results.append(run_worker(engine, ingest_settings(pg_url), batch=2, exit_when_idle=True, owner=name))

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(r.fetched for r in results) == len(paths)
    assert all(len(feed_server.requests_for(path)) == 1 for path in paths)
    assert count(engine, Article) == 27
    with Session(engine) as session:
        leased = session.exec(select(Source).where(Source.lease_owner.is_not(None))).all()
        assert leased == [] and all(s.next_fetch_at is not None for s in session.exec(select(Source)))


def test_cli_feeds_ingest_stats(sqlite_url, feed_server, tmp_path):
    feed_server.routes["/c.xml"] = Route(body=rss([item("c1", "Gull-2 released", STORY, "https://c.example/1")],
                                                  title="CLI Feed"))
    feed_server.routes["/gone.xml"] = Route(404, {"Content-Type": "text/plain"}, b"gone")
    runner = CliRunner()
    base = ["--db", sqlite_url]
    env = {"AIKB_HOST_DELAY": "0", "AIKB_TIMEOUT": "2"}
    assert runner.invoke(cli, base + ["feeds", "add", feed_server.url("/c.xml")], env=env).exit_code == 0
    opml = tmp_path / "list.opml"
    opml.write_text(f'<opml version="2.0"><body><outline text="Gone" xmlUrl="{feed_server.url("/gone.xml")}"/>'
                    f'<outline text="C" xmlUrl="{feed_server.url("/c.xml")}"/></body></opml>')
    result = runner.invoke(cli, base + ["feeds", "import", str(opml)], env=env)
    assert result.exit_code == 0 and "imported 1 new feeds" in result.output

    result = runner.invoke(cli, base + ["ingest", "--no-extract"], env=env)
    assert result.exit_code == 0, result.output
    assert "sources: 1 fetched, 0 not modified, 1 failed; articles: 1 new, 0 duplicate, 0 clustered" in result.output
    assert "[2/2]" in result.output or "[2/2]" in (result.stderr if result.stderr_bytes else "")

    listing = json.loads(runner.invoke(cli, base + ["feeds", "list", "--format", "json"], env=env).output)
    by_url = {s["url"]: s for s in listing["sources"]}
    assert by_url[feed_server.url("/gone.xml")]["failure_count"] == 1
    assert "404" in by_url[feed_server.url("/gone.xml")]["last_error"]
    assert by_url[feed_server.url("/c.xml")]["articles"] == 1 and by_url[feed_server.url("/c.xml")]["title"] == "CLI Feed"
    table = runner.invoke(cli, base + ["feeds", "list"], env=env).output
    assert "CLI Feed" in table and "HTTP 404" in table

    exported = runner.invoke(cli, base + ["feeds", "export"], env=env).output
    assert feed_server.url("/gone.xml") in exported and exported.startswith("<?xml")
    stats = json.loads(runner.invoke(cli, base + ["stats", "--format", "json"], env=env).output)
    assert {k: stats[k] for k in ("sources", "articles", "stories", "fetch_errors")} == \
        {"sources": 2, "articles": 1, "stories": 1, "fetch_errors": 1}

    bad = runner.invoke(cli, base + ["feeds", "add", "ftp://x.example/feed"], env=env)
    assert bad.exit_code != 0 and "unsupported feed address" in bad.output
    with Session(open_engine(sqlite_url)) as session:
        assert [h.articles for h in sources_health(session)] == [1, 0]
        assert session.exec(select(func.count()).select_from(FetchLog)).one() == 2


def test_copy_stored_before_its_canonical_original_shares_its_story(db_url, tmp_path):
    engine = open_engine(db_url)
    copy = tmp_path / "copy.html"
    copy.write_text(f"""<html><head><title>Gull-2 arrives | Mirror Site</title>
        <meta property="og:site_name" content="Mirror Site">
        <link rel="canonical" href="https://orig.example/gull-2"></head>
        <body><article><h1>Gull-2 arrives</h1><p>{STORY}</p>
        <p>Mirror Site adds that the model card lists a training budget but not the data sources used.</p>
        </article></body></html>""", encoding="utf-8")
    assert ingest_article(engine, ingest_settings(db_url), str(copy)).new == 1
    different = ("Tidewater Labs' founder spoke at length about hiring plans, office space in Lisbon and a "
                 "partnership with a chip designer; the Gull-2 release was mentioned only in passing.")
    feed = tmp_path / "orig.xml"
    feed.write_bytes(rss([item("o1", "Gull-2", different, "https://orig.example/gull-2")], title="Original Outlet"))
    with session_scope(engine) as session:
        add_feed(session, str(feed))
    summary = run_once(engine, ingest_settings(db_url))
    assert summary.clustered == 1 and summary.new == 0
    with Session(engine) as session:
        first, second = session.exec(select(Article).order_by(Article.id)).all()
    assert first.original_outlet == "orig.example" and first.story_id == second.story_id
    # the publisher comes from the article's own URL (unknown site: its domain), never the feed's title
    assert second.outlet == "orig.example" and second.url == "https://orig.example/gull-2"


def test_cli_ingest_single_article_url_and_bad_file(sqlite_url, feed_server, tmp_path):
    page = (f"<html><head><title>Gull-2 | Harbor Tech</title><meta property='og:site_name' content='Harbor Tech'>"
            f"</head><body><nav>Menu</nav><article><h1>Gull-2</h1><p>{STORY}</p></article></body></html>")
    feed_server.routes["/story.html"] = Route(headers={"Content-Type": "text/html; charset=utf-8"}, body=page.encode())
    runner = CliRunner()
    env = {"AIKB_HOST_DELAY": "0"}
    result = runner.invoke(cli, ["--db", sqlite_url, "ingest", "--no-extract", "--article", feed_server.url("/story.html")],
                           env=env)
    assert result.exit_code == 0 and "articles: 1 new" in result.output, result.output
    with Session(open_engine(sqlite_url)) as session:
        article = session.exec(select(Article)).one()
    assert article.outlet == "Harbor Tech" and article.title == "Gull-2" and "Menu" not in article.text
    assert article.url == feed_server.url("/story.html") and article.raw_kind == "html"
    (tmp_path / "empty.txt").write_text("")
    bad = runner.invoke(cli, ["--db", sqlite_url, "ingest", "--no-extract", "--article", str(tmp_path / "empty.txt")],
                        env=env)
    assert bad.exit_code != 0 and "empty" in bad.output
