"""Ingest against a real local HTTP server that fails in every way a feed server can, on both databases.

One run over good and hostile feeds must leave one error row per failure, every good article
stored, and a second run must store nothing new while sending conditional requests.
"""
from __future__ import annotations

import json

import pytest
from sqlmodel import Session, func, select

from ingest.fetch import is_timeout
from kb.db import open_engine, session_scope
from kb.models import Article, FetchLog, Source
from kb.pipeline.run import run_once
from kb.pipeline.feeds import add_feed
from _ingest_fixtures import (  # noqa: F401 - fixtures
    Route, conditional, feed_server, gzip_bomb, gzip_route, ingest_settings, item, rss, slow, trickle,
)

BODIES = [
    "Halden Robotics released the weights of its Tern-4 model under the Apache 2.0 licence on Monday, "
    "and said the model scores 72.4 on GPQA Diamond in its own tests of graduate-level science questions.",
    "Pelican Cloud named Ruth Adeyemi its chief operating officer, a month after the company raised new "
    "funding from two sovereign wealth funds to build data centres in northern Portugal.",
    "The evaluation group Benchwise said Corvid 2 reached 48.1 percent on SWE-bench Verified with its "
    "default settings, well below the figure its developer had advertised at launch in September.",
    "Lattice Labs will keep its largest model behind an API, its founder told investors, reversing a "
    "promise made last spring to publish every checkpoint once safety testing had been completed.",
    "A consortium of universities in Scandinavia trained a Finnish and Swedish language model on public "
    "broadcast archives and released it for research use together with the cleaning scripts.",
    "Quill Systems cut the price of its flagship model by half for batch requests and said the change "
    "follows a new scheduler that keeps its accelerators busy through the night.",
]

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Test</title><id>urn:atom-test</id>
<updated>2026-11-01T00:00:00Z</updated>
<entry><id>urn:a1</id><title>Atom entry</title><link href="https://atom.example/a1"/>
<updated>2026-11-01T08:00:00Z</updated><content type="html">&lt;p&gt;{BODIES[3]}&lt;/p&gt;</content></entry>
</feed>""".encode()

JSON_FEED = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "JSON Test", "items": [
    {"id": "j1", "url": "https://json.example/j1", "title": "JSON item", "content_html": f"<p>{BODIES[4]}</p>",
     "date_published": "2026-11-03T10:00:00Z"}]}).encode()

RSS1 = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://rdf.example/"><title>RDF Test</title><link>https://rdf.example/</link>
<description>x</description></channel>
<item rdf:about="https://rdf.example/r1"><title>RDF item</title><link>https://rdf.example/r1</link>
<description>{BODIES[5]}</description></item></rdf:RDF>""".encode()

PAGE = f"""<!doctype html><html><head><title>Pelican Cloud names a COO | Page Outlet</title>
<meta property="og:site_name" content="Page Outlet"></head><body><nav>Home | About</nav>
<article><h1>Pelican Cloud names a COO</h1><p>{BODIES[1]}</p>
<p>The new executive previously ran logistics software at a freight company and will oversee construction.</p>
</article><footer>Copyright Page Outlet</footer></body></html>""".encode()

LOL = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>Laughs</title><item><guid>lol</guid><title>&lol9;</title>
<description>&lol9;</description></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>XXE</title><item><guid>xxe</guid><title>&xxe;</title>
<description>passwd says &xxe;</description></item></channel></rss>"""


def serve_everything(server) -> dict[str, str]:
    """Fill the server with one route per case; returns case name -> feed path."""
    r = server.routes
    r["/good.xml"] = conditional(rss([item("g1", "Tern-4 weights", BODIES[0], "https://good.example/g1")]),
                                 etag='"v1"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    r["/summary.xml"] = Route(body=rss([item("s1", "COO named", BODIES[1], server.url("/pages/coo.html"), full=False)]))
    r["/pages/coo.html"] = Route(headers={"Content-Type": "text/html; charset=utf-8"}, body=PAGE)
    r["/atom.xml"] = Route(headers={"Content-Type": "application/atom+xml"}, body=ATOM)
    r["/feed.json"] = Route(headers={"Content-Type": "application/feed+json"}, body=JSON_FEED)
    r["/rdf.xml"] = Route(headers={"Content-Type": "application/rdf+xml"}, body=RSS1)
    r["/gzip.xml"] = gzip_route(rss([item("z1", "Corvid 2 tested", BODIES[2], "https://gz.example/z1")]))
    r["/500.xml"] = Route(500, {"Content-Type": "text/plain"}, b"boom")
    r["/slow.xml"] = slow(3.0, rss([]))
    r["/big.xml"] = Route(body=rss([item(f"b{i}", "x", "y" * 1000) for i in range(500)]))
    r["/loop-a"] = Route(302, {"Location": "/loop-b"})
    r["/loop-b"] = Route(302, {"Location": "/loop-a"})
    r["/page.html"] = Route(headers={"Content-Type": "text/html"}, body=b"<html><body>not a feed</body></html>")
    r["/bomb.xml"] = gzip_bomb(50_000_000)
    r["/trickle.xml"] = trickle(rss([item("t1", "slow", BODIES[0])]), 0.25)
    r["/malformed.xml"] = Route(body=b"<?xml version='1.0'?><rss><channel><title>Broken</title><item><title>x")
    r["/lol.xml"] = Route(body=LOL)
    r["/xxe.xml"] = Route(body=XXE)
    return {name: path for name, path in [
        ("good", "/good.xml"), ("summary", "/summary.xml"), ("atom", "/atom.xml"), ("json", "/feed.json"),
        ("rdf", "/rdf.xml"), ("gzip", "/gzip.xml"), ("http500", "/500.xml"), ("slow", "/slow.xml"),
        ("oversize", "/big.xml"), ("loop", "/loop-a"), ("html", "/page.html"), ("bomb", "/bomb.xml"),
        ("trickle", "/trickle.xml"), ("malformed", "/malformed.xml"), ("lol", "/lol.xml"), ("xxe", "/xxe.xml"),
    ]}


TIMEOUT = "<timeout class>"  # a read timeout or the total deadline, whichever trips first under load
FAILING = {"http500": "HTTP 500", "slow": TIMEOUT, "oversize": "body over", "loop": "redirect loop",
           "html": "not a feed", "bomb": "after decompression", "trickle": TIMEOUT, "malformed": "malformed",
           "lol": "entities", "xxe": "entities"}


def feed_errors(engine, url: str) -> list[FetchLog]:
    with Session(engine) as session:
        return session.exec(select(FetchLog).where(FetchLog.url == url, FetchLog.kind == "feed",
                                                   FetchLog.outcome == "error")).all()


def test_every_failure_recorded_every_good_article_stored(db_url, feed_server):
    engine = open_engine(db_url)
    settings = ingest_settings(db_url)
    cases = serve_everything(feed_server)
    with session_scope(engine) as session:
        for path in cases.values():
            add_feed(session, feed_server.url(path))

    summary = run_once(engine, settings)

    assert summary.failed == len(FAILING)
    for name, fragment in FAILING.items():
        rows = feed_errors(engine, feed_server.url(cases[name]))
        assert len(rows) == 1, name
        if fragment is TIMEOUT:
            assert is_timeout(rows[0].error), (name, rows[0].error)
        else:
            assert fragment in rows[0].error, (name, rows[0].error)
        assert rows[0].duration_ms is not None
    with Session(engine) as session:
        stored = {a.title: a for a in session.exec(select(Article)).all()}
        for name in ("good", "summary", "atom", "json", "rdf", "gzip"):
            source = session.exec(select(Source).where(Source.url == feed_server.url(cases[name]))).one()
            assert source.failure_count == 0 and source.last_error is None, name
        failing = session.exec(select(Source).where(Source.url == feed_server.url("/500.xml"))).one()
        assert failing.failure_count == 1 and "500" in failing.last_error and failing.last_status == 500
    assert {"Tern-4 weights", "Pelican Cloud names a COO", "Atom entry", "JSON item", "RDF item",
            "Corvid 2 tested"} <= set(stored)
    # the summary-only item was completed from its page: boilerplate gone, page outlet kept
    coo = stored["Pelican Cloud names a COO"]
    assert "freight company" in coo.text and "Home | About" not in coo.text and coo.outlet == "Page Outlet"
    # nothing from the entity bombs was expanded into a stored title or text
    assert not any("lollol" in (a.title or "") + a.text or "root:x:0" in a.text for a in stored.values())
    # the entity-bomb feeds' items were recovered unexpanded (their guid links 404), and the RDF item's
    # page host does not resolve: three page errors, and each item kept with its summary
    assert summary.new == 8 and summary.clustered == 0 and summary.page_errors == 3

    # second run: nothing new, and the feed that gave validators was asked conditionally (304)
    before = len(feed_server.requests_for("/good.xml"))
    again = run_once(engine, settings)
    assert again.new == 0 and again.clustered == 0
    assert again.not_modified == 1
    conditional_request = feed_server.requests_for("/good.xml")[before]
    assert conditional_request.get("if-none-match") == '"v1"'
    assert conditional_request.get("if-modified-since") == "Mon, 02 Nov 2026 10:00:00 GMT"
    assert len(feed_server.requests_for("/pages/coo.html")) == 1  # known item: its page is not refetched
    with Session(engine) as session:
        robots = session.exec(select(FetchLog).where(FetchLog.kind == "robots")).all()
        # one robots.txt request per origin and run (the second run tried the failed pages again, issue
        # 13); the local server has none (404): logged, not an error
        assert [r.url for r in robots if r.url.startswith(feed_server.url("/"))] == [feed_server.url("/robots.txt")] * 2
        assert all(r.outcome in ("ok", "skipped") for r in robots)
    with Session(engine) as session:
        assert len(session.exec(select(Article)).all()) == len(stored)


def test_private_links_blocked_unless_allowed(db_url, feed_server):
    engine = open_engine(db_url)
    other = feed_server.url("/pages/inside.html").replace(str(feed_server.port), str(feed_server.port + 1))
    links = [other, "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/admin", "http://[::1]/x"]
    items = [item(f"p{i}", f"Private {i}", BODIES[i], link, full=False) for i, link in enumerate(links)]
    feed_server.routes["/private.xml"] = Route(body=rss(items))
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/private.xml"))

    summary = run_once(engine, ingest_settings(db_url))

    assert summary.fetched == 1 and summary.page_errors == len(links)
    with Session(engine) as session:
        pages = session.exec(select(FetchLog).where(FetchLog.kind == "page")).all()
        assert sorted(p.url for p in pages) == sorted(links)
        assert all(p.outcome == "error" and p.error.startswith("blocked") for p in pages)
        # the items are not lost: their summaries are stored
        assert len(session.exec(select(Article)).all()) == len(links)


def test_private_network_setting_allows_intranet_pages(db_url, feed_server):
    other_server_page = feed_server.url("/pages/coo.html")
    feed_server.routes["/pages/coo.html"] = Route(headers={"Content-Type": "text/html"}, body=PAGE)
    from ingest.fetch import fetch
    from kb.settings import ingest_options

    # the setting reaches ingest through the options kb.settings composes
    blocked = fetch(other_server_page.replace("127.0.0.1", "127.0.0.2"), ingest_options(ingest_settings(db_url)))
    assert blocked.error and blocked.error.startswith("blocked")
    allowed = fetch(other_server_page, ingest_options(ingest_settings(db_url, allow_private_networks=True)))
    assert allowed.ok and b"Pelican" in allowed.body


@pytest.mark.slow
def test_ten_thousand_item_feed_is_stored_whole(sqlite_url, feed_server):
    """A feed of 10,000 items: every item stored once, and the next run is a single 304."""
    engine = open_engine(sqlite_url)
    verbs = ["released", "priced", "delayed", "open-sourced", "benchmarked", "retired", "licensed", "previewed"]
    items = [item(f"big-{i}", f"Brief {i}",
                  f"Lab {i % 313} {verbs[i % 8]} model {i} on day {i % 29}, item {i} of a very long feed; "
                  f"{BODIES[i % len(BODIES)]}", f"https://big.example/{i}") for i in range(10_000)]
    feed_server.routes["/big10k.xml"] = conditional(rss(items), etag='"big"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    with session_scope(engine) as session:
        add_feed(session, feed_server.url("/big10k.xml"))
    # the per-source caps (tests/test_feed_caps.py) lifted: this measures one whole run
    settings = ingest_settings(sqlite_url, max_bytes=50_000_000, max_items_per_source=20_000,
                               max_seconds_per_source=3600.0)
    summary = run_once(engine, settings)
    assert summary.fetched == 1 and summary.new + summary.clustered == 10_000 and summary.duplicate == 0
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 10_000
    again = run_once(engine, settings)
    assert again.not_modified == 1 and again.new == 0
