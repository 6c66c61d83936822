"""Every command's help: a summary `mlcycle --help` shows whole, and one example."""

from __future__ import annotations

import re
from typing import Any

import typer
from helpers.cli import run

from mlcycle.cli import build


def commands() -> list[tuple[str, ...]]:
    """Every command path of the full app, groups and their subcommands, through
    click's public API (what `mlcycle --help` and `mlcycle GROUP --help` list).
    typer vendors click, so groups are told by their interface, not their class."""
    root = typer.main.get_command(build())
    found: list[tuple[str, ...]] = []

    def walk(group: Any, ctx: Any, path: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            found.append((*path, name))
            if hasattr(command, "list_commands"):
                walk(command, command.context_class(command, info_name=name, parent=ctx),
                     (*path, name))

    walk(root, root.context_class(root, info_name="mlcycle"), ())
    return found


def test_no_command_summary_is_cut() -> None:
    for path in [()] + [c[:-1] for c in commands() if len(c) > 1]:
        result = run(*path, "--help")
        assert result.code == 0
        listing = result.out.split("Commands:\n", 1)[1]
        assert "..." not in listing, (path, listing)
        # every line of the list is one command and its whole first sentence
        for line in listing.splitlines():
            assert re.fullmatch(r"  [a-z]+ +\S.*[.)]", line), (path, line)


def test_every_command_help_ends_with_one_example() -> None:
    paths = commands()
    assert ("metrics", "pull") in paths and ("init",) in paths
    for path in paths:
        result = run(*path, "--help")
        assert result.code == 0, path
        description = result.out.split("\n\n", 1)[1].split("\n\nArguments:")[0]
        description = description.split("\n\nOptions:")[0]
        example = re.findall(r"^  Example:\n    (mlcycle .+)$", description, flags=re.M)
        assert len(example) == 1, (path, result.out)
        assert description.endswith(example[0]), (path, description)
        assert example[0].startswith("mlcycle " + " ".join(path)), (path, example[0])
