"""Every `aikb` command given bad arguments: a one-line error and a non-zero exit code, never a traceback.

In-process through click's runner on a real SQLite file (and PostgreSQL for the store-touching
cases), plus real processes for the cases the issue reported. A guard test makes sure every command
of the CLI tree has at least one case here.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from kb.cli import cli
from kb.db import open_engine
from kb.models import AlertRule, Source
from tests.test_local_inputs import bounded

ROOT = Path(__file__).resolve().parent.parent

# (command path, arguments after it). "{dir}", "{pipe}", "{big}" are filled per test.
CASES = [
    ("search", ["x", "--until", "9999-12-31", "--since", "10000-01-01"]),
    ("search", ["x", "--since", "2026-13-01"]),
    ("search", ["x", "--since", "2026-05-01", "--until", "2026-01-01"]),
    ("search", ["x", "--limit", "0"]),
    ("search", ["x", "--stance", "maybe"]),
    ("leaderboard", ["Nope", "--as-of", "9999-12-31"]),
    ("leaderboard", ["Nope", "--as-of", "yesterday"]),
    ("disagreements", ["--benchmark", "Nope"]),
    ("disagreements", ["--limit", "-1"]),
    ("model", ["Nope"]),
    ("person", ["Nope"]),
    ("timeline", ["Nope"]),
    ("export", ["nothing"]),
    ("export", ["claims", "--output", "{dir}/missing/folder/claims.csv"]),
    ("export", ["claims", "--output", "{dir}"]),
    ("feeds add", ["http://[::1"]),
    ("feeds add", ["http://example.org:99999/feed.xml"]),
    ("feeds add", ["ftp://example.org/feed.xml"]),
    ("feeds add", [""]),
    ("feeds add", ["{dir}/missing.xml"]),
    ("feeds add", ["{dir}"]),
    ("feeds add", ["/dev/zero"]),
    ("feeds add", ["{pipe}"]),
    ("feeds import", ["{dir}/missing.opml"]),
    ("feeds import", ["/dev/zero"]),
    ("feeds import", ["{pipe}"]),
    ("feeds import", ["{big}"]),
    ("feeds export", ["extra-argument"]),
    ("feeds list", ["--format", "xml"]),
    ("extract", ["/nonexistent.txt"]),
    ("extract", ["/dev/zero"]),
    ("extract", ["{pipe}"]),
    ("extract", ["{big}"]),
    ("clean", ["/nonexistent.txt"]),
    ("clean", ["/dev/zero"]),
    ("clean", ["{dir}"]),
    ("ingest", ["--article", "/nonexistent.txt"]),
    ("ingest", ["--article", "/dev/zero"]),
    ("ingest", ["--article", "{pipe}"]),
    ("ingest", ["--article", "{big}"]),
    ("ingest", ["--article", "http://[::1"]),
    ("ingest", ["--source", "http://[::1"]),
    ("ingest", ["--worker", "--exit-when-idle", "--batch", "0"]),
    ("ingest", ["--worker", "--exit-when-idle", "--poll", "-1"]),
    ("stats", ["--format", "xml"]),
    ("reextract", ["--bogus"]),
    ("demo", ["--port", "0", "--no-serve"]),
    ("ui", ["--port", "70000"]),
    ("watch", ["--every", "banana", "--once"]),
    ("watch", ["--every", "0s", "--once"]),
    ("watch", ["--every", "99999999999999d", "--once"]),
    ("alerts add", ["--on", "new-score", "--webhook", "http://[::1"]),
    ("alerts add", ["--on", "new-score", "--webhook", "file:///etc/passwd"]),
    ("alerts add", ["--on", "new-score", "--email", "not-an-address"]),
    ("alerts add", ["--on", "new-score", "--min-value", "nan"]),
    ("alerts add", ["--on", "new-score", "--min-value", "inf"]),
    ("alerts add", ["--on", "nothing"]),
    ("alerts inbox", ["--limit", "-5"]),
    ("alerts read", ["999999"]),
    ("alerts read", ["abc"]),
    ("alerts read", []),
    ("alerts feed", ["999"]),
    ("alerts feed", ["1", "--limit", "-1"]),
    ("alerts remove", ["999"]),
    ("alerts list", ["--format", "xml"]),
    ("alerts deliver", ["--bogus"]),
    ("entities list", ["--limit", "0"]),
    ("entities merge", ["Nope", "Nothing"]),
    ("entities split", ["Nope"]),
    ("entities set-org", ["NoSuchModel", "Nothing"]),
    ("entities seed", ["extra-argument"]),
]
GLOBAL_CASES = [
    ["--config", "{dir}/missing.toml", "stats"],
    ["--config", "/dev/zero", "stats"],
    ["--config", "{pipe}", "stats"],
    ["--db", "nosuch://x", "stats"],
]


def leaf_commands(group: click.Group, prefix: str = "") -> set[str]:
    names = set()
    for name in group.list_commands(None):  # click's API: the aikb group loads its modules on demand
        command = group.get_command(None, name)
        path = f"{prefix}{name}"
        names |= leaf_commands(command, path + " ") if isinstance(command, click.Group) else {path}
    return names


def test_every_command_has_a_bad_argument_case():
    assert leaf_commands(cli) == {path for path, _ in CASES}


@pytest.fixture
def hostile_files(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # nobody ever writes to it: reading it would block forever
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:  # sparse: larger than any cap without using the disk
        handle.truncate(64 * 1024 * 1024)
    return {"dir": str(tmp_path), "pipe": str(pipe), "big": str(big)}


def fill(args, files):
    return [a.format(**files) for a in args]


def assert_one_line_error(result, context):
    assert result.exit_code not in (0, None), (context, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (context, repr(result.exception))
    text = result.output
    assert "Traceback" not in text, (context, text)
    errors = [line for line in text.splitlines() if line.lower().startswith("error")]
    assert len(errors) >= 1, (context, text)
    for line in errors:  # each error is one line (not a driver's multi-line hint)
        assert line.strip() and len(line) < 400, (context, line)


@pytest.mark.parametrize("path,args", CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_bad_arguments_give_a_one_line_error(path, args, sqlite_url, hostile_files):
    runner = CliRunner()
    # bounded: a command that opened the named pipe would block forever; fail instead
    result = bounded(runner.invoke, cli, ["--db", sqlite_url, *path.split(), *fill(args, hostile_files)])
    assert_one_line_error(result, (path, args))


@pytest.mark.parametrize("args", GLOBAL_CASES, ids=lambda v: " ".join(v))
def test_bad_global_options_give_a_one_line_error(args, sqlite_url, hostile_files, monkeypatch):
    monkeypatch.delenv("AIKB_DATABASE_URL", raising=False)
    db = [] if "--db" in args else ["--db", sqlite_url]
    result = bounded(CliRunner().invoke, cli, [*db, *fill(args, hostile_files)])
    assert_one_line_error(result, args)


def test_bad_arguments_store_nothing(db_url, hostile_files):
    """On both databases: refused feeds and rules leave no row behind."""
    runner = CliRunner()
    for path, args in CASES:
        if path in ("feeds add", "feeds import", "alerts add"):
            result = runner.invoke(cli, ["--db", db_url, *path.split(), *fill(args, hostile_files)])
            assert_one_line_error(result, (path, args))
    with Session(open_engine(db_url)) as session:
        assert session.exec(select(Source)).all() == []
        assert session.exec(select(AlertRule)).all() == []


@pytest.mark.parametrize("args", [
    ["search", "x", "--until", "9999-12-31"],
    ["feeds", "add", "http://[::1"],
    ["extract", "/nonexistent.txt"],
    ["ingest", "--article", "/dev/zero"],
])
def test_reported_cases_in_a_real_process(args, tmp_path):
    env = dict(os.environ, AIKB_DATABASE_URL=f"sqlite:///{tmp_path / 'aikb.sqlite3'}", HOME=str(tmp_path))
    env.pop("AIKB_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    if args[0] == "search":  # a date at the end of the calendar is valid: it searches, finds nothing
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return
    assert done.returncode != 0, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert [line for line in done.stderr.splitlines() if line.lower().startswith("error")], done.stderr
