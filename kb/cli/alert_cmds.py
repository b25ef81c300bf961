"""`aikb alerts ...` (rules, inbox, feed, delivery) and `aikb watch` (ingest then alerts, on a schedule)."""
from __future__ import annotations

import json
import re
import threading
import time

import click

from kb.cli.output import print_table

from kb.errors import InputError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_INTERVAL = 366 * 86400


def parse_duration(text: str) -> float:
    """Seconds in "30s", "15m", "1h", "1d" or a bare number of seconds; InputError otherwise."""
    m = _DURATION.match(text or "")
    if not m:
        raise InputError(f"cannot read the duration {text!r}; use e.g. 30s, 15m, 1h")
    seconds = float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()]
    if seconds <= 0:
        raise InputError("the interval must be more than zero")
    if seconds > MAX_INTERVAL:  # time.sleep() overflows on absurd values
        raise InputError(f"the interval {text!r} is longer than {MAX_INTERVAL // 86400} days")
    return seconds


def _session(ctx: click.Context):
    from kb.cli import engine_for
    from kb.db import session_scope

    return session_scope(engine_for(ctx.obj))


def _one_line(text: str, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


@click.group("alerts")
def alerts_group() -> None:
    """Rules that tell you about new scores, records, stance shifts and models, once.

    Example:

    \b
        aikb alerts add --on new-score --benchmark "CharXiv Reasoning" --webhook http://127.0.0.1:9000/hook
        aikb alerts inbox --unread
    """


@alerts_group.command("add")
@click.option("--on", "on", required=True,
              type=click.Choice(["new-score", "new-record", "stance-shift", "stance-event", "new-model", "search",
                                 "dispute"]),
              help="The event to watch.")
@click.option("--benchmark", default=None, help="Only this benchmark (any of its names).")
@click.option("--model", default=None, help="Only this model.")
@click.option("--org", default=None, help="Only this organization (its models, for score events).")
@click.option("--min-value", type=float, default=None, help="Only scores at or above this value.")
@click.option("--query", default=None, help="search: words the claim's evidence must contain.")
@click.option("--webhook", default=None, metavar="URL", help="POST each alert (JSON, Slack-compatible) here.")
@click.option("--email", default=None, metavar="ADDR", help="E-mail each alert here (SMTP settings).")
@click.option("--digest", type=click.Choice(["instant", "hourly", "daily"]), default="instant",
              show_default=True, help="One message per alert, or one summary per hour/day.")
@click.option("--name", default=None, help="A name to refer to the rule by (feed, remove).")
@click.option("--allow-new", is_flag=True,
              help="Accept a benchmark, model or org the store and gazetteer do not know yet.")
@click.pass_context
def alerts_add(ctx, on, benchmark, model, org, min_value, query, webhook, email, digest, name, allow_new) -> None:
    """Add a rule; it alerts on events that arrive from now on (not on history).

    Example:

    \b
        aikb alerts add --on new-score --benchmark "CharXiv Reasoning" --min-value 80 --email me@example.org
        aikb alerts add --on new-record --benchmark "Humanity's Last Exam" --digest daily
        aikb alerts add --on stance-shift --org Meta --webhook https://hooks.slack.com/services/...
        aikb alerts add --on new-model --org Meta --name meta-models
        aikb alerts add --on search --query "open weights" --org Mistral
        aikb alerts add --on dispute --benchmark "GPQA Diamond"
        aikb alerts add --on new-model --model "Aurora 3" --allow-new

    A misspelt name is refused with the closest known names ("did you mean ..."), since a rule on it
    could never fire; --allow-new accepts a name not seen yet.
    """
    from kb.alerts import add_rule
    from kb.read.rule_names import check_rule_names

    with _session(ctx) as session:
        check_rule_names(session, benchmark=benchmark, model=model, org=org, allow_new=allow_new)
        rule = add_rule(session, on=on, benchmark=benchmark, model=model, org=org, min_value=min_value,
                        query=query, webhook=webhook, email=email, digest=digest, name=name)
    click.echo(f"added rule {rule.id}: {rule.label}")


@alerts_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def alerts_list(ctx, fmt: str) -> None:
    """List the rules with their channels and alert counts.

    Example:

    \b
        aikb alerts list
        aikb alerts list --format json
    """
    from kb.alerts import list_rules

    with _session(ctx) as session:
        rules = list_rules(session)
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in rules], indent=2, ensure_ascii=False))
        return
    if not rules:
        click.echo("no rules (add one with `aikb alerts add`)")
        return
    rows = [[r.id, r.label, r.digest, ", ".join(filter(None, [r.webhook_url and "webhook",
                                                               r.email and f"email {r.email}"])) or "inbox",
             f"{r.alerts} ({r.unread} unread)", "yes" if r.enabled else "no"] for r in rules]
    print_table(["id", "rule", "digest", "channels", "alerts", "enabled"], rows, max_width=None)


@alerts_group.command("remove")
@click.argument("rule")
@click.pass_context
def alerts_remove(ctx, rule: str) -> None:
    """Remove a rule (by id or name) with its alerts and deliveries.

    Example:

    \b
        aikb alerts remove 3
        aikb alerts remove meta-models
    """
    from kb.alerts import remove_rule

    with _session(ctx) as session:
        removed = remove_rule(session, rule)
    click.echo(f"removed rule {removed.id}: {removed.label}")


@alerts_group.command("inbox")
@click.option("--unread", is_flag=True, help="Only alerts not yet read.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def alerts_inbox(ctx, unread: bool, limit: int, fmt: str) -> None:
    """Show the newest alerts (the in-app inbox), newest first.

    Example:

    \b
        aikb alerts inbox --unread
        aikb alerts read --all
    """
    from kb.alerts import list_alerts

    with _session(ctx) as session:
        alerts = list_alerts(session, unread_only=unread, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([a.to_json() for a in alerts], indent=2, ensure_ascii=False))
        return
    if not alerts:
        click.echo("no unread alerts" if unread else "no alerts")
        return
    for a in alerts:
        mark = " " if a.read else "*"
        sent = " ".join(f"{ch}:{st}" for ch, st in a.deliveries)
        click.echo(f"{mark} {a.id:>5}  {a.created_at:%Y-%m-%d %H:%M}  {_one_line(a.title)}")
        click.echo(f"         rule: {_one_line(a.rule, 60)}" + (f"  [{sent}]" if sent else ""))


@alerts_group.command("read")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "all_", is_flag=True, help="Mark every alert read.")
@click.pass_context
def alerts_read(ctx, ids: tuple[int, ...], all_: bool) -> None:
    """Mark alerts read (by id, or all of them).

    Example:

    \b
        aikb alerts read 12 13
        aikb alerts read --all
    """
    from kb.alerts import mark_read

    if not ids and not all_:
        raise click.UsageError("give alert ids or --all")
    with _session(ctx) as session:
        if ids and not all_:
            from sqlmodel import col, select

            from kb.models import Alert

            known = set(session.exec(select(Alert.id).where(col(Alert.id).in_(ids))).all())
            missing = sorted(set(ids) - known)
            if missing:
                raise InputError(f"no alert with id {', '.join(map(str, missing))} (see `aikb alerts inbox`)")
        n = mark_read(session, None if all_ else ids)
    click.echo(f"marked {n} alert{'s' if n != 1 else ''} read")


@alerts_group.command("feed")
@click.argument("rule")
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.pass_context
def alerts_feed(ctx, rule: str, limit: int) -> None:
    """Print an Atom feed of a rule's alerts (RULE is an id or a name), for a feed reader.

    Example:

    \b
        aikb alerts feed meta-models > alerts.xml
    """
    from kb.alerts import render_feed

    with _session(ctx) as session:
        xml = render_feed(session, rule, limit=limit)
    click.echo(xml, nl=False)


@alerts_group.command("deliver")
@click.option("--retry-failed", is_flag=True, help="Also retry deliveries that gave up.")
@click.option("--respect-backoff", is_flag=True, help="Skip failed messages whose retry time has not come.")
@click.pass_context
def alerts_deliver(ctx, retry_failed: bool, respect_backoff: bool) -> None:
    """Evaluate the rules, then send pending messages (new ones and earlier failures).

    Example:

    \b
        aikb alerts deliver
        aikb alerts deliver --retry-failed
    """
    summary, created = _alert_cycle(ctx, force=not respect_backoff, revive=retry_failed)
    for error in summary.errors[:20]:
        click.echo(f"error: {error}", err=True)
    click.echo(_delivery_line(created, summary))


def _delivery_line(created: int, s) -> str:
    return (f"alerts: {created} new; messages: {s.planned} planned, {s.sent} sent, {s.failed} failed "
            f"(will retry), {s.gave_up} gave up" + (f", {s.busy} busy elsewhere" if s.busy else ""))


def _alert_cycle(ctx, *, force: bool, revive: bool = False):
    """evaluate (committed) then deliver; returns (DeliverySummary, alerts created)."""
    from kb.alerts import retry_failed, run_alerts
    from kb.cli import engine_for
    from sqlmodel import Session

    engine = engine_for(ctx.obj)
    if revive:
        with Session(engine) as session:
            retry_failed(session)
    found, summary = run_alerts(engine, ctx.obj, force=force)
    return summary, found.created


@click.command("watch")
@click.option("--every", default="15m", show_default=True, help="Interval: 30s, 15m, 1h ...")
@click.option("--once", is_flag=True, help="Run a single cycle and exit.")
@click.option("--no-ingest", is_flag=True, help="Only evaluate and deliver alerts (no fetching).")
@click.option("--no-extract", is_flag=True, help="Store articles without running the extractor.")
@click.pass_context
def watch_cmd(ctx, every: str, once: bool, no_ingest: bool, no_extract: bool) -> None:
    """Run ingest then alerts (evaluate, deliver) in the foreground, every interval; Ctrl-C stops.

    Each cycle fetches every enabled feed, stores and extracts new articles, evaluates the alert
    rules and sends the messages due (failed ones are retried with backoff). Run it under systemd
    or tmux, or use cron with `aikb ingest && aikb alerts deliver` instead.

    Example:

    \b
        aikb watch --every 15m
        aikb watch --once
    """
    interval = parse_duration(every)
    stop = threading.Event()
    nlp = None
    if not no_ingest and not no_extract:
        from kb.cli.ingest_cmds import _load_nlp

        nlp = _load_nlp(False)
    try:
        while True:
            started = time.monotonic()
            _watch_cycle(ctx, nlp, no_ingest)
            if once:
                break
            wait = max(0.0, interval - (time.monotonic() - started))
            click.echo(f"next cycle in {wait:.0f}s (Ctrl-C to stop)", err=True)
            stop.wait(wait)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


def _watch_cycle(ctx, nlp, no_ingest: bool) -> None:
    from kb.cli import engine_for

    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    if not no_ingest:
        from kb.pipeline.run import run_once

        try:
            summary = run_once(engine_for(ctx.obj), ctx.obj, nlp)
            click.echo(f"{stamp} ingest: {summary.line()}")
        except Exception as exc:  # noqa: BLE001 - a failed cycle must not end the watch
            click.echo(f"{stamp} ingest failed: {exc}", err=True)
    try:
        summary, created = _alert_cycle(ctx, force=False)
    except Exception as exc:  # noqa: BLE001 - likewise: try again next cycle
        click.echo(f"{stamp} alerts failed: {exc}", err=True)
        return
    for error in summary.errors[:20]:
        click.echo(f"error: {error}", err=True)
    click.echo(f"{stamp} {_delivery_line(created, summary)}")


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""
    cli.add_command(alerts_group)
    cli.add_command(watch_cmd)
