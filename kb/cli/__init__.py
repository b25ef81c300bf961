"""The `aikb` command: a click group, one module of commands per stage.

Each module under kb/cli/ defines `register(cli)`, which adds its commands to the group.
Errors a user can fix (AikbError) become one-line messages through click.ClickException.
"""
from __future__ import annotations

import logging
import sys

import click

from kb.errors import AikbError
from kb.settings import load_settings


class AikbGroup(click.Group):
    """Turns aikb's named errors into one-line messages with a non-zero exit code."""

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


from kb.cli import alert_cmds, extract_cmds, ingest_cmds, query_cmds, ui_cmds  # noqa: E402

for _module in (ingest_cmds, extract_cmds, query_cmds, alert_cmds, ui_cmds):
    _module.register(cli)


def main() -> None:
    cli(prog_name="aikb")
