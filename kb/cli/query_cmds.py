"""Knowledge-base read commands: search, leaderboard, disagreements, timeline, entity pages, export.
They call kb.read (the same functions as the UI); kb/cli/curate_cmds.py holds the commands that change
what is stored (re-extraction, entity curation)."""
from __future__ import annotations

import json
import sys
from datetime import datetime, time, timezone
from typing import TYPE_CHECKING

import click

from kb.cli.output import plain, print_table
from kb.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                      show_default=True, help="Output format.")
DATE = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"])


def read_session(ctx: click.Context) -> Session:
    """A session to read in."""
    from sqlmodel import Session

    from kb.cli import engine_for

    return Session(engine_for(ctx.obj))


def read_connection(ctx: click.Context) -> Connection:
    """A Core connection to read in: for the readers that need no ORM (search), so that the command loads
    neither SQLModel nor the ORM (start-up time, issue 14)."""
    from kb.cli import engine_for

    return engine_for(ctx.obj).connect()


def write_session(ctx: click.Context):
    """A session whose changes (an analyst's correction through kb.store) are committed on success."""
    from kb.cli import engine_for
    from kb.db import session_scope

    return session_scope(engine_for(ctx.obj))


def _utc(value: datetime | None, *, end_of_day: bool = False) -> datetime | None:
    """A command-line date as aware UTC; a bare --until DATE covers that whole day."""
    if value is None:
        return None
    if end_of_day and value.time() == time(0, 0):
        value = datetime.combine(value.date(), time.max)  # 9999-12-31 too: no day after it to step into
    return value.replace(tzinfo=timezone.utc)


def print_json(rows) -> None:
    click.echo(json.dumps([r.to_json() if hasattr(r, "to_json") else r for r in rows], ensure_ascii=False,
                          indent=2))


@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--model", help="Only claims about this model (any of its names).")
@click.option("--org", help="Only claims about models of this organization.")
@click.option("--benchmark", help="Only claims on this benchmark.")
@click.option("--stance", type=click.Choice(["open", "closed"]), help="Only models whose org's latest stance is this.")
@click.option("--outlet", help="Only claims reported by this outlet (original or where read).")
@click.option("--since", type=DATE, help="First reported on or after this date (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="First reported on or before this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--articles", is_flag=True, help="Search articles (title and text) instead of claims.")
@FORMAT
@click.pass_context
def search_cmd(ctx, query, model, org, benchmark, stance, outlet, since, until, limit, articles, fmt):
    """Search score claims (evidence sentences) or articles, with facets.

    Every word of QUERY must appear; quotes and operators are plain text.

    Example:

    \b
        aikb search "CharXiv"
        aikb search reasoning --benchmark "CharXiv Reasoning" --since 2026-01-01 --format json
        aikb search "open weights" --articles
    """
    from kb.read import search

    with read_connection(ctx) as conn:
        if articles:
            hits = search.search_articles(conn, query, since=_utc(since), until=_utc(until, end_of_day=True),
                                           outlet=outlet, limit=limit)
            if fmt == "json":
                return print_json(hits)
            return print_table(["id", "published", "outlet", "title"],
                          [[h.article_id, h.published_at, h.outlet, h.title] for h in hits])
        hits = search.search_claims(conn, query, model=model, org=org, benchmark=benchmark, stance=stance,
                                     outlet=outlet, since=_utc(since), until=_utc(until, end_of_day=True),
                                     limit=limit)
    if fmt == "json":
        return print_json(hits)
    if not hits:
        click.echo("no claims found (run `aikb ingest` to add articles, or loosen the filters)")
        return
    print_table(["model", "benchmark", "value", "setting", "reported by", "hedged", "outlets", "disputed",
                 "first reported", "sources"],
           [[h.model, h.benchmark, f"{h.value:g}{h.unit if h.unit == '%' else ''}", h.qualifier, h.reported_by,
             "yes" if h.hedged else "", h.corroboration, "DISPUTED" if h.disputed else "", first_reported(h),
             "; ".join(s.original_outlet or s.outlet or "?" for s in h.sources)] for h in hits])
    click.echo()
    for h in hits[:5]:
        click.echo(f"- {h.model} / {h.benchmark}: {plain(h.evidence)}")
        for s in h.sources[:3]:
            click.echo(f"    {plain(s.outlet)}{' (from ' + plain(s.original_outlet) + ')' if s.original_outlet else ''}"
                       f": {plain(s.url)}")


def first_reported(hit) -> str:
    """A claim's first-report date, or "undated, first seen ..." when no source carries a publication date."""
    when = hit.first_reported_at
    if getattr(hit, "undated", False):
        return f"undated, first seen {when:%Y-%m-%d}" if when else "undated"
    return when.isoformat() if when else ""


@click.command("leaderboard")
@click.argument("benchmark")
@click.option("--as-of", "as_of", type=DATE, help="Only what had been reported by this date.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@FORMAT
@click.pass_context
def leaderboard_cmd(ctx, benchmark, as_of, limit, fmt):
    """A benchmark's leaderboard as reported in the news: best value per model and setting.

    Example:

    \b
        aikb leaderboard "CharXiv Reasoning"
        aikb leaderboard "Humanity's Last Exam" --as-of 2026-01-01 --format json
    """
    from kb.read import queries

    with read_session(ctx) as session:
        rows = queries.leaderboard(session, benchmark, as_of=_utc(as_of, end_of_day=True), limit=limit)
    if fmt == "json":
        return print_json(rows)
    if not rows:
        click.echo(f"no scores reported on {benchmark} yet" + (f" by {as_of.date()}" if as_of else ""))
        return
    print_table(["#", "model", "org", "setting", "value", "disputed", "first reported", "sources", "outlets",
                 "first source"],
           [[r.rank, r.model, r.org, r.qualifier, f"{r.value:g}{r.unit if r.unit == '%' else ''}",
             "DISPUTED" if r.disputed else "", first_reported(r), r.source_count, r.corroboration,
             (r.sources[0].original_outlet or r.sources[0].outlet) if r.sources else ""] for r in rows])


@click.command("disagreements")
@click.option("--benchmark", help="Only this benchmark.")
@click.option("--model", help="Only this model.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@FORMAT
@click.pass_context
def disagreements_cmd(ctx, benchmark, model, limit, fmt):
    """Scores reported with different values for one model, benchmark and setting.

    Example:

    \b
        aikb disagreements --benchmark "SWE-bench Verified"
    """
    from kb.read import queries

    with read_session(ctx) as session:
        rows = queries.disagreements(session, benchmark=benchmark, model=model, limit=limit)
    if fmt == "json":
        return print_json(rows)
    if not rows:
        click.echo("no disagreements found")
    for d in rows:
        click.echo(f"{d.model} on {d.benchmark}{' (' + d.qualifier + ')' if d.qualifier else ''}:")
        for c in d.claims:
            outlets = ", ".join(s.original_outlet or s.outlet or "?" for s in c.sources)
            click.echo(f"  {c.value:g}  first {plain(c.first_reported_at)}  {outlets}: {plain(c.evidence)[:120]}")


@click.command("timeline")
@click.argument("org", required=False)
@FORMAT
@click.pass_context
def timeline_cmd(ctx, org, fmt):
    """An organization's open-versus-closed history: stance events in time order, shifts marked.

    Reference history (Epoch AI, LLM-Stats) is loaded on first use and marked "reference".

    Example:

    \b
        aikb timeline Meta
        aikb timeline "Mistral AI" --format json
    """
    from kb.read import pages
    from kb.store.reference import ensure_reference

    with write_session(ctx) as session:
        ensure_reference(session)
    with read_session(ctx) as session:
        events = pages.timeline(session, org)
    if fmt == "json":
        return print_json(events)
    if not events:
        click.echo("no stance events yet (run `aikb ingest`)")
        return
    print_table(["date", "org", "model", "stance", "licence", "origin", "shift", "source"],
           [[e.occurred_at or "undated", e.org, e.model, ("plans " if e.planned else "") + e.stance, e.license,
             e.origin, "SHIFT" if e.is_shift else "", e.reference_source or e.article_title] for e in events])


@click.command("model")
@click.argument("name")
@FORMAT
@click.pass_context
def model_cmd(ctx, name, fmt):
    """Everything known about a model: maker, aliases, stances, scores, people around it.

    Example:

    \b
        aikb model "GPT-5.4"
    """
    from kb.read import pages

    with read_session(ctx) as session:
        page = pages.model_page(session, name)
    if page is None:
        raise NotFound(f"no model named {name!r}; see `aikb entities list --kind model`")
    if fmt == "json":
        return click.echo(json.dumps(page.to_json(), ensure_ascii=False, indent=2))
    click.echo(f"{page.name}  (org: {page.org or '?'}; aliases: {', '.join(page.aliases) or '-'}; "
               f"{page.article_count} articles)")
    for e in page.stances:
        click.echo(f"  stance {plain(e.occurred_at) if e.occurred_at else 'undated'} {e.stance} ({e.origin})")
    print_table(["benchmark", "value", "setting", "disputed", "first reported", "outlets"],
           [[c.benchmark, f"{c.value:g}", c.qualifier, "DISPUTED" if c.disputed else "", first_reported(c),
             c.corroboration] for c in page.scores])
    for r in page.people[:10]:
        click.echo(f"  person: {r.person} — {r.role or '?'} at {r.org or '?'}")


@click.command("person")
@click.argument("name")
@FORMAT
@click.pass_context
def person_cmd(ctx, name, fmt):
    """A person's roles over time, each with the article that states it.

    Example:

    \b
        aikb person "Alexandr Wang"
    """
    from kb.read import pages

    with read_session(ctx) as session:
        page = pages.person_page(session, name)
    if page is None:
        raise NotFound(f"no person named {name!r}; see `aikb entities list --kind person`")
    if fmt == "json":
        return click.echo(json.dumps(page.to_json(), ensure_ascii=False, indent=2))
    click.echo(page.name)
    print_table(["seen", "role", "org", "article"], [[r.seen_at, r.role, r.org, r.article_title] for r in page.roles])


@click.command("export")
@click.argument("what", type=click.Choice(["claims", "stances"]))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default stdout).")
@click.pass_context
def export_cmd(ctx, what, fmt, output):
    """Export every score claim (one row per source) or stance event, for spreadsheets and notebooks.

    Example:

    \b
        aikb export claims --format csv --output claims.csv
        aikb export stances --format json
    """
    from kb.csv_safe import write_csv
    from kb.read.export import export_fields, iter_rows

    try:
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    count = 0
    try:
        with read_session(ctx) as session:
            rows = iter_rows(session, what)
            if fmt == "json":
                out.write("[")
                for count, row in enumerate(rows, 1):
                    out.write(("," if count > 1 else "") + "\n  " + json.dumps(row, ensure_ascii=False))
                out.write("\n]\n")
            else:  # the one CSV writer: formula-leading text cells are neutralised (kb/csv_safe.py)
                count = write_csv(out, export_fields(what), rows)
    finally:
        if output:
            out.close()
    if output:
        click.echo(f"wrote {count} {what} rows to {output}", err=True)


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""
    for command in (search_cmd, leaderboard_cmd, disagreements_cmd, timeline_cmd, model_cmd, person_cmd,
                    export_cmd):
        cli.add_command(command)

