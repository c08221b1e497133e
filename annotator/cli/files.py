"""Commands on a project file itself: ``check`` (and ``--repair``), ``backup`` and
``restore``. A project on a server has no file: they say so."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.cli.registry import Command, arg, registrar
from annotator.domain.errors import AnnotatorError
from annotator.paths import is_server, location, shown_location

COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)
PARSERS: dict[str, dict[str, Any]] = {
    "check": {"help": "check a project file; --repair writes a repaired copy", "args": [
        arg("project", type=location),
        arg("--repair", action="store_true",
            help="write PROJECT.repaired.annotator beside it from what is readable")]},
    "backup": {"help": "back the project up now (the window does at open)",
               "args": [arg("project", type=location)]},
    "restore": {"help": "list a project's backups, or restore one", "args": [
        arg("project", type=location),
        arg("backup", nargs="?", help="the number from the list (1: newest) or a path")]},
}


def _file_only(where: object, what: str) -> None:
    if is_server(where):
        raise AnnotatorError(f"{shown_location(where)}: a project on a server has no file to "
                             f"{what}; its server keeps it whole (ask its administrator for "
                             f"its backups), and 'annotator copy' makes a file of it")


@command("check")
def _check(args: argparse.Namespace) -> int:
    _file_only(args.project, "check")
    from annotator.storage.sqlite.check import check_project, repair_project

    if args.repair:
        result = repair_project(args.project)
        copied = ", ".join(f"{n} {t}" for t, n in result.copied.items())
        print(f"wrote {result.path} ({copied})")
        for problem in result.lost:
            print(f"  not saved: {problem}")
        return 0
    problems = check_project(args.project)
    for problem in problems:
        print(problem)
    if problems:
        print(f"annotator: error: {args.project}: {len(problems)} problem(s); "
              f"'annotator check --repair' writes a repaired copy", file=sys.stderr)
        return 1
    print(f"{args.project}: ok")
    return 0


def _settings_backup_options() -> tuple[int, bool]:
    from annotator.ui.window.settings import Settings  # plain data, no Qt

    settings = Settings.load()
    return settings.backups_keep, settings.backups_beside


@command("backup")
def _backup(args: argparse.Namespace) -> int:
    _file_only(args.project, "backup")
    from annotator.storage.sqlite.backup import make_backup

    keep, beside = _settings_backup_options()
    made = make_backup(args.project, keep=keep, beside=beside)
    print(f"wrote {made.path if made else '(nothing)'}")
    return 0


@command("restore")
def _restore(args: argparse.Namespace) -> int:
    _file_only(args.project, "restore")
    from annotator.storage.sqlite.backup import list_backups, restore_backup

    keep, beside = _settings_backup_options()
    backups = list_backups(args.project, beside)
    if args.backup is None:
        if not backups:
            print(f"no backups of {args.project} yet")
        for number, backup in enumerate(backups, start=1):
            print(f"{number:3}  {backup}")
        return 0
    if args.backup.isdigit():
        number = int(args.backup)
        if not 1 <= number <= len(backups):
            raise AnnotatorError(f"there are {len(backups)} backups; choose 1 to {len(backups)}")
        chosen = backups[number - 1].path
    else:
        chosen = Path(args.backup)
    saved = restore_backup(chosen, args.project, keep=keep, beside=beside)
    print(f"restored {args.project} from {chosen}"
          + (f"; the project as it was is in {saved.path}" if saved else ""))
    return 0
