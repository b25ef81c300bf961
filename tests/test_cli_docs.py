"""Every command documents itself: help text with an example, as users and the README rely on it."""
import click
import pytest
from click.testing import CliRunner

from kb.cli import cli


def walk(group: click.Group, prefix=()):
    # through click's API, not group.commands: the aikb group loads each command's module on demand
    for name in sorted(group.list_commands(None)):
        cmd = group.get_command(None, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from walk(cmd, prefix + (name,))


COMMANDS = list(walk(cli))


def test_there_are_commands():
    assert COMMANDS, "the aikb group has no commands"


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_command_has_help_with_example(path, cmd):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert (cmd.help or "").strip(), f"aikb {' '.join(path)} has no help text"
    if not isinstance(cmd, click.Group):
        assert "Example" in (cmd.help or ""), f"aikb {' '.join(path)} help has no Example"
