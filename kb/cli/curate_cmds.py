"""Commands that change what is stored: re-extraction with the current extractor, and an analyst's entity
curation (list, merge, split, set an organisation, seed from the gazetteer)."""
from __future__ import annotations

import click

from kb.cli.output import print_table
from kb.cli.query_cmds import FORMAT, print_json, read_session, write_session

@click.command("reextract")
@click.option("--all", "all_", is_flag=True, help="Also articles already extracted by the current version.")
@click.option("--wait", type=click.FloatRange(min=0), default=3600.0, show_default=True, metavar="SECONDS",
              help="On SQLite, how long to wait for a running `aikb ingest` to finish (0: fail at once).")
@click.pass_context
def reextract_cmd(ctx, all_, wait):
    """Re-run the current extractor over stored articles (no fetching), replacing older claims.

    It never runs beside an ingest on the same SQLite file: it waits for it (saying so), then goes.
    On PostgreSQL both run at once; each article is re-extracted under a row lock.

    Example:

    \b
        aikb reextract
        aikb reextract --all
        aikb reextract --wait 0
    """
    from kb.cli import engine_for
    from kb.nlp.pipeline import load_nlp
    from kb.pipeline.reextract import reextract

    def progress(done: int, total: int) -> None:
        click.echo(f"[{done}/{total}] re-extracted", err=True)

    summary = reextract(engine_for(ctx.obj), load_nlp(), all=all_, wait=wait, progress=progress,
                        on_wait=lambda message: click.echo(message + " ...", err=True),
                        sites_file=getattr(ctx.obj, "sites_file", "") or None)
    click.echo(summary.line())
    for error in summary.errors[:10]:
        click.echo(f"  {error}", err=True)
    if summary.failed:
        raise SystemExit(1)


@click.group("entities")
def entities_group():
    """List, merge and split entities (models, orgs, people, benchmarks).

    Example:

    \b
        aikb entities list --kind model
    """


@entities_group.command("list")
@click.option("--kind", type=click.Choice(["model", "org", "person", "benchmark"]))
@click.option("--query", help="Only names containing this.")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True)
@FORMAT
@click.pass_context
def entities_list_cmd(ctx, kind, query, limit, fmt):
    """List entities with their org and aliases.

    Example:

    \b
        aikb entities list --kind model --query gpt
    """
    from dataclasses import asdict

    from kb.read.pages import list_entities

    with read_session(ctx) as session:
        rows = list_entities(session, kind, query=query, limit=limit)
    if fmt == "json":
        return print_json([asdict(r) for r in rows])
    print_table(["id", "kind", "name", "org", "aliases", "origin"],
           [[r.entity_id, r.kind, r.name, r.org, ", ".join(r.aliases), r.origin] for r in rows])


@entities_group.command("merge")
@click.argument("source")
@click.argument("target")
@click.option("--kind", type=click.Choice(["model", "org", "person", "benchmark"]))
@click.pass_context
def entities_merge_cmd(ctx, source, target, kind):
    """Merge entity SOURCE into TARGET: its names, claims, stances and roles move to TARGET.

    Example:

    \b
        aikb entities merge "GPT5.4 Thinking" "GPT-5.4 Thinking" --kind model
    """
    from kb.store.entities import merge_entities

    with write_session(ctx) as session:
        result = merge_entities(session, source, target, kind)
    click.echo(f"merged {result.kind} {result.source!r} into {result.target!r}: {result.claims_moved} claims "
               f"moved, {result.claims_collapsed} joined an identical claim")


@entities_group.command("split")
@click.argument("name")
@click.option("--kind", type=click.Choice(["model", "org", "person", "benchmark"]))
@click.pass_context
def entities_split_cmd(ctx, name, kind):
    """Detach NAME (an alias or a merged entity) into an entity of its own.

    Claims already linked move with `aikb reextract --all`.

    Example:

    \b
        aikb entities split "Gemini Pro" --kind model
    """
    from kb.store.entities import split_name

    with write_session(ctx) as session:
        entity = split_name(session, name, kind)
        click.echo(f"{entity.kind} {entity.name!r} is now entity {entity.id}; run `aikb reextract --all` "
                   "to re-link its claims")


@entities_group.command("set-org")
@click.argument("model")
@click.argument("org")
@click.pass_context
def entities_set_org_cmd(ctx, model, org):
    """Make ORG the organization of MODEL (kept across `aikb reextract`).

    Example:

    \b
        aikb entities set-org "Halo 2" "Northwind AI"
    """
    from kb.store.entities import set_org

    with write_session(ctx) as session:
        entity, org_entity = set_org(session, model, org)
        click.echo(f"model {entity.name!r} now belongs to {org_entity.name!r}")


@entities_group.command("seed")
@click.pass_context
def entities_seed_cmd(ctx):
    """Load (again) the gazetteer's names and aliases and the reference stance history.

    Example:

    \b
        aikb entities seed
    """
    from kb.store.linking import ensure_gazetteer
    from kb.store.reference import ensure_reference

    with write_session(ctx) as session:
        new = ensure_gazetteer(session, force=True)
        events = ensure_reference(session, force=True)
    click.echo(f"{new} new entities from the gazetteer, {events} new reference stance events")


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""
    cli.add_command(reextract_cmd)
    cli.add_command(entities_group)
