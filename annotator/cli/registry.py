"""The command line's table of commands, and the parser built from it.

Each module of ``annotator.cli`` owns a group of commands: ``COMMANDS`` (name → function)
and either ``PARSERS`` (each command's arguments declared as data: help, arguments,
mutually exclusive groups, sub-actions) or an ``add_commands(sub)`` that declares them with
argparse itself. ``build_parser`` makes one parser from every group in ``GROUPS`` order;
a new group goes into ``GROUPS`` and nowhere else.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any

Command = Callable[[argparse.Namespace], int]
Argument = tuple[tuple[str, ...], dict[str, Any]]  # names, add_argument's options

# the groups, in the order of `annotator --help`
GROUPS = ("project", "importing", "agreement", "exporting", "study", "corpus", "search",
          "server", "files", "suggest")


# every command's name, known without importing the groups: `annotator PROJECT` opens the
# window unless PROJECT is one of them (a test keeps this equal to ``commands()``)
COMMAND_NAMES = frozenset({
    "adjudicate", "agreement", "assign", "autocode", "backup", "check", "copy", "duplicates",
    "export", "gui", "import", "info", "merge", "new", "package", "restore", "scheme",
    "search", "segments", "server", "study", "suggest"})


def registrar(table: dict[str, Command]) -> Callable[[str], Callable[[Command], Command]]:
    """A ``@command("name")`` decorator that puts a command into ``table``."""
    def command(name: str) -> Callable[[Command], Command]:
        def register(func: Command) -> Command:
            table[name] = func
            return func
        return register
    return command


def arg(*names: str, **options: Any) -> Argument:
    """One argument of a declared command: ``arg("--scope", choices=(...), default=...)``."""
    return names, options


def declare(sub: Any, name: str, spec: dict[str, Any]) -> None:
    """A command's parser from its declaration: ``{"help": …, "args": [arg(…), …],
    "exclusive": [[arg(…), …], …], "actions": {name: spec, …}}``."""
    parser = sub.add_parser(name, help=spec["help"])
    for names, options in spec.get("args", ()):
        parser.add_argument(*names, **options)
    for group in spec.get("exclusive", ()):
        exclusive = parser.add_mutually_exclusive_group()
        for names, options in group:
            exclusive.add_argument(*names, **options)
    if "actions" in spec:
        actions = parser.add_subparsers(dest=f"{name}_command", metavar="ACTION",
                                        required=True)
        for action, action_spec in spec["actions"].items():
            declare(actions, action, action_spec)


def _groups() -> list[Any]:
    return [importlib.import_module(f"annotator.cli.{group}") for group in GROUPS]


def build_parser(prog: str, description: str, version: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--version", action="version", version=version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in _groups():
        if hasattr(group, "PARSERS"):
            for name, spec in group.PARSERS.items():
                declare(sub, name, spec)
        else:
            group.add_commands(sub)
    return parser


def commands() -> dict[str, Command]:
    found: dict[str, Command] = {}
    for group in _groups():
        found.update(group.COMMANDS)
    return found
