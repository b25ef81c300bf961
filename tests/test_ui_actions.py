"""The pages that change things: the alert inbox and rules, and the sources list (AppTest, real SQLite)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kb.alerts import add_rule, evaluate, list_alerts, list_rules
from kb.db import open_engine, session_scope
from kb.read.sources import sources_health
from tests._ui_fixtures import fill_store
from tests.test_ui_pages import open_page, shown


@pytest.fixture
def alerted_url(sqlite_url) -> str:
    """A filled store with a rule on CharXiv Reasoning that fired through the real alert evaluator."""
    fill_store(sqlite_url)
    with session_scope(open_engine(sqlite_url)) as session:
        add_rule(session, on="new-score", name="charxiv watch", benchmark="CharXiv Reasoning",
                 now=datetime(2020, 1, 1, tzinfo=timezone.utc))
        evaluate(session)
    return sqlite_url


def press(at, label: str) -> None:
    """Click the button (or form submit button) labelled LABEL and rerun; the page must not fail."""
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception


def unread(url: str) -> int:
    with session_scope(open_engine(url)) as session:
        return len(list_alerts(session, unread_only=True))


def test_inbox_shows_unread_alerts_and_marks_them_read(alerted_url, monkeypatch):
    fired = unread(alerted_url)
    assert fired == 3  # 86.4, 84.9 and 81.0 on CharXiv Reasoning
    at = open_page(alerted_url, "alerts", monkeypatch)
    assert shown(at).count(":blue-badge[unread]") == fired
    assert "rule charxiv watch" in shown(at)

    mark_one = [b for b in at.button if b.key and b.key.startswith("read_") and b.key != "read_all"][0]
    mark_one.click().run()
    assert not at.exception
    assert unread(alerted_url) == fired - 1
    assert shown(at).count(":blue-badge[unread]") == fired - 1

    at.button(key="read_all").click().run()
    assert unread(alerted_url) == 0
    assert "No unread alerts" in shown(at)
    at.toggle(key="unread_only").set_value(False).run()
    assert shown(at).count(":gray-badge[read]") == fired


def test_rules_are_added_checked_and_removed_from_the_page(sqlite_url, monkeypatch):
    at = open_page(sqlite_url, "alerts", monkeypatch)
    assert "No rules yet" in shown(at)
    at.selectbox(key="rule_on").set_value("new-record")
    at.selectbox(key="rule_benchmark").set_value("GPQA Diamond")  # in the gazetteer: known before any ingest
    at.text_input(key="rule_email").input("not-an-address")
    press(at, "Add rule")
    assert "not an e-mail address" in shown(at)
    with session_scope(open_engine(sqlite_url)) as session:
        assert list_rules(session) == []

    at.text_input(key="rule_email").input("analyst@example.org")
    press(at, "Add rule")
    assert not at.exception
    with session_scope(open_engine(sqlite_url)) as session:
        (rule,) = list_rules(session)
    assert (rule.on, rule.benchmark, rule.email) == ("new-record", "GPQA Diamond", "analyst@example.org")
    assert "Added rule" in shown(at)
    table = at.dataframe[0].value
    assert list(table["rule"]) == ["new-record benchmark=GPQA Diamond"]

    at.selectbox(key="doomed").select_index(0).run()
    at.button(key="remove_rule").click().run()
    assert not at.exception
    with session_scope(open_engine(sqlite_url)) as session:
        assert list_rules(session) == []


OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>AI feeds</title></head><body>
  <outline text="Lab blogs">
    <outline type="rss" text="Halcyon blog" xmlUrl="https://halcyon.example/feed.xml"/>
    <outline type="rss" text="Model Ledger" xmlUrl="https://modelledger.example/rss"/>
  </outline>
</body></opml>"""


def feeds(url: str) -> list[str]:
    with session_scope(open_engine(url)) as session:
        return [h.url for h in sources_health(session)]


def test_sources_add_a_feed_and_import_opml(sqlite_url, monkeypatch):
    at = open_page(sqlite_url, "sources", monkeypatch)
    assert "No feeds yet" in shown(at)

    at.text_input(key="feed_url").input("/etc/passwd")
    press(at, "Add feed")
    assert "enter an http(s) feed URL" in shown(at)
    assert feeds(sqlite_url) == []

    at.text_input(key="feed_url").input("https://signalwire.example/feed.xml")
    press(at, "Add feed")
    assert not at.exception
    assert feeds(sqlite_url) == ["https://signalwire.example/feed.xml"]
    table = at.dataframe[0].value
    assert list(table["url"]) == ["https://signalwire.example/feed.xml"]
    assert list(table["failures"]) == [0] and list(table["articles"]) == [0]

    at.file_uploader(key="opml_file").set_value(("feeds.opml", OPML, "text/x-opml"))
    press(at, "Import")
    assert not at.exception
    assert "Imported 2 new feeds from feeds.opml" in shown(at)
    assert sorted(feeds(sqlite_url)) == ["https://halcyon.example/feed.xml", "https://modelledger.example/rss",
                                         "https://signalwire.example/feed.xml"]


def test_a_broken_opml_file_is_refused_with_a_message(sqlite_url, monkeypatch):
    at = open_page(sqlite_url, "sources", monkeypatch)
    at.file_uploader(key="opml_file").set_value(("feeds.opml", b"<opml><body><outline", "text/x-opml"))
    press(at, "Import")
    assert not at.exception
    assert "not a readable OPML file" in shown(at)
    assert feeds(sqlite_url) == []


def test_rule_fields_offer_known_names_and_the_form_refuses_misspellings(sqlite_url, monkeypatch):
    at = open_page(sqlite_url, "alerts", monkeypatch)
    # an empty store still offers the gazetteer's names, so a rule can be set up before the first ingest
    assert "CharXiv Reasoning" in at.selectbox(key="rule_benchmark").options
    assert "Meta" in at.selectbox(key="rule_org").options
    # (AppTest cannot type a new option into a select box; the form calls add_checked_rule, checked here)
    from kb.errors import InputError
    from kb.alerts.rules import add_checked_rule

    with session_scope(open_engine(sqlite_url)) as session:
        with pytest.raises(InputError, match="did you mean 'CharXiv Reasoning'"):
            add_checked_rule(session, on="new-score", benchmark="Charxiv Reasonng")
        view = add_checked_rule(session, on="new-score", benchmark="Aurora Bench 2", allow_new=True)
    assert view.benchmark == "Aurora Bench 2"
def test_model_page_sets_the_organization(sqlite_url, monkeypatch):
    from kb.models import Entity
    from sqlmodel import select

    fill_store(sqlite_url)
    at = open_page(sqlite_url, "model", monkeypatch, name="Aurora-2 Pro")
    at.text_input(key="set_org_name").input("Halcyon Holdings")
    press(at, "Set organization")
    with session_scope(open_engine(sqlite_url)) as session:
        model = session.exec(select(Entity).where(Entity.kind == "model", Entity.name == "Aurora-2 Pro")).one()
        assert session.get(Entity, model.org_id).name == "Halcyon Holdings" and model.org_origin == "manual"
    assert "Halcyon Holdings" in shown(at)
