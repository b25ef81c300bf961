"""A budget per document (issue 16, item 1): hostile pages are cut or refused, recorded, and the run goes on.

The hostile pages are built here (as bench/hostile_docs.py does): 100,000 nested <div>s, 30,000 unclosed
inline tags, a table of a million cells, thousands of tables. They are served by a real HTTP server on
127.0.0.1, ingested with the real spaCy model into both databases, and given to `aikb ingest --article`.
"""
from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from ingest.budget import BudgetExceeded, DocumentLimits, DocumentRefused, nesting_depth, prepare_html, time_budget
from ingest.clean import clean_html
from kb.cli import cli
from kb.db import open_engine, session_scope
from kb.models import Article, ClaimSource, FetchLog
from kb.pipeline.run import run_once
from kb.settings import document_limits, load_settings
from kb.pipeline.feeds import add_feed
from _ingest_fixtures import Route, feed_server, ingest_settings, item, rss  # noqa: F401 - feed_server is a fixture

PROSE = ("Osprey AI said its Kestrel 4 model scored 77.3 on GPQA Diamond, up from 70.1 for the previous "
         "version, and the lab plans to publish the weights next month.")
HEAD = "<html><head><title>Kestrel 4 results</title></head><body>"
TAIL = "</body></html>"


def nested(depth: int) -> str:
    return HEAD + "<div>" * depth + f"<p>{PROSE}</p>" + "</div>" * depth + TAIL


def unclosed(n: int) -> str:
    return HEAD + f"<p>{PROSE}</p>" + "<span><b><i>word " * n + TAIL


def big_table(rows: int, cols: int) -> str:
    header = "<tr><th>Benchmark</th>" + "".join(f"<th>Model {c}</th>" for c in range(cols - 1)) + "</tr>"
    row = "<tr><td>GPQA Diamond</td>" + "<td>7.1</td>" * (cols - 1) + "</tr>"
    return HEAD + f"<article><p>{PROSE}</p><table>" + header + row * rows + "</table></article>" + TAIL


def many_tables(n: int) -> str:
    table = "<table><tr><th>Benchmark</th><th>Kestrel 4</th></tr><tr><td>GPQA Diamond</td><td>77.3</td></tr></table>"
    return HEAD + f"<article><p>{PROSE}</p>" + table * n + "</article>" + TAIL


# ---------------------------------------------------------------------------------------------
# The limits themselves
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("html", [nested(100_000), unclosed(10_000)], ids=["nested-100k", "unclosed-30k"])
def test_pages_nested_too_deep_are_refused(html):
    with pytest.raises(DocumentRefused, match="nested"):
        clean_html(html, "https://hostile.example/page")


def test_ordinary_nesting_and_sloppy_html_pass():
    limits = DocumentLimits()
    assert nesting_depth(nested(100)) == 100
    # void elements, optional end tags, self-closing tags, comments and scripts do not nest
    sloppy = ("<ul>" + "<li>item <br> <img src=x>" * 2000 + "</ul><p>a<p>b<div/><!-- <div><div> -->"
              "<script>var s = '<div><div><div>';</script>")
    assert nesting_depth(sloppy) <= 2
    html, notes = prepare_html(nested(400), limits)
    assert notes == () and "Kestrel 4" in clean_html(html).text


def test_a_million_cell_table_is_cut_to_the_cell_cap_and_reads_its_first_rows():
    limits = DocumentLimits(max_cells=2_000)
    html, notes = prepare_html(big_table(1000, 1000), limits)
    assert html.lower().count("<td") + html.lower().count("<th") <= 2_000
    assert any(n.startswith("cells:") for n in notes)
    doc = clean_html(big_table(1000, 1000), "https://hostile.example/t", limits=limits)
    assert "Kestrel 4" in doc.text and doc.limits_hit
    assert len(doc.tables) == 1 and "<th>Model 0</th>" in doc.tables[0]  # the header row is kept


def test_tables_over_the_table_cap_are_dropped_and_the_text_kept():
    doc = clean_html(many_tables(5_000), "https://hostile.example/many", limits=DocumentLimits(max_tables=50))
    assert len(doc.tables) == 50 and any(n.startswith("tables:") for n in doc.limits_hit)
    assert "Kestrel 4" in doc.text


def test_characters_over_the_cap_are_cut():
    html = HEAD + f"<p>{PROSE}</p>" * 20_000 + TAIL
    doc = clean_html(html, limits=DocumentLimits(max_chars=100_000))
    assert any(n.startswith("characters:") for n in doc.limits_hit) and len(doc.text) < 100_000


def test_the_time_budget_interrupts_a_runaway_step():
    with pytest.raises(BudgetExceeded):
        with time_budget(0.2, "a test loop"):
            while True:
                pass
    # off the main thread the budget is not armed (the size caps still apply there)
    outcome = []

    def worker():
        with time_budget(0.01, "off the main thread"):
            outcome.append(sum(range(100_000)))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert outcome == [sum(range(100_000))]


def test_limits_are_settings(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("doc_max_cells = 10\ndoc_max_depth = 64\ndoc_time_budget = 5.0\n")
    limits = document_limits(load_settings(config))
    assert (limits.max_cells, limits.max_depth, limits.time_budget) == (10, 64, 5.0)
    assert limits.max_tables == DocumentLimits().max_tables  # the documented default
    with pytest.raises(DocumentRefused):
        clean_html(nested(100), limits=limits)


# ---------------------------------------------------------------------------------------------
# Through ingest: recorded against the source, the run goes on
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    return pytest.importorskip("kb.nlp.pipeline").load_nlp()


def test_hostile_pages_in_a_feed_are_recorded_and_the_run_goes_on(db_url, feed_server, nlp):
    engine = open_engine(db_url)
    pages = {"/p/nested.html": nested(100_000), "/p/unclosed.html": unclosed(10_000),
             "/p/table.html": big_table(1000, 1000), "/p/tables.html": many_tables(5_000),
             "/p/good.html": HEAD + f"<article><h1>Kestrel 4 results</h1><p>{PROSE}</p></article>" + TAIL}
    for path, html in pages.items():
        feed_server.routes[path] = Route(headers={"Content-Type": "text/html; charset=utf-8"}, body=html.encode())
    summaries = {"/p/nested.html": "Deep page teaser: Kestrel 4 from Osprey AI is out today."}
    items = [item(path.split("/")[-1], f"Page {path}", summaries.get(path, "A short teaser about a model."),
                  feed_server.url(path), full=False) for path in pages]
    feed_server.routes["/feed.xml"] = Route(body=rss(items))
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/feed.xml"))
    settings = ingest_settings(db_url, max_bytes=20_000_000, timeout=10.0)
    summary = run_once(engine, settings, nlp)

    with Session(engine) as session:
        logs = {row.url: row for row in session.exec(select(FetchLog).where(FetchLog.kind == "clean")).all()}
        stored = {a.url: a for a in session.exec(select(Article)).all()}
        good = stored[feed_server.url("/p/good.html")]
        assert good.extractor_version and session.exec(
            select(ClaimSource).where(ClaimSource.article_id == good.id)).first() is not None
    for path in ("/p/nested.html", "/p/unclosed.html"):
        row = logs[feed_server.url(path)]
        assert row.outcome == "error" and "nested" in row.error and row.source_id is not None
    for path, what in (("/p/table.html", "cells:"), ("/p/tables.html", "tables:")):
        row = logs[feed_server.url(path)]
        assert row.outcome == "skipped" and what in row.error
        assert "Kestrel 4" in stored[feed_server.url(path)].text  # cut, not lost
    # a refused page keeps its feed summary, as a page that could not be fetched does
    assert "Deep page teaser" in stored[feed_server.url("/p/nested.html")].text
    assert summary.page_errors >= 2 and summary.store_failed == 0
    # a second run stores nothing twice
    again = run_once(engine, settings, nlp)
    assert again.new == 0 and again.clustered == 0


def test_ingest_article_refuses_a_hostile_file_with_one_line_and_keeps_the_others(sqlite_url, tmp_path):
    hostile = tmp_path / "deep.html"
    hostile.write_text(nested(100_000))
    good = tmp_path / "good.html"
    good.write_text(HEAD + f"<article><h1>Kestrel 4 results</h1><p>{PROSE}</p></article>" + TAIL)
    alone = CliRunner().invoke(cli, ["--db", sqlite_url, "ingest", "--no-extract", "--article", str(hostile)])
    assert alone.exit_code != 0 and "nested" in alone.output and "Traceback" not in alone.output
    both = CliRunner().invoke(cli, ["--db", sqlite_url, "ingest", "--no-extract", "--article", str(hostile),
                                    "--article", str(good)])
    assert both.exit_code != 0 and "1 of 2 --article inputs refused" in both.output
    with Session(open_engine(sqlite_url)) as session:
        assert [a.title for a in session.exec(select(Article)).all()] == ["Kestrel 4 results"]


@pytest.mark.parametrize("hostile", [
    "<a" * 500_000,  # tags that never close their bracket
    "<script>x" * 200_000,  # scripts never closed
    "<!--" * 500_000,  # comments never closed
    "<table>" + "<td " * 500_000,  # cells without brackets
    "<style>" * 100_000,
], ids=["open-brackets", "unclosed-scripts", "unclosed-comments", "bracketless-cells", "unclosed-styles"])
def test_malformed_markup_is_read_in_one_pass(hostile):
    """Each pattern of the limits stops at the next "<": these once took minutes (quadratic scans)."""
    html = HEAD + f"<p>{PROSE}</p>" + hostile
    assert nesting_depth(html) >= 0
    doc = clean_html(html, "https://hostile.example/malformed")
    assert doc is not None  # cleaned (the prose before the junk is kept where the parser keeps it)
