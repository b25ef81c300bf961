"""Commands of this stage; see kb/cli/__init__.py for how they are wired."""
import click


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""
