"""The `aikb` command: a click group, one module of commands per stage.

Each module under kb/cli/ defines `register(cli)`, which adds its commands to a group. COMMANDS
names the module of every command, and a module is imported only when one of its commands runs
(or `--help` lists them): `aikb stats` never loads the query, alert or UI commands' dependencies.
Errors a user can fix (AikbError) become one-line messages through click.ClickException.
"""
from __future__ import annotations

import importlib
import logging
import sys

import click

from kb.errors import AikbError
from kb.settings import load_settings


# command -> the module under kb/cli/ that registers it (tests/test_kb_cli.py checks they agree)
COMMANDS = {
    "clean": "ingest_cmds", "ingest": "ingest_cmds", "feeds": "ingest_cmds", "stats": "ingest_cmds",
    "extract": "extract_cmds",
    "search": "query_cmds", "leaderboard": "query_cmds", "disagreements": "query_cmds", "timeline": "query_cmds",
    "model": "query_cmds", "person": "query_cmds", "export": "query_cmds",
    "reextract": "curate_cmds", "entities": "curate_cmds",
    "alerts": "alert_cmds", "watch": "alert_cmds",
    "ui": "ui_cmds", "demo": "ui_cmds",
}


def module_commands(module: str) -> dict[str, click.Command]:
    """The commands the module kb.cli.MODULE registers, by name."""
    group = click.Group()
    importlib.import_module(f"kb.cli.{module}").register(group)
    return dict(group.commands)


class AikbGroup(click.Group):
    """Loads each command's module on first use; turns aikb's named errors into one-line messages."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMANDS:
            for command_name, command in module_commands(COMMANDS[name]).items():
                self.commands.setdefault(command_name, command)
        return self.commands.get(name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AikbError as exc:
            raise click.ClickException(one_line(str(exc))) from exc


def one_line(message: str) -> str:
    """MESSAGE on one line (database drivers add hints and "Background on this error" links)."""
    lines = [line.strip() for line in message.splitlines()
             if line.strip() and not line.strip().startswith("(Background on this error")]
    return " ".join(lines)


@click.group(cls=AikbGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Settings file (TOML); default $AIKB_CONFIG or ~/.config/aikb/config.toml.")
@click.option("--db", "database_url", default=None, envvar="AIKB_DATABASE_URL",
              help="Database URL; default a SQLite file (see README). Env: AIKB_DATABASE_URL.")
@click.version_option(package_name="aikb")
@click.pass_context
def cli(ctx: click.Context, verbose: int, config_path: str | None, database_url: str | None) -> None:
    """aikb: a knowledge base of the AI industry, built from its news."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    overrides = {"database_url": database_url} if database_url else {}
    ctx.obj = load_settings(config_path, **overrides)


def engine_for(settings):
    """The migrated engine for the settings' database (commands call this, not kb.db directly)."""
    from sqlalchemy.exc import ArgumentError

    from kb.db import open_engine
    from kb.errors import ConfigError

    try:
        return open_engine(settings.database_url)
    except ArgumentError as exc:  # an unknown dialect or a URL SQLAlchemy cannot parse
        raise ConfigError(f"cannot use the database URL {settings.database_url!r}: {exc}") from None


def main() -> None:
    cli(prog_name="aikb")
