"""Feed parsing, encodings, odd items, scheduling and OPML; pure functions, no server or database."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest

from ingest.dedup import StoryIndex, content_hash, hamming, normalize_url, simhash, url_hash
from ingest.feeds import parse_feed
from ingest.items import item_draft
from ingest.opml import OpmlFeed, parse_opml, write_opml
from ingest.records import FeedItem
from ingest.schedule import next_fetch_time
from kb.errors import InputError
from _ingest_fixtures import item, rss

TEXT = ("Marlin Analytics said its Vega 3 model answers 83.0 percent of the questions in its internal finance "
        "exam correctly, and that the weights will stay private while the company negotiates with banks.")


def test_rss_item_fields_and_channel_schedule():
    body = rss([item("m1", "Vega 3 launches", TEXT, "/news/vega-3")],
               extra="<ttl>90</ttl><skipHours><hour>0</hour><hour>23</hour></skipHours>")
    feed = parse_feed(body, "https://feed.example/rss.xml")
    assert feed.error is None and feed.format == "rss20" and feed.title == "Test Feed"
    assert feed.ttl_minutes == 90 and feed.skip_hours == (0, 23)
    (entry,) = feed.items
    assert entry.guid == "m1" and entry.link == "https://feed.example/news/vega-3"
    assert entry.published == datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
    assert "83.0 percent" in entry.content_html


def test_items_without_link_title_or_date_are_kept():
    body = rss(["<item><description>" + TEXT + "</description></item>",
                "<item><title>Only a title</title></item>"])
    feed = parse_feed(body, "https://feed.example/rss.xml")
    assert len(feed.items) == 2
    first, second = feed.items
    assert first.link is None and first.title is None and first.published is None
    draft = item_draft(first, "Test Feed")
    assert draft is not None and "Vega 3" in draft.doc.text and draft.doc.outlet is None  # never the feed title
    assert item_draft(second, "Test Feed") is None  # no text at all: nothing to store


def test_invalid_utf8_and_mislabelled_encodings_do_not_lose_items():
    broken = rss([item("e1", "Caf\u00e9 launch", TEXT)]).replace("Caf\u00e9".encode(), b"Caf\xe9\xff")
    feed = parse_feed(broken, "https://feed.example/rss.xml")
    assert len(feed.items) == 1 and feed.items[0].title.startswith("Caf")
    latin = rss([item("e2", "Se\u00f1or model", TEXT)]).decode().replace('encoding="utf-8"', 'encoding="iso-8859-1"')
    feed = parse_feed(latin.encode("utf-8"), "https://feed.example/rss.xml")  # says latin-1, is utf-8
    assert len(feed.items) == 1 and feed.items[0].title.startswith("Se")


def test_duplicate_guids_with_different_content_keep_both_items_for_the_store_to_judge():
    body = rss([item("same", "First version", TEXT), item("same", "Second version", TEXT.replace("83.0", "85.5"))])
    feed = parse_feed(body, "https://feed.example/rss.xml")
    assert [i.guid for i in feed.items] == ["same", "same"]


@pytest.mark.slow
def test_ten_thousand_items_parse():
    items = [item(f"id-{i}", f"Item {i}", f"Body number {i} of the big feed.", f"https://big.example/{i}")
             for i in range(10_000)]
    started = time.perf_counter()
    feed = parse_feed(rss(items), "https://big.example/rss.xml")
    assert len(feed.items) == 10_000 and len({i.guid for i in feed.items}) == 10_000
    assert time.perf_counter() - started < 120  # a sanity bound, not a benchmark


def test_json_feed_and_its_errors():
    body = json.dumps({"version": "https://jsonfeed.org/version/1", "title": "J", "items": [
        {"id": 7, "url": "/a", "title": "A", "content_text": TEXT, "date_published": "2026-11-01T09:00:00+02:00",
         "author": {"name": "Ana"}}, "not an object"]}).encode()
    feed = parse_feed(body, "https://j.example/feed.json")
    assert feed.format == "json1" and len(feed.items) == 1 and "1 items are not objects" in feed.error
    (entry,) = feed.items
    assert entry.guid == "7" and entry.link == "https://j.example/a" and entry.author == "Ana"
    assert entry.published == datetime(2026, 11, 1, 7, 0, tzinfo=timezone.utc)
    assert parse_feed(b'{"version": 1', "u").error.startswith("malformed JSON feed")
    assert parse_feed(b'{"hello": "world"}', "u").error.startswith("not a feed")


def test_html_page_is_not_a_feed():
    feed = parse_feed(b"<html><body><p>hello</p></body></html>", "https://x.example/", "text/html")
    assert feed.items == () and feed.error.startswith("not a feed")


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/hostname">]>',
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_entities_are_never_expanded(doctype):
    body = b'<?xml version="1.0"?>' + doctype + rss([item("x", "T &e;&b;", TEXT)]).split(b"?>", 1)[1]
    feed = parse_feed(body, "https://x.example/")
    assert "entities" in feed.error
    assert all("aaaaaaaaaa" not in (i.title or "") for i in feed.items)


def test_schedule_ttl_skip_hours_and_backoff():
    now = datetime(2026, 11, 2, 1, 30, tzinfo=timezone.utc)
    assert next_fetch_time(now) == datetime(2026, 11, 2, 2, 30, tzinfo=timezone.utc)
    assert next_fetch_time(now, ttl_minutes=180) == datetime(2026, 11, 2, 4, 30, tzinfo=timezone.utc)
    assert next_fetch_time(now, skip_hours=[2, 3]) == datetime(2026, 11, 2, 4, 0, tzinfo=timezone.utc)
    assert next_fetch_time(now, failure_count=3) == datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
    assert next_fetch_time(now, failure_count=30, max_backoff_hours=24) == datetime(2026, 11, 3, 1, 30,
                                                                                      tzinfo=timezone.utc)


def test_opml_round_trip_and_errors():
    feeds = [OpmlFeed("https://a.example/rss", "A & B <news>", "https://a.example/"), OpmlFeed("https://b.example/atom")]
    text = write_opml(feeds)
    assert parse_opml(text) == feeds
    nested = ('<opml version="1.0"><body><outline text="AI"><outline xmlUrl="https://c.example/f" text="C"/>'
              '<outline xmlUrl="https://c.example/f" text="again"/></outline></body></opml>')
    assert parse_opml(nested) == [OpmlFeed("https://c.example/f", "C")]
    with pytest.raises(InputError):
        parse_opml("<opml><body>")
    with pytest.raises(InputError):
        parse_opml("<rss/>")
    bomb = '<?xml version="1.0"?><!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body>' \
           '<outline xmlUrl="https://d.example/&x;"/></body></opml>'
    with pytest.raises(InputError, match="external entity"):
        parse_opml(bomb)  # refused, never resolved


def test_dedup_keys():
    assert normalize_url("HTTPS://www.Example.org/a/?utm_source=x&b=2#frag") == "https://example.org/a?b=2"
    assert url_hash("https://example.org/a/") == url_hash("https://EXAMPLE.org/a?utm_medium=rss")
    assert content_hash("Hello,  World!") == content_hash("hello world")
    copy = simhash(TEXT + " Originally reported elsewhere.")
    assert hamming(simhash(TEXT), copy) <= 12
    other = simhash("Benchwise measured a different model on a coding test and published every log it produced.")
    assert hamming(simhash(TEXT), other) > 12
    index = StoryIndex()
    index.add(simhash(TEXT), 42)
    assert index.find(simhash(TEXT)) == 42 and index.find(other) is None


def test_full_content_used_without_page_and_summary_kept_when_page_fails():
    full = FeedItem(guid="f", link="https://x.example/f", title="Full", content_html=f"<p>{TEXT}</p>")
    draft = item_draft(full, "Outlet")
    assert draft.doc.text == TEXT and draft.raw_kind == "html" and draft.doc.title == "Full"
    teaser = FeedItem(guid="t", link="https://x.example/t", title="Teaser", summary="Vega 3 is out.")
    assert item_draft(teaser, "Outlet", page=None).doc.text == "Vega 3 is out."


@pytest.mark.parametrize("path", ["frontier-wire.xml", "model-ledger.atom"])
def test_fast_path_agrees_with_feedparser(path, monkeypatch):
    from pathlib import Path

    import ingest.feeds as feeds_module

    body = (Path(__file__).resolve().parent.parent / "data" / "sample" / "feeds" / path).read_bytes()
    url = "https://feeds.example/x/" + path
    fast = parse_feed(body, url)
    monkeypatch.setattr(feeds_module, "parse_fast", lambda _body, _url: None)
    slow = parse_feed(body, url)
    assert (fast.title, fast.site_url, fast.format, fast.ttl_minutes, fast.skip_hours) == \
        (slow.title, slow.site_url, slow.format, slow.ttl_minutes, slow.skip_hours)
    assert len(fast.items) == len(slow.items) > 0
    for a, b in zip(fast.items, slow.items):
        assert (a.guid, a.link, a.title, a.author, a.published) == (b.guid, b.link, b.title, b.author, b.published)
        assert (a.content_html or "").split() == (b.content_html or "").split()
