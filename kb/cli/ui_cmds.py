"""`aikb ui` serves the Streamlit app; `aikb demo` fills the store with the bundled sample, then serves it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from kb.errors import ConfigError

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def streamlit_command(host: str, port: int) -> list[str]:
    """The command line that serves the app headless on HOST:PORT."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--server.address", host, "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.toolbarMode", "viewer", "--client.disableDataExport", "true"]


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
STOP_GRACE = 15.0  # seconds the server gets to stop after a forwarded signal before it is killed


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM if `aikb ui` itself dies, even by SIGKILL (no orphaned port)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort: the signal forwarding below still applies
        pass


def serve(settings, host: str, port: int) -> int:
    """Run the Streamlit app on the settings' database until stopped; returns its exit code.

    The server is a child process. SIGTERM, SIGINT and SIGHUP sent to `aikb ui` are forwarded to
    it and waited for (killed after STOP_GRACE seconds), so stopping `aikb ui` (systemd, docker
    stop, kill) stops the server and frees the port; on Linux the child also dies with its parent.
    """
    if not APP.exists():
        raise ConfigError(f"the UI is not installed: {APP} is missing")
    env = dict(os.environ, AIKB_DATABASE_URL=settings.database_url)
    click.echo(f"aikb UI on http://{host}:{port}  (database {_redacted(settings.database_url)}; Ctrl-C stops)")
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    child = subprocess.Popen(streamlit_command(host, port), env=env, preexec_fn=preexec)  # noqa: PLW1509
    stopping: list[float] = []

    def forward(signum, _frame) -> None:
        if child.poll() is None:
            child.send_signal(signum)
        if not stopping:
            stopping.append(time.monotonic())

    previous = {sig: signal.signal(sig, forward) for sig in STOP_SIGNALS}
    try:
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if stopping and time.monotonic() - stopping[0] > STOP_GRACE:
                    child.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:  # an unexpected error in this loop: never leave the server behind
            child.kill()
            child.wait()
    if stopping:
        return 0  # stopped on request
    return code if code >= 0 else 128 - code


def _redacted(url: str) -> str:
    # a PostgreSQL URL may carry a password; never echo it
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""

    @cli.command("ui")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535), help="Port.")
    @click.pass_obj
    def ui_command(settings, host: str, port: int) -> None:
        """Serve the analysts' web UI (search, models, benchmarks, timeline, alerts, sources).

        \b
        Example:
            aikb ui --port 8501
            aikb --db postgresql+psycopg://postgres@127.0.0.1:5432/aikb ui --host 0.0.0.0
        """
        from kb.cli import engine_for

        engine_for(settings)  # migrate first, so the app's first page does not race to do it
        sys.exit(serve(settings, host, port))

    @cli.command("demo")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535), help="Port.")
    @click.option("--no-serve", is_flag=True, help="Ingest and print the summary, but do not start the UI.")
    @click.pass_obj
    def demo_command(settings, host: str, port: int, no_serve: bool) -> None:
        """Ingest the bundled sample corpus offline (no network), print a summary, then serve the UI.

        Safe to re-run: articles already stored are skipped.

        \b
        Example:
            aikb demo
            aikb --db sqlite:///demo.sqlite3 demo --no-serve
        """
        from kb.cli import engine_for
        from kb.db import session_scope
        from kb.nlp.pipeline import load_nlp
        from kb.pipeline.run import ingest_sample
        from kb.read.stats import collect_stats

        engine = engine_for(settings)
        click.echo(f"Ingesting the bundled sample corpus (offline) into {_redacted(settings.database_url)}…")
        summary = ingest_sample(engine, settings, load_nlp())
        click.echo(summary.line())  # the line already ends with the claims stored
        for error in summary.errors:  # the sample holds a deliberately broken feed: errors are data
            click.echo(f"  recorded: {error}")
        with session_scope(engine) as session:
            stats = collect_stats(session)
        keys = ("articles", "claims", "stance_events", "entities_model", "entities_org", "sources")
        click.echo("In the store: " + ", ".join(f"{k.replace('_', ' ')} {stats[k]}" for k in keys if k in stats))
        if not no_serve:
            sys.exit(serve(settings, host, port))

