"""Provenance (issue 13, and issue 17 row 4) with real feeds served from 127.0.0.1, on SQLite and PostgreSQL.

Three sites, each its own HTTP server (a site is host and port): a lab's blog with its feed, an
aggregator whose feed links to the lab's posts, and an independent evaluator. The known-sites
table is written per test, so the lab's site has a display name and an organization.
"""
from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import Session, select

from ingest.dedup import url_hash
from kb.cli import cli
from kb.db import open_engine, session_scope
from kb.models import Article, Entity, ScoreClaim, Sighting, StanceEvent
from kb.nlp.pipeline import load_nlp
from kb.pipeline.run import run_once
from kb.read.queries import leaderboard
from kb.read.search import search_claims
from kb.read.sources import sources_health
from kb.pipeline.feeds import add_feed
from _ingest_fixtures import FeedServer, Route, ingest_settings, rss

import pytest

NLP = None


def nlp():
    global NLP
    if NLP is None:
        NLP = load_nlp()
    return NLP


HTML = {"Content-Type": "text/html; charset=utf-8"}

# the lab's own post: "we" never names the lab, so only the site says whose model Kestrel-4 is
POST_ONE = ("Today we are releasing Kestrel-4, our largest language model so far. Kestrel-4 scores 71.2% on "
            "GPQA Diamond in our own evaluation, and we will publish its weights under an open licence. "
            "The model was trained on a mix of licensed and public data, and the technical report describes "
            "the evaluation harness, the safety testing and the data filtering in detail for researchers.")
POST_TWO = ("We are also sharing Plover-2, a small model for phones. Plover-2 scores 48.5% on MMLU-Pro, "
            "which we measured with the same harness as our larger models, and it runs on a recent handset "
            "without a network connection. Developers can try it in our app from next week, and we will "
            "describe its training recipe in a short note on this blog later this month.")
REVIEW = ("In our re-run, Kestrel-4 scored 64.0% on GPQA Diamond, below the 71.2% its makers reported. "
          "Cohere's new model Zephrine-3 scored 58.5% on GPQA Diamond in the same harness, run three times "
          "with the same prompts; we publish every log so that anyone can check the numbers we report here.")
ECHO = ("Kestrel-4 scores 71.2% on GPQA Diamond, according to the model card published this week, which "
        "also lists the training compute and the data sources used; several developers said the open "
        "weights would make it easier to run the model inside their own data centres this year.")


def page(title: str, body: str, site_name: str, extra: str = "", date: str | None = "2026-11-02T09:00:00Z") -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return (f"<html><head><title>{title}</title><meta property='og:site_name' content='{site_name}'>{meta}"
            f"</head><body><nav>Home | Research | Careers</nav><article><h1>{title}</h1><p>{body}</p>{extra}"
            f"</article><footer>Contact us</footer></body></html>").encode()


def entry(link: str, title: str, *, content: str | None = None, description: str | None = None,
          date: str | None = "Mon, 02 Nov 2026 09:00:00 GMT", guid: str | None = None) -> str:
    parts = [f"<title>{title}</title>", f"<link>{link}</link>", f"<guid isPermaLink='false'>{guid or link}</guid>"]
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if description:
        parts.append(f"<description><![CDATA[{description}]]></description>")
    if content:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    return "<item>" + "".join(parts) + "</item>"


@pytest.fixture
def sites():
    servers = [FeedServer() for _ in range(3)]
    yield servers
    for server in servers:
        server.close()


def settings_for(db_url, tmp_path, lab, aggregator, evaluator):
    table = tmp_path / "sites.toml"
    table.write_text(
        "[sites]\n"
        f'"127.0.0.1:{lab.port}" = {{ name = "Halvard Labs", kind = "lab", org = "Halvard Labs" }}\n'
        f'"127.0.0.1:{aggregator.port}" = {{ name = "Link Digest", kind = "aggregator" }}\n'
        f'"127.0.0.1:{evaluator.port}" = {{ name = "Bench Audit" }}\n', encoding="utf-8")
    return ingest_settings(db_url, sites_file=str(table), allow_private_networks=True)


def test_lab_and_aggregator_one_article_many_sightings_publisher_and_fuller_copy(db_url, tmp_path, sites):
    lab, aggregator, evaluator = sites
    engine = open_engine(db_url)
    settings = settings_for(db_url, tmp_path, lab, aggregator, evaluator)
    one, two = lab.url("/blog/kestrel-4"), lab.url("/blog/plover-2")
    # the aggregator carries both posts as one-line teasers, with tracking parameters and www-less links
    aggregator.routes["/links.xml"] = Route(body=rss([
        entry(one + "/?utm_source=linkdigest", "Kestrel-4 (halvard)", description="Comments"),
        entry(two + "?utm_medium=rss", "Plover-2", description="Comments"),
    ], title="Link Digest: AI research news"))
    # Kestrel-4's page is down on the first run; Plover-2's page answers (with a feed-like site name)
    lab.routes["/blog/kestrel-4"] = Route(503, {"Content-Type": "text/plain"}, b"busy")
    lab.routes["/blog/plover-2"] = Route(headers=HTML, body=page(
        "Plover-2", POST_TWO, "Halvard Research News",
        extra="<figure><img src='p.png' alt='phone'><figcaption>Credit: Northlight Images</figcaption></figure>"
              "<blockquote>Via Ferris Wire, the phone is the new laptop.</blockquote><p>Via Hacker News</p>"))
    with session_scope(engine) as session:
        add_feed(session, aggregator.url("/links.xml"))
    first = run_once(engine, settings, nlp())
    assert first.page_errors == 1
    line = first.line()
    assert "pages: 1 failed" in line and f"claims stored: {first.claims_stored}" in line
    with Session(engine) as session:
        arts = session.exec(select(Article).order_by(Article.id)).all()
        by_url = {a.url: a for a in arts}
        plover = next(a for a in arts if a.url and a.url.startswith(two))
        # the page's own text and the site's name from the table, not the feed title nor a credit
        assert "Plover-2 scores 48.5%" in plover.text and plover.outlet == "Halvard Labs"
        assert plover.original_outlet is None and "Northlight" not in plover.text
        # Kestrel-4: the aggregator's teaser is another site's text, never stored as the post's own
        stand_in = [a for a in arts if a.url and a.url.startswith(one)]
        assert all(a.outlet == "Link Digest" and a.feed_text_only for a in stand_in)
        assert session.exec(select(Article).where(Article.url_hash == plover.url_hash)).one()
        assert len(by_url) == len(arts)

    # the lab's own feed, added second, carries Kestrel-4 in full: it becomes the article's text
    lab.routes["/feed.xml"] = Route(body=rss([
        entry(one, "Kestrel-4", content=f"<p>{POST_ONE}</p>"),
        entry(two, "Plover-2", content=f"<p>{POST_TWO}</p>"),
    ], title="Halvard Research News"))
    with session_scope(engine) as session:
        add_feed(session, lab.url("/feed.xml"))
    run_once(engine, settings, nlp(), [lab.url("/feed.xml")])
    with Session(engine) as session:
        kestrel = session.exec(select(Article).where(Article.url_hash == url_hash(one))).one()
        assert "71.2% on GPQA Diamond" in kestrel.text and kestrel.outlet == "Halvard Labs"
        assert not kestrel.feed_text_only
        # one article per URL, each seen in both feeds
        for url in (one, two):
            article = session.exec(select(Article).where(Article.url_hash == url_hash(url))).one()
            seen = session.exec(select(Sighting).where(Sighting.article_id == article.id)).all()
            assert len(seen) == 2 and {s.same_site for s in seen} == {True, False}
        assert not session.exec(select(Article).where(Article.outlet == "Link Digest")).all()
        # the lab's own new models belong to the lab (the site says so; the text never names it)
        for name in ("Kestrel-4", "Plover-2"):
            model = session.exec(select(Entity).where(Entity.kind == "model", Entity.name == name)).one()
            assert session.get(Entity, model.org_id).name == "Halvard Labs", name
        claims = session.exec(select(ScoreClaim)).all()
        assert {c.value for c in claims} >= {71.2, 48.5}
    # the aggregator's page, fixed later, adds nothing: one article per URL still
    lab.routes["/blog/kestrel-4"] = Route(headers=HTML, body=page("Kestrel-4", POST_ONE, "Halvard Research News"))
    again = run_once(engine, settings, nlp())
    assert again.new == 0
    with Session(engine) as session:
        assert len(session.exec(select(Article).where(Article.url_hash == url_hash(one))).all()) == 1
    # the feeds list counts articles per feed
    with Session(engine) as session:
        assert sum(h.articles for h in sources_health(session)) == 2


def test_invented_text_under_a_real_url_is_never_stored_as_that_article(db_url, tmp_path, sites):
    lab, aggregator, evaluator = sites
    engine = open_engine(db_url)
    settings = settings_for(db_url, tmp_path, lab, aggregator, evaluator)
    real = lab.url("/blog/kestrel-4")
    invented = ("Kestrel-4 scores 99.9% on GPQA Diamond, Halvard Labs said, and the weights are withdrawn "
                "for good; the lab will only sell access through a paid API from now on, its staff confirmed.")
    aggregator.routes["/spoof.xml"] = Route(body=rss([entry(real, "Kestrel-4 withdrawn", content=f"<p>{invented}</p>")]))
    lab.routes["/feed.xml"] = Route(body=rss([entry(real, "Kestrel-4", content=f"<p>{POST_ONE}</p>")]))
    with session_scope(engine) as session:
        add_feed(session, aggregator.url("/spoof.xml"))
    run_once(engine, settings, nlp())
    with Session(engine) as session:
        assert session.exec(select(Article).where(Article.url_hash == Article.url_hash,
                                                  Article.outlet == "Halvard Labs")).all() == []
        copy = session.exec(select(Article)).one()
        assert copy.outlet == "Link Digest"  # credited to the site that wrote it, not to the lab
    with session_scope(engine) as session:
        add_feed(session, lab.url("/feed.xml"))
    summary = run_once(engine, settings, nlp(), [lab.url("/feed.xml")])
    assert summary.new + summary.clustered == 1  # the real article is stored, not dropped as a duplicate
    with Session(engine) as session:
        article = session.exec(select(Article)).one()  # the stand-in copy became a sighting
        assert article.outlet == "Halvard Labs" and "71.2%" in article.text and "99.9" not in article.text
        assert {c.value for c in session.exec(select(ScoreClaim)).all()} == {71.2}
        assert len(session.exec(select(Sighting).where(Sighting.article_id == article.id)).all()) == 2


def test_feed_text_kept_when_page_fails_then_page_on_next_run_and_undated(db_url, tmp_path, sites):
    lab, aggregator, evaluator = sites
    engine = open_engine(db_url)
    settings = settings_for(db_url, tmp_path, lab, aggregator, evaluator)
    url = lab.url("/blog/plover-2")
    lab.routes["/feed.xml"] = Route(body=rss([
        # content is a teaser, the description is longer: the longest text is kept; no date anywhere
        entry(url, "Plover-2", content="<p>Read more</p>", description=POST_TWO[:260], date=None),
        entry(lab.url("/blog/wren"), "Wren", content="<p>Read more</p>", description="Comments", date=None),
        entry(lab.url("/blog/finch"), "Finch", content="<p>Read more</p>", description="Comments", date=None),
        # no date in the feed or the item's metadata, but a dateline opening the text
        entry(lab.url("/blog/heron"), "Heron", date=None, content=(
            "<p>OSLO, Nov. 3, 2026 \u2014 We opened a research office in Oslo this week, our third in Europe, "
            "and will hire forty researchers there over the coming year to work on evaluation.</p>")),
    ]))
    lab.routes["/blog/plover-2"] = Route(500, {"Content-Type": "text/plain"}, b"down")
    with session_scope(engine) as session:
        add_feed(session, lab.url("/feed.xml"))
    first = run_once(engine, settings, nlp())
    assert first.page_errors == 3 and "pages: 3 failed" in first.line()
    with Session(engine) as session:
        article = session.exec(select(Article).where(Article.url == url)).one()
        assert article.feed_text_only and article.text.startswith("We are also sharing Plover-2")
        assert article.published_at is None and article.fetched_at is not None
        # two identical teasers are two articles, never merged as duplicates
        assert len(session.exec(select(Article)).all()) == 4
        heron = session.exec(select(Article).where(Article.url == lab.url("/blog/heron"))).one()
        assert heron.published_at.date().isoformat() == "2026-11-03"
        claim = session.exec(select(ScoreClaim)).one()
        assert claim.undated
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", db_url, "leaderboard", "MMLU-Pro"])
    assert out.exit_code == 0 and "undated, first seen" in out.output, out.output

    lab.routes["/blog/plover-2"] = Route(headers=HTML, body=page("Plover-2", POST_TWO, "Halvard", date=None))
    second = run_once(engine, settings, nlp())
    assert second.replaced == 1
    with Session(engine) as session:
        article = session.exec(select(Article).where(Article.url == url)).one()
        assert not article.feed_text_only and "short note on this blog" in article.text
        assert article.published_at is None
        events = session.exec(select(StanceEvent).where(StanceEvent.origin == "news")).all()
        assert all(e.occurred_at is None for e in events)  # undated: no ingest time passed off as a date


def test_dispute_corroboration_org_from_text_and_set_org(db_url, tmp_path, sites):
    lab, aggregator, evaluator = sites
    engine = open_engine(db_url)
    settings = settings_for(db_url, tmp_path, lab, aggregator, evaluator)
    lab.routes["/feed.xml"] = Route(body=rss([entry(lab.url("/blog/kestrel-4"), "Kestrel-4",
                                                    content=f"<p>{POST_ONE}</p>")]))
    evaluator.routes["/feed.xml"] = Route(body=rss([
        entry(evaluator.url("/audit/kestrel"), "Re-running Kestrel-4", content=f"<p>{REVIEW}</p>")]))
    aggregator.routes["/own.xml"] = Route(body=rss([
        entry(aggregator.url("/notes/kestrel"), "Kestrel-4 model card", content=f"<p>{ECHO}</p>")]))
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "alerts", "add", "--on", "dispute", "--name", "disputes"]).exit_code == 0
    with session_scope(engine) as session:
        for server, path in ((lab, "/feed.xml"), (aggregator, "/own.xml"), (evaluator, "/feed.xml")):
            add_feed(session, server.url(path))
    run_once(engine, settings, nlp())
    with Session(engine) as session:
        hits = {h.value: h for h in search_claims(session, "", model="Kestrel-4")}
        assert set(hits) == {71.2, 64.0}
        # the lab and the outlet echoing it corroborate; the evaluator's re-run disputes, not confirms
        assert hits[71.2].corroboration == 2 and hits[71.2].disputed and hits[64.0].disputed
        board = {r.value: r for r in leaderboard(session, "GPQA Diamond")}
        assert board[71.2].disputed and board[71.2].corroboration == 2
        zephrine = session.exec(select(Entity).where(Entity.kind == "model", Entity.name == "Zephrine-3")).one()
        assert session.get(Entity, zephrine.org_id).name == "Cohere"  # "Cohere's new model Zephrine-3"
    inbox = runner.invoke(cli, ["--db", db_url, "alerts", "inbox"])
    assert "Disputed" in inbox.output, inbox.output
    out = runner.invoke(cli, ["--db", db_url, "search", "", "--model", "Kestrel-4"])
    assert "DISPUTED" in out.output

    # an analyst's organization survives re-extraction
    set_org = runner.invoke(cli, ["--db", db_url, "entities", "set-org", "Kestrel-4", "Halvard Group"])
    assert set_org.exit_code == 0, set_org.output
    assert runner.invoke(cli, ["--db", db_url, "reextract", "--all"]).exit_code == 0
    with Session(engine) as session:
        model = session.exec(select(Entity).where(Entity.kind == "model", Entity.name == "Kestrel-4")).one()
        assert session.get(Entity, model.org_id).name == "Halvard Group" and model.org_origin == "manual"
    bad = runner.invoke(cli, ["--db", db_url, "entities", "set-org", "No Such Model 9", "X"])
    assert bad.exit_code != 0


def test_copies_on_other_sites_still_cluster_into_one_story_across_feeds(db_url, tmp_path, sites):
    lab, aggregator, evaluator = sites
    engine = open_engine(db_url)
    settings = settings_for(db_url, tmp_path, lab, aggregator, evaluator)
    lab.routes["/feed.xml"] = Route(body=rss([entry(lab.url("/blog/kestrel-4"), "Kestrel-4", content=f"<p>{POST_ONE}</p>")]))
    # the evaluator's site republishes the post lightly edited, under its own URL, naming the original
    edited = POST_ONE.replace("Today we are releasing", "This week we released")
    evaluator.routes["/feed.xml"] = Route(body=rss([entry(evaluator.url("/copies/kestrel-4"), "Kestrel-4 arrives",
                                                          content=f"<p>{edited}</p>")]))
    with session_scope(engine) as session:
        add_feed(session, evaluator.url("/feed.xml"))
        add_feed(session, lab.url("/feed.xml"))
    summary = run_once(engine, settings)
    assert (summary.new, summary.clustered) == (1, 1)
    with Session(engine) as session:
        copy, original = session.exec(select(Article).order_by(Article.id)).all()
        assert copy.story_id == original.story_id
        assert (copy.outlet, original.outlet) == ("Bench Audit", "Halvard Labs")


def test_the_known_sites_table_travels_in_the_options_not_in_a_process_global(tmp_path):
    """Two tables in one process: each caller's own, and the bundled one stays as it was."""
    from ingest.options import IngestOptions
    from ingest.publisher import is_aggregator_name, known_site
    from kb.pipeline.context import publisher_org
    from kb.settings import ingest_options, load_settings

    table = tmp_path / "sites.toml"
    table.write_text('[sites]\n"labs.quillon.example" = { name = "Quillon", kind = "lab", org = "Quillon AI" }\n'
                     '"digest.quillon.example" = { name = "Quill Digest", kind = "aggregator" }\n', encoding="utf-8")
    post = "https://blog.labs.quillon.example/posts/ferret-2"
    mine = ingest_options(load_settings(database_url="sqlite://", sites_file=str(table))).sites()
    assert known_site(post, mine).name == "Quillon" and publisher_org(post, mine) == "Quillon AI"
    assert is_aggregator_name("Quill Digest", mine)
    # nothing leaked into the default table: another caller without the file never sees these sites
    assert known_site(post) is None and publisher_org(post) is None and not is_aggregator_name("Quill Digest")
    assert known_site(post, IngestOptions().sites()) is None
