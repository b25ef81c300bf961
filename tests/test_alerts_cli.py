"""The alert commands end to end (click's runner, real databases), the Atom feed, rule validation,
and `aikb watch` (one cycle; Ctrl-C in a real process)."""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from kb.alerts import add_rule, evaluate, list_rules, mark_read, remove_rule
from kb.cli import cli
from kb.cli.alert_cmds import parse_duration
from kb.db import open_engine
from kb.errors import InputError, NotFound
from tests._alert_fixtures import WebhookReceiver, score, store_article

ATOM = "{http://www.w3.org/2005/Atom}"


def run(db_url, *args):
    result = CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
    return result


def test_add_list_remove_through_the_cli(db_url):
    r = run(db_url, "alerts", "add", "--on", "new-score", "--benchmark", "CharXiv Reasoning", "--min-value", "80",
            "--webhook", "http://127.0.0.1:9000/hook", "--email", "me@example.org", "--digest", "hourly",
            "--name", "charxiv-80")
    assert r.exit_code == 0, r.output
    assert run(db_url, "alerts", "add", "--on", "stance-shift", "--org", "Meta").exit_code == 0
    rules = json.loads(run(db_url, "alerts", "list", "--format", "json").output)
    assert [(x["on"], x["benchmark"], x["min_value"], x["digest"], x["name"]) for x in rules] == [
        ("new-score", "CharXiv Reasoning", 80.0, "hourly", "charxiv-80"),
        ("stance-shift", None, None, "instant", None)]
    assert rules[0]["webhook_url"] == "http://127.0.0.1:9000/hook" and rules[0]["email"] == "me@example.org"
    table = run(db_url, "alerts", "list").output
    assert "charxiv-80" in table and "stance-shift org=Meta" in table
    assert run(db_url, "alerts", "remove", "charxiv-80").exit_code == 0
    assert [x["on"] for x in json.loads(run(db_url, "alerts", "list", "--format", "json").output)] == ["stance-shift"]
    missing = run(db_url, "alerts", "remove", "charxiv-80")
    assert missing.exit_code != 0 and "no alert rule" in missing.output


@pytest.mark.parametrize("args,message", [
    (["--on", "new-score", "--webhook", "file:///etc/passwd"], "webhook must be an http(s) URL"),
    (["--on", "new-score", "--email", "not-an-address"], "not an e-mail address"),
    (["--on", "search"], "a search rule needs"),
    (["--on", "new-score", "--name", "42"], "cannot be a number"),
])
def test_bad_rules_are_refused_with_one_line(sqlite_url, args, message):
    r = run(sqlite_url, "alerts", "add", *args)
    assert r.exit_code != 0 and message in r.output
    assert json.loads(run(sqlite_url, "alerts", "list", "--format", "json").output) == []


def test_rule_names_are_unique_and_functions_return_plain_records(sqlite_url):
    with Session(open_engine(sqlite_url)) as s:
        view = add_rule(s, on="new-model", org="Meta", name="meta")
        with pytest.raises(InputError):
            add_rule(s, on="new-score", name="meta")
        with pytest.raises(InputError):
            add_rule(s, on="new-score", digest="weekly")
        s.commit()
        rules = list_rules(s)
        assert rules == [view] and rules[0].org == "Meta"
        with pytest.raises(dataclasses.FrozenInstanceError):
            rules[0].name = "changed"  # frozen
        with pytest.raises(NotFound):
            remove_rule(s, 99)


HOSTILE = 'Corvid 2 <script>alert("x")</script> & co\x07 scored 71.5 on CharXiv Reasoning ]]> "quoted"'


def test_inbox_read_and_feed_with_hostile_text(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        rule = add_rule(s, on="new-score", name="cx")
        s.commit()
        store_article(s, "https://w.example/h", title='<b>Big</b> & "bold" news', scores=[
            score("Corvid 2", "CharXiv Reasoning", 71.5, HOSTILE),
            score("Tessel Pro", "CharXiv Reasoning", 60.0, "Tessel Pro scored 60.0 on CharXiv Reasoning.")])
        s.commit()
        evaluate(s, None)
        s.commit()
    inbox = run(db_url, "alerts", "inbox", "--unread", "--format", "json")
    items = json.loads(inbox.output)
    assert len(items) == 2 and all(not i["read"] for i in items)
    assert run(db_url, "alerts", "read", str(items[0]["id"])).output.startswith("marked 1 alert read")
    assert len(json.loads(run(db_url, "alerts", "inbox", "--unread", "--format", "json").output)) == 1
    assert "marked 1 alert read" in run(db_url, "alerts", "read", "--all").output
    assert run(db_url, "alerts", "inbox", "--unread").output.strip() == "no unread alerts"

    for ref in ("cx", str(rule.id)):
        xml = run(db_url, "alerts", "feed", ref).output
        root = ET.fromstring(xml.encode())  # well-formed despite the markup and control characters
        assert root.tag == f"{ATOM}feed"
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 2
        assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2
        bodies = " ".join(e.findtext(f"{ATOM}content") for e in entries)
        assert '<script>alert("x")</script> & co scored' in bodies  # text, as data
        assert "<script>" not in xml and "&lt;script&gt;" in xml
        assert all(e.find(f"{ATOM}updated") is not None and e.findtext(f"{ATOM}title") for e in entries)
    assert run(db_url, "alerts", "feed", "nope").exit_code != 0


def test_mark_read_all_and_by_id(sqlite_url):
    with Session(open_engine(sqlite_url)) as s:
        assert mark_read(s, []) == 0 and mark_read(s, None) == 0


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("15m", 900), ("1h", 3600), ("2", 2), ("1.5h", 5400),
                                          ("1d", 86400)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "0s", "15 minutes"])
def test_parse_duration_refuses_nonsense(text):
    with pytest.raises(InputError):
        parse_duration(text)


def test_watch_once_delivers_pending_alerts(db_url):
    engine = open_engine(db_url)
    with WebhookReceiver() as hook:
        with Session(engine) as s:
            add_rule(s, on="new-score", webhook=hook.url)
            s.commit()
            store_article(s, "https://w.example/watch", scores=[
                score("Corvid 2", "CharXiv Reasoning", 71.5, "Corvid 2 scored 71.5 on CharXiv Reasoning.")])
            s.commit()
        r = run(db_url, "watch", "--once", "--no-ingest")
        assert r.exit_code == 0, r.output
        assert "alerts: 1 new" in r.output and "1 sent" in r.output
        assert len(hook.received) == 1
        assert "0 sent" in run(db_url, "watch", "--once", "--no-ingest").output
        assert len(hook.received) == 1


def test_watch_stops_cleanly_on_ctrl_c(sqlite_url):
    env = dict(os.environ, AIKB_DATABASE_URL=sqlite_url)
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "watch", "--every", "1h", "--no-ingest"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # an xdist worker ignores SIGINT and a child inherits that: give it the default back
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "next cycle" not in line:
            line = proc.stderr.readline()
        assert "next cycle" in line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert "alerts: 0 new" in out


def test_unknown_names_are_refused_with_did_you_mean_unless_allowed(sqlite_url):
    r = run(sqlite_url, "alerts", "add", "--on", "new-score", "--benchmark", "Charxiv Reasonng")
    assert r.exit_code != 0 and "did you mean 'CharXiv Reasoning'" in r.output and "--allow-new" in r.output
    r = run(sqlite_url, "alerts", "add", "--on", "stance-shift", "--org", "Metaa")
    assert r.exit_code != 0 and "'Meta'" in r.output
    assert json.loads(run(sqlite_url, "alerts", "list", "--format", "json").output) == []
    # known names pass before any ingest (the gazetteer), aliases too; a new name only when allowed
    assert run(sqlite_url, "alerts", "add", "--on", "new-score", "--benchmark", "aime 25").exit_code == 0
    assert run(sqlite_url, "alerts", "add", "--on", "new-model", "--model", "Halo Prime 9").exit_code != 0
    assert run(sqlite_url, "alerts", "add", "--on", "new-model", "--model", "Halo Prime 9",
               "--allow-new").exit_code == 0
    rules = json.loads(run(sqlite_url, "alerts", "list", "--format", "json").output)
    assert [(x["benchmark"], x["model"]) for x in rules] == [("aime 25", None), (None, "Halo Prime 9")]
