"""Ingest commands: clean, ingest, feeds (add/import/export/list) and stats."""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Optional

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar returns (not exported)

from kb.errors import AikbError
from kb.settings import Settings


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@click.command("clean")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
def clean_cmd(paths: tuple[str, ...], fmt: str) -> None:
    """Run the page cleaner alone on saved pages (.html, .htm, .txt copies, .md).

    Prints what the extractor will read: title, clean text, published time, outlet,
    original outlet and canonical URL (null where unknown). A file that cannot be read
    gets an "error" entry; the exit code is non-zero only when every file failed.

    Example:

    \b
        aikb clean saved/page.html saved/copy.txt --format json
    """
    from ingest.documents import read_document

    settings = click.get_current_context().find_object(Settings)
    max_bytes = settings.max_bytes if settings else None
    documents: list[dict[str, object]] = []
    failures = 0
    for path in paths:
        try:
            doc = read_document(path, max_bytes=max_bytes)
        except AikbError as exc:
            failures += 1
            documents.append({"file": path, "error": str(exc)})
            continue
        documents.append({"file": path, **doc.to_json()})
    if fmt == "json":
        click.echo(_dump({"documents": documents}))
    else:
        for entry in documents:
            if "error" in entry:
                click.echo(f"== {entry['file']}: ERROR {entry['error']}")
                continue
            click.echo(f"== {entry['file']}\ntitle: {entry['title']}\noutlet: {entry['outlet']}"
                       f"\noriginal outlet: {entry['original_outlet']}\npublished: {entry['published']}\n")
            click.echo(f"{entry['text']}\n")
    if failures == len(paths):
        for entry in documents:
            click.echo(f"error: {entry['error']}", err=True)
        raise SystemExit(1)


def _engine(ctx: click.Context):
    from kb.cli import engine_for

    return engine_for(ctx.obj)


def _load_nlp(skip: bool):
    """The spaCy pipeline for extraction, or None when SKIP (--no-extract)."""
    if skip:
        return None
    from kb.nlp.pipeline import load_nlp

    return load_nlp()


class _Progress:
    """A progress bar on a terminal, plain lines otherwise (logs, CI, pipes)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar: Optional[ProgressBar[int]] = None

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self.tty:
            click.echo(f"[{done}/{total}] {message}", err=True)
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="ingest", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)
        if done >= total:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("ingest")
@click.option("--article", "articles_", multiple=True, metavar="PATH|URL",
              help="Store one page or text file (repeatable) instead of polling feeds.")
@click.option("--source", "sources_", multiple=True, metavar="URL|FILE",
              help="Fetch only this source (repeatable); it is added first if new.")
@click.option("--sample", is_flag=True, help="Ingest the bundled offline sample corpus (data/sample).")
@click.option("--worker", is_flag=True, help="Keep polling due sources, sharing them with other workers "
              "(PostgreSQL: FOR UPDATE SKIP LOCKED leases).")
@click.option("--poll", type=click.FloatRange(0, 366 * 86400), default=60.0, show_default=True,
              help="Worker: seconds between polls.")
@click.option("--exit-when-idle", is_flag=True, help="Worker: stop once no source is due.")
@click.option("--batch", type=click.IntRange(1, 10_000), default=5, show_default=True,
              help="Worker: sources claimed at a time.")
@click.option("--no-extract", is_flag=True, help="Store articles without running the extractor.")
@click.pass_context
def ingest_cmd(ctx, articles_, sources_, sample, worker, poll, exit_when_idle, batch, no_extract) -> None:
    """Fetch feeds (or single articles), clean and store new articles, extract their claims.

    Without options every enabled feed is fetched once (conditional GET: unchanged feeds cost a
    304). Failures are recorded per source (`aikb feeds list`) and the run goes on. Ends with a
    one-line summary.

    Example:

    \b
        aikb feeds add https://example.org/feed.xml
        aikb ingest
        aikb ingest --article saved/page.html
        AIKB_DATABASE_URL=postgresql+psycopg://... aikb ingest --worker
    """
    from sqlalchemy.exc import InterfaceError, OperationalError

    settings = ctx.obj
    from ingest.localfile import check_local_file

    for target in articles_:  # a bad file is reported at once, not after loading the model
        if not target.startswith(("http://", "https://")):
            check_local_file(target, settings.max_bytes)
    engine = _engine(ctx)
    nlp = _load_nlp(no_extract)
    progress = _Progress()
    refused = 0
    try:
        summary, refused = _ingest(ctx, engine, settings, nlp, progress, articles_, sources_, sample, worker, poll,
                                   batch, exit_when_idle)
    except (OperationalError, InterfaceError) as exc:
        # the database went away mid-run (a restart, a terminated backend): whatever was stored is
        # whole (one transaction per article with its claims); the next run picks up the rest
        reason = str(exc.orig or exc).strip().splitlines()[0][:300]
        raise click.ClickException(f"database error, the run stopped: {reason}; "
                                   "run `aikb ingest` again to continue (nothing half-stored is kept)") from None
    for error in summary.errors[:20]:
        click.echo(f"error: {error}", err=True)
    click.echo(summary.line())
    if summary.store_failed or refused:
        what = [f"{summary.store_failed} articles not stored (database errors)"] if summary.store_failed else []
        what += [f"{refused} of {len(articles_)} --article inputs refused"] if refused else []
        click.echo(f"error: {'; '.join(what)}; run `aikb ingest` again to store them", err=True)
        raise SystemExit(1)


def _ingest(ctx, engine, settings, nlp, progress, articles_, sources_, sample, worker, poll, batch, exit_when_idle):
    from kb.db import session_scope
    from kb.errors import InputError
    from kb.pipeline import run as pipeline
    from kb.pipeline.context import RunSummary
    from kb.pipeline.feeds import add_feed

    refused = 0
    if articles_:
        summary = RunSummary()
        for target in articles_:
            try:
                summary.add(pipeline.ingest_article(engine, settings, target, nlp))
            except InputError as exc:
                if len(articles_) == 1:
                    raise  # one input: its one-line error is the whole story
                refused += 1
                summary.errors.append(str(exc))  # several: the others still go in
    elif sample:
        summary = pipeline.ingest_sample(engine, settings, nlp, progress)
    elif worker:
        summary = pipeline.run_worker(engine, settings, nlp, poll=poll, batch=batch,
                                      exit_when_idle=exit_when_idle, progress=progress)
    else:
        urls = None
        if sources_:
            with session_scope(engine) as session:
                urls = [add_feed(session, s).url for s in sources_]
        summary = pipeline.run_once(engine, settings, nlp, urls, progress)
        if not urls and summary.fetched + summary.not_modified + summary.failed == 0:
            click.echo("no feeds yet: add some with `aikb feeds add URL`, `aikb feeds import "
                       "data/feeds/default.opml`, or try `aikb ingest --sample`", err=True)
    return summary, refused


@click.group("feeds")
def feeds_group() -> None:
    """Manage feeds: add, import/export OPML, list with health."""


@feeds_group.command("add")
@click.argument("url")
@click.option("--title", default=None, help="A display name (default: the feed's own title).")
@click.pass_context
def feeds_add(ctx, url: str, title: str | None) -> None:
    """Add a feed by URL or local file (RSS, Atom or JSON Feed).

    Example:

    \b
        aikb feeds add https://example.org/rss.xml
        aikb feeds add data/sample/feeds/frontier-wire.xml
    """
    from kb.db import session_scope
    from kb.pipeline.feeds import add_feed

    from sqlmodel import select

    from kb.models import Source
    from kb.read.sources import normalize_source_url

    with session_scope(_engine(ctx.parent)) as session:
        known = session.exec(select(Source.id).where(Source.url == normalize_source_url(url)[0])).first()
        source = add_feed(session, url, title)
        click.echo(f"already known: {source.url}" if known else f"added {source.url}")


@feeds_group.command("import")
@click.argument("path")
@click.pass_context
def feeds_import(ctx, path: str) -> None:
    """Add every feed an OPML file lists (already known feeds are skipped).

    Example:

    \b
        aikb feeds import data/feeds/default.opml
    """
    from kb.db import session_scope
    from kb.pipeline.feeds import import_opml

    from ingest.localfile import read_local_file

    data = read_local_file(path, ctx.obj.max_bytes)  # a regular file under the body cap, else one line
    with session_scope(_engine(ctx.parent)) as session:
        added = import_opml(session, data)
    click.echo(f"imported {added} new feeds from {path}")


@feeds_group.command("export")
@click.pass_context
def feeds_export(ctx) -> None:
    """Print every feed as OPML 2.0.

    Example:

    \b
        aikb feeds export > my-feeds.opml
    """
    from sqlmodel import Session

    from kb.pipeline.feeds import export_opml

    with Session(_engine(ctx.parent)) as session:
        click.echo(export_opml(session), nl=False)


@feeds_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def feeds_list(ctx, fmt: str) -> None:
    """List feeds with their health: last fetch, last error, failure count, articles.

    Example:

    \b
        aikb feeds list
        aikb feeds list --format json
    """
    from sqlmodel import Session

    from kb.read.sources import sources_health

    with Session(_engine(ctx.parent)) as session:
        rows = sources_health(session)
    if fmt == "json":
        click.echo(_dump({"sources": [r.to_json() for r in rows]}))
        return
    click.echo(f"{'id':>4}  {'articles':>8}  {'fails':>5}  {'last fetch':<16}  {'status':<6}  url / last error")
    for r in rows:
        when = r.last_fetched_at.strftime("%Y-%m-%d %H:%M") if r.last_fetched_at else "never"
        click.echo(f"{r.id:>4}  {r.articles:>8}  {r.failure_count:>5}  {when:<16}  {str(r.last_status or '-'):<6}  "
                   f"{r.title or ''} {r.url}")
        if r.last_error:
            click.echo(f"{'':>50}error: {r.last_error[:200]}")


@click.command("stats")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@click.pass_context
def stats_cmd(ctx, fmt: str) -> None:
    """Counts of the store: sources, articles, stories, fetch errors (and claims, entities).

    Example:

    \b
        aikb stats --format json
    """
    from kb.read.stats import collect_stats

    with _engine(ctx).connect() as conn:  # SQLAlchemy core only: no ORM to load (start-up time)
        stats = collect_stats(conn)
    if fmt == "json":
        click.echo(_dump(stats))
    else:
        for key, value in stats.items():
            click.echo(f"{key}: {value}")


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""
    for command in (clean_cmd, ingest_cmd, feeds_group, stats_cmd):
        cli.add_command(command)
